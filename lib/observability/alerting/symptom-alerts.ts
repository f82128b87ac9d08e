import { Duration } from 'cdk8s';
import { AlertRule, Severity } from './alert-rule';
import { AlertLabelKeys, isLabelValue } from '../../core/conventions';
import { CronSchedule } from '../../core/cron';
import { cronPeriodMinutes } from '../../core/cron-period';
import { formatSelector, labelEq, labelRe, parseSelector, promDuration, promNumber, Selector, selectorOf } from '../promql';
import { show } from '../../core/validation';

/** What every symptom alert needs: who it is about, how urgent, and where the runbook is. */
export interface SymptomAlertProps {
  /** The `service` label: the service the alert is about (e.g. `homepage-api`). */
  readonly service: string;
  /** How urgent it is (the `severity` and `priority` labels Alertmanager routes on). */
  readonly severity: Severity;
  /** The `runbook_url` annotation: an http(s) URL. */
  readonly runbookUrl: string;
  /**
   * The `team` label.
   * @default - the team of the AlertingRuleset the alert is added to
   */
  readonly team?: string;
  /**
   * The alert's name (CamelCase).
   * @default - the builder's, e.g. 'TargetDown'
   */
  readonly name?: string;
  /**
   * The `summary` annotation.
   * @default - the builder's, naming the service
   */
  readonly summary?: string;
  /**
   * The `description` annotation.
   * @default - the builder's: what is measured, the threshold and the impact
   */
  readonly description?: string;
  /**
   * How long the condition must hold before the alert fires.
   * @default - the builder's (stated on each)
   */
  readonly for?: Duration;
  /**
   * Further labels.
   * @default - none besides severity, team, service (and namespace where the builder knows it)
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The rule group it is evaluated in.
   * @default - the ruleset's own group
   */
  readonly group?: string;
}

/** Alerts about the pods of one workload, selected by namespace and pod name (kube-state-metrics, cAdvisor). */
export interface PodSymptomProps extends SymptomAlertProps {
  /** The pods' namespace. */
  readonly namespace: string;
  /**
   * The pods' names as an (anchored) regular expression; {@link SymptomAlerts.deploymentPods} gives
   * the one of a Deployment's pods.
   */
  readonly pods: string;
}

/** Props of {@link SymptomAlerts.targetDown}. */
export interface TargetDownProps extends SymptomAlertProps {
  /** The namespace of the scrape targets. */
  readonly namespace: string;
  /** The scrape job (for a ServiceMonitor: the Service's name). */
  readonly job: string;
}

/** Props of {@link SymptomAlerts.deploymentUnavailable}. */
export interface DeploymentUnavailableProps extends SymptomAlertProps {
  /** The Deployment's namespace. */
  readonly namespace: string;
  /** The Deployment's name. */
  readonly deployment: string;
}

