import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { parser } from '@prometheus-io/lezer-promql';
import { DASHBOARD_DATASOURCE_VARIABLE, SLI_WINDOWS, SloRecords } from '../../core/conventions';
import { errorRatioOver } from '../alerting/burn-rate';
import { formatSelector, labelEq, labelRe, Matcher, promDuration, promNumber, promqlSyntaxError, Selector, selectorOf, unquote } from '../promql';
import { Violations } from '../../core/validation';

// ---------------------------------------------------------------------------------------------
// The dashboard model: what a panel shows, independent of Grafana's JSON
// ---------------------------------------------------------------------------------------------

/** One PromQL query of a panel and the legend of its series. */
export interface QuerySpec {
  readonly expr: string;
  /** Grafana legend format, e.g. `{{pod}}` or `p99`. */
  readonly legend: string;
}

/** One threshold step: from `value` (null: the base) upwards, `color`. */
export interface ThresholdStep {
  readonly value: number | null;
  readonly color: string;
}

/** One panel: a time series (range queries), or a stat or gauge of the current value (instant queries). */
export interface PanelSpec {
  readonly kind: 'timeseries' | 'stat' | 'gauge';
  readonly title: string;
  /** What the panel shows and how it is computed (the panel's info tooltip). */
  readonly description: string;
  /** A Grafana unit id, e.g. `percentunit`, `reqps`, `s`, `bytes`. */
  readonly unit: string;
  readonly queries: readonly QuerySpec[];
  /** Width in grid columns (of 24). */
  readonly width: number;
  /** Height in grid rows. */
  readonly height: number;
  /** Colour steps; a time series draws them as dashed lines (an objective, a limit). */
  readonly thresholds?: readonly ThresholdStep[];
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  /**
   * The smallest step between points of a time series: a sum over the SLO window reads weeks of
   * samples per point, so its points are spaced out to keep the query cheap.
   */
  readonly minInterval?: string;
}

/** A titled row of panels. */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** A whole dashboard. */
export interface DashboardSpec {
  /** Stable identifier (≤ 40 characters): the dashboard's URL and what links and provisioning key on. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** Tags; the first one also links the dashboards sharing it (a dropdown of the system's dashboards). */
  readonly tags: readonly string[];
  /** The default time range, e.g. `now-6h`. */
  readonly from: string;
  readonly rows: readonly RowSpec[];
}

/** Every query of a dashboard with the row and panel it belongs to. */
export interface LocatedQuery {
  readonly row: string;
  readonly panel: string;
  readonly expr: string;
}

/** Grafana's maximum uid length. */
export const MAX_UID_LENGTH = 40;

/** The queries of a dashboard, in panel order. */
export function dashboardQueries(spec: DashboardSpec): LocatedQuery[] {
  return spec.rows.flatMap((r) => r.panels.flatMap((p) => p.queries.map((q) => ({ row: r.title, panel: p.title, expr: q.expr }))));
}

/**
 * Why each query of a dashboard does not parse, as
 * `dashboard '<uid>', panel '<row> › <panel>': expression '<expr>' <problem>`.
 */
