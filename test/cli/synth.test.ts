import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Environment, HAPostgres, Probe, ReliableService, ReliableServiceProps, ReliakitApp, SystemChart } from '../../lib';
import { synth } from '../../cli/synth';
import { buildApp } from '../../stacks/main';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-synth-'));
const THIS_FILE = 'test/cli/synth.test.ts';
const lineOf = (marker: string) =>
  fs
    .readFileSync(__filename, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker) && !l.includes('lineOf(')) + 1;

function serviceProps(overrides: Partial<ReliableServiceProps> = {}): ReliableServiceProps {
  return {
    image: 'registry.example.com/api:1.0.0',
    ports: { http: 8080 },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
    ...overrides,
  };
}

/** Two systems with broken constructs and an exceeded connection budget. */
function brokenApp(outdir: string): ReliakitApp {
  const app = new ReliakitApp({ outdir, source: { url: 'https://example.com/gitops.git' }, deferValidation: true });
  const shop = new SystemChart(app.stage(Environment.PROD), 'shop');
  new ReliableService(shop, 'api', serviceProps({ image: 'registry.example.com/api:latest' })); // bad-image
  const db = new HAPostgres(shop, 'postgres', {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.4',
    storage: { size: Size.gibibytes(10) },
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    database: 'app',
    owner: 'app',
    maxConnections: 20,
  }); // budget
  db.addClient(new ReliableService(shop, 'worker', serviceProps({ replicas: 10 })), { poolSizePerPod: 5 });
  const blog = new SystemChart(app.stage(Environment.DEV), 'blog');
  new ReliableService(blog, 'web', serviceProps({ replicas: 2, disruptionBudget: { minAvailable: 2 } })); // bad-pdb
  return app;
}

describe('reliakit synth on a broken app', () => {
  const outdir = path.join(tmp(), 'dist');
  const result = synth({ outdir, build: brokenApp });

  test('prints every error of every construct once, each with the stack line that created it, and writes nothing', () => {
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(fs.existsSync(outdir)).toBe(false);
    expect(result.stderr).toBe(
      [
        "error: prod/shop/api: 'image' ('registry.example.com/api:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest",
        `  at ${THIS_FILE}:${lineOf('// bad-image')}:3`,
        '',
        'error: prod/shop/postgres: connection budget exceeded — shop-worker 10 × 5 = 50 connections at maximum scale, but max_connections 20 admits 16 for applications — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
        `  at ${THIS_FILE}:${lineOf('}); // budget') - 7}:14`,
        '',
        "error: dev/blog/web: 'disruptionBudget.minAvailable' (2) requires 2 of 2 pods at the minimum replica count, so no node can ever be drained — lower the budget or raise the minimum replica count (2)",
        `  at ${THIS_FILE}:${lineOf('// bad-pdb')}:3`,
        '',
        '3 errors in prod/shop, dev/blog — nothing written',
        '',
      ].join('\n'),
    );
  });

  test('--verbose adds the stack trace under each error', () => {
    const verbose = synth({ outdir, build: brokenApp, verbose: true }).stderr;
    expect(verbose.split('\n').filter((l) => l.startsWith('error: '))).toHaveLength(3);
    expect(verbose).toMatch(/ {6}at .*brokenApp .*synth\.test\.ts/);
  });

  test('an error thrown while building names its message and the line, without a stack trace', () => {
    const failing = (dir: string) => {
      const app = new ReliakitApp({ outdir: dir, source: { url: 'https://example.com/gitops.git' }, deferValidation: true });
      const shop = new SystemChart(app.stage(Environment.PROD), 'shop');
      shop.addSystemDependency(shop); // self-dependency
      return app;
    };
    expect(synth({ outdir, build: failing })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `error: prod/shop: 'dependsOn' (shop) names the system itself — remove it\n  at ${THIS_FILE}:${lineOf('// self-dependency')}:12\n`,
    });
  });
});

describe('reliakit synth of the stacks', () => {
  const systems = buildApp().systemCharts.map((c) => `${c.environment.name}/${c.system}`);

  test('the whole tree: one summary per system and environment, no warnings', () => {
    const outdir = tmp();
    const result = synth({ outdir });
    expect(result.exitCode).toBe(0);
    const names = result.stdout
      .split('\n')
      .filter((l) => /^\S/.test(l) && !l.startsWith('built') && !l.startsWith('wrote'))
      .map((l) => l.split(/\s{2,}/)[0]);
    expect(names).toEqual([
      ...systems.filter((s) => s.startsWith('prod/')),
      'prod (infrastructure, clusters)',
      ...systems.filter((s) => s.startsWith('dev/')),
      'dev (infrastructure, clusters)',
    ]);
    expect(result.stdout).not.toMatch(/[1-9]\d* warnings?/);
    expect(result.stdout).toMatch(/^prod\/homepage +\d+ files +\d+ objects +0 warnings +\d+ ms\n +.*Deployment 3.*\n/m);
    expect(fs.existsSync(path.join(outdir, 'apps/dev/listings/RELIABILITY.md'))).toBe(true);
  });

  test('--system and --env write only that system and its environment’s shared directories, identical to the whole tree’s', () => {
    const whole = tmp();
    buildApp(whole).synth();
    const outdir = tmp();
    fs.mkdirSync(path.join(outdir, 'apps/prod/listings'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'apps/prod/listings/keep.yaml'), 'kept: true\n');
    const result = synth({ outdir, systems: ['homepage'], environments: ['dev'] });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').filter((l) => / files +\d+ objects/.test(l))).toHaveLength(2);
    const written: string[] = [];
    const walk = (d: string) =>
      fs
        .readdirSync(path.join(outdir, d), { withFileTypes: true })
        .forEach((e) => (e.isDirectory() ? walk(`${d}${e.name}/`) : written.push(`${d}${e.name}`)));
    walk('');
    const dirs = [...new Set(written.map((f) => path.posix.dirname(f)))].sort();
    expect(dirs).toEqual([
      'apps/dev/homepage',
      'apps/dev/homepage-data',
      'apps/prod/listings',
      'clusters/dev',
      'infrastructure/dev/configs',
      'infrastructure/dev/controllers',
    ]);
    for (const f of written.filter((x) => !x.startsWith('apps/prod/'))) {
      expect([f, fs.readFileSync(path.join(outdir, f), 'utf8')]).toEqual([f, fs.readFileSync(path.join(whole, f), 'utf8')]);
    }
  });

  test('an unknown system is a usage error naming the known ones', () => {
    const result = synth({ outdir: tmp(), systems: ['homepag'] });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: <app>: unknown system 'homepag' — use one of 'homepage', /);
  });
});
