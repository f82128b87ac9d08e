import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  BackupSchedule,
  BackupSource,
  BackupTarget,
  Retention,
  ConnectionRoute,
  DataCompression,
  Environment,
  HAPostgres,
  HAPostgresProps,
  Images,
  PoolerProps,
  PoolMode,
  PostgresBackupMethod,
  PrimaryUpdateMethod,
  PrimaryUpdateStrategy,
  Probe,
  ReliableService,
  ReliableServiceProps,
  ReliakitApp,
  SecretStore,
  StorageClass,
  SystemChart,
  WalCompression,
} from '../../../lib';
import { container, find, Manifest, ofKind, synth, testChart } from '../../support/synth';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const MINIO = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'homepage-backups',
  prefix: 'postgres',
  credentials: { secretName: 'minio-credentials' },
});

function dbProps(overrides: Partial<HAPostgresProps> = {}): HAPostgresProps {
  return {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.4',
    storage: { size: Size.gibibytes(10) },
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    database: 'app',
    owner: 'app',
    ...overrides,
  };
}

function serviceProps(overrides: Partial<ReliableServiceProps> = {}): ReliableServiceProps {
  return {
    image: 'registry.example.com/api:1.0.0',
    ports: { http: 8080 },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
    ...overrides,
  };
}

function errorOf(overrides: Partial<HAPostgresProps>): string {
  try {
    new HAPostgres(testChart(), 'postgres', dbProps(overrides));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

describe('HAPostgres defaults', () => {
  const chart = testChart();
  const db = new HAPostgres(chart, 'postgres', dbProps());
  const objects = synth(chart);

  test('object set and snapshot', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/test',
      'NetworkPolicy/test-default-deny',
      'NetworkPolicy/test-allow-dns',
      'Cluster/test-postgres',
      'PodMonitor/test-postgres',
      'NetworkPolicy/test-postgres',
    ]);
    expect(objects).toMatchSnapshot();
  });

  test('two instances, pinned image, preferred anti-affinity and zone spread, switchover updates', () => {
    const spec = find(objects, 'Cluster', 'test-postgres').spec;
    expect(spec).toMatchObject({
      instances: 2,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
      enablePDB: true,
      primaryUpdateStrategy: 'unsupervised',
      primaryUpdateMethod: 'switchover',
      affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
      storage: { size: '10Gi' },
      postgresql: { parameters: { max_connections: '100' } },
      bootstrap: { initdb: { database: 'app', owner: 'app', dataChecksums: true } },
    });
    expect(spec.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
    });
    expect(db.majorVersion).toBe(16);
    expect([db.primaryServiceName, db.appSecretName]).toEqual(['test-postgres-rw', 'test-postgres-app']);
  });

  test('node-local volumes (local-path): required anti-affinity, since each instance is pinned to its node for good', () => {
    const chart = testChart();
    const local = new HAPostgres(
      chart,
      'postgres',
      dbProps({ storage: { size: Size.gibibytes(10), storageClass: StorageClass.localPath() } }),
    );
    const cluster = find(synth(chart), 'Cluster', 'test-postgres').spec;
    expect([cluster.affinity, cluster.storage]).toEqual([
      { enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' },
      { size: '10Gi', storageClass: 'local-path' },
    ]);
    expect(local.volumes).toEqual([{ kind: 'data', sizeBytes: 10 * 1024 ** 3, nodeLocal: true }]);
    // A node-local WAL volume alone pins the instance too.
    const walChart = testChart();
    new HAPostgres(
      walChart,
      'postgres',
      dbProps({ walStorage: { size: Size.gibibytes(2), storageClass: StorageClass.nodeLocal('openebs-hostpath') } }),
    );
    expect(find(synth(walChart), 'Cluster', 'test-postgres').spec.affinity.podAntiAffinityType).toBe('required');
  });

  test('the cluster is never pruned by Flux and is scraped by its own PodMonitor (not enablePodMonitor)', () => {
    const cluster = find(objects, 'Cluster', 'test-postgres');
    expect(cluster.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    expect(cluster.spec.monitoring).toBeUndefined();
    expect(find(objects, 'PodMonitor', 'test-postgres').spec).toEqual({
      selector: { matchLabels: { 'cnpg.io/cluster': 'test-postgres', 'cnpg.io/podRole': 'instance' } },
      podMetricsEndpoints: [{ port: 'metrics' }],
    });
  });

  test('network policy admits replication, poolers, the operator and Prometheus only', () => {
    const ingress = find(objects, 'NetworkPolicy', 'test-postgres').spec.ingress;
    expect(ingress.map((r: Manifest) => r.ports.map((p: Manifest) => p.port))).toEqual([[5432], [8000], [9187]]);
    expect(ingress[1].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'cnpg-system' });
  });
});

