import { shape } from './fixture';
import { postgresRow, PostgresPanelsInput } from '../../../../lib/observability/dashboards/panels/database-postgres';
import { RowSpec } from '../../../../lib/observability/dashboards/panels/model';
import { promqlSyntaxError } from '../../../../lib/observability/promql';

const PG: PostgresPanelsInput = {
  name: 'shop-postgres',
  namespace: 'shop',
  database: 'shop',
  instances: 1,
  pods: 'shop-postgres-[0-9]+',
  claims: 'shop-postgres-[0-9]+(-wal)?',
};
const PG_PODS = 'namespace="shop",pod=~"shop-postgres-[0-9]+"';
const PG_DB = `${PG_PODS},datname="shop"`;
const PG_VOLUMES = 'namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"';
const POOL = 'namespace="shop",pod=~"shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+",database="shop"';

describe('postgresRow', () => {
  test('a single instance without backups or pooler: no standby, backup or pool panels', () => {
    const row = postgresRow(PG);
    expect(row.title).toBe('shop-postgres (PostgreSQL)');
    expect(shape(row.panels)).toEqual([
      ['stat', 'Instances up', 'short', [['up', `sum(cnpg_collector_up{${PG_PODS}})`]]],
      [
        'gauge',
        'Connections used',
        'percentunit',
        [
          [
            '{{pod}}',
            `sum by (pod) (cnpg_backends_total{${PG_PODS}})\n/\nmax by (pod) (cnpg_pg_settings_setting{${PG_PODS},name="max_connections"})`,
          ],
        ],
      ],
      [
        'timeseries',
        'Connections',
        'short',
        [
          ['{{pod}}', `sum by (pod) (cnpg_backends_total{${PG_PODS}})`],
          ['max_connections', `max(cnpg_pg_settings_setting{${PG_PODS},name="max_connections"})`],
        ],
      ],
      [
        'timeseries',
        'Transactions',
        'ops',
        [
          ['commits {{pod}}', `sum by (pod) (rate(cnpg_pg_stat_database_xact_commit{${PG_DB}}[5m]))`],
          ['rollbacks {{pod}}', `sum by (pod) (rate(cnpg_pg_stat_database_xact_rollback{${PG_DB}}[5m]))`],
        ],
      ],
      [
        'timeseries',
        'Cache hit ratio',
        'percentunit',
        [
          [
            '{{pod}}',
            `sum by (pod) (rate(cnpg_pg_stat_database_blks_hit{${PG_DB}}[5m]))\n/\n(\n` +
              `  sum by (pod) (rate(cnpg_pg_stat_database_blks_hit{${PG_DB}}[5m]))\n  +\n  sum by (pod) (rate(cnpg_pg_stat_database_blks_read{${PG_DB}}[5m]))\n)`,
          ],
        ],
      ],
      [
        'timeseries',
        'Deadlocks and temp files (5m)',
        'short',
        [
          ['deadlocks {{pod}}', `sum by (pod) (increase(cnpg_pg_stat_database_deadlocks{${PG_DB}}[5m]))`],
          ['temp files {{pod}}', `sum by (pod) (increase(cnpg_pg_stat_database_temp_files{${PG_DB}}[5m]))`],
        ],
      ],
      [
        'timeseries',
        'Volume usage',
        'percentunit',
        [
          [
            '{{persistentvolumeclaim}}',
            `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${PG_VOLUMES}})\n/\nmax by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${PG_VOLUMES}})`,
          ],
        ],
      ],
    ]);
    expect(row.panels.map((p) => p.width)).toEqual([12, 12, 12, 12, 12, 12, 12]);
    expect(row.panels[0].thresholds).toEqual([
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
    ]);
    expect(row.panels[1].thresholds).toEqual([
      { value: null, color: 'green' },
      { value: 0.8, color: 'orange' },
      { value: 0.95, color: 'red' },
    ]);
    expect(row.panels[4].thresholds).toEqual([
      { value: null, color: 'red' },
      { value: 0.9, color: 'orange' },
      { value: 0.99, color: 'green' },
    ]);
    expect(row.panels[6].thresholds).toEqual([
      { value: null, color: 'green' },
      { value: 0.7, color: 'orange' },
      { value: 0.9, color: 'red' },
    ]);
  });

  test("three instances with backups and a pooler: standbys, backup age, the pool and each standby's lag", () => {
    const row = postgresRow({
      ...PG,
      instances: 3,
      backup: {
        lastAvailable: 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
        staleAfterSeconds: 172800,
        schedule: '0 2 * * *',
      },
      pooler: { pods: 'shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+', serverConnections: 40 },
    });
    expect(row.panels.map((p) => [p.title, p.width])).toEqual([
      ['Instances up', 6],
      ['Streaming standbys', 6],
      ['Connections used', 6],
      ['Last base backup', 6],
      ['Connections', 12],
      ['Connection pool (PgBouncer)', 12],
      ['Transactions', 12],
      ['Cache hit ratio', 12],
      ['Replication lag', 12],
      ['Deadlocks and temp files (5m)', 12],
      ['Volume usage', 12],
    ]);
    const byTitle = (title: string) => row.panels.find((p) => p.title === title)!;
    expect(
      shape([
        byTitle('Streaming standbys'),
        byTitle('Last base backup'),
        byTitle('Connection pool (PgBouncer)'),
        byTitle('Replication lag'),
      ]),
    ).toEqual([
      ['stat', 'Streaming standbys', 'short', [['streaming', `max(cnpg_pg_replication_streaming_replicas{${PG_PODS}})`]]],
      [
        'stat',
        'Last base backup',
        's',
        [['age', `time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${PG_PODS}})`]],
      ],
      [
        'timeseries',
        'Connection pool (PgBouncer)',
        'short',
        [
          ['clients active', `sum(cnpg_pgbouncer_pools_cl_active{${POOL}})`],
          ['clients waiting', `sum(cnpg_pgbouncer_pools_cl_waiting{${POOL}})`],
          ['server active', `sum(cnpg_pgbouncer_pools_sv_active{${POOL}})`],
          ['server idle', `sum(cnpg_pgbouncer_pools_sv_idle{${POOL}})`],
        ],
      ],
      [
        'timeseries',
        'Replication lag',
        's',
        [
          [
            '{{pod}}',
            `max by (pod) (cnpg_pg_replication_lag{${PG_PODS}})\nand on (pod)\nmax by (pod) (cnpg_pg_replication_in_recovery{${PG_PODS}}) == 1`,
          ],
        ],
      ],
    ]);
    expect(byTitle('Streaming standbys').thresholds).toEqual([
      { value: null, color: 'red' },
      { value: 1, color: 'orange' },
      { value: 2, color: 'green' },
    ]);
    expect(byTitle('Last base backup').thresholds).toEqual([
      { value: null, color: 'green' },
      { value: 172800, color: 'red' },
    ]);
    expect(byTitle('Last base backup').description).toContain("red from 2d, twice the longest gap of the schedule '0 2 * * *'");
    expect(byTitle('Connection pool (PgBouncer)').thresholds).toEqual([
      { value: null, color: 'green' },
      { value: 40, color: 'red' },
    ]);
  });

  test('two instances: one standby is the whole HA, no orange step', () => {
    const row = postgresRow({ ...PG, instances: 2 });
    expect(row.panels.map((p) => [p.title, p.width]).slice(0, 3)).toEqual([
      ['Instances up', 8],
      ['Streaming standbys', 8],
      ['Connections used', 8],
    ]);
    expect(row.panels[1].thresholds).toEqual([
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
    ]);
  });

  test('every query parses', () => {
    const row = postgresRow({
      ...PG,
      instances: 3,
      backup: { lastAvailable: 'x_timestamp', staleAfterSeconds: 60, schedule: '* * * * *' },
      pooler: { pods: 'p', serverConnections: 1 },
    });
    for (const q of row.panels.flatMap((p) => p.queries)) expect(promqlSyntaxError(q.expr)).toBeUndefined();
  });
});

