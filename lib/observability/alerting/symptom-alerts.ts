import { AlertRule } from './alert-rule';
import {
  circuitBreakerOpen,
  CircuitBreakerProps,
  ConnectionPoolProps,
  connectionPoolSaturated,
  webSocketDrops,
  WebSocketDropsProps,
} from './symptoms/app-gauges';
import { deploymentUnavailable, DeploymentUnavailableProps, targetDown, TargetDownProps } from './symptoms/availability';
import { cronJobStale, CronJobStaleProps, jobFailed, JobFailedProps } from './symptoms/jobs';
import {
  crashLooping,
  hpaMaxedOut,
  HpaMaxedOutProps,
  hpaMetricUnavailable,
  hpaScalingInactive,
  hpaUnableToScale,
  podNotReady,
} from './symptoms/pods';
import { errorRatio, ErrorRatioProps, latencyAbove, LatencyProps } from './symptoms/requests';
import { memoryNearLimit, MemoryNearLimitProps, volumeSpaceLow, VolumeSpaceLowProps } from './symptoms/resources';
import { deploymentPods, PodSymptomProps } from './symptoms/symptom-builder';

export type { CircuitBreakerProps, ConnectionPoolProps, WebSocketDropsProps } from './symptoms/app-gauges';
export type { DeploymentUnavailableProps, TargetDownProps } from './symptoms/availability';
export type { CronJobStaleProps, JobFailedProps } from './symptoms/jobs';
export type { HpaMaxedOutProps } from './symptoms/pods';
export type { ErrorRatioProps, LatencyProps } from './symptoms/requests';
export type { MemoryNearLimitProps, VolumeSpaceLowProps } from './symptoms/resources';
export type { PodSymptomProps, SymptomAlertProps } from './symptoms/symptom-builder';

/**
 * Typed builders of symptom alerts: each returns an {@link AlertRule} for
 * `AlertingRuleset.addAlert`, with the `service` (and, where known, `namespace`) label, the
 * severity, summary, description and runbook_url. Metric sources:
 * - `up`: Prometheus itself, per scrape target;
 * - `kube_*`: kube-state-metrics v2 (`kube_pod_container_status_waiting_reason`,
 *   `kube_pod_status_ready`, `kube_pod_status_phase`, `kube_pod_container_resource_limits`,
 *   `kube_horizontalpodautoscaler_status_current_replicas` / `_spec_max_replicas` / `_status_condition` /
 *   `_spec_target_metric` / `_status_target_metric`,
 *   `kube_job_failed`, `kube_job_status_start_time`, `kube_cronjob_status_last_successful_time`,
 *   `kube_cronjob_created`);
 * - `container_memory_working_set_bytes`: cAdvisor (the kubelet's `/metrics/cadvisor`), what the
 *   OOM killer compares with the limit;
 * - `kubelet_volume_stats_*`: the kubelet's own `/metrics`, per mounted PersistentVolumeClaim;
 * - request counters, latency histograms, pool, breaker and WebSocket gauges: the application,
 *   given by the caller.
 *
 * Invalid input throws naming the builder, the service, the prop, the value and the fix.
 */
export class SymptomAlerts {
  /** The pod-name regex of a Deployment's pods: `<name>-<pod-template-hash>-<suffix>`. */
  public static deploymentPods(deployment: string): string {
    return deploymentPods(deployment);
  }

  /**
   * No target of the scrape job is up, or the job has no targets at all (`up` from Prometheus).
   * Default `for`: 2 minutes.
   */
  public static targetDown(props: TargetDownProps): AlertRule {
    return targetDown(props);
  }

  /**
   * No replica of a Deployment is available, or kube-state-metrics knows no such Deployment: the
   * down alert of a workload Prometheus does not scrape (no `up` series to read). Default `for`:
   * 5 minutes.
   */
  public static deploymentUnavailable(props: DeploymentUnavailableProps): AlertRule {
    return deploymentUnavailable(props);
  }

  /**
   * Failed requests above a share of all requests (5xx by default), from the application's
   * request counter. Default `for`: 5 minutes.
   */
  public static errorRatio(props: ErrorRatioProps): AlertRule {
    return errorRatio(props);
  }

