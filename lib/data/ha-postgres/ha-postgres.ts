import { PriorityClass } from '../../core/priority-class';
import { Lazy, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ObjectStore } from '../../../imports/barman-objectstore-barmancloud.cnpg.io';
import { Cluster, ClusterProps } from '../../../imports/cnpg-cluster-postgresql.cnpg.io';
import { ExternalSecret } from '../../../imports/external-secrets-externalsecret-external-secrets.io';
import { Pooler } from '../../../imports/cnpg-pooler-postgresql.cnpg.io';
import { ScheduledBackup } from '../../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { PodMonitor } from '../../../imports/prometheus-podmonitor-monitoring.coreos.com';
import { BackupSource, IBackupServer } from '../backup-schedule/props';
import { isDnsLabel, recommendedLabels, resourceName } from '../../core/conventions';
import { EnvValue } from '../../core/env-value';
import { Environment } from '../../core/environment';
import { NetworkPeer } from '../../core/network-peer';
import { imagePinningProblem, parseImage } from '../../core/image';
import { checkResources } from '../../core/resources';
import { recordCreationSite, Violations } from '../../core/validation';
import type { ReliableService } from '../../workload/reliable-service/reliable-service';
import { SystemChart } from '../../core/system-chart';
import { backupRoleSecretProps } from './backup-role';
import { clusterProps, instancePodMonitorProps, objectStoreProps, scheduledBackupProps } from './cluster';
import { applicationConnections, connectionBudgetProblems } from './connection-budget';
import { postgresFacts } from './facts';
import { clusterEgress, clusterIngress, clusterNetworkPolicyProps } from './network-policy';
import { poolerIngress, poolerNetworkPolicyProps, poolerObjects } from './pooler';
import {
  ConnectionRoute,
  DatabaseClientProps,
  HAPostgresProps,
  PostgresBackupMethod,
  PrimaryUpdateMethod,
  PrimaryUpdateStrategy,
} from './props';
import { recoveryClusterProps } from './recovery-cluster';
import { resolveBackup, resolveBackupRole, resolvePooler, validateStorage } from './resolve';
import {
  POSTGRES_PORT,
  PostgresSpec,
  PostgresVolume,
  postgresVolumes,
  ResolvedBackup,
  ResolvedBackupRole,
  ResolvedPooler,
  SUPERUSER_RESERVED,
} from './spec';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';
import { IScrapeTargets, podMonitorTarget, ScrapeTarget } from '../../core/scrape-targets';

/**
 * The UID of the `postgres` user in CloudNativePG's operand images: a logical drill runs its
 * throwaway server as it, since initdb refuses a user without a passwd entry.
 */
const CNPG_POSTGRES_UID = 26;

/** A registered client, for the connection budget. */
interface DatabaseClient {
  readonly service: ReliableService;
  readonly poolSizePerPod: number;
  readonly via: ConnectionRoute;
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
export class HAPostgres extends Construct implements IReliabilityFacts, IBackupServer, IScrapeTargets {
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
  /** Each instance's volumes (data, and WAL when separate): declared size and node-locality. */
  public readonly volumes: readonly PostgresVolume[];
  /** The declared size of each instance's data volume: what the database may grow to. */
  public readonly storageSize: Size;
  /** The read-only role logical dumps run as, if any. */
  public readonly backupRole: Readonly<ResolvedBackupRole> | undefined;
  /** The Barman Cloud plugin's ObjectStore WAL and base backups go to (the plugin method only). */
  public readonly objectStoreName: string | undefined;
  private readonly targets: ScrapeTarget[];

  private readonly chart: SystemChart;
  private readonly clients: DatabaseClient[] = [];
  private readonly backupJobs: NetworkPeer[] = [];
  private readonly spec: PostgresSpec;

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
    const v = new Violations(this);

    // Cluster names become Service names with suffixes up to `-pooler-rw` (10 characters).
    v.check(
      !isDnsLabel(id) || !isDnsLabel(this.name, 50),
      'id',
      id,
      `gives the cluster name '${this.name}', which is not a DNS label of at most 50 characters`,
      'use a short lowercase id; CNPG appends suffixes such as -pooler-rw',
    );
    const pinning = imagePinningProblem(props.image);
    if (pinning) v.add('image', props.image, ...pinning);
    const major = Number(/^(\d+)/.exec(parseImage(props.image).tag ?? '')?.[1]);
    this.majorVersion = Number.isInteger(major) && major > 0 ? major : undefined;

