import { k8s } from 'cdk8s-plus-28';
import { NAMESPACE_NAME_LABEL } from '../../core/conventions';
import { ApiServerEndpoint } from '../../core/api-server';
import { dnsEgressRule, tcpPort as tcp } from '../../core/network';
import { NetworkPeer } from '../../core/network-peer';
import { BackupTarget } from '../backup-target';
import { peerOfHost } from '../backup-schedule/resolve';
import { poolerNames } from './pooler';
import { INSTANCE_MANAGER_PORT, METRICS_PORT, POSTGRES_PORT, PostgresSpec, postgresMetadata } from './spec';

/**
 * The instances' NetworkPolicy; `ingress` is passed in because clients and backup jobs register
 * after construction (a Lazy of {@link clusterIngress}).
 */
export function clusterNetworkPolicyProps(
  spec: PostgresSpec,
  ingress: k8s.NetworkPolicyIngressRule[],
  egress: k8s.NetworkPolicyEgressRule[],
): k8s.KubeNetworkPolicyProps {
  return {
    metadata: postgresMetadata(spec, spec.name),
    spec: {
      podSelector: { matchLabels: { 'cnpg.io/cluster': spec.name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  };
}

/**
 * What the instances (and CNPG's initdb/join Job pods, which carry the same `cnpg.io/cluster`
 * label) open under the namespace's default-deny: DNS; the API server, which the instance manager
 * watches and reports to; each other, for streaming replication (5432) and the instance status
 * endpoint a replica's manager polls (8000); and the object store the WAL archive and base
 * backups go to.
 */
export function clusterEgress(spec: PostgresSpec, apiServer: ApiServerEndpoint): k8s.NetworkPolicyEgressRule[] {
  const own = { podSelector: { matchLabels: { 'cnpg.io/cluster': spec.name } } };
  return [
    dnsEgressRule(),
    apiServer.egressRule(),
    { to: [own], ports: [tcp(POSTGRES_PORT), tcp(INSTANCE_MANAGER_PORT)] },
    ...(spec.backup ? [objectStoreEgress(spec.backup.target)] : []),
  ];
}

/**
 * Egress to an object store: AWS S3 has no fixed addresses (the public internet on 443); an
 * in-cluster endpoint (`svc.ns[.svc…]`) its namespace; any other host, outside the cluster, the
 * public internet on the endpoint's port.
 */
export function objectStoreEgress(target: BackupTarget): k8s.NetworkPolicyEgressRule {
  const url = new URL(target.endpoint);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const peer = (target.provider === 'aws' ? undefined : peerOfHost(url.hostname)) ?? NetworkPeer.publicInternet();
  return { to: [peer._toKube()], ports: [tcp(port)] };
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
