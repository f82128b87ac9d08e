import { Lazy, Size } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceMonitor } from '../../imports/prometheus-servicemonitor-monitoring.coreos.com';
import { BackupSource, IBackupServer } from './backup-schedule';
import { SecretKeyReference } from './backup-target';
import { Annotations, isDnsLabel, NAMESPACE_NAME_LABEL, recommendedLabels, resourceName, selectorLabels, toLabelValue } from '../core/conventions';
import { EnvValue } from '../core/env-value';
import { Environment } from '../core/environment';
import { NetworkPeer } from '../core/network-peer';
import { imagePinningProblem, parseImage } from '../core/image';
import { Images } from '../core/images';
import { dnsEgressRule, tcpPort as tcp } from '../core/network';
import { redisConf, redisInitScript } from './redis-config';
import { checkResources, renderResources } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { sizeBytes } from '../core/units';
import { Violations } from '../core/validation';
import type { ReliableService } from '../workload/reliable-service';
import { SystemChart } from '../core/system-chart';

const REDIS_PORT = 6379;
const SENTINEL_PORT = 26379;
const EXPORTER_PORT = 9121;
const HEADLESS_LABEL = 'reliakit.dev/headless';
const EVICTION_POLICIES = ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'];

/** On-disk persistence. Without it the cache starts empty after every restart. */
export interface RedisPersistenceProps {
  /** Volume size per pod. */
  readonly size: Size;
  /**
   * @default - the cluster's default class
   */
  readonly storageClass?: string;
  /**
   * RDB snapshot rules, `"<seconds> <changes>"` each (redis.conf `save`).
   * @default ['3600 1', '300 100', '60 10000']
   */
  readonly snapshots?: readonly string[];
  /**
   * The append-only file (every write logged; slower, loses at most a second).
   * @default false
   */
  readonly appendOnly?: boolean;
}

/** Replication with Redis Sentinel: a master, replicas, and automatic failover. */
export interface SentinelProps {
  /**
   * Redis pods (one master, the rest replicas), each with a sentinel. At least 3, so a majority
   * of sentinels survives one pod's loss.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Sentinels that must agree the master is down.
   * @default - a majority of the replicas
   */
  readonly quorum?: number;
  /**
   * The master set name clients ask the sentinels for.
   * @default 'mymaster'
   */
  readonly masterSet?: string;
  /**
   * How long the master must be unreachable before failover, in milliseconds.
   * @default 5000
   */
  readonly downAfterMilliseconds?: number;
}

/** Props of a {@link RedisCache}. */
export interface RedisCacheProps {
  /** Pinned Redis image, e.g. `Images.REDIS` (a tag, a digest, or `tag@sha256:…`); also the sentinels'. */
  readonly image: string;
  /**
   * Pinned redis_exporter image (the metrics sidecar).
   * @default Images.REDIS_EXPORTER
   */
  readonly exporterImage?: string;
  /** Redis container resources: requests and a memory limit are required. */
  readonly resources: ContainerResources;
  /**
   * `maxmemory`: the cache's size. Must leave room under the memory limit for replication
   * buffers and fragmentation.
   * @default - 75 % of the memory limit
   */
  readonly maxMemory?: Size;
  /**
   * `maxmemory-policy`.
   * @default 'allkeys-lru' (a cache evicts instead of failing writes)
   */
  readonly evictionPolicy?: string;
  /**
   * On-disk persistence.
   * @default - none: a pure cache
   */
  readonly persistence?: RedisPersistenceProps;
  /**
   * Replicated mode with Sentinel failover.
   * @default - a single instance (requires singleInstance)
   */
  readonly sentinel?: SentinelProps;
  /**
   * Explicitly accept a single Redis pod (no replica, no failover).
   * @default false
   */
  readonly singleInstance?: boolean;
  /**
   * The password (`requirepass`), from a Secret key.
   * @default - no authentication (the NetworkPolicy still admits only clients)
   */
  readonly password?: SecretKeyReference;
  /**
   * The namespace Prometheus runs in (admitted on the exporter's port).
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
}

/** Resolved sentinel settings. */
interface ResolvedSentinel {
  readonly replicas: number;
  readonly quorum: number;
  readonly masterSet: string;
  readonly downAfterMilliseconds: number;
}

/**
 * Redis as a cache (redis.io): a StatefulSet with a metrics exporter, ServiceMonitor, hardened
 * pods, NetworkPolicy and, in sentinel mode, replicas with automatic failover and a PDB. Clients
 * get their connection settings and network access from `addClient`.
 */
export class RedisCache extends Construct implements IBackupServer {
  /** `<system>-<id>`: the StatefulSet and client Service. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The environment. */
  public readonly environment: Environment;
  /** Redis pods. */
  public readonly replicas: number;
  /** Sentinel settings, in replicated mode. */
  public readonly sentinel: Readonly<ResolvedSentinel> | undefined;
  /** Whether data survives a restart. */
  public readonly persistent: boolean;
  /** `maxmemory` in bytes. */
  public readonly maxMemoryBytes: number;
  /** The Service clients use: Redis itself (single) or the sentinels (replicated). */
  public readonly serviceName: string;
  /** Labels of every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The pod selector. */
  public readonly selector: Readonly<Record<string, string>>;

