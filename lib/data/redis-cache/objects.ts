import { k8s } from 'cdk8s-plus-28';
import { ServiceMonitorProps } from '../../../imports/prometheus-servicemonitor-monitoring.coreos.com';
import { NAMESPACE_NAME_LABEL } from '../../core/conventions';
import { dnsEgressRule, tcpPort as tcp } from '../../core/network';
import { redisConf, redisInitScript } from './redis-config';
import { EXPORTER_PORT, HEADLESS_LABEL, REDIS_PORT, RedisSpec, redisMetadata, SENTINEL_PORT } from './spec';

/** The ConfigMap's data: the static redis.conf and the init script adding credentials and replication. */
export function redisConfigData(spec: RedisSpec): Record<string, string> {
  return {
    'redis.conf': redisConf({
      maxMemoryBytes: spec.maxMemoryBytes,
      evictionPolicy: spec.evictionPolicy,
      snapshots: spec.persistence ? spec.persistence.snapshots : [],
      appendOnly: spec.persistence?.appendOnly ?? false,
    }),
    'init.sh': redisInitScript({
      name: spec.name,
      password: spec.password !== undefined,
      sentinel: spec.sentinel ? { ...spec.sentinel, failoverTimeoutMilliseconds: 60_000 } : undefined,
    }),
  };
}

/** The headless Service giving each pod a DNS name (replication, sentinels, backups). */
export function headlessServiceProps(spec: RedisSpec): k8s.KubeServiceProps {
  return {
    // Marked, so the ServiceMonitor scrapes each pod once, through the client Service.
    metadata: { ...redisMetadata(spec, `${spec.name}-headless`), labels: { ...spec.labels, [HEADLESS_LABEL]: 'true' } },
    spec: {
      clusterIp: 'None',
      // Replicas and sentinels must resolve each other before they are ready.
      publishNotReadyAddresses: true,
      selector: { ...spec.selector },
      ports: [
        { name: 'redis', port: REDIS_PORT, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' },
        ...(spec.sentinel
          ? [{ name: 'sentinel', port: SENTINEL_PORT, targetPort: k8s.IntOrString.fromString('sentinel'), protocol: 'TCP' }]
          : []),
      ],
    },
  };
}

/** The client Service: Redis itself, or the sentinels in replicated mode; and the metrics. */
export function serviceProps(spec: RedisSpec): k8s.KubeServiceProps {
  return {
    metadata: redisMetadata(spec, spec.name),
    spec: {
      type: 'ClusterIP',
      selector: { ...spec.selector },
      ports: [
        spec.sentinel
          ? { name: 'sentinel', port: SENTINEL_PORT, targetPort: k8s.IntOrString.fromString('sentinel'), protocol: 'TCP' }
          : { name: 'redis', port: REDIS_PORT, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' },
        { name: 'metrics', port: EXPORTER_PORT, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' },
      ],
    },
  };
}

export function podDisruptionBudgetProps(spec: RedisSpec): k8s.KubePodDisruptionBudgetProps {
  return {
    metadata: redisMetadata(spec, spec.name),
    spec: {
      selector: { matchLabels: { ...spec.selector } },
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}

export function serviceMonitorProps(spec: RedisSpec): ServiceMonitorProps {
  return {
    metadata: redisMetadata(spec, spec.name),
    spec: {
      selector: { matchLabels: { ...spec.selector }, matchExpressions: [{ key: HEADLESS_LABEL, operator: 'DoesNotExist' }] },
      namespaceSelector: { matchNames: [spec.namespace] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
    },
  };
}

/** The peers admitted besides the fixed ones. */
export interface RedisPeers {
  readonly clients: k8s.NetworkPolicyPeer[];
  readonly backupJobs: k8s.NetworkPolicyPeer[];
}

/** The pods' own ports: Redis, and the sentinel's in replicated mode. */
function ownPorts(spec: RedisSpec): k8s.NetworkPolicyPort[] {
  return spec.sentinel ? [tcp(REDIS_PORT), tcp(SENTINEL_PORT)] : [tcp(REDIS_PORT)];
}

export function redisIngress(spec: RedisSpec, peers: RedisPeers): k8s.NetworkPolicyIngressRule[] {
  const own = { podSelector: { matchLabels: { ...spec.selector } } };
  return [
    ...(spec.sentinel ? [{ from: [own], ports: ownPorts(spec) }] : []),
    { from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: spec.prometheusNamespace } } }], ports: [tcp(EXPORTER_PORT)] },
    // An empty `from` would admit everyone: no rule without peers.
    ...(peers.clients.length > 0 ? [{ from: peers.clients, ports: ownPorts(spec) }] : []),
    // Backup jobs ask the sentinels for the master, then snapshot it.
    ...(peers.backupJobs.length > 0 ? [{ from: peers.backupJobs, ports: ownPorts(spec) }] : []),
  ];
}

/** The NetworkPolicy; `ingress` is passed in because clients register after construction (a Lazy of {@link redisIngress}). */
export function networkPolicyProps(spec: RedisSpec, ingress: k8s.NetworkPolicyIngressRule[]): k8s.KubeNetworkPolicyProps {
  const own = { podSelector: { matchLabels: { ...spec.selector } } };
  return {
    metadata: redisMetadata(spec, spec.name),
    spec: {
      podSelector: { matchLabels: { ...spec.selector } },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress: [dnsEgressRule(), ...(spec.sentinel ? [{ to: [own], ports: ownPorts(spec) }] : [])],
    },
  };
}
