import { Duration } from 'cdk8s';
import { AlertRule } from '../alert-rule';
import { labelEq, labelRe, selectorOf } from '../../promql';
import { PodSymptomProps, SymptomAlertProps, SymptomBuilder } from './symptom-builder';

/** Props of {@link SymptomAlerts.hpaMaxedOut}. */
export interface HpaMaxedOutProps extends SymptomAlertProps {
  /** The HorizontalPodAutoscaler's namespace. */
  readonly namespace: string;
  /** The HorizontalPodAutoscaler's name. */
  readonly hpa: string;
}

/** A container of the pods keeps crashing (kube-state-metrics: waiting in CrashLoopBackOff). Default `for`: 15 minutes. */
export function crashLooping(props: PodSymptomProps): AlertRule {
  const b = new SymptomBuilder('crashLooping', props);
  b.pods(props);
  const waiting = selectorOf(
    'kube_pod_container_status_waiting_reason',
    labelEq('namespace', props.namespace),
    labelRe('pod', props.pods),
    labelEq('reason', 'CrashLoopBackOff'),
  );
  return b.build({
    name: 'PodCrashLooping',
    expr: `max by (namespace, pod, container) (max_over_time(${waiting}[5m])) >= 1`,
    for: Duration.minutes(15),
    namespace: props.namespace,
    summary: `${props.service}: pod {{ $labels.pod }} is crash looping`,
    description:
      `Container {{ $labels.container }} of pod {{ $labels.pod }} (${props.namespace}) keeps crashing and waits in CrashLoopBackOff: ` +
      "the service runs with less capacity. Check the previous container's logs (kubectl logs --previous).",
  });
}

/** A pod is running but not Ready (kube-state-metrics `kube_pod_status_ready`; completed pods excluded). Default `for`: 15 minutes. */
export function podNotReady(props: PodSymptomProps): AlertRule {
  const b = new SymptomBuilder('podNotReady', props);
  b.pods(props);
  const m = [labelEq('namespace', props.namespace), labelRe('pod', props.pods)];
  return b.build({
    name: 'PodNotReady',
    expr:
      `max by (namespace, pod) (${selectorOf('kube_pod_status_ready', ...m, labelEq('condition', 'true'))}) == 0\n` +
      `unless on (namespace, pod)\nmax by (namespace, pod) (${selectorOf('kube_pod_status_phase', ...m, labelEq('phase', 'Succeeded'))}) == 1`,
    for: Duration.minutes(15),
    namespace: props.namespace,
    summary: `${props.service}: pod {{ $labels.pod }} is not ready`,
    description:
      `Pod {{ $labels.pod }} (${props.namespace}) has not been Ready for a while: it receives no traffic, so the service runs with less capacity. ` +
      'Check its readiness probe and events (kubectl describe pod).',
  });
}

/**
 * The HorizontalPodAutoscaler runs at its maximum (kube-state-metrics): it cannot add capacity
 * if load grows further. Default `for`: 15 minutes.
 */
export function hpaMaxedOut(props: HpaMaxedOutProps): AlertRule {
  const b = new SymptomBuilder('hpaMaxedOut', props);
  b.labelValue('namespace', props.namespace);
  b.labelValue('hpa', props.hpa);
  const m = [labelEq('namespace', props.namespace), labelEq('horizontalpodautoscaler', props.hpa)];
  const by = 'max by (namespace, horizontalpodautoscaler)';
  return b.build({
    name: 'HpaMaxedOut',
    expr: `${by} (${selectorOf('kube_horizontalpodautoscaler_status_current_replicas', ...m)})\n>=\n${by} (${selectorOf('kube_horizontalpodautoscaler_spec_max_replicas', ...m)})`,
    for: Duration.minutes(15),
    namespace: props.namespace,
    summary: `${props.service}: autoscaler ${props.hpa} is at its maximum`,
    description:
      `HorizontalPodAutoscaler ${props.hpa} (${props.namespace}) has run at its maximum replicas for a while: more load cannot be absorbed. ` +
      'Check the load and raise maxReplicas (and the connection budgets that depend on it) if it is real.',
  });
}

/** The selector of one HPA's kube-state-metrics series. */
function hpaSeries(metric: string, props: HpaMaxedOutProps, ...more: ReturnType<typeof labelEq>[]): string {
  return selectorOf(metric, labelEq('namespace', props.namespace), labelEq('horizontalpodautoscaler', props.hpa), ...more);
}