    const singleInstance = props.singleInstance ?? false;
    this.instances = props.instances ?? (singleInstance ? 1 : 2);
    if (
      !v.check(
        !Number.isInteger(this.instances) || this.instances < 1,
        'instances',
        this.instances,
        'is not a positive integer',
        'use 2 or more',
      )
    ) {
      v.check(
        this.instances < 2 && !singleInstance,
        'instances',
        this.instances,
        'has no standby: a node failure loses the database until the volume returns',
        'use at least 2 instances, or set singleInstance: true to accept it explicitly',
      );
      v.check(
        singleInstance && this.instances !== 1,
        'singleInstance',
        `instances ${this.instances}`,
        'contradicts instances',
        'remove singleInstance, or set instances to 1',
      );
    }
    this.maxConnections = props.maxConnections ?? 100;
    v.check(
      !Number.isInteger(this.maxConnections) || this.maxConnections <= SUPERUSER_RESERVED + this.instances,
      'maxConnections',
      this.maxConnections,
      `leaves no connections after the ${SUPERUSER_RESERVED} reserved for superusers and ${this.instances - 1} for replication`,
      'use e.g. 100 or more',
    );
    v.check(
      props.parameters?.max_connections !== undefined,
      'parameters.max_connections',
      props.parameters?.max_connections,
      'bypasses the connection budget',
      'use the maxConnections prop',
    );
    for (const [prop, value] of [
      ['database', props.database],
      ['owner', props.owner],
    ] as const) {
      v.check(
        !/^[a-z_][a-z0-9_]{0,62}$/.test(value),
        prop,
        value,
        'is not a plain PostgreSQL identifier',
        'use lowercase letters, digits and underscores',
      );
    }
    validateStorage(v, 'storage', props.storage);
    if (props.walStorage) validateStorage(v, 'walStorage', props.walStorage);
    checkResources(v, props.resources);
    this.backup = props.backup ? resolveBackup(v, props.backup) : undefined;
    this.pooler = props.pooler ? resolvePooler(v, props.pooler) : undefined;
    this.poolerServiceName = this.pooler ? `${this.name}-pooler-rw` : undefined;
    this.backupRole = props.backupRole ? resolveBackupRole(v, this.name, props.owner, this.majorVersion, props.backupRole) : undefined;
    v.throwIfAny();
    this.storageSize = props.storage.size;
    this.objectStoreName = this.backup?.method === PostgresBackupMethod.BARMAN_CLOUD_PLUGIN ? this.name : undefined;
    this.volumes = postgresVolumes({ storage: props.storage, walStorage: props.walStorage });

    // The budget depends on clients added after construction, and the archive path on clusters
    // created later: check both at synthesis.
    recordCreationSite(this);
    this.node.addValidation({ validate: () => [...this.connectionBudgetProblems(), ...this.sharedArchiveProblems()] });

    this.labels = recommendedLabels({
      system: this.chart.system,
      component: id,
      environment: this.environment.name,
      version: this.majorVersion ? String(this.majorVersion) : undefined,
    });
    const spec: PostgresSpec = {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      image: this.image,
      instances: this.instances,
      maxConnections: this.maxConnections,
      parameters: props.parameters,
      database: this.database,
      owner: this.owner,
      credentialsSecret: props.credentialsSecret,
      storage: props.storage,
      walStorage: props.walStorage,
      resources: props.resources,
      spreadAcrossZones: props.spreadAcrossZones ?? true,
      priorityClass: props.priorityClass ?? PriorityClass.DATA,
      primaryUpdateStrategy: props.primaryUpdateStrategy ?? PrimaryUpdateStrategy.UNSUPERVISED,
      primaryUpdateMethod: props.primaryUpdateMethod ?? PrimaryUpdateMethod.SWITCHOVER,
      backup: this.backup,
      pooler: this.pooler,
      backupRole: this.backupRole,
      prometheusNamespace: props.prometheusNamespace ?? 'monitoring',
      operatorNamespace: props.operatorNamespace ?? 'cnpg-system',
    };