/** Props of {@link SymptomAlerts.errorRatio}. */
export interface ErrorRatioProps extends SymptomAlertProps {
  /** Counter selector of all requests, e.g. `http_requests_total{job="homepage-api"}`. */
  readonly requests: string;
  /**
   * Counter selector of failed requests.
   * @default - `requests` with `code=~"5.."` added
   */
  readonly errors?: string;
  /**
   * The error share in percent above which the alert fires.
   * @default 1
   */
  readonly maxPercent?: number;
  /**
   * The rate window.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
}

/** Props of {@link SymptomAlerts.latencyAbove}. */
export interface LatencyProps extends SymptomAlertProps {
  /** The histogram's base name (without `_bucket`), e.g. `http_request_duration_seconds` (seconds). */
  readonly histogram: string;
  /**
   * Label matchers of the histogram's series, e.g. `{job="homepage-api"}`.
   * @default '{}'
   */
  readonly selector?: string;
  /**
   * The quantile (0 < q < 1).
   * @default 0.95
   */
  readonly quantile?: number;
  /** The latency the quantile must stay under. */
  readonly threshold: Duration;
  /**
   * The rate window.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
}

/** Props of {@link SymptomAlerts.hpaMaxedOut}. */
export interface HpaMaxedOutProps extends SymptomAlertProps {
  /** The HorizontalPodAutoscaler's namespace. */
  readonly namespace: string;
  /** The HorizontalPodAutoscaler's name. */
  readonly hpa: string;
}

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

/** Props of {@link SymptomAlerts.connectionPoolSaturated}. */
export interface ConnectionPoolProps extends SymptomAlertProps {
  /** Gauge selector of the connections in use, one series per pool, e.g. `go_sql_in_use_connections{job="api"}`. */
  readonly inUse: string;
  /** The pool's size: the most connections one pool may hold. */
  readonly max: number;
  /**
   * The share of the pool, in percent, above which the alert fires.
   * @default 80
   */
  readonly maxPercent?: number;
}

/** Props of {@link SymptomAlerts.circuitBreakerOpen}. */
export interface CircuitBreakerProps extends SymptomAlertProps {
  /** Gauge selector of the breaker's state, e.g. `resilience4j_circuitbreaker_state{state="open"}`. */
  readonly state: string;
  /**
   * The gauge's value while the breaker is open (gobreaker-style state gauges use 2).
   * @default 1
   */
  readonly openValue?: number;
}

/** Props of {@link SymptomAlerts.webSocketDrops}. */
export interface WebSocketDropsProps extends SymptomAlertProps {
  /** Gauge selector of open WebSocket connections, e.g. `websocket_connections{job="realtime"}`. */
  readonly connections: string;
  /**
   * The drop in percent over `window` above which the alert fires.
   * @default 50
   */
  readonly maxDropPercent?: number;
  /**
   * The window the drop is measured over.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
  /**
   * Fewer connections than this at the window's start never alert (a handful of clients leaving is no incident).
   * @default 10
   */
  readonly minConnections?: number;
}

/** Props of {@link SymptomAlerts.jobFailed}: exactly one of `cronJob` and `job`. */
export interface JobFailedProps extends SymptomAlertProps {
  /** The namespace. */
  readonly namespace: string;
  /**
   * A CronJob: the alert fires while its newest Job has failed (older failed Jobs kept for their logs do not count).
   * @default - none: give `job`
   */
  readonly cronJob?: string;
  /**
   * A single Job's name.
   * @default - none: give `cronJob`
   */
  readonly job?: string;
}

/** Props of {@link SymptomAlerts.cronJobStale}. */
export interface CronJobStaleProps extends SymptomAlertProps {
  /** The namespace. */
  readonly namespace: string;
  /** The CronJob's name. */
  readonly cronJob: string;
  /** Its schedule (5-field cron): the alert waits twice the longest gap between two runs. */
  readonly schedule: CronSchedule;
}

const HTTP_URL = /^https?:\/\/[^\s/]+\S*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Typed builders of symptom alerts: each returns an {@link AlertRule} for
 * `AlertingRuleset.addAlert`, with the `service` (and, where known, `namespace`) label, the
 * severity, summary, description and runbook_url. Metric sources:
 * - `up`: Prometheus itself, per scrape target;
 * - `kube_*`: kube-state-metrics v2 (`kube_pod_container_status_waiting_reason`,
 *   `kube_pod_status_ready`, `kube_pod_status_phase`, `kube_pod_container_resource_limits`,
 *   `kube_horizontalpodautoscaler_status_current_replicas` / `_spec_max_replicas`,
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
    return `${escapeRegex(deployment)}-[a-z0-9]+-[a-z0-9]+`;
  }

  /**
   * No target of the scrape job is up, or the job has no targets at all (`up` from Prometheus).
   * Default `for`: 2 minutes.
   */
  public static targetDown(props: TargetDownProps): AlertRule {
    const b = new Builder('targetDown', props);
    b.labelValue('namespace', props.namespace);
    b.nonEmpty('job', props.job);
    const up = selectorOf('up', labelEq('namespace', props.namespace), labelEq('job', props.job));
    return b.build({
      name: 'TargetDown',
      expr: `sum by (namespace, job) (${up}) == 0\nor\nabsent(${up})`,
      for: Duration.minutes(2),
      namespace: props.namespace,
      summary: `${props.service}: no ${props.job} target is up`,
      description: `Prometheus cannot scrape any target of job ${props.job} in ${props.namespace} (or finds none): the service is down or no longer discovered.`,
    });
  }

