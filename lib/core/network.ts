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

/**
 * The two policies every system namespace starts from: `default-deny` selects every pod for
 * ingress and egress with no rule, so a pod reaches and is reached by only what its own policies
 * open (NetworkPolicies are additive: a union of allows, never a deny); `allow-dns` lets every pod
 * resolve names, including pods no Reliakit policy selects (CNPG's, Litmus') and one-off pods.
 */
export function namespaceNetworkPolicies(
  namespace: string,
  metadata: (component: string) => k8s.ObjectMeta,
): { defaultDeny: k8s.KubeNetworkPolicyProps; allowDns: k8s.KubeNetworkPolicyProps } {
  return {
    defaultDeny: {
      metadata: { ...metadata('default-deny'), namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    allowDns: {
      metadata: { ...metadata('allow-dns'), namespace },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgressRule()] },
    },
  };
}