function hpaBuilder(method: string, props: HpaMaxedOutProps): SymptomBuilder {
  const b = new SymptomBuilder(method, props);
  b.labelValue('namespace', props.namespace);
  b.labelValue('hpa', props.hpa);
  return b;
}

/**
 * The HPA cannot compute a replica count (kube-state-metrics: condition `ScalingActive` false):
 * every metric it scales on failed, or some failed while the others would scale down — the
 * replica count is frozen whatever the load. Default `for`: 10 minutes.
 */
export function hpaScalingInactive(props: HpaMaxedOutProps): AlertRule {
  const b = hpaBuilder('hpaScalingInactive', props);
  const condition = hpaSeries(
    'kube_horizontalpodautoscaler_status_condition',
    props,
    labelEq('condition', 'ScalingActive'),
    labelEq('status', 'false'),
  );
  return b.build({
    name: 'HpaScalingInactive',
    expr: `max by (namespace, horizontalpodautoscaler) (${condition}) == 1`,
    for: Duration.minutes(10),
    namespace: props.namespace,
    summary: `${props.service}: autoscaler ${props.hpa} cannot compute a replica count`,
    description:
      `HorizontalPodAutoscaler ${props.hpa} (${props.namespace}) reports ScalingActive=false: it cannot read the metrics it scales on, so the replica count stays where it is whatever the load. ` +
      `Run kubectl describe hpa ${props.hpa} -n ${props.namespace}: FailedGetResourceMetric points at metrics-server, FailedGetPodsMetric or FailedGetExternalMetric at the custom or external metrics API (prometheus-adapter).`,
  });
}

/** The HPA cannot read or update its target's scale (condition `AbleToScale` false). Default `for`: 10 minutes. */
export function hpaUnableToScale(props: HpaMaxedOutProps): AlertRule {
  const b = hpaBuilder('hpaUnableToScale', props);
  const condition = hpaSeries(
    'kube_horizontalpodautoscaler_status_condition',
    props,
    labelEq('condition', 'AbleToScale'),
    labelEq('status', 'false'),
  );
  return b.build({
    name: 'HpaUnableToScale',
    expr: `max by (namespace, horizontalpodautoscaler) (${condition}) == 1`,
    for: Duration.minutes(10),
    namespace: props.namespace,
    summary: `${props.service}: autoscaler ${props.hpa} cannot scale its Deployment`,
    description:
      `HorizontalPodAutoscaler ${props.hpa} (${props.namespace}) reports AbleToScale=false (FailedGetScale or FailedUpdateScale): it cannot read or change its Deployment's replicas. ` +
      "Check that the Deployment exists under the name in scaleTargetRef and the controller's permissions.",
  });
}

/**
 * A metric the HPA's spec names has no current value in its status (kube-state-metrics
 * `kube_horizontalpodautoscaler_spec_target_metric` without a matching
 * `kube_horizontalpodautoscaler_status_target_metric`): nothing serves it, or it returns no
 * series for the pods. The HPA scales on the other metrics, and only up. Default `for`: 10 minutes.
 */
export function hpaMetricUnavailable(props: HpaMaxedOutProps): AlertRule {
  const b = hpaBuilder('hpaMetricUnavailable', props);
  const on = 'on (namespace, horizontalpodautoscaler, metric_name)';
  return b.build({
    name: 'HpaMetricUnavailable',
    expr:
      `max by (namespace, horizontalpodautoscaler, metric_name) (${hpaSeries('kube_horizontalpodautoscaler_spec_target_metric', props)})\n` +
      `unless ${on}\n${hpaSeries('kube_horizontalpodautoscaler_status_target_metric', props)}`,
    for: Duration.minutes(10),
    namespace: props.namespace,
    summary: `${props.service}: autoscaler ${props.hpa} has no value for metric {{ $labels.metric_name }}`,
    description:
      `HorizontalPodAutoscaler ${props.hpa} (${props.namespace}) scales on {{ $labels.metric_name }} but reports no current value for it: ` +
      'the metrics API that serves it (metrics-server for cpu and memory, prometheus-adapter for custom metrics) does not, or the application stopped exporting the series it is derived from. ' +
      'The HPA then scales on its other metrics only, and never down.',
  });
}
