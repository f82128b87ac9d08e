import { PriorityClass } from '../../core/priority-class';
import { Duration, Size } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-28';
import { BackupTarget, ServerSideEncryption } from '../backup-target';
import { CronSchedule } from '../../core/cron';
import { StorageClass } from '../../core/storage-class';
import { SecretStore } from '../synced-secret';

/** How a new primary is chosen during an update. */
export enum PrimaryUpdateMethod {
  /** Switch over to an updated standby first (seconds of unavailability). */
  SWITCHOVER = 'switchover',
  /** Restart the primary in place. */
  RESTART = 'restart',
}

/** Whether the operator updates the primary by itself. */
export enum PrimaryUpdateStrategy {
  /** The operator updates the primary after the standbys. */
  UNSUPERVISED = 'unsupervised',
  /** A human triggers the primary's update. */
  SUPERVISED = 'supervised',
}

/** Compression of archived WAL files. */
export enum WalCompression {
  GZIP = 'gzip',
  BZIP2 = 'bzip2',
  LZ4 = 'lz4',
  SNAPPY = 'snappy',
  XZ = 'xz',
  ZSTD = 'zstd',
}

/** Compression of base backups. */
export enum DataCompression {
  GZIP = 'gzip',
  BZIP2 = 'bzip2',
  LZ4 = 'lz4',
  SNAPPY = 'snappy',
}

/** Which mechanism archives WAL and takes base backups. */
export enum PostgresBackupMethod {
  /** The Barman Cloud plugin (ObjectStore + plugin entry): CNPG ≥ 1.26, needs cert-manager. */
  BARMAN_CLOUD_PLUGIN = 'plugin',
  /** The in-tree `barmanObjectStore`: for CNPG < 1.26 only (deprecated, removed in 1.31). */
  IN_TREE_BARMAN_OBJECT_STORE = 'barmanObjectStore',
}

/** PgBouncer pooling mode. */
export enum PoolMode {
  /** A server connection per client session (safe for every client). */
  SESSION = 'session',
  /** A server connection per transaction (most sharing; no session state in clients). */
  TRANSACTION = 'transaction',
}

/** Which endpoint a client connects to. */
export enum ConnectionRoute {
  /** Through the read-write PgBouncer pooler (requires `pooler`). */
  POOLER = 'pooler',
  /** Straight to the primary (`<cluster>-rw`). */
  PRIMARY = 'primary',
}

/** A persistent volume. */
export interface PostgresStorageProps {
  /** Volume size. */
  readonly size: Size;
  /**
   * Storage class. A node-local one (`StorageClass.localPath()`) makes the instances' anti-affinity
   * required and the disk alerts read CloudNativePG's own size metrics.
   * @default - the cluster's default class, taken to follow its pods across nodes
   */
  readonly storageClass?: StorageClass;
}

/** Continuous backup: WAL archiving plus scheduled base backups to an object store. */
export interface PostgresBackupProps {
  /** Where WAL and base backups go. */
  readonly target: BackupTarget;
  /** Recovery window kept, e.g. `'7d'`, `'4w'`, `'3m'` (Barman retention policy). */
  readonly retention: string;
  /** When base backups are taken: a 5-field cron or cdk8s `Cron` (CNPG's 6-field form is derived). */
  readonly schedule: CronSchedule;
  /**
   * @default PostgresBackupMethod.BARMAN_CLOUD_PLUGIN
   */
  readonly method?: PostgresBackupMethod;
  /**
   * @default WalCompression.GZIP
   */
  readonly walCompression?: WalCompression;
  /**
   * @default DataCompression.GZIP
   */
  readonly dataCompression?: DataCompression;
  /**
   * Server-side encryption of uploaded files.
   * @default - the target's: AES256 (or KMS) on AWS S3, none on MinIO
   */
  readonly encryption?: ServerSideEncryption;
  /**
   * WAL files archived in parallel (also the base backup's upload jobs).
   * @default 2
   */
  readonly maxParallel?: number;
  /**
   * Take a base backup as soon as the ScheduledBackup is created.
   * @default true
   */
  readonly immediate?: boolean;
  /**
   * Longest time a WAL segment may stay unarchived under low traffic (`archive_timeout`): the
   * worst-case data loss (RPO) of WAL archiving.
   * @default Duration.minutes(5)
   */
  readonly archiveTimeout?: Duration;
  /**
   * The plan's recovery point objective; synth fails unless `archiveTimeout` is shorter. The
   * PostgresAlertPack pages when the newest archived WAL grows older than it.
   * @default - not checked; the WAL age alert fires at twice archiveTimeout
   */
  readonly rpo?: Duration;
}

