import type { PrometheusRuleDefinition } from './alert-rule';
import { BurnTier, windowMinutes } from './burn-rate';
import { BurnReplay, counterOf, seriesValues, Traffic, trafficOf } from './replay-model';
import { Matcher, matches, promDuration, Selector, selects } from '../promql';

/** What the generator needs to know about one SLO. */
export interface SloTestSubject {
  readonly slo: string;
  readonly service: string;
  /** The SLI's raw series, from which concrete input series are derived. */
  readonly sli:
    | { readonly kind: 'requests'; readonly total: Selector; readonly errors?: Selector; readonly good?: Selector }
    | { readonly kind: 'latency'; readonly histogram: string; readonly matchers: readonly Matcher[]; readonly le: string };
  readonly tiers: readonly BurnTier[];
  /** The burn-rate alert rules: the page alert (if any pair pages), then the ticket alert (if any pair does not). */
  readonly burnAlerts: readonly PrometheusRuleDefinition[];
  readonly noDataAlert: PrometheusRuleDefinition;
  readonly noDataForMinutes: number;
  /** Failed requests a pair's long window must hold. */
  readonly minFailedEvents: number;
  /** The error budget as a ratio. */
  readonly errorBudget: number;
  /** The SLO window in minutes. */
  readonly windowMinutes: number;
  /** The SLO's rule groups, in evaluation order (recording rules first). */
  readonly groupNames: readonly string[];
}

/** A `promtool test rules` file. */
export interface PromtoolTestFile {
  readonly rule_files: string[];
  readonly evaluation_interval: string;
  readonly group_eval_order: string[];
  readonly tests: PromtoolTestGroup[];
}

/** An alert promtool must see firing: its labels and (expanded) annotations. */
export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

/** One test group: input series, the alerts expected at given times, and PromQL checks. */
export interface PromtoolTestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: Array<{ series: string; values: string }>;
  readonly alert_rule_test: Array<{ eval_time: string; alertname: string; exp_alerts: ExpectedAlert[] }>;
  readonly promql_expr_test?: Array<{ expr: string; eval_time: string; exp_samples: Array<{ labels: string; value: number }> }>;
}

/**
 * Minutes between rule evaluations in the per-SLO tests (`evaluation_interval`). Input series are
 * sampled every minute; evaluating every 5 minutes keeps the 3-day pair's test five times shorter.
 * The replay suite (test/stacks/slo-replay.test.ts) evaluates pages every minute.
 */
export const EVAL_MINUTES = 5;

/** Requests per minute of the generated tests' busy service (100 req/s). */
export const BUSY_REQUESTS_PER_MINUTE = 6000;

/** The page alert's rule, or the ticket alert's, of a subject. */
export function burnRuleOf(subject: Pick<SloTestSubject, 'tiers' | 'burnAlerts'>, page: boolean): PrometheusRuleDefinition | undefined {
  const hasPage = subject.tiers.some((t) => t.page);
  if (page) return hasPage ? subject.burnAlerts[0] : undefined;
  return subject.tiers.some((t) => !t.page) ? subject.burnAlerts[hasPage ? 1 : 0] : undefined;
}

/** The alert promtool reports for `rule` with `extra` labels from the expression (the pair's windows). */
export function expectedAlert(
  subject: Pick<SloTestSubject, 'service' | 'slo'>,
  rule: PrometheusRuleDefinition,
  extra: Record<string, string> = {},
): ExpectedAlert {
  const labels = sorted({ service: subject.service, slo: subject.slo, ...rule.labels, ...extra });
  return { exp_labels: labels, exp_annotations: sorted(expand(rule.annotations ?? {}, labels)) };
}

/** The burn-rate alerts (of the page or ticket alert only, if `page` is given) firing at `minute` of a replay, as promtool lists them (one per firing pair). */
export function expectedBurnAlerts(subject: SloTestSubject, replay: BurnReplay, minute: number, page?: boolean): ExpectedAlert[] {
  return replay
    .firing(minute)
    .filter((i) => page === undefined || subject.tiers[i].page === page)
    .map((i) => {
      const tier = subject.tiers[i];
      return expectedAlert(subject, burnRuleOf(subject, tier.page) as PrometheusRuleDefinition, {
        long_window: tier.long,
        short_window: tier.short,
      });
    })
    .sort((a, b) => JSON.stringify(a.exp_labels).localeCompare(JSON.stringify(b.exp_labels)));
}

