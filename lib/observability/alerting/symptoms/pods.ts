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
