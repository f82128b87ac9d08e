import { PriorityClass } from '../../core/priority-class';
import { Duration, Size } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-28';
import { BackupTarget, SecretKeyReference } from '../backup-target';
import { BackupEngine } from '../backup-scripts';
import { CronSchedule } from '../../core/cron';
import { NetworkPeer } from '../../core/network-peer';
import { StorageClass } from '../../core/storage-class';

/** A server that backup jobs connect to, and that admits them in its NetworkPolicy. */
export interface IBackupServer {
  /** The server's name (a CNPG Cluster's, a Redis StatefulSet's), for the reliability report. */
  readonly name: string;
  /** Admits the pods of a backup job (`peer`) on the source port. */
  admitBackupJob(peer: NetworkPeer): void;
}

/** Props of {@link BackupSource.postgres}. */
export interface PostgresBackupSourceProps {
  /** The server's host name (a Service DNS name such as `homepage-db-rw.homepage`) or IP. */
  readonly host: string;
  /**
   * @default 5432
   */
  readonly port?: number;
  /** The database to dump. */
  readonly database: string;
  /** The role to dump as: a name, or a Secret key holding it. */
  readonly username: string | SecretKeyReference;
  /** The Secret key holding the role's password. */
  readonly password: SecretKeyReference;
  /**
   * Pinned image providing pg_dump, pg_restore, psql and openssl (the official Debian-based
   * `postgres:<major>.<minor>-bookworm` images do), of the server's major version: pg_dump refuses
   * to dump a server newer than itself, and an older pg_restore cannot read a newer archive.
   */
  readonly image: string;
  /**
   * The server's major version; the image tag must start with it.
   * @default - not checked
   */
  readonly majorVersion?: number;
  /**
   * The pods (or IP block) `host` leads to, which the jobs' NetworkPolicy lets them reach on `port`.
   * @default - every pod of the namespace named in `host` (`<service>.<namespace>[.svc...]`), else of
   *   the schedule's namespace; an IP host gives its /32
   */
  readonly peer?: NetworkPeer;
  /**
   * The construct serving the source (HAPostgres, RedisCache): it admits the jobs that connect to
   * it in its own NetworkPolicy. Set by those constructs' `backupSource()`.
   * @default - none: the server's NetworkPolicy must admit the jobs some other way
   */
  readonly server?: IBackupServer;
  /**
   * The most data the database may hold (HAPostgres: its data volume's declared size): the jobs'
   * work volumes are sized from it.
   * @default - unknown: the schedule's `workDirSize` must be set
   */
  readonly declaredSize?: Size;
  /**
   * The UID of the image's `postgres` user, which the restore drill runs as: it starts a throwaway
   * server with initdb, which refuses a UID without a passwd entry (26 in CloudNativePG's images,
   * 999 in the official Debian-based `postgres` images, 70 in their Alpine ones).
   * @default - 999 for the official `postgres` images (70 for `-alpine` tags); other images must set it
   */
  readonly serverUid?: number;
}

/** A Redis whose master Sentinel chooses: the snapshot is taken from the master the sentinels report. */
export interface RedisSentinelSourceProps {
  /** The master set name the sentinels monitor. */
  readonly masterSet: string;
  /**
   * The Redis port of the master they report (the jobs' NetworkPolicy admits it).
   * @default 6379
   */
  readonly masterPort?: number;
}

/** Props of {@link BackupSource.redis}. */
export interface RedisBackupSourceProps {
  /** The server's host name (a Service DNS name) or IP; with `sentinel`, the sentinels'. */
  readonly host: string;
  /**
   * @default 6379
   */
  readonly port?: number;
  /**
   * `host` and `port` lead to sentinels: every run asks them for the current master
   * (`SENTINEL get-master-addr-by-name`, without a password) and snapshots it, so a failover
   * never leaves the job on a replica or a pod that is gone.
   * @default - `host` is the Redis server itself
   */
  readonly sentinel?: RedisSentinelSourceProps;
  /**
   * The Secret key holding the password (`requirepass`).
   * @default - no authentication
   */
  readonly password?: SecretKeyReference;
  /**
   * Pinned image providing redis-cli, redis-check-rdb and redis-server (e.g. `redis:7.4.6-bookworm`);
   * with client-side encryption it must also provide openssl, which the official Redis images lack.
   */
  readonly image: string;
  /**
   * The pods (or IP block) `host` leads to.
   * @default - as for PostgreSQL: derived from `host`
   */
  readonly peer?: NetworkPeer;
  /**
   * The construct serving the source (HAPostgres, RedisCache): it admits the jobs that connect to
   * it in its own NetworkPolicy. Set by those constructs' `backupSource()`.
   * @default - none: the server's NetworkPolicy must admit the jobs some other way
   */
  readonly server?: IBackupServer;
  /**
   * The most data the server may hold (RedisCache: its volume, else maxmemory): the jobs' work
   * volumes are sized from it.
   * @default - unknown: the schedule's `workDirSize` must be set
   */
  readonly declaredSize?: Size;
}