  /** A latency quantile (histogram_quantile over the application's histogram) above a threshold. Default `for`: 10 minutes. */
  public static latencyAbove(props: LatencyProps): AlertRule {
    return latencyAbove(props);
  }

  /** A container of the pods keeps crashing (kube-state-metrics: waiting in CrashLoopBackOff). Default `for`: 15 minutes. */
  public static crashLooping(props: PodSymptomProps): AlertRule {
    return crashLooping(props);
  }

  /** A pod is running but not Ready (kube-state-metrics `kube_pod_status_ready`; completed pods excluded). Default `for`: 15 minutes. */
  public static podNotReady(props: PodSymptomProps): AlertRule {
    return podNotReady(props);
  }

  /**
   * The HorizontalPodAutoscaler runs at its maximum (kube-state-metrics): it cannot add capacity
   * if load grows further. Default `for`: 15 minutes.
   */
  public static hpaMaxedOut(props: HpaMaxedOutProps): AlertRule {
    return hpaMaxedOut(props);
  }

  /**
   * A container's working set (cAdvisor) above a share of its memory limit (kube-state-metrics):
   * the OOM killer is near. Default `for`: 15 minutes.
   */
  public static memoryNearLimit(props: MemoryNearLimitProps): AlertRule {
    return memoryNearLimit(props);
  }

  /** Free space of PersistentVolumeClaims (kubelet volume stats) below a share. Default `for`: 30 minutes. */
  public static volumeSpaceLow(props: VolumeSpaceLowProps): AlertRule {
    return volumeSpaceLow(props);
  }

  /**
   * The HPA cannot compute a replica count (kube-state-metrics condition `ScalingActive` false):
   * the replica count is frozen whatever the load. Default `for`: 10 minutes.
   */
  public static hpaScalingInactive(props: HpaMaxedOutProps): AlertRule {
    return hpaScalingInactive(props);
  }

  /** The HPA cannot read or update its target's scale (condition `AbleToScale` false). Default `for`: 10 minutes. */
  public static hpaUnableToScale(props: HpaMaxedOutProps): AlertRule {
    return hpaUnableToScale(props);
  }

  /**
   * A metric the HPA scales on has no current value (in `kube_horizontalpodautoscaler_spec_target_metric`,
   * not in `_status_target_metric`): no metrics API serves it. Default `for`: 10 minutes.
   */
  public static hpaMetricUnavailable(props: HpaMaxedOutProps): AlertRule {
    return hpaMetricUnavailable(props);
  }

  /** A connection pool (the application's gauge, one series per pool) above a share of its size. Default `for`: 2 minutes. */
  public static connectionPoolSaturated(props: ConnectionPoolProps): AlertRule {
    return connectionPoolSaturated(props);
  }

  /** A circuit breaker (the application's state gauge) is open: calls to a dependency fail fast. Default `for`: 1 minute. */
  public static circuitBreakerOpen(props: CircuitBreakerProps): AlertRule {
    return circuitBreakerOpen(props);
  }

  /** Open WebSocket connections (the application's gauge) dropped by more than a share within a window. Default `for`: 1 minute. */
  public static webSocketDrops(props: WebSocketDropsProps): AlertRule {
    return webSocketDrops(props);
  }

  /**
   * A Job failed (kube-state-metrics `kube_job_failed`): for a CronJob, its newest Job (Jobs are
   * named `<cronjob>-<scheduled minute>`, so the newest start time picks it). Default `for`: none.
   */
  public static jobFailed(props: JobFailedProps): AlertRule {
    return jobFailed(props);
  }

  /**
   * A CronJob's last success (kube-state-metrics `kube_cronjob_status_last_successful_time`) is
   * older than twice the longest gap between its runs, or it never succeeded that long after its
   * creation (`kube_cronjob_created`). Default `for`: none (the threshold already waits).
   */
  public static cronJobStale(props: CronJobStaleProps): AlertRule {
    return cronJobStale(props);
  }
}