    this.spec = spec;
    new Cluster(this, 'Cluster', clusterProps(spec));
    if (spec.backupRole) new ExternalSecret(this, 'BackupRoleSecret', backupRoleSecretProps(spec, spec.backupRole));
    if (spec.backup) {
      if (spec.backup.method === PostgresBackupMethod.BARMAN_CLOUD_PLUGIN)
        new ObjectStore(this, 'ObjectStore', objectStoreProps(spec, spec.backup));
      new ScheduledBackup(this, 'ScheduledBackup', scheduledBackupProps(spec, spec.backup));
    }
    const monitors = [instancePodMonitorProps(spec)];
    new PodMonitor(this, 'PodMonitor', monitors[0]);
    if (spec.pooler) {
      for (const p of poolerObjects(spec, spec.pooler)) {
        new Pooler(this, `Pooler-${p.type}`, p.pooler);
        new k8s.KubePodDisruptionBudget(this, `PoolerPodDisruptionBudget-${p.type}`, p.disruptionBudget);
        new PodMonitor(this, `PoolerPodMonitor-${p.type}`, p.podMonitor);
        monitors.push(p.podMonitor);
      }
    }
    this.targets = monitors.map((m) =>
      podMonitorTarget({ name: m.metadata?.name as string, namespace: this.namespace, jobLabel: m.spec.jobLabel }),
    );
    // Lazy: clients and backup jobs register after the database is constructed.
    new k8s.KubeNetworkPolicy(
      this,
      'NetworkPolicy',
      clusterNetworkPolicyProps(
        spec,
        Lazy.any({
          produce: () =>
            clusterIngress(spec, {
              clients: this.clientPeers(ConnectionRoute.PRIMARY),
              backupJobs: this.backupJobs.map((p) => p._toKube()),
            }),
        }),
        clusterEgress(spec, this.chart.apiServer),
      ),
    );
    if (spec.pooler) {
      new k8s.KubeNetworkPolicy(
        this,
        'PoolerNetworkPolicy',
        poolerNetworkPolicyProps(
          spec,
          Lazy.any({
            produce: () => poolerIngress(spec, this.clientPeers(ConnectionRoute.POOLER)),
          }),
          this.chart.apiServer,
        ),
      );
    }

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
    v.check(
      !Number.isInteger(props.poolSizePerPod) || props.poolSizePerPod < 1,
      'addClient.poolSizePerPod',
      props.poolSizePerPod,
      `is not a positive integer (client ${service.name})`,
      "use the client's maximum open connections per pod",
    );
    v.check(
      via === ConnectionRoute.POOLER && !this.pooler,
      'addClient.via',
      via,
      `needs a pooler (client ${service.name})`,
      'add the pooler prop or connect via ConnectionRoute.PRIMARY',
    );
    v.check(
      service.environment !== this.environment,
      'addClient',
      service.node.path,
      `is in environment '${service.environment.name}', not '${this.environment.name}'`,
      'connect services of the same environment',
    );
    v.check(
      this.clients.some((c) => c.service === service),
      'addClient',
      service.name,
      'is already a client',
      'add each service once',
    );
    v.throwIfAny();
    this.clients.push({ service, poolSizePerPod: props.poolSizePerPod, via });

    const prefix = props.envPrefix ?? 'DB_';
    service.addEnv(
      `${prefix}HOST`,
      EnvValue.literal(`${via === ConnectionRoute.POOLER ? this.poolerServiceName : this.primaryServiceName}.${this.namespace}.svc`),
      `HAPostgres ${this.name}`,
    );
    service.addEnv(`${prefix}PORT`, EnvValue.literal(String(POSTGRES_PORT)), `HAPostgres ${this.name}`);
    service.addEnv(`${prefix}NAME`, EnvValue.literal(this.database), `HAPostgres ${this.name}`);
    service.addEnv(`${prefix}USER`, EnvValue.fromSecret(this.appSecretName, 'username'), `HAPostgres ${this.name}`);
    service.addEnv(`${prefix}PASSWORD`, EnvValue.fromSecret(this.appSecretName, 'password'), `HAPostgres ${this.name}`);
    const selector: Record<string, string> =
      via === ConnectionRoute.POOLER ? { 'cnpg.io/poolerName': this.poolerServiceName as string } : { 'cnpg.io/cluster': this.name };
    service.addDependency({ to: NetworkPeer.podsInNamespace(this.namespace, selector), ports: [POSTGRES_PORT] });
  }

  /**
   * The Service host `client` connects to (the pooler's or the primary's, as `addClient` wired
   * it), fully qualified; empty when it is not a client. A chaos dependency failure cuts exactly
   * this host.
   */
  public clientHosts(client: ReliableService): readonly string[] {
    const wired = this.clients.find((c) => c.service === client);
    if (!wired) return [];
    const service = wired.via === ConnectionRoute.POOLER ? this.poolerServiceName : this.primaryServiceName;
    return [`${service}.${this.namespace}.svc.cluster.local`];
  }

