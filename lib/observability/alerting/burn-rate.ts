import { SLI_WINDOWS, SliWindow, SloRecords } from '../../core/conventions';
import { promDuration, promNumber } from '../promql';

/**
 * One multi-window burn-rate alert of the SRE Workbook (ch. 5, "Alerting on SLOs", approach 6):
 * it fires when `budgetPercent` % of the whole window's error budget has been spent within
 * `long`, and the `short` window shows it is still being spent.
 */
export interface BurnTierPolicy {
  /** The long window: how much budget has been spent. */
  readonly long: SliWindow;
  /** The short window (1/12 of the long one): whether it is still burning, so the alert resolves soon after the fix. */
  readonly short: SliWindow;
  /** The share of the SLO window's budget that, spent within `long`, fires the alert. */
  readonly budgetPercent: number;
  /** Whether the tier pages (else it opens a ticket). */
  readonly page: boolean;
  /** How long the condition must hold: filters one-scrape blips without delaying a real page much. */
  readonly forMinutes: number;
}

/** The Workbook's four tiers: page on 2 % in 1 h and 5 % in 6 h, ticket on 10 % in 1 d and 10 % in 3 d. */
export const BURN_TIERS: readonly BurnTierPolicy[] = [
  { long: '1h', short: '5m', budgetPercent: 2, page: true, forMinutes: 2 },
  { long: '6h', short: '30m', budgetPercent: 5, page: true, forMinutes: 15 },
  { long: '1d', short: '2h', budgetPercent: 10, page: false, forMinutes: 60 },
  { long: '3d', short: '6h', budgetPercent: 10, page: false, forMinutes: 180 },
];

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
export function burnTiers(objectivePercent: number, sloWindowMinutes: number): BurnTier[] {
  const budget = errorBudget(objectivePercent);
  return BURN_TIERS.map((policy) => {
    const factor = Number(((policy.budgetPercent / 100) * sloWindowMinutes / windowMinutes(policy.long)).toPrecision(4));
    return { ...policy, factor, threshold: Number(promNumber(factor * budget)) };
  });
}

/** PromQL of one SLO's recording rules, in evaluation order. */
export interface SliRecording {
  readonly record: string;
  readonly expr: string;
}

/**
 * The recording rules of one SLI: the 5-minute error and request rates from the raw series, then
 * the error ratio over every window from those two recorded rates.
 *
 * The long windows are `sum_over_time(errors) / sum_over_time(requests)` of the 5-minute rates:
 * a traffic-weighted ratio, equal to errors / requests over the whole window. Averaging the
 * 5-minute *ratios* instead (`avg_over_time(ratio_rate5m[1d])`) would weigh a quiet night hour
 * with 10 requests as much as the peak hour with 100,000, so a few night-time errors would burn
 * "budget" that the users never lost. Reading recorded rates also keeps a 3-day window cheap: one
 * series of 5-minute samples instead of every raw series' samples.
 *
 * `selector` is the `{namespace="…",service="…",slo="…"}` matcher set of the recorded series.
 */
export function sliRecordings(errorsRate: string, requestsRate: string, selector: string): SliRecording[] {
  return [
    { record: SloRecords.ERRORS_RATE5M, expr: errorsRate },
    { record: SloRecords.REQUESTS_RATE5M, expr: requestsRate },
    ...SLI_WINDOWS.map((w) => ({
      record: SloRecords.errorRatio(w),
      expr: w === '5m' ? `${SloRecords.ERRORS_RATE5M}${selector}\n/\n${SloRecords.REQUESTS_RATE5M}${selector}` : errorRatioOver(selector, w),
    })),
  ];
}

/**
 * The traffic-weighted error ratio over any `window` (`3d`, `30d`), from the recorded 5-minute
 * rates of the SLO whose recorded series `selector` matches: what the long-window recordings
 * record, and what the SLO window's error ratio (error budget spent) is read from.
 */
export function errorRatioOver(selector: string, window: string): string {
  return `sum_over_time(${SloRecords.ERRORS_RATE5M}${selector}[${window}])\n/\nsum_over_time(${SloRecords.REQUESTS_RATE5M}${selector}[${window}])`;
}

/**
 * The condition of one burn-rate alert: both windows above the threshold, and at least
 * `minRequestsPerSecond` on average over the long window, so that a handful of failed requests
 * on a quiet service pages no one.
 */
export function burnExpr(tier: BurnTier, selector: string, minRequestsPerSecond: number): string {
  const threshold = promNumber(tier.threshold);
  return [
    `${SloRecords.errorRatio(tier.long)}${selector} > ${threshold}`,
    `and`,
    `${SloRecords.errorRatio(tier.short)}${selector} > ${threshold}`,
    `and`,
    `avg_over_time(${SloRecords.REQUESTS_RATE5M}${selector}[${tier.long}]) >= ${promNumber(minRequestsPerSecond)}`,
  ].join('\n');
}

/**
 * The no-data condition: the recorded request rate is missing (no series matched, or the target
 * is gone), or the recorded error rate is (a latency threshold that is no bucket boundary `le` of
 * the histogram: the SLO would otherwise stay silent while requests are counted).
 */
export function absentExpr(selector: string): string {
  return `absent(${SloRecords.REQUESTS_RATE5M}${selector})\nor\nabsent(${SloRecords.ERRORS_RATE5M}${selector})`;
}

/** `Duration`-free rendering of a tier's `for`. */
export function tierFor(tier: BurnTierPolicy): string {
  return promDuration(tier.forMinutes);
}
