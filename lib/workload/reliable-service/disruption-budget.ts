import { k8s } from 'cdk8s-plus-28';
import { Violations } from '../../core/validation';
import { countAt, intOrString } from './int-or-percent';
import { DisruptionBudgetProps, UnhealthyPodEvictionPolicy } from './props';

/**
 * The PodDisruptionBudget with its defaults decided, checked against the lowest replica count;
 * undefined with `singleReplica` (a budget on one pod blocks every node drain).
 */
export function resolveDisruptionBudget(
  v: Violations,
  props: DisruptionBudgetProps | undefined,
  minReplicas: number,
  singleReplica: boolean,
): DisruptionBudgetProps | undefined {
  v.check(
    singleReplica && props !== undefined,
    'disruptionBudget',
    props,
    'is set although singleReplica drops the PDB',
    'remove disruptionBudget, or remove singleReplica and run at least 2 replicas',
  );
  if (singleReplica) return undefined;
  const policy = props?.unhealthyPodEvictionPolicy ?? UnhealthyPodEvictionPolicy.ALWAYS_ALLOW;
  if (props?.minAvailable !== undefined && props.maxUnavailable !== undefined) {
    v.add('disruptionBudget', props, 'sets both minAvailable and maxUnavailable, which Kubernetes rejects', 'keep exactly one of them');
    return undefined;
  }
  const min = minReplicas;
  const fix = `lower the budget or raise the minimum replica count (${min})`;
  if (props?.minAvailable !== undefined) {
    const required = countAt(props.minAvailable, min);
    if (required === undefined) {
      v.add(
        'disruptionBudget.minAvailable',
        props.minAvailable,
        'is neither a non-negative integer nor a percentage',
        "use e.g. 1 or '50%'",
      );
    } else {
      v.check(
        required >= min,
        'disruptionBudget.minAvailable',
        props.minAvailable,
        `requires ${required} of ${min} pods at the minimum replica count, so no node can ever be drained`,
        fix,
      );
    }
    return { minAvailable: props.minAvailable, unhealthyPodEvictionPolicy: policy };
  }
  const maxUnavailable = props?.maxUnavailable ?? 1;
  const allowed = countAt(maxUnavailable, min);
  if (allowed === undefined) {
    v.add('disruptionBudget.maxUnavailable', maxUnavailable, 'is neither a non-negative integer nor a percentage', "use e.g. 1 or '25%'");
  } else {
    v.check(
      allowed === 0,
      'disruptionBudget.maxUnavailable',
      maxUnavailable,
      'allows no pod to be evicted, so no node can ever be drained',
      'allow at least 1 (or a non-zero percentage)',
    );
  }
  return { maxUnavailable, unhealthyPodEvictionPolicy: policy };
}

export function renderDisruptionBudget(
  metadata: k8s.ObjectMeta,
  selector: Readonly<Record<string, string>>,
  budget: DisruptionBudgetProps,
): k8s.KubePodDisruptionBudgetProps {
  return {
    metadata,
    spec: {
      selector: { matchLabels: { ...selector } },
      minAvailable: budget.minAvailable === undefined ? undefined : intOrString(budget.minAvailable),
      maxUnavailable: budget.maxUnavailable === undefined ? undefined : intOrString(budget.maxUnavailable),
      unhealthyPodEvictionPolicy: budget.unhealthyPodEvictionPolicy,
    },
  };
}