  /**
   * The database as a BackupSchedule source: pg_dump of the application database as the read-only
   * backup role (`backupRole`), with the cluster's own image, whose pg_dump has the server's major
   * version and whose server binaries let the drill restore into a throwaway server of its own.
   * The dump reads the standbys (`-ro`), sparing the primary, whose hot_standby_feedback keeps the
   * dump from being cancelled; a single instance has no standby, so it reads that one (`-r`, any
   * instance), never through the primary's `-rw` Service. The work volume is sized from the data
   * volume's declared size.
   */
  public backupSource(): BackupSource {
    if (!this.backupRole) {
      throw new Error(
        `${this.node.path}: 'backupRole' is missing, so dumps would run as the application owner ${this.owner}, who can also write — ` +
          'set backupRole: { store, remoteKey } (a role in pg_read_all_data whose password the store holds)',
      );
    }
    const service = this.instances > 1 ? `${this.name}-ro` : `${this.name}-r`;
    return BackupSource.postgres({
      host: `${service}.${this.namespace}.svc`,
      database: this.database,
      username: { name: this.backupRole.secretName, key: 'username' },
      password: { name: this.backupRole.secretName, key: 'password' },
      image: this.image,
      majorVersion: this.majorVersion,
      // Any instance: the -ro Service's endpoints move with every failover.
      peer: NetworkPeer.podsInNamespace(this.namespace, { 'cnpg.io/cluster': this.name }),
      server: this,
      declaredSize: this.storageSize,
      serverUid: CNPG_POSTGRES_UID,
    });
  }

  /**
   * A one-instance Cluster named `name` that recovers this cluster from its ObjectStore (newest
   * base backup plus every archived WAL segment), with its image, volumes, resources and
   * parameters, archiving nothing: what a physical restore drill applies and deletes.
   */
  public recoveryCluster(name: string, labels: Readonly<Record<string, string>>): ClusterProps {
    if (!this.objectStoreName) {
      throw new Error(
        `${this.node.path}: has no Barman Cloud ObjectStore to recover from — set backup (method PostgresBackupMethod.BARMAN_CLOUD_PLUGIN, the default)`,
      );
    }
    return recoveryClusterProps(this.spec, name, labels);
  }

  /** Admits a backup job's pods on the PostgreSQL port (called by BackupSchedule). */
  public admitBackupJob(peer: NetworkPeer): void {
    this.backupJobs.push(peer);
  }

  /** The registered clients, as `{ name, poolSizePerPod, maxReplicas, via }` (a copy). */
  public get clientList(): Array<{ name: string; poolSizePerPod: number; maxReplicas: number; via: ConnectionRoute }> {
    return this.clients.map((c) => ({
      name: c.service.name,
      poolSizePerPod: c.poolSizePerPod,
      maxReplicas: c.service.maxReplicas,
      via: c.via,
    }));
  }

  /** Connections PostgreSQL admits for applications: max_connections minus superuser and replication slots. */
  public get applicationConnections(): number {
    return applicationConnections(this.maxConnections, this.instances);
  }

  private connectionBudgetProblems(): string[] {
    return connectionBudgetProblems({
      path: this.node.path,
      maxConnections: this.maxConnections,
      instances: this.instances,
      pooler: this.pooler,
      clients: this.clientList,
    });
  }

  /**
   * Two clusters archiving WAL to the same path corrupt each other's recovery history (Barman
   * refuses, or a restore mixes timelines): every cluster of the app needs its own path.
   */
  private sharedArchiveProblems(): string[] {
    if (!this.backup) return [];
    const mine = `${this.backup.target.endpoint} ${this.backup.target.url}`;
    const others = this.node.root.node
      .findAll()
      .filter(
        (c): c is HAPostgres =>
          c instanceof HAPostgres && c !== this && c.backup !== undefined && `${c.backup.target.endpoint} ${c.backup.target.url}` === mine,
      );
    return others.map(
      (o) =>
        `${this.node.path}: 'backup.target' (${this.backup!.target}) is also the archive of ${o.node.path}, so the clusters would overwrite each other's WAL` +
        " — give each cluster its own prefix, e.g. target.withPrefix('<environment>')",
    );
  }

  /** The network peers of the clients that use `route`. */
  private clientPeers(route: ConnectionRoute): k8s.NetworkPolicyPeer[] {
    return this.clients.filter((c) => c.via === route).map((c) => c.service.asNetworkPeer()._toKube());
  }

  /** The targets of its PodMonitors (instances, then each pooler): `job` is `<namespace>/<name>`. */
  public scrapeTargets(): ScrapeTarget[] {
    return this.targets.map((t) => ({ ...t }));
  }

  /** Instances, connections, pooler, clients and continuous backup, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return postgresFacts(this, this.clientList);
  }
}