describe('HAPostgres behaviour', () => {
  test('continuous backup through the Barman Cloud plugin', () => {
    const chart = testChart();
    const db = new HAPostgres(
      chart,
      'postgres',
      dbProps({ backup: { target: MINIO, retention: '7d', schedule: '0 2 * * *', walCompression: WalCompression.ZSTD } }),
    );
    const objects = synth(chart);
    const cluster = find(objects, 'Cluster', 'test-postgres').spec;
    expect(cluster.plugins).toEqual([
      { name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'test-postgres' } },
    ]);
    expect(cluster.backup).toBeUndefined();
    expect(cluster.postgresql.parameters.archive_timeout).toBe('300s');
    const store = find(objects, 'ObjectStore', 'test-postgres');
    expect(store.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(store.spec).toEqual({
      retentionPolicy: '7d',
      configuration: {
        destinationPath: 's3://homepage-backups/postgres',
        endpointURL: 'http://minio.minio:9000',
        s3Credentials: {
          accessKeyId: { name: 'minio-credentials', key: 'access-key' },
          secretAccessKey: { name: 'minio-credentials', key: 'secret-key' },
        },
        wal: { compression: 'zstd', maxParallel: 2 },
        data: { compression: 'gzip', jobs: 2 },
      },
    });
    expect(find(objects, 'ScheduledBackup', 'test-postgres').spec).toEqual({
      cluster: { name: 'test-postgres' },
      schedule: '0 0 2 * * *',
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      target: 'prefer-standby',
      immediate: true,
      backupOwnerReference: 'self',
    });
    expect(db.backup?.schedule).toBe('0 2 * * *');
  });

  test('in-tree barmanObjectStore for older operators, AES256 by default on AWS S3', () => {
    const chart = testChart();
    const target = BackupTarget.s3({
      bucket: 'offsite-backups',
      prefix: 'pg',
      region: 'eu-central-1',
      credentials: { secretName: 'aws-backup' },
    });
    new HAPostgres(
      chart,
      'postgres',
      dbProps({
        backup: {
          target,
          retention: '30d',
          schedule: '0 3 * * *',
          method: PostgresBackupMethod.IN_TREE_BARMAN_OBJECT_STORE,
          dataCompression: DataCompression.BZIP2,
          maxParallel: 4,
          immediate: false,
        },
      }),
    );
    const objects = synth(chart);
    const spec = find(objects, 'Cluster', 'test-postgres').spec;
    expect(spec.plugins).toBeUndefined();
    expect(spec.backup).toEqual({
      retentionPolicy: '30d',
      barmanObjectStore: {
        destinationPath: 's3://offsite-backups/pg',
        endpointURL: 'https://s3.eu-central-1.amazonaws.com',
        s3Credentials: {
          accessKeyId: { name: 'aws-backup', key: 'access-key' },
          secretAccessKey: { name: 'aws-backup', key: 'secret-key' },
        },
        wal: { compression: 'gzip', encryption: 'AES256', maxParallel: 4 },
        data: { compression: 'bzip2', encryption: 'AES256', jobs: 4 },
      },
    });
    expect(ofKind(objects, 'ObjectStore')).toHaveLength(0);
    expect(find(objects, 'ScheduledBackup', 'test-postgres').spec).toMatchObject({ method: 'barmanObjectStore', immediate: false });
  });

  test('single instance: enablePDB false so drains are not blocked', () => {
    const chart = testChart(Environment.DEV);
    new HAPostgres(chart, 'postgres', dbProps({ singleInstance: true }));
    expect(find(synth(chart), 'Cluster', 'test-postgres').spec).toMatchObject({ instances: 1, enablePDB: false });
  });

  test('settings: WAL volume, parameters, credentials, update policy, no zone spread', () => {
    const chart = testChart();
    new HAPostgres(
      chart,
      'postgres',
      dbProps({
        instances: 3,
        maxConnections: 300,
        walStorage: { size: Size.gibibytes(5) },
        parameters: { shared_buffers: '256MB' },
        credentialsSecret: 'app-credentials',
        primaryUpdateMethod: PrimaryUpdateMethod.RESTART,
        primaryUpdateStrategy: PrimaryUpdateStrategy.SUPERVISED,
        spreadAcrossZones: false,
      }),
    );
    const spec = find(synth(chart), 'Cluster', 'test-postgres').spec;
    expect(spec).toMatchObject({
      instances: 3,
      walStorage: { size: '5Gi' },
      primaryUpdateMethod: 'restart',
      primaryUpdateStrategy: 'supervised',
      postgresql: { parameters: { shared_buffers: '256MB', max_connections: '300' } },
      bootstrap: { initdb: { secret: { name: 'app-credentials' } } },
    });
    expect(spec.topologySpreadConstraints).toBeUndefined();
  });

  test('poolers (rw and ro) with their PodMonitors and NetworkPolicy', () => {
    const chart = testChart();
    const db = new HAPostgres(
      chart,
      'postgres',
      dbProps({
        pooler: {
          instances: 3,
          poolMode: PoolMode.SESSION,
          defaultPoolSize: 10,
          maxClientConnections: 500,
          readOnly: true,
          parameters: { max_prepared_statements: '200' },
        },
      }),
    );
    const objects = synth(chart);
    expect(find(objects, 'Pooler', 'test-postgres-pooler-rw').spec).toEqual({
      cluster: { name: 'test-postgres' },
      instances: 3,
      type: 'rw',
      template: {
        spec: {
          priorityClassName: 'reliakit-data',
          topologySpreadConstraints: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
            maxSkew: 1,
            topologyKey,
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { 'cnpg.io/poolerName': 'test-postgres-pooler-rw' } },
          })),
          containers: [
            {
              name: 'pgbouncer',
              image: Images.PGBOUNCER,
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              livenessProbe: { tcpSocket: { port: 5432 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
            },
          ],
        },
      },
      pgbouncer: { poolMode: 'session', parameters: { max_prepared_statements: '200', default_pool_size: '10', max_client_conn: '500' } },
    });
    expect(find(objects, 'Pooler', 'test-postgres-pooler-ro').spec.type).toBe('ro');
    // CNPG makes no budget for a Pooler: one per pooler, at most one PgBouncer down at a time.
    expect(find(objects, 'PodDisruptionBudget', 'test-postgres-pooler-rw').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'cnpg.io/poolerName': 'test-postgres-pooler-rw' } },
    });
    expect(find(objects, 'PodMonitor', 'test-postgres-pooler-ro').spec.selector).toEqual({
      matchLabels: { 'cnpg.io/poolerName': 'test-postgres-pooler-ro' },
    });
    expect(find(objects, 'NetworkPolicy', 'test-postgres-pooler').spec.podSelector).toEqual({
      matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: ['test-postgres-pooler-rw', 'test-postgres-pooler-ro'] }],
    });
    expect(db.poolerServiceName).toBe('test-postgres-pooler-rw');
  });

  test.each<[string, PoolerProps, string, Record<string, string>]>([
    [
      'transaction mode: prepared statements tracked (200), the pinned PgBouncer',
      {},
      Images.PGBOUNCER,
      { max_prepared_statements: '200', default_pool_size: '20', max_client_conn: '1000' },
    ],
    [
      "transaction mode, the application's own limit and a tag@digest image",
      { parameters: { max_prepared_statements: '500' }, image: `ghcr.io/cloudnative-pg/pgbouncer:1.25.2@${DIGEST}` },
      `ghcr.io/cloudnative-pg/pgbouncer:1.25.2@${DIGEST}`,
      { max_prepared_statements: '500', default_pool_size: '20', max_client_conn: '1000' },
    ],
    [
      'session mode: a session keeps its server connection, nothing to track',
      { poolMode: PoolMode.SESSION },
      Images.PGBOUNCER,
      { default_pool_size: '20', max_client_conn: '1000' },
    ],
  ])('pooler: %s', (_name, pooler, image, parameters) => {
    const chart = testChart();
    new HAPostgres(chart, 'postgres', dbProps({ pooler }));
    const spec = find(synth(chart), 'Pooler', 'test-postgres-pooler-rw').spec;
    expect([spec.template.spec.containers[0].image, spec.pgbouncer.parameters]).toEqual([image, parameters]);
  });

  test('an operand image pinned as tag@digest: the major version comes from the tag', () => {
    const db = new HAPostgres(testChart(), 'postgres', dbProps({ image: `${Images.POSTGRES_16}@${DIGEST}` }));
    expect([db.image, db.majorVersion]).toEqual([`ghcr.io/cloudnative-pg/postgresql:16.14-standard-trixie@${DIGEST}`, 16]);
  });

  test('addClient: typed connection env from the CNPG Secret, and network policies both ways', () => {
    const chart = testChart();
    const db = new HAPostgres(chart, 'postgres', dbProps({ pooler: {} }));
    const api = new ReliableService(chart, 'api', serviceProps());
    const worker = new ReliableService(chart, 'worker', serviceProps());
    db.addClient(api, { poolSizePerPod: 10 });
    db.addClient(worker, { poolSizePerPod: 5, via: ConnectionRoute.PRIMARY, envPrefix: 'PG' });
    const objects = synth(chart);
    expect(container(find(objects, 'Deployment', 'test-api')).env).toEqual([
      { name: 'DB_HOST', value: 'test-postgres-pooler-rw.test.svc' },
      { name: 'DB_PORT', value: '5432' },
      { name: 'DB_NAME', value: 'app' },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'test-postgres-app', key: 'username' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'test-postgres-app', key: 'password' } } },
    ]);
    expect(container(find(objects, 'Deployment', 'test-worker')).env[0]).toEqual({ name: 'PGHOST', value: 'test-postgres-rw.test.svc' });
    // The API reaches the pooler pods, the worker the instances, each on 5432 only.
    expect(find(objects, 'NetworkPolicy', 'test-api').spec.egress[1]).toEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } },
          podSelector: { matchLabels: { 'cnpg.io/poolerName': 'test-postgres-pooler-rw' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    expect(find(objects, 'NetworkPolicy', 'test-postgres').spec.ingress[3]).toEqual({
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } }, podSelector: { matchLabels: worker.selector } },
      ],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    expect(find(objects, 'NetworkPolicy', 'test-postgres-pooler').spec.ingress[1].from[0].podSelector.matchLabels).toEqual(api.selector);
    expect(db.clientList).toEqual([
      { name: 'test-api', poolSizePerPod: 10, maxReplicas: 2, via: 'pooler' },
      { name: 'test-worker', poolSizePerPod: 5, maxReplicas: 2, via: 'primary' },
    ]);
  });

  test('Flux: the database is a data layer applied (with the namespace) before the apps, with a CEL health check', () => {
    const chart = testChart();
    new HAPostgres(chart, 'postgres', dbProps());
    new ReliableService(chart, 'api', serviceProps());
    const dirs = ReliakitApp.of(chart).render();
    const files = (path: string) => dirs.find((d) => d.path === path)!.files;
    expect(files('apps/prod/test-data').map((f) => f.name)).toEqual(['namespace.yaml', 'postgres.yaml']);
    expect(files('apps/prod/test').map((f) => f.name)).toEqual(['api.yaml']);
    const flux = files('clusters/prod').flatMap((f) => f.objects);
    expect(find(flux, 'Kustomization', 'test').spec.dependsOn).toEqual([{ name: 'test-data' }]);
    expect(find(flux, 'Kustomization', 'test-data').spec).toMatchObject({
      path: './apps/prod/test-data',
      wait: true,
      healthCheckExprs: [
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          current: "has(status.conditions) && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
        },
      ],
    });
  });
});

