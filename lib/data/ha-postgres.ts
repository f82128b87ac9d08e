import { Duration, Lazy, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ObjectStore } from '../../imports/barman-objectstore-barmancloud.cnpg.io';
import { Cluster, ClusterSpecPrimaryUpdateMethod, ClusterSpecPrimaryUpdateStrategy } from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import { Pooler, PoolerSpecPgbouncerPoolMode, PoolerSpecType } from '../../imports/cnpg-pooler-postgresql.cnpg.io';
import { ScheduledBackup, ScheduledBackupSpecBackupOwnerReference, ScheduledBackupSpecMethod, ScheduledBackupSpecTarget } from '../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { PodMonitor } from '../../imports/prometheus-podmonitor-monitoring.coreos.com';
import { BackupSource, IBackupServer } from './backup-schedule';
import { BackupTarget, ServerSideEncryption } from './backup-target';
import { Annotations, isDnsLabel, NAMESPACE_NAME_LABEL, recommendedLabels, resourceName } from '../core/conventions';
import { EnvValue } from '../core/env-value';
import { Environment } from '../core/environment';
import { NetworkPeer } from '../core/network-peer';
import { checkCron, CronSchedule, toSecondsFirst } from '../core/cron';
import { imagePinningProblem, parseImage } from '../core/image';
import { Images } from '../core/images';
import { tcpPort as tcp } from '../core/network';
import { checkResources, renderResources } from '../core/resources';
import { goDuration, seconds, sizeBytes, wholeSeconds } from '../core/units';
import { Violations } from '../core/validation';
import type { ReliableService } from '../workload/reliable-service';
import { SystemChart } from '../core/system-chart';

/** The PostgreSQL port. */
const POSTGRES_PORT = 5432;
/** The CNPG instance manager's status port, which the operator polls. */
const INSTANCE_MANAGER_PORT = 8000;
/** The CNPG metrics exporter port (instances and poolers). */
const METRICS_PORT = 9187;
/** The PgBouncer exporter port of CNPG poolers. */
const POOLER_METRICS_PORT = 9127;
/** Connections PostgreSQL keeps for superusers (`superuser_reserved_connections`, CNPG default 3). */
const SUPERUSER_RESERVED = 3;
const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';
const RETENTION = /^[1-9][0-9]*[dwm]$/;

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
   * Storage class.
   * @default - the cluster's default class
   */
  readonly storageClass?: string;
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

/** A registered client, for the connection budget. */
interface DatabaseClient {
  readonly service: ReliableService;
  readonly poolSizePerPod: number;
  readonly via: ConnectionRoute;
}

/** Resolved backup settings. */
interface ResolvedBackup {
  readonly target: BackupTarget;
  readonly retention: string;
  readonly schedule: string;
  readonly method: PostgresBackupMethod;
  readonly walCompression: WalCompression;
  readonly dataCompression: DataCompression;
  readonly encryption: ServerSideEncryption;
  readonly maxParallel: number;
  readonly immediate: boolean;
  readonly archiveTimeout: Duration;
  readonly rpo: Duration | undefined;
}

/** Resolved pooler settings. */
interface ResolvedPooler {
  readonly instances: number;
  readonly poolMode: PoolMode;
  readonly defaultPoolSize: number;
  readonly maxClientConnections: number;
  readonly readOnly: boolean;
  readonly parameters: Readonly<Record<string, string>>;
  readonly resources: ContainerResources;
  readonly image: string;
}

/**
 * A highly available PostgreSQL cluster on CloudNativePG (postgresql.cnpg.io/v1): primary plus
 * streaming standbys spread across nodes, continuous WAL archiving and base backups to an object
 * store (Barman Cloud plugin by default), PgBouncer pooling, PodMonitors, a NetworkPolicy, and a
 * connection budget checked against its clients' pools.
 *
 * It is a data component: Flux applies it (with the namespace) before the system's apps and
 * waits for the Cluster to be Ready; its stateful objects are never pruned.
 */
