import { polarisExemptionFacts, WORKLOAD_EXEMPTIONS } from '../../core/polaris-exemption';
import { PriorityClass } from '../../core/priority-class';
import { Lazy, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceMonitor } from '../../../imports/prometheus-servicemonitor-monitoring.coreos.com';
import { BackupSource, IBackupServer } from '../backup-schedule/props';
import { SecretKeyReference } from '../backup-target';
import { isDnsLabel, recommendedLabels, resourceName, selectorLabels, toLabelValue } from '../../core/conventions';
import { EnvValue } from '../../core/env-value';
import { Environment } from '../../core/environment';
import { NetworkPeer } from '../../core/network-peer';
import { imagePinningProblem, parseImage } from '../../core/image';
import { checkResources } from '../../core/resources';
import { sizeBytes } from '../../core/units';
import { Violations } from '../../core/validation';
import type { ReliableService } from '../../workload/reliable-service/reliable-service';
import { SystemChart } from '../../core/system-chart';
import {
  headlessServiceProps,
  networkPolicyProps,
  podDisruptionBudgetProps,
  redisConfigData,
  redisIngress,
  serviceMonitorProps,
  serviceProps,
} from './objects';
import { RedisCacheProps } from './props';
import { DEFAULT_SNAPSHOTS, REDIS_PORT, RedisSpec, redisMetadata, ResolvedSentinel, SENTINEL_PORT } from './spec';
import { statefulSetProps } from './statefulset';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';
import { IScrapeTargets, ScrapeTarget, serviceMonitorTarget } from '../../core/scrape-targets';
import { Images } from '../../core/images';

const EVICTION_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
];

/**
 * Redis as a cache (redis.io): a StatefulSet with a metrics exporter, ServiceMonitor, hardened
 * pods, NetworkPolicy and, in sentinel mode, replicas with automatic failover and a PDB. Clients
 * get their connection settings and network access from `addClient`.
 */
export class RedisCache extends Construct implements IReliabilityFacts, IBackupServer, IScrapeTargets {
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
  /** The most data it may hold: its volume's size when persistent, else maxmemory. */
  public readonly declaredSize: Size;
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

    v.check(
      !isDnsLabel(id) || !isDnsLabel(this.name, 50),
      'id',
      id,
      `gives the name '${this.name}', which is not a DNS label of at most 50 characters`,
      'use a short lowercase id',
    );
    for (const [prop, image] of [
      ['image', props.image],
      ['exporterImage', props.exporterImage],
    ] as const) {
      const problem = image === undefined ? undefined : imagePinningProblem(image);
      if (problem) v.add(prop, image, ...problem);
    }
    const resources = props.resources;
    checkResources(v, resources);
    const limit = resources?.memory?.limit ? sizeBytes(resources.memory.limit) : 0;
    this.maxMemoryBytes = props.maxMemory ? sizeBytes(props.maxMemory) : Math.floor(limit * 0.75);
    if (props.maxMemory && limit > 0) {
      // Replication buffers, fragmentation and the fork for RDB need headroom above maxmemory.
      v.check(
        this.maxMemoryBytes > limit * 0.9,
        'maxMemory',
        props.maxMemory.asString(),
        `leaves less than 10 % of the memory limit (${resources.memory!.limit!.asString()}) for buffers and forks, so the pod is OOM-killed before it evicts`,
        'lower maxMemory to at most 90 % of the limit (75 % is the default)',
      );
    }
    const evictionPolicy = props.evictionPolicy ?? 'allkeys-lru';
    v.check(
      !EVICTION_POLICIES.includes(evictionPolicy),
      'evictionPolicy',
      evictionPolicy,
      'is not a Redis maxmemory-policy',
      `use one of ${EVICTION_POLICIES.join(', ')}`,
    );