export function dashboardSyntaxErrors(spec: DashboardSpec): string[] {
  return dashboardQueries(spec).flatMap((q) => {
    const problem = promqlSyntaxError(q.expr);
    return problem === undefined ? [] : [`dashboard '${spec.uid}', panel '${q.row} › ${q.panel}': expression '${q.expr}' ${problem}`];
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering with the Grafana Foundation SDK
// ---------------------------------------------------------------------------------------------

const DATASOURCE = { type: 'prometheus', uid: `\${${DASHBOARD_DATASOURCE_VARIABLE}}` };

/**
 * The dashboard as Grafana's classic JSON model (schemaVersion 42), built with the SDK's
 * builders. The classic model rather than the SDK's v2 one: file provisioning, which the sidecar
 * feeds, reads classic dashboards on every Grafana version.
 */
export function renderDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    // Instance-local: Grafana assigns it; the uid identifies the dashboard everywhere.
    .id(null)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .time({ from: spec.from, to: 'now' })
    .timezone('browser')
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    // Provisioned from Git: edits in the UI could not be saved back, so none are offered.
    .readonly()
    .withVariable(new dashboard.DatasourceVariableBuilder(DASHBOARD_DATASOURCE_VARIABLE).label('Data source').type('prometheus'))
    .link(new dashboard.DashboardLinkBuilder('Dashboards').type(dashboard.DashboardLinkType.Dashboards).tags([spec.tags[0]])
      .asDropdown(true).includeVars(true).keepTime(true));
  let id = 0;
  for (const row of spec.rows) {
    // Panels follow an expanded row at the top level: Grafana drops the panels nested in a row
    // unless it is collapsed.
    builder.withRow(new dashboard.RowBuilder(row.title).id(++id));
    for (const panel of row.panels) builder.withPanel(renderPanel(panel, ++id));
  }
  return builder.build();
}

function renderPanel(p: PanelSpec, id: number): cog.Builder<dashboard.Panel> {
  const targets = p.queries.map((q, i) => {
    const target = new prometheus.DataqueryBuilder().expr(q.expr).legendFormat(q.legend).refId(refId(i)).datasource(DATASOURCE);
    return p.kind === 'timeseries' ? target.range() : target.instant();
  });
  const thresholds = p.thresholds && new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(p.thresholds.map((t) => ({ ...t })));
  const common_ = <T extends timeseries.PanelBuilder | stat.PanelBuilder | gauge.PanelBuilder>(b: T): T => {
    b.id(id).title(p.title).description(p.description).datasource(DATASOURCE).unit(p.unit).span(p.width).height(p.height).targets(targets);
    if (thresholds) b.thresholds(thresholds);
    if (p.min !== undefined) b.min(p.min);
    if (p.max !== undefined) b.max(p.max);
    if (p.decimals !== undefined) b.decimals(p.decimals);
    if (p.minInterval !== undefined) b.interval(p.minInterval);
    return b;
  };
  const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
  switch (p.kind) {
    case 'stat':
      return common_(new stat.PanelBuilder()).reduceOptions(lastValue()).graphMode(common.BigValueGraphMode.None).colorMode(common.BigValueColorMode.Value);
    case 'gauge':
      return common_(new gauge.PanelBuilder()).reduceOptions(lastValue()).showThresholdMarkers(true);
    case 'timeseries': {
      const b = common_(new timeseries.PanelBuilder())
        .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
        .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
        .lineWidth(1)
        .fillOpacity(10);
      if (thresholds) b.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
      return b;
    }
  }
}

function refId(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `Q${index}`;
}

/**
 * JSON with object keys sorted at every level, two-space indented: the same dashboard always
 * serializes to the same bytes, whatever order the SDK's builders set fields in, and a change
 * shows up as a small diff. `undefined` and functions are dropped, as JSON.stringify does.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

// ---------------------------------------------------------------------------------------------
// Metric names of an expression (for "every queried metric is scraped or recorded" checks)
// ---------------------------------------------------------------------------------------------

/**
 * The metric names an expression reads, sorted and without duplicates, from the lezer-promql
 * parse tree: the name before a selector's braces (`rate(http_requests_total{…}[5m])`), an exact
 * `__name__="…"` matcher, or a quoted name (`{"my.metric"}`). Function names, label names and
 * string arguments are not metrics. A regex name matcher (`{__name__=~"…"}`) names no single
 * metric and is left out. Throws when the expression does not parse.
 */
export function metricNames(expr: string): string[] {
  const problem = promqlSyntaxError(expr);
  if (problem !== undefined) throw new Error(`expression '${expr}' ${problem}`);
  const names = new Set<string>();
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const identifier = node.getChild('Identifier');
    if (identifier) names.add(text(identifier));
    const matchers = node.getChild('LabelMatchers');
    for (let m = matchers?.firstChild ?? null; m; m = m.nextSibling) {
      if (m.name === 'QuotedLabelName') {
        const literal = m.getChild('StringLiteral');
        if (literal) names.add(unquote(text(literal)));
        continue;
      }
      const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const op = m.getChild('MatchOp');
      const value = m.getChild('StringLiteral');
      const label = name && (name.name === 'LabelName' ? text(name) : unquote(text(name)));
      if (label === '__name__' && op && text(op) === '=' && value) names.add(unquote(text(value)));
    }
  } while (cursor.next());
  return [...names].sort();
}

// ---------------------------------------------------------------------------------------------
// Panels of one SLO (SloDashboard)
// ---------------------------------------------------------------------------------------------

/** What the panels of one SLO need (plain data, so the queries are testable without constructs). */
export interface SloPanelsInput {
  readonly service: string;
  readonly slo: string;
  /** The objective in percent. */
  readonly objective: number;
  /** The SLO window in whole minutes. */
  readonly windowMinutes: number;
  /** The error budget as a ratio (0.001 for 99.9 %). */
  readonly errorBudget: number;
  /** The matchers of the SLO's recorded series, `{namespace="…",service="…",slo="…"}`. */
  readonly recordSelector: string;
  /** A human description of the SLI, e.g. `requests(… / …)`. */
  readonly sli: string;
  /** For a latency SLI: the histogram, its matchers and the threshold in seconds. */
  readonly latency?: { readonly histogram: string; readonly selector: Selector; readonly thresholdSeconds: number };
  /** Latency quantiles to plot (0 < q < 1). */
  readonly quantiles: readonly number[];
}

/**
 * One row per SLO: availability and error budget remaining over the SLO window, availability
 * against the objective over time, the burn rate over every recorded window, traffic, and the
 * latency quantiles of a latency SLI.
 *
 * Over the SLO window everything is computed from the recorded 5-minute rates (the recorded error
 * ratios stop at 3 days) with the recordings' own {@link errorRatioOver}. The recorded error rate
 * exists whenever requests do (the Slo reads a missing failure counter as zero), so an empty
 * panel means what the SLO's no-data alert means.
 */
export function sloRow(input: SloPanelsInput): RowSpec {
  const w = promDuration(input.windowMinutes);
  const sel = input.recordSelector;
  const errors = `${SloRecords.ERRORS_RATE5M}${sel}`;
  const requests = `${SloRecords.REQUESTS_RATE5M}${sel}`;
  const budget = promNumber(input.errorBudget);
  const objective = Number(promNumber(input.objective / 100));
  const errorRatio = (window: string) => errorRatioOver(sel, window);
  const availability = (window: string) => `1 - (\n${errorRatio(window)}\n)`;
  const objectiveLine: ThresholdStep[] = [{ value: null, color: 'red' }, { value: objective, color: 'green' }];
  const panels: PanelSpec[] = [
    {
      kind: 'stat',
      title: `Availability (${w})`,
      description: `Share of good requests over the SLO window (${w}), traffic-weighted from the recorded 5-minute rates; green at or above the objective of ${input.objective}%.`,
      unit: units.PercentUnit,
      decimals: 3,
      queries: [{ expr: availability(w), legend: 'availability' }],
      thresholds: objectiveLine,
      width: 6,
      height: 6,
    },
    {
      kind: 'gauge',
      title: `Error budget remaining (${w})`,
      description: `Share of the error budget (${promNumber(input.errorBudget * 100)}% of requests over ${w}) not yet spent: 1 − error ratio over ${w} / budget. Below zero the SLO is broken.`,
      unit: units.PercentUnit,
      decimals: 1,
      min: 0,
      max: 1,
      queries: [{ expr: `1 - (\n${errorRatio(w)}\n) / ${budget}`, legend: 'budget remaining' }],
      thresholds: [{ value: null, color: 'red' }, { value: 0, color: 'orange' }, { value: 0.25, color: 'green' }],
      width: 6,
      height: 6,
    },
    {
      kind: 'timeseries',
      title: 'Availability vs objective',
      description: `Share of good requests over the rolling SLO window (${w}) and over the last hour; the dashed line is the objective (${input.objective}%).`,
      unit: units.PercentUnit,
      decimals: 3,
      minInterval: '1h',
      queries: [
        { expr: availability(w), legend: w },
        { expr: `1 - ${SloRecords.errorRatio('1h')}${sel}`, legend: '1h' },
      ],
      thresholds: objectiveLine,
      width: 12,
      height: 6,
    },
    {
      kind: 'timeseries',
      title: 'Burn rate',
      description: 'How many times faster than sustainable the error budget is spent, per recorded window (error ratio / budget). '
        + `At 1 the budget lasts exactly the SLO window (${w}); the page alerts fire from about 14× over 1 h.`,
      unit: units.Short,
      queries: SLI_WINDOWS.map((window) => ({ expr: `${SloRecords.errorRatio(window)}${sel} / ${budget}`, legend: window })),
      thresholds: [{ value: null, color: 'green' }, { value: 1, color: 'red' }],
      min: 0,
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Traffic',
      description: `Requests and failed requests per second counted by the SLI (${input.sli}), recorded over 5 minutes.`,
      unit: units.RequestsPerSecond,
      queries: [
        { expr: requests, legend: 'requests' },
        { expr: errors, legend: 'errors' },
      ],
      min: 0,
      width: 12,
      height: 8,
    },
  ];
  if (input.latency) {
    const l = input.latency;
    const threshold = Number(promNumber(l.thresholdSeconds));
    panels.push({
      kind: 'timeseries',
      title: 'Latency quantiles',
      description: `Request latency quantiles from ${l.histogram} over 5 minutes; the dashed line is the SLO's threshold (${promNumber(threshold * 1000)} ms).`,
      unit: units.Seconds,
      queries: input.quantiles.map((q) => ({ expr: quantileExpr(l.histogram, l.selector, q, '5m'), legend: quantileLegend(q) })),
      thresholds: [{ value: null, color: 'green' }, { value: threshold, color: 'red' }],
      min: 0,
      width: 24,
      height: 8,
    });
  }
  return { title: `${input.service} / ${input.slo}: ${input.objective}% over ${w}`, panels };
}

/** `histogram_quantile(q, sum by (le) (rate(<histogram>_bucket{…}[window])))`. */
export function quantileExpr(histogram: string, selector: Selector, quantile: number, window: string): string {
  const buckets = formatSelector({ metric: `${histogram}_bucket`, matchers: selector.matchers });
  return `histogram_quantile(${promNumber(quantile)}, sum by (le) (rate(${buckets}[${window}])))`;
}

/** `p99`, `p99.9`, `p50`. */
export function quantileLegend(quantile: number): string {
  return `p${promNumber(quantile * 100)}`;
}

// ---------------------------------------------------------------------------------------------
// Panels of one service (ServiceDashboard)
// ---------------------------------------------------------------------------------------------

/** What the panels of one service need. */
export interface ServicePanelsInput {
  /** The workload's name (Deployment, Service, HPA, scrape job). */
  readonly name: string;
  readonly namespace: string;
  /** The pods' names as an anchored regex. */
  readonly pods: string;
  /** The request counter. */
  readonly requests: Selector;
  /** The failed-request counter. */
  readonly errors: Selector;
  /** The request-latency histogram, if any. */
  readonly latency?: { readonly histogram: string; readonly selector: Selector };
  readonly quantiles: readonly number[];
  /** Whether an HPA owns the replica count. */
  readonly autoscaled: boolean;
}

const RATE_WINDOW = '5m';

/**
 * One row per service: RED (request rate, error ratio, latency quantiles) from the application's
 * metrics, saturation (CPU and memory of each pod against its requests and limits, from cAdvisor
 * and kube-state-metrics), container restarts, and replicas (with the HPA's bounds when it
 * autoscales).
 */
export function serviceRow(input: ServicePanelsInput): RowSpec {
  const ns = labelEq('namespace', input.namespace);
  const pods = [ns, labelRe('pod', input.pods)];
  const containers: Matcher[] = [...pods, { name: 'container', op: '!=', value: '' }, { name: 'container', op: '!=', value: 'POD' }];
  const rate = (s: Selector) => `sum(rate(${formatSelector(s)}[${RATE_WINDOW}]))`;
  // A pod's request (or limit) is the sum over its containers; every pod of a Deployment has the same.
  const perPod = (metric: string, resource: string) => `max(sum by (pod) (${selectorOf(metric, ...pods, labelEq('resource', resource))}))`;
  const red = input.latency ? 8 : 12;
  const panels: PanelSpec[] = [
    {
      kind: 'timeseries',
      title: 'Request rate',
      description: `Requests per second (${formatSelector(input.requests)}, over ${RATE_WINDOW}).`,
      unit: units.RequestsPerSecond,
      queries: [{ expr: rate(input.requests), legend: 'requests' }],
      min: 0,
      width: red,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Error ratio',
      description: `Share of failed requests (${formatSelector(input.errors)} / ${formatSelector(input.requests)}, over ${RATE_WINDOW}); no failed series counts as none.`,
      unit: units.PercentUnit,
      queries: [{ expr: `(\n  ${rate(input.errors)}\n  or\n  vector(0)\n)\n/\n${rate(input.requests)}`, legend: 'errors' }],
      min: 0,
      width: red,
      height: 8,
    },
  ];
  if (input.latency) {
    const l = input.latency;
    panels.push({
      kind: 'timeseries',
      title: 'Latency',
      description: `Request latency quantiles from ${l.histogram} over ${RATE_WINDOW}.`,
      unit: units.Seconds,
      queries: input.quantiles.map((q) => ({ expr: quantileExpr(l.histogram, l.selector, q, RATE_WINDOW), legend: quantileLegend(q) })),
      min: 0,
      width: red,
      height: 8,
    });
  }
  panels.push(
    {
      kind: 'timeseries',
      title: 'CPU',
      description: 'CPU used by each pod (cAdvisor, cores over 5 minutes) against the pod\'s CPU request and limit (kube-state-metrics).',
      unit: units.Short,
      queries: [
        { expr: `sum by (pod) (rate(${selectorOf('container_cpu_usage_seconds_total', ...containers)}[${RATE_WINDOW}]))`, legend: '{{pod}}' },
        { expr: perPod('kube_pod_container_resource_requests', 'cpu'), legend: 'request' },
        { expr: perPod('kube_pod_container_resource_limits', 'cpu'), legend: 'limit' },
      ],
      min: 0,
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Memory',
      description: 'Working set of each pod (cAdvisor; what the OOM killer compares with the limit) against the pod\'s memory request and limit (kube-state-metrics).',
      unit: units.BytesIEC,
      queries: [
        { expr: `sum by (pod) (${selectorOf('container_memory_working_set_bytes', ...containers)})`, legend: '{{pod}}' },
        { expr: perPod('kube_pod_container_resource_requests', 'memory'), legend: 'request' },
        { expr: perPod('kube_pod_container_resource_limits', 'memory'), legend: 'limit' },
      ],
      min: 0,
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Container restarts (1h)',
      description: 'Container restarts of each pod over the last hour (kube-state-metrics): crashes, OOM kills and failed liveness probes.',
      unit: units.Short,
      queries: [{ expr: `sum by (pod) (increase(${selectorOf('kube_pod_container_status_restarts_total', ...pods)}[1h]))`, legend: '{{pod}}' }],
      min: 0,
      decimals: 0,
      width: 12,
      height: 8,
    },
  );
  const deployment = [ns, labelEq('deployment', input.name)];
  const hpa = [ns, labelEq('horizontalpodautoscaler', input.name)];
  const available = { expr: `sum(${selectorOf('kube_deployment_status_replicas_available', ...deployment)})`, legend: 'available' };
  panels.push({
    kind: 'timeseries',
    title: 'Replicas',
    description: input.autoscaled
      ? 'Available pods of the Deployment and the HorizontalPodAutoscaler\'s current, minimum and maximum replicas (kube-state-metrics): at the maximum it cannot add capacity.'
      : 'Available pods of the Deployment against its fixed replica count (kube-state-metrics).',
    unit: units.Short,
    queries: input.autoscaled
      ? [
        available,
        { expr: `max(${selectorOf('kube_horizontalpodautoscaler_status_current_replicas', ...hpa)})`, legend: 'current (HPA)' },
        { expr: `max(${selectorOf('kube_horizontalpodautoscaler_spec_min_replicas', ...hpa)})`, legend: 'min' },
        { expr: `max(${selectorOf('kube_horizontalpodautoscaler_spec_max_replicas', ...hpa)})`, legend: 'max' },
      ]
      : [available, { expr: `max(${selectorOf('kube_deployment_spec_replicas', ...deployment)})`, legend: 'desired' }],
    min: 0,
    decimals: 0,
    width: 12,
    height: 8,
  });
  return { title: input.name, panels };
}

/** Records an empty list, each quantile not strictly between 0 and 1, and a repeated one. */
export function checkQuantiles(v: Violations, prop: string, quantiles: readonly number[]): void {
  v.check(quantiles.length === 0, prop, [], 'is empty', 'list the quantiles to plot, e.g. [0.5, 0.95, 0.99]');
  for (const q of quantiles) {
    v.check(!(q > 0 && q < 1), prop, q, 'is not strictly between 0 and 1', 'use e.g. 0.99 for p99');
  }
  v.check(new Set(quantiles).size !== quantiles.length, prop, quantiles, 'lists a quantile twice', 'list each quantile once');
}

// ---------------------------------------------------------------------------------------------
// Panels of one PostgreSQL cluster and one Redis cache (DatabaseDashboard)
// ---------------------------------------------------------------------------------------------

/** What the panels of one CloudNativePG cluster need. */
export interface PostgresPanelsInput {
  /** The cluster's name. */
  readonly name: string;
  readonly namespace: string;
  /** The application database (the `datname` of the per-database series). */
  readonly database: string;
  /** Instances: one primary, the rest standbys. */
  readonly instances: number;
  /** The instance pods' names as an anchored regex (`<cluster>-[0-9]+`). */
  readonly pods: string;
  /** The instances' data and WAL PersistentVolumeClaims as an anchored regex. */
  readonly claims: string;
  /** Continuous backup: the metric of the newest available base backup and when it is stale. */
  readonly backup?: { readonly lastAvailable: string; readonly staleAfterSeconds: number; readonly schedule: string };
  /** The read-write PgBouncer pooler: its pods as an anchored regex and the server connections it may open. */
  readonly pooler?: { readonly pods: string; readonly serverConnections: number };
}

/**
 * One row per PostgreSQL cluster, from CloudNativePG's exporter (see `CNPG_EXPORTER_METRICS`):
 * instances up, streaming standbys, connections against max_connections, the newest base
 * backup's age, connections per instance, the PgBouncer pool, transactions, the buffer cache hit
 * ratio, each standby's replay lag, deadlocks and temporary files, and the volumes' usage (kubelet).
 * A standby-only panel is left out of a single instance, a backup panel out of a cluster without
 * backups, the pool out of a cluster without a pooler.
 */
export function postgresRow(input: PostgresPanelsInput): RowSpec {
  const ns = labelEq('namespace', input.namespace);
  const pods = [ns, labelRe('pod', input.pods)];
  const db = [...pods, labelEq('datname', input.database)];
  const perPodRate = (metric: string) => `sum by (pod) (rate(${selectorOf(metric, ...db)}[${RATE_WINDOW}]))`;
  const perPodIncrease = (metric: string) => `sum by (pod) (increase(${selectorOf(metric, ...db)}[${RATE_WINDOW}]))`;
  const standbys = input.instances - 1;
  const backends = `sum by (pod) (${selectorOf('cnpg_backends_total', ...pods)})`;
  const maxConnections = selectorOf('cnpg_pg_settings_setting', ...pods, labelEq('name', 'max_connections'));

  const stats: Array<Omit<PanelSpec, 'width'>> = [{
    kind: 'stat',
    title: 'Instances up',
    description: `Instances whose exporter reports PostgreSQL up (cnpg_collector_up), of the cluster's ${input.instances}.`,
    unit: units.Short,
    decimals: 0,
    queries: [{ expr: `sum(${selectorOf('cnpg_collector_up', ...pods)})`, legend: 'up' }],
    thresholds: [{ value: null, color: 'red' }, { value: input.instances, color: 'green' }],
    height: 6,
  }];
  if (standbys > 0) {
    stats.push({
      kind: 'stat',
      title: 'Streaming standbys',
      description: `Standbys streaming WAL from the primary (its pg_stat_replication), of the cluster's ${standbys}: at zero a primary failure loses the database until it returns.`,
      unit: units.Short,
      decimals: 0,
      queries: [{ expr: `max(${selectorOf('cnpg_pg_replication_streaming_replicas', ...pods)})`, legend: 'streaming' }],
      thresholds: [{ value: null, color: 'red' }, ...(standbys > 1 ? [{ value: 1, color: 'orange' }] : []), { value: standbys, color: 'green' }],
      height: 6,
    });
  }
  stats.push({
    kind: 'gauge',
    title: 'Connections used',
    description: 'Backends of each instance as a share of its max_connections (cnpg_backends_total / the max_connections setting); '
      + 'orange and red at the PostgresAlertPack\'s default ticket (80%) and page (95%) levels.',
    unit: units.PercentUnit,
    decimals: 0,
    min: 0,
    max: 1,
    queries: [{ expr: `${backends}\n/\nmax by (pod) (${maxConnections})`, legend: '{{pod}}' }],
    thresholds: [{ value: null, color: 'green' }, { value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }],
    height: 6,
  });
  if (input.backup) {
    const b = input.backup;
    stats.push({
      kind: 'stat',
      title: 'Last base backup',
      description: `Age of the newest available base backup (${b.lastAvailable}); red from ${promDuration(b.staleAfterSeconds / 60)}, `
        + `twice the longest gap of the schedule '${b.schedule}', where the PostgresBackupStale alert fires.`,
      unit: units.Seconds,
      decimals: 0,
      queries: [{ expr: `time() - max(${selectorOf(b.lastAvailable, ...pods)})`, legend: 'age' }],
      thresholds: [{ value: null, color: 'green' }, { value: b.staleAfterSeconds, color: 'red' }],
      height: 6,
    });
  }
  const panels: PanelSpec[] = stats.map((p) => ({ ...p, width: 24 / stats.length }));

  panels.push({
    kind: 'timeseries',
    title: 'Connections',
    description: 'Backends connected to each instance, in every state (cnpg_backends_total), against max_connections (the instance\'s setting); '
      + 'superusers and standbys take some of the slots.',
    unit: units.Short,
    decimals: 0,
    min: 0,
    queries: [
      { expr: backends, legend: '{{pod}}' },
      { expr: `max(${maxConnections})`, legend: 'max_connections' },
    ],
    width: 12,
    height: 8,
  });
  if (input.pooler) {
    const pool = [ns, labelRe('pod', input.pooler.pods), labelEq('database', input.database)];
    const sum = (metric: string) => `sum(${selectorOf(metric, ...pool)})`;
    panels.push({
      kind: 'timeseries',
      title: 'Connection pool (PgBouncer)',
      description: `Client and server connections of the read-write pooler's pods for ${input.database} (SHOW POOLS). Clients waiting have sent a query `
        + `and wait for a server connection: the pool is the bottleneck. The dashed line is the server connections the pooler may open (${input.pooler.serverConnections}).`,
      unit: units.Short,
      decimals: 0,
      min: 0,
      queries: [
        { expr: sum('cnpg_pgbouncer_pools_cl_active'), legend: 'clients active' },
        { expr: sum('cnpg_pgbouncer_pools_cl_waiting'), legend: 'clients waiting' },
        { expr: sum('cnpg_pgbouncer_pools_sv_active'), legend: 'server active' },
        { expr: sum('cnpg_pgbouncer_pools_sv_idle'), legend: 'server idle' },
      ],
      thresholds: [{ value: null, color: 'green' }, { value: input.pooler.serverConnections, color: 'red' }],
      width: 12,
      height: 8,
    });
  }
  panels.push(
    {
      kind: 'timeseries',
      title: 'Transactions',
      description: `Transactions per second in ${input.database} on each instance (pg_stat_database over ${RATE_WINDOW}): commits, and rollbacks (errors or aborts).`,
      unit: units.OpsPerSecond,
      min: 0,
      queries: [
        { expr: perPodRate('cnpg_pg_stat_database_xact_commit'), legend: 'commits {{pod}}' },
        { expr: perPodRate('cnpg_pg_stat_database_xact_rollback'), legend: 'rollbacks {{pod}}' },
      ],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Cache hit ratio',
      description: `Share of ${input.database}'s block reads served from PostgreSQL's shared buffers on each instance: blocks hit / (hit + read from disk), over ${RATE_WINDOW}. `
        + 'Well below 99% the working set no longer fits in memory.',
      unit: units.PercentUnit,
      decimals: 2,
      min: 0,
      max: 1,
      queries: [{
        expr: `${perPodRate('cnpg_pg_stat_database_blks_hit')}\n/\n(\n  ${perPodRate('cnpg_pg_stat_database_blks_hit')}\n  +\n  ${perPodRate('cnpg_pg_stat_database_blks_read')}\n)`,
        legend: '{{pod}}',
      }],
      thresholds: [{ value: null, color: 'red' }, { value: 0.9, color: 'orange' }, { value: 0.99, color: 'green' }],
      width: 12,
      height: 8,
    },
  );
  if (standbys > 0) {
    panels.push({
      kind: 'timeseries',
      title: 'Replication lag',
      description: 'How far each standby\'s replay is behind the primary, in seconds (cnpg_pg_replication_lag of the instances in recovery): '
        + 'reads from the -ro Service are that stale, and a failover to the standby loses up to that much.',
      unit: units.Seconds,
      min: 0,
      queries: [{
        expr: `max by (pod) (${selectorOf('cnpg_pg_replication_lag', ...pods)})\nand on (pod)\nmax by (pod) (${selectorOf('cnpg_pg_replication_in_recovery', ...pods)}) == 1`,
        legend: '{{pod}}',
      }],
      width: 12,
      height: 8,
    });
  }
  panels.push(
    {
      kind: 'timeseries',
      title: `Deadlocks and temp files (${RATE_WINDOW})`,
      description: `Deadlocks detected and temporary files written in ${input.database} per ${RATE_WINDOW} on each instance (pg_stat_database): `
        + 'deadlocks abort a transaction; temporary files are sorts and hashes that did not fit in work_mem.',
      unit: units.Short,
      min: 0,
      queries: [
        { expr: perPodIncrease('cnpg_pg_stat_database_deadlocks'), legend: 'deadlocks {{pod}}' },
        { expr: perPodIncrease('cnpg_pg_stat_database_temp_files'), legend: 'temp files {{pod}}' },
      ],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Volume usage',
      description: 'Used share of each instance\'s data and WAL volume (kubelet volume stats); orange and red at the PostgresAlertPack\'s default ticket (70%) and page (90%) levels. '
        + 'A full volume stops PostgreSQL.',
      unit: units.PercentUnit,
      min: 0,
      max: 1,
      queries: [{
        expr: ['used_bytes', 'capacity_bytes']
          .map((s) => `max by (persistentvolumeclaim) (${selectorOf(`kubelet_volume_stats_${s}`, ns, labelRe('persistentvolumeclaim', input.claims))})`).join('\n/\n'),
        legend: '{{persistentvolumeclaim}}',
      }],
      thresholds: [{ value: null, color: 'green' }, { value: 0.7, color: 'orange' }, { value: 0.9, color: 'red' }],
      width: 12,
      height: 8,
    },
  );
  return { title: `${input.name} (PostgreSQL)`, panels };
}

/** What the panels of one Redis cache need. */
export interface RedisPanelsInput {
  /** The cache's name (StatefulSet). */
  readonly name: string;
  readonly namespace: string;
  /** Redis pods. */
  readonly replicas: number;
  /** The pods' names as an anchored regex (`<name>-[0-9]+`). */
  readonly pods: string;
  /** Whether Sentinel replicates it (a master and replicas). */
  readonly sentinel: boolean;
}

/**
 * One row per Redis cache, from its redis_exporter (see `REDIS_EXPORTER_METRICS`): instances
 * up, masters (in Sentinel mode), the keyspace hit ratio, memory against maxmemory, connected
 * clients, evictions and, in Sentinel mode, the replicas connected to the master and their links.
 */
export function redisRow(input: RedisPanelsInput): RowSpec {
  const redis = (metric: string, ...extra: Matcher[]) => selectorOf(metric, labelEq('namespace', input.namespace), labelRe('pod', input.pods), ...extra);
  const rate = (metric: string) => `sum(rate(${redis(metric)}[${RATE_WINDOW}]))`;
  const master = redis('redis_instance_info', labelEq('role', 'master'));
  const stats: Array<Omit<PanelSpec, 'width'>> = [{
    kind: 'stat',
    title: 'Instances up',
    description: `Redis pods whose exporter reaches Redis (redis_up), of the cache's ${input.replicas}.`,
    unit: units.Short,
    decimals: 0,
    queries: [{ expr: `sum(${redis('redis_up')})`, legend: 'up' }],
    thresholds: [{ value: null, color: 'red' }, { value: input.replicas, color: 'green' }],
    height: 6,
  }];
  if (input.sentinel) {
    stats.push({
      kind: 'stat',
      title: 'Masters',
      description: 'Pods that report the master role (redis_instance_info): exactly one. None means writes fail until Sentinel fails over; two means a split brain.',
      unit: units.Short,
      decimals: 0,
      queries: [{ expr: `count(${master})`, legend: 'masters' }],
      thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'red' }],
      height: 6,
    });
  }
  const panels: PanelSpec[] = stats.map((p) => ({ ...p, width: 24 / stats.length }));
  panels.push(
    {
      kind: 'timeseries',
      title: 'Hit ratio',
      description: `Share of key lookups that found their key (keyspace hits / (hits + misses), over ${RATE_WINDOW}): how much the cache spares the database.`,
      unit: units.PercentUnit,
      decimals: 1,
      min: 0,
      max: 1,
      queries: [{ expr: `${rate('redis_keyspace_hits_total')}\n/\n(\n  ${rate('redis_keyspace_hits_total')}\n  +\n  ${rate('redis_keyspace_misses_total')}\n)`, legend: 'hit ratio' }],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Memory',
      description: 'Memory Redis has allocated on each pod (used_memory) against maxmemory: at maxmemory Redis evicts keys by its eviction policy.',
      unit: units.BytesIEC,
      min: 0,
      queries: [
        { expr: `sum by (pod) (${redis('redis_memory_used_bytes')})`, legend: '{{pod}}' },
        { expr: `max(${redis('redis_memory_max_bytes')})`, legend: 'maxmemory' },
      ],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Connected clients',
      description: 'Client connections of each pod (connected_clients), the exporter\'s and the replicas\' included.',
      unit: units.Short,
      decimals: 0,
      min: 0,
      queries: [{ expr: `sum by (pod) (${redis('redis_connected_clients')})`, legend: '{{pod}}' }],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Evictions',
      description: `Keys evicted per second on each pod to stay under maxmemory (over ${RATE_WINDOW}): a steady rate means the cache is too small for its working set.`,
      unit: units.Short,
      min: 0,
      queries: [{ expr: `sum by (pod) (rate(${redis('redis_evicted_keys_total')}[${RATE_WINDOW}]))`, legend: '{{pod}}' }],
      width: 12,
      height: 8,
    },
  );
  if (input.sentinel) {
    panels.push({
      kind: 'timeseries',
      title: 'Replication',
      description: `Replicas connected to the master (its connected_slaves) and replicas whose link to the master is up (master_link_up): both ${input.replicas - 1} when healthy.`,
      unit: units.Short,
      decimals: 0,
      min: 0,
      queries: [
        { expr: `max(${redis('redis_connected_slaves')} and on (pod) ${master})`, legend: 'replicas connected' },
        { expr: `sum(${redis('redis_master_link_up')})`, legend: 'replica links up' },
      ],
      width: 24,
      height: 8,
    });
  }
  return { title: `${input.name} (Redis)`, panels };
}