export class HAPostgres extends Construct implements IBackupServer {
  /** The cluster's name, `<system>-<id>`: also the prefix of CNPG's Services (`-rw`, `-ro`, `-r`). */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The environment. */
  public readonly environment: Environment;
  /** The operand image. */
  public readonly image: string;
  /** PostgreSQL's major version, from the image tag (pin dump/restore tools to it). */
  public readonly majorVersion: number | undefined;
  /** Instances (primary + standbys). */
  public readonly instances: number;
  /** max_connections. */
  public readonly maxConnections: number;
  /** The application database. */
  public readonly database: string;
  /** Its owner. */
  public readonly owner: string;
  /** The Secret with the owner's credentials (`username`, `password`). */
  public readonly appSecretName: string;
  /** The primary's Service (`<name>-rw`). */
  public readonly primaryServiceName: string;
  /** The read-write pooler's Service, when there is a pooler. */
  public readonly poolerServiceName: string | undefined;
  /** Labels of every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Resolved continuous-backup settings, if any. */
  public readonly backup: Readonly<ResolvedBackup> | undefined;
  /** Resolved pooler settings, if any. */
  public readonly pooler: Readonly<ResolvedPooler> | undefined;

  private readonly chart: SystemChart;
  private readonly clients: DatabaseClient[] = [];
  private readonly backupJobs: NetworkPeer[] = [];
  private restoreDrills = false;
  private readonly violations: Violations;

  constructor(scope: Construct, id: string, props: HAPostgresProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.namespace = this.chart.namespaceName;
    this.environment = this.chart.environment;
    this.name = resourceName(this.chart.system, id);
    this.image = props.image;
    this.database = props.database;
    this.owner = props.owner;
    this.appSecretName = props.credentialsSecret ?? `${this.name}-app`;
    this.primaryServiceName = `${this.name}-rw`;
    const v = this.violations = new Violations(this);

    // Cluster names become Service names with suffixes up to `-pooler-rw` (10 characters).
    v.check(!isDnsLabel(id) || !isDnsLabel(this.name, 50), 'id', id, `gives the cluster name '${this.name}', which is not a DNS label of at most 50 characters`,
      'use a short lowercase id; CNPG appends suffixes such as -pooler-rw');
    const pinning = imagePinningProblem(props.image);
    if (pinning) v.add('image', props.image, ...pinning);
    const major = Number(/^(\d+)/.exec(parseImage(props.image).tag ?? '')?.[1]);
    this.majorVersion = Number.isInteger(major) && major > 0 ? major : undefined;

    const singleInstance = props.singleInstance ?? false;
    this.instances = props.instances ?? (singleInstance ? 1 : 2);
    if (!v.check(!Number.isInteger(this.instances) || this.instances < 1, 'instances', this.instances, 'is not a positive integer', 'use 2 or more')) {
      v.check(this.instances < 2 && !singleInstance, 'instances', this.instances, 'has no standby: a node failure loses the database until the volume returns',
        'use at least 2 instances, or set singleInstance: true to accept it explicitly');
      v.check(singleInstance && this.instances !== 1, 'singleInstance', `instances ${this.instances}`, 'contradicts instances', 'remove singleInstance, or set instances to 1');
    }
    this.maxConnections = props.maxConnections ?? 100;
    v.check(!Number.isInteger(this.maxConnections) || this.maxConnections <= SUPERUSER_RESERVED + this.instances, 'maxConnections', this.maxConnections,
      `leaves no connections after the ${SUPERUSER_RESERVED} reserved for superusers and ${this.instances - 1} for replication`, 'use e.g. 100 or more');
    v.check(props.parameters?.max_connections !== undefined, 'parameters.max_connections', props.parameters?.max_connections,
      'bypasses the connection budget', 'use the maxConnections prop');
    for (const [prop, value] of [['database', props.database], ['owner', props.owner]] as const) {
      v.check(!/^[a-z_][a-z0-9_]{0,62}$/.test(value), prop, value, 'is not a plain PostgreSQL identifier', 'use lowercase letters, digits and underscores');
    }
    this.validateStorage('storage', props.storage);
    if (props.walStorage) this.validateStorage('walStorage', props.walStorage);
    checkResources(v, props.resources);
    this.backup = props.backup ? this.resolveBackup(props.backup) : undefined;
    this.pooler = props.pooler ? this.resolvePooler(props.pooler) : undefined;
    this.poolerServiceName = this.pooler ? `${this.name}-pooler-rw` : undefined;
    v.throwIfAny();

    // The budget depends on clients added after construction, and the archive path on clusters
    // created later: check both at synthesis.
    this.node.addValidation({ validate: () => [...this.connectionBudgetProblems(), ...this.sharedArchiveProblems()] });

    this.labels = recommendedLabels({ system: this.chart.system, component: id, environment: this.environment.name, version: this.majorVersion ? String(this.majorVersion) : undefined });
    const objectStoreName = this.name;
    this.createCluster(props, objectStoreName);
    if (this.backup) {
      if (this.backup.method === PostgresBackupMethod.BARMAN_CLOUD_PLUGIN) this.createObjectStore(objectStoreName, this.backup);
      this.createScheduledBackup(this.backup);
    }
    new PodMonitor(this, 'PodMonitor', {
      metadata: this.metadata(this.name),
      spec: {
        selector: { matchLabels: { 'cnpg.io/cluster': this.name, 'cnpg.io/podRole': 'instance' } },
        podMetricsEndpoints: [{ port: 'metrics' }],
      },
    });
    if (this.pooler) this.createPoolers(this.pooler);
    this.createNetworkPolicy(props);

    this.chart.addDataComponent(this, {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      current: "has(status.conditions) && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
    });
  }