describe('postgresRow: the whole row', () => {
  test.each<[string, PostgresPanelsInput, RowSpec]>([
    [
      'a single instance without backups or pooler',
      PG,
      {
        title: 'shop-postgres (PostgreSQL)',
        panels: [
          {
            kind: 'stat',
            title: 'Instances up',
            description: "Instances whose exporter reports PostgreSQL up (cnpg_collector_up), of the cluster's 1.",
            unit: 'short',
            decimals: 0,
            queries: [{ expr: 'sum(cnpg_collector_up{namespace="shop",pod=~"shop-postgres-[0-9]+"})', legend: 'up' }],
            thresholds: [
              { value: null, color: 'red' },
              { value: 1, color: 'green' },
            ],
            height: 6,
            width: 12,
          },
          {
            kind: 'gauge',
            title: 'Connections used',
            description:
              "Backends of each instance as a share of its max_connections (cnpg_backends_total / the max_connections setting); orange and red at the PostgresAlertPack's default ticket (80%) and page (95%) levels.",
            unit: 'percentunit',
            decimals: 0,
            min: 0,
            max: 1,
            queries: [
              {
                expr: 'sum by (pod) (cnpg_backends_total{namespace="shop",pod=~"shop-postgres-[0-9]+"})\n/\nmax by (pod) (cnpg_pg_settings_setting{namespace="shop",pod=~"shop-postgres-[0-9]+",name="max_connections"})',
                legend: '{{pod}}',
              },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 0.8, color: 'orange' },
              { value: 0.95, color: 'red' },
            ],
            height: 6,
            width: 12,
          },
          {
            kind: 'timeseries',
            title: 'Connections',
            description:
              "Backends connected to each instance, in every state (cnpg_backends_total), against max_connections (the instance's setting); superusers and standbys take some of the slots.",
            unit: 'short',
            decimals: 0,
            min: 0,
            queries: [
              { expr: 'sum by (pod) (cnpg_backends_total{namespace="shop",pod=~"shop-postgres-[0-9]+"})', legend: '{{pod}}' },
              {
                expr: 'max(cnpg_pg_settings_setting{namespace="shop",pod=~"shop-postgres-[0-9]+",name="max_connections"})',
                legend: 'max_connections',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Transactions',
            description:
              'Transactions per second in shop on each instance (pg_stat_database over 5m): commits, and rollbacks (errors or aborts).',
            unit: 'ops',
            min: 0,
            queries: [
              {
                expr: 'sum by (pod) (rate(cnpg_pg_stat_database_xact_commit{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))',
                legend: 'commits {{pod}}',
              },
              {
                expr: 'sum by (pod) (rate(cnpg_pg_stat_database_xact_rollback{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))',
                legend: 'rollbacks {{pod}}',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Cache hit ratio',
            description:
              "Share of shop's block reads served from PostgreSQL's shared buffers on each instance: blocks hit / (hit + read from disk), over 5m. Well below 99% the working set no longer fits in memory.",
            unit: 'percentunit',
            decimals: 2,
            min: 0,
            max: 1,
            queries: [
              {
                expr: 'sum by (pod) (rate(cnpg_pg_stat_database_blks_hit{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))\n/\n(\n  sum by (pod) (rate(cnpg_pg_stat_database_blks_hit{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))\n  +\n  sum by (pod) (rate(cnpg_pg_stat_database_blks_read{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))\n)',
                legend: '{{pod}}',
              },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.9, color: 'orange' },
              { value: 0.99, color: 'green' },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Deadlocks and temp files (5m)',
            description:
              'Deadlocks detected and temporary files written in shop per 5m on each instance (pg_stat_database): deadlocks abort a transaction; temporary files are sorts and hashes that did not fit in work_mem.',
            unit: 'short',
            min: 0,
            queries: [
              {
                expr: 'sum by (pod) (increase(cnpg_pg_stat_database_deadlocks{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))',
                legend: 'deadlocks {{pod}}',
              },
              {
                expr: 'sum by (pod) (increase(cnpg_pg_stat_database_temp_files{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))',
                legend: 'temp files {{pod}}',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Volume usage',
            description:
              "Used share of each instance's data and WAL volume (kubelet volume stats); orange and red at the PostgresAlertPack's default ticket (70%) and page (90%) levels. A full volume stops PostgreSQL.",
            unit: 'percentunit',
            min: 0,
            max: 1,
            queries: [
              {
                expr: 'max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"})\n/\nmax by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"})',
                legend: '{{persistentvolumeclaim}}',
              },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 0.7, color: 'orange' },
              { value: 0.9, color: 'red' },
            ],
            width: 12,
            height: 8,
          },
        ],
      },
    ],
    [
      'three instances with backups and a pooler',
      {
        ...PG,
        instances: 3,
        backup: {
          lastAvailable: 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
          staleAfterSeconds: 172800,
          schedule: '0 2 * * *',
        },
        pooler: { pods: 'shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+', serverConnections: 40 },
      },
      {
        title: 'shop-postgres (PostgreSQL)',
        panels: [
          {
            kind: 'stat',
            title: 'Instances up',
            description: "Instances whose exporter reports PostgreSQL up (cnpg_collector_up), of the cluster's 3.",
            unit: 'short',
            decimals: 0,
            queries: [{ expr: 'sum(cnpg_collector_up{namespace="shop",pod=~"shop-postgres-[0-9]+"})', legend: 'up' }],
            thresholds: [
              { value: null, color: 'red' },
              { value: 3, color: 'green' },
            ],
            height: 6,
            width: 6,
          },
          {
            kind: 'stat',
            title: 'Streaming standbys',
            description:
              "Standbys streaming WAL from the primary (its pg_stat_replication), of the cluster's 2: at zero a primary failure loses the database until it returns.",
            unit: 'short',
            decimals: 0,
            queries: [
              { expr: 'max(cnpg_pg_replication_streaming_replicas{namespace="shop",pod=~"shop-postgres-[0-9]+"})', legend: 'streaming' },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 1, color: 'orange' },
              { value: 2, color: 'green' },
            ],
            height: 6,
            width: 6,
          },
          {
            kind: 'gauge',
            title: 'Connections used',
            description:
              "Backends of each instance as a share of its max_connections (cnpg_backends_total / the max_connections setting); orange and red at the PostgresAlertPack's default ticket (80%) and page (95%) levels.",
            unit: 'percentunit',
            decimals: 0,
            min: 0,
            max: 1,
            queries: [
              {
                expr: 'sum by (pod) (cnpg_backends_total{namespace="shop",pod=~"shop-postgres-[0-9]+"})\n/\nmax by (pod) (cnpg_pg_settings_setting{namespace="shop",pod=~"shop-postgres-[0-9]+",name="max_connections"})',
                legend: '{{pod}}',
              },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 0.8, color: 'orange' },
              { value: 0.95, color: 'red' },
            ],
            height: 6,
            width: 6,
          },
          {
            kind: 'stat',
            title: 'Last base backup',
            description:
              "Age of the newest available base backup (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp); red from 2d, twice the longest gap of the schedule '0 2 * * *', where the PostgresBackupStale alert fires.",
            unit: 's',
            decimals: 0,
            queries: [
              {
                expr: 'time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="shop",pod=~"shop-postgres-[0-9]+"})',
                legend: 'age',
              },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 172800, color: 'red' },
            ],
            height: 6,
            width: 6,
          },
          {
            kind: 'timeseries',
            title: 'Connections',
            description:
              "Backends connected to each instance, in every state (cnpg_backends_total), against max_connections (the instance's setting); superusers and standbys take some of the slots.",
            unit: 'short',
            decimals: 0,
            min: 0,
            queries: [
              { expr: 'sum by (pod) (cnpg_backends_total{namespace="shop",pod=~"shop-postgres-[0-9]+"})', legend: '{{pod}}' },
              {
                expr: 'max(cnpg_pg_settings_setting{namespace="shop",pod=~"shop-postgres-[0-9]+",name="max_connections"})',
                legend: 'max_connections',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Connection pool (PgBouncer)',
            description:
              "Client and server connections of the read-write pooler's pods for shop (SHOW POOLS). Clients waiting have sent a query and wait for a server connection: the pool is the bottleneck. The dashed line is the server connections the pooler may open (40).",
            unit: 'short',
            decimals: 0,
            min: 0,
            queries: [
              {
                expr: 'sum(cnpg_pgbouncer_pools_cl_active{namespace="shop",pod=~"shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+",database="shop"})',
                legend: 'clients active',
              },
              {
                expr: 'sum(cnpg_pgbouncer_pools_cl_waiting{namespace="shop",pod=~"shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+",database="shop"})',
                legend: 'clients waiting',
              },
              {
                expr: 'sum(cnpg_pgbouncer_pools_sv_active{namespace="shop",pod=~"shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+",database="shop"})',
                legend: 'server active',
              },
              {
                expr: 'sum(cnpg_pgbouncer_pools_sv_idle{namespace="shop",pod=~"shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+",database="shop"})',
                legend: 'server idle',
              },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 40, color: 'red' },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Transactions',
            description:
              'Transactions per second in shop on each instance (pg_stat_database over 5m): commits, and rollbacks (errors or aborts).',
            unit: 'ops',
            min: 0,
            queries: [
              {
                expr: 'sum by (pod) (rate(cnpg_pg_stat_database_xact_commit{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))',
                legend: 'commits {{pod}}',
              },
              {
                expr: 'sum by (pod) (rate(cnpg_pg_stat_database_xact_rollback{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))',
                legend: 'rollbacks {{pod}}',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Cache hit ratio',
            description:
              "Share of shop's block reads served from PostgreSQL's shared buffers on each instance: blocks hit / (hit + read from disk), over 5m. Well below 99% the working set no longer fits in memory.",
            unit: 'percentunit',
            decimals: 2,
            min: 0,
            max: 1,
            queries: [
              {
                expr: 'sum by (pod) (rate(cnpg_pg_stat_database_blks_hit{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))\n/\n(\n  sum by (pod) (rate(cnpg_pg_stat_database_blks_hit{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))\n  +\n  sum by (pod) (rate(cnpg_pg_stat_database_blks_read{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))\n)',
                legend: '{{pod}}',
              },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.9, color: 'orange' },
              { value: 0.99, color: 'green' },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Replication lag',
            description:
              "How far each standby's replay is behind the primary, in seconds (cnpg_pg_replication_lag of the instances in recovery): reads from the -ro Service are that stale, and a failover to the standby loses up to that much.",
            unit: 's',
            min: 0,
            queries: [
              {
                expr: 'max by (pod) (cnpg_pg_replication_lag{namespace="shop",pod=~"shop-postgres-[0-9]+"})\nand on (pod)\nmax by (pod) (cnpg_pg_replication_in_recovery{namespace="shop",pod=~"shop-postgres-[0-9]+"}) == 1',
                legend: '{{pod}}',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Deadlocks and temp files (5m)',
            description:
              'Deadlocks detected and temporary files written in shop per 5m on each instance (pg_stat_database): deadlocks abort a transaction; temporary files are sorts and hashes that did not fit in work_mem.',
            unit: 'short',
            min: 0,
            queries: [
              {
                expr: 'sum by (pod) (increase(cnpg_pg_stat_database_deadlocks{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))',
                legend: 'deadlocks {{pod}}',
              },
              {
                expr: 'sum by (pod) (increase(cnpg_pg_stat_database_temp_files{namespace="shop",pod=~"shop-postgres-[0-9]+",datname="shop"}[5m]))',
                legend: 'temp files {{pod}}',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Volume usage',
            description:
              "Used share of each instance's data and WAL volume (kubelet volume stats); orange and red at the PostgresAlertPack's default ticket (70%) and page (90%) levels. A full volume stops PostgreSQL.",
            unit: 'percentunit',
            min: 0,
            max: 1,
            queries: [
              {
                expr: 'max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"})\n/\nmax by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"})',
                legend: '{{persistentvolumeclaim}}',
              },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 0.7, color: 'orange' },
              { value: 0.9, color: 'red' },
            ],
            width: 12,
            height: 8,
          },
        ],
      },
    ],
  ])('%s', (_, input, expected) => {
    expect(postgresRow(input)).toEqual(expected);
  });
});
