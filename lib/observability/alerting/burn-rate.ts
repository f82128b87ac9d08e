import { SLI_WINDOWS, SliWindow, SloRecords } from '../../core/conventions';
import { promNumber } from '../promql';

/**
 * One window pair of the SRE Workbook's multi-window, multi-burn-rate alerts (ch. 5, "Alerting on
 * SLOs", approach 6): it fires when `budgetPercent` % of the whole SLO window's error budget has
 * been spent within `long`, and the `short` window shows it is still being spent.
 */
export interface BurnTierPolicy {
  /** The long window: how much budget has been spent. */
  readonly long: SliWindow;
  /** The short window (1/12 of the long one): whether it is still burning, so the alert resolves soon after the fix. */
  readonly short: SliWindow;
  /** The share of the SLO window's budget that, spent within `long`, fires the alert. */
  readonly budgetPercent: number;
  /** Whether the pair belongs to the page alert (else to the ticket alert). */
  readonly page: boolean;
}

/**
 * The Workbook's four pairs: page on 2 % of the budget in 1 h or 5 % in 6 h, ticket on 10 % in
 * 1 d or 10 % in 3 d (14.4×, 6×, 3× and 1× a 30-day budget).
 */
export const BURN_TIERS: readonly BurnTierPolicy[] = [
  { long: '1h', short: '5m', budgetPercent: 2, page: true },
  { long: '6h', short: '30m', budgetPercent: 5, page: true },
  { long: '1d', short: '2h', budgetPercent: 10, page: false },
  { long: '3d', short: '6h', budgetPercent: 10, page: false },
];

/**
 * Failed requests the long window must hold before a burn-rate alert fires, unless the SLO says
 * otherwise: one failure is no pattern, two are the least evidence of one. See docs/SLO-ALERTING.md
 * for the arithmetic (a total outage at 10 requests an hour pages at its second failed request).
 */
export const DEFAULT_MIN_FAILED_EVENTS = 2;

/** A tier resolved for one SLO. */
export interface BurnTier extends BurnTierPolicy {
  /** How many times faster than sustainable the budget burns: budget share × SLO window / long window. */
  readonly factor: number;
  /** The error ratio both windows must exceed: factor × error budget. */
  readonly threshold: number;
}

/** Minutes in a window of {@link SLI_WINDOWS}. */
export function windowMinutes(window: SliWindow): number {
  const n = Number(window.slice(0, -1));
  return window.endsWith('d') ? n * 1440 : window.endsWith('h') ? n * 60 : n;
}

/**
 * The error budget as a ratio: `100 - 99.9` is 0.09999999999999432 in floating point, so the
 * difference is rounded to twelve significant digits first (objectives never have more).
 */
export function errorBudget(objectivePercent: number): number {
  return Number((Number((100 - objectivePercent).toPrecision(12)) / 100).toPrecision(12));
}

/**
 * The tiers for an SLO over `windowMinutes`. Factors are derived, not copied from the Workbook's
 * 30-day table (a 28-day SLO pages at 13.44×, not 14.4×), and rounded to four significant digits
 * (0.9333× for 3 days of 28); thresholds are computed from the rounded factor and printed without
 * float artefacts, so the rule, its labels and its description agree.
 */
export function burnTiers(
  objectivePercent: number,
  sloWindowMinutes: number,
  policies: readonly BurnTierPolicy[] = BURN_TIERS,
): BurnTier[] {
  const budget = errorBudget(objectivePercent);
  return policies.map((policy) => {
    const factor = Number((((policy.budgetPercent / 100) * sloWindowMinutes) / windowMinutes(policy.long)).toPrecision(4));
    return { ...policy, factor, threshold: Number(promNumber(factor * budget)) };
  });
}

/**
 * The same pairs with every tier that cannot fire (threshold ≥ 1: more than every request would
 * have to fail) given a budget share that puts its threshold near 0.5 — half the requests failing
 * still pages — rounded down to two significant digits. What the error for such an SLO proposes.
 */
export function reachableTiers(
  objectivePercent: number,
  sloWindowMinutes: number,
  policies: readonly BurnTierPolicy[] = BURN_TIERS,
): BurnTierPolicy[] {
  const tiers = burnTiers(objectivePercent, sloWindowMinutes, policies);
  return policies.map((policy, i) => {
    if (tiers[i].threshold < 1) return policy;
    const share = (policy.budgetPercent * 0.5) / tiers[i].threshold;
    const digits = 10 ** (Math.floor(Math.log10(share)) - 1);
    return { ...policy, budgetPercent: Number((Math.floor(share / digits) * digits).toPrecision(2)) };
  });
}

/** A tier set as a stack would write it (the `tiers` prop of an Slo). */
export function formatTiers(policies: readonly BurnTierPolicy[]): string {
  return `[${policies.map((p) => `{ long: '${p.long}', short: '${p.short}', budgetPercent: ${p.budgetPercent}, page: ${p.page} }`).join(', ')}]`;
}

/**
 * How one SLI's counters read over a window: PromQL of the failed and of all requests counted in
 * it (`sum(increase(…[1h]))`), each without labels.
 */
