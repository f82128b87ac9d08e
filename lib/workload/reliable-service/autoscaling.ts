import { ContainerResources, k8s } from 'cdk8s-plus-28';
import { goDuration, isQuantity, wholeSeconds } from '../../core/units';
import { Violations } from '../../core/validation';
import { AutoscalingProps, ScalingBehaviorProps } from './props';

const MAX_STABILIZATION_SECONDS = 3600;
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_POLICY_PERIOD_SECONDS = 1800;

/** The replica count: fixed, or owned by an HPA. */
export interface ResolvedScaling {
  /** Fixed replica count, or undefined when an HPA owns it. */
  readonly replicas: number | undefined;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly autoscaling: AutoscalingProps | undefined;
}

/** What the replica count depends on. */
export interface ScalingInput {
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingProps;
  readonly singleReplica: boolean;
  readonly resources?: ContainerResources;
}

export function resolveScaling(v: Violations, input: ScalingInput): ResolvedScaling {
  const { autoscaling, singleReplica } = input;
  if (autoscaling) {
    v.check(
      input.replicas !== undefined,
      'replicas',
      input.replicas,
      'is set together with autoscaling, which owns the replica count',
      'remove replicas or autoscaling',
    );
    checkAutoscaling(v, autoscaling, input.resources, singleReplica);
    return { replicas: undefined, minReplicas: autoscaling.minReplicas, maxReplicas: autoscaling.maxReplicas, autoscaling };
  }
  const replicas = input.replicas ?? (singleReplica ? 1 : 2);
  checkReplicas(v, replicas, singleReplica);
  return { replicas, minReplicas: replicas, maxReplicas: replicas, autoscaling: undefined };
}

function checkReplicas(v: Violations, replicas: number, singleReplica: boolean): void {
  if (v.check(!Number.isInteger(replicas) || replicas < 1, 'replicas', replicas, 'is not a positive integer', 'use a whole number ≥ 2'))
    return;
  v.check(
    replicas < (singleReplica ? 1 : 2),
    'replicas',
    replicas,
    'leaves no redundancy: one pod failure or node drain takes the service down',
    'use at least 2 replicas, or set singleReplica: true to accept the outage risk explicitly',
  );
}

