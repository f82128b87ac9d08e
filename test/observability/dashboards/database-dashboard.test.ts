import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AlertingRuleset,
  BackupTarget,
  CNPG_EXPORTER_METRICS,
  CNPG_POOLER_METRICS,
  DatabaseDashboard,
  DatabaseDashboardProps,
  Environment,
  HAPostgres,
  PostgresBackupMethod,
  RedisCache,
  REDIS_EXPORTER_METRICS,
  ReliakitApp,
  SystemChart,
} from '../../../lib';
import { find, Manifest, synth, testChart } from '../../support/synth';

const MINIO = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'shop-backups',
  prefix: 'postgres',
  credentials: { secretName: 'minio-credentials' },
});
const PG = {
  image: 'ghcr.io/cloudnative-pg/postgresql:16.4',
  storage: { size: Size.gibibytes(10) },
  resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
};
const REDIS = {
  image: 'redis:7.4.1-alpine',
  resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
};

/** A 3-instance database with plugin backups and a pooler, a single instance with in-tree backups, a Sentinel cache and a single one. */
function components(chart: SystemChart) {
  const postgres = new HAPostgres(chart, 'postgres', {
    ...PG,
    instances: 3,
    database: 'shop',
    owner: 'shop',
    pooler: { defaultPoolSize: 25 },
    backup: { target: MINIO, retention: '7d', schedule: '0 2 * * *' },
  });
  const reports = new HAPostgres(chart, 'reports', {
    ...PG,
    instances: 1,
    singleInstance: true,
    database: 'reports',
    owner: 'reports',
    backup: {
      target: MINIO.withPrefix('reports'),
      retention: '7d',
      schedule: '0 */6 * * *',
      method: PostgresBackupMethod.IN_TREE_BARMAN_OBJECT_STORE,
    },
  });
  const redis = new RedisCache(chart, 'redis', { ...REDIS, sentinel: {}, persistence: { size: Size.gibibytes(1) } });
  const sessions = new RedisCache(chart, 'sessions', { ...REDIS, singleInstance: true });
  return { postgres, reports, redis, sessions };
}

type Components = ReturnType<typeof components>;

function build(
  props: (c: Components) => DatabaseDashboardProps = (c) => ({ databases: [c.postgres], caches: [c.redis] }),
  add?: (d: DatabaseDashboard, c: Components) => void,
) {
  const chart = testChart(undefined, 'shop');
  const c = components(chart);
  const dashboard = new DatabaseDashboard(chart, 'database-dashboard', props(c));
  add?.(dashboard, c);
  const configMap = find(synth(chart), 'ConfigMap', 'shop-database-dashboard');
  return { ...c, chart, dashboard, configMap, json: JSON.parse(configMap.data['shop-database-dashboard.json']) as Manifest };
}

