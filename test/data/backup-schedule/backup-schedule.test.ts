import { spawnSync } from 'child_process';
import { Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  BackupSchedule,
  BackupScheduleProps,
  BackupSource,
  BackupTarget,
  Environment,
  NetworkPeer,
  Retention,
  StorageClass,
} from '../../../lib';
import {
  backupSetFiles,
  fetchScript,
  offsiteSyncScript,
  postgresDumpScript,
  postgresVerifyScript,
  pruneScript,
  redisDumpScript,
  redisVerifyScript,
  uploadScript,
} from '../../../lib/data/backup-scripts';
import { find, Manifest, ofKind, synth, testChart } from '../../support/synth';

const TARGET = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'backups',
  prefix: 'db',
  credentials: { secretName: 'minio-credentials' },
});
const AWS = BackupTarget.s3({
  bucket: 'homepage-offsite',
  region: 'eu-central-1',
  credentials: { secretName: 'aws-backup' },
  kmsKeyId: 'alias/backups',
});

function postgres(overrides: Partial<Parameters<typeof BackupSource.postgres>[0]> = {}): BackupSource {
  return BackupSource.postgres({
    host: 'homepage-db-rw.homepage',
    database: 'app',
    username: 'backup',
    password: { name: 'db-backup', key: 'password' },
    image: 'postgres:16.4-bookworm',
    majorVersion: 16,
    declaredSize: Size.gibibytes(8),
    ...overrides,
  });
}

/** The smallest valid props; tests override what they exercise. */
function baseProps(overrides: Partial<BackupScheduleProps> = {}): BackupScheduleProps {
  return {
    source: postgres(),
    target: TARGET,
    schedule: '0 2 * * *',
    restoreDrill: { schedule: '0 3 * * *' },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    ...overrides,
  };
}

function build(overrides: Partial<BackupScheduleProps> = {}, id = 'postgres') {
  const chart = testChart();
  const schedule = new BackupSchedule(chart, id, baseProps(overrides));
  return { chart, schedule, objects: synth(chart) };
}

