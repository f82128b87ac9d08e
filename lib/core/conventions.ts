/**
 * Names, label keys and annotations used across Reliakit: one place, so every construct labels and
 * names objects the same way and the runbooks' `kubectl -l ...` selectors keep working.
 */

/** The `app.kubernetes.io/managed-by` value of every object Reliakit synthesizes. */
export const MANAGED_BY = 'reliakit';

/**
 * Reliakit's own version: the `app.kubernetes.io/version` of objects that belong to no image
 * (namespaces, Flux objects).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const RELIAKIT_VERSION: string = require('../../package.json').version;

/** The recommended label keys (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */
export const LabelKeys = {
  NAME: 'app.kubernetes.io/name',
  INSTANCE: 'app.kubernetes.io/instance',
  COMPONENT: 'app.kubernetes.io/component',
  PART_OF: 'app.kubernetes.io/part-of',
  MANAGED_BY: 'app.kubernetes.io/managed-by',
  VERSION: 'app.kubernetes.io/version',
  /** The environment an object was synthesized for (`prod`, `dev`). */
  ENVIRONMENT: 'reliakit.dev/environment',
} as const;

/** Annotations Reliakit writes. */
export const Annotations = {
  /** Tells Flux's kustomize-controller never to garbage-collect the object (stateful data). */
  FLUX_PRUNE: 'kustomize.toolkit.fluxcd.io/prune',
} as const;

/** Well-known namespace label set by Kubernetes on every namespace (1.22+), used to select namespaces by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Identity of one component of a system in one environment. */
export interface ComponentIdentity {
  /** The system (plan) the component belongs to, e.g. `homepage`. */
  readonly system: string;
  /** The component, e.g. `api`. */
  readonly component: string;
  /** The environment name, e.g. `prod`. */
  readonly environment: string;
  /** The version of the component, e.g. the image tag. */
  readonly version?: string;
}

/** `<system>-<component>`: the human-readable name the plans' runbooks type (`deploy/homepage-api`). */
export function resourceName(system: string, component: string): string {
  return `${system}-${component}`;
}

/**
 * Why a component id repeats its system's name (`payments` / `payments-api` names every object
 * `payments-payments-api`), or undefined when it does not. The names are the API the runbooks
 * type (house style 7), so the id is rejected rather than silently stripped.
 */
export function repeatedSystemName(system: string, component: string): { problem: string; fix: string } | undefined {
  if (component !== system && !component.startsWith(`${system}-`)) return undefined;
  const rest = component.slice(system.length + 1);
  return {
    problem: `repeats the system name '${system}': objects are named '<system>-<id>', so this one becomes '${resourceName(system, component)}'`,
    fix: rest ? `use the id '${rest}' (objects named '${resourceName(system, rest)}')` : "name the component, e.g. 'api'",
  };
}

/** The immutable subset of the labels: what selectors, PDBs and NetworkPolicies match on. */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return {
    [LabelKeys.NAME]: resourceName(id.system, id.component),
    [LabelKeys.INSTANCE]: `${resourceName(id.system, id.component)}-${id.environment}`,
  };
}