/** A PgBouncer pooler in front of the primary. */
export interface PoolerProps {
  /**
   * PgBouncer pods (≥ 2, so a pooler restart is no outage).
   * @default 2
   */
  readonly instances?: number;
  /**
   * @default PoolMode.TRANSACTION
   */
  readonly poolMode?: PoolMode;
  /**
   * Server connections per database/user pair per PgBouncer pod.
   * @default 20
   */
  readonly defaultPoolSize?: number;
  /**
   * Client connections each PgBouncer pod accepts.
   * @default 1000
   */
  readonly maxClientConnections?: number;
  /**
   * Also a read-only pooler on the standbys (`<cluster>-pooler-ro`).
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Resources of each PgBouncer pod (requests and a memory limit required).
   * @default - requests 100m CPU / 64Mi, limit 128Mi
   */
  readonly resources?: ContainerResources;
  /**
   * Further PgBouncer parameters, e.g. `max_prepared_statements` (transaction pooling with
   * drivers that prepare statements), `server_lifetime`, `server_idle_timeout`.
   * @default - CNPG's defaults
   * @see https://cloudnative-pg.io/documentation/current/connection_pooling/#pgbouncer-configuration-options
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Pinned PgBouncer image (a tag, a digest, or `tag@sha256:…`).
   * @default Images.PGBOUNCER
   */
  readonly image?: string;
}

/**
 * The read-only role logical dumps run as (BackupSchedule via `backupSource()`): a CNPG managed role
 * in `pg_read_all_data`, never the application owner, so a dump job's credentials can read every
 * table and change none. Its password comes from the secret store (external-secrets writes the
 * `kubernetes.io/basic-auth` Secret CNPG reads, labelled so CNPG applies a rotated password).
 */
export interface BackupRoleProps {
  /** The store holding the role's password. */
  readonly store: SecretStore;
  /** The store entry, e.g. `shop/prod/postgres-backup-role`. */
  readonly remoteKey: string;
  /**
   * The property of the entry holding the password (a JSON field).
   * @default 'password'
   */
  readonly property?: string;
  /**
   * The role's name.
   * @default 'backup_reader'
   */
  readonly name?: string;
}

/** Props of an {@link HAPostgres}. */
export interface HAPostgresProps {
  /** Pinned PostgreSQL operand image, e.g. `Images.POSTGRES_16` (a tag, a digest, or `tag@sha256:…`). */
  readonly image: string;
  /**
   * PostgreSQL instances: one primary and instances − 1 streaming standbys.
   * @default 2 (1 with singleInstance)
   */
  readonly instances?: number;
  /**
   * Explicitly accept a single instance (no standby): allows instances 1 and disables CNPG's
   * PodDisruptionBudget, which would otherwise block node drains.
   * @default false
   */
  readonly singleInstance?: boolean;
  /** The data volume of each instance. */
  readonly storage: PostgresStorageProps;
  /**
   * A separate WAL volume (a full WAL volume then cannot fill the data volume).
   * @default - WAL on the data volume
   */
  readonly walStorage?: PostgresStorageProps;
  /** Requests (cpu, memory) and a memory limit are required. */
  readonly resources: ContainerResources;
  /**
   * `max_connections`.
   * @default 100
   */
  readonly maxConnections?: number;
  /**
   * Further PostgreSQL parameters.
   * @default - CNPG's defaults
   * @see https://cloudnative-pg.io/documentation/current/postgresql_conf/
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /** The application database created at bootstrap. */
  readonly database: string;
  /** Its owner (the application user). */
  readonly owner: string;
  /**
   * A `kubernetes.io/basic-auth` Secret with the owner's credentials.
   * @default - CNPG generates `<cluster>-app`
   */
  readonly credentialsSecret?: string;
  /**
   * Spread instances across zones too (preferred, never required).
   * @default true
   */
  readonly spreadAcrossZones?: boolean;
  /**
   * The PriorityClass of the instances and the poolers: evicting them fails every client over.
   * @default PriorityClass.DATA
   */
  readonly priorityClass?: PriorityClass;
  /**
   * @default PrimaryUpdateStrategy.UNSUPERVISED
   */
  readonly primaryUpdateStrategy?: PrimaryUpdateStrategy;
  /**
   * @default PrimaryUpdateMethod.SWITCHOVER
   */
  readonly primaryUpdateMethod?: PrimaryUpdateMethod;
  /**
   * Continuous backup to an object store. Production databases need it.
   * @default - none
   */
  readonly backup?: PostgresBackupProps;
  /**
   * A PgBouncer pooler.
   * @default - none
   */
  readonly pooler?: PoolerProps;
  /**
   * The read-only role logical dumps run as; `backupSource()` requires it.
   * @default - none: no managed roles, and `backupSource()` throws
   */
  readonly backupRole?: BackupRoleProps;
  /**
   * The namespace Prometheus runs in (admitted on the metrics port).
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
  /**
   * The namespace the CNPG operator runs in (admitted on the instance manager's port).
   * @default 'cnpg-system'
   */
  readonly operatorNamespace?: string;
}

/** How a ReliableService uses the database. */
export interface DatabaseClientProps {
  /** Connections one pod opens at most (its pool size): counted against the budget. */
  readonly poolSizePerPod: number;
  /**
   * @default ConnectionRoute.POOLER when a pooler exists, else ConnectionRoute.PRIMARY
   */
  readonly via?: ConnectionRoute;
  /**
   * Prefix of the environment variables (`<prefix>HOST`, `PORT`, `NAME`, `USER`, `PASSWORD`).
   * @default 'DB_'
   */
  readonly envPrefix?: string;
}