function errorOf(props: (c: Components) => DatabaseDashboardProps, add?: (d: DatabaseDashboard, c: Components) => void): string {
  try {
    const chart = testChart(undefined, 'shop');
    const c = components(chart);
    const dashboard = new DatabaseDashboard(chart, 'database-dashboard', props(c));
    add?.(dashboard, c);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

const one = (message: string) => `prod/shop/database-dashboard: 1 invalid setting\n  - prod/shop/database-dashboard: ${message}`;
const rowsOf = (json: Manifest) => (json.panels as Manifest[]).filter((p) => p.type === 'row').map((p) => p.title);
const panelsOf = (d: DatabaseDashboard, row: string) => [...new Set(d.queries.filter((q) => q.row === row).map((q) => q.panel))];
const exprOf = (d: DatabaseDashboard, row: string, panel: string) =>
  d.queries.filter((q) => q.row === row && q.panel === panel).map((q) => q.expr);
const KUBELET = ['kubelet_volume_stats_capacity_bytes', 'kubelet_volume_stats_used_bytes'];

describe('DatabaseDashboard defaults', () => {
  const { dashboard, configMap, json, postgres, chart } = build();

  test('snapshot', () => {
    expect({ ...configMap, data: { 'shop-database-dashboard.json': json } }).toMatchSnapshot();
  });

  test('a ConfigMap in the system namespace, labelled for the Grafana sidecar, with the dashboard JSON', () => {
    expect(configMap.metadata).toEqual({
      name: 'shop-database-dashboard',
      namespace: 'shop',
      labels: {
        'app.kubernetes.io/name': 'shop-database-dashboard',
        'app.kubernetes.io/instance': 'shop-database-dashboard-prod',
        'app.kubernetes.io/component': 'database-dashboard',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'reliakit',
        'app.kubernetes.io/version': '0.1.0',
        'reliakit.dev/environment': 'prod',
        grafana_dashboard: '1',
      },
      annotations: { grafana_folder: 'shop' },
    });
    expect(Object.keys(configMap.data)).toEqual(['shop-database-dashboard.json']);
    expect(configMap.data['shop-database-dashboard.json']).toBe(dashboard.dashboardJson());
    expect([dashboard.uid, dashboard.title, dashboard.folder]).toEqual(['shop-database-dashboard', 'shop: databases and caches', 'shop']);
    expect(json).toMatchObject({
      uid: 'shop-database-dashboard',
      id: null,
      title: 'shop: databases and caches',
      tags: ['shop', 'reliakit', 'database'],
      time: { from: 'now-6h', to: 'now' },
    });
    expect(json.templating.list).toEqual([expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })]);
    for (const p of (json.panels as Manifest[]).filter((x) => x.type !== 'row')) {
      for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  test('one row per database, then per cache, with the panels their size, backups, pooler and Sentinel call for', () => {
    expect(rowsOf(json)).toEqual(['shop-postgres (PostgreSQL)', 'shop-redis (Redis)']);
    expect(panelsOf(dashboard, 'shop-postgres (PostgreSQL)')).toEqual([
      'Instances up',
      'Streaming standbys',
      'Connections used',
      'Last base backup',
      'Connections',
      'Connection pool (PgBouncer)',
      'Transactions',
      'Cache hit ratio',
      'Replication lag',
      'Deadlocks and temp files (5m)',
      'Volume usage',
    ]);
    expect(panelsOf(dashboard, 'shop-redis (Redis)')).toEqual([
      'Instances up',
      'Masters',
      'Hit ratio',
      'Memory',
      'Connected clients',
      'Evictions',
      'Replication',
    ]);
  });

  test("every query selects the component's namespace and its own pods (or volumes); per-database series the application database", () => {
    const own: Record<string, RegExp> = {
      'shop-postgres (PostgreSQL)':
        /namespace="shop",(pod=~"shop-postgres-\[0-9\]\+"|pod=~"shop-postgres-pooler-rw-\[a-z0-9\]\+-\[a-z0-9\]\+",database="shop"|persistentvolumeclaim=~"shop-postgres-\[0-9\]\+\(-wal\)\?")/,
      'shop-redis (Redis)': /namespace="shop",pod=~"shop-redis-\[0-9\]\+"/,
    };
    for (const q of dashboard.queries) {
      const selectors = q.expr.match(/[a-z_:]+\{[^}]*\}/g) ?? [];
      expect([q.panel, selectors.length > 0]).toEqual([q.panel, true]);
      for (const s of selectors) expect([q.panel, s]).toEqual([q.panel, expect.stringMatching(own[q.row])]);
      for (const s of selectors.filter((x) => x.startsWith('cnpg_pg_stat_database_'))) expect(s).toContain(',datname="shop"}');
    }
  });

  test("the PostgreSQL panels: connections against max_connections, cache hit ratio, each standby's lag, volumes", () => {
    const row = 'shop-postgres (PostgreSQL)';
    const pods = 'namespace="shop",pod=~"shop-postgres-[0-9]+"';
    expect(exprOf(dashboard, row, 'Connections')).toEqual([
      `sum by (pod) (cnpg_backends_total{${pods}})`,
      `max(cnpg_pg_settings_setting{${pods},name="max_connections"})`,
    ]);
    expect(exprOf(dashboard, row, 'Cache hit ratio')[0]).toContain(
      `sum by (pod) (rate(cnpg_pg_stat_database_blks_read{${pods},datname="shop"}[5m]))`,
    );
    expect(exprOf(dashboard, row, 'Replication lag')).toEqual([
      `max by (pod) (cnpg_pg_replication_lag{${pods}})\nand on (pod)\nmax by (pod) (cnpg_pg_replication_in_recovery{${pods}}) == 1`,
    ]);
    expect(exprOf(dashboard, row, 'Volume usage')[0]).toContain(
      'kubelet_volume_stats_used_bytes{namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"}',
    );
    const pool = (json.panels as Manifest[]).find((p) => p.title === 'Connection pool (PgBouncer)')!;
    // The read-write pooler's server side: 2 PgBouncer pods × default_pool_size 25.
    expect(pool.fieldConfig.defaults.thresholds.steps).toEqual([
      { value: null, color: 'green' },
      { value: 50, color: 'red' },
    ]);
  });

  test("the base backup's age reads the metric and stale threshold the PostgresAlertPack alerts on", () => {
    const ruleset = new AlertingRuleset(chart, 'alerts', { team: 'web' });
    ruleset.addPostgresAlerts(postgres, { runbookUrl: 'https://runbooks.example.com/shop/postgres' });
    const stale = find(synth(chart), 'PrometheusRule', 'shop-alerts')
      .spec.groups.flatMap((g: Manifest) => g.rules)
      .find((r: Manifest) => r.alert === 'PostgresBackupStale');
    const age = exprOf(dashboard, 'shop-postgres (PostgreSQL)', 'Last base backup')[0];
    expect(age).toBe(
      'time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="shop",pod=~"shop-postgres-[0-9]+"})',
    );
    expect(stale.expr).toContain(
      'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="shop",pod=~"shop-postgres-[0-9]+"}',
    );
    expect(stale.expr).toMatch(/> 172800$/);
    const panel = (json.panels as Manifest[]).find((p) => p.title === 'Last base backup')!;
    expect(panel.fieldConfig.defaults.thresholds.steps).toEqual([
      { value: null, color: 'green' },
      { value: 172800, color: 'red' },
    ]);
  });

  test("the Redis panels: hit ratio, memory against maxmemory, and the master's replicas", () => {
    const row = 'shop-redis (Redis)';
    const pods = 'namespace="shop",pod=~"shop-redis-[0-9]+"';
    expect(exprOf(dashboard, row, 'Hit ratio')[0]).toBe(
      `sum(rate(redis_keyspace_hits_total{${pods}}[5m]))\n/\n(\n` +
        `  sum(rate(redis_keyspace_hits_total{${pods}}[5m]))\n  +\n  sum(rate(redis_keyspace_misses_total{${pods}}[5m]))\n)`,
    );
    expect(exprOf(dashboard, row, 'Memory')).toEqual([
      `sum by (pod) (redis_memory_used_bytes{${pods}})`,
      `max(redis_memory_max_bytes{${pods}})`,
    ]);
    expect(exprOf(dashboard, row, 'Replication')).toEqual([
      `max(redis_connected_slaves{${pods}} and on (pod) redis_instance_info{${pods},role="master"})`,
      `sum(redis_master_link_up{${pods}})`,
    ]);
  });

  test("every metric queried is an exporter metric of the components (or the kubelet's volume stats)", () => {
    expect(dashboard.metrics).toEqual([
      'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
      'cnpg_backends_total',
      'cnpg_collector_up',
      'cnpg_pg_replication_in_recovery',
      'cnpg_pg_replication_lag',
      'cnpg_pg_replication_streaming_replicas',
      'cnpg_pg_settings_setting',
      'cnpg_pg_stat_database_blks_hit',
      'cnpg_pg_stat_database_blks_read',
      'cnpg_pg_stat_database_deadlocks',
      'cnpg_pg_stat_database_temp_files',
      'cnpg_pg_stat_database_xact_commit',
      'cnpg_pg_stat_database_xact_rollback',
      'cnpg_pgbouncer_pools_cl_active',
      'cnpg_pgbouncer_pools_cl_waiting',
      'cnpg_pgbouncer_pools_sv_active',
      'cnpg_pgbouncer_pools_sv_idle',
      ...KUBELET,
      'redis_connected_clients',
      'redis_connected_slaves',
      'redis_evicted_keys_total',
      'redis_instance_info',
      'redis_keyspace_hits_total',
      'redis_keyspace_misses_total',
      'redis_master_link_up',
      'redis_memory_max_bytes',
      'redis_memory_used_bytes',
      'redis_up',
    ]);
    const exported = new Set([...CNPG_EXPORTER_METRICS, ...CNPG_POOLER_METRICS, ...REDIS_EXPORTER_METRICS, ...KUBELET]);
    expect(dashboard.metrics.filter((m) => !exported.has(m))).toEqual([]);
  });
});

describe('DatabaseDashboard options', () => {
  test("addDatabase and addCache: databases' rows before the caches', each in the order added; the getters are copies", () => {
    const { json, dashboard, postgres, reports, redis, sessions } = build(
      () => ({}),
      (d, c) => {
        d.addCache(c.sessions);
        d.addDatabase(c.reports);
        d.addCache(c.redis);
        d.addDatabase(c.postgres);
      },
    );
    expect(rowsOf(json)).toEqual([
      'shop-reports (PostgreSQL)',
      'shop-postgres (PostgreSQL)',
      'shop-sessions (Redis)',
      'shop-redis (Redis)',
    ]);
    expect(dashboard.databases).toEqual([reports, postgres]);
    expect(dashboard.caches).toEqual([sessions, redis]);
    dashboard.databases.pop();
    dashboard.caches.pop();
    expect([dashboard.databases.length, dashboard.caches.length]).toEqual([2, 2]);
  });

  test("a single instance without a pooler and in-tree backups: no standby panels, no pool; the collector's backup timestamp", () => {
    const { dashboard } = build((c) => ({ databases: [c.reports] }));
    const row = 'shop-reports (PostgreSQL)';
    expect(panelsOf(dashboard, row)).toEqual([
      'Instances up',
      'Connections used',
      'Last base backup',
      'Connections',
      'Transactions',
      'Cache hit ratio',
      'Deadlocks and temp files (5m)',
      'Volume usage',
    ]);
    expect(exprOf(dashboard, row, 'Last base backup')).toEqual([
      'time() - max(cnpg_collector_last_available_backup_timestamp{namespace="shop",pod=~"shop-reports-[0-9]+"})',
    ]);
    expect(exprOf(dashboard, row, 'Transactions')[0]).toContain('datname="reports"');
  });

  test('a single Redis: no masters or replication panels', () => {
    const { dashboard } = build((c) => ({ caches: [c.sessions] }));
    expect(panelsOf(dashboard, 'shop-sessions (Redis)')).toEqual(['Instances up', 'Hit ratio', 'Memory', 'Connected clients', 'Evictions']);
    expect(dashboard.metrics).not.toContain('redis_master_link_up');
  });

  test('title and folder', () => {
    const { json, configMap } = build((c) => ({ databases: [c.postgres], title: 'Shop data layer', folder: 'Data' }));
    expect(json.title).toBe('Shop data layer');
    expect(configMap.metadata.annotations).toEqual({ grafana_folder: 'Data' });
  });

  test('same input, byte-identical output', () => {
    expect(build().configMap.data['shop-database-dashboard.json']).toBe(build().configMap.data['shop-database-dashboard.json']);
  });
});

describe('DatabaseDashboard validation', () => {
  test.each<[string, (c: Components) => DatabaseDashboardProps, string]>([
    [
      'a database listed twice',
      (c) => ({ databases: [c.postgres, c.postgres] }),
      "'databases[1]' ('shop-postgres') is already on the dashboard — show each database once",
    ],
    [
      'a cache listed twice',
      (c) => ({ caches: [c.redis, c.redis] }),
      "'caches[1]' ('shop-redis') is already on the dashboard — show each cache once",
    ],
    [
      'an empty title',
      (c) => ({ databases: [c.postgres], title: ' ' }),
      "'title' (' ') is empty — omit it for the default title, or name the dashboard",
    ],
    [
      'an empty folder',
      (c) => ({ databases: [c.postgres], folder: '' }),
      "'folder' ('') is empty — omit it for the system's folder, or name the folder",
    ],
  ])('throws for %s', (_, props, message) => {
    expect(errorOf(props)).toBe(one(message));
  });

  test('throws for a database and a cache of another environment, naming both', () => {
    const chart = testChart(undefined, 'shop');
    const dev = new SystemChart(ReliakitApp.of(chart).stage(Environment.DEV), 'shop');
    const c = components(dev);
    expect(() => new DatabaseDashboard(chart, 'database-dashboard', { databases: [c.postgres], caches: [c.redis] })).toThrow(
      [
        'prod/shop/database-dashboard: 2 invalid settings',
        "  - prod/shop/database-dashboard: 'databases[0]' ('shop-postgres') is in environment 'dev', not the dashboard's 'prod' — show the databases and caches of the dashboard's own environment",
        "  - prod/shop/database-dashboard: 'caches[0]' ('shop-redis') is in environment 'dev', not the dashboard's 'prod' — show the databases and caches of the dashboard's own environment",
      ].join('\n'),
    );
  });

  test('addDatabase and addCache throw for one already shown', () => {
    expect(
      errorOf(
        (c) => ({ databases: [c.postgres] }),
        (d, c) => d.addDatabase(c.postgres),
      ),
    ).toBe(one("'addDatabase' ('shop-postgres') is already on the dashboard — show each database once"));
    expect(
      errorOf(
        (c) => ({ caches: [c.redis] }),
        (d, c) => d.addCache(c.redis),
      ),
    ).toBe(one("'addCache' ('shop-redis') is already on the dashboard — show each cache once"));
  });

  test('fails synth without databases or caches', () => {
    const chart = testChart(undefined, 'shop');
    const dashboard = new DatabaseDashboard(chart, 'database-dashboard');
    const c = components(chart);
    expect(() => ReliakitApp.of(chart).render()).toThrow(
      'prod/shop/database-dashboard: has no databases or caches — give them in the databases or caches prop ' +
        'or add them with addDatabase or addCache, or remove the dashboard',
    );
    dashboard.addCache(c.sessions);
    expect(() => ReliakitApp.of(chart).render()).not.toThrow();
  });
});