describe('HAPostgres connection budget', () => {
  test('passes when Σ maxReplicas × pool fits (seed 002 §7.2: 9 × 20 = 180 of 300)', () => {
    const chart = testChart();
    const db = new HAPostgres(chart, 'postgres', dbProps({ maxConnections: 300 }));
    const api = new ReliableService(
      chart,
      'api',
      serviceProps({ autoscaling: { minReplicas: 3, maxReplicas: 9, cpuUtilizationPercent: 70 } }),
    );
    db.addClient(api, { poolSizePerPod: 20 });
    expect(() => synth(chart)).not.toThrow();
  });

  test('fails at synth naming the services when direct connections exceed max_connections', () => {
    const chart = testChart();
    const db = new HAPostgres(chart, 'postgres', dbProps({ maxConnections: 100 }));
    const api = new ReliableService(
      chart,
      'api',
      serviceProps({ autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilizationPercent: 70 } }),
    );
    const worker = new ReliableService(chart, 'worker', serviceProps({ replicas: 4 }));
    db.addClient(api, { poolSizePerPod: 8 });
    db.addClient(worker, { poolSizePerPod: 5 });
    expect(() => synth(chart)).toThrow(
      '[prod/test/postgres] prod/test/postgres: connection budget exceeded — test-api 10 × 8 + test-worker 4 × 5 = 100 connections at maximum scale, ' +
        'but max_connections 100 admits 96 for applications — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
    );
  });

  test("counts the pooler's server connections and its client limit", () => {
    const chart = testChart();
    const db = new HAPostgres(
      chart,
      'postgres',
      dbProps({ maxConnections: 50, pooler: { instances: 2, defaultPoolSize: 30, maxClientConnections: 100 } }),
    );
    const api = new ReliableService(
      chart,
      'api',
      serviceProps({ autoscaling: { minReplicas: 2, maxReplicas: 12, cpuUtilizationPercent: 70 } }),
    );
    db.addClient(api, { poolSizePerPod: 20 });
    expect(() => synth(chart)).toThrow(
      [
        'Validation failed with the following errors:',
        '  [prod/test/postgres] prod/test/postgres: connection budget exceeded — pooler 2 × 30 = 60 connections at maximum scale, but max_connections 50 admits 46 for applications — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler',
        '  [prod/test/postgres] prod/test/postgres: pooler client budget exceeded — test-api 12 × 20 = 240 client connections at maximum scale, but 2 PgBouncer pods × max_client_conn 100 admit 200 — raise pooler.maxClientConnections or pooler.instances, or lower the pools',
      ].join('\n'),
    );
  });

  test('addClient rules', () => {
    const chart = testChart();
    const db = new HAPostgres(chart, 'postgres', dbProps());
    const api = new ReliableService(chart, 'api', serviceProps());
    expect(() => db.addClient(api, { poolSizePerPod: 0, via: ConnectionRoute.POOLER })).toThrow(
      [
        'prod/test/postgres: 2 invalid settings',
        "  - prod/test/postgres: 'addClient.poolSizePerPod' (0) is not a positive integer (client test-api) — use the client's maximum open connections per pod",
        "  - prod/test/postgres: 'addClient.via' ('pooler') needs a pooler (client test-api) — add the pooler prop or connect via ConnectionRoute.PRIMARY",
      ].join('\n'),
    );
    db.addClient(api, { poolSizePerPod: 5 });
    expect(() => db.addClient(api, { poolSizePerPod: 5 })).toThrow(
      "prod/test/postgres: 'addClient' ('test-api') is already a client — add each service once",
    );
    const dev = new ReliableService(testChart(Environment.DEV), 'api', serviceProps());
    expect(() => db.addClient(dev, { poolSizePerPod: 5 })).toThrow(
      "prod/test/postgres: 'addClient' ('dev/test/api') is in environment 'dev', not 'prod' — connect services of the same environment",
    );
  });

  test('a variable set twice on the client is an error', () => {
    const chart = testChart();
    const db = new HAPostgres(chart, 'postgres', dbProps());
    const api = new ReliableService(chart, 'api', serviceProps());
    api.addEnv('DB_HOST', { isLiteral: true } as never);
    expect(() => db.addClient(api, { poolSizePerPod: 5 })).toThrow(
      "prod/test/api: 'env.DB_HOST' ('DB_HOST') is set twice — set each variable once (a backing service may already set it)",
    );
  });
});

