import { Duration, Size } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackupTarget, SecretKeyReference } from './backup-target';
import { isDnsLabel, recommendedLabels, resourceName, selectorLabels, toLabelValue } from '../core/conventions';
import { Environment } from '../core/environment';
import { NetworkPeer } from '../core/network-peer';
import {
  BackupEngine, fetchScript, offsiteSyncScript, postgresDumpScript, postgresVerifyScript, pruneScript, redisDumpScript, redisVerifyScript,
  uploadScript,
} from './backup-scripts';
import { checkCron, CronSchedule } from '../core/cron';
import { imagePinningProblem, parseImage } from '../core/image';
import { Images } from '../core/images';
import { dnsEgressRule } from '../core/network';
import { checkResources, renderResources } from '../core/resources';
import { DEFAULT_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { goDuration, wholeSeconds } from '../core/units';
import { Violations } from '../core/validation';
import { SystemChart } from '../core/system-chart';

/** A server that backup jobs connect to, and that admits them in its NetworkPolicy. */
export interface IBackupServer {
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
}

/** Props of {@link BackupSource.redis}. */
export interface RedisBackupSourceProps {
  /** The server's host name (a Service DNS name) or IP: a replica keeps the snapshot load off the primary. */
  readonly host: string;
  /**
   * @default 6379
   */
  readonly port?: number;
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
}

/**
 * What a BackupSchedule backs up: a PostgreSQL database (pg_dump) or a Redis server (RDB snapshot).
 * A value object, so that database constructs can hand one out.
 */
export class BackupSource {
  /** A PostgreSQL database, dumped with pg_dump in the custom format. */
  public static postgres(props: PostgresBackupSourceProps): BackupSource {
    return new BackupSource('postgres', props.host, props.port ?? 5432, props.image, props.peer, props.database, props.username,
      props.password, props.majorVersion, props.server);
  }

  /** A Redis server, snapshotted with `redis-cli --rdb`. */
  public static redis(props: RedisBackupSourceProps): BackupSource {
    return new BackupSource('redis', props.host, props.port ?? 6379, props.image, props.peer, undefined, undefined, props.password, undefined,
      props.server);
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
  ) {}

  public toString(): string {
    return this.engine === 'postgres' ? `postgres ${this.database}@${this.host}:${this.port}` : `redis ${this.host}:${this.port}`;
  }
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

  private constructor(public readonly kind: 'count' | 'days', public readonly value: number) {}

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

/** The restore drill: fetch the newest backup, verify its checksums, restore it and compare. */
export interface RestoreDrillProps {
  /** When the drill runs (5-field cron or cdk8s `Cron`), e.g. daily at 03:00: `'0 3 * * *'`. */
  readonly schedule: CronSchedule;
  /**
   * PostgreSQL: the scratch database restored into on the source server (dropped and recreated by
   * every drill; the role needs CREATEDB). Must differ from the source database.
   * @default '<database>_restore_drill'
   */
  readonly scratchDatabase?: string;
  /**
   * PostgreSQL: the database dropdb/createdb connect to.
   * @default 'postgres'
   */
  readonly maintenanceDatabase?: string;
  /**
   * PostgreSQL: a query run in the restored database that must return `true`, e.g.
   * `SELECT count(*) > 0 FROM users`.
   * @default - only the manifest comparison
   */
  readonly checkSql?: string;
  /**
   * PostgreSQL: leave the scratch database in place after a passed drill, for inspection.
   * @default false
   */
  readonly keepScratchDatabase?: boolean;
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
   * Size limit of the work directory (an emptyDir holding the dump, its per-table split while the
   * manifest is computed, and the restore's copy): allow about three times the dump's size.
   * @default Size.gibibytes(8)
   */
  readonly workDirSize?: Size;
  /**
   * Job settings.
   * @default - see BackupJobProps
   */
  readonly jobs?: BackupJobProps;
}

/** Job settings with defaults applied. */
interface ResolvedJobs {
  readonly backoffLimit: number;
  readonly activeDeadline: Duration;
  readonly startingDeadline: Duration;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
  readonly ttlAfterFinished: Duration | undefined;
}

/** One container of a job: which image, which script, which environment. */
interface JobContainer {
  readonly name: string;
  readonly image: string;
  readonly script: string;
  readonly env: k8s.EnvVar[];
}

const WORK_DIR = '/work';
const SCRIPTS_DIR = '/scripts';
const MAX_CRONJOB_NAME = 52;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Logical backups of a PostgreSQL database (pg_dump) or a Redis server (RDB snapshot) as CronJobs:
 * - `<system>-<id>-backup`: dump and write a manifest (per-table row counts and content checksums
 *   computed from the dump) → optional client-side encryption → SHA256SUMS → upload → retention;
 * - `<system>-<id>-restore-drill`: fetch the newest complete backup → verify its checksums →
 *   restore it into a scratch database → compare with the manifest; exits non-zero on any difference;
 * - `<system>-<id>-offsite-sync` (optional): copy complete backups to a second target.
 *
 * The scripts live in one ConfigMap (`<system>-<id>-backup-scripts`), mounted read-only: the YAML
 * stays readable and reviewable as shell, and the tests run exactly that text. Each step is its
 * own container (init containers run in order), so the database image needs no AWS CLI and the
 * AWS CLI image no database tools, and `kubectl logs -c <step>` shows one step's output.
 */
export class BackupSchedule extends Construct {
  /** `<system>-<id>`: the prefix of every object name. */
  public readonly name: string;
  /** The system chart. */
  public readonly chart: SystemChart;
  /** The namespace. */
  public readonly namespace: string;
  /** The environment. */
  public readonly environment: Environment;
  /** What is backed up. */
  public readonly source: BackupSource;
  /** Where backups are stored (the given target below `<environment>/<name>`). */
  public readonly target: BackupTarget;
  /** The off-site copy's target (below `<environment>/<name>`), if any. */
  public readonly offsiteTarget: BackupTarget | undefined;
  /** The backup CronJob's name. */
  public readonly backupJobName: string;
  /** The restore drill CronJob's name. */
  public readonly restoreDrillJobName: string;
  /** The off-site copy CronJob's name, if any. */
  public readonly offsiteJobName: string | undefined;
  /** The ConfigMap holding the scripts. */
  public readonly scriptsConfigMapName: string;
  /** The backup schedule as a 5-field cron expression. */
  public readonly schedule: string;
  /** The restore drill's schedule (5-field). */
  public readonly restoreDrillSchedule: string;
  /** The off-site copy's schedule (5-field), if any. */
  public readonly offsiteSchedule: string | undefined;
  /** The time zone of every schedule. */
  public readonly timeZone: string;
  /** How many backups are kept. */
  public readonly retention: Retention;
  /** Whether backups are encrypted client-side. */
  public readonly encrypted: boolean;
  /** The AWS CLI image. */
  public readonly awsCliImage: string;
  /** app.kubernetes.io/version of every object (the source image's tag). */
  public readonly version: string;

  private readonly violations: Violations;
  private readonly jobs: ResolvedJobs;
  private readonly resources: ContainerResources;
  private readonly workDirSize: Size;
  private readonly encryptionKey: SecretKeyReference | undefined;
  private sourceEgressRule: k8s.NetworkPolicyEgressRule | undefined;
  private readonly drill: Required<Omit<RestoreDrillProps, 'schedule' | 'checkSql'>> & { readonly checkSql?: string };

  constructor(scope: Construct, id: string, props: BackupScheduleProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.namespace = this.chart.namespaceName;
    this.environment = this.chart.environment;
    this.name = resourceName(this.chart.system, id);
    this.source = props.source;
    this.violations = new Violations(this);
    const v = this.violations;

    this.backupJobName = `${this.name}-backup`;
    this.restoreDrillJobName = `${this.name}-restore-drill`;
    this.offsiteJobName = props.offsite ? `${this.name}-offsite-sync` : undefined;
    this.scriptsConfigMapName = `${this.name}-backup-scripts`;
    this.validateNames(id);

    this.schedule = this.resolveSchedule('schedule', props.schedule);
    this.restoreDrillSchedule = this.resolveSchedule('restoreDrill.schedule', props.restoreDrill?.schedule);
    this.offsiteSchedule = props.offsite ? this.resolveSchedule('offsite.schedule', props.offsite.schedule) : undefined;
    this.timeZone = props.timeZone ?? 'Etc/UTC';
    v.check(!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(this.timeZone), 'timeZone', this.timeZone, 'is not an IANA time zone name',
      "use e.g. 'Etc/UTC' or 'Europe/Berlin'");

    this.retention = props.retention ?? Retention.count(7);
    v.check(!Number.isInteger(this.retention.value) || this.retention.value < 1, 'retention', this.retention.toString(),
      'keeps no backup', this.retention.kind === 'count' ? 'keep at least 1 (the newest is never deleted anyway)' : 'keep at least 1 day');

    this.encryptionKey = props.encryption?.key;
    this.encrypted = this.encryptionKey !== undefined;
    if (this.encryptionKey) this.checkSecretKey('encryption.key', this.encryptionKey);

    this.awsCliImage = props.awsCliImage ?? Images.AWS_CLI;
    this.version = this.validateSource(props.source);
    const awsPinning = imagePinningProblem(this.awsCliImage);
    if (awsPinning) v.add('awsCliImage', this.awsCliImage, ...awsPinning);

    this.target = props.target.withPrefix(`${this.environment.name}/${this.name}`);
    for (const [prop, value, problem, fix] of props.target.problems()) v.add(prop.replace(/^backupTarget/, 'target'), value, problem, fix);
    this.offsiteTarget = props.offsite?.target.withPrefix(`${this.environment.name}/${this.name}`);
    if (props.offsite) {
      for (const [prop, value, problem, fix] of props.offsite.target.problems()) v.add(prop.replace(/^backupTarget/, 'offsite.target'), value, problem, fix);
      const t = this.offsiteTarget as BackupTarget;
      v.check(t.endpoint === this.target.endpoint && t.bucket === this.target.bucket && t.prefix === this.target.prefix, 'offsite.target', t.toString(),
        'is the backup target itself, so the copy protects against nothing', 'use a bucket in another location (another provider or region)');
    }

    this.drill = this.resolveDrill(props.restoreDrill ?? ({} as RestoreDrillProps));
    this.jobs = this.resolveJobs(props.jobs ?? {});
    checkResources(v, props.resources);
    this.resources = props.resources;
    this.workDirSize = props.workDirSize ?? Size.gibibytes(8);

    const targetEgress = this.storageEgress('targetPeer', props.target, props.targetPeer);
    const offsiteEgress = props.offsite ? this.storageEgress('offsite.targetPeer', props.offsite.target, props.offsite.targetPeer) : undefined;
    const sourceEgress = this.sourceEgressRule = this.sourceEgress();

    v.throwIfAny();

    const backupLabels = this.labelsFor('backup');
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.backupJobName, namespace: this.namespace, labels: backupLabels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'Scripts', {
      metadata: { name: this.scriptsConfigMapName, namespace: this.namespace, labels: backupLabels },
      data: this.scripts(),
    });

    const source = this.source;
    this.createJob('backup', this.backupJobName, this.schedule, [
      { name: 'dump', image: source.image, script: 'dump.sh', env: [...this.sourceEnv(), ...this.encryptionEnv()] },
      { name: 'upload', image: this.awsCliImage, script: 'upload.sh', env: this.s3Env(this.target) },
      { name: 'prune', image: this.awsCliImage, script: 'prune.sh', env: [...this.s3Env(this.target), this.retentionEnv()] },
    ], [sourceEgress, targetEgress]);

    this.createJob('restore-drill', this.restoreDrillJobName, this.restoreDrillSchedule, [
      { name: 'fetch', image: this.awsCliImage, script: 'fetch.sh', env: this.s3Env(this.target) },
      { name: 'verify', image: source.image, script: 'verify.sh', env: [...this.drillEnv(), ...this.encryptionEnv()] },
    ], source.engine === 'postgres' ? [sourceEgress, targetEgress] : [targetEgress]);

    if (this.offsiteTarget && this.offsiteJobName && this.offsiteSchedule && offsiteEgress) {
      this.createJob('offsite-sync', this.offsiteJobName, this.offsiteSchedule, [
        { name: 'sync', image: this.awsCliImage, script: 'offsite-sync.sh', env: [...this.s3Env(this.target), ...this.s3Env(this.offsiteTarget, 'OFFSITE_')] },
      ], [targetEgress, offsiteEgress]);
    }
  }

  private validateNames(id: string): void {
    const longest = this.offsiteJobName && this.offsiteJobName.length > this.restoreDrillJobName.length ? this.offsiteJobName : this.restoreDrillJobName;
    this.violations.check(!isDnsLabel(id) || !isDnsLabel(longest, MAX_CRONJOB_NAME), 'id', id,
      `gives the CronJob name '${longest}', which is not a DNS label of at most ${MAX_CRONJOB_NAME} characters (Kubernetes appends a suffix to job names)`,
      'use a short lowercase id of letters, digits and dashes');
  }

  private resolveSchedule(prop: string, schedule: CronSchedule | undefined): string {
    if (schedule === undefined) {
      this.violations.add(prop, undefined, 'is missing', "set a 5-field cron schedule, e.g. '0 3 * * *' (daily at 03:00)");
      return '';
    }
    const checked = checkCron(schedule);
    if (checked.error !== undefined) {
      this.violations.add(prop, typeof schedule === 'string' ? schedule : schedule.expressionString, checked.error,
        "use 5 fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'");
      return '';
    }
    return checked.expression;
  }

  /** Checks the source; returns the version label (the image tag). */
  private validateSource(source: BackupSource): string {
    const v = this.violations;
    const pinning = imagePinningProblem(source.image);
    if (pinning) v.add('source.image', source.image, ...pinning);
    v.check(!Number.isInteger(source.port) || source.port < 1 || source.port > 65535, 'source.port', source.port, 'is not a port number (1–65535)',
      'use the port the server listens on');
    v.check(source.host.trim() === '' || /\s/.test(source.host), 'source.host', source.host, 'is not a host name', "use the server's Service DNS name");
    if (source.engine === 'postgres') {
      v.check(!source.database, 'source.database', source.database, 'is empty', 'name the database to dump');
      if (typeof source.username === 'string') {
        v.check(source.username.trim() === '', 'source.username', source.username, 'is empty', 'name the role to dump as');
      } else if (source.username) {
        this.checkSecretKey('source.username', source.username);
      }
      if (source.password) this.checkSecretKey('source.password', source.password);
      const tag = parseImage(source.image).tag;
      const major = Number(/^(\d+)/.exec(tag ?? '')?.[1]);
      if (source.majorVersion !== undefined) {
        // pg_dump refuses a newer server; an older server's dump restores, but then the drill
        // would test other tools than production's restore would use.
        v.check(major !== source.majorVersion, 'source.image', source.image,
          `is not PostgreSQL ${source.majorVersion}, the server's major version (pg_dump cannot dump a newer server)`,
          `use the server's major version, e.g. 'postgres:${source.majorVersion}.x-bookworm'`);
      }
    } else if (source.password) {
      this.checkSecretKey('source.password', source.password);
    }
    const ref = parseImage(source.image);
    return toLabelValue(ref.tag ?? (ref.digest ?? 'unknown').replace(/^sha256:/, '').slice(0, 12)) || 'unknown';
  }

  private checkSecretKey(prop: string, ref: SecretKeyReference): void {
    this.violations.check(ref.name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref.name), `${prop}.name`, ref.name,
      'is not a Secret name', 'use the name of a Secret in the same namespace');
    this.violations.check(!/^[-._a-zA-Z0-9]+$/.test(ref.key), `${prop}.key`, ref.key, 'is not a Secret key', 'use letters, digits, dashes, dots and underscores');
  }

  private resolveDrill(props: RestoreDrillProps): BackupSchedule['drill'] {
    const v = this.violations;
    const database = this.source.database ?? '';
    const drill = {
      scratchDatabase: props.scratchDatabase ?? `${database}_restore_drill`.slice(0, 63),
      maintenanceDatabase: props.maintenanceDatabase ?? 'postgres',
      keepScratchDatabase: props.keepScratchDatabase ?? false,
      checkSql: props.checkSql,
    };
    if (this.source.engine === 'postgres') {
      v.check(!IDENTIFIER.test(drill.scratchDatabase), 'restoreDrill.scratchDatabase', drill.scratchDatabase, 'is not a plain lowercase identifier',
        "use lowercase letters, digits and underscores, e.g. 'app_restore_drill'");
      // The drill drops and recreates its scratch database: pointed at a real one, it destroys it.
      for (const [what, name] of [['source.database', database], ['restoreDrill.maintenanceDatabase', drill.maintenanceDatabase]] as const) {
        v.check(drill.scratchDatabase === name, 'restoreDrill.scratchDatabase', drill.scratchDatabase,
          `is ${what}, which every drill would drop`, 'use a database name of its own, e.g. the default <database>_restore_drill');
      }
      v.check(drill.checkSql !== undefined && drill.checkSql.trim() === '', 'restoreDrill.checkSql', drill.checkSql, 'is empty',
        "remove it or give a query returning true, e.g. 'SELECT count(*) > 0 FROM users'");
    } else {
      for (const prop of ['scratchDatabase', 'maintenanceDatabase', 'checkSql', 'keepScratchDatabase'] as const) {
        v.check(props[prop] !== undefined, `restoreDrill.${prop}`, props[prop], 'applies to PostgreSQL only; a Redis drill loads the snapshot into a throwaway in-pod server',
          `remove restoreDrill.${prop}`);
      }
    }
    return drill;
  }

  private resolveJobs(props: BackupJobProps): ResolvedJobs {
    const v = this.violations;
    const jobs: ResolvedJobs = {
      backoffLimit: props.backoffLimit ?? 2,
      activeDeadline: props.activeDeadline ?? Duration.hours(2),
      startingDeadline: props.startingDeadline ?? Duration.minutes(30),
      successfulJobsHistoryLimit: props.successfulJobsHistoryLimit ?? 3,
      failedJobsHistoryLimit: props.failedJobsHistoryLimit ?? 3,
      ttlAfterFinished: props.ttlAfterFinished,
    };
    for (const prop of ['backoffLimit', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
      v.check(!Number.isInteger(jobs[prop]) || jobs[prop] < 0, `jobs.${prop}`, jobs[prop], 'is not a non-negative integer', 'use e.g. 3');
    }
    v.check(jobs.failedJobsHistoryLimit === 0, 'jobs.failedJobsHistoryLimit', 0, 'keeps no failed job, so a failed backup leaves no logs to debug',
      'keep at least 1');
    const deadline = wholeSeconds(jobs.activeDeadline);
    v.check(deadline === undefined || deadline < 60, 'jobs.activeDeadline', goDuration(jobs.activeDeadline), 'is not whole seconds of at least 1 minute',
      'allow the dump, upload and retries time, e.g. Duration.hours(2)');
    const starting = wholeSeconds(jobs.startingDeadline);
    // The CronJob controller checks every 10 s; a shorter deadline can skip runs for no reason.
    v.check(starting === undefined || starting < 10, 'jobs.startingDeadline', goDuration(jobs.startingDeadline), 'is not whole seconds of at least 10 s',
      'use e.g. Duration.minutes(30)');
    if (jobs.ttlAfterFinished) {
      const ttl = wholeSeconds(jobs.ttlAfterFinished);
      v.check(ttl === undefined || ttl < 0, 'jobs.ttlAfterFinished', goDuration(jobs.ttlAfterFinished), 'is not whole seconds', 'use whole seconds, e.g. Duration.days(3)');
    }
    return jobs;
  }

  /** The egress rule to an object store: the given peer, or one derived from the endpoint. */
  private storageEgress(prop: string, target: BackupTarget, peer: NetworkPeer | undefined): k8s.NetworkPolicyEgressRule {
    let url: URL | undefined;
    try {
      url = new URL(target.endpoint);
    } catch {
      url = undefined; // target.problems() reports the endpoint
    }
    const port = url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : 443;
    let resolved = peer;
    if (!resolved && url) {
      resolved = target.provider === 'aws' ? NetworkPeer.publicInternet() : this.peerOfHost(url.hostname);
      if (!resolved) {
        this.violations.add(prop, undefined, `cannot be derived from the endpoint ${target.endpoint}, whose host names no namespace`,
          'set it, e.g. NetworkPeer.namespace(\'minio\') or NetworkPeer.cidr(\'203.0.113.10/32\')');
      }
    }
    return { to: resolved ? [resolved._toKube()] : [], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }] };
  }

  private sourceEgress(): k8s.NetworkPolicyEgressRule {
    const peer = this.source.peer ?? this.peerOfHost(this.source.host) ?? NetworkPeer.namespace(this.namespace);
    return { to: [peer._toKube()], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(this.source.port) }] };
  }

  /** `svc.ns[.svc[.cluster.local]]` → namespace ns; an IPv4 address → its /32; a bare name → undefined. */
  private peerOfHost(host: string): NetworkPeer | undefined {
    if (IPV4.test(host)) return NetworkPeer.cidr(`${host}/32`);
    const labels = host.split('.');
    if (labels.length === 2 || (labels.length >= 3 && labels[2] === 'svc')) return NetworkPeer.namespace(labels[1]);
    return undefined;
  }

  private labelsFor(job: string): Record<string, string> {
    return recommendedLabels({ system: this.chart.system, component: `${this.node.id}-${job}`, environment: this.environment.name, version: this.version });
  }

  private scripts(): Record<string, string> {
    const postgres = this.source.engine === 'postgres';
    const scripts: Record<string, string> = {
      'dump.sh': postgres ? postgresDumpScript(this.encrypted) : redisDumpScript(this.encrypted),
      'upload.sh': uploadScript(),
      'prune.sh': pruneScript(),
      'fetch.sh': fetchScript(),
      'verify.sh': postgres ? postgresVerifyScript(this.encrypted) : redisVerifyScript(this.encrypted),
    };
    if (this.offsiteTarget) scripts['offsite-sync.sh'] = offsiteSyncScript();
    return scripts;
  }

  private commonEnv(): k8s.EnvVar[] {
    // HOME and TMPDIR on the writable /tmp: the root filesystem is read-only.
    return [{ name: 'WORK_DIR', value: WORK_DIR }, { name: 'HOME', value: '/tmp' }, { name: 'TMPDIR', value: '/tmp' }];
  }

  private s3Env(target: BackupTarget, prefix = ''): k8s.EnvVar[] {
    const env: k8s.EnvVar[] = [
      { name: `${prefix}S3_ENDPOINT`, value: target.endpoint },
      { name: `${prefix}S3_BUCKET`, value: target.bucket },
      { name: `${prefix}S3_PREFIX`, value: target.prefix },
      { name: `${prefix}AWS_DEFAULT_REGION`, value: target.region },
    ];
    if (target.encryptionHeader) env.push({ name: `${prefix}S3_SSE`, value: target.encryptionHeader });
    if (target.kmsKeyId) env.push({ name: `${prefix}S3_SSE_KMS_KEY_ID`, value: target.kmsKeyId });
    env.push(secretEnv(`${prefix}AWS_ACCESS_KEY_ID`, target.accessKeyId), secretEnv(`${prefix}AWS_SECRET_ACCESS_KEY`, target.secretAccessKey));
    // No instance-metadata probing: credentials come from the Secret only.
    if (!prefix) env.push({ name: 'AWS_EC2_METADATA_DISABLED', value: 'true' });
    return env;
  }

  private sourceEnv(): k8s.EnvVar[] {
    const s = this.source;
    if (s.engine === 'redis') {
      const env: k8s.EnvVar[] = [{ name: 'REDIS_HOST', value: s.host }, { name: 'REDIS_PORT', value: String(s.port) }];
      if (s.password) env.push(secretEnv('REDISCLI_AUTH', s.password));
      return env;
    }
    return this.postgresEnv(s.database as string);
  }

  private postgresEnv(database: string): k8s.EnvVar[] {
    const s = this.source;
    return [
      { name: 'PGHOST', value: s.host },
      { name: 'PGPORT', value: String(s.port) },
      { name: 'PGDATABASE', value: database },
      typeof s.username === 'string' ? { name: 'PGUSER', value: s.username } : secretEnv('PGUSER', s.username as SecretKeyReference),
      secretEnv('PGPASSWORD', s.password as SecretKeyReference),
      { name: 'PGCONNECT_TIMEOUT', value: '10' },
    ];
  }

  private drillEnv(): k8s.EnvVar[] {
    if (this.source.engine === 'redis') return [];
    const env = [
      ...this.postgresEnv(this.drill.maintenanceDatabase),
      { name: 'SCRATCH_DATABASE', value: this.drill.scratchDatabase },
      { name: 'KEEP_SCRATCH_DATABASE', value: String(this.drill.keepScratchDatabase) },
    ];
    if (this.drill.checkSql) env.push({ name: 'DRILL_CHECK_SQL', value: this.drill.checkSql });
    return env;
  }

  private encryptionEnv(): k8s.EnvVar[] {
    return this.encryptionKey ? [secretEnv('BACKUP_ENCRYPTION_KEY', this.encryptionKey)] : [];
  }

  private retentionEnv(): k8s.EnvVar {
    return { name: this.retention.kind === 'count' ? 'RETENTION_COUNT' : 'RETENTION_DAYS', value: String(this.retention.value) };
  }

  private createJob(job: string, name: string, schedule: string, steps: JobContainer[], egress: k8s.NetworkPolicyEgressRule[]): void {
    const labels = this.labelsFor(job);
    const selector = selectorLabels({ system: this.chart.system, component: `${this.node.id}-${job}`, environment: this.environment.name });
    // A job that reaches the source asks the server to admit it (both sides of the connection).
    if (this.source.server && this.sourceEgressRule && egress.includes(this.sourceEgressRule)) {
      this.source.server.admitBackupJob(NetworkPeer.podsInNamespace(this.namespace, selector));
    }
    const metadata = { name, namespace: this.namespace, labels };
    const container = (step: JobContainer): k8s.Container => ({
      name: step.name,
      image: step.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/sh', `${SCRIPTS_DIR}/${step.script}`],
      env: [...this.commonEnv(), ...step.env],
      resources: renderResources(this.resources),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'work', mountPath: WORK_DIR },
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
      ],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    // Steps run in order as init containers; the last is the pod's one container.
    const init = steps.slice(0, -1).map(container);
    const main = container(steps[steps.length - 1]);
    new k8s.KubeCronJob(this, `${job}-CronJob`, {
      metadata,
      spec: {
        schedule,
        timeZone: this.timeZone,
        // Two dumps at once double the load, and two prunes could race over the same sets.
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: wholeSeconds(this.jobs.startingDeadline),
        successfulJobsHistoryLimit: this.jobs.successfulJobsHistoryLimit,
        failedJobsHistoryLimit: this.jobs.failedJobsHistoryLimit,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: this.jobs.backoffLimit,
            activeDeadlineSeconds: wholeSeconds(this.jobs.activeDeadline),
            ttlSecondsAfterFinished: this.jobs.ttlAfterFinished ? wholeSeconds(this.jobs.ttlAfterFinished) : undefined,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: this.backupJobName,
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                // A failed pod is retried as a new pod (backoffLimit), keeping the failed one's logs.
                restartPolicy: 'Never',
                securityContext: restrictedPodSecurityContext({ runAsUser: DEFAULT_UID, runAsGroup: DEFAULT_UID, fsGroup: DEFAULT_UID }),
                initContainers: init.length > 0 ? init : undefined,
                containers: [main],
                volumes: [
                  { name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString(this.workDirSize.asString()) } },
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
                  { name: 'scripts', configMap: { name: this.scriptsConfigMapName, defaultMode: 0o444 } },
                ],
              },
            },
          },
        },
      },
    });
    new k8s.KubeNetworkPolicy(this, `${job}-NetworkPolicy`, {
      metadata,
      spec: {
        podSelector: { matchLabels: selector },
        // Nothing connects to a backup job; it reaches DNS, its database and its object stores only.
        policyTypes: ['Ingress', 'Egress'],
        egress: [dnsEgressRule(), ...egress],
      },
    });
  }
}

function secretEnv(name: string, ref: SecretKeyReference): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