/** A PromQL check that no burn-rate alert of the subject (of `severity`, if given) fired in the `minutes` before `at`. */
export function neverFired(
  subject: Pick<SloTestSubject, 'service' | 'slo'>,
  alertname: string,
  at: number,
  minutes: number,
  severity?: string,
) {
  const matchers = [
    `alertname="${alertname}"`,
    `service="${subject.service}"`,
    `slo="${subject.slo}"`,
    ...(severity ? [`severity="${severity}"`] : []),
  ];
  return { expr: `count_over_time(ALERTS{${matchers.join(',')}}[${promDuration(minutes)}])`, eval_time: promDuration(at), exp_samples: [] };
}

/** Busy traffic (100 req/s) failing at `ratio` between minutes `from` and `to` (whole requests). */
export function burnTraffic(
  minutes: number,
  from: number,
  to: number,
  ratio: number,
  requestsPerMinute = BUSY_REQUESTS_PER_MINUTE,
): Traffic {
  const failed = Math.round(Math.min(1, ratio) * requestsPerMinute);
  return trafficOf(minutes, (m) => ({ requests: requestsPerMinute, failed: m > from && m <= to ? failed : 0 }));
}

/**
 * Traffic of one request every `gap` minutes (10 an hour for 6), the first at minute `phase`;
 * requests after `from` and up to `to` fail, or only the `only`-th request after `from`.
 */
export function sparseTraffic(minutes: number, gap: number, phase: number, from: number, to: number, only?: number): Traffic {
  let afterFrom = 0;
  return trafficOf(minutes, (m) => {
    if ((m - phase) % gap !== 0 || m < phase) return { requests: 0, failed: 0 };
    if (m > from) afterFrom++;
    const fails = m > from && m <= to && (only === undefined || afterFrom === only);
    return { requests: 1, failed: fails ? 1 : 0 };
  });
}

/**
 * promtool unit tests for one SLO, their expectations computed by {@link BurnReplay}:
 * - per pair, a burn at 1.1× its factor after one long window without errors: quiet at half the
 *   long window, firing (with every pair the model predicts) a long window in;
 * - a healthy burn at half the slowest factor for 26 hours: no burn alert ever fires;
 * - a total outage at 10 requests an hour (one every 6 minutes): pages at the evaluation after
 *   the guard's failures; a single failed request at that traffic: nothing ever fires;
 * - no data, which raises only the no-data alert (and a histogram without the threshold's bucket).
 */