  private readonly clients: ReliableService[] = [];
  private readonly backupJobs: NetworkPeer[] = [];
  private readonly image: string;
  private readonly password: SecretKeyReference | undefined;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const chart = SystemChart.of(this);
    this.namespace = chart.namespaceName;
    this.environment = chart.environment;
    this.name = resourceName(chart.system, id);
    this.serviceName = this.name;
    this.password = props.password;
    this.image = props.image;
    const v = new Violations(this);

    v.check(!isDnsLabel(id) || !isDnsLabel(this.name, 50), 'id', id, `gives the name '${this.name}', which is not a DNS label of at most 50 characters`,
      'use a short lowercase id');
    for (const [prop, image] of [['image', props.image], ['exporterImage', props.exporterImage]] as const) {
      const problem = image === undefined ? undefined : imagePinningProblem(image);
      if (problem) v.add(prop, image, ...problem);
    }
    const resources = props.resources;
    checkResources(v, resources);
    const limit = resources?.memory?.limit ? sizeBytes(resources.memory.limit) : 0;
    this.maxMemoryBytes = props.maxMemory ? sizeBytes(props.maxMemory) : Math.floor(limit * 0.75);
    if (props.maxMemory && limit > 0) {
      // Replication buffers, fragmentation and the fork for RDB need headroom above maxmemory.
      v.check(this.maxMemoryBytes > limit * 0.9, 'maxMemory', props.maxMemory.asString(), `leaves less than 10 % of the memory limit (${resources.memory!.limit!.asString()}) for buffers and forks, so the pod is OOM-killed before it evicts`,
        'lower maxMemory to at most 90 % of the limit (75 % is the default)');
    }
    const evictionPolicy = props.evictionPolicy ?? 'allkeys-lru';
    v.check(!EVICTION_POLICIES.includes(evictionPolicy), 'evictionPolicy', evictionPolicy, 'is not a Redis maxmemory-policy', `use one of ${EVICTION_POLICIES.join(', ')}`);