  /**
   * Connects `service` to the database: adds its connection settings as environment variables
   * (user and password from the CNPG Secret), opens the NetworkPolicies both ways, and counts
   * `poolSizePerPod × maxReplicas` against the connection budget.
   */
  public addClient(service: ReliableService, props: DatabaseClientProps): void {
    const v = new Violations(this);
    const via = props.via ?? (this.pooler ? ConnectionRoute.POOLER : ConnectionRoute.PRIMARY);
    v.check(!Number.isInteger(props.poolSizePerPod) || props.poolSizePerPod < 1, 'addClient.poolSizePerPod', props.poolSizePerPod,
      `is not a positive integer (client ${service.name})`, "use the client's maximum open connections per pod");
    v.check(via === ConnectionRoute.POOLER && !this.pooler, 'addClient.via', via, `needs a pooler (client ${service.name})`, 'add the pooler prop or connect via ConnectionRoute.PRIMARY');
    v.check(service.environment !== this.environment, 'addClient', service.node.path, `is in environment '${service.environment.name}', not '${this.environment.name}'`,
      'connect services of the same environment');
    v.check(this.clients.some((c) => c.service === service), 'addClient', service.name, 'is already a client', 'add each service once');
    v.throwIfAny();
    this.clients.push({ service, poolSizePerPod: props.poolSizePerPod, via });

    const prefix = props.envPrefix ?? 'DB_';
    service.addEnv(`${prefix}HOST`, EnvValue.literal(`${via === ConnectionRoute.POOLER ? this.poolerServiceName : this.primaryServiceName}.${this.namespace}.svc`));
    service.addEnv(`${prefix}PORT`, EnvValue.literal(String(POSTGRES_PORT)));
    service.addEnv(`${prefix}NAME`, EnvValue.literal(this.database));
    service.addEnv(`${prefix}USER`, EnvValue.fromSecret(this.appSecretName, 'username'));
    service.addEnv(`${prefix}PASSWORD`, EnvValue.fromSecret(this.appSecretName, 'password'));
    const selector: Record<string, string> = via === ConnectionRoute.POOLER ? { 'cnpg.io/poolerName': this.poolerServiceName as string } : { 'cnpg.io/cluster': this.name };
    service.addDependency({ to: NetworkPeer.podsInNamespace(this.namespace, selector), ports: [POSTGRES_PORT] });
  }

  /**
   * The database as a BackupSchedule source: pg_dump of the application database from the primary
   * (a long dump on a standby can be cancelled by replication conflicts), as the owner, with the
   * cluster's own image, whose pg_dump has the server's major version.
   */
  public backupSource(): BackupSource {
    // BackupSchedule's restore drill restores into a scratch database on this server, so the owner
    // needs CREATEDB (granted through CNPG's managed roles; its password stays as bootstrapped).
    this.restoreDrills = true;
    return BackupSource.postgres({
      host: `${this.primaryServiceName}.${this.namespace}.svc`,
      database: this.database,
      username: { name: this.appSecretName, key: 'username' },
      password: { name: this.appSecretName, key: 'password' },
      image: this.image,
      majorVersion: this.majorVersion,
      peer: NetworkPeer.podsInNamespace(this.namespace, { 'cnpg.io/cluster': this.name }),
      server: this,
    });
  }

  /** Admits a backup job's pods on the PostgreSQL port (called by BackupSchedule). */
  public admitBackupJob(peer: NetworkPeer): void {
    this.backupJobs.push(peer);
  }

