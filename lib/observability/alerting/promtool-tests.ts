import type { PrometheusRuleDefinition } from './alert-rule';
import { BurnTier, windowMinutes } from './burn-rate';
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
  /** The burn-rate alert rules, in the order of `tiers`. */
  readonly burnAlerts: readonly PrometheusRuleDefinition[];
  readonly noDataAlert: PrometheusRuleDefinition;
  readonly noDataForMinutes: number;
  readonly minRequestsPerSecond: number;
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

/** One test group: input series and the alerts expected at given times. */
export interface PromtoolTestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: Array<{ series: string; values: string }>;
  readonly alert_rule_test: Array<{
    eval_time: string;
    alertname: string;
    exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }>;
  }>;
}

/** A period of constant traffic and error ratio. */
export interface Phase {
  readonly minutes: number;
  /** The share of failed requests (0–1). */
  readonly errorRatio: number;
}

/** A synthetic history: constant traffic, piecewise-constant error ratio. */
export interface Scenario {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly phases: readonly Phase[];
  /** Minutes after the start at which the alerts are checked. */
  readonly evalMinutes: readonly number[];
}

/** Evaluations either side of a checked time at which the modelled alert state must be the same. */
export const STABILITY_MARGIN_STEPS = 2;
const RATE_WINDOW = 5;
/** Multiple of a tier's factor the tier scenarios burn at: just above it, since alerts use `>`. */
export const BURN_MARGIN = 1.1;

/**
 * Minutes between rule evaluations in the generated tests (`evaluation_interval`). Input series
 * are sampled every minute; evaluating every 5 minutes keeps a 3-day `sum_over_time` at 864
 * samples instead of 4,320 and the run five times shorter, and the ratios do not depend on it.
 */
export const EVAL_MINUTES = 5;

/**
 * The tiers firing at `minute` (a multiple of {@link EVAL_MINUTES}) of `scenario`, modelled the
 * way Prometheus evaluates the rules: at every evaluation, 5-minute rates from the 1-minute
 * samples (`(v(t) - v(t-5m)) / 5m`), window ratios as sums of the recorded rates in `[t-W, t]`,
 * the traffic guard as their mean over the long window, and `for` counted from the first
 * evaluation the condition held.
 */
export function firingTiers(tiers: readonly BurnTier[], minRequestsPerSecond: number, scenario: Scenario, minute: number): number[] {
  if (minute % EVAL_MINUTES !== 0) throw new Error(`evaluation time ${minute}m is not a multiple of ${EVAL_MINUTES}m`);
  const steps = minute / EVAL_MINUTES;
  const { errors, total } = rates(scenario, steps);
  const prefixE = prefix(errors);
  const prefixT = prefix(total);
  // Recorded rates exist from the second evaluation on (a rate needs two samples).
  const from = (k: number, w: number) => Math.max(1, k - w / EVAL_MINUTES);
  const sum = (p: number[], k: number, w: number) => p[k + 1] - p[from(k, w)];
  return tiers.flatMap((tier, index) => {
    const long = windowMinutes(tier.long);
    const short = windowMinutes(tier.short);
    let activeSince: number | undefined;
    for (let k = 0; k <= steps; k++) {
      const holds = k >= 1
        && ratio(sum(prefixE, k, long), sum(prefixT, k, long)) > tier.threshold
        && ratio(sum(prefixE, k, short), sum(prefixT, k, short)) > tier.threshold
        && sum(prefixT, k, long) / (k + 1 - from(k, long)) >= minRequestsPerSecond;
      activeSince = holds ? activeSince ?? k * EVAL_MINUTES : undefined;
    }
    return activeSince !== undefined && minute - activeSince >= tier.forMinutes ? [index] : [];
  });
}

/**
 * The first evaluation time at or after `minute` whose modelled alert state holds for
 * {@link STABILITY_MARGIN_STEPS} evaluations either side, so rounding in Prometheus'
 * extrapolation or a different evaluation phase cannot flip the outcome.
 */
