import { k8s } from 'cdk8s-plus-28';
import { dnsEgressRule } from '../../core/network';
import { NetworkPeer } from '../../core/network-peer';

/** One NetworkPolicy rule: a peer and the TCP port numbers it may reach (ingress) or be reached on (egress). */
export interface PeerRule {
  readonly peer: NetworkPeer;
  readonly ports: readonly number[];
}

/** Ingress rules; undefined (nothing admitted) when there are none. */
export function renderIngressRules(rules: readonly PeerRule[]): k8s.NetworkPolicyIngressRule[] | undefined {
  const rendered = rules.map((rule) => ({ from: [rule.peer._toKube()], ports: tcpPorts(rule.ports) }));
  return rendered.length > 0 ? rendered : undefined;
}

/** Egress rules: DNS always, then each dependency. */
export function renderEgressRules(rules: readonly PeerRule[]): k8s.NetworkPolicyEgressRule[] {
  return [dnsEgressRule(), ...rules.map((rule) => ({ to: [rule.peer._toKube()], ports: tcpPorts(rule.ports) }))];
}

/**
 * The deny-by-default policy of the pods `selector` matches. `ingress` and `egress` are taken
 * as given so the construct can pass Lazy values (rules are still added after construction).
 */
export function renderNetworkPolicy(
  metadata: k8s.ObjectMeta,
  selector: Readonly<Record<string, string>>,
  ingress: k8s.NetworkPolicyIngressRule[] | undefined,
  egress: k8s.NetworkPolicyEgressRule[],
): k8s.KubeNetworkPolicyProps {
  return {
    metadata,
    spec: {
      podSelector: { matchLabels: { ...selector } },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  };
}

function tcpPorts(ports: readonly number[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}
