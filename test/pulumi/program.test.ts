// The mocks first: Pulumi's runtime must be mocked before the program creates anything.
import { configOf, isSecretValue, MOCK_ACCOUNT, ofType, Registration, registrations, settle, valueOf } from './mocks';
import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { Environment } from '../../lib';
import { buildApp } from '../../stacks/main';
import { OFFSITE_BACKUPS, offsiteBackup, offsiteBackupTarget } from '../../stacks/offsite-backups';
import { deployReliakit, ReliakitDeployment, stackOutputs, systemDirectories } from '../../stacks/pulumi/program';
import { OffsiteBackupBucket } from '../../stacks/pulumi/offsite-backup-bucket';
import { SystemRelease } from '../../stacks/pulumi/system-release';
import type { KubeJson } from '../../lib';

type Manifest = KubeJson;
// Building the app and registering a few hundred objects takes seconds on a loaded machine.
jest.setTimeout(60_000);
const ROOT = path.join(__dirname, '..', '..');

/** The `config:` map of a committed stack file. */
function stackFile(stack: string): Record<string, unknown> {
  return parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')).config;
}

/** What `cdk8s synth` writes for each system of `env`, from an app built independently of the program's. */
function synthesized(env: Environment): Map<string, Manifest[]> {
  const app = buildApp();
  const out = new Map<string, Manifest[]>();
  for (const [chart, dirs] of systemDirectories(app, app.render())) {
    if (chart.environment !== env) continue;
    out.set(
      chart.system,
      dirs.flatMap((d) => d.files.flatMap((f) => f.objects)),
    );
  }
  return out;
}

/** The Kubernetes objects Pulumi received for a system's release: its Namespace, then each ConfigGroup's objects. */
function received(release: SystemRelease, regs: readonly Registration[]): Manifest[] {
  const child = (type: string, r: pulumi.Resource) => {
    const found = regs.filter((g) => g.type === type && g.name === pulumiName(r));
    expect(found).toHaveLength(1);
    return found[0];
  };
  return [
    ...release.namespaces.map((n) => child('kubernetes:core/v1:Namespace', n).inputs),
    ...release.groups.flatMap((g) => child('kubernetes:yaml/v2:ConfigGroup', g).inputs.objs as Manifest[]),
  ];
}