  /**
   * No replica of a Deployment is available, or kube-state-metrics knows no such Deployment: the
   * down alert of a workload Prometheus does not scrape (no `up` series to read). Default `for`:
   * 5 minutes.
   */
  public static deploymentUnavailable(props: DeploymentUnavailableProps): AlertRule {
    const b = new Builder('deploymentUnavailable', props);
    b.labelValue('namespace', props.namespace);
    b.nonEmpty('deployment', props.deployment);
    const available = selectorOf('kube_deployment_status_replicas_available', labelEq('namespace', props.namespace), labelEq('deployment', props.deployment));
    return b.build({
      name: 'DeploymentUnavailable',
      expr: `sum by (namespace, deployment) (${available}) == 0\nor\nabsent(${available})`,
      for: Duration.minutes(5),
      namespace: props.namespace,
      summary: `${props.service}: no replica of ${props.deployment} is available`,
      description: `Deployment ${props.deployment} in ${props.namespace} has no available replica (or kube-state-metrics finds none): the service is down.`,
    });
  }

  /**
   * Failed requests above a share of all requests (5xx by default), from the application's
   * request counter. Default `for`: 5 minutes.
   */
  public static errorRatio(props: ErrorRatioProps): AlertRule {
    const b = new Builder('errorRatio', props);
    const requests = b.selector('requests', props.requests);
    const errors = props.errors !== undefined ? b.selector('errors', props.errors)
      : requests && { ...requests, matchers: [...requests.matchers, labelRe('code', '5..')] };
    const maxPercent = b.percent('maxPercent', props.maxPercent ?? 1);
    const window = b.window('window', props.window ?? Duration.minutes(5));
    const rate = (s: Selector | undefined) => `sum by (namespace, job) (rate(${s ? formatSelector(s) : ''}[${window}]))`;
    return b.build({
      name: 'HighErrorRate',
      expr: `${rate(errors)}\n/\n${rate(requests)}\n> ${promNumber(maxPercent / 100)}`,
      for: Duration.minutes(5),
      summary: `${props.service}: more than ${maxPercent}% of requests fail`,
      description: `More than ${maxPercent}% of the requests of ${props.service} (job {{ $labels.job }}) failed over the last ${window}: users see errors.`,
    });
  }

  /** A latency quantile (histogram_quantile over the application's histogram) above a threshold. Default `for`: 10 minutes. */
  public static latencyAbove(props: LatencyProps): AlertRule {
    const b = new Builder('latencyAbove', props);
    b.check(!METRIC_NAME.test(props.histogram ?? '') || /_(bucket|count|sum)$/.test(props.histogram), 'histogram', props.histogram,
      'is not a histogram base name', "give the name without _bucket, e.g. 'http_request_duration_seconds'");
    const selectorText = props.selector ?? '{}';
    const selector = parseSelector(selectorText);
    b.check(selector === undefined || selector.metric !== undefined, 'selector', selectorText, 'is not a set of label matchers', `give matchers only, e.g. '{job="api"}'`);
    const quantile = props.quantile ?? 0.95;
    b.check(!(quantile > 0 && quantile < 1), 'quantile', quantile, 'is not strictly between 0 and 1', 'use e.g. 0.95 for p95');
    const ms = props.threshold?.toMilliseconds();
    b.check(!(ms > 0), 'threshold', ms === undefined ? undefined : `${ms}ms`, 'is not a positive duration', 'use e.g. Duration.millis(500)');
    const window = b.window('window', props.window ?? Duration.minutes(5));
    const buckets = formatSelector({ metric: `${props.histogram}_bucket`, matchers: selector?.matchers ?? [] });
    const p = `p${promNumber(quantile * 100)}`;
    return b.build({
      name: 'HighLatency',
      expr: `histogram_quantile(${promNumber(quantile)}, sum by (namespace, job, le) (rate(${buckets}[${window}])))\n> ${promNumber(ms / 1000)}`,
      for: Duration.minutes(10),
      summary: `${props.service}: ${p} latency above ${ms} ms`,
      description: `The ${p} latency of ${props.service} (job {{ $labels.job }}) over the last ${window} is above ${ms} ms: users wait.`,
    });
  }

