import { Duration } from 'cdk8s';
import { AlertRule } from '../alert-rule';
import { labelEq, labelRe, promNumber, selectorOf } from '../../promql';
import { PodSymptomProps, SymptomAlertProps, SymptomBuilder } from './symptom-builder';

/** Props of {@link SymptomAlerts.memoryNearLimit}. */
export interface MemoryNearLimitProps extends PodSymptomProps {
  /**
   * The share of the memory limit, in percent, above which the alert fires.
   * @default 80
   */
  readonly maxPercent?: number;
}

/** Props of {@link SymptomAlerts.volumeSpaceLow}. */
export interface VolumeSpaceLowProps extends SymptomAlertProps {
  /** The PersistentVolumeClaims' namespace. */
  readonly namespace: string;
  /** The claims' names as an (anchored) regular expression. */
  readonly claims: string;
  /**
   * The free share of the volume, in percent, below which the alert fires.
   * @default 20
   */
  readonly minFreePercent?: number;
}

/**
 * A container's working set (cAdvisor) above a share of its memory limit (kube-state-metrics):
 * the OOM killer is near. Default `for`: 15 minutes.
 */
export function memoryNearLimit(props: MemoryNearLimitProps): AlertRule {
  const b = new SymptomBuilder('memoryNearLimit', props);
  b.pods(props);
  const maxPercent = b.percent('maxPercent', props.maxPercent ?? 80);
  const m = [labelEq('namespace', props.namespace), labelRe('pod', props.pods)];
  const by = 'max by (namespace, pod, container)';
  return b.build({
    name: 'MemoryNearLimit',
    expr:
      `${by} (${selectorOf('container_memory_working_set_bytes', ...m, { name: 'container', op: '!=', value: '' }, { name: 'container', op: '!=', value: 'POD' })})\n/\n` +
      `${by} (${selectorOf('kube_pod_container_resource_limits', ...m, labelEq('resource', 'memory'))})\n> ${promNumber(maxPercent / 100)}`,
    for: Duration.minutes(15),
    namespace: props.namespace,
    summary: `${props.service}: container {{ $labels.container }} of {{ $labels.pod }} uses more than ${maxPercent}% of its memory limit`,
    description:
      `Container {{ $labels.container }} of pod {{ $labels.pod }} (${props.namespace}) has used more than ${maxPercent}% of its memory limit for a while: ` +
      'at the limit it is OOM-killed. Check for a leak or raise the limit.',
  });
}

/** Free space of PersistentVolumeClaims (kubelet volume stats) below a share. Default `for`: 30 minutes. */
export function volumeSpaceLow(props: VolumeSpaceLowProps): AlertRule {
  const b = new SymptomBuilder('volumeSpaceLow', props);
  b.labelValue('namespace', props.namespace);
  b.regex('claims', props.claims);
  const minFree = b.percent('minFreePercent', props.minFreePercent ?? 20);
  const m = [labelEq('namespace', props.namespace), labelRe('persistentvolumeclaim', props.claims)];
  const by = 'by (namespace, persistentvolumeclaim)';
  return b.build({
    name: 'VolumeSpaceLow',
    expr: `min ${by} (${selectorOf('kubelet_volume_stats_available_bytes', ...m)})\n/\nmax ${by} (${selectorOf('kubelet_volume_stats_capacity_bytes', ...m)})\n< ${promNumber(minFree / 100)}`,
    for: Duration.minutes(30),
    namespace: props.namespace,
    summary: `${props.service}: volume {{ $labels.persistentvolumeclaim }} has less than ${minFree}% free`,
    description:
      `PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} (${props.namespace}) has less than ${minFree}% of its space free: ` +
      'when it is full, writes fail. Expand the volume or free space.',
  });
}