test('two clusters archiving to the same path fail at synth', () => {
  const chart = testChart();
  new HAPostgres(chart, 'a', dbProps({ backup: { target: MINIO, retention: '7d', schedule: '0 2 * * *' } }));
  new HAPostgres(chart, 'b', dbProps({ backup: { target: MINIO.withPrefix('b'), retention: '7d', schedule: '0 2 * * *' } }));
  new HAPostgres(chart, 'c', dbProps({ backup: { target: MINIO, retention: '7d', schedule: '0 2 * * *' } }));
  expect(() => synth(chart)).toThrow(
    [
      'Validation failed with the following errors:',
      "  [prod/test/a] prod/test/a: 'backup.target' (s3://homepage-backups/postgres on http://minio.minio:9000) is also the archive of prod/test/c, so the clusters would overwrite each other's WAL — give each cluster its own prefix, e.g. target.withPrefix('<environment>')",
      "  [prod/test/c] prod/test/c: 'backup.target' (s3://homepage-backups/postgres on http://minio.minio:9000) is also the archive of prod/test/a, so the clusters would overwrite each other's WAL — give each cluster its own prefix, e.g. target.withPrefix('<environment>')",
    ].join('\n'),
  );
});

describe('HAPostgres validation', () => {
  const backup = { target: MINIO, retention: '7d', schedule: '0 2 * * *' };
  const rules: Array<[string, Partial<HAPostgresProps>, string]> = [
    [
      'image :latest',
      { image: 'ghcr.io/cloudnative-pg/postgresql:latest' },
      "prod/test/postgres: 'image' ('ghcr.io/cloudnative-pg/postgresql:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest",
    ],
    [
      'one instance without opt-out',
      { instances: 1 },
      "prod/test/postgres: 'instances' (1) has no standby: a node failure loses the database until the volume returns — use at least 2 instances, or set singleInstance: true to accept it explicitly",
    ],
    ['zero instances', { instances: 0 }, "prod/test/postgres: 'instances' (0) is not a positive integer — use 2 or more"],
    [
      'singleInstance with 2 instances',
      { singleInstance: true, instances: 2 },
      "prod/test/postgres: 'singleInstance' ('instances 2') contradicts instances — remove singleInstance, or set instances to 1",
    ],
    [
      'max_connections too low',
      { maxConnections: 4 },
      "prod/test/postgres: 'maxConnections' (4) leaves no connections after the 3 reserved for superusers and 1 for replication — use e.g. 100 or more",
    ],
    [
      'max_connections as a parameter',
      { parameters: { max_connections: '500' } },
      "prod/test/postgres: 'parameters.max_connections' ('500') bypasses the connection budget — use the maxConnections prop",
    ],
    [
      'bad database name',
      { database: 'my-db' },
      "prod/test/postgres: 'database' ('my-db') is not a plain PostgreSQL identifier — use lowercase letters, digits and underscores",
    ],
    [
      'bad owner name',
      { owner: 'App' },
      "prod/test/postgres: 'owner' ('App') is not a plain PostgreSQL identifier — use lowercase letters, digits and underscores",
    ],
    [
      'tiny volume',
      { storage: { size: Size.mebibytes(512) } },
      "prod/test/postgres: 'storage.size' ('512Mi') is missing or below 1Gi — size the volume for the data plus WAL headroom, e.g. Size.gibibytes(10)",
    ],
    [
      'tiny WAL volume',
      { walStorage: { size: Size.mebibytes(100) } },
      "prod/test/postgres: 'walStorage.size' ('100Mi') is missing or below 1Gi — size the volume for the data plus WAL headroom, e.g. Size.gibibytes(10)",
    ],
    [
      'missing CPU request',
      { resources: { memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } } },
      "prod/test/postgres: 'resources.cpu.request' (undefined) is missing, so the scheduler cannot place the pod and it gets BestEffort QoS — set resources.cpu.request, e.g. Cpu.millis(100)",
    ],
    [
      'missing memory request',
      { resources: { cpu: { request: Cpu.millis(500) }, memory: { limit: Size.gibibytes(1) } } },
      "prod/test/postgres: 'resources.memory.request' (undefined) is missing, so the scheduler cannot place the pod — set resources.memory.request, e.g. Size.mebibytes(256)",
    ],
    [
      'missing memory limit',
      { resources: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(1) } } },
      "prod/test/postgres: 'resources.memory.limit' (undefined) is missing, so a leak can exhaust the node — set resources.memory.limit, e.g. Size.mebibytes(512)",
    ],
    [
      'memory limit below request',
      { resources: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } },
      "prod/test/postgres: 'resources.memory.limit' ('1Gi') is below resources.memory.request (2Gi) — raise the limit to at least the request",
    ],
    [
      'any cpu limit',
      {
        resources: {
          cpu: { request: Cpu.millis(500), limit: Cpu.millis(100) },
          memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
        },
      },
      "prod/test/postgres: 'resources.cpu.limit' ('100m') is set, but Reliakit sets no CPU limits: a CFS quota throttles the container even on an idle node — remove resources.cpu.limit; raise resources.cpu.request if the container needs a guaranteed share",
    ],
    [
      'bad retention',
      { backup: { ...backup, retention: '7 days' } },
      "prod/test/postgres: 'backup.retention' ('7 days') is not a Barman retention window — use a number of days, weeks or months, e.g. '7d', '4w', '3m'",
    ],
    [
      'six-field schedule',
      { backup: { ...backup, schedule: '0 0 2 * * *' } },
      "prod/test/postgres: 'backup.schedule' ('0 0 2 * * *') has 6 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week) — write 5 fields, e.g. '0 2 * * *' (CNPG's seconds field is added for you)",
    ],
    [
      'AES256 on MinIO',
      { backup: { ...backup, encryption: 'AES256' } },
      "prod/test/postgres: 'backup.encryption' ('AES256') requests server-side encryption from MinIO, which needs a KMS configured there and otherwise fails every upload — use 'none' (encrypt the bucket or use client-side encryption) or an AWS S3 target",
    ],
    [
      'maxParallel 0',
      { backup: { ...backup, maxParallel: 0 } },
      "prod/test/postgres: 'backup.maxParallel' (0) is not a positive integer — use 1 or more",
    ],
    [
      'archive timeout above RPO',
      { backup: { ...backup, archiveTimeout: Duration.minutes(30), rpo: Duration.minutes(15) } },
      "prod/test/postgres: 'backup.archiveTimeout' ('30m') is not shorter than the RPO (15m): under low traffic a WAL segment waits that long before its upload even starts, " +
        'so the RPO cannot hold and the WAL age alert would fire on healthy archiving — set archiveTimeout below 15m, leaving time for the upload and a retry',
    ],
    [
      'archive timeout equal to the RPO',
      { backup: { ...backup, archiveTimeout: Duration.minutes(5), rpo: Duration.minutes(5) } },
      "prod/test/postgres: 'backup.archiveTimeout' ('5m') is not shorter than the RPO (5m): under low traffic a WAL segment waits that long before its upload even starts, " +
        'so the RPO cannot hold and the WAL age alert would fire on healthy archiving — set archiveTimeout below 5m, leaving time for the upload and a retry',
    ],
    [
      'fractional archive timeout',
      { backup: { ...backup, archiveTimeout: Duration.millis(1500) } },
      "prod/test/postgres: 'backup.archiveTimeout' ('1500ms') is not a whole number of seconds ≥ 1 — use e.g. Duration.minutes(5)",
    ],
    [
      'bad bucket',
      {
        backup: {
          ...backup,
          target: BackupTarget.minio({ endpoint: 'http://minio:9000', bucket: 'My_Bucket', credentials: { secretName: 's' } }),
        },
      },
      "prod/test/postgres: 'backup.target.bucket' ('My_Bucket') is not a valid S3 bucket name — use 3–63 lowercase letters, digits, dots and dashes",
    ],
    [
      'bad prefix',
      {
        backup: {
          ...backup,
          target: BackupTarget.minio({
            endpoint: 'http://minio:9000',
            bucket: 'backups',
            prefix: '/pg/',
            credentials: { secretName: 's' },
          }),
        },
      },
      "prod/test/postgres: 'backup.target.prefix' ('/pg/') is not a clean key prefix — use segments like 'postgres/homepage' without leading, trailing or double slashes",
    ],
    [
      'bad endpoint',
      {
        backup: { ...backup, target: BackupTarget.minio({ endpoint: 'minio:9000', bucket: 'backups', credentials: { secretName: 's' } }) },
      },
      "prod/test/postgres: 'backup.target.endpoint' ('minio:9000') is not an http(s) URL — use e.g. 'http://minio.minio:9000'",
    ],
    [
      'bad region',
      { backup: { ...backup, target: BackupTarget.s3({ bucket: 'backups', region: 'europe', credentials: { secretName: 's' } }) } },
      "prod/test/postgres: 'backup.target.region' ('europe') is not an AWS region — use e.g. 'eu-central-1'",
    ],
    [
      'image with a short digest',
      { image: 'ghcr.io/cloudnative-pg/postgresql:16.14@sha256:05eae70' },
      "prod/test/postgres: 'image' ('ghcr.io/cloudnative-pg/postgresql:16.14@sha256:05eae70') has the digest 'sha256:05eae70', which is not sha256: and 64 lowercase hex digits, " +
        'so the pull fails — copy the whole digest from the registry (app:1.4.2@sha256:<64 hex>), or pin the tag alone',
    ],
    [
      'pooler image :latest',
      { pooler: { image: 'ghcr.io/cloudnative-pg/pgbouncer:latest' } },
      "prod/test/postgres: 'pooler.image' ('ghcr.io/cloudnative-pg/pgbouncer:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest",
    ],
    [
      'single pooler',
      { pooler: { instances: 1 } },
      "prod/test/postgres: 'pooler.instances' (1) is a single point of failure in front of the database — use at least 2 PgBouncer pods",
    ],
    [
      'pool size 0',
      { pooler: { defaultPoolSize: 0 } },
      "prod/test/postgres: 'pooler.defaultPoolSize' (0) is not a positive integer — use 1 or more",
    ],
    [
      'pool size as a raw parameter',
      { pooler: { parameters: { default_pool_size: '100' } } },
      "prod/test/postgres: 'pooler.parameters.default_pool_size' ('100') bypasses the connection budget — use pooler.defaultPoolSize",
    ],
    [
      'client limit as a raw parameter',
      { pooler: { parameters: { max_client_conn: '10000' } } },
      "prod/test/postgres: 'pooler.parameters.max_client_conn' ('10000') bypasses the connection budget — use pooler.maxClientConnections",
    ],
    [
      'pooler without a memory limit',
      { pooler: { resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(64) } } } },
      "prod/test/postgres: 'pooler.resources.memory.limit' (undefined) is missing, so a leak can exhaust the node — set pooler.resources.memory.limit, e.g. Size.mebibytes(512)",
    ],
    [
      'client limit 0',
      { pooler: { maxClientConnections: 0 } },
      "prod/test/postgres: 'pooler.maxClientConnections' (0) is not a positive integer — use 1 or more",
    ],
  ];

  test.each(rules)('throws for %s', (_name, overrides, message) => {
    expect(errorOf(overrides)).toContain(`  - ${message}`);
  });

  test("a cluster name too long for CNPG's suffixes", () => {
    expect(() => new HAPostgres(testChart(), 'a-very-long-database-name-for-the-analytics-team', dbProps())).toThrow(
      "prod/test/a-very-long-database-name-for-the-analytics-team: 'id' ('a-very-long-database-name-for-the-analytics-team') gives the cluster name 'test-a-very-long-database-name-for-the-analytics-team', which is not a DNS label of at most 50 characters — use a short lowercase id; CNPG appends suffixes such as -pooler-rw",
    );
  });
});