    const singleInstance = props.singleInstance ?? false;
    v.check(!props.sentinel && !singleInstance, 'sentinel', undefined, 'is not set, so one pod failure takes the cache down',
      'add sentinel: {} for replication with failover, or set singleInstance: true to accept it explicitly');
    v.check(props.sentinel !== undefined && singleInstance, 'singleInstance', true, 'contradicts sentinel', 'remove one of them');
    if (props.sentinel) {
      const replicas = props.sentinel.replicas ?? 3;
      const quorum = props.sentinel.quorum ?? Math.floor(replicas / 2) + 1;
      v.check(!Number.isInteger(replicas) || replicas < 3, 'sentinel.replicas', replicas, 'cannot keep a sentinel majority when one pod is lost', 'use at least 3');
      v.check(!Number.isInteger(quorum) || quorum < 2 || quorum > replicas, 'sentinel.quorum', quorum, `must be between 2 and the replicas (${replicas})`,
        'leave it unset for a majority');
      const masterSet = props.sentinel.masterSet ?? 'mymaster';
      v.check(!/^[A-Za-z0-9_-]+$/.test(masterSet), 'sentinel.masterSet', masterSet, 'is not a simple name', 'use letters, digits, _ and -');
      this.sentinel = { replicas, quorum, masterSet, downAfterMilliseconds: props.sentinel.downAfterMilliseconds ?? 5000 };
    }
    this.replicas = this.sentinel?.replicas ?? 1;
    this.persistent = props.persistence !== undefined;
    if (props.persistence) {
      v.check(sizeBytes(props.persistence.size) < this.maxMemoryBytes * 2, 'persistence.size', props.persistence.size.asString(),
        `is less than twice maxmemory (${Math.round(this.maxMemoryBytes / 1024 / 1024)} MiB), so an RDB rewrite can fill the volume`, 'size the volume at least 2 × maxMemory');
      for (const rule of props.persistence.snapshots ?? []) {
        v.check(!/^\d+ \d+$/.test(rule), 'persistence.snapshots', rule, 'is not "<seconds> <changes>"', "write e.g. '300 100'");
      }
    }
    v.throwIfAny();

    const version = toLabelValue(parseImage(props.image).tag ?? 'unknown');
    this.labels = recommendedLabels({ system: chart.system, component: id, environment: this.environment.name, version });
    this.selector = selectorLabels({ system: chart.system, component: id, environment: this.environment.name });
    this.createObjects(props, evictionPolicy);
    chart.addDataComponent(this);
  }

  /**
   * Connects `service`: adds `<prefix>HOST`, `PORT` (and `SENTINEL_MASTER` in sentinel mode, where
   * HOST/PORT name the sentinels) and `PASSWORD` from the Secret, and opens the NetworkPolicies.
   */
  public addClient(service: ReliableService, options: { envPrefix?: string } = {}): void {
    const v = new Violations(this);
    v.check(service.environment !== this.environment, 'addClient', service.node.path, `is in environment '${service.environment.name}', not '${this.environment.name}'`,
      'connect services of the same environment');
    v.check(this.clients.includes(service), 'addClient', service.name, 'is already a client', 'add each service once');
    v.throwIfAny();
    this.clients.push(service);
    const prefix = options.envPrefix ?? 'REDIS_';
    service.addEnv(`${prefix}HOST`, EnvValue.literal(`${this.serviceName}.${this.namespace}.svc`));
    service.addEnv(`${prefix}PORT`, EnvValue.literal(String(this.sentinel ? SENTINEL_PORT : REDIS_PORT)));
    if (this.sentinel) service.addEnv(`${prefix}SENTINEL_MASTER`, EnvValue.literal(this.sentinel.masterSet));
    if (this.password) service.addEnv(`${prefix}PASSWORD`, EnvValue.fromSecret(this.password.name, this.password.key));
    // Sentinel clients ask the sentinels, then talk to the master pod directly.
    service.addDependency({ to: NetworkPeer.podsInNamespace(this.namespace, this.selector), ports: this.sentinel ? [SENTINEL_PORT, REDIS_PORT] : [REDIS_PORT] });
  }

  /**
   * The cache as a BackupSource (RDB snapshot with `redis-cli --rdb`): from the last pod, a replica
   * in sentinel mode, keeping the snapshot's fork off the usual master; with the cache's own image.
   */
  public backupSource(): BackupSource {
    return BackupSource.redis({
      host: `${this.name}-${this.replicas - 1}.${this.name}-headless.${this.namespace}.svc`,
      password: this.password,
      image: this.image,
      peer: NetworkPeer.podsInNamespace(this.namespace, this.selector),
      server: this,
    });
  }

  /** Admits a backup job's pods on the Redis port (called by BackupSchedule). */
  public admitBackupJob(peer: NetworkPeer): void {
    this.backupJobs.push(peer);
  }