export function sloPromtoolTests(subject: SloTestSubject, ruleFiles: readonly string[]): PromtoolTestFile {
  const burnName = subject.burnAlerts[0].alert as string;
  const noDataName = subject.noDataAlert.alert as string;
  const step = (m: number) => Math.ceil(m / EVAL_MINUTES) * EVAL_MINUTES;
  const group = (name: string, traffic: Traffic, times: readonly number[], extra: Partial<PromtoolTestGroup> = {}): PromtoolTestGroup => {
    const replay = new BurnReplay(subject, traffic, EVAL_MINUTES);
    return {
      name: `${subject.service}/${subject.slo}: ${name}`,
      interval: '1m',
      input_series: inputSeries(subject.sli, traffic),
      alert_rule_test: times.flatMap((minute) => [
        { eval_time: promDuration(minute), alertname: burnName, exp_alerts: expectedBurnAlerts(subject, replay, minute) },
        { eval_time: promDuration(minute), alertname: noDataName, exp_alerts: [] },
      ]),
      ...extra,
    };
  };
  const tests: PromtoolTestGroup[] = subject.tiers.map((tier, index) => {
    const long = windowMinutes(tier.long);
    const burn = Number((tier.factor * 1.1).toPrecision(4));
    const times = [step(long + long / 2), step(2 * long + 10), ...(index === 0 ? [step(long + 8 * 60)] : [])];
    const end = Math.max(...times);
    return group(
      `burning at ${burn}× (1.1 × the ${tier.long}/${tier.short} pair) after ${tier.long} without errors`,
      burnTraffic(end, long, end, burn * subject.errorBudget),
      times,
    );
  });
  const slowest = Math.min(...subject.tiers.map((t) => t.factor));
  const healthy = Number((slowest / 2).toPrecision(4));
  const day = 26 * 60;
  tests.push(
    group(`healthy: burning at ${healthy}× for 26 hours`, burnTraffic(day, 0, day, healthy * subject.errorBudget), [60, 7 * 60, day], {
      promql_expr_test: [neverFired(subject, burnName, day, day)],
    }),
  );
  // 10 requests an hour, one every 6 minutes from minute 3 on; from minute 120 every request fails.
  const outage = sparseTraffic(180, 6, 3, 120, 180);
  const paged = new BurnReplay(subject, outage, EVAL_MINUTES).first(true, 120);
  tests.push(
    group('10 requests an hour, all failing from 2h', outage, [120, ...(paged === undefined ? [180] : [paged - EVAL_MINUTES, paged])]),
  );
  tests.push(
    group('10 requests an hour, a single one failing', sparseTraffic(180, 6, 3, 120, 180, 1), [125, 180], {
      promql_expr_test: [neverFired(subject, burnName, 180, 180)],
    }),
  );
  const noDataAt = subject.noDataForMinutes + 5;
  tests.push({
    name: `${subject.service}/${subject.slo}: no data`,
    interval: '1m',
    input_series: [{ series: 'up{job="unrelated"}', values: `1x${noDataAt}` }],
    alert_rule_test: [
      { eval_time: '5m', alertname: noDataName, exp_alerts: [] },
      { eval_time: promDuration(noDataAt), alertname: noDataName, exp_alerts: [expectedAlert(subject, subject.noDataAlert)] },
      { eval_time: promDuration(noDataAt), alertname: burnName, exp_alerts: [] },
    ],
  });
  if (subject.sli.kind === 'latency') {
    // The histogram is scraped, but without a bucket at the threshold (`le`): requests are
    // counted, slow ones cannot be, so the SLO must not look healthy — it reports no data.
    const [count, bucket] = inputSeries(subject.sli, burnTraffic(noDataAt, 0, 0, 0, 600));
    tests.push({
      name: `${subject.service}/${subject.slo}: no bucket at the threshold`,
      interval: '1m',
      input_series: [count, { series: bucket.series.replace(/le="[^"]*"/, 'le="+Inf"'), values: bucket.values }],
      alert_rule_test: [
        { eval_time: promDuration(noDataAt), alertname: noDataName, exp_alerts: [expectedAlert(subject, subject.noDataAlert)] },
        { eval_time: promDuration(noDataAt), alertname: burnName, exp_alerts: [] },
      ],
    });
  }
  return { rule_files: [...ruleFiles], evaluation_interval: `${EVAL_MINUTES}m`, group_eval_order: [...subject.groupNames], tests };
}

/**
 * Concrete input series for the SLI: counters whose sums over the SLI's selectors give the
 * traffic's requests and failures. A failed-requests series that also matches `total` (the usual
 * `code=~"5.."` subset) is paired with a successful one; separate counters are kept separate.
 * `until`: the last minute sampled (the counters disappear after it); `step`: minutes between
 * samples (the test group's `interval`).
 */
export function inputSeries(
  sli: SloTestSubject['sli'],
  traffic: Traffic,
  until?: number,
  step = 1,
): Array<{ series: string; values: string }> {
  const total = traffic.requests;
  const failed = traffic.failed;
  const ok = total.map((r, m) => r - failed[m]);
  const build = (metric: string, labels: Record<string, string>, increments: readonly number[]) => {
    const samples = counterOf(increments);
    const sampled = (until === undefined ? samples : samples.slice(0, until + 1)).filter((_, m) => m % step === 0);
    return { series: seriesName(metric, labels), values: seriesValues(sampled) };
  };
  if (sli.kind === 'latency') {
    const base = solve([{ metric: `${sli.histogram}_count`, matchers: sli.matchers }]);
    if (!base) throw new Error(`cannot derive a series matching {${sli.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(',')}}`);
    return [build(`${sli.histogram}_count`, base.labels, total), build(`${sli.histogram}_bucket`, { ...base.labels, le: sli.le }, ok)];
  }
  // errors ⊂ total: [errors & total] = errors, [total only] = total - errors.
  // good ⊂ total:   [good & total] = total - errors, [total only] = errors.
  const subset = (sli.errors ?? sli.good) as Selector;
  const both = solve([sli.total, subset]);
  const rest = solve([sli.total], subset);
  const fromSubset = sli.errors ? failed : ok;
  const fromRest = sli.errors ? ok : failed;
  if (both && rest) return [build(both.metric, both.labels, fromSubset), build(rest.metric, rest.labels, fromRest)];
  // Separate counters: [subset only] = errors or good, [total only] = total.
  const alone = solve([subset], sli.total);
  if (alone && rest) return [build(alone.metric, alone.labels, fromSubset), build(rest.metric, rest.labels, total)];
  throw new Error('cannot derive input series for the SLI selectors: give equality or simple regex matchers');
}

const CANDIDATES = ['500', '200', '503', '404', '429', 'error', 'ok', 'success', 'true', 'false', '0', '1', 'x'];

/** A series (metric and labels) selected by every selector of `all` and, if given, not by `not`. */
export function solve(all: readonly Selector[], not?: Selector): { metric: string; labels: Record<string, string> } | undefined {
  const names = new Set(all.map((s) => s.metric ?? s.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value));
  const metric = [...names][0];
  if (names.size !== 1 || metric === undefined) return undefined;
  const matchersOf = (name: string) => all.flatMap((s) => s.matchers.filter((m) => m.name === name));
  const candidatesFor = (name: string) => [
    ...new Set([
      ...[...all, ...(not ? [not] : [])].flatMap((s) =>
        s.matchers.filter((m) => m.name === name).flatMap((m) => (m.op === '=' ? [m.value] : m.op === '=~' ? [regexExample(m.value)] : [])),
      ),
      ...CANDIDATES,
      '',
    ]),
  ];
  const labels: Record<string, string> = {};
  const labelNames = [...new Set([...all, ...(not ? [not] : [])].flatMap((s) => s.matchers.map((m) => m.name)))].filter(
    (n) => n !== '__name__',
  );
  for (const name of labelNames) {
    const value = candidatesFor(name).find((c) => matchersOf(name).every((m) => matches(m, c)));
    if (value === undefined) return undefined;
    if (value !== '') labels[name] = value;
  }
  if (not && selects(not, metric, labels)) {
    const breaker = not.matchers
      .filter((m) => m.name !== '__name__')
      .map((m) => ({
        name: m.name,
        value: candidatesFor(m.name).find((c) => !matches(m, c) && matchersOf(m.name).every((own) => matches(own, c))),
      }))
      .find((b) => b.value !== undefined);
    if (!breaker) return undefined;
    if (breaker.value === '') delete labels[breaker.name];
    else labels[breaker.name] = breaker.value as string;
    if (selects(not, metric, labels)) return undefined;
  }
  return all.every((s) => selects(s, metric, labels)) ? { metric, labels } : undefined;
}

/** A string the (simple) regex probably matches: the first alternative with classes and wildcards filled in. */
export function regexExample(regex: string): string {
  let depth = 0;
  let first = '';
  for (const ch of regex) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === '|' && depth === 0) break;
    first += ch;
  }
  const wrapped = /^\((\?:)?(.*)\)$/.exec(first);
  if (wrapped && balanced(wrapped[2])) return regexExample(wrapped[2]);
  return first
    .replace(/\(\?:|[()^$]/g, '')
    .replace(/\[\^[^\]]*\]/g, 'z')
    .replace(/\[(\\?.)[^\]]*\]/g, (_, c: string) => c.replace('\\', ''))
    .replace(/\\d/g, '0')
    .replace(/\\w/g, 'a')
    .replace(/\\(.)/g, '$1')
    .replace(/\.(?![^\\]*\\)/g, '0')
    .replace(/[?*+]|\{\d+(,\d*)?\}/g, '');
}

function balanced(regex: string): boolean {
  let depth = 0;
  for (const ch of regex) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function seriesName(metric: string, labels: Record<string, string>): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return `${metric}{${body}}`;
}

function sorted(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Expands `{{ $labels.name }}` as Prometheus would; other templates are left as they are. */
function expand(annotations: Readonly<Record<string, string>>, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).map(([k, v]) => [k, v.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '')]),
  );
}