describe('backupSource', () => {
  const ROLE = { store: SecretStore.cluster('secret-manager'), remoteKey: 'test/prod/postgres-backup-role' };
  const schedule = (chart: SystemChart, source: BackupSource) =>
    new BackupSchedule(chart, 'postgres-dump', {
      source,
      target: MINIO,
      schedule: '0 * * * *',
      retention: Retention.days(7),
      restoreDrill: { schedule: '30 3 * * *' },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    });

  test('pg_dump from the standbys (-ro) as the read-only backup role with the cluster image; only the dump job admitted; the owner loses CREATEDB', () => {
    const chart = testChart();
    const db = new HAPostgres(chart, 'postgres', dbProps({ backupRole: ROLE }));
    const source = db.backupSource();
    expect([source.engine, source.host, source.port, source.database, source.image, source.majorVersion]).toEqual([
      'postgres',
      'test-postgres-ro.test.svc',
      5432,
      'app',
      'ghcr.io/cloudnative-pg/postgresql:16.4',
      16,
    ]);
    expect([source.username, source.password, source.declaredSize?.asString(), source.serverUid, source.server?.name]).toEqual([
      { name: 'test-postgres-backup-role', key: 'username' },
      { name: 'test-postgres-backup-role', key: 'password' },
      '10Gi',
      26,
      'test-postgres',
    ]);
    schedule(chart, source);
    const objects = synth(chart);
    const cluster = find(objects, 'Cluster', 'test-postgres').spec;
    expect(cluster.managed.roles.map((r: Manifest) => [r.name, r.createdb, r.inRoles, r.passwordSecret?.name])).toEqual([
      ['app', false, undefined, undefined],
      ['backup_reader', undefined, ['pg_read_all_data'], 'test-postgres-backup-role'],
    ]);
    expect(cluster.postgresql.parameters.hot_standby_feedback).toBe('on');
    expect(find(objects, 'ExternalSecret', 'test-postgres-backup-role').spec.target.template.data.username).toBe('backup_reader');
    const admitted = find(objects, 'NetworkPolicy', 'test-postgres').spec.ingress.at(-1);
    expect(admitted.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    // The drill restores in its own pod: only the dump job reaches the database.
    expect(admitted.from.map((p: Manifest) => p.podSelector.matchLabels['app.kubernetes.io/name'])).toEqual(['test-postgres-dump-backup']);
  });

  test('a single instance has no standby: the dump reads it through -r, never -rw', () => {
    const db = new HAPostgres(testChart(), 'postgres', dbProps({ backupRole: ROLE, instances: 1, singleInstance: true }));
    expect(db.backupSource().host).toBe('test-postgres-r.test.svc');
  });

  test('throws without a backup role, and for a backup role that is the owner', () => {
    const db = new HAPostgres(testChart(), 'postgres', dbProps());
    expect(() => db.backupSource()).toThrow(
      "prod/test/postgres: 'backupRole' is missing, so dumps would run as the application owner app, who can also write — set backupRole: { store, remoteKey } (a role in pg_read_all_data whose password the store holds)",
    );
    expect(errorOf({ backupRole: { ...ROLE, name: 'app' } })).toContain(
      "  - prod/test/postgres: 'backupRole.name' ('app') is a role the cluster already has (the owner, the superuser or the replication user), which would then be given only read access — use a role of its own, e.g. the default 'backup_reader'",
    );
  });

  test('recoveryCluster throws without a Barman Cloud ObjectStore', () => {
    const db = new HAPostgres(testChart(), 'postgres', dbProps({ backup: undefined }));
    expect(() => db.recoveryCluster('test-postgres-drill', {})).toThrow(
      'prod/test/postgres: has no Barman Cloud ObjectStore to recover from — set backup (method PostgresBackupMethod.BARMAN_CLOUD_PLUGIN, the default)',
    );
  });
});