function checkAutoscaling(v: Violations, a: AutoscalingProps, resources: ContainerResources | undefined, singleReplica: boolean): void {
  const minimum = singleReplica ? 1 : 2;
  v.check(
    !Number.isInteger(a.minReplicas) || a.minReplicas < 1,
    'autoscaling.minReplicas',
    a.minReplicas,
    'is not a positive integer',
    'use a whole number ≥ 2',
  );
  v.check(
    !Number.isInteger(a.maxReplicas) || a.maxReplicas < 1,
    'autoscaling.maxReplicas',
    a.maxReplicas,
    'is not a positive integer',
    'use a whole number ≥ minReplicas',
  );
  v.check(
    a.minReplicas > a.maxReplicas,
    'autoscaling.minReplicas',
    a.minReplicas,
    `is greater than autoscaling.maxReplicas (${a.maxReplicas})`,
    'lower minReplicas or raise maxReplicas',
  );
  v.check(
    a.minReplicas >= 1 && a.minReplicas < minimum,
    'autoscaling.minReplicas',
    a.minReplicas,
    'leaves no redundancy at the minimum: one pod failure or node drain takes the service down',
    singleReplica ? 'use at least 1' : 'use at least 2, or set singleReplica: true to accept the outage risk explicitly',
  );
  const metricCount =
    (a.cpuUtilizationPercent !== undefined ? 1 : 0) +
    (a.memoryUtilizationPercent !== undefined ? 1 : 0) +
    (a.podsMetrics?.length ?? 0) +
    (a.externalMetrics?.length ?? 0);
  v.check(
    metricCount === 0,
    'autoscaling',
    'no metrics',
    'has nothing to scale on',
    'set cpuUtilizationPercent, memoryUtilizationPercent, podsMetrics or externalMetrics',
  );
  for (const [prop, value, request] of [
    ['cpuUtilizationPercent', a.cpuUtilizationPercent, resources?.cpu?.request, 'cpu'],
    ['memoryUtilizationPercent', a.memoryUtilizationPercent, resources?.memory?.request, 'memory'],
  ] as const) {
    if (value === undefined) continue;
    v.check(!(value > 0), `autoscaling.${prop}`, value, 'is not a positive percentage', 'use e.g. 70');
    v.check(
      request === undefined,
      `autoscaling.${prop}`,
      value,
      `is a utilization target, but resources.${prop.startsWith('cpu') ? 'cpu' : 'memory'}.request is not set and utilization is a share of the request`,
      `set resources.${prop.startsWith('cpu') ? 'cpu' : 'memory'}.request`,
    );
  }
  for (const [i, m] of (a.podsMetrics ?? []).entries()) {
    for (const [field, value] of [
      ['name', m.name],
      ['fromCounter', m.fromCounter],
    ] as const) {
      v.check(
        !METRIC_NAME.test(value ?? ''),
        `autoscaling.podsMetrics[${i}].${field}`,
        value,
        'is not a Prometheus metric name',
        field === 'name'
          ? "use letters, digits and underscores, e.g. 'vault_requests_per_second'"
          : "name the counter the service exports, e.g. 'vault_requests_total'",
      );
    }
    v.check(
      !isQuantity(m.averageValue),
      `autoscaling.podsMetrics[${i}].averageValue`,
      m.averageValue,
      'is not a Kubernetes quantity',
      "use a number with an optional SI suffix, e.g. '2000' or '500m'",
    );
  }
  for (const [i, m] of (a.externalMetrics ?? []).entries()) {
    v.check(
      (m.averageValue === undefined) === (m.value === undefined),
      `autoscaling.externalMetrics[${i}]`,
      m.name,
      'needs exactly one of averageValue and value',
      'set averageValue (per pod) or value (total)',
    );
    for (const [field, value] of [
      ['averageValue', m.averageValue],
      ['value', m.value],
    ] as const) {
      v.check(
        value !== undefined && !isQuantity(value),
        `autoscaling.externalMetrics[${i}].${field}`,
        value,
        'is not a Kubernetes quantity',
        "use a number with an optional SI suffix, e.g. '30' or '1.5k'",
      );
    }
  }
  for (const [dir, b] of [
    ['scaleUp', a.scaleUp],
    ['scaleDown', a.scaleDown],
  ] as const) {
    if (!b) continue;
    if (b.stabilizationWindow) {
      const s = wholeSeconds(b.stabilizationWindow);
      v.check(
        s === undefined || s < 0 || s > MAX_STABILIZATION_SECONDS,
        `autoscaling.${dir}.stabilizationWindow`,
        goDuration(b.stabilizationWindow),
        'is not whole seconds between 0 and 3600',
        'use at most one hour',
      );
    }
    for (const [j, p] of (b.policies ?? []).entries()) {
      const s = wholeSeconds(p.period);
      v.check(
        s === undefined || s < 1 || s > MAX_POLICY_PERIOD_SECONDS,
        `autoscaling.${dir}.policies[${j}].period`,
        goDuration(p.period),
        'is not whole seconds between 1 and 1800',
        'use a period of at most 30 minutes',
      );
      v.check(
        !Number.isInteger(p.value) || p.value < 1,
        `autoscaling.${dir}.policies[${j}].value`,
        p.value,
        'is not a positive integer',
        'use 1 or more',
      );
    }
  }
}

/** The HorizontalPodAutoscaler of Deployment `name`. */
export function renderAutoscaler(name: string, metadata: k8s.ObjectMeta, a: AutoscalingProps): k8s.KubeHorizontalPodAutoscalerV2Props {
  return {
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: renderMetrics(a),
      behavior: a.scaleUp || a.scaleDown ? { scaleUp: renderBehavior(a.scaleUp), scaleDown: renderBehavior(a.scaleDown) } : undefined,
    },
  };
}

function renderMetrics(a: AutoscalingProps): k8s.MetricSpecV2[] {
  const metrics: k8s.MetricSpecV2[] = [];
  if (a.cpuUtilizationPercent !== undefined) {
    metrics.push({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuUtilizationPercent } },
    });
  }
  if (a.memoryUtilizationPercent !== undefined) {
    metrics.push({
      type: 'Resource',
      resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: a.memoryUtilizationPercent } },
    });
  }
  for (const m of a.podsMetrics ?? []) {
    metrics.push({
      type: 'Pods',
      pods: { metric: { name: m.name }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(m.averageValue) } },
    });
  }
  for (const m of a.externalMetrics ?? []) {
    metrics.push({
      type: 'External',
      external: {
        metric: { name: m.name, selector: m.selector ? { matchLabels: { ...m.selector } } : undefined },
        target:
          m.averageValue !== undefined
            ? { type: 'AverageValue', averageValue: k8s.Quantity.fromString(m.averageValue) }
            : { type: 'Value', value: k8s.Quantity.fromString(m.value as string) },
      },
    });
  }
  return metrics;
}

function renderBehavior(b: ScalingBehaviorProps | undefined): k8s.HpaScalingRulesV2 | undefined {
  if (!b) return undefined;
  return {
    stabilizationWindowSeconds: b.stabilizationWindow ? wholeSeconds(b.stabilizationWindow) : undefined,
    policies: b.policies?.map((p) => ({ type: p.type, value: p.value, periodSeconds: wholeSeconds(p.period) as number })),
    selectPolicy: b.selectPolicy,
  };
}