/** The full recommended label set of every object of a component. */
export function recommendedLabels(id: ComponentIdentity): Record<string, string> {
  const labels: Record<string, string> = {
    ...selectorLabels(id),
    [LabelKeys.COMPONENT]: id.component,
    [LabelKeys.PART_OF]: id.system,
    [LabelKeys.MANAGED_BY]: MANAGED_BY,
  };
  if (id.version !== undefined) labels[LabelKeys.VERSION] = id.version;
  labels[LabelKeys.ENVIRONMENT] = id.environment;
  return labels;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** True when `value` is an RFC 1123 DNS label of at most `maxLength` characters (Service, Namespace names). */
export function isDnsLabel(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS_LABEL.test(value);
}

/** True when `value` is a valid label value (≤ 63 characters, alphanumerics, `-`, `_`, `.`). */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** Turns any string into a valid label value (used for versions derived from image digests). */
export function toLabelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Metrics, recording rules and alerts (Slo, AlertingRuleset)
// ---------------------------------------------------------------------------------------------

/**
 * Label keys of recorded SLI series and of alerts. Alertmanager routes on `severity` and `team`;
 * `slo` and `service` identify the recorded series of one SLO, so dashboards and the alerts
 * select them the same way.
 */
export const AlertLabelKeys = {
  SEVERITY: 'severity',
  /** The plan's priority (P1–P3), set only by the priority severities. */
  PRIORITY: 'priority',
  TEAM: 'team',
  SERVICE: 'service',
  SLO: 'slo',
  /** The long window of the burn-rate pair that fired (`1h`). */
  LONG_WINDOW: 'long_window',
  /** The short window of the burn-rate pair that fired (`5m`). */
  SHORT_WINDOW: 'short_window',
} as const;

/** Annotation keys every alert carries. */
export const AlertAnnotationKeys = {
  SUMMARY: 'summary',
  DESCRIPTION: 'description',
  RUNBOOK_URL: 'runbook_url',
} as const;

/** Names of the alerts an Slo generates. */
export const SloAlertNames = {
  /**
   * Error-budget burn: two rules per SLO, the page (the 1h/5m or the 6h/30m pair) and the ticket
   * (1d/2h or 3d/6h), told apart by `severity`; each firing series carries the `long_window` and
   * `short_window` of the pair that fired.
   */
  BURN: 'ErrorBudgetBurn',
  /** The SLI's request series is missing: the SLO is blind. */
  NO_DATA: 'SliDataMissing',
} as const;

/** The windows the SLI error ratio is recorded over, shortest first. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** One window of {@link SLI_WINDOWS}. */
export type SliWindow = (typeof SLI_WINDOWS)[number];

/**
 * Recording-rule names (`level:metric:operations`, as the Prometheus naming conventions ask).
 * One name per quantity for every SLO; the `slo` and `service` labels tell SLOs apart.
 */
export const SloRecords = {
  /** Failed (or too slow) requests per second over 5 minutes. */
  ERRORS_RATE5M: 'slo:sli_errors:rate5m',
  /** All requests per second over 5 minutes. */
  REQUESTS_RATE5M: 'slo:sli_requests:rate5m',
  /** The share of failed requests over `window`, from the counters' increase over the whole window (absent without requests). */
  errorRatio(window: SliWindow): string {
    return `slo:sli_error:ratio_rate${window}`;
  },
  /** The number of failed requests over `window` (recorded for the burn-rate alerts' long windows). */
  errorsIncrease(window: SliWindow): string {
    return `slo:sli_errors:increase${window}`;
  },
} as const;

/**
 * The recovery objectives' alerts and series: the WAL archive's age against the RPO (the Postgres
 * pack) and the physical restore drill's measured time against the RTO (the restore drill pack).
 */
export const RecoveryAlertNames = {
  /** No WAL archived for longer than the RPO. */
  WAL_ARCHIVE_BEHIND_RPO: 'PostgresWalArchiveBehindRpo',
  /** The newest physical restore drill took longer than the RTO. */
  RESTORE_DRILL_OVER_RTO: 'PostgresRestoreDrillOverRto',
  /** The newest physical restore drill failed, or none succeeded for twice its schedule's gap. */
  RESTORE_DRILL_FAILED: 'PostgresRestoreDrillFailed',
} as const;

/** Recording-rule names of the restore drills. */
export const RestoreDrillRecords = {
  /**
   * Seconds from the start of the newest completed physical restore drill to its end — a
   * recovered, checked database — from kube-state-metrics' Job times; labels `namespace`,
   * `job_name`, `cronjob`, `cnpg_cluster`.
   */
  MEASURED_RTO: 'postgres_restore_drill:measured_rto_seconds',
} as const;

// ---------------------------------------------------------------------------------------------
// Grafana dashboards (SloDashboard, ServiceDashboard, DatabaseDashboard)
// ---------------------------------------------------------------------------------------------

/**
 * How Grafana's dashboard sidecar (kiwigrid k8s-sidecar, as kube-prometheus-stack deploys it with
 * `grafana.sidecar.dashboards.enabled`) finds dashboards: ConfigMaps carrying `LABEL: LABEL_VALUE`
 * (the chart's defaults `label: grafana_dashboard`, `labelValue: "1"`), filed into the folder named
 * by the `FOLDER_ANNOTATION` annotation when the sidecar's `folderAnnotation` is set to it. The
 * sidecar must search the systems' namespaces (`searchNamespace: ALL`).
 */
export const GrafanaSidecar = {
  LABEL: 'grafana_dashboard',
  LABEL_VALUE: '1',
  FOLDER_ANNOTATION: 'grafana_folder',
} as const;

/**
 * The dashboard variable every panel's queries run on: a data source picker of type prometheus, so
 * a dashboard works on any Grafana whatever its Prometheus data source is called.
 */
export const DASHBOARD_DATASOURCE_VARIABLE = 'datasource';

// ---------------------------------------------------------------------------------------------
// Exporter metrics the data layer's constructs provide (DatabaseDashboard, PostgresAlertPack)
// ---------------------------------------------------------------------------------------------

/**
 * The metrics of a CloudNativePG instance that Reliakit reads, served on each instance's metrics
 * port (9187) and scraped by the HAPostgres's PodMonitor; every series carries the `namespace`
 * and `pod` (`<cluster>-<n>`) of its instance. From CloudNativePG's sources:
 * - `cnpg_collector_*`: the instance manager's own collector (`cnpg_collector_up`, the
 *   in-tree `barmanObjectStore`'s base-backup timestamps, and `pg_wal_archive_status`: the WAL
 *   segments in `pg_wal/archive_status` by `value`, `ready` counting closed, unarchived ones; and
 *   `pg_wal`: the pg_wal directory by `value`, `size` in bytes as segments × wal_segment_size);
 * - `cnpg_<query>_<column>`: the default monitoring queries (`config/manager/default-monitoring.yaml`,
 *   the `cnpg-default-monitoring` ConfigMap): `backends` (`total`, by state), `pg_settings`
 *   (`setting`, by `name`), `pg_database` (`size_bytes`, by `datname`), `pg_replication` (`lag`, `in_recovery`, `is_wal_receiver_up`,
 *   `streaming_replicas`), `pg_stat_database` (`xact_commit`, `xact_rollback`, `blks_hit`,
 *   `blks_read`, `deadlocks`, `temp_files`, by `datname`), `pg_stat_archiver`
 *   (`seconds_since_last_archival`, `last_archived_time`, `last_failed_time`; -1 before the first
 *   archival or failure; served by the primary only, the query's predicate skipping an instance in
 *   recovery unless archive_mode is `always`);
 * - `barman_cloud_cloudnative_pg_io_*`: the Barman Cloud plugin's base-backup timestamps, served
 *   through the instance's endpoint.
 */
export const CNPG_EXPORTER_METRICS: readonly string[] = [
  'cnpg_collector_up',
  'cnpg_collector_last_available_backup_timestamp',
  'cnpg_collector_last_failed_backup_timestamp',
  'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
  'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp',
  'cnpg_backends_total',
  'cnpg_pg_settings_setting',
  'cnpg_pg_replication_lag',
  'cnpg_pg_replication_in_recovery',
  'cnpg_pg_replication_is_wal_receiver_up',
  'cnpg_pg_replication_streaming_replicas',
  'cnpg_pg_stat_database_xact_commit',
  'cnpg_pg_stat_database_xact_rollback',
  'cnpg_pg_stat_database_blks_hit',
  'cnpg_pg_stat_database_blks_read',
  'cnpg_pg_stat_database_deadlocks',
  'cnpg_pg_stat_database_temp_files',
  'cnpg_pg_stat_archiver_seconds_since_last_archival',
  'cnpg_pg_stat_archiver_last_archived_time',
  'cnpg_pg_stat_archiver_last_failed_time',
  'cnpg_collector_pg_wal_archive_status',
  'cnpg_pg_database_size_bytes',
  'cnpg_collector_pg_wal',
];

/**
 * The metrics of a CloudNativePG PgBouncer pooler that Reliakit reads, served on each pooler
 * pod's metrics port (9127) and scraped by the pooler's PodMonitor: `SHOW POOLS` as gauges per
 * `database` and `user` (CloudNativePG's `pkg/management/pgbouncer/metricsserver/pools.go`).
 */
export const CNPG_POOLER_METRICS: readonly string[] = [
  'cnpg_pgbouncer_pools_cl_active',
  'cnpg_pgbouncer_pools_cl_waiting',
  'cnpg_pgbouncer_pools_sv_active',
  'cnpg_pgbouncer_pools_sv_idle',
];

/**
 * The metrics of a RedisCache that Reliakit reads, from its redis_exporter sidecar (oliver006/
 * redis_exporter, port 9121) scraped by the cache's ServiceMonitor; every series carries the
 * `namespace` and `pod` (`<name>-<n>`) of its Redis. Names as the exporter maps `INFO` fields
 * (`exporter/exporter.go`): `redis_up`, `redis_instance_info` (with `role`),
 * `redis_connected_clients`, `redis_memory_used_bytes` (`used_memory`), `redis_memory_max_bytes`
 * (`maxmemory`), `redis_keyspace_hits_total`, `redis_keyspace_misses_total`,
 * `redis_evicted_keys_total`, `redis_connected_slaves`, and on a replica `redis_master_link_up`.
 */
export const REDIS_EXPORTER_METRICS: readonly string[] = [
  'redis_up',
  'redis_instance_info',
  'redis_connected_clients',
  'redis_memory_used_bytes',
  'redis_memory_max_bytes',
  'redis_keyspace_hits_total',
  'redis_keyspace_misses_total',
  'redis_evicted_keys_total',
  'redis_connected_slaves',
  'redis_master_link_up',
];