  /** The registered clients, as `{ name, poolSizePerPod, maxReplicas, via }` (a copy). */
  public get clientList(): Array<{ name: string; poolSizePerPod: number; maxReplicas: number; via: ConnectionRoute }> {
    return this.clients.map((c) => ({ name: c.service.name, poolSizePerPod: c.poolSizePerPod, maxReplicas: c.service.maxReplicas, via: c.via }));
  }

  /** Connections PostgreSQL admits for applications: max_connections minus superuser and replication slots. */
  public get applicationConnections(): number {
    return this.maxConnections - SUPERUSER_RESERVED - (this.instances - 1);
  }

  private connectionBudgetProblems(): string[] {
    const problems: string[] = [];
    const demand = (route: ConnectionRoute) => this.clients.filter((c) => c.via === route);
    const describe = (clients: DatabaseClient[]) => clients.map((c) => `${c.service.name} ${c.service.maxReplicas} × ${c.poolSizePerPod}`).join(' + ');
    const sum = (clients: DatabaseClient[]) => clients.reduce((n, c) => n + c.service.maxReplicas * c.poolSizePerPod, 0);
    const direct = demand(ConnectionRoute.PRIMARY);
    const pooled = demand(ConnectionRoute.POOLER);
    // PgBouncer opens up to default_pool_size server connections per pod for the app database/user.
    const poolerServer = this.pooler ? this.pooler.instances * this.pooler.defaultPoolSize : 0;
    const available = this.applicationConnections;
    if (sum(direct) + poolerServer > available) {
      problems.push(`${this.node.path}: connection budget exceeded — ${[describe(direct), poolerServer ? `pooler ${this.pooler!.instances} × ${this.pooler!.defaultPoolSize}` : ''].filter(Boolean).join(' + ')}`
        + ` = ${sum(direct) + poolerServer} connections at maximum scale, but max_connections ${this.maxConnections} admits ${available} for applications`
        + ' — raise maxConnections, lower the pools or maxReplicas, or connect through the pooler');
    }
    if (this.pooler && sum(pooled) > this.pooler.instances * this.pooler.maxClientConnections) {
      problems.push(`${this.node.path}: pooler client budget exceeded — ${describe(pooled)} = ${sum(pooled)} client connections at maximum scale, but`
        + ` ${this.pooler.instances} PgBouncer pods × max_client_conn ${this.pooler.maxClientConnections} admit ${this.pooler.instances * this.pooler.maxClientConnections}`
        + ' — raise pooler.maxClientConnections or pooler.instances, or lower the pools');
    }
    return problems;
  }

  /**
   * Two clusters archiving WAL to the same path corrupt each other's recovery history (Barman
   * refuses, or a restore mixes timelines): every cluster of the app needs its own path.
   */
  private sharedArchiveProblems(): string[] {
    if (!this.backup) return [];
    const mine = `${this.backup.target.endpoint} ${this.backup.target.url}`;
    const others = this.node.root.node.findAll().filter((c): c is HAPostgres => c instanceof HAPostgres && c !== this && c.backup !== undefined
      && `${c.backup.target.endpoint} ${c.backup.target.url}` === mine);
    return others.map((o) => `${this.node.path}: 'backup.target' (${this.backup!.target}) is also the archive of ${o.node.path}, so the clusters would overwrite each other's WAL`
      + " — give each cluster its own prefix, e.g. target.withPrefix('<environment>')");
  }

  private validateStorage(prop: string, storage: PostgresStorageProps | undefined): void {
    this.violations.check(!storage || sizeBytes(storage.size) < 1024 ** 3, `${prop}.size`, storage?.size?.asString(), 'is missing or below 1Gi', 'size the volume for the data plus WAL headroom, e.g. Size.gibibytes(10)');
  }

