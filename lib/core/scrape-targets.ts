import { IConstruct } from 'constructs';

// Which scrape targets exist, and which selectors of a system's SLOs, alerts and dashboards must
// name one of them. The monitors are made in workload and data, the selectors live in
// observability, and the system that holds both is a SystemChart (core): so both sides publish
// plain facts through interfaces defined here, in the lowest layer, and SystemChart checks them
// against each other (see `unmatchedSelectors`). A query over `job="payments-api"` while the
// ServiceMonitor's targets get `job="payments-payments-api"` otherwise reads nothing, forever, and
// every test passes.

/** One group of targets of a ServiceMonitor or PodMonitor, with the labels Prometheus gives them. */
export interface ScrapeTarget {
  /** The monitor's kind. */
  readonly kind: 'ServiceMonitor' | 'PodMonitor';
  /** The monitor's `metadata.name`. */
  readonly monitor: string;
  /** The `namespace` label: the namespace of the scraped Service or Pod. */
  readonly namespace: string;
  /** The `job` label Prometheus assigns (see {@link serviceMonitorTarget} and {@link podMonitorTarget}). */
  readonly job: string;
  /** The `service` label: the Service's name (ServiceMonitor targets only). */
  readonly service?: string;
}

/** A construct that creates ServiceMonitors or PodMonitors and publishes their targets' labels. */
export interface IScrapeTargets extends IConstruct {
  /** The targets of its monitors, read at validation (after every `add*` call). */
  scrapeTargets(): ScrapeTarget[];
}

/** Whether `x` publishes scrape targets. */
export function hasScrapeTargets(x: IConstruct): x is IScrapeTargets {
  return typeof (x as Partial<IScrapeTargets>).scrapeTargets === 'function';
}

/** A monitor as the job label rules need it. */
export interface MonitorRef {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** `spec.jobLabel`, if set. */
  readonly jobLabel?: string;
}

/**
 * The targets a ServiceMonitor gets from one selected Service (prometheus-operator): `job` is the
 * value of the Service's label named by `spec.jobLabel` when both exist, else the Service's name;
 * `service` is the Service's name; `namespace` the Service's namespace.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitorSpec
 */
export function serviceMonitorTarget(
  monitor: MonitorRef,
  service: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> },
): ScrapeTarget {
  const fromLabel = monitor.jobLabel ? service.labels[monitor.jobLabel] : undefined;
  return {
    kind: 'ServiceMonitor',
    monitor: monitor.name,
    namespace: service.namespace,
    job: fromLabel || service.name,
    service: service.name,
  };
}

/**
 * The targets of a PodMonitor (prometheus-operator): `job` is the value of the pods' label named
 * by `spec.jobLabel` when both exist, else `<namespace>/<podmonitor name>`; no `service` label.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitorSpec
 */
export function podMonitorTarget(monitor: MonitorRef, podLabels: Readonly<Record<string, string>> = {}): ScrapeTarget {
  const fromLabel = monitor.jobLabel ? podLabels[monitor.jobLabel] : undefined;
  return {
    kind: 'PodMonitor',
    monitor: monitor.name,
    namespace: monitor.namespace,
    job: fromLabel || `${monitor.namespace}/${monitor.name}`,
  };
}

/** A label matcher of a selector: `name op "value"`. */
export interface LabelMatcherFact {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** One vector selector that a query of a construct reads. */
export interface SelectorUse {
  /** The construct path that owns the query (the SLO, the ruleset, the dashboard). */
  readonly path: string;
  /** Which of its queries: `sli.total`, `alert HighErrorRate`, `panel "Errors" of row "Service"`. */
  readonly where: string;
  /** The metric name, when the selector names one. */
  readonly metric?: string;
  /** Its label matchers. */
  readonly matchers: readonly LabelMatcherFact[];
}

/** A construct whose queries (SLIs, alert expressions, dashboard panels) read scraped series. */
export interface IScrapeSelectors extends IConstruct {
  /** Every vector selector of its queries, read at validation. */
  scrapeSelectors(): SelectorUse[];
}

/** Whether `x` publishes the selectors of its queries. */
export function hasScrapeSelectors(x: IConstruct): x is IScrapeSelectors {
  return typeof (x as Partial<IScrapeSelectors>).scrapeSelectors === 'function';
}

/** Whether `value` (`''` for a missing label) satisfies `m` (regexes anchored, as in Prometheus). */
export function labelMatches(m: LabelMatcherFact, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(value);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(value);
  }
}

/**
 * Jobs of the cluster's own exporters (kube-prometheus-stack's defaults): their series describe
 * the system's objects (`kube_deployment_status_replicas_available{namespace="homepage"}`), but
 * their targets are not the system's, so a selector naming one is not checked.
 */
export const PLATFORM_JOBS: readonly string[] = [
  'kube-state-metrics',
  'kubelet',
  'node-exporter',
  'apiserver',
  'coredns',
  'kube-proxy',
  'kube-scheduler',
  'kube-controller-manager',
  'kube-etcd',
];