  /** A container of the pods keeps crashing (kube-state-metrics: waiting in CrashLoopBackOff). Default `for`: 15 minutes. */
  public static crashLooping(props: PodSymptomProps): AlertRule {
    const b = new Builder('crashLooping', props);
    b.pods(props);
    const waiting = selectorOf('kube_pod_container_status_waiting_reason', labelEq('namespace', props.namespace), labelRe('pod', props.pods), labelEq('reason', 'CrashLoopBackOff'));
    return b.build({
      name: 'PodCrashLooping',
      expr: `max by (namespace, pod, container) (max_over_time(${waiting}[5m])) >= 1`,
      for: Duration.minutes(15),
      namespace: props.namespace,
      summary: `${props.service}: pod {{ $labels.pod }} is crash looping`,
      description: `Container {{ $labels.container }} of pod {{ $labels.pod }} (${props.namespace}) keeps crashing and waits in CrashLoopBackOff: `
        + 'the service runs with less capacity. Check the previous container\'s logs (kubectl logs --previous).',
    });
  }

  /** A pod is running but not Ready (kube-state-metrics `kube_pod_status_ready`; completed pods excluded). Default `for`: 15 minutes. */
  public static podNotReady(props: PodSymptomProps): AlertRule {
    const b = new Builder('podNotReady', props);
    b.pods(props);
    const m = [labelEq('namespace', props.namespace), labelRe('pod', props.pods)];
    return b.build({
      name: 'PodNotReady',
      expr: `max by (namespace, pod) (${selectorOf('kube_pod_status_ready', ...m, labelEq('condition', 'true'))}) == 0\n`
        + `unless on (namespace, pod)\nmax by (namespace, pod) (${selectorOf('kube_pod_status_phase', ...m, labelEq('phase', 'Succeeded'))}) == 1`,
      for: Duration.minutes(15),
      namespace: props.namespace,
      summary: `${props.service}: pod {{ $labels.pod }} is not ready`,
      description: `Pod {{ $labels.pod }} (${props.namespace}) has not been Ready for a while: it receives no traffic, so the service runs with less capacity. `
        + 'Check its readiness probe and events (kubectl describe pod).',
    });
  }

