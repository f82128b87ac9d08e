/**
 * `deferValidation`: every construct's broken rules, the connection budget and the selector checks
 * in one ValidationError, each once, with the line of user code that caused it; and rendering a
 * selection of systems and environments.
 */
import * as fs from 'fs';
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Environment,
  HAPostgres,
  HAPostgresProps,
  Probe,
  ReliableService,
  ReliableServiceProps,
  ReliakitApp,
  SystemChart,
  ValidationError,
} from '../../lib';

const SOURCE = { url: 'https://example.com/gitops.git' };

function serviceProps(overrides: Partial<ReliableServiceProps> = {}): ReliableServiceProps {
  return {
    image: 'registry.example.com/api:1.0.0',
    ports: { http: 8080 },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
    ...overrides,
  };
}

const DB: HAPostgresProps = {
  image: 'ghcr.io/cloudnative-pg/postgresql:16.4',
  storage: { size: Size.gibibytes(10) },
  resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
  database: 'app',
  owner: 'app',
  maxConnections: 20,
};

/** The line of this file that contains `marker` (1-based). */
function lineOf(marker: string): number {
  const lines = fs.readFileSync(__filename, 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(marker) && !l.includes('lineOf(')) + 1;
}

function problemsOf(run: () => void): ValidationError {
  try {
    run();
  } catch (e) {
    if (ValidationError.isValidationError(e)) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('deferValidation', () => {
  test('every bad construct of every system, and the connection budget, in one error with the creating line', () => {
    const app = new ReliakitApp({ source: SOURCE, deferValidation: true });
    const shop = new SystemChart(app.stage(Environment.PROD), 'shop');
    new ReliableService(shop, 'api', serviceProps({ image: 'registry.example.com/api:latest' })); // api-site
    const db = new HAPostgres(shop, 'postgres', DB); // db-site
    const worker = new ReliableService(shop, 'worker', serviceProps({ replicas: 10 }));
    db.addClient(worker, { poolSizePerPod: 5 });
    const blog = new SystemChart(app.stage(Environment.DEV), 'blog');
    new ReliableService(blog, 'web', serviceProps({ replicas: 2, disruptionBudget: { minAvailable: 2 } })); // web-site

    const error = problemsOf(() => app.render());
    expect(error.problems.map((p) => [p.path, p.site?.file, p.site?.line])).toEqual([
      ['prod/shop/api', 'test/delivery/deferred-validation.test.ts', lineOf('// api-site')],
      ['prod/shop/postgres', 'test/delivery/deferred-validation.test.ts', lineOf('// db-site')],
      ['dev/blog/web', 'test/delivery/deferred-validation.test.ts', lineOf('// web-site')],
    ]);
    expect(error.problems.map((p) => p.message)).toEqual([
      "prod/shop/api: 'image' ('registry.example.com/api:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest",
      'prod/shop/postgres: connection budget exceeded — shop-worker 10 × 5 = 50 connections at maximum scale, but max_connections 20 admits 16 for applications — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
      "dev/blog/web: 'disruptionBudget.minAvailable' (2) requires 2 of 2 pods at the minimum replica count, so no node can ever be drained — lower the budget or raise the minimum replica count (2)",
    ]);
    expect(error.message).toBe(
      `Validation failed with the following errors:\n  ${error.problems.map((p) => `[${p.path}] ${p.message}`).join('\n  ')}`,
    );
    // The stack is kept for --verbose, and names the frame too.
    expect(error.problems[0].site?.stack).toContain('deferred-validation.test.ts');
  });

  test('a rule broken in an add* call points at the call', () => {
    const app = new ReliakitApp({ source: SOURCE, deferValidation: true });
    const shop = new SystemChart(app.stage(Environment.PROD), 'shop');
    const db = new HAPostgres(shop, 'postgres', DB);
    const api = new ReliableService(shop, 'api', serviceProps());
    db.addClient(api, { poolSizePerPod: 0 }); // add-client-site
    const error = problemsOf(() => app.render());
    expect(error.problems.map((p) => [p.message, p.site?.line])).toEqual([
      [
        "prod/shop/postgres: 'addClient.poolSizePerPod' (0) is not a positive integer (client shop-api) — use the client's maximum open connections per pod",
        lineOf('// add-client-site'),
      ],
    ]);
  });

  test('without it, the first bad construct throws where it is created', () => {
    const app = new ReliakitApp({ source: SOURCE });
    const shop = new SystemChart(app.stage(Environment.PROD), 'shop');
    expect(() => new ReliableService(shop, 'api', serviceProps({ image: 'registry.example.com/api:latest' }))).toThrow(
      'prod/shop/api: 1 invalid setting',
    );
  });
});

describe('render(selection)', () => {
  const app = new ReliakitApp({ source: SOURCE, deferValidation: true });
  for (const env of Environment.ALL) {
    for (const system of ['shop', 'blog']) new ReliableService(new SystemChart(app.stage(env), system), 'api', serviceProps());
  }

  test('renders the selected systems and environments, with their Flux directory', () => {
    expect(app.render({ systems: ['blog'], environments: ['dev'] }).map((d) => d.path)).toEqual(['apps/dev/blog', 'clusters/dev']);
    expect(app.render().map((d) => d.path)).toHaveLength(6);
  });

  test('validates only the selection', () => {
    const broken = new ReliakitApp({ source: SOURCE, deferValidation: true });
    new ReliableService(new SystemChart(broken.stage(Environment.PROD), 'shop'), 'api', serviceProps());
    new ReliableService(new SystemChart(broken.stage(Environment.PROD), 'blog'), 'api', serviceProps({ image: 'x:latest' }));
    expect(broken.render({ systems: ['shop'] }).map((d) => d.path)).toEqual(['apps/prod/shop', 'clusters/prod']);
    expect(broken.validate({ systems: ['blog'] }).map((p) => p.path)).toEqual(['prod/blog/api']);
  });

  test('an unknown system or environment names the known ones', () => {
    expect(() => app.render({ systems: ['shopp'] })).toThrow("<app>: unknown system 'shopp' — use one of 'shop', 'blog'");
    expect(() => app.render({ environments: ['staging'] })).toThrow("<app>: unknown environment 'staging' — use one of 'prod', 'dev'");
  });
});