/**
 * Metric prefixes of those exporters (kube-state-metrics, kubelet and cAdvisor, node-exporter, the
 * API server): their `namespace` and `service` labels are the described object's, not a target's.
 */
export const PLATFORM_METRIC_PREFIXES: readonly string[] = ['kube_', 'kubelet_', 'container_', 'node_', 'apiserver_'];

/** The labels a scrape target carries that a selector may name. */
const TARGET_LABELS = ['job', 'namespace', 'service'] as const;

/**
 * Whether `use` reads the scrape targets of the system in `namespace`, and so must match one.
 * The rule (also in docs/ARCHITECTURE.md, "Selectors match a scrape target"):
 * 1. it reads a scraped metric: not a recorded series (a name with `:`, whose labels the rule
 *    sets) nor `ALERTS`/`ALERTS_FOR_STATE`;
 * 2. it is not a platform metric: no {@link PLATFORM_METRIC_PREFIXES} prefix, and no `job`
 *    matcher that a {@link PLATFORM_JOBS} job satisfies;
 * 3. it reads the system's namespace: every `namespace` matcher accepts it (a selector naming
 *    another namespace reads that namespace's targets, which this system does not own);
 * 4. it names a workload: an `=` or `=~` matcher on `job` or `service`. A `namespace` matcher
 *    alone is not checked (every platform exporter labels series with the object's namespace, so
 *    it names no target); with one of them, it is checked together with them.
 */
export function readsOwnTargets(use: SelectorUse, namespace: string): boolean {
  const metric = use.metric ?? use.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
  if (metric !== undefined && (metric.includes(':') || metric === 'ALERTS' || metric === 'ALERTS_FOR_STATE')) return false;
  if (metric !== undefined && PLATFORM_METRIC_PREFIXES.some((p) => metric.startsWith(p))) return false;
  const on = (label: string) => use.matchers.filter((m) => m.name === label);
  if (on('job').some((m) => (m.op === '=' || m.op === '=~') && PLATFORM_JOBS.some((job) => labelMatches(m, job)))) return false;
  if (!on('namespace').every((m) => labelMatches(m, namespace))) return false;
  return use.matchers.some((m) => (m.name === 'job' || m.name === 'service') && (m.op === '=' || m.op === '=~'));
}

/** Whether one target satisfies every `job`, `namespace` and `service` matcher of `use` together. */
export function selectsTarget(use: SelectorUse, target: ScrapeTarget): boolean {
  return use.matchers.every(
    (m) =>
      !(TARGET_LABELS as readonly string[]).includes(m.name) || labelMatches(m, target[m.name as (typeof TARGET_LABELS)[number]] ?? ''),
  );
}

/** Renders a selector the way PromQL writes it. */
export function formatSelectorUse(use: SelectorUse): string {
  return `${use.metric ?? ''}{${use.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}

/** How Prometheus names a target's job: the check's messages say it once. */
export const JOB_LABEL_RULE =
  "a ServiceMonitor target's job is its Service's name (`<system>-<component>`), a PodMonitor target's `<namespace>/<name>`";

/**
 * One message per selector of the system in `namespace` that reads its own targets (see
 * {@link readsOwnTargets}) but matches none of `targets` (every target Prometheus scrapes in the
 * environment: a selector without a `namespace` matcher may read another system's). Each names the
 * construct path, the query, the selector, the jobs of the namespace's targets and the fix.
 */
export function unmatchedSelectors(namespace: string, targets: readonly ScrapeTarget[], uses: readonly SelectorUse[]): string[] {
  const own = targets.filter((t) => t.namespace === namespace);
  const jobs = [...new Set(own.map((t) => t.job))].sort();
  const listed =
    jobs.length > 0
      ? `jobs in namespace '${namespace}': ${jobs.map((j) => JSON.stringify(j)).join(', ')}`
      : `namespace '${namespace}' has no ServiceMonitor or PodMonitor target`;
  const messages: string[] = [];
  for (const use of uses) {
    if (!readsOwnTargets(use, namespace) || targets.some((t) => selectsTarget(use, t))) continue;
    const fix =
      suggestion(use, own) ??
      (jobs.length > 0 ? 'select one of these jobs' : 'monitor the workload (a metrics port or `monitoring` on its ReliableService)');
    messages.push(
      `${use.path}: ${use.where} ${formatSelectorUse(use)} matches no scrape target (${listed}) — ${fix}, or name the namespace of a target outside the system`,
    );
  }
  return [...new Set(messages)];
}

/** `use job="<the one target job that ends with the written value>"`, for the usual mistake of leaving out the system prefix. */
function suggestion(use: SelectorUse, own: readonly ScrapeTarget[]): string | undefined {
  const job = use.matchers.find((m) => m.name === 'job' && m.op === '=');
  if (!job) return undefined;
  const candidates = [...new Set(own.map((t) => t.job).filter((j) => j.endsWith(`-${job.value}`) || j.endsWith(`/${job.value}`)))];
  return candidates.length === 1 ? `use job=${JSON.stringify(candidates[0])}` : undefined;
}