const describeObject = (o: Manifest) => `${o.kind}/${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;

/** dependsOn and protect of each resource (by name), recorded through a transformation on every component. */
const dependsOnByName = new Map<string, string[]>();
const protectedNames = new Set<string>();
const recordDependencies: pulumi.ResourceTransformation = (args) => {
  const deps = (args.opts.dependsOn ?? []) as pulumi.Resource[];
  dependsOnByName.set(
    args.name,
    deps.map((d) => pulumiName(d) as string),
  );
  if (args.opts.protect) protectedNames.add(args.name);
  return undefined;
};

async function deploy(config: Record<string, unknown>): Promise<{ deployment: ReliakitDeployment; regs: Registration[] }> {
  registrations.splice(0);
  protectedNames.clear();
  const deployment = deployReliakit(configOf(config), buildApp(), { transformations: [recordDependencies] });
  await valueOf(pulumi.output(stackOutputs(deployment)));
  await settle();
  return { deployment, regs: [...registrations] };
}

const PROD_SYNTH = synthesized(Environment.PROD);

describe('prod stack (Pulumi.prod.yaml)', () => {
  let deployment: ReliakitDeployment;
  let regs: Registration[];
  const expected = PROD_SYNTH;

  beforeAll(async () => {
    ({ deployment, regs } = await deploy(stackFile('prod')));
  });

  test('deploys every system of the app', () => {
    expect(Object.keys(deployment.systems)).toEqual([...expected.keys()]);
    expect(Object.keys(deployment.systems)).toEqual(['homepage', 'postfacta', 'llm-data-vault', 'social-backend', 'listings']);
  });

  test.each([...PROD_SYNTH.keys()])('%s: Pulumi receives exactly the objects cdk8s synthesizes', (system) => {
    const objects = received(deployment.systems[system].release, regs);
    const synth = expected.get(system)!;
    // Same count, kinds, names and namespaces, in the same order ...
    expect(objects.map(describeObject)).toEqual(synth.map(describeObject));
    // ... and the same objects, field for field.
    expect(objects).toEqual(synth);
    // No Flux object: those are the GitOps path's.
    expect(objects.filter((o) => String(o.apiVersion).includes('toolkit.fluxcd.io'))).toEqual([]);
  });

  test('each system: Namespace first, then the data layer (after its off-site credentials entry), then the apps waiting for it', () => {
    for (const [system, { release, offsiteBackup }] of Object.entries(deployment.systems)) {
      const names = release.groups.map((g) => pulumiName(g));
      expect(names).toEqual([`${system}-data`, system]);
      const ns = release.namespaces.map((n) => pulumiName(n));
      expect(ns).toEqual([`namespace-${system}`]);
      const entries = offsiteBackup ? [`${system}-offsite-backup-credentials-version`] : [];
      expect(dependsOnByName.get(`${system}-data`)).toEqual([...ns, ...entries]);
      expect(dependsOnByName.get(system)).toEqual([`${system}-data`]);
    }
  });

  test('Pulumi writes no Kubernetes Secret: the tree syncs every Secret it reads, on either delivery path', () => {
    expect(regs.filter((r) => r.type === 'kubernetes:core/v1:Secret')).toEqual([]);
  });

  test('every Kubernetes resource uses the provider built from kubernetes:context, never a default provider', () => {
    const providers = ofType('pulumi:providers:kubernetes');
    expect(providers.map((p) => [p.name, p.inputs.context])).toEqual([['kubernetes', 'lucena-prod']]);
    const k8s = regs.filter((r) => r.type.startsWith('kubernetes:'));
    expect(k8s.length).toBeGreaterThan(0);
    for (const r of k8s) expect(r.provider).toMatch(/::pulumi:providers:kubernetes::kubernetes::kubernetes-id$/);
  });

  test('only the systems with an off-site location get AWS resources', () => {
    const withOffsite = Object.entries(deployment.systems)
      .filter(([, s]) => s.offsiteBackup)
      .map(([n]) => n);
    expect(withOffsite).toEqual(['social-backend', 'listings']);
    expect(ofType('aws:s3/bucket:Bucket').map((b) => b.inputs.bucket)).toEqual([
      'lucena-cloud-social-backend-backups',
      'lucena-cloud-listings-offsite-backups',
    ]);
    expect(ofType(OffsiteBackupBucket.TYPE)).toHaveLength(2);
    // One release per system the stack file lists (a system added to stacks/systems.ts deploys once listed there).
    expect(ofType(SystemRelease.TYPE)).toHaveLength((stackFile('prod')['reliakit:systems'] as string[]).length);
  });

  describe.each(Object.keys(OFFSITE_BACKUPS))('%s off-site bucket', (system) => {
    const loc = offsiteBackup(system, Environment.PROD);
    const prefix = `${system}-offsite-backup`;
    const bucketArn = `arn:aws:s3:::${loc.bucket}`;
    const keyArn = `arn:aws:kms:eu-central-1:${MOCK_ACCOUNT}:key/key-${prefix}-key`;
    const r = (type: string, suffix: string) => regs.find((x) => x.type === type && x.name === `${prefix}-${suffix}`)!;

    test('bucket under the contract name, never force-destroyed; bucket and key protected in prod', () => {
      expect(r('aws:s3/bucket:Bucket', 'bucket').inputs).toMatchObject({ bucket: loc.bucket, forceDestroy: false });
      expect(protectedNames).toContain(`${prefix}-bucket`);
      expect(protectedNames).toContain(`${prefix}-key`);
    });

    test('versioning on', () => {
      expect(r('aws:s3/bucketVersioning:BucketVersioning', 'versioning').inputs).toEqual({
        bucket: loc.bucket,
        versioningConfiguration: { status: 'Enabled' },
      });
    });

    test('SSE-KMS by default under its own KMS key, with rotation', () => {
      expect(r('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', 'encryption').inputs).toEqual({
        bucket: loc.bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }],
      });
      expect(r('aws:kms/key:Key', 'key').inputs).toMatchObject({
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: 30,
      });
      // One key per system.
      expect(ofType('aws:kms/key:Key').filter((k) => k.name === `${prefix}-key`)).toHaveLength(1);
    });

    test('public access blocked, ACLs disabled', () => {
      expect(r('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', 'public-access').inputs).toEqual({
        bucket: loc.bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(r('aws:s3/bucketOwnershipControls:BucketOwnershipControls', 'ownership').inputs.rule).toEqual({
        objectOwnership: 'BucketOwnerEnforced',
      });
    });

    test("lifecycle: objects expire after the plan's retention, noncurrent versions after the grace", () => {
      expect(loc.retentionDays).toBe(30);
      const rules = r('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'lifecycle').inputs.rules;
      expect(rules).toEqual([
        {
          id: 'expire-after-retention',
          status: 'Enabled',
          filter: {},
          expiration: { days: 30 },
          noncurrentVersionExpiration: { noncurrentDays: loc.noncurrentVersionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
        { id: 'remove-expired-delete-markers', status: 'Enabled', filter: {}, expiration: { expiredObjectDeleteMarker: true } },
      ]);
    });

    test('bucket policy: TLS only (1.2+), uploads only under this key', () => {
      const policy = JSON.parse(r('aws:s3/bucketPolicy:BucketPolicy', 'policy').inputs.policy);
      expect(policy.Statement.every((s: KubeJson) => s.Effect === 'Deny')).toBe(true);
      const bySid = Object.fromEntries(policy.Statement.map((s: KubeJson) => [s.Sid, s]));
      expect(bySid.DenyInsecureTransport).toMatchObject({
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect(bySid.DenyTlsBelow12.Condition).toEqual({ NumericLessThan: { 's3:TlsVersion': '1.2' } });
      expect(bySid.DenyUploadsNotUnderKms.Condition.StringNotEquals).toEqual({ 's3:x-amz-server-side-encryption': 'aws:kms' });
      expect(bySid.DenyUploadsUnderTheManagedKey.Condition).toEqual({
        StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
        Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' },
      });
      expect(bySid.DenyUploadsUnderAnotherKey.Condition.StringNotEquals).toEqual({
        's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn,
      });
    });

    test('IAM identity: allowed only the bucket prefix (and the key, through S3)', () => {
      const user = r('aws:iam/user:User', 'writer');
      expect(user.inputs).toMatchObject({ name: `${loc.bucket}-writer`, path: '/reliakit/' });
      const userPolicy = r('aws:iam/userPolicy:UserPolicy', 'writer-policy');
      expect(userPolicy.inputs.user).toBe(user.inputs.name);
      const statements = JSON.parse(userPolicy.inputs.policy).Statement;
      expect(statements.every((s: KubeJson) => s.Effect === 'Allow')).toBe(true);
      const resources = statements.flatMap((s: KubeJson) => [s.Resource].flat());
      expect(resources.sort()).toEqual([bucketArn, `${bucketArn}/${loc.prefix}/*`, keyArn].sort());
      const list = statements.find((s: KubeJson) => s.Action === 's3:ListBucket');
      expect(list).toMatchObject({
        Resource: bucketArn,
        Condition: { StringLikeIfExists: { 's3:prefix': [loc.prefix, `${loc.prefix}/*`] } },
      });
      // Every other S3 action is on the prefix's objects only; no s3:* and no version deletes.
      const s3Actions = statements.flatMap((s: KubeJson) => [s.Action].flat()).filter((a: string) => a.startsWith('s3:'));
      expect(s3Actions).not.toContain('s3:*');
      expect(s3Actions).not.toContain('s3:DeleteObjectVersion');
      for (const s of statements.filter(
        (x: KubeJson) => [x.Action].flat().some((a: string) => a.startsWith('s3:')) && x.Action !== 's3:ListBucket',
      )) {
        expect(s.Resource).toBe(`${bucketArn}/${loc.prefix}/*`);
      }
      const kms = statements.find((s: KubeJson) => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
      expect(kms).toMatchObject({ Resource: keyArn, Condition: { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } } });
    });

    test("access keys land in the secret manager entry the system's SyncedSecret reads, as the properties its BackupTarget names, as secrets", async () => {
      const target = offsiteBackupTarget(system, Environment.PROD);
      const entry = r('aws:secretsmanager/secret:Secret', 'credentials');
      expect(entry.inputs).toMatchObject({ name: `${system}/prod/offsite-backup`, recoveryWindowInDays: 30 });
      const version = r('aws:secretsmanager/secretVersion:SecretVersion', 'credentials-version');
      expect(version.inputs.secretId).toBe(`${prefix}-credentials-id`);
      // Secret-wrapped in what the engine receives ...
      expect(isSecretValue(version.inputs.secretString)).toBe(true);
      expect(JSON.parse(version.inputs.secretString.value)).toEqual({
        [target.accessKeyId.key]: `AKIA-${prefix}-writer-key`,
        [target.secretAccessKey.key]: `secret-of-${prefix}-writer-key`,
      });
      const accessKey = r('aws:iam/accessKey:AccessKey', 'writer-key');
      expect(accessKey.inputs.user).toBe(`${loc.bucket}-writer`);
      // ... and secret outputs in the program.
      const bucket = deployment.systems[system].offsiteBackup!;
      expect(await pulumi.isSecret(bucket.secretAccessKey)).toBe(true);
      expect(await pulumi.isSecret(bucket.credentialsEntry.secretString)).toBe(true);
    });

    test('the tree syncs that entry into the Secret the BackupTarget references, with the data layer', () => {
      const target = offsiteBackupTarget(system, Environment.PROD);
      const data = PROD_SYNTH.get(system)!;
      const synced = data.filter((o) => o.kind === 'ExternalSecret' && o.spec.target.name === target.accessKeyId.name);
      expect(synced.map((o) => [o.metadata.namespace, o.spec.secretStoreRef, o.spec.data])).toEqual([
        [
          system,
          { kind: 'ClusterSecretStore', name: 'secret-manager' },
          [
            { secretKey: target.accessKeyId.key, remoteRef: { key: `${system}/prod/offsite-backup`, property: target.accessKeyId.key } },
            {
              secretKey: target.secretAccessKey.key,
              remoteRef: { key: `${system}/prod/offsite-backup`, property: target.secretAccessKey.key },
            },
          ],
        ],
      ]);
    });
  });

  test('the target of the contract points at the bucket Pulumi creates', () => {
    for (const system of Object.keys(OFFSITE_BACKUPS)) {
      const target = offsiteBackupTarget(system, Environment.PROD);
      expect(target.problems()).toEqual([]);
      expect(target.url).toBe(`s3://${offsiteBackup(system, Environment.PROD).bucket}/postgres`);
      expect(target.endpoint).toBe('https://s3.eu-central-1.amazonaws.com');
    }
  });

  test('stack outputs carry locations, never keys', async () => {
    const outputs = await valueOf(pulumi.output(stackOutputs(deployment)));
    expect(outputs).toEqual({
      environment: 'prod',
      systems: ['homepage', 'postfacta', 'llm-data-vault', 'social-backend', 'listings'],
      offsiteBackups: {
        'social-backend': {
          bucket: 'lucena-cloud-social-backend-backups',
          region: 'eu-central-1',
          prefix: 'postgres',
          retentionDays: 30,
          kmsKeyArn: `arn:aws:kms:eu-central-1:${MOCK_ACCOUNT}:key/key-social-backend-offsite-backup-key`,
          credentialsSecret: 'social-backend-backup-s3',
          credentialsEntry: 'social-backend/prod/offsite-backup',
        },
        listings: {
          bucket: 'lucena-cloud-listings-offsite-backups',
          region: 'eu-central-1',
          prefix: 'postgres',
          retentionDays: 30,
          kmsKeyArn: `arn:aws:kms:eu-central-1:${MOCK_ACCOUNT}:key/key-listings-offsite-backup-key`,
          credentialsSecret: 'listings-offsite-backup-s3',
          credentialsEntry: 'listings/prod/offsite-backup',
        },
      },
    });
    expect(JSON.stringify(outputs)).not.toMatch(/secret-of-|AKIA/);
  });
});

describe('dev stack (Pulumi.dev.yaml)', () => {
  test("deploys dev's objects and dev's own buckets, with dev retention", async () => {
    const { deployment, regs } = await deploy(stackFile('dev'));
    const expected = synthesized(Environment.DEV);
    expect(Object.keys(deployment.systems)).toEqual([...expected.keys()]);
    for (const [system, synth] of expected) expect(received(deployment.systems[system].release, regs)).toEqual(synth);
    expect(regs.filter((r) => r.type === 'aws:s3/bucket:Bucket').map((b) => b.inputs.bucket)).toEqual([
      'lucena-cloud-social-backend-backups-dev',
      'lucena-cloud-listings-offsite-backups-dev',
    ]);
    const days = regs
      .filter((r) => r.type === 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration')
      .map((l) => l.inputs.rules[0].expiration.days);
    expect(days).toEqual([7, 30]);
    // dev can be torn down.
    expect([...protectedNames]).toEqual([]);
  });

  test('reliakit:systems selects systems; those without off-site backups need no AWS region', async () => {
    const { deployment, regs } = await deploy({ 'reliakit:environment': 'dev', 'reliakit:systems': ['homepage'] });
    expect(Object.keys(deployment.systems)).toEqual(['homepage']);
    expect(regs.filter((r) => r.type.startsWith('aws:'))).toEqual([]);
    expect(regs.filter((r) => r.type === 'pulumi:providers:kubernetes').map((p) => p.inputs)).toEqual([{}]);
  });
});

describe('bad configuration fails before anything is created', () => {
  test('unknown system and missing region, both named with their fix', () => {
    registrations.splice(0);
    expect(() =>
      deployReliakit(configOf({ 'reliakit:environment': 'prod', 'kubernetes:context': 'c', 'reliakit:systems': ['listings', 'shop'] })),
    ).toThrow(
      [
        'Pulumi stack configuration: 2 problems',
        "  - 'reliakit:systems' names an unknown system 'shop' — use any of 'homepage', 'postfacta', 'llm-data-vault', 'social-backend', 'listings', or remove the key to deploy all of them",
        "  - 'aws:region' is not set, but the off-site backup buckets of listings need it — run `pulumi config set aws:region eu-central-1`",
      ].join('\n'),
    );
    expect(registrations).toEqual([]);
  });
});

/** The logical name Pulumi gave a resource (its internal `__name`; the mocks record inputs by it). */
function pulumiName(resource: unknown): string {
  return (resource as { __name: string }).__name;
}