  /**
   * The HorizontalPodAutoscaler runs at its maximum (kube-state-metrics): it cannot add capacity
   * if load grows further. Default `for`: 15 minutes.
   */
  public static hpaMaxedOut(props: HpaMaxedOutProps): AlertRule {
    const b = new Builder('hpaMaxedOut', props);
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
      description: `HorizontalPodAutoscaler ${props.hpa} (${props.namespace}) has run at its maximum replicas for a while: more load cannot be absorbed. `
        + 'Check the load and raise maxReplicas (and the connection budgets that depend on it) if it is real.',
    });
  }

  /**
   * A container's working set (cAdvisor) above a share of its memory limit (kube-state-metrics):
   * the OOM killer is near. Default `for`: 15 minutes.
   */
  public static memoryNearLimit(props: MemoryNearLimitProps): AlertRule {
    const b = new Builder('memoryNearLimit', props);
    b.pods(props);
    const maxPercent = b.percent('maxPercent', props.maxPercent ?? 80);
    const m = [labelEq('namespace', props.namespace), labelRe('pod', props.pods)];
    const by = 'max by (namespace, pod, container)';
    return b.build({
      name: 'MemoryNearLimit',
      expr: `${by} (${selectorOf('container_memory_working_set_bytes', ...m, { name: 'container', op: '!=', value: '' }, { name: 'container', op: '!=', value: 'POD' })})\n/\n`
        + `${by} (${selectorOf('kube_pod_container_resource_limits', ...m, labelEq('resource', 'memory'))})\n> ${promNumber(maxPercent / 100)}`,
      for: Duration.minutes(15),
      namespace: props.namespace,
      summary: `${props.service}: container {{ $labels.container }} of {{ $labels.pod }} uses more than ${maxPercent}% of its memory limit`,
      description: `Container {{ $labels.container }} of pod {{ $labels.pod }} (${props.namespace}) has used more than ${maxPercent}% of its memory limit for a while: `
        + 'at the limit it is OOM-killed. Check for a leak or raise the limit.',
    });
  }

  /** Free space of PersistentVolumeClaims (kubelet volume stats) below a share. Default `for`: 30 minutes. */
  public static volumeSpaceLow(props: VolumeSpaceLowProps): AlertRule {
    const b = new Builder('volumeSpaceLow', props);
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
      description: `PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} (${props.namespace}) has less than ${minFree}% of its space free: `
        + 'when it is full, writes fail. Expand the volume or free space.',
    });
  }

  /** A connection pool (the application's gauge, one series per pool) above a share of its size. Default `for`: 2 minutes. */
  public static connectionPoolSaturated(props: ConnectionPoolProps): AlertRule {
    const b = new Builder('connectionPoolSaturated', props);
    const inUse = b.selector('inUse', props.inUse);
    b.check(!(Number.isInteger(props.max) && props.max > 0), 'max', props.max, 'is not a positive integer', "give the pool's size, e.g. 20");
    const maxPercent = b.percent('maxPercent', props.maxPercent ?? 80);
    return b.build({
      name: 'ConnectionPoolSaturated',
      expr: `${inUse ? formatSelector(inUse) : ''} / ${props.max} > ${promNumber(maxPercent / 100)}`,
      for: Duration.minutes(2),
      summary: `${props.service}: connection pool above ${maxPercent}% of its ${props.max} connections`,
      description: `A connection pool of ${props.service} ({{ $labels.pod }}) holds more than ${maxPercent}% of its ${props.max} connections: `
        + 'requests soon queue for a connection and time out.',
    });
  }

  /** A circuit breaker (the application's state gauge) is open: calls to a dependency fail fast. Default `for`: 1 minute. */
  public static circuitBreakerOpen(props: CircuitBreakerProps): AlertRule {
    const b = new Builder('circuitBreakerOpen', props);
    const state = b.selector('state', props.state);
    const openValue = props.openValue ?? 1;
    b.check(!Number.isFinite(openValue), 'openValue', openValue, 'is not a number', 'give the gauge value of the open state, e.g. 1');
    return b.build({
      name: 'CircuitBreakerOpen',
      expr: `${state ? formatSelector(state) : ''} == ${Number.isFinite(openValue) ? promNumber(openValue) : ''}`,
      for: Duration.minutes(1),
      summary: `${props.service}: a circuit breaker is open`,
      description: `A circuit breaker of ${props.service} ({{ $labels.pod }}) is open: calls to the dependency it guards fail fast. Check that dependency.`,
    });
  }

  /** Open WebSocket connections (the application's gauge) dropped by more than a share within a window. Default `for`: 1 minute. */
  public static webSocketDrops(props: WebSocketDropsProps): AlertRule {
    const b = new Builder('webSocketDrops', props);
    const connections = b.selector('connections', props.connections);
    const maxDrop = b.percent('maxDropPercent', props.maxDropPercent ?? 50);
    const window = b.window('window', props.window ?? Duration.minutes(5));
    const minConnections = props.minConnections ?? 10;
    b.check(!(minConnections >= 0 && Number.isFinite(minConnections)), 'minConnections', minConnections, 'is not a non-negative number', 'use e.g. 10');
    const c = connections ? formatSelector(connections) : '';
    const before = `sum by (namespace, job) (${c} offset ${window})`;
    return b.build({
      name: 'WebSocketConnectionsDropped',
      expr: `sum by (namespace, job) (${c})\n< ${promNumber(1 - maxDrop / 100)} * ${before}\nand\n${before} >= ${Number.isFinite(minConnections) ? promNumber(minConnections) : ''}`,
      for: Duration.minutes(1),
      summary: `${props.service}: WebSocket connections dropped by more than ${maxDrop}%`,
      description: `Open WebSocket connections of ${props.service} (job {{ $labels.job }}) fell by more than ${maxDrop}% within ${window}: `
        + 'clients were disconnected (a crash, a rollout without draining, or the gateway).',
    });
  }

  /**
   * A Job failed (kube-state-metrics `kube_job_failed`): for a CronJob, its newest Job (Jobs are
   * named `<cronjob>-<scheduled minute>`, so the newest start time picks it). Default `for`: none.
   */
  public static jobFailed(props: JobFailedProps): AlertRule {
    const b = new Builder('jobFailed', props);
    b.labelValue('namespace', props.namespace);
    b.check((props.cronJob === undefined) === (props.job === undefined), 'cronJob', props.cronJob, 'and job: exactly one is needed', 'give the CronJob or the Job');
    const name = props.cronJob ?? props.job ?? '';
    b.labelValue(props.cronJob !== undefined ? 'cronJob' : 'job', name);
    const jobs = props.cronJob !== undefined ? labelRe('job_name', `${escapeRegex(props.cronJob)}-[0-9]+`) : labelEq('job_name', name);
    const ns = labelEq('namespace', props.namespace);
    const failed = `${selectorOf('kube_job_failed', ns, jobs, labelEq('condition', 'true'))} == 1`;
    const start = selectorOf('kube_job_status_start_time', ns, jobs);
    const expr = props.cronJob !== undefined
      ? `max by (namespace, job_name) (${failed})\nand on (namespace, job_name)\n(\n  max by (namespace, job_name) (${start})\n  == on (namespace) group_left ()\n  max by (namespace) (${start})\n)`
      : `max by (namespace, job_name) (${failed})`;
    const what = props.cronJob !== undefined ? `The newest run of CronJob ${props.cronJob}` : `Job ${name}`;
    return b.build({
      name: 'JobFailed',
      expr,
      for: undefined,
      namespace: props.namespace,
      labels: props.cronJob !== undefined ? { cronjob: props.cronJob } : {},
      summary: `${props.service}: job {{ $labels.job_name }} failed`,
      description: `${what} ({{ $labels.job_name }} in ${props.namespace}) failed after its retries. Its pods are kept for their logs (kubectl logs job/{{ $labels.job_name }}).`,
    });
  }

  /**
   * A CronJob's last success (kube-state-metrics `kube_cronjob_status_last_successful_time`) is
   * older than twice the longest gap between its runs, or it never succeeded that long after its
   * creation (`kube_cronjob_created`). Default `for`: none (the threshold already waits).
   */
  public static cronJobStale(props: CronJobStaleProps): AlertRule {
    const b = new Builder('cronJobStale', props);
    b.labelValue('namespace', props.namespace);
    b.labelValue('cronJob', props.cronJob);
    let periodMinutes = 0;
    try {
      periodMinutes = cronPeriodMinutes(props.schedule);
    } catch (e) {
      b.check(true, 'schedule', String(props.schedule), (e as Error).message.replace(/^cron schedule '[^']*' /, ''), "use a 5-field cron expression, e.g. '0 2 * * *'");
    }
    const seconds = 2 * periodMinutes * 60;
    const m = [labelEq('namespace', props.namespace), labelEq('cronjob', props.cronJob)];
    const by = 'max by (namespace, cronjob)';
    const last = selectorOf('kube_cronjob_status_last_successful_time', ...m);
    const stale = promDuration(2 * periodMinutes);
    return b.build({
      name: 'CronJobStale',
      expr: `time() - ${by} (${last}) > ${seconds}\nor\n(\n  time() - ${by} (${selectorOf('kube_cronjob_created', ...m)}) > ${seconds}\n  unless on (namespace, cronjob)\n  ${last}\n)`,
      for: undefined,
      namespace: props.namespace,
      labels: { cronjob: props.cronJob },
      summary: `${props.service}: CronJob ${props.cronJob} has not succeeded for ${stale}`,
      description: `CronJob ${props.cronJob} (${props.namespace}, schedule '${typeof props.schedule === 'string' ? props.schedule : props.schedule.expressionString}') `
        + `has had no successful run for more than ${stale}, twice the longest gap between its runs: runs fail, are not scheduled, or the CronJob is suspended.`,
    });
  }
}

