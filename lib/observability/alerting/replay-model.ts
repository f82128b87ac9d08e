import { BurnTier, windowMinutes } from './burn-rate';

/**
 * Synthetic traffic, minute by minute: `requests[m]` and `failed[m]` are counted between minute
 * m-1 and m (index 0 is the counters' start, 0). Whole requests: the counters stay integers, so
 * every increase and every sum Prometheus computes from them is exact, and so is the model.
 */
export interface Traffic {
  readonly requests: readonly number[];
  readonly failed: readonly number[];
}

/** Traffic over `minutes` minutes from a function of the minute (1…minutes). */
export function trafficOf(minutes: number, at: (minute: number) => { requests: number; failed: number }): Traffic {
  const requests = [0];
  const failed = [0];
  for (let m = 1; m <= minutes; m++) {
    const r = at(m);
    if (!(Number.isInteger(r.requests) && Number.isInteger(r.failed) && r.failed >= 0 && r.failed <= r.requests)) {
      throw new Error(`minute ${m}: ${r.failed} failed of ${r.requests} requests are not whole requests`);
    }
    requests.push(r.requests);
    failed.push(r.failed);
  }
  return { requests, failed };
}

/** The counter values sampled every minute from 0 (the running sums of `increments`). */
export function counterOf(increments: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let m = 0; m < increments.length; m++) {
    sum += m === 0 ? 0 : increments[m];
    out.push(sum);
  }
  return out;
}

/**
 * promtool's series notation for counter samples: runs of a constant step as `start+stepxN`
 * (N+1 samples).
 */
export function seriesValues(samples: readonly number[]): string {
  const tokens: string[] = [];
  let i = 0;
  while (i < samples.length) {
    const step = i + 1 < samples.length ? samples[i + 1] - samples[i] : 0;
    let j = i;
    while (j + 1 < samples.length && samples[j + 1] - samples[j] === step) j++;
    tokens.push(`${samples[i]}+${step}x${j - i}`);
    i = j + 1;
  }
  return tokens.join(' ');
}

/** What the burn-rate alerts of one SLO are, for the model. */
export interface BurnModel {
  readonly tiers: readonly BurnTier[];
  readonly minFailedEvents: number;
}

/**
 * The burn-rate alerts' state over a replay, computed the way Prometheus 2 evaluates the rules
 * Reliakit writes, every `evalMinutes` from 0 on 1-minute samples of counters that start at 0:
 * - `increase(x[W])` at minute t is `x(t) - x(max(0, t-W))` exactly: the range holds the samples
 *   at both ends (Prometheus 2 ranges are closed), so nothing is extrapolated, and a counter's
 *   first sample of 0 stops the extrapolation towards the range's start;
 * - a window's ratio is failed / requests, recorded only when the window had requests;
 * - a pair fires when the long ratio exceeds the threshold, the long window holds at least
 *   `minFailedEvents` failures, and the short ratio last recorded within the long window exceeds
 *   the threshold (`last_over_time`); no `for`, so an alert fires at the first such evaluation.
 * Comparisons are the same IEEE double comparisons of the same integer quotients, so the model and
 * promtool agree to the minute — the replay suite checks it.
 */
export class BurnReplay {
  private readonly requests: number[];
  private readonly failed: number[];
  private readonly thresholds: number[];
  /** Per tier, per evaluation: the index of the last evaluation ≤ it whose short window had requests (-1: none). */
  private readonly lastShort: number[][];

  constructor(
    private readonly model: BurnModel,
    traffic: Traffic,
    private readonly evalMinutes: number,
  ) {
    this.requests = counterOf(traffic.requests);
    this.failed = counterOf(traffic.failed);
    this.thresholds = model.tiers.map((t) => t.threshold);
    const steps = Math.floor((this.requests.length - 1) / evalMinutes);
    this.lastShort = model.tiers.map((tier) => {
      const short = windowMinutes(tier.short);
      const out: number[] = [];
      for (let k = 0; k <= steps; k++) out.push(this.ratio(k * evalMinutes, short) !== undefined ? k : k > 0 ? out[k - 1] : -1);
      return out;
    });
  }

  /** The last minute the replay has samples for. */
  public get minutes(): number {
    return this.requests.length - 1;
  }

  /** Failed requests counted over `window` minutes at `minute`. */
  public failures(minute: number, window: number): number {
    return this.failed[minute] - this.failed[Math.max(0, minute - window)];
  }

  /** The error ratio over `window` minutes at `minute`, undefined without requests (or samples). */
  public ratio(minute: number, window: number): number | undefined {
    if (minute < 1) return undefined;
    const total = this.requests[minute] - this.requests[Math.max(0, minute - window)];
    return total > 0 ? this.failures(minute, window) / total : undefined;
  }

  /** Indexes (into the model's tiers) of the pairs firing at `minute`, a multiple of the evaluation interval. */
  public firing(minute: number): number[] {
    if (minute % this.evalMinutes !== 0 || minute > this.minutes) throw new Error(`minute ${minute} is no evaluation of the replay`);
    const k = minute / this.evalMinutes;
    return this.model.tiers.flatMap((tier, i) => {
      const long = windowMinutes(tier.long);
      const ratio = this.ratio(minute, long);
      if (ratio === undefined || !(ratio > this.thresholds[i]) || this.failures(minute, long) < this.model.minFailedEvents) return [];
      const last = this.lastShort[i][k];
      if (last < 0 || (k - last) * this.evalMinutes > long) return [];
      const short = this.ratio(last * this.evalMinutes, windowMinutes(tier.short)) as number;
      return short > this.thresholds[i] ? [i] : [];
    });
  }

  /** The first evaluation at or after `from` at which a pair of the page (or ticket) alert fires. */
  public first(page: boolean, from = 0, until = this.minutes): number | undefined {
    for (let t = Math.ceil(from / this.evalMinutes) * this.evalMinutes; t <= until; t += this.evalMinutes) {
      if (this.firing(t).some((i) => this.model.tiers[i].page === page)) return t;
    }
    return undefined;
  }

  /** The first evaluation at or after `from` at which nothing of the page (or ticket) alert fires. */
  public quiet(page: boolean, from: number, until = this.minutes): number | undefined {
    for (let t = Math.ceil(from / this.evalMinutes) * this.evalMinutes; t <= until; t += this.evalMinutes) {
      if (!this.firing(t).some((i) => this.model.tiers[i].page === page)) return t;
    }
    return undefined;
  }
}