  /** The names of the client services (a copy). */
  public get clientNames(): string[] {
    return this.clients.map((c) => c.name);
  }

  private createObjects(props: RedisCacheProps, evictionPolicy: string): void {
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels: { ...this.labels } });
    const headless = `${this.name}-headless`;
    const passwordEnv: k8s.EnvVar[] = this.password ? [
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: this.password.name, key: this.password.key } } },
      // redis-cli reads the password from REDISCLI_AUTH, keeping it off the command line.
      { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: this.password.name, key: this.password.key } } },
    ] : [];

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: metadata(this.name), automountServiceAccountToken: false });
    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: metadata(this.name),
      data: {
        'redis.conf': redisConf({
          maxMemoryBytes: this.maxMemoryBytes,
          evictionPolicy,
          snapshots: props.persistence ? props.persistence.snapshots ?? ['3600 1', '300 100', '60 10000'] : [],
          appendOnly: props.persistence?.appendOnly ?? false,
        }),
        'init.sh': redisInitScript({
          name: this.name,
          password: this.password !== undefined,
          sentinel: this.sentinel ? { ...this.sentinel, failoverTimeoutMilliseconds: 60_000 } : undefined,
        }),
      },
    });
    new k8s.KubeService(this, 'HeadlessService', {
      // Marked, so the ServiceMonitor scrapes each pod once, through the client Service.
      metadata: { ...metadata(headless), labels: { ...this.labels, [HEADLESS_LABEL]: 'true' } },
      spec: {
        clusterIp: 'None',
        // Replicas and sentinels must resolve each other before they are ready.
        publishNotReadyAddresses: true,
        selector: { ...this.selector },
        ports: [
          { name: 'redis', port: REDIS_PORT, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' },
          ...(this.sentinel ? [{ name: 'sentinel', port: SENTINEL_PORT, targetPort: k8s.IntOrString.fromString('sentinel'), protocol: 'TCP' }] : []),
        ],
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: metadata(this.name),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selector },
        ports: [
          this.sentinel
            ? { name: 'sentinel', port: SENTINEL_PORT, targetPort: k8s.IntOrString.fromString('sentinel'), protocol: 'TCP' }
            : { name: 'redis', port: REDIS_PORT, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' },
          { name: 'metrics', port: EXPORTER_PORT, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' },
        ],
      },
    });

    const secured = restrictedContainerSecurityContext();
    const cli = (port: number) => ['sh', '-c', `redis-cli -p ${port} ping | grep -q PONG`];
    const containers: k8s.Container[] = [{
      name: 'redis',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['redis-server', '/work/redis.conf'],
      ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
      env: passwordEnv.length > 0 ? passwordEnv : undefined,
      resources: renderResources(props.resources),
      readinessProbe: { exec: { command: cli(REDIS_PORT) }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
      securityContext: secured,
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'work', mountPath: '/work' }],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    }];
    if (this.sentinel) {
      containers.push({
        name: 'sentinel',
        image: props.image,
        imagePullPolicy: 'IfNotPresent',
        command: ['redis-server', '/work/sentinel.conf', '--sentinel'],
        ports: [{ name: 'sentinel', containerPort: SENTINEL_PORT, protocol: 'TCP' }],
        env: passwordEnv.length > 0 ? passwordEnv : undefined,
        resources: { requests: { cpu: k8s.Quantity.fromString('20m'), memory: k8s.Quantity.fromString('32Mi') }, limits: { memory: k8s.Quantity.fromString('64Mi') } },
        readinessProbe: { exec: { command: cli(SENTINEL_PORT) }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
        livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('sentinel') }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
        securityContext: secured,
        volumeMounts: [{ name: 'work', mountPath: '/work' }],
        terminationMessagePolicy: 'FallbackToLogsOnError',
      });
    }
    containers.push({
      name: 'exporter',
      image: props.exporterImage ?? Images.REDIS_EXPORTER,
      imagePullPolicy: 'IfNotPresent',
      env: [{ name: 'REDIS_ADDR', value: `redis://localhost:${REDIS_PORT}` }, ...passwordEnv.slice(0, 1)],
      ports: [{ name: 'metrics', containerPort: EXPORTER_PORT, protocol: 'TCP' }],
      resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') }, limits: { memory: k8s.Quantity.fromString('64Mi') } },
      readinessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 10, timeoutSeconds: 3 },
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 20, timeoutSeconds: 3 },
      securityContext: secured,
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });

    const persistence = props.persistence;
    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: {
        ...metadata(this.name),
        // A persistent cache's volumes must survive an object leaving the Git tree.
        ...(persistence ? { annotations: { [Annotations.FLUX_PRUNE]: 'disabled' } } : {}),
      },
      spec: {
        serviceName: headless,
        replicas: this.replicas,
        selector: { matchLabels: { ...this.selector } },
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: persistence ? { whenDeleted: 'Retain', whenScaled: 'Retain' } : undefined,
        template: {
          metadata: { labels: { ...this.labels } },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // The official image's `redis` user.
            securityContext: restrictedPodSecurityContext({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 }),
            terminationGracePeriodSeconds: 30,
            initContainers: [{
              name: 'config',
              image: props.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '/config/init.sh'],
              env: [
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ...passwordEnv,
              ],
              resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') }, limits: { memory: k8s.Quantity.fromString('32Mi') } },
              securityContext: secured,
              volumeMounts: [{ name: 'config', mountPath: '/config', readOnly: true }, { name: 'work', mountPath: '/work' }],
            }],
            containers,
            topologySpreadConstraints: this.sentinel ? [{
              topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...this.selector } },
            }, {
              topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...this.selector } },
            }] : undefined,
            volumes: [
              { name: 'config', configMap: { name: this.name } },
              // Memory-backed: holds the rendered config including the password.
              { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('8Mi') } },
              ...(persistence ? [] : [{ name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString(Size.mebibytes(Math.max(64, Math.ceil(this.maxMemoryBytes / 1024 / 1024))).asString()) } }]),
            ],
          },
        },
        volumeClaimTemplates: persistence ? [{
          metadata: { name: 'data', labels: { ...this.labels } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: persistence.storageClass,
            resources: { requests: { storage: k8s.Quantity.fromString(persistence.size.asString()) } },
          },
        }] : undefined,
      },
    });

    if (this.sentinel) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: metadata(this.name),
        spec: { selector: { matchLabels: { ...this.selector } }, maxUnavailable: k8s.IntOrString.fromNumber(1), unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }

    new ServiceMonitor(this, 'ServiceMonitor', {
      metadata: metadata(this.name),
      spec: {
        selector: { matchLabels: { ...this.selector }, matchExpressions: [{ key: HEADLESS_LABEL, operator: 'DoesNotExist' }] },
        namespaceSelector: { matchNames: [this.namespace] },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      },
    });

    const ownPorts = this.sentinel ? [tcp(REDIS_PORT), tcp(SENTINEL_PORT)] : [tcp(REDIS_PORT)];
    const own = { podSelector: { matchLabels: { ...this.selector } } };
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: metadata(this.name),
      spec: {
        podSelector: { matchLabels: { ...this.selector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({
          produce: () => [
            ...(this.sentinel ? [{ from: [own], ports: ownPorts }] : []),
            { from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: props.prometheusNamespace ?? 'monitoring' } } }], ports: [tcp(EXPORTER_PORT)] },
            // Lazy: clients register after the cache is constructed; an empty `from` would admit everyone.
            ...(this.clients.length > 0 ? [{ from: this.clients.map((c) => c.asNetworkPeer()._toKube()), ports: ownPorts }] : []),
            ...(this.backupJobs.length > 0 ? [{ from: this.backupJobs.map((p) => p._toKube()), ports: [tcp(REDIS_PORT)] }] : []),
          ],
        }),
        egress: [
          dnsEgressRule(),
          ...(this.sentinel ? [{ to: [own], ports: ownPorts }] : []),
        ],
      },
    });
  }
}