/** What a builder knows about its alert beyond the caller's props. */
interface BuiltAlert {
  readonly name: string;
  readonly expr: string;
  readonly for: Duration | undefined;
  readonly summary: string;
  readonly description: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Collects a builder's broken rules and throws them at once, as constructs do. */
class Builder {
  private readonly messages: string[] = [];
  private readonly where: string;

  constructor(method: string, private readonly props: SymptomAlertProps) {
    this.where = `SymptomAlerts.${method}(${props?.service ?? ''})`;
    this.labelValue('service', props.service);
    if (props.team !== undefined) this.labelValue('team', props.team);
    this.check(!HTTP_URL.test(props.runbookUrl ?? ''), 'runbookUrl', props.runbookUrl, 'is not an http(s) URL', 'link the runbook the on-call engineer follows');
    this.check(props.severity === undefined, 'severity', props.severity, 'is missing', 'use Severity.PAGE, Severity.TICKET or a priority (Severity.P1 … P3)');
  }

  public check(broken: boolean, prop: string, value: unknown, problem: string, fix: string): boolean {
    if (broken) this.messages.push(`${this.where}: '${prop}' (${show(value)}) ${problem} — ${fix}`);
    return broken;
  }

  public labelValue(prop: string, value: string): void {
    this.check(!value || !isLabelValue(value), prop, value, 'is not a valid, non-empty label value', 'use at most 63 letters, digits, dashes, dots and underscores');
  }

