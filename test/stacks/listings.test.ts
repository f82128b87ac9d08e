/**
 * listings (seed 004). The plan has no numbered sections: test names cite its headings as
 * `§Heading › Subheading`, as the stack's comments do.
 */
import { Environment } from '../../lib';
import { buildApp } from '../../stacks/main';
import { container, find, jobEnv, Manifest } from '../support/synth';

/** The listings objects in `env`: its data layer (namespace, database, cache) and its apps. */
function listings(env: Environment): Manifest[] {
  const dirs = buildApp().render().filter((d) => d.path === `apps/${env.name}/listings-data` || d.path === `apps/${env.name}/listings`);
  expect(dirs).toHaveLength(2);
  return dirs.flatMap((d) => d.files.flatMap((f) => f.objects));
}

function envOf(deployment: Manifest): Record<string, Manifest> {
  return Object.fromEntries(container(deployment).env.map((e: Manifest) => [e.name, e]));
}

describe.each(Environment.ALL)('listings ($name)', (env) => {
  const objects = listings(env);
  const service = find(objects, 'Deployment', 'listings-service');
  const worker = find(objects, 'Deployment', 'listings-worker');

  // What reviewers read in a PR: the whole chart, one snapshot per environment.
  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('§Configuration › Server Ports: gRPC 50053 (h2c), HTTP 8086, metrics 9093', () => {
    expect(find(objects, 'Service', 'listings-service').spec.ports).toEqual([
      { name: 'http', port: 8086, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'grpc', port: 50053, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
      { name: 'metrics', port: 9093, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
    ]);
    const vars = envOf(service);
    expect([vars.SVETULISTINGS_GRPC_PORT.value, vars.SVETULISTINGS_HTTP_PORT.value, vars.SVETULISTINGS_METRICS_PORT.value]).toEqual(['50053', '8086', '9093']);
  });

  test('§Monitoring › Health Check: readiness /ready, liveness /health, on the HTTP port', () => {
    const c = container(service);
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
    // 60 s to start: 12 × 5 s.
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health' }, periodSeconds: 5, failureThreshold: 12 });
  });

  test('§Timeout Configuration: shutdown drains the longest request (BatchUpdateStock, 20 s)', () => {
    expect(container(service).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    // 5 s preStop + 25 s drain + 5 s margin.
    expect(service.spec.template.spec.terminationGracePeriodSeconds).toBe(35);
    expect(service.spec.template.spec.terminationGracePeriodSeconds - 5 - 5).toBeGreaterThan(20);
  });

  test('§Quick Start metrics :9093/metrics: ServiceMonitors on the metrics port, Prometheus admitted only there', () => {
    for (const name of ['listings-service', 'listings-worker']) {
      expect(find(objects, 'ServiceMonitor', name).spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    }
  });

  test('§Architecture: REST and gRPC through the gateway (traefik namespace on both ports); nothing else gets in', () => {
    const ingress = find(objects, 'NetworkPolicy', 'listings-service').spec.ingress;
    // The gateway's routes admit Traefik on the routed port each (gRPC, then REST).
    expect(ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 9093 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], ports: [{ protocol: 'TCP', port: 50053 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], ports: [{ protocol: 'TCP', port: 8086 }] },
    ]);
    const routes = find(objects, 'IngressRoute', 'listings-gateway').spec.routes;
    expect(routes.map((r: Manifest) => [r.services[0].port, r.services[0].scheme])).toEqual([[50053, 'h2c'], [8086, undefined]]);
    expect(routes[0].match).toContain('HeaderRegexp(`Content-Type`, `^application/grpc`)');
    // The worker takes no traffic: Prometheus only.
    expect(find(objects, 'NetworkPolicy', 'listings-worker').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 9093 }] },
    ]);
  });

  test('§Architecture: egress to OpenSearch :9200 and MinIO :9000 (service), OpenSearch only (worker)', () => {
    const egressTo = (name: string) => find(objects, 'NetworkPolicy', name).spec.egress
      .filter((r: Manifest) => !r.to[0].podSelector)
      .map((r: Manifest) => [r.to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], r.ports.map((p: Manifest) => p.port)]);
    expect(egressTo('listings-service')).toEqual([['opensearch', [9200]], ['minio', [9000]]]);
    expect(egressTo('listings-worker')).toEqual([['opensearch', [9200]]]);
  });

  test('§OpenSearch Integration › Configuration: index listings_microservice, credentials from a Secret', () => {
    for (const d of [service, worker]) {
      const vars = envOf(d);
      expect(vars.SVETULISTINGS_OPENSEARCH_INDEX.value).toBe('listings_microservice');
      expect(vars.SVETULISTINGS_OPENSEARCH_ADDRESSES.value).toBe('http://opensearch.opensearch.svc:9200');
      expect(vars.SVETULISTINGS_OPENSEARCH_PASSWORD).toEqual({ name: 'SVETULISTINGS_OPENSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: 'listings-opensearch', key: 'password' } } });
    }
    expect(envOf(service).SVETULISTINGS_MINIO_SECRET_KEY.valueFrom.secretKeyRef).toEqual({ name: 'listings-minio', key: 'secret-key' });
  });

  test('§Configuration › Database: listings_db / listings_user; the service through the pooler, the worker to the primary', () => {
    const db = (d: Manifest) => Object.entries(envOf(d)).filter(([k]) => k.startsWith('SVETULISTINGS_DB_')).map(([, v]) => v);
    const rest = [
      { name: 'SVETULISTINGS_DB_PORT', value: '5432' },
      { name: 'SVETULISTINGS_DB_NAME', value: 'listings_db' },
      { name: 'SVETULISTINGS_DB_USER', valueFrom: { secretKeyRef: { name: 'listings-postgres-app', key: 'username' } } },
      { name: 'SVETULISTINGS_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'listings-postgres-app', key: 'password' } } },
    ];
    expect(db(service)).toEqual([{ name: 'SVETULISTINGS_DB_HOST', value: 'listings-postgres-pooler-rw.listings.svc' }, ...rest]);
    expect(db(worker)).toEqual([{ name: 'SVETULISTINGS_DB_HOST', value: 'listings-postgres-rw.listings.svc' }, ...rest]);
    expect(find(objects, 'Cluster', 'listings-postgres').spec.bootstrap.initdb).toMatchObject({ database: 'listings_db', owner: 'listings_user' });
  });

  test('§Configuration › Redis: password from a Secret', () => {
    expect(envOf(service).SVETULISTINGS_REDIS_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'listings-redis', key: 'password' });
  });

  test('§Tech Stack: PostgreSQL 15, Redis 7', () => {
    expect(find(objects, 'Cluster', 'listings-postgres').spec.imageName).toMatch(/postgresql:15\./);
    expect(find(objects, 'StatefulSet', 'listings-redis').spec.template.spec.containers[0].image).toMatch(/^redis:7\./);
  });

  test('§Backup Schedule: base backup daily 02:00 UTC, WAL archived continuously, retention 30 days, to MinIO', () => {
    const cluster = find(objects, 'Cluster', 'listings-postgres');
    expect(cluster.spec.plugins[0]).toMatchObject({ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true });
    // CNPG's schedule has a seconds field first: 02:00:00 every day.
    expect(find(objects, 'ScheduledBackup', 'listings-postgres').spec).toMatchObject({ schedule: '0 0 2 * * *', method: 'plugin' });
    const store = find(objects, 'ObjectStore', 'listings-postgres').spec;
    expect(store.retentionPolicy).toBe('30d');
    expect(store.configuration).toMatchObject({
      // dev archives beside prod, never into the same path.
      destinationPath: env.isProduction ? 's3://listings-backups/postgres' : 's3://listings-backups/postgres/dev',
      endpointURL: 'http://minio.minio:9000',
      s3Credentials: {
        accessKeyId: { name: 'listings-backup-credentials', key: 'access-key' },
        secretAccessKey: { name: 'listings-backup-credentials', key: 'secret-key' },
      },
      wal: { compression: 'gzip' },
    });
  });

  test('§Roadmap › Phase 9.8 RPO 15 min: archive_timeout well inside it (not the "hourly WAL" of §Backup Schedule)', () => {
    const timeout = find(objects, 'Cluster', 'listings-postgres').spec.postgresql.parameters.archive_timeout;
    expect(timeout).toBe('300s');
    expect(parseInt(timeout, 10)).toBeLessThanOrEqual(15 * 60);
  });

  test('§Performance: the indexing worker runs 5 concurrent workers, without a routed Service', () => {
    const vars = envOf(worker);
    expect(vars.SVETULISTINGS_WORKER_CONCURRENCY.value).toBe('5');
    expect(vars.SVETULISTINGS_WORKER_ENABLED.value).toBe('true');
    // Indexing moved out of the API pods.
    expect(envOf(service).SVETULISTINGS_WORKER_ENABLED.value).toBe('false');
    // Its only port is metrics; no preStop wait (no traffic), 30 s to finish jobs in flight.
    expect(find(objects, 'Service', 'listings-worker').spec.ports.map((p: Manifest) => p.name)).toEqual(['metrics']);
    expect(container(worker).lifecycle).toBeUndefined();
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBe(35);
  });

  test('§Configuration: no credential (DB, Redis, OpenSearch, MinIO) is a literal', () => {
    for (const d of [service, worker]) {
      for (const e of container(d).env) {
        if (/PASSWORD|SECRET|ACCESS_KEY|USERNAME|USER$/.test(e.name)) expect([e.name, e.value]).toEqual([e.name, undefined]);
      }
    }
  });
});

