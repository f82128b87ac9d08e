import { k8s } from 'cdk8s-plus-28';
import { renderDisruptionBudget, resolveDisruptionBudget } from '../../../lib/workload/reliable-service/disruption-budget';
import { DisruptionBudgetProps, UnhealthyPodEvictionPolicy } from '../../../lib/workload/reliable-service/props';
import { messagesOf, PATH, violations } from './support';

describe('resolveDisruptionBudget', () => {
  const rows: Array<[string, DisruptionBudgetProps | undefined, number, boolean, DisruptionBudgetProps | undefined, string[]]> = [
    [
      'default: maxUnavailable 1, AlwaysAllow',
      undefined,
      2,
      false,
      { maxUnavailable: 1, unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
      [],
    ],
    [
      'minAvailable with IfHealthyBudget',
      { minAvailable: '50%', unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET },
      4,
      false,
      { minAvailable: '50%', unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET },
      [],
    ],
    ['single replica: no PDB', undefined, 1, true, undefined, []],
    [
      'single replica with a budget',
      { maxUnavailable: 1 },
      1,
      true,
      undefined,
      [
        `${PATH}: 'disruptionBudget' ({"maxUnavailable":1}) is set although singleReplica drops the PDB — remove disruptionBudget, or remove singleReplica and run at least 2 replicas`,
      ],
    ],
    [
      'both minAvailable and maxUnavailable',
      { minAvailable: 1, maxUnavailable: 1 },
      2,
      false,
      undefined,
      [
        `${PATH}: 'disruptionBudget' ({"minAvailable":1,"maxUnavailable":1}) sets both minAvailable and maxUnavailable, which Kubernetes rejects — keep exactly one of them`,
      ],
    ],
    [
      'minAvailable of every pod at the minimum',
      { minAvailable: '100%' },
      3,
      false,
      { minAvailable: '100%', unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
      [
        `${PATH}: 'disruptionBudget.minAvailable' ('100%') requires 3 of 3 pods at the minimum replica count, so no node can ever be drained — lower the budget or raise the minimum replica count (3)`,
      ],
    ],
    [
      'maxUnavailable 0',
      { maxUnavailable: 0 },
      2,
      false,
      { maxUnavailable: 0, unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
      [
        `${PATH}: 'disruptionBudget.maxUnavailable' (0) allows no pod to be evicted, so no node can ever be drained — allow at least 1 (or a non-zero percentage)`,
      ],
    ],
    [
      'a malformed percentage',
      { maxUnavailable: '150%' },
      2,
      false,
      { maxUnavailable: '150%', unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
      [`${PATH}: 'disruptionBudget.maxUnavailable' ('150%') is neither a non-negative integer nor a percentage — use e.g. 1 or '25%'`],
    ],
  ];

  test.each(rows)('%s', (_name, props, minReplicas, singleReplica, expected, messages) => {
    const v = violations();
    expect(resolveDisruptionBudget(v, props, minReplicas, singleReplica)).toEqual(expected);
    expect(messagesOf(v)).toEqual(messages);
  });
});

describe('renderDisruptionBudget', () => {
  const METADATA = { name: 'test-api', namespace: 'test' };
  const SELECTOR = { 'app.kubernetes.io/name': 'test-api' };
  test.each([
    [
      'maxUnavailable',
      { maxUnavailable: 1, unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
      { metadata: METADATA, spec: { selector: { matchLabels: SELECTOR }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' } },
    ],
    [
      'minAvailable percentage',
      { minAvailable: '50%', unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET },
      {
        metadata: METADATA,
        spec: { selector: { matchLabels: SELECTOR }, minAvailable: '50%', unhealthyPodEvictionPolicy: 'IfHealthyBudget' },
      },
    ],
  ])('%s', (_name, budget, expected) => {
    expect(k8s.toJson_KubePodDisruptionBudgetProps(renderDisruptionBudget(METADATA, SELECTOR, budget))).toEqual(expected);
  });
});
