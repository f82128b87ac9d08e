import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Duration } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Environment, ReliakitApp, SystemChart } from '../../lib';
import { buildApp } from '../../stacks/main';
import { formatViolations, SchemaValidator } from '../../cli/audit/schema-validator';
import { find, Manifest } from '../support/synth';
import { hasTool } from '../support/tools';

const REPO = path.resolve(__dirname, '..', '..');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-'));
}

/** Every file below `dir` as relative path → bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function fluxObjects(app: ReliakitApp, env: Environment): Manifest[] {
  return app
    .render()
    .find((d) => d.path === `clusters/${env.name}`)!
    .files.flatMap((f) => f.objects);
}

describe('ReliakitApp Flux tree', () => {
  test('layout: apps/<env>/<system>/ and clusters/<env>/, each with a kustomization.yaml listing its files', () => {
    const files = buildApp()
      .synthTree()
      .map((f) => f.path)
      .filter(
        (p) => p.includes('/homepage') || p.endsWith('/source.yaml') || (p.startsWith('clusters/') && p.endsWith('/kustomization.yaml')),
      );
    const perEnv = (env: string) => [
      `apps/${env}/homepage-data/namespace.yaml`,
      // Synced Secrets travel with the data layer: stateful components read them too.
      `apps/${env}/homepage-data/minio-credentials.yaml`,
      `apps/${env}/homepage-data/postgres.yaml`,
      `apps/${env}/homepage-data/redis.yaml`,
      `apps/${env}/homepage-data/alerting.yaml`,
      `apps/${env}/homepage-data/kustomization.yaml`,
      `apps/${env}/homepage/ollama.yaml`,
      `apps/${env}/homepage/api.yaml`,
      `apps/${env}/homepage/frontend.yaml`,
      `apps/${env}/homepage/postgres-dump.yaml`,
      `apps/${env}/homepage/postgres-restore-drill.yaml`,
      `apps/${env}/homepage/redis-snapshot.yaml`,
      `apps/${env}/homepage/slos.yaml`,
      `apps/${env}/homepage/alerts.yaml`,
      `apps/${env}/homepage/slo-dashboard.yaml`,
      `apps/${env}/homepage/service-dashboard.yaml`,
      `apps/${env}/homepage/database-dashboard.yaml`,
      `apps/${env}/homepage/alert-routing.yaml`,
      // Chaos experiments run in dev only; the ChaosExperiments their engines run and the schedule
      // that runs the engines are created with the first of them.
      ...(env === 'dev'
        ? [
            `apps/${env}/homepage/api-chaos.yaml`,
            `apps/${env}/homepage/chaos-experiments.yaml`,
            `apps/${env}/homepage/chaos-schedule.yaml`,
            `apps/${env}/homepage/frontend-chaos.yaml`,
          ]
        : []),
      `apps/${env}/homepage/kustomization.yaml`,
      `apps/${env}/homepage/RELIABILITY.md`,
      `clusters/${env}/source.yaml`,
      `clusters/${env}/homepage.yaml`,
      `clusters/${env}/homepage-data.yaml`,
      `clusters/${env}/kustomization.yaml`,
    ];
    expect(files).toEqual([...perEnv('prod'), ...perEnv('dev')]);
    const kustomization = buildApp()
      .synthTree()
      .find((f) => f.path === 'apps/prod/homepage/kustomization.yaml')!;
    expect(kustomization.content).toBe(
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '  - ollama.yaml',
        '  - api.yaml',
        '  - frontend.yaml',
        '  - postgres-dump.yaml',
        '  - postgres-restore-drill.yaml',
        '  - redis-snapshot.yaml',
        '  - slos.yaml',
        '  - alerts.yaml',
        '  - slo-dashboard.yaml',
        '  - service-dashboard.yaml',
        '  - database-dashboard.yaml',
        '  - alert-routing.yaml',
        '',
      ].join('\n'),
    );
  });

  test('the infrastructure: controllers then configs, each with its Kustomization, before every system', () => {
    const files = buildApp()
      .synthTree()
      .map((f) => f.path)
      .filter((p) => p.startsWith('infrastructure/prod/') || p === 'clusters/prod/infrastructure.yaml');
    expect(files).toEqual([
      'infrastructure/prod/controllers/priority-classes.yaml',
      'infrastructure/prod/controllers/repositories.yaml',
      ...[
        'cert-manager',
        'kube-prometheus-stack',
        'prometheus-adapter',
        'cloudnative-pg',
        'plugin-barman-cloud',
        'traefik',
        'external-secrets',
        'litmus-core',
      ].map((c) => `infrastructure/prod/controllers/${c}.yaml`),
      'infrastructure/prod/controllers/kustomization.yaml',
      'infrastructure/prod/configs/secret-store.yaml',
      'infrastructure/prod/configs/kustomization.yaml',
      'clusters/prod/infrastructure.yaml',
    ]);
    const objects = fluxObjects(buildApp(), Environment.PROD);
    const base = { sourceRef: { kind: 'GitRepository', name: 'reliakit' }, prune: true, wait: true, interval: '10m', retryInterval: '2m' };
    expect(find(objects, 'Kustomization', 'infrastructure-controllers').spec).toEqual({
      ...base,
      path: './infrastructure/prod/controllers',
      timeout: '15m',
    });
    expect(find(objects, 'Kustomization', 'infrastructure').spec).toEqual({
      ...base,
      path: './infrastructure/prod/configs',
      timeout: '5m',
      dependsOn: [{ name: 'infrastructure-controllers' }],
    });
    const release = buildApp()
      .render()
      .find((d) => d.path === 'infrastructure/prod/controllers')!
      .files.find((f) => f.name === 'plugin-barman-cloud.yaml')!.objects;
    // cnpg-system already comes with cloudnative-pg: the plugin's file holds only its release.
    expect(release).toEqual([
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: {
          name: 'plugin-barman-cloud',
          namespace: 'flux-system',
          labels: {
            'app.kubernetes.io/component': 'plugin-barman-cloud',
            'app.kubernetes.io/instance': 'infrastructure-plugin-barman-cloud-prod',
            'app.kubernetes.io/managed-by': 'reliakit',
            'app.kubernetes.io/name': 'infrastructure-plugin-barman-cloud',
            'app.kubernetes.io/part-of': 'infrastructure',
            'app.kubernetes.io/version': '0.1.0',
            'reliakit.dev/environment': 'prod',
          },
        },
        spec: {
          releaseName: 'plugin-barman-cloud',
          targetNamespace: 'cnpg-system',
          interval: '1h',
          chart: {
            spec: {
              chart: 'plugin-barman-cloud',
              version: '0.7.0',
              sourceRef: { kind: 'HelmRepository', name: 'cloudnative-pg', namespace: 'flux-system' },
              interval: '1h',
            },
          },
          install: { crds: 'CreateReplace', remediation: { retries: 3 } },
          upgrade: { crds: 'CreateReplace', remediation: { retries: 3 } },
          values: { crds: { create: true }, priorityClassName: 'reliakit-platform' },
          dependsOn: [
            { name: 'cert-manager', namespace: 'flux-system' },
            { name: 'cloudnative-pg', namespace: 'flux-system' },
          ],
        },
      },
    ]);
  });

  test('without `infrastructure`, no infrastructure directory and no monitoring label', () => {
    const app = new ReliakitApp({ source: { url: 'https://example.com/x.git' }, infrastructureDependency: 'platform' });
    new SystemChart(app.stage(Environment.PROD), 'shop');
    const dirs = app.render();
    expect(dirs.map((d) => d.path)).toEqual(['apps/prod/shop', 'clusters/prod']);
    expect(find(fluxObjects(app, Environment.PROD), 'Kustomization', 'shop').spec.dependsOn).toEqual([{ name: 'platform' }]);
  });

  test('one Flux Kustomization per system with path, prune, wait, intervals and the infrastructure dependency', () => {
    const objects = fluxObjects(buildApp(), Environment.PROD);
    expect(find(objects, 'Kustomization', 'homepage').spec).toEqual({
      path: './apps/prod/homepage',
      sourceRef: { kind: 'GitRepository', name: 'reliakit' },
      prune: true,
      wait: true,
      interval: '10m',
      retryInterval: '2m',
      // Ollama's progress deadline (30 min) plus the 2 min margin, above the 5 min default.
      timeout: '32m',
      dependsOn: [{ name: 'infrastructure' }, { name: 'homepage-data' }],
    });
    // The data layer has no Deployment: the default.
    expect(find(objects, 'Kustomization', 'homepage-data').spec).toMatchObject({
      path: './apps/prod/homepage-data',
      timeout: '5m',
      dependsOn: [{ name: 'infrastructure' }],
    });
    expect(find(objects, 'GitRepository', 'reliakit').spec).toEqual({
      url: 'https://github.com/lucena-cloud/gitops.git',
      ref: { branch: 'main' },
      interval: '1m',
    });
    expect(objects.every((o) => o.metadata.namespace === 'flux-system')).toBe(true);
  });

  test('settings and system dependencies', () => {
    const app = new ReliakitApp({
      source: {
        url: 'ssh://git@example.com/ops.git',
        branch: 'release',
        name: 'ops',
        namespace: 'gitops',
        interval: Duration.minutes(5),
        secretName: 'ops-deploy-key',
      },
      interval: Duration.minutes(30),
      retryInterval: Duration.seconds(90),
      timeout: Duration.minutes(15),
    });
    const stage = app.stage(Environment.DEV);
    const db = new SystemChart(stage, 'db');
    const shop = new SystemChart(stage, 'shop', { dependsOn: [db] });
    expect(shop.systemDependenciesList).toEqual([db]);
    const objects = fluxObjects(app, Environment.DEV);
    expect(formatViolations(SchemaValidator.load().validateAll(objects))).toBe('');
    expect(find(objects, 'GitRepository', 'ops').spec).toEqual({
      url: 'ssh://git@example.com/ops.git',
      ref: { branch: 'release' },
      interval: '5m',
      secretRef: { name: 'ops-deploy-key' },
    });
    const k = find(objects, 'Kustomization', 'shop');
    expect(k.metadata.namespace).toBe('gitops');
    expect(k.spec).toMatchObject({
      interval: '30m',
      retryInterval: '1m30s',
      timeout: '15m',
      dependsOn: [{ name: 'db' }],
      sourceRef: { name: 'ops' },
    });
    expect(find(objects, 'Kustomization', 'db').spec.dependsOn).toBeUndefined();
  });

  test('stage() returns one stage per environment', () => {
    const app = buildApp();
    expect(app.stage(Environment.PROD)).toBe(app.stage(Environment.PROD));
    expect(app.stage(Environment.PROD)).not.toBe(app.stage(Environment.DEV));
  });

  test('throws for a source URL that is not a clone URL', () => {
    expect(() => new ReliakitApp({ source: { url: 'github.com/x/y' } })).toThrow(
      "<app>: 'source.url' ('github.com/x/y') is not an http(s):// or ssh:// URL — give the clone URL of the GitOps repository",
    );
  });

  test('throws when a component id would overwrite kustomization.yaml', () => {
    const app = new ReliakitApp({ source: { url: 'https://example.com/x.git' } });
    const chart = new SystemChart(app.stage(Environment.PROD), 'shop');
    new SystemChart(app.stage(Environment.PROD), 'other');
    // A raw object under the id `kustomization` stands in for any construct named so.
    new ApiObject(chart, 'kustomization', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(() => app.synthTree()).toThrow(
      "prod/shop/kustomization: the construct id 'kustomization' would overwrite apps/prod/shop/kustomization.yaml — rename it",
    );
  });

  test('synthesis surfaces node validations of every construct at once', () => {
    const app = new ReliakitApp({ source: { url: 'https://example.com/x.git' } });
    const chart = new SystemChart(app.stage(Environment.PROD), 'shop');
    chart.node.addValidation({ validate: () => ['first problem', 'second problem'] });
    expect(() => app.render()).toThrow(
      'Validation failed with the following errors:\n  [prod/shop] first problem\n  [prod/shop] second problem',
    );
  });

  test('unknown environment names are rejected with the known ones', () => {
    expect(Environment.of('prod')).toBe(Environment.PROD);
    expect(() => Environment.of('staging')).toThrow("unknown environment 'staging' — use one of 'prod', 'dev'");
  });
});

describe('synthesized tree on disk', () => {
  const first = tmp();
  const second = tmp();
  beforeAll(() => {
    buildApp(first).synth();
    buildApp(second).synth();
  });

  test('two synths give byte-identical trees', () => {
    const a = readTree(first);
    const b = readTree(second);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [file, bytes] of a) expect([file, bytes.equals(b.get(file)!)]).toEqual([file, true]);
    expect(a.size).toBeGreaterThan(0);
  });

  test("`cdk8s synth`'s entry, run as its own process, writes the same bytes", () => {
    const third = tmp();
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'stacks/main.ts'], {
      cwd: REPO,
      env: { ...process.env, CDK8S_OUTDIR: third },
      stdio: 'pipe',
    });
    const a = readTree(first);
    const c = readTree(third);
    expect([...c.keys()]).toEqual([...a.keys()]);
    for (const [file, bytes] of a) expect([file, bytes.equals(c.get(file)!)]).toEqual([file, true]);
  }, 60_000);

  const kubectl = hasTool('kubectl', ['version', '--client']);
  (kubectl ? test : test.skip)('`kubectl kustomize` builds every app, infrastructure and cluster directory with every object', () => {
    const dirs = buildApp().render();
    for (const dir of dirs) {
      const out = execFileSync('kubectl', ['kustomize', path.join(first, dir.path)], { encoding: 'utf8' });
      const built = parseAllDocuments(out)
        .map((d) => d.toJSON())
        .filter(Boolean);
      const expected = dir.files
        .flatMap((f) => f.objects)
        .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)
        .sort();
      expect([dir.path, built.map((o: Manifest) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()]).toEqual([
        dir.path,
        expected,
      ]);
    }
  });
});