export function stableMinute(tiers: readonly BurnTier[], minRequestsPerSecond: number, scenario: Omit<Scenario, 'evalMinutes'>, minute: number): number {
  const s = { ...scenario, evalMinutes: [] };
  const first = Math.ceil(minute / EVAL_MINUTES) * EVAL_MINUTES;
  for (let t = first; t < first + 240; t += EVAL_MINUTES) {
    const expected = firingTiers(tiers, minRequestsPerSecond, s, t).join();
    let stable = true;
    for (let d = -STABILITY_MARGIN_STEPS; d <= STABILITY_MARGIN_STEPS && stable; d++) {
      stable = firingTiers(tiers, minRequestsPerSecond, s, t + d * EVAL_MINUTES).join() === expected;
    }
    if (stable) return t;
  }
  throw new Error(`${scenario.name}: no stable evaluation time within 4 hours after minute ${minute}`);
}

/** The scenarios proving an SLO's alerts (see {@link sloPromtoolTests}). */
export function sloScenarios(subject: Pick<SloTestSubject, 'tiers' | 'minRequestsPerSecond' | 'noDataForMinutes'>): Scenario[] {
  const { tiers, minRequestsPerSecond: minRps } = subject;
  const rps = minRps * 10;
  const scenarios: Scenario[] = tiers.map((tier, index) => {
    const long = windowMinutes(tier.long);
    const burn = tier.factor * BURN_MARGIN;
    const base = {
      name: `burning at ${round(burn)}× (${BURN_MARGIN} × the ${tier.long}/${tier.short} tier) after ${tier.long} of no errors`,
      requestsPerSecond: rps,
    };
    // Before: half the long window into the burn, the tier must still be quiet; after: one long
    // window (plus `for`) into it, it must fire. The fast page tier is also checked 8 hours in,
    // by when the slower tiers have caught up.
    const times = [Math.round(long / 2), long + tier.forMinutes, ...(index === 0 ? [8 * 60] : [])];
    const history = long;
    const last = history + Math.max(...times) + 240 + (STABILITY_MARGIN_STEPS + 1) * EVAL_MINUTES;
    const phases = [{ minutes: history, errorRatio: 0 }, { minutes: last - history, errorRatio: burn * budgetOf(tier) }];
    const evalMinutes = times.map((t) => stableMinute(tiers, minRps, { ...base, phases }, history + t));
    const end = Math.max(...evalMinutes);
    return { ...base, phases: [phases[0], { ...phases[1], minutes: end - history }], evalMinutes };
  });
  // Constant from the start, the ratio is the same over every window: once the longest `for`
  // has passed, nothing new can happen.
  const slowest = Math.max(...tiers.map((t) => t.forMinutes)) + 60;
  const healthyBurn = round(0.8 * Math.min(1, ...tiers.map((t) => t.factor)));
  scenarios.push({
    name: `healthy: burning at ${healthyBurn}×, below every tier`,
    requestsPerSecond: rps,
    phases: [{ minutes: slowest, errorRatio: healthyBurn * budgetOf(tiers[0]) }],
    evalMinutes: [60, slowest],
  });
  scenarios.push({
    name: `quiet: ${minRps / 2} req/s (half the traffic guard) failing 50%`,
    requestsPerSecond: minRps / 2,
    phases: [{ minutes: 26 * 60, errorRatio: 0.5 }],
    evalMinutes: [30, 7 * 60, 26 * 60],
  });
  return scenarios;
}

/**
 * promtool unit tests for one SLO: for each tier, a burn at 1.1× its factor after a healthy
 * history (quiet at half its long window, firing one long window in, with exactly the set of
 * tiers the model predicts); a healthy burn below every factor; traffic below the guard at a
 * 50 % error ratio; and no data, which raises only the no-data alert.
 */
