import { k8s } from 'cdk8s-plus-28';
import { NAMESPACE_NAME_LABEL } from './conventions';

/** A NetworkPolicy port: TCP `port`. */
export function tcpPort(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}

/**
 * Egress to the cluster DNS (kube-dns / CoreDNS pods in kube-system, UDP and TCP 53): every pod
 * with an egress policy needs it to resolve anything.
 */
export function dnsEgressRule(): k8s.NetworkPolicyEgressRule {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ],
    ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcpPort(53)],
  };
}
