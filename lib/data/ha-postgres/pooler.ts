import { k8s } from 'cdk8s-plus-28';
import {
  PoolerProps as CnpgPoolerProps,
  PoolerSpecTemplateSpecContainersLivenessProbeTcpSocketPort,
  PoolerSpecTemplateSpecTopologySpreadConstraints,
  PoolerSpecPgbouncerPoolMode,
  PoolerSpecType,
} from '../../../imports/cnpg-pooler-postgresql.cnpg.io';
import { PodMonitorProps } from '../../../imports/prometheus-podmonitor-monitoring.coreos.com';
import { NAMESPACE_NAME_LABEL } from '../../core/conventions';
import { ApiServerEndpoint } from '../../core/api-server';
import { dnsEgressRule, tcpPort as tcp } from '../../core/network';
import { renderResources } from '../../core/resources';
import { POOLER_METRICS_PORT, POSTGRES_PORT, PostgresSpec, postgresMetadata, ResolvedPooler, withPolarisExemptions } from './spec';

/** The poolers' names (also their Services): read-write, and read-only when asked for. */
export function poolerNames(name: string, pooler: Pick<ResolvedPooler, 'readOnly'> | undefined): string[] {
  return pooler?.readOnly ? [`${name}-pooler-rw`, `${name}-pooler-ro`] : [`${name}-pooler-rw`];
}

/** One PgBouncer Pooler and its PodMonitor, per pooler name. */
export interface PoolerObjects {
  /** `rw` or `ro`. */
  readonly type: 'rw' | 'ro';
  readonly pooler: CnpgPoolerProps;
  readonly podMonitor: PodMonitorProps;
  /** CNPG makes no budget for a Pooler's Deployment: without one a drain may evict every PgBouncer at once. */
  readonly disruptionBudget: k8s.KubePodDisruptionBudgetProps;
}

export function poolerObjects(spec: PostgresSpec, pooler: ResolvedPooler): PoolerObjects[] {
  return poolerNames(spec.name, pooler).map((name) => {
    const type = name.endsWith('-ro') ? 'ro' : 'rw';
    return {
      type,
      pooler: {
        metadata: withPolarisExemptions(postgresMetadata(spec, name)),
        spec: {
          cluster: { name: spec.name },
          instances: pooler.instances,
          type: type === 'rw' ? PoolerSpecType.RW : PoolerSpecType.RO,
          // CNPG merges this template into the PgBouncer Deployment's pod (its container `pgbouncer`
          // keeps CNPG's command, ports, security context and TCP readiness probe): without
          // resources the pods run unbounded, without a spread both can land on one node.
          template: {
            spec: {
              priorityClassName: spec.priorityClass.name,
              topologySpreadConstraints: [
                poolerSpread('kubernetes.io/hostname', name),
                ...(spec.spreadAcrossZones ? [poolerSpread('topology.kubernetes.io/zone', name)] : []),
              ],
              containers: [
                {
                  name: 'pgbouncer',
                  image: pooler.image,
                  resources: renderResources(pooler.resources) as never,
                  // PgBouncer accepting on its port: a wedged process is restarted. Not a query:
                  // the database being down must not restart every pooler.
                  livenessProbe: {
                    tcpSocket: { port: PoolerSpecTemplateSpecContainersLivenessProbeTcpSocketPort.fromNumber(POSTGRES_PORT) },
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                    failureThreshold: 3,
                  },
                },
              ],
            },
          },
          pgbouncer: {
            poolMode: pooler.poolMode as string as PoolerSpecPgbouncerPoolMode,
            parameters: {
              ...pooler.parameters,
              default_pool_size: String(pooler.defaultPoolSize),
              max_client_conn: String(pooler.maxClientConnections),
            },
          },
        },
      },
      podMonitor: {
        metadata: postgresMetadata(spec, name),
        spec: { selector: { matchLabels: { 'cnpg.io/poolerName': name } }, podMetricsEndpoints: [{ port: 'metrics' }] },
      },
      disruptionBudget: {
        metadata: postgresMetadata(spec, name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'cnpg.io/poolerName': name } } },
      },
    };
  });
}

/**
 * The poolers' NetworkPolicy; `ingress` is passed in because clients register after construction
 * (a Lazy of {@link poolerIngress}).
 */
export function poolerNetworkPolicyProps(
  spec: PostgresSpec,
  ingress: k8s.NetworkPolicyIngressRule[],
  apiServer: ApiServerEndpoint,
): k8s.KubeNetworkPolicyProps {
  return {
    metadata: postgresMetadata(spec, `${spec.name}-pooler`),
    spec: {
      podSelector: { matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: poolerNames(spec.name, spec.pooler) }] },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      // DNS; the API server (the pooler's instance manager reads its Pooler, Secrets and the
      // cluster's status); the instances PgBouncer connects to.
      egress: [
        dnsEgressRule(),
        apiServer.egressRule(),
        { to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': spec.name } } }], ports: [tcp(POSTGRES_PORT)] },
      ],
    },
  };
}

/** Prometheus on the exporter port, and the pooled clients (none: no rule, as an empty `from` admits everyone). */
export function poolerIngress(spec: PostgresSpec, clients: k8s.NetworkPolicyPeer[]): k8s.NetworkPolicyIngressRule[] {
  return [
    {
      from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: spec.prometheusNamespace } } }],
      ports: [tcp(POOLER_METRICS_PORT)],
    },
    ...(clients.length > 0 ? [{ from: clients, ports: [tcp(POSTGRES_PORT)] }] : []),
  ];
}

/** Soft spread of one Pooler's pods over `topologyKey` (a required one could leave a PgBouncer Pending on a small cluster). */
function poolerSpread(topologyKey: string, pooler: string): PoolerSpecTemplateSpecTopologySpreadConstraints {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway' as never,
    labelSelector: { matchLabels: { 'cnpg.io/poolerName': pooler } },
  };
}
