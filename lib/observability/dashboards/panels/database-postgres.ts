import * as units from '@grafana/grafana-foundation-sdk/units';
import { labelEq, labelRe, promDuration, selectorOf } from '../../promql';
import { PanelSpec, RowSpec } from './model';
import { RATE_WINDOW } from './queries';

/** What the panels of one CloudNativePG cluster need. */
export interface PostgresPanelsInput {
  /** The cluster's name. */
  readonly name: string;
  readonly namespace: string;
  /** The application database (the `datname` of the per-database series). */
  readonly database: string;
  /** Instances: one primary, the rest standbys. */
  readonly instances: number;
  /** The instance pods' names as an anchored regex (`<cluster>-[0-9]+`). */
  readonly pods: string;
  /** The instances' data and WAL PersistentVolumeClaims as an anchored regex. */
  readonly claims: string;
  /** Continuous backup: the metric of the newest available base backup and when it is stale. */
  readonly backup?: { readonly lastAvailable: string; readonly staleAfterSeconds: number; readonly schedule: string };
  /** The read-write PgBouncer pooler: its pods as an anchored regex and the server connections it may open. */
  readonly pooler?: { readonly pods: string; readonly serverConnections: number };
}

/**
 * One row per PostgreSQL cluster, from CloudNativePG's exporter (see `CNPG_EXPORTER_METRICS`):
 * instances up, streaming standbys, connections against max_connections, the newest base
 * backup's age, connections per instance, the PgBouncer pool, transactions, the buffer cache hit
 * ratio, each standby's replay lag, deadlocks and temporary files, and the volumes' usage (kubelet).
 * A standby-only panel is left out of a single instance, a backup panel out of a cluster without
 * backups, the pool out of a cluster without a pooler.
 */
