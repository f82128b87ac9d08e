import { Duration } from 'cdk8s';
import { PostgresBackupMethod } from '../data/ha-postgres/props';
import { cronPeriodMinutes } from '../core/cron-period';
import { seconds } from '../core/units';

/**
 * The instance pods of a CloudNativePG cluster (`<cluster>-1`, `<cluster>-2`, …) as an anchored
 * regex: what the `pod` label of the cluster's PodMonitor targets matches. Cluster names are DNS
 * labels, so nothing needs escaping.
 */
export function cnpgInstancePods(cluster: string): string {
  return `${cluster}-[0-9]+`;
}

/** The PersistentVolumeClaims of a cluster's instances, data (`<cluster>-1`) and WAL (`<cluster>-1-wal`), as an anchored regex. */
export function cnpgVolumeClaims(cluster: string): string {
  return `${cluster}-[0-9]+(-wal)?`;
}

/** The exporter's timestamps of a cluster's base backups. */
export interface PostgresBackupMetrics {
  /** Unix time of the newest available base backup. */
  readonly lastAvailable: string;
  /** Unix time of the newest failed base backup. */
  readonly lastFailed: string;
}

/**
 * Which metrics carry the base-backup timestamps: the Barman Cloud plugin reports them under its
 * own prefix (`barman_cloud_cloudnative_pg_io_*`, served by the instance's metrics endpoint); the
 * in-tree `barmanObjectStore` through the instance manager's collector (`cnpg_collector_*`).
 */
export function postgresBackupMetrics(method: PostgresBackupMethod): PostgresBackupMetrics {
  const prefix = method === PostgresBackupMethod.BARMAN_CLOUD_PLUGIN ? 'barman_cloud_cloudnative_pg_io' : 'cnpg_collector';
  return { lastAvailable: `${prefix}_last_available_backup_timestamp`, lastFailed: `${prefix}_last_failed_backup_timestamp` };
}

/**
 * How old, in seconds, the newest base backup may grow before it counts as stale: twice the
 * longest gap of its schedule, so one late or failed run alone is no alarm.
 */
export function backupStaleAfterSeconds(schedule: string): number {
  return 2 * cronPeriodMinutes(schedule) * 60;
}

/**
 * How old, in seconds, the newest archived WAL segment may grow before the WAL age alert fires:
 * the declared RPO, since a primary lost at that moment loses every write after that segment.
 * Without a declared RPO, twice `archive_timeout`: a quiet database switches and archives a
 * segment at least that often, so twice means a segment went unarchived.
 */
export function walArchiveMaxAgeSeconds(backup: { readonly archiveTimeout: Duration; readonly rpo?: Duration }): number {
  return backup.rpo ? seconds(backup.rpo) : 2 * seconds(backup.archiveTimeout);
}