describe('listings prod carries the plan\'s values', () => {
  const objects = listings(Environment.PROD);

  test('§Backup Schedule: full daily at 02:00, verification daily at 03:00, S3 sync weekly on Sunday 04:00, 30 days', () => {
    const backup = find(objects, 'CronJob', 'listings-postgres-dump-backup').spec;
    expect(backup.schedule).toBe('0 2 * * *');
    expect(backup.timeZone).toBe('Etc/UTC');
    expect(jobEnv({ spec: backup })).toEqual(expect.arrayContaining([
      { name: 'RETENTION_DAYS', value: '30' },
    ]));
    expect(find(objects, 'CronJob', 'listings-postgres-dump-restore-drill').spec.schedule).toBe('0 3 * * *');
    const sync = find(objects, 'CronJob', 'listings-postgres-dump-offsite-sync').spec;
    expect(sync.schedule).toBe('0 4 * * 0');
    expect(jobEnv({ spec: sync })).toEqual(expect.arrayContaining([
      { name: 'OFFSITE_S3_BUCKET', value: 'lucena-cloud-listings-offsite-backups' },
    ]));
  });

  test('service HPA 3–10 on CPU 70 % (plan silent: sized for the 99.9 % SLO of §Key Metrics)', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'listings-service').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([3, 10]);
    expect(hpa.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(hpa.behavior.scaleUp).toEqual({ stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] });
    expect(hpa.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] });
    expect(find(objects, 'Deployment', 'listings-service').spec.replicas).toBeUndefined();
  });

  test('PDBs: one pod at a time for the service and the worker', () => {
    for (const name of ['listings-service', 'listings-worker']) {
      expect(find(objects, 'PodDisruptionBudget', name).spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    }
    expect(find(objects, 'Deployment', 'listings-worker').spec.replicas).toBe(2);
  });

  test('resources (plan silent) with the Go runtime told about its limits', () => {
    const c = container(find(objects, 'Deployment', 'listings-service'));
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '2', memory: '512Mi' } });
    const vars = envOf(find(objects, 'Deployment', 'listings-service'));
    expect([vars.GOMAXPROCS.value, vars.GOMEMLIMIT.value]).toEqual(['2', '460MiB']);
  });

  test('PostgreSQL: primary + standby, 20Gi data + 10Gi WAL, pooler 2 × 20 in transaction mode, max_connections 100', () => {
    expect(find(objects, 'Cluster', 'listings-postgres').spec).toMatchObject({
      instances: 2, enablePDB: true, storage: { size: '20Gi' }, walStorage: { size: '10Gi' },
      postgresql: { parameters: { max_connections: '100' } },
    });
    expect(find(objects, 'Pooler', 'listings-postgres-pooler-rw').spec).toMatchObject({
      instances: 2, pgbouncer: { poolMode: 'transaction', parameters: { default_pool_size: '20' } },
    });
  });

  test('Redis with Sentinel in prod (no single point of failure), the service connected to it', () => {
    expect(find(objects, 'StatefulSet', 'listings-redis').spec.replicas).toBe(3);
    const vars = envOf(find(objects, 'Deployment', 'listings-service'));
    expect([vars.SVETULISTINGS_REDIS_HOST.value, vars.SVETULISTINGS_REDIS_PORT.value, vars.SVETULISTINGS_REDIS_SENTINEL_MASTER.value])
      .toEqual(['listings-redis.listings.svc', '26379', 'mymaster']);
  });
});

test('dev is smaller but has the same shape', () => {
  const prod = listings(Environment.PROD);
  const dev = listings(Environment.DEV);
  // One database instance in dev, so CNPG's PDB is off there.
  expect(find(dev, 'Cluster', 'listings-postgres').spec).toMatchObject({ instances: 1, enablePDB: false });
  // The same objects, except the PDBs of what runs as one pod in dev (Redis, the worker).
  const singles = new Set(['PodDisruptionBudget/listings-redis', 'PodDisruptionBudget/listings-worker']);
  const shape = (objects: Manifest[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).filter((k) => !singles.has(k));
  expect(shape(dev)).toEqual(shape(prod));
  expect(find(dev, 'StatefulSet', 'listings-redis').spec.replicas).toBe(1);
  expect(find(dev, 'Deployment', 'listings-worker').spec.replicas).toBe(1);
  expect(container(find(dev, 'Deployment', 'listings-service')).resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
  expect(find(dev, 'HorizontalPodAutoscaler', 'listings-service').spec).toMatchObject({ minReplicas: 2, maxReplicas: 3 });
});