    const singleInstance = props.singleInstance ?? false;
    v.check(
      !props.sentinel && !singleInstance,
      'sentinel',
      undefined,
      'is not set, so one pod failure takes the cache down',
      'add sentinel: {} for replication with failover, or set singleInstance: true to accept it explicitly',
    );
    v.check(props.sentinel !== undefined && singleInstance, 'singleInstance', true, 'contradicts sentinel', 'remove one of them');
    if (props.sentinel) {
      const replicas = props.sentinel.replicas ?? 3;
      const quorum = props.sentinel.quorum ?? Math.floor(replicas / 2) + 1;
      v.check(
        !Number.isInteger(replicas) || replicas < 3,
        'sentinel.replicas',
        replicas,
        'cannot keep a sentinel majority when one pod is lost',
        'use at least 3',
      );
      v.check(
        !Number.isInteger(quorum) || quorum < 2 || quorum > replicas,
        'sentinel.quorum',
        quorum,
        `must be between 2 and the replicas (${replicas})`,
        'leave it unset for a majority',
      );
      const masterSet = props.sentinel.masterSet ?? 'mymaster';
      v.check(!/^[A-Za-z0-9_-]+$/.test(masterSet), 'sentinel.masterSet', masterSet, 'is not a simple name', 'use letters, digits, _ and -');
      this.sentinel = { replicas, quorum, masterSet, downAfterMilliseconds: props.sentinel.downAfterMilliseconds ?? 5000 };
    }
    this.replicas = this.sentinel?.replicas ?? 1;
    this.persistent = props.persistence !== undefined;
    this.declaredSize = props.persistence?.size ?? Size.mebibytes(Math.ceil(this.maxMemoryBytes / 1024 ** 2));
    if (props.persistence) {
      v.check(
        sizeBytes(props.persistence.size) < this.maxMemoryBytes * 2,
        'persistence.size',
        props.persistence.size.asString(),
        `is less than twice maxmemory (${Math.round(this.maxMemoryBytes / 1024 / 1024)} MiB), so an RDB rewrite can fill the volume`,
        'size the volume at least 2 × maxMemory',
      );
      for (const rule of props.persistence.snapshots ?? []) {
        v.check(!/^\d+ \d+$/.test(rule), 'persistence.snapshots', rule, 'is not "<seconds> <changes>"', "write e.g. '300 100'");
      }
    }
    if (this.sentinel) {
      // redis.io, replication: "Safety of replication when master has persistence turned off". A
      // master restarted within down-after-milliseconds is never failed over: it returns empty,
      // still the master, and every replica resynchronises to the empty dataset.
      const why = `comes back empty within down-after-milliseconds (${this.sentinel.downAfterMilliseconds} ms), still the master, and its replicas copy the empty dataset`;
      const size = Math.max(1, Math.ceil((2 * this.maxMemoryBytes) / 1024 ** 3));
      v.check(
        !props.persistence,
        'persistence',
        undefined,
        `is not set while Sentinel manages failover: a restarted master ${why}`,
        `add persistence: { size: Size.gibibytes(${size}), appendOnly: true } (the AOF loses at most a second of writes)`,
      );
      v.check(
        props.persistence !== undefined &&
          !(props.persistence.appendOnly ?? false) &&
          (props.persistence.snapshots ?? DEFAULT_SNAPSHOTS).length === 0,
        'persistence.snapshots',
        [],
        `with appendOnly false writes nothing to the volume, so under Sentinel a restarted master ${why}`,
        'set appendOnly: true, or keep RDB snapshot rules',
      );
    }
    v.throwIfAny();