export function postgresRow(input: PostgresPanelsInput): RowSpec {
  const ns = labelEq('namespace', input.namespace);
  const pods = [ns, labelRe('pod', input.pods)];
  const db = [...pods, labelEq('datname', input.database)];
  const perPodRate = (metric: string) => `sum by (pod) (rate(${selectorOf(metric, ...db)}[${RATE_WINDOW}]))`;
  const perPodIncrease = (metric: string) => `sum by (pod) (increase(${selectorOf(metric, ...db)}[${RATE_WINDOW}]))`;
  const standbys = input.instances - 1;
  const backends = `sum by (pod) (${selectorOf('cnpg_backends_total', ...pods)})`;
  const maxConnections = selectorOf('cnpg_pg_settings_setting', ...pods, labelEq('name', 'max_connections'));

  const stats: Array<Omit<PanelSpec, 'width'>> = [
    {
      kind: 'stat',
      title: 'Instances up',
      description: `Instances whose exporter reports PostgreSQL up (cnpg_collector_up), of the cluster's ${input.instances}.`,
      unit: units.Short,
      decimals: 0,
      queries: [{ expr: `sum(${selectorOf('cnpg_collector_up', ...pods)})`, legend: 'up' }],
      thresholds: [
        { value: null, color: 'red' },
        { value: input.instances, color: 'green' },
      ],
      height: 6,
    },
  ];
  if (standbys > 0) {
    stats.push({
      kind: 'stat',
      title: 'Streaming standbys',
      description: `Standbys streaming WAL from the primary (its pg_stat_replication), of the cluster's ${standbys}: at zero a primary failure loses the database until it returns.`,
      unit: units.Short,
      decimals: 0,
      queries: [{ expr: `max(${selectorOf('cnpg_pg_replication_streaming_replicas', ...pods)})`, legend: 'streaming' }],
      thresholds: [
        { value: null, color: 'red' },
        ...(standbys > 1 ? [{ value: 1, color: 'orange' }] : []),
        { value: standbys, color: 'green' },
      ],
      height: 6,
    });
  }
  stats.push({
    kind: 'gauge',
    title: 'Connections used',
    description:
      'Backends of each instance as a share of its max_connections (cnpg_backends_total / the max_connections setting); ' +
      "orange and red at the PostgresAlertPack's default ticket (80%) and page (95%) levels.",
    unit: units.PercentUnit,
    decimals: 0,
    min: 0,
    max: 1,
    queries: [{ expr: `${backends}\n/\nmax by (pod) (${maxConnections})`, legend: '{{pod}}' }],
    thresholds: [
      { value: null, color: 'green' },
      { value: 0.8, color: 'orange' },
      { value: 0.95, color: 'red' },
    ],
    height: 6,
  });
  if (input.backup) {
    const b = input.backup;
    stats.push({
      kind: 'stat',
      title: 'Last base backup',
      description:
        `Age of the newest available base backup (${b.lastAvailable}); red from ${promDuration(b.staleAfterSeconds / 60)}, ` +
        `twice the longest gap of the schedule '${b.schedule}', where the PostgresBackupStale alert fires.`,
      unit: units.Seconds,
      decimals: 0,
      queries: [{ expr: `time() - max(${selectorOf(b.lastAvailable, ...pods)})`, legend: 'age' }],
      thresholds: [
        { value: null, color: 'green' },
        { value: b.staleAfterSeconds, color: 'red' },
      ],
      height: 6,
    });
  }
  const panels: PanelSpec[] = stats.map((p) => ({ ...p, width: 24 / stats.length }));

  panels.push({
    kind: 'timeseries',
    title: 'Connections',
    description:
      "Backends connected to each instance, in every state (cnpg_backends_total), against max_connections (the instance's setting); " +
      'superusers and standbys take some of the slots.',
    unit: units.Short,
    decimals: 0,
    min: 0,
    queries: [
      { expr: backends, legend: '{{pod}}' },
      { expr: `max(${maxConnections})`, legend: 'max_connections' },
    ],
    width: 12,
    height: 8,
  });
  if (input.pooler) {
    const pool = [ns, labelRe('pod', input.pooler.pods), labelEq('database', input.database)];
    const sum = (metric: string) => `sum(${selectorOf(metric, ...pool)})`;
    panels.push({
      kind: 'timeseries',
      title: 'Connection pool (PgBouncer)',
      description:
        `Client and server connections of the read-write pooler's pods for ${input.database} (SHOW POOLS). Clients waiting have sent a query ` +
        `and wait for a server connection: the pool is the bottleneck. The dashed line is the server connections the pooler may open (${input.pooler.serverConnections}).`,
      unit: units.Short,
      decimals: 0,
      min: 0,
      queries: [
        { expr: sum('cnpg_pgbouncer_pools_cl_active'), legend: 'clients active' },
        { expr: sum('cnpg_pgbouncer_pools_cl_waiting'), legend: 'clients waiting' },
        { expr: sum('cnpg_pgbouncer_pools_sv_active'), legend: 'server active' },
        { expr: sum('cnpg_pgbouncer_pools_sv_idle'), legend: 'server idle' },
      ],
      thresholds: [
        { value: null, color: 'green' },
        { value: input.pooler.serverConnections, color: 'red' },
      ],
      width: 12,
      height: 8,
    });
  }
  panels.push(
    {
      kind: 'timeseries',
      title: 'Transactions',
      description: `Transactions per second in ${input.database} on each instance (pg_stat_database over ${RATE_WINDOW}): commits, and rollbacks (errors or aborts).`,
      unit: units.OpsPerSecond,
      min: 0,
      queries: [
        { expr: perPodRate('cnpg_pg_stat_database_xact_commit'), legend: 'commits {{pod}}' },
        { expr: perPodRate('cnpg_pg_stat_database_xact_rollback'), legend: 'rollbacks {{pod}}' },
      ],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Cache hit ratio',
      description:
        `Share of ${input.database}'s block reads served from PostgreSQL's shared buffers on each instance: blocks hit / (hit + read from disk), over ${RATE_WINDOW}. ` +
        'Well below 99% the working set no longer fits in memory.',
      unit: units.PercentUnit,
      decimals: 2,
      min: 0,
      max: 1,
      queries: [
        {
          expr: `${perPodRate('cnpg_pg_stat_database_blks_hit')}\n/\n(\n  ${perPodRate('cnpg_pg_stat_database_blks_hit')}\n  +\n  ${perPodRate('cnpg_pg_stat_database_blks_read')}\n)`,
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
  );
  if (standbys > 0) {
    panels.push({
      kind: 'timeseries',
      title: 'Replication lag',
      description:
        "How far each standby's replay is behind the primary, in seconds (cnpg_pg_replication_lag of the instances in recovery): " +
        'reads from the -ro Service are that stale, and a failover to the standby loses up to that much.',
      unit: units.Seconds,
      min: 0,
      queries: [
        {
          expr: `max by (pod) (${selectorOf('cnpg_pg_replication_lag', ...pods)})\nand on (pod)\nmax by (pod) (${selectorOf('cnpg_pg_replication_in_recovery', ...pods)}) == 1`,
          legend: '{{pod}}',
        },
      ],
      width: 12,
      height: 8,
    });
  }
  panels.push(
    {
      kind: 'timeseries',
      title: `Deadlocks and temp files (${RATE_WINDOW})`,
      description:
        `Deadlocks detected and temporary files written in ${input.database} per ${RATE_WINDOW} on each instance (pg_stat_database): ` +
        'deadlocks abort a transaction; temporary files are sorts and hashes that did not fit in work_mem.',
      unit: units.Short,
      min: 0,
      queries: [
        { expr: perPodIncrease('cnpg_pg_stat_database_deadlocks'), legend: 'deadlocks {{pod}}' },
        { expr: perPodIncrease('cnpg_pg_stat_database_temp_files'), legend: 'temp files {{pod}}' },
      ],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Volume usage',
      description:
        "Used share of each instance's data and WAL volume (kubelet volume stats); orange and red at the PostgresAlertPack's default ticket (70%) and page (90%) levels. " +
        'A full volume stops PostgreSQL.',
      unit: units.PercentUnit,
      min: 0,
      max: 1,
      queries: [
        {
          expr: ['used_bytes', 'capacity_bytes']
            .map(
              (s) =>
                `max by (persistentvolumeclaim) (${selectorOf(`kubelet_volume_stats_${s}`, ns, labelRe('persistentvolumeclaim', input.claims))})`,
            )
            .join('\n/\n'),
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
  );
  return { title: `${input.name} (PostgreSQL)`, panels };
}