  public nonEmpty(prop: string, value: string): void {
    this.check(!value, prop, value, 'is empty', `give the ${prop}`);
  }

  public regex(prop: string, value: string): void {
    let valid = !!value;
    try {
      new RegExp(value);
    } catch {
      valid = false;
    }
    this.check(!valid, prop, value, 'is not a non-empty regular expression', "give the names as a regex, e.g. 'homepage-api-[a-z0-9]+-[a-z0-9]+'");
  }

  public pods(props: PodSymptomProps): void {
    this.labelValue('namespace', props.namespace);
    this.regex('pods', props.pods);
  }

  public selector(prop: string, text: string): Selector | undefined {
    const parsed = parseSelector(text ?? '');
    this.check(parsed === undefined || parsed.metric === undefined, prop, text, 'is not a PromQL vector selector with a metric name',
      `give the metric and its label matchers, e.g. 'http_requests_total{job="api"}'`);
    return parsed?.metric !== undefined ? parsed : undefined;
  }

  public percent(prop: string, value: number): number {
    this.check(!(value > 0 && value < 100), prop, value, 'is not a percentage strictly between 0 and 100', 'give a share in percent, e.g. 80');
    return value;
  }

  public window(prop: string, value: Duration): string {
    const ms = value.toMilliseconds();
    this.check(!(ms >= 60_000 && ms % 60_000 === 0), prop, `${ms}ms`, 'is not a whole number of minutes of at least one', 'use e.g. Duration.minutes(5)');
    return promDuration(Math.max(1, Math.round(ms / 60_000)));
  }

  public build(alert: BuiltAlert): AlertRule {
    if (this.messages.length > 0) {
      throw new Error([`${this.where}: ${this.messages.length} invalid setting${this.messages.length === 1 ? '' : 's'}`, ...this.messages.map((m) => `  - ${m}`)].join('\n'));
    }
    const p = this.props;
    return new AlertRule({
      name: p.name ?? alert.name,
      expr: alert.expr,
      for: 'for' in p && p.for !== undefined ? p.for : alert.for,
      severity: p.severity,
      summary: p.summary ?? alert.summary,
      description: p.description ?? alert.description,
      runbookUrl: p.runbookUrl,
      labels: {
        ...(alert.namespace !== undefined ? { namespace: alert.namespace } : {}),
        ...alert.labels,
        ...p.labels,
        [AlertLabelKeys.SERVICE]: p.service,
        ...(p.team !== undefined ? { [AlertLabelKeys.TEAM]: p.team } : {}),
      },
      group: p.group,
    });
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