function errorOf(overrides: Partial<BackupScheduleProps>, id = 'postgres'): string {
  try {
    build(overrides, id);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

function pod(objects: Manifest[], name: string): Manifest {
  return find(objects, 'CronJob', name).spec.jobTemplate.spec.template.spec;
}

function envOf(container: Manifest): Record<string, unknown> {
  return Object.fromEntries((container.env as Manifest[]).map((e) => [e.name, e.value ?? e.valueFrom]));
}

describe('BackupSchedule defaults', () => {
  const { schedule, objects } = build();

  test('emits the scripts, a ServiceAccount, and a CronJob + NetworkPolicy per job, named <system>-<id>-<job>', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/test',
      'NetworkPolicy/test-default-deny',
      'NetworkPolicy/test-allow-dns',
      'ServiceAccount/test-postgres-backup',
      'ConfigMap/test-postgres-backup-scripts',
      'CronJob/test-postgres-backup',
      'NetworkPolicy/test-postgres-backup',
      'CronJob/test-postgres-restore-drill',
      'NetworkPolicy/test-postgres-restore-drill',
    ]);
    expect(objects).toMatchSnapshot();
  });

  test('resolves defaults into public fields', () => {
    expect(schedule.name).toBe('test-postgres');
    expect(schedule.backupJobName).toBe('test-postgres-backup');
    expect(schedule.restoreDrillJobName).toBe('test-postgres-restore-drill');
    expect(schedule.offsiteJobName).toBeUndefined();
    expect(schedule.schedule).toBe('0 2 * * *');
    expect(schedule.restoreDrillSchedule).toBe('0 3 * * *');
    expect(schedule.timeZone).toBe('Etc/UTC');
    expect(schedule.retention.toString()).toBe('the newest 7 backups');
    expect(schedule.encrypted).toBe(false);
    expect(schedule.target.url).toBe('s3://backups/db/prod/test-postgres');
    expect(schedule.version).toBe('16.4-bookworm');
  });

  test('recommended labels on every object', () => {
    // The namespace and its namespace-wide policies belong to the system chart, not the schedule.
    for (const o of objects.filter((x) => x.kind !== 'Namespace' && !/^test-(default-deny|allow-dns)$/.test(x.metadata.name))) {
      const component = o.metadata.name.replace(/^test-/, '').replace(/-scripts$/, '');
      expect(o.metadata.labels).toEqual({
        'app.kubernetes.io/name': `test-${component}`,
        'app.kubernetes.io/instance': `test-${component}-prod`,
        'app.kubernetes.io/component': component,
        'app.kubernetes.io/part-of': 'test',
        'app.kubernetes.io/managed-by': 'reliakit',
        'app.kubernetes.io/version': '16.4-bookworm',
        'reliakit.dev/environment': 'prod',
      });
    }
  });

  test('CronJobs: Forbid, deadlines, history limits, retries by new pods', () => {
    for (const name of ['test-postgres-backup', 'test-postgres-restore-drill']) {
      const cj = find(objects, 'CronJob', name);
      expect(cj.spec).toMatchObject({
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 1800,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
      });
      expect(cj.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 7200 });
      expect(cj.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
      expect(pod(objects, name).restartPolicy).toBe('Never');
    }
    expect(find(objects, 'CronJob', 'test-postgres-backup').spec.schedule).toBe('0 2 * * *');
    expect(find(objects, 'CronJob', 'test-postgres-restore-drill').spec.schedule).toBe('0 3 * * *');
  });

  test('steps: dump (postgres image) → upload → prune (AWS CLI image); fetch → verify', () => {
    const steps = (name: string) =>
      [...(pod(objects, name).initContainers ?? []), ...pod(objects, name).containers].map((c: Manifest) => [
        c.name,
        c.image,
        c.command.join(' '),
      ]);
    expect(steps('test-postgres-backup')).toEqual([
      ['dump', 'postgres:16.4-bookworm', '/bin/sh /scripts/dump.sh'],
      ['upload', 'amazon/aws-cli:2.17.50', '/bin/sh /scripts/upload.sh'],
      ['prune', 'amazon/aws-cli:2.17.50', '/bin/sh /scripts/prune.sh'],
    ]);
    expect(steps('test-postgres-restore-drill')).toEqual([
      ['fetch', 'amazon/aws-cli:2.17.50', '/bin/sh /scripts/fetch.sh'],
      ['verify', 'postgres:16.4-bookworm', '/bin/sh /scripts/verify.sh'],
    ]);
    expect(Object.keys(find(objects, 'ConfigMap', 'test-postgres-backup-scripts').data)).toEqual([
      'dump.sh',
      'fetch.sh',
      'prune.sh',
      'upload.sh',
      'verify.sh',
    ]);
  });

  test('hardened pods: restricted security, read-only root with a work volume claim three times the declared size, own ServiceAccount without token', () => {
    const spec = pod(objects, 'test-postgres-backup');
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.serviceAccountName).toBe('test-postgres-backup');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ServiceAccount', 'test-postgres-backup').automountServiceAccountToken).toBe(false);
    expect(spec.volumes).toEqual([
      {
        name: 'work',
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { labels: find(objects, 'CronJob', 'test-postgres-backup').metadata.labels },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '24Gi' } } },
          },
        },
      },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'scripts', configMap: { name: 'test-postgres-backup-scripts', defaultMode: 0o444 } },
    ]);
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.volumeMounts).toEqual([
        { name: 'work', mountPath: '/work' },
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'scripts', mountPath: '/scripts', readOnly: true },
      ]);
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    }
  });

  test('credentials only through secretKeyRef env', () => {
    const [dump, upload, prune] = [
      ...pod(objects, 'test-postgres-backup').initContainers,
      ...pod(objects, 'test-postgres-backup').containers,
    ];
    expect(envOf(dump)).toEqual({
      WORK_DIR: '/work',
      HOME: '/tmp',
      TMPDIR: '/work/tmp',
      PGHOST: 'homepage-db-rw.homepage',
      PGPORT: '5432',
      PGDATABASE: 'app',
      PGUSER: 'backup',
      PGPASSWORD: { secretKeyRef: { name: 'db-backup', key: 'password' } },
      PGCONNECT_TIMEOUT: '10',
    });
    expect(envOf(upload)).toEqual({
      WORK_DIR: '/work',
      HOME: '/tmp',
      TMPDIR: '/work/tmp',
      S3_ENDPOINT: 'http://minio.minio:9000',
      S3_BUCKET: 'backups',
      S3_PREFIX: 'db/prod/test-postgres',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'minio-credentials', key: 'access-key' } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'minio-credentials', key: 'secret-key' } },
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(envOf(prune).RETENTION_COUNT).toBe('7');
    const verify = pod(objects, 'test-postgres-restore-drill').containers[0];
    // The drill has no credential and no address of the database: it restores into its own server.
    expect(envOf(verify)).toEqual({ WORK_DIR: '/work', HOME: '/tmp', TMPDIR: '/work/tmp' });
    // No script contains a credential: they read the environment.
    const scripts = JSON.stringify(find(objects, 'ConfigMap', 'test-postgres-backup-scripts').data);
    expect(scripts).not.toMatch(/minio-credentials|db-backup/);
  });

  test('network policies: no ingress; egress to DNS, the database and the object store only', () => {
    const dns = {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    };
    const db = {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'homepage' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    };
    const minio = {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
      ports: [{ protocol: 'TCP', port: 9000 }],
    };
    // The drill restores in its own pod: it reaches the object store, never the database.
    for (const [name, egress] of [
      ['test-postgres-backup', [dns, db, minio]],
      ['test-postgres-restore-drill', [dns, minio]],
    ] as const) {
      const np = find(objects, 'NetworkPolicy', name);
      expect(np.spec).toEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-prod` } },
        policyTypes: ['Ingress', 'Egress'],
        egress,
      });
      expect(pod(objects, name).containers[0]).toBeDefined();
      expect(find(objects, 'CronJob', name).spec.jobTemplate.spec.template.metadata.labels).toMatchObject(np.spec.podSelector.matchLabels);
    }
  });
});

describe('BackupSchedule behaviour', () => {
  test('client-side encryption: the key reaches dump and verify only, scripts use openssl', () => {
    const { schedule, objects } = build({ encryption: { key: { name: 'backup-encryption', key: 'passphrase' } } });
    expect(schedule.encrypted).toBe(true);
    const backup = pod(objects, 'test-postgres-backup');
    const key = { secretKeyRef: { name: 'backup-encryption', key: 'passphrase' } };
    expect(envOf(backup.initContainers[0]).BACKUP_ENCRYPTION_KEY).toEqual(key);
    expect(envOf(backup.initContainers[1]).BACKUP_ENCRYPTION_KEY).toBeUndefined();
    expect(envOf(pod(objects, 'test-postgres-restore-drill').containers[0]).BACKUP_ENCRYPTION_KEY).toEqual(key);
    const data = find(objects, 'ConfigMap', 'test-postgres-backup-scripts').data;
    expect(data['dump.sh']).toContain('-pass env:BACKUP_ENCRYPTION_KEY');
    expect(data['verify.sh']).toContain('openssl enc -d -aes-256-cbc -pbkdf2');
  });

  test('off-site copy to AWS S3: its own job, SSE-KMS, egress to public addresses on 443', () => {
    const { schedule, objects } = build({ offsite: { target: AWS, schedule: new Cron({ minute: '0', hour: '4', weekDay: 'SUN' }) } });
    expect(schedule.offsiteJobName).toBe('test-postgres-offsite-sync');
    expect(schedule.offsiteSchedule).toBe('0 4 * * SUN');
    expect(schedule.offsiteTarget?.url).toBe('s3://homepage-offsite/prod/test-postgres');
    const sync = pod(objects, 'test-postgres-offsite-sync').containers[0];
    expect(sync.command).toEqual(['/bin/sh', '/scripts/offsite-sync.sh']);
    expect(envOf(sync)).toMatchObject({
      OFFSITE_S3_ENDPOINT: 'https://s3.eu-central-1.amazonaws.com',
      OFFSITE_S3_SSE: 'aws:kms',
      OFFSITE_S3_SSE_KMS_KEY_ID: 'alias/backups',
      OFFSITE_AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'aws-backup', key: 'access-key' } },
    });
    expect(find(objects, 'NetworkPolicy', 'test-postgres-offsite-sync').spec.egress.slice(1)).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
        ports: [{ protocol: 'TCP', port: 9000 }],
      },
      {
        to: [
          {
            ipBlock: {
              cidr: '0.0.0.0/0',
              except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8'],
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  test('Redis: RDB snapshot, password as REDISCLI_AUTH, drill without database egress', () => {
    const { objects } = build(
      {
        source: BackupSource.redis({
          host: 'homepage-cache',
          password: { name: 'redis', key: 'password' },
          image: 'redis:7.2.5-bookworm',
          declaredSize: Size.mebibytes(384),
        }),
        restoreDrill: { schedule: '0 3 1 * *' },
      },
      'cache',
    );
    const dump = pod(objects, 'test-cache-backup').initContainers[0];
    expect(envOf(dump)).toMatchObject({
      REDIS_HOST: 'homepage-cache',
      REDIS_PORT: '6379',
      REDISCLI_AUTH: { secretKeyRef: { name: 'redis', key: 'password' } },
    });
    // A bare host name is a Service in the schedule's own namespace.
    expect(find(objects, 'NetworkPolicy', 'test-cache-backup').spec.egress[1].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } } },
    ]);
    expect(find(objects, 'NetworkPolicy', 'test-cache-restore-drill').spec.egress).toHaveLength(2);
    expect(find(objects, 'ConfigMap', 'test-cache-backup-scripts').data['dump.sh']).toContain(
      'redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --rdb',
    );
  });

  test('job settings, retention by days, time zone, work dir size, explicit peers, drill options', () => {
    const { schedule, objects } = build({
      jobs: {
        backoffLimit: 4,
        activeDeadline: Duration.hours(6),
        startingDeadline: Duration.minutes(5),
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 5,
        ttlAfterFinished: Duration.days(3),
      },
      retention: Retention.days(30),
      timeZone: 'Europe/Berlin',
      workDirSize: Size.gibibytes(50),
      source: postgres({ host: '10.20.0.5', port: 6432 }),
      targetPeer: NetworkPeer.cidr('192.168.10.0/24'),
      workStorageClass: StorageClass.named('fast'),
      restoreDrill: { schedule: '0 3 * * *', checkSql: 'SELECT count(*) > 0 FROM users' },
    });
    expect(schedule.retention.toString()).toBe('30 days');
    const cj = find(objects, 'CronJob', 'test-postgres-backup');
    expect(cj.spec).toMatchObject({
      timeZone: 'Europe/Berlin',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
    });
    expect(cj.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 4, activeDeadlineSeconds: 21600, ttlSecondsAfterFinished: 259200 });
    expect(pod(objects, 'test-postgres-backup').volumes[0].ephemeral.volumeClaimTemplate.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '50Gi' } },
    });
    expect(envOf(pod(objects, 'test-postgres-backup').containers[0]).RETENTION_DAYS).toBe('30');
    expect(find(objects, 'NetworkPolicy', 'test-postgres-backup').spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.5/32' } }], ports: [{ protocol: 'TCP', port: 6432 }] },
      { to: [{ ipBlock: { cidr: '192.168.10.0/24' } }], ports: [{ protocol: 'TCP', port: 9000 }] },
    ]);
    expect(envOf(pod(objects, 'test-postgres-restore-drill').containers[0])).toEqual({
      WORK_DIR: '/work',
      HOME: '/tmp',
      TMPDIR: '/work/tmp',
      DRILL_CHECK_SQL: 'SELECT count(*) > 0 FROM users',
    });
  });

  test('username from a Secret; dev environment keeps its backups apart', () => {
    const chart = testChart(Environment.DEV);
    const s = new BackupSchedule(chart, 'postgres', baseProps({ source: postgres({ username: { name: 'db-backup', key: 'username' } }) }));
    expect(s.target.prefix).toBe('db/dev/test-postgres');
    expect(envOf(pod(synth(chart), 'test-postgres-backup').initContainers[0]).PGUSER).toEqual({
      secretKeyRef: { name: 'db-backup', key: 'username' },
    });
    expect(ofKind(synth(chart), 'CronJob')).toHaveLength(2);
  });
});

describe('BackupSchedule validation', () => {
  const P = "prod/test/postgres: '";
  const rules: Array<[string, Partial<BackupScheduleProps>, string]> = [
    [
      'bad schedule',
      { schedule: '0 2 * *' },
      `${P}schedule' ('0 2 * *') has 4 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week) — use 5 fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'`,
    ],
    [
      'missing drill schedule',
      { restoreDrill: {} as never },
      `${P}restoreDrill.schedule' (undefined) is missing — set a 5-field cron schedule, e.g. '0 3 * * *' (daily at 03:00)`,
    ],
    [
      'bad drill schedule',
      { restoreDrill: { schedule: '0 25 * * *' } },
      `${P}restoreDrill.schedule' ('0 25 * * *') has an invalid hour field '25' (25 is outside 0–23) — use 5 fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'`,
    ],
    [
      'bad offsite schedule',
      { offsite: { target: AWS, schedule: '@weekly' } },
      `${P}offsite.schedule' ('@weekly') has 1 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week) — use 5 fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'`,
    ],
    [
      'bad time zone',
      { timeZone: 'UTC+2' },
      `${P}timeZone' ('UTC+2') is not an IANA time zone name — use e.g. 'Etc/UTC' or 'Europe/Berlin'`,
    ],
    [
      'retention keeps nothing',
      { retention: Retention.count(0) },
      `${P}retention' ('the newest 0 backups') keeps no backup — keep at least 1 (the newest is never deleted anyway)`,
    ],
    ['retention of 0 days', { retention: Retention.days(0) }, `${P}retention' ('0 days') keeps no backup — keep at least 1 day`],
    [
      'bad encryption key reference',
      { encryption: { key: { name: 'Backup_Key', key: 'pass phrase' } } },
      `${P}encryption.key.name' ('Backup_Key') is not a Secret name — use the name of a Secret in the same namespace`,
    ],
    [
      'unpinned source image',
      { source: postgres({ image: 'postgres', majorVersion: undefined }) },
      `${P}source.image' ('postgres') has no tag or digest, so every pull may run different code — pin a version tag (app:1.4.2) or a digest (app@sha256:...)`,
    ],
    [
      'source image of another major',
      { source: postgres({ image: 'postgres:15.8-bookworm' }) },
      `${P}source.image' ('postgres:15.8-bookworm') is not PostgreSQL 16, the server's major version (pg_dump cannot dump a newer server) — use the server's major version, e.g. 'postgres:16.x-bookworm'`,
    ],
    [
      'unpinned AWS CLI image',
      { awsCliImage: 'amazon/aws-cli:latest' },
      `${P}awsCliImage' ('amazon/aws-cli:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest`,
    ],
    [
      'bad source port',
      { source: postgres({ port: 0 }) },
      `${P}source.port' (0) is not a port number (1–65535) — use the port the server listens on`,
    ],
    [
      'bad source host',
      { source: postgres({ host: ' ' }) },
      `${P}source.host' (' ') is not a host name — use the server's Service DNS name`,
    ],
    ['empty database', { source: postgres({ database: '' }) }, `${P}source.database' ('') is empty — name the database to dump`],
    ['empty username', { source: postgres({ username: '' }) }, `${P}source.username' ('') is empty — name the role to dump as`],
    [
      'bad password key',
      { source: postgres({ password: { name: 'db-backup', key: 'pass word' } }) },
      `${P}source.password.key' ('pass word') is not a Secret key — use letters, digits, dashes, dots and underscores`,
    ],
    [
      'bad bucket',
      { target: BackupTarget.minio({ endpoint: 'http://minio.minio:9000', bucket: 'B', credentials: { secretName: 'm' } }) },
      `${P}target.bucket' ('B') is not a valid S3 bucket name — use 3–63 lowercase letters, digits, dots and dashes`,
    ],
    [
      'bad offsite region',
      {
        offsite: {
          target: BackupTarget.s3({ bucket: 'offsite', region: 'europe', credentials: { secretName: 'a' } }),
          schedule: '0 4 * * 0',
        },
      },
      `${P}offsite.target.region' ('europe') is not an AWS region — use e.g. 'eu-central-1'`,
    ],
    [
      'offsite onto itself',
      { offsite: { target: TARGET, schedule: '0 4 * * 0' } },
      `${P}offsite.target' ('s3://backups/db/prod/test-postgres on http://minio.minio:9000') is the backup target itself, so the copy protects against nothing — use a bucket in another location (another provider or region)`,
    ],
    [
      'underivable target peer',
      { target: BackupTarget.minio({ endpoint: 'https://objects', bucket: 'backups', credentials: { secretName: 'm' } }) },
      `${P}targetPeer' (undefined) cannot be derived from the endpoint https://objects, whose host names no namespace — set it, e.g. NetworkPeer.namespace('minio') or NetworkPeer.cidr('203.0.113.10/32')`,
    ],
    [
      'unknown postgres UID of the image',
      { source: postgres({ image: 'registry.example.com/pg:16.4' }) },
      `${P}source.serverUid' (undefined) is unknown for image registry.example.com/pg:16.4, so the drill cannot start its throwaway server (initdb refuses a UID without a passwd entry) — set the UID of the image's postgres user (26 in CloudNativePG's images, 999 in the official Debian-based ones)`,
    ],
    [
      'no work dir size and no declared size',
      { source: postgres({ declaredSize: undefined }) },
      `${P}workDirSize' (undefined) is missing, and the source (postgres app@homepage-db-rw.homepage:5432) declares no size to derive it from — set it to about three times the data's size, or give the source its declaredSize`,
    ],
    [
      'a work dir smaller than the declared size',
      { workDirSize: Size.gibibytes(4) },
      `${P}workDirSize' ('4Gi') is smaller than the source's declared size (8Gi), so a full database could be neither dumped nor restored in it — use at least 8Gi, or leave it unset for three times that`,
    ],
    [
      'empty check query',
      { restoreDrill: { schedule: '0 3 * * *', checkSql: ' ' } },
      `${P}restoreDrill.checkSql' (' ') is empty — remove it or give a query returning true, e.g. 'SELECT count(*) > 0 FROM users'`,
    ],
    [
      'PostgreSQL drill options on Redis',
      {
        source: BackupSource.redis({ host: 'cache', image: 'redis:7.2.5' }),
        restoreDrill: { schedule: '0 3 * * *', checkSql: 'SELECT true' },
        workDirSize: Size.gibibytes(1),
      },
      `${P}restoreDrill.checkSql' ('SELECT true') applies to PostgreSQL only; a Redis drill loads the snapshot into a throwaway in-pod server — remove restoreDrill.checkSql`,
    ],
    ['negative backoffLimit', { jobs: { backoffLimit: -1 } }, `${P}jobs.backoffLimit' (-1) is not a non-negative integer — use e.g. 3`],
    [
      'no failed jobs kept',
      { jobs: { failedJobsHistoryLimit: 0 } },
      `${P}jobs.failedJobsHistoryLimit' (0) keeps no failed job, so a failed backup leaves no logs to debug — keep at least 1`,
    ],
    [
      'activeDeadline too short',
      { jobs: { activeDeadline: Duration.seconds(30) } },
      `${P}jobs.activeDeadline' ('30s') is not whole seconds of at least 1 minute — allow the dump, upload and retries time, e.g. Duration.hours(2)`,
    ],
    [
      'startingDeadline too short',
      { jobs: { startingDeadline: Duration.seconds(5) } },
      `${P}jobs.startingDeadline' ('5s') is not whole seconds of at least 10 s — use e.g. Duration.minutes(30)`,
    ],
    [
      'fractional ttl',
      { jobs: { ttlAfterFinished: Duration.millis(1500) } },
      `${P}jobs.ttlAfterFinished' ('1500ms') is not whole seconds — use whole seconds, e.g. Duration.days(3)`,
    ],
    [
      'missing memory limit',
      { resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128) } } },
      `${P}resources.memory.limit' (undefined) is missing, so a leak can exhaust the node — set resources.memory.limit, e.g. Size.mebibytes(512)`,
    ],
  ];

  test.each(rules)('throws if %s', (_name, overrides, message) => {
    expect(errorOf(overrides)).toContain(`  - ${message}`);
  });

  test('throws if the id makes a CronJob name longer than 52 characters', () => {
    expect(errorOf({}, 'a-very-long-component-name-for-backups-x')).toBe(
      [
        'prod/test/a-very-long-component-name-for-backups-x: 1 invalid setting',
        "  - prod/test/a-very-long-component-name-for-backups-x: 'id' ('a-very-long-component-name-for-backups-x') gives the CronJob name " +
          "'test-a-very-long-component-name-for-backups-x-restore-drill', which is not a DNS label of at most 52 characters (Kubernetes appends a suffix to job names) — use a short lowercase id of letters, digits and dashes",
      ].join('\n'),
    );
  });

  test('reports every broken rule in one Error', () => {
    const message = errorOf({
      schedule: 'daily',
      retention: Retention.count(0),
      source: postgres({ image: 'postgres:latest', majorVersion: undefined }),
    });
    expect(message.split('\n')[0]).toBe('prod/test/postgres: 3 invalid settings');
    expect(message.split('\n')).toHaveLength(4);
  });
});