export interface SliCounters {
  readonly errors: (window: string) => string;
  readonly requests: (window: string) => string;
}

/** PromQL of one SLO's recording rules, in evaluation order. */
export interface SliRecording {
  readonly record: string;
  readonly expr: string;
}

/**
 * The recording rules of one SLI: the 5-minute error and request rates (the dashboards' and the
 * no-data alert's series), the error ratio over every window, and the failed requests over the
 * tiers' long windows (the low-traffic guard).
 *
 * Each window's ratio is the counters' increase over the whole window — failed over all requests —
 * as the Workbook and Sloth compute it, not a sum or average of recorded 5-minute rates: those
 * trail the counters by up to 5 minutes, a ramp that delayed a total outage's page by 2–3 minutes.
 * `increase` rather than `rate` keeps whole requests whole (a ratio of 2 counts, no division by
 * the window), and a window without requests records nothing instead of 0/0 = NaN, so the short
 * windows' "still burning" reads the last window that had requests (see {@link tierExpr}).
 *
 * `selector` is the `{namespace="…",service="…",slo="…"}` matcher set of the recorded series.
 */
export function sliRecordings(
  errorsRate: string,
  requestsRate: string,
  counters: SliCounters,
  longWindows: readonly SliWindow[],
): SliRecording[] {
  return [
    { record: SloRecords.ERRORS_RATE5M, expr: errorsRate },
    { record: SloRecords.REQUESTS_RATE5M, expr: requestsRate },
    ...SLI_WINDOWS.map((w) => ({ record: SloRecords.errorRatio(w), expr: `${counters.errors(w)}\n/\n(${counters.requests(w)} > 0)` })),
    ...SLI_WINDOWS.filter((w) => longWindows.includes(w)).map((w) => ({ record: SloRecords.errorsIncrease(w), expr: counters.errors(w) })),
  ];
}

/**
 * The error ratio over any `window` (`30d`: the budget spent), from the recorded 5-minute rates of
 * the SLO whose recorded series `selector` matches. Cheap over a month (one series of recorded
 * samples), but it trails the counters by the 5-minute rate's ramp: the dashboards read it, the
 * alerts read the counters' ratios ({@link sliRecordings}).
 */
export function errorRatioOver(selector: string, window: string): string {
  return `sum_over_time(${SloRecords.ERRORS_RATE5M}${selector}[${window}])\n/\nsum_over_time(${SloRecords.REQUESTS_RATE5M}${selector}[${window}])`;
}

/**
 * The condition of one window pair, labelled with its windows so the alert says which pair fired:
 * - the long window's error ratio above the threshold (the budget share is spent),
 * - at least `minFailedEvents` failed requests in the long window (the low-traffic guard: at 10
 *   requests an hour one failure is a 10 % ratio, far above any threshold, yet no outage), and
 * - the short window's ratio above the threshold: still burning. A short window without requests
 *   records no ratio, so the last one recorded within the long window counts — at 10 requests an
 *   hour the 5-minute window is empty most minutes, and an outage must neither flap nor resolve
 *   until a request succeeds.
 *
 * No `for`: the long window already is the hold time (the Workbook advises against `for` on burn
 * alerts, a delay of its own on top of the window's), and the guard and the short window keep a
 * single failure or a blip from paging.
 */
export function tierExpr(tier: BurnTier, selector: string, minFailedEvents: number): string {
  const threshold = promNumber(tier.threshold);
  const condition = [
    `${SloRecords.errorRatio(tier.long)}${selector} > ${threshold}`,
    `and`,
    `${SloRecords.errorsIncrease(tier.long)}${selector} >= ${minFailedEvents}`,
    `and`,
    `last_over_time(${SloRecords.errorRatio(tier.short)}${selector}[${tier.long}]) > ${threshold}`,
  ].join('\n');
  return `label_replace(label_replace(\n${condition},\n"long_window", "${tier.long}", "", ""), "short_window", "${tier.short}", "", "")`;
}

/** One alert's condition: any of its pairs (each firing series labelled with its windows). */
export function burnExpr(tiers: readonly BurnTier[], selector: string, minFailedEvents: number): string {
  return tiers.map((t) => tierExpr(t, selector, minFailedEvents)).join('\nor\n');
}

/**
 * The no-data condition: the recorded request rate is missing (no series matched, or the target
 * is gone), or the recorded error rate is (a latency threshold that is no bucket boundary `le` of
 * the histogram: the SLO would otherwise stay silent while requests are counted).
 */
export function absentExpr(selector: string): string {
  return `absent(${SloRecords.REQUESTS_RATE5M}${selector})\nor\nabsent(${SloRecords.ERRORS_RATE5M}${selector})`;
}

/**
 * Below how many requests per long window the failed-requests guard, not the ratio, decides:
 * `minFailedEvents / threshold` (139 an hour for 2 failures and a 99.9 % objective's 1.44 %).
 */
export function guardCrossover(tier: BurnTier, minFailedEvents: number): number {
  return Math.ceil(minFailedEvents / tier.threshold);
}