  private resolveBackup(b: PostgresBackupProps): ResolvedBackup {
    const v = this.violations;
    for (const [prop, value, problem, fix] of b.target.problems()) v.add(`backup.${prop.replace(/^backupTarget\./, 'target.')}`, value, problem, fix);
    v.check(!RETENTION.test(b.retention), 'backup.retention', b.retention, 'is not a Barman retention window', "use a number of days, weeks or months, e.g. '7d', '4w', '3m'");
    const cron = checkCron(b.schedule);
    if (cron.error !== undefined) v.add('backup.schedule', typeof b.schedule === 'string' ? b.schedule : b.schedule.expressionString, cron.error, "write 5 fields, e.g. '0 2 * * *' (CNPG's seconds field is added for you)");
    const encryption = b.encryption ?? b.target.encryption;
    v.check(b.target.provider === 'minio' && (encryption === 'AES256' || encryption === 'aws:kms'), 'backup.encryption', encryption,
      'requests server-side encryption from MinIO, which needs a KMS configured there and otherwise fails every upload', "use 'none' (encrypt the bucket or use client-side encryption) or an AWS S3 target");
    const maxParallel = b.maxParallel ?? 2;
    v.check(!Number.isInteger(maxParallel) || maxParallel < 1, 'backup.maxParallel', maxParallel, 'is not a positive integer', 'use 1 or more');
    const method = b.method ?? PostgresBackupMethod.BARMAN_CLOUD_PLUGIN;
    const dataCompression = b.dataCompression ?? DataCompression.GZIP;
    const archiveTimeout = b.archiveTimeout ?? Duration.minutes(5);
    v.check(wholeSeconds(archiveTimeout) === undefined || seconds(archiveTimeout) < 1, 'backup.archiveTimeout', goDuration(archiveTimeout), 'is not a whole number of seconds ≥ 1', 'use e.g. Duration.minutes(5)');
    if (b.rpo) {
      v.check(seconds(archiveTimeout) >= seconds(b.rpo), 'backup.archiveTimeout', goDuration(archiveTimeout),
        `is not shorter than the RPO (${goDuration(b.rpo)}): under low traffic a WAL segment waits that long before its upload even starts, `
        + 'so the RPO cannot hold and the WAL age alert would fire on healthy archiving', `set archiveTimeout below ${goDuration(b.rpo)}, leaving time for the upload and a retry`);
    }
    return {
      target: b.target,
      retention: b.retention,
      schedule: cron.expression ?? '',
      method,
      walCompression: b.walCompression ?? WalCompression.GZIP,
      dataCompression,
      encryption,
      maxParallel,
      immediate: b.immediate ?? true,
      archiveTimeout,
      rpo: b.rpo,
    };
  }

