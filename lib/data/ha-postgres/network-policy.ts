import { k8s } from 'cdk8s-plus-28';
import { NAMESPACE_NAME_LABEL } from '../../core/conventions';
import { tcpPort as tcp } from '../../core/network';
import { poolerNames } from './pooler';
import { INSTANCE_MANAGER_PORT, METRICS_PORT, POSTGRES_PORT, PostgresSpec, postgresMetadata } from './spec';

/**
 * The instances' NetworkPolicy; `ingress` is passed in because clients and backup jobs register
 * after construction (a Lazy of {@link clusterIngress}).
 */
export function clusterNetworkPolicyProps(spec: PostgresSpec, ingress: k8s.NetworkPolicyIngressRule[]): k8s.KubeNetworkPolicyProps {
  return {
    metadata: postgresMetadata(spec, spec.name),
    spec: {
      podSelector: { matchLabels: { 'cnpg.io/cluster': spec.name } },
      // Ingress only: instances must reach the API server, the object store and each other,
      // which a generic egress rule could not express without weakening it.
      policyTypes: ['Ingress'],
      ingress,
    },
  };
}

/** The peers admitted to the instances besides the fixed ones. */
export interface ClusterPeers {
  /** Clients connecting straight to the primary. */
  readonly clients: k8s.NetworkPolicyPeer[];
  /** Backup jobs dumping the database. */
  readonly backupJobs: k8s.NetworkPolicyPeer[];
}

export function clusterIngress(spec: PostgresSpec, peers: ClusterPeers): k8s.NetworkPolicyIngressRule[] {
  const ns = (name: string) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } });
  const own = { podSelector: { matchLabels: { 'cnpg.io/cluster': spec.name } } };
  return [
    // Replication between instances, and this cluster's poolers (if any).
    {
      from: [
        own,
        ...(spec.pooler
          ? [
              {
                podSelector: {
                  matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: poolerNames(spec.name, spec.pooler) }],
                },
              },
            ]
          : []),
      ],
      ports: [tcp(POSTGRES_PORT)],
    },
    { from: [ns(spec.operatorNamespace), own], ports: [tcp(INSTANCE_MANAGER_PORT)] },
    { from: [ns(spec.prometheusNamespace)], ports: [tcp(METRICS_PORT)] },
    // An empty `from` would admit everyone: no rule without peers.
    ...(peers.clients.length > 0 ? [{ from: peers.clients, ports: [tcp(POSTGRES_PORT)] }] : []),
    ...(peers.backupJobs.length > 0 ? [{ from: peers.backupJobs, ports: [tcp(POSTGRES_PORT)] }] : []),
  ];
}