    const version = toLabelValue(parseImage(props.image).tag ?? 'unknown');
    this.labels = recommendedLabels({ system: chart.system, component: id, environment: this.environment.name, version });
    this.selector = selectorLabels({ system: chart.system, component: id, environment: this.environment.name });
    const spec: RedisSpec = {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      selector: this.selector,
      image: props.image,
      exporterImage: props.exporterImage ?? Images.REDIS_EXPORTER,
      resources: props.resources,
      maxMemoryBytes: this.maxMemoryBytes,
      evictionPolicy,
      replicas: this.replicas,
      sentinel: this.sentinel,
      priorityClass: props.priorityClass ?? PriorityClass.DATA,
      persistence: props.persistence
        ? {
            size: props.persistence.size.asString(),
            storageClass: props.persistence.storageClass?.name,
            nodeLocal: props.persistence.storageClass?.nodeLocal ?? false,
            snapshots: props.persistence.snapshots ?? DEFAULT_SNAPSHOTS,
            appendOnly: props.persistence.appendOnly ?? false,
          }
        : undefined,
      password: this.password,
      prometheusNamespace: props.prometheusNamespace ?? 'monitoring',
    };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: redisMetadata(spec, spec.name), automountServiceAccountToken: false });
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: redisMetadata(spec, spec.name), data: redisConfigData(spec) });
    new k8s.KubeService(this, 'HeadlessService', headlessServiceProps(spec));
    new k8s.KubeService(this, 'Service', serviceProps(spec));
    new k8s.KubeStatefulSet(this, 'StatefulSet', statefulSetProps(spec));
    if (spec.sentinel) new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', podDisruptionBudgetProps(spec));
    new ServiceMonitor(this, 'ServiceMonitor', serviceMonitorProps(spec));
    // Lazy: clients and backup jobs register after the cache is constructed.
    new k8s.KubeNetworkPolicy(
      this,
      'NetworkPolicy',
      networkPolicyProps(
        spec,
        Lazy.any({
          produce: () =>
            redisIngress(spec, {
              clients: this.clients.map((c) => c.asNetworkPeer()._toKube()),
              backupJobs: this.backupJobs.map((p) => p._toKube()),
            }),
        }),
      ),
    );
    chart.addDataComponent(this);
  }

  /**
   * Connects `service`: adds `<prefix>HOST`, `PORT` (and `SENTINEL_MASTER` in sentinel mode, where
   * HOST/PORT name the sentinels) and `PASSWORD` from the Secret, and opens the NetworkPolicies.
   */
  public addClient(service: ReliableService, options: { envPrefix?: string } = {}): void {
    const v = new Violations(this);
    v.check(
      service.environment !== this.environment,
      'addClient',
      service.node.path,
      `is in environment '${service.environment.name}', not '${this.environment.name}'`,
      'connect services of the same environment',
    );
    v.check(this.clients.includes(service), 'addClient', service.name, 'is already a client', 'add each service once');
    v.throwIfAny();
    this.clients.push(service);
    const prefix = options.envPrefix ?? 'REDIS_';
    service.addEnv(`${prefix}HOST`, EnvValue.literal(`${this.serviceName}.${this.namespace}.svc`), `RedisCache ${this.name}`);
    service.addEnv(`${prefix}PORT`, EnvValue.literal(String(this.sentinel ? SENTINEL_PORT : REDIS_PORT)), `RedisCache ${this.name}`);
    if (this.sentinel) service.addEnv(`${prefix}SENTINEL_MASTER`, EnvValue.literal(this.sentinel.masterSet), `RedisCache ${this.name}`);
    if (this.password)
      service.addEnv(`${prefix}PASSWORD`, EnvValue.fromSecret(this.password.name, this.password.key), `RedisCache ${this.name}`);
    // Sentinel clients ask the sentinels, then talk to the master pod directly.
    service.addDependency({
      to: NetworkPeer.podsInNamespace(this.namespace, this.selector),
      ports: this.sentinel ? [SENTINEL_PORT, REDIS_PORT] : [REDIS_PORT],
    });
  }

  /**
   * The cache as a BackupSource (RDB snapshot with `redis-cli --rdb`), with the cache's own image:
   * through the client Service of a single instance; in sentinel mode from the master the
   * sentinels name at each run — a fixed pod may be a replica by then, or gone, and only the
   * master is sure to hold every acknowledged write.
   */
  public backupSource(): BackupSource {
    return BackupSource.redis({
      host: `${this.serviceName}.${this.namespace}.svc`,
      port: this.sentinel ? SENTINEL_PORT : REDIS_PORT,
      sentinel: this.sentinel ? { masterSet: this.sentinel.masterSet, masterPort: REDIS_PORT } : undefined,
      password: this.password,
      image: this.image,
      peer: NetworkPeer.podsInNamespace(this.namespace, this.selector),
      server: this,
      declaredSize: this.declaredSize,
    });
  }

  /** Admits a backup job's pods on the Redis port, and the sentinels' in sentinel mode (called by BackupSchedule). */
  public admitBackupJob(peer: NetworkPeer): void {
    this.backupJobs.push(peer);
  }

  /** The names of the client services (a copy). */
  public get clientNames(): string[] {
    return this.clients.map((c) => c.name);
  }

  /** The target of its ServiceMonitor: the client Service (the headless one is excluded), so `job` is its name. */
  public scrapeTargets(): ScrapeTarget[] {
    return [
      serviceMonitorTarget(
        { name: this.name, namespace: this.namespace },
        { name: this.name, namespace: this.namespace, labels: this.labels },
      ),
    ];
  }

  /** Replicas, Sentinel, persistence and maxmemory, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      caches: [
        {
          name: this.name,
          replicas: this.replicas,
          sentinelQuorum: this.sentinel?.quorum,
          persistent: this.persistent,
          maxMemoryBytes: this.maxMemoryBytes,
        },
      ],
      policyExemptions: polarisExemptionFacts(`StatefulSet ${this.name}`, WORKLOAD_EXEMPTIONS),
    };
  }
}
