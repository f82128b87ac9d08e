import { k8s } from 'cdk8s-plus-28';
import { NetworkPeer } from '../../../lib/core/network-peer';
import { PeerRule, renderEgressRules, renderIngressRules, renderNetworkPolicy } from '../../../lib/workload/reliable-service/network';

const WEB = NetworkPeer.podsInNamespace('test', { 'app.kubernetes.io/name': 'test-web' });
const WEB_JSON = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'test-web' } },
};
const MONITORING_JSON = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
const DNS_JSON = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

describe('renderIngressRules', () => {
  test.each<[string, PeerRule[], object[] | undefined]>([
    ['nothing admitted', [], undefined],
    [
      'a service on one port, Prometheus on the metrics port',
      [
        { peer: WEB, ports: [8080] },
        { peer: NetworkPeer.namespace('monitoring'), ports: [9090] },
      ],
      [
        { from: [WEB_JSON], ports: [{ protocol: 'TCP', port: 8080 }] },
        { from: [MONITORING_JSON], ports: [{ protocol: 'TCP', port: 9090 }] },
      ],
    ],
    [
      'a peer on two ports',
      [{ peer: WEB, ports: [8080, 9000] }],
      [
        {
          from: [WEB_JSON],
          ports: [
            { protocol: 'TCP', port: 8080 },
            { protocol: 'TCP', port: 9000 },
          ],
        },
      ],
    ],
  ])('%s', (_name, rules, expected) => {
    expect(renderIngressRules(rules)?.map((r) => k8s.toJson_NetworkPolicyIngressRule(r))).toEqual(expected);
  });
});

describe('renderEgressRules', () => {
  test.each<[string, PeerRule[], object[]]>([
    ['DNS only', [], [DNS_JSON]],
    [
      'DNS, then each dependency',
      [
        { peer: WEB, ports: [8080] },
        { peer: NetworkPeer.namespace('monitoring'), ports: [5432, 6432] },
      ],
      [
        DNS_JSON,
        { to: [WEB_JSON], ports: [{ protocol: 'TCP', port: 8080 }] },
        {
          to: [MONITORING_JSON],
          ports: [
            { protocol: 'TCP', port: 5432 },
            { protocol: 'TCP', port: 6432 },
          ],
        },
      ],
    ],
  ])('%s', (_name, rules, expected) => {
    expect(renderEgressRules(rules).map((r) => k8s.toJson_NetworkPolicyEgressRule(r))).toEqual(expected);
  });
});

test('renderNetworkPolicy: deny by default in both directions, rules as given', () => {
  const metadata = { name: 'test-api', namespace: 'test' };
  const selector = { 'app.kubernetes.io/name': 'test-api' };
  expect(k8s.toJson_KubeNetworkPolicyProps(renderNetworkPolicy(metadata, selector, undefined, renderEgressRules([])))).toEqual({
    metadata,
    spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress', 'Egress'], egress: [DNS_JSON] },
  });
});