/**
 * What a BackupSchedule backs up: a PostgreSQL database (pg_dump) or a Redis server (RDB snapshot).
 * A value object, so that database constructs can hand one out.
 */
export class BackupSource {
  /** A PostgreSQL database, dumped with pg_dump in the custom format. */
  public static postgres(props: PostgresBackupSourceProps): BackupSource {
    return new BackupSource(
      'postgres',
      props.host,
      props.port ?? 5432,
      props.image,
      props.peer,
      props.database,
      props.username,
      props.password,
      props.majorVersion,
      props.server,
      undefined,
      props.declaredSize,
      props.serverUid ?? officialPostgresUid(props.image),
    );
  }

  /** A Redis server, snapshotted with `redis-cli --rdb`. */
  public static redis(props: RedisBackupSourceProps): BackupSource {
    return new BackupSource(
      'redis',
      props.host,
      props.port ?? 6379,
      props.image,
      props.peer,
      undefined,
      undefined,
      props.password,
      undefined,
      props.server,
      props.sentinel ? { masterSet: props.sentinel.masterSet, masterPort: props.sentinel.masterPort ?? 6379 } : undefined,
      props.declaredSize,
    );
  }

  private constructor(
    /** `postgres` or `redis`. */
    public readonly engine: BackupEngine,
    /** Host name or IP. */
    public readonly host: string,
    /** TCP port. */
    public readonly port: number,
    /** The dump image. */
    public readonly image: string,
    /** The explicit egress peer, if given. */
    public readonly peer: NetworkPeer | undefined,
    /** The PostgreSQL database. */
    public readonly database: string | undefined,
    /** The PostgreSQL role. */
    public readonly username: string | SecretKeyReference | undefined,
    /** The password's Secret key. */
    public readonly password: SecretKeyReference | undefined,
    /** The PostgreSQL major version the image must match. */
    public readonly majorVersion?: number,
    /** The construct serving the source, which admits the jobs. */
    public readonly server?: IBackupServer,
    /** Redis under Sentinel: the master set to ask for, and the master's port. */
    public readonly sentinel?: { readonly masterSet: string; readonly masterPort: number },
    /** The most data the server may hold, if declared. */
    public readonly declaredSize?: Size,
    /** PostgreSQL: the UID the drill's throwaway server runs as, if known. */
    public readonly serverUid?: number,
  ) {}

  public toString(): string {
    if (this.engine === 'postgres') return `postgres ${this.database}@${this.host}:${this.port}`;
    return this.sentinel
      ? `redis master '${this.sentinel.masterSet}' from the sentinels at ${this.host}:${this.port}`
      : `redis ${this.host}:${this.port}`;
  }
}

/** The `postgres` user's UID in the official Docker images (Debian 999, Alpine 70), else undefined. */
function officialPostgresUid(image: string): number | undefined {
  const m = /^(?:docker\.io\/)?(?:library\/)?postgres:([^@\s]+)/.exec(image);
  if (!m) return undefined;
  return /alpine/.test(m[1]) ? 70 : 999;
}

/** How many backups retention keeps. The newest complete backup is never deleted, whatever its age. */
export class Retention {
  /** The `backups` newest complete backups. */
  public static count(backups: number): Retention {
    return new Retention('count', backups);
  }

  /** Backups younger than `days` days (plus the newest, even if older). */
  public static days(days: number): Retention {
    return new Retention('days', days);
  }

  private constructor(
    public readonly kind: 'count' | 'days',
    public readonly value: number,
  ) {}

  public toString(): string {
    return this.kind === 'count' ? `the newest ${this.value} backups` : `${this.value} days`;
  }
}

/** Client-side encryption of dumps and manifests before upload. */
export interface ClientEncryptionProps {
  /**
   * The Secret key holding the passphrase; AES-256-CBC with a PBKDF2-derived key
   * (`openssl enc -aes-256-cbc -pbkdf2 -iter 200000`). Keep a copy outside the cluster: without it
   * no backup can be restored.
   */
  readonly key: SecretKeyReference;
}

/**
 * The restore drill: fetch the newest backup, verify its checksums, restore it into a throwaway
 * server inside the drill's own pod (PostgreSQL: initdb on the work volume; Redis: redis-server on
 * a unix socket) and compare every table with the backup's manifest. It never connects to the
 * source server.
 */