export function sloPromtoolTests(subject: SloTestSubject, ruleFiles: readonly string[]): PromtoolTestFile {
  const burnName = subject.burnAlerts[0].alert as string;
  const noDataName = subject.noDataAlert.alert as string;
  const identity = { service: subject.service, slo: subject.slo };
  const expected = (rule: PrometheusRuleDefinition) => {
    const labels = sorted({ ...identity, ...rule.labels });
    return { exp_labels: labels, exp_annotations: sorted(expand(rule.annotations ?? {}, labels)) };
  };
  const tests: PromtoolTestGroup[] = sloScenarios(subject).map((scenario) => ({
    name: `${subject.service}/${subject.slo}: ${scenario.name}`,
    interval: '1m',
    input_series: inputSeries(subject.sli, scenario),
    alert_rule_test: scenario.evalMinutes.flatMap((minute) => [
      {
        eval_time: promDuration(minute),
        alertname: burnName,
        exp_alerts: firingTiers(subject.tiers, subject.minRequestsPerSecond, scenario, minute).map((i) => expected(subject.burnAlerts[i])),
      },
      { eval_time: promDuration(minute), alertname: noDataName, exp_alerts: [] },
    ]),
  }));
  const noDataAt = subject.noDataForMinutes + 5;
  tests.push({
    name: `${subject.service}/${subject.slo}: no data`,
    interval: '1m',
    input_series: [{ series: 'up{job="unrelated"}', values: `1x${noDataAt}` }],
    alert_rule_test: [
      { eval_time: '5m', alertname: noDataName, exp_alerts: [] },
      { eval_time: promDuration(noDataAt), alertname: noDataName, exp_alerts: [expected(subject.noDataAlert)] },
      { eval_time: promDuration(noDataAt), alertname: burnName, exp_alerts: [] },
    ],
  });
  if (subject.sli.kind === 'latency') {
    // The histogram is scraped, but without a bucket at the threshold (`le`): requests are
    // counted, slow ones cannot be, so the SLO must not look healthy — it reports no data.
    const [count, bucket] = inputSeries(subject.sli, { name: 'no bucket', requestsPerSecond: 10, phases: [{ minutes: noDataAt, errorRatio: 0 }], evalMinutes: [] });
    tests.push({
      name: `${subject.service}/${subject.slo}: no bucket at the threshold`,
      interval: '1m',
      input_series: [count, { series: bucket.series.replace(/le="[^"]*"/, 'le="+Inf"'), values: bucket.values }],
      alert_rule_test: [
        { eval_time: promDuration(noDataAt), alertname: noDataName, exp_alerts: [expected(subject.noDataAlert)] },
        { eval_time: promDuration(noDataAt), alertname: burnName, exp_alerts: [] },
      ],
    });
  }
  return { rule_files: [...ruleFiles], evaluation_interval: `${EVAL_MINUTES}m`, group_eval_order: [...subject.groupNames], tests };
}

/** Counter increments per minute for the requests and the failed requests of each phase. */
function increments(scenario: Scenario): Array<{ minutes: number; total: number; errors: number }> {
  const perMinute = scenario.requestsPerSecond * 60;
  return scenario.phases.map((p) => ({ minutes: p.minutes, total: perMinute, errors: perMinute * p.errorRatio }));
}

/**
 * Concrete input series for the SLI: counters whose sums over the SLI's selectors give the
 * scenario's totals and errors. A failed-requests series that also matches `total` (the usual
 * `code=~"5.."` subset) is paired with a successful one; separate counters are kept separate.
 */
export function inputSeries(sli: SloTestSubject['sli'], scenario: Scenario): Array<{ series: string; values: string }> {
  const phases = increments(scenario);
  const build = (metric: string, labels: Record<string, string>, inc: (p: { total: number; errors: number }) => number) =>
    ({ series: seriesName(metric, labels), values: counterValues(phases.map((p) => ({ minutes: p.minutes, inc: inc(p) }))) });
  if (sli.kind === 'latency') {
    const base = solve([{ metric: `${sli.histogram}_count`, matchers: sli.matchers }]);
    if (!base) throw new Error(`cannot derive a series matching {${sli.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(',')}}`);
    return [
      build(`${sli.histogram}_count`, base.labels, (p) => p.total),
      build(`${sli.histogram}_bucket`, { ...base.labels, le: sli.le }, (p) => p.total - p.errors),
    ];
  }
  // errors ⊂ total: [errors & total] = errors, [total only] = total - errors.
  // good ⊂ total:   [good & total] = total - errors, [total only] = errors.
  const subset = (sli.errors ?? sli.good) as Selector;
  const both = solve([sli.total, subset]);
  const rest = solve([sli.total], subset);
  const fromSubset = (p: { total: number; errors: number }) => (sli.errors ? p.errors : p.total - p.errors);
  const fromRest = (p: { total: number; errors: number }) => (sli.errors ? p.total - p.errors : p.errors);
  if (both && rest) return [build(both.metric, both.labels, fromSubset), build(rest.metric, rest.labels, fromRest)];
  // Separate counters: [subset only] = errors or good, [total only] = total.
  const alone = solve([subset], sli.total);
  if (alone && rest) return [build(alone.metric, alone.labels, fromSubset), build(rest.metric, rest.labels, (p) => p.total)];
  throw new Error('cannot derive input series for the SLI selectors: give equality or simple regex matchers');
}

const CANDIDATES = ['500', '200', '503', '404', '429', 'error', 'ok', 'success', 'true', 'false', '0', '1', 'x'];

/** A series (metric and labels) selected by every selector of `all` and, if given, not by `not`. */
export function solve(all: readonly Selector[], not?: Selector): { metric: string; labels: Record<string, string> } | undefined {
  const names = new Set(all.map((s) => s.metric ?? s.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value));
  const metric = [...names][0];
  if (names.size !== 1 || metric === undefined) return undefined;
  const matchersOf = (name: string) => all.flatMap((s) => s.matchers.filter((m) => m.name === name));
  const candidatesFor = (name: string) => [...new Set([
    ...[...all, ...(not ? [not] : [])].flatMap((s) => s.matchers.filter((m) => m.name === name).flatMap((m) => (m.op === '=' ? [m.value] : m.op === '=~' ? [regexExample(m.value)] : []))),
    ...CANDIDATES, '',
  ])];
  const labels: Record<string, string> = {};
  const labelNames = [...new Set([...all, ...(not ? [not] : [])].flatMap((s) => s.matchers.map((m) => m.name)))].filter((n) => n !== '__name__');
  for (const name of labelNames) {
    const value = candidatesFor(name).find((c) => matchersOf(name).every((m) => matches(m, c)));
    if (value === undefined) return undefined;
    if (value !== '') labels[name] = value;
  }
  if (not && selects(not, metric, labels)) {
    const breaker = not.matchers.filter((m) => m.name !== '__name__').map((m) => ({
      name: m.name,
      value: candidatesFor(m.name).find((c) => !matches(m, c) && matchersOf(m.name).every((own) => matches(own, c))),
    })).find((b) => b.value !== undefined);
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
    .replace(/\\d/g, '0').replace(/\\w/g, 'a').replace(/\\(.)/g, '$1')
    .replace(/\.(?![^\\]*\\)/g, '0')
    .replace(/[?*+]|\{\d+(,\d*)?\}/g, '');
}

/**
 * promtool's series notation for a counter growing by `inc` per minute in each phase, starting
 * at 0. promtool expands `a+bxn` by repeated float addition; the next phase starts from the same
 * repeated sum (printed exactly), so the counter never appears to go backwards (a reset).
 */
export function counterValues(phases: ReadonlyArray<{ minutes: number; inc: number }>): string {
  let value = 0;
  return phases.map((p, i) => {
    let start = value;
    let steps = p.minutes;
    if (i > 0) {
      start = value + p.inc;
      steps = p.minutes - 1;
    }
    value = start;
    for (let k = 0; k < steps; k++) value += p.inc;
    return `${start}+${p.inc}x${steps}`;
  }).join(' ');
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
  const body = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return `${metric}{${body}}`;
}

/** 5-minute rates of errors and requests at each evaluation up to `steps` (index = evaluation). */
function rates(scenario: Scenario, steps: number): { errors: number[]; total: number[] } {
  const incs = increments(scenario);
  const counterE = [0];
  const counterT = [0];
  let phase = 0;
  let left = incs[0]?.minutes ?? 0;
  for (let t = 1; t <= steps * EVAL_MINUTES; t++) {
    while (left <= 0 && phase < incs.length - 1) left += incs[++phase].minutes;
    const p = incs[phase];
    counterE.push(counterE[t - 1] + p.errors);
    counterT.push(counterT[t - 1] + p.total);
    left--;
  }
  const rate = (c: number[], k: number) => {
    const t = k * EVAL_MINUTES;
    return k === 0 ? 0 : (c[t] - c[Math.max(0, t - RATE_WINDOW)]) / (RATE_WINDOW * 60);
  };
  const ks = Array.from({ length: steps + 1 }, (_, k) => k);
  return { errors: ks.map((k) => rate(counterE, k)), total: ks.map((k) => rate(counterT, k)) };
}

function prefix(values: number[]): number[] {
  const out = [0];
  for (const v of values) out.push(out[out.length - 1] + v);
  return out;
}

function ratio(errors: number, total: number): number {
  return total > 0 ? errors / total : NaN;
}

function budgetOf(tier: BurnTier): number {
  return tier.threshold / tier.factor;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}

function sorted(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Expands `{{ $labels.name }}` as Prometheus would; other templates are left as they are. */
function expand(annotations: Readonly<Record<string, string>>, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, v.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '')]));
}