describe('backup scripts', () => {
  const scripts: Array<[string, string]> = [
    ['postgres dump', postgresDumpScript(false)],
    ['postgres dump, encrypted', postgresDumpScript(true)],
    ['redis dump', redisDumpScript(false)],
    ['redis dump, encrypted', redisDumpScript(true)],
    ['upload', uploadScript()],
    ['prune', pruneScript()],
    ['fetch', fetchScript()],
    ['postgres verify', postgresVerifyScript(false)],
    ['postgres verify, encrypted', postgresVerifyScript(true)],
    ['redis verify', redisVerifyScript(false)],
    ['redis verify, encrypted', redisVerifyScript(true)],
    ['offsite sync', offsiteSyncScript()],
  ];

  test.each(scripts)('%s: POSIX sh, strict mode, pipefail where the shell has it, parses under dash', (_name, script) => {
    expect(script.split('\n').slice(0, 4)).toEqual([
      '#!/bin/sh',
      'set -eu',
      "# dash (the Debian images' /bin/sh) has no pipefail; bash and busybox ash do.",
      'if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi',
    ]);
    expect(script).not.toMatch(/\$\\\{|\[\[|function |source /);
    const parsed = spawnSync('/bin/sh', ['-n'], { input: script, encoding: 'utf8' });
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
  });

  test.each(scripts)('%s: encryption only when asked, and the passphrase only from the environment', (name, script) => {
    expect(script.includes('openssl')).toBe(name.endsWith('encrypted'));
    expect(script).not.toMatch(/-pass (pass|file):|-k /);
  });

  test('the same options give the same text (deterministic output)', () => {
    expect(postgresDumpScript(true)).toBe(postgresDumpScript(true));
    expect(postgresDumpScript(true)).not.toBe(postgresDumpScript(false));
  });

  test('set files', () => {
    expect([
      backupSetFiles('postgres', false),
      backupSetFiles('postgres', true),
      backupSetFiles('redis', false),
      backupSetFiles('redis', true),
    ]).toEqual([
      ['backup.dump', 'manifest.tsv'],
      ['backup.dump.enc', 'manifest.tsv.enc'],
      ['backup.rdb', 'manifest.tsv'],
      ['backup.rdb.enc', 'manifest.tsv.enc'],
    ]);
  });

  test('full text of each script', () => {
    expect(Object.fromEntries(scripts)).toMatchSnapshot();
  });
});