  private resolvePooler(p: PoolerProps): ResolvedPooler {
    const v = this.violations;
    const poolMode = p.poolMode ?? PoolMode.TRANSACTION;
    const pooler: ResolvedPooler = {
      instances: p.instances ?? 2,
      poolMode,
      defaultPoolSize: p.defaultPoolSize ?? 20,
      maxClientConnections: p.maxClientConnections ?? 1000,
      readOnly: p.readOnly ?? false,
      // Transaction pooling hands each transaction any server connection, where a statement the
      // driver prepared on another one does not exist. PgBouncer (≥ 1.21) tracks protocol-level
      // prepared statements and prepares them again where needed; 200 per server connection is
      // PgBouncer 1.24's own default, stated so an older image behaves the same.
      parameters: { ...(poolMode === PoolMode.TRANSACTION ? { max_prepared_statements: '200' } : {}), ...p.parameters },
      resources: p.resources ?? { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
      image: p.image ?? Images.PGBOUNCER,
    };
    const pinning = imagePinningProblem(pooler.image);
    if (pinning) v.add('pooler.image', pooler.image, ...pinning);
    checkResources(v, pooler.resources, 'pooler.resources');
    for (const key of ['default_pool_size', 'max_client_conn']) {
      v.check(p.parameters?.[key] !== undefined, `pooler.parameters.${key}`, p.parameters?.[key], 'bypasses the connection budget',
        key === 'default_pool_size' ? 'use pooler.defaultPoolSize' : 'use pooler.maxClientConnections');
    }
    v.check(!Number.isInteger(pooler.instances) || pooler.instances < 2, 'pooler.instances', pooler.instances, 'is a single point of failure in front of the database',
      'use at least 2 PgBouncer pods');
    for (const [prop, value] of [['pooler.defaultPoolSize', pooler.defaultPoolSize], ['pooler.maxClientConnections', pooler.maxClientConnections]] as const) {
      v.check(!Number.isInteger(value) || value < 1, prop, value, 'is not a positive integer', 'use 1 or more');
    }
    return pooler;
  }

  private metadata(name: string, stateful = false): { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> } {
    return {
      name,
      namespace: this.namespace,
      labels: { ...this.labels },
      // Flux must never delete a database or its backups because an object left the Git tree.
      ...(stateful ? { annotations: { [Annotations.FLUX_PRUNE]: 'disabled' } } : {}),
    };
  }

  private createCluster(props: HAPostgresProps, objectStoreName: string): void {
    const backup = this.backup;
    const parameters: Record<string, string> = {
      ...props.parameters,
      max_connections: String(this.maxConnections),
      ...(backup ? { archive_timeout: `${wholeSeconds(backup.archiveTimeout)}s` } : {}),
    };
    const storage = (s: PostgresStorageProps) => ({ size: s.size.asString(), storageClass: s.storageClass });
    new Cluster(this, 'Cluster', {
      metadata: this.metadata(this.name, true),
      spec: {
        instances: this.instances,
        imageName: this.image,
        primaryUpdateStrategy: (props.primaryUpdateStrategy ?? PrimaryUpdateStrategy.UNSUPERVISED) as string as ClusterSpecPrimaryUpdateStrategy,
        primaryUpdateMethod: (props.primaryUpdateMethod ?? PrimaryUpdateMethod.SWITCHOVER) as string as ClusterSpecPrimaryUpdateMethod,
        // A single instance must not carry a PDB: it would block every node drain.
        enablePdb: this.instances > 1,
        storage: storage(props.storage),
        walStorage: props.walStorage ? storage(props.walStorage) : undefined,
        resources: renderResources(props.resources) as never,
        postgresql: { parameters },
        managed: Lazy.any({
          produce: () => (this.restoreDrills
            ? { roles: [{ name: this.owner, ensure: 'present', login: true, inherit: true, createdb: true, comment: 'application owner; CREATEDB for restore drills' }] }
            : undefined),
        }),
        bootstrap: {
          initdb: {
            database: this.database,
            owner: this.owner,
            secret: props.credentialsSecret ? { name: props.credentialsSecret } : undefined,
            dataChecksums: true,
          },
        },
        // Preferred anti-affinity: standbys land on other nodes when there are any, and a small
        // cluster can still schedule (a required rule would leave an instance Pending).
        affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
        topologySpreadConstraints: (props.spreadAcrossZones ?? true) ? [{
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway' as never,
          labelSelector: { matchLabels: { 'cnpg.io/cluster': this.name } },
        }] : undefined,
        plugins: backup?.method === PostgresBackupMethod.BARMAN_CLOUD_PLUGIN
          ? [{ name: BARMAN_PLUGIN, isWalArchiver: true, parameters: { barmanObjectName: objectStoreName } }]
          : undefined,
        backup: backup?.method === PostgresBackupMethod.IN_TREE_BARMAN_OBJECT_STORE
          ? { barmanObjectStore: barmanConfiguration(backup) as never, retentionPolicy: backup.retention }
          : undefined,
      },
    });
  }

  private createObjectStore(name: string, backup: ResolvedBackup): void {
    new ObjectStore(this, 'ObjectStore', {
      metadata: this.metadata(name, true),
      spec: { configuration: barmanConfiguration(backup) as never, retentionPolicy: backup.retention },
    });
  }

  private createScheduledBackup(backup: ResolvedBackup): void {
    const plugin = backup.method === PostgresBackupMethod.BARMAN_CLOUD_PLUGIN;
    new ScheduledBackup(this, 'ScheduledBackup', {
      metadata: this.metadata(this.name),
      spec: {
        cluster: { name: this.name },
        schedule: toSecondsFirst(backup.schedule),
        method: plugin ? ScheduledBackupSpecMethod.PLUGIN : ScheduledBackupSpecMethod.BARMAN_OBJECT_STORE,
        pluginConfiguration: plugin ? { name: BARMAN_PLUGIN } : undefined,
        // Backups read from a standby when one is healthy, sparing the primary's I/O.
        target: ScheduledBackupSpecTarget.PREFER_HYPHEN_STANDBY,
        immediate: backup.immediate,
        backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
      },
    });
  }

  private createPoolers(pooler: ResolvedPooler): void {
    for (const name of this.poolerNames()) {
      const type = name.endsWith('-ro') ? 'ro' : 'rw';
      new Pooler(this, `Pooler-${type}`, {
        metadata: this.metadata(name),
        spec: {
          cluster: { name: this.name },
          instances: pooler.instances,
          type: type === 'rw' ? PoolerSpecType.RW : PoolerSpecType.RO,
          // CNPG merges this template into the PgBouncer pod: without it the pods run unbounded.
          template: { spec: { containers: [{ name: 'pgbouncer', image: pooler.image, resources: renderResources(pooler.resources) as never }] } },
          pgbouncer: {
            poolMode: pooler.poolMode as string as PoolerSpecPgbouncerPoolMode,
            parameters: { ...pooler.parameters, default_pool_size: String(pooler.defaultPoolSize), max_client_conn: String(pooler.maxClientConnections) },
          },
        },
      });
      new PodMonitor(this, `PoolerPodMonitor-${type}`, {
        metadata: this.metadata(name),
        spec: { selector: { matchLabels: { 'cnpg.io/poolerName': name } }, podMetricsEndpoints: [{ port: 'metrics' }] },
      });
    }
  }

  private createNetworkPolicy(props: HAPostgresProps): void {
    const ns = (name: string) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } });
    const own = { podSelector: { matchLabels: { 'cnpg.io/cluster': this.name } } };
    const prometheus = ns(props.prometheusNamespace ?? 'monitoring');
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: this.metadata(this.name),
      spec: {
        podSelector: { matchLabels: { 'cnpg.io/cluster': this.name } },
        // Ingress only: instances must reach the API server, the object store and each other,
        // which a generic egress rule could not express without weakening it.
        policyTypes: ['Ingress'],
        // Lazy: clients register after the database is constructed.
        ingress: Lazy.any({
          produce: () => [
            // Replication between instances, and this cluster's poolers (if any).
            { from: [own, ...(this.pooler ? [{ podSelector: { matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: this.poolerNames() }] } }] : [])], ports: [tcp(POSTGRES_PORT)] },
            { from: [ns(props.operatorNamespace ?? 'cnpg-system'), own], ports: [tcp(INSTANCE_MANAGER_PORT)] },
            { from: [prometheus], ports: [tcp(METRICS_PORT)] },
            ...this.clientRules(ConnectionRoute.PRIMARY, POSTGRES_PORT),
            ...(this.backupJobs.length > 0 ? [{ from: this.backupJobs.map((p) => p._toKube()), ports: [tcp(POSTGRES_PORT)] }] : []),
          ],
        }),
      },
    });
    if (!this.pooler) return;
    new k8s.KubeNetworkPolicy(this, 'PoolerNetworkPolicy', {
      metadata: this.metadata(`${this.name}-pooler`),
      spec: {
        podSelector: { matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: this.poolerNames() }] },
        policyTypes: ['Ingress'],
        ingress: Lazy.any({
          produce: () => [
            { from: [prometheus], ports: [tcp(POOLER_METRICS_PORT)] },
            ...this.clientRules(ConnectionRoute.POOLER, POSTGRES_PORT),
          ],
        }),
      },
    });
  }

  /** One ingress rule admitting the clients that use `route`, or none (an empty `from` would admit everyone). */
  private clientRules(route: ConnectionRoute, port: number): k8s.NetworkPolicyIngressRule[] {
    const peers = this.clients.filter((c) => c.via === route).map((c) => c.service.asNetworkPeer()._toKube());
    return peers.length > 0 ? [{ from: peers, ports: [tcp(port)] }] : [];
  }

  private poolerNames(): string[] {
    return this.pooler?.readOnly ? [`${this.name}-pooler-rw`, `${this.name}-pooler-ro`] : [`${this.name}-pooler-rw`];
  }
}


/** The Barman object store configuration shared by the plugin's ObjectStore and the in-tree field. */
function barmanConfiguration(b: ResolvedBackup): Record<string, unknown> {
  // Barman sends the header on every upload; `bucket-default` and `none` send none.
  const encryption = b.encryption === 'AES256' || b.encryption === 'aws:kms' ? b.encryption : undefined;
  return {
    destinationPath: b.target.url,
    endpointUrl: b.target.endpoint,
    s3Credentials: {
      accessKeyId: { name: b.target.accessKeyId.name, key: b.target.accessKeyId.key },
      secretAccessKey: { name: b.target.secretAccessKey.name, key: b.target.secretAccessKey.key },
    },
    wal: { compression: b.walCompression, encryption, maxParallel: b.maxParallel },
    data: { compression: b.dataCompression, encryption, jobs: b.maxParallel },
  };
}