export interface RestoreDrillProps {
  /** When the drill runs (5-field cron or cdk8s `Cron`), e.g. daily at 03:00: `'0 3 * * *'`. */
  readonly schedule: CronSchedule;
  /**
   * PostgreSQL: a query run in the restored database that must return `true`, e.g.
   * `SELECT count(*) > 0 FROM users`.
   * @default - only the manifest comparison
   */
  readonly checkSql?: string;
}

/** A periodic copy of every complete backup to a second target (off-site). */
export interface OffsiteCopyProps {
  /** The second target, e.g. `BackupTarget.s3({...})`. Backups go below `<prefix>/<environment>/<name>/`. */
  readonly target: BackupTarget;
  /** When the copy runs, e.g. weekly on Sunday at 04:00: `'0 4 * * 0'`. */
  readonly schedule: CronSchedule;
  /**
   * The pods or IP block of the second target's endpoint.
   * @default - derived like `targetPeer`
   */
  readonly targetPeer?: NetworkPeer;
}

/** Job settings shared by the backup, drill and off-site jobs. */
export interface BackupJobProps {
  /**
   * Retries of a failed pod (restartPolicy is Never, so each retry is a fresh pod with fresh logs).
   * @default 2
   */
  readonly backoffLimit?: number;
  /**
   * The longest a job may run, retries included.
   * @default Duration.hours(2)
   */
  readonly activeDeadline?: Duration;
  /**
   * How late a missed run may still start (controller downtime); later runs are skipped.
   * @default Duration.minutes(30)
   */
  readonly startingDeadline?: Duration;
  /**
   * Finished jobs kept per CronJob.
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed jobs kept per CronJob (with their pods' logs).
   * @default 3
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Deletes finished jobs after this long.
   * @default - none: the history limits decide (a TTL would also delete the failed jobs kept for debugging)
   */
  readonly ttlAfterFinished?: Duration;
}

/** Props of a {@link BackupSchedule}. */
export interface BackupScheduleProps {
  /** What to back up. */
  readonly source: BackupSource;
  /** Where backups go; they are stored below `<prefix>/<environment>/<system>-<id>/<UTC stamp>/`. */
  readonly target: BackupTarget;
  /**
   * The pods or IP block of the target's endpoint, which the jobs may reach on its port.
   * @default - AWS: public addresses (0.0.0.0/0 without the private ranges) on 443; MinIO: the
   *   namespace named in the endpoint host (`http://minio.minio:9000`), or the /32 of an IP
   */
  readonly targetPeer?: NetworkPeer;
  /** When backups run (5-field cron or cdk8s `Cron`), e.g. `'0 2 * * *'`. */
  readonly schedule: CronSchedule;
  /**
   * The time zone of every schedule (IANA name).
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  /**
   * The PriorityClass of every job (backup, restore drill, off-site copy): retried later, never
   * evicting a service.
   * @default PriorityClass.BATCH
   */
  readonly priorityClass?: PriorityClass;
  /**
   * How many backups to keep.
   * @default Retention.count(7)
   */
  readonly retention?: Retention;
  /**
   * Client-side encryption (for plans that require encrypted backups).
   * @default - none: only the target's server-side encryption
   */
  readonly encryption?: ClientEncryptionProps;
  /** The restore drill. Required: a backup that is never restored is not known to be one. */
  readonly restoreDrill: RestoreDrillProps;
  /**
   * A copy of every backup to a second target.
   * @default - none
   */
  readonly offsite?: OffsiteCopyProps;
  /**
   * Pinned image with the AWS CLI v2, sha256sum and a POSIX shell (uploads, retention, fetch, copy).
   * @default Images.AWS_CLI
   */
  readonly awsCliImage?: string;
  /**
   * Requests and limits of every container (cdk8s-plus-28 units). Required: cpu.request,
   * memory.request and memory.limit.
   */
  readonly resources: ContainerResources;
  /**
   * Size of each job's work volume (a generic ephemeral volume claim, deleted with its pod) holding
   * the dump, the per-table split and sort while a manifest is computed, and in the drill the
   * restored database: at least the source's declared size.
   * @default - three times the source's declared size (the dump, the restored database, and the
   *   largest table's split and sort, each at most the data's size)
   */
  readonly workDirSize?: Size;
  /**
   * The StorageClass of the work volumes.
   * @default - the cluster's default class
   */
  readonly workStorageClass?: StorageClass;
  /**
   * Job settings.
   * @default - see BackupJobProps
   */
  readonly jobs?: BackupJobProps;
}
