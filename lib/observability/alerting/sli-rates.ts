import { Duration } from 'cdk8s';
import { SliCounters } from './burn-rate';
import { formatSelector, parseSelector, promNumber, Selector } from '../promql';
import { SloTestSubject } from './promtool-tests';
import { goDuration } from '../../core/units';
import { Violations } from '../../core/validation';
import { CLIENT_DEFAULT_BUCKETS_SECONDS, Sli } from './sli';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** An SLI resolved to PromQL: the 5-minute error and request rates, the counters over any window, the series shapes for tests. */
export type SliRates = [errorsRate: string, requestsRate: string, counters: SliCounters, series: SloTestSubject['sli']];

/**
 * Validates the SLI; returns the 5-minute error and request rate expressions, the counters over
 * any window and the series shapes for tests.
 */
export function sliRates(v: Violations, sli: Sli | undefined): SliRates | undefined {
  const rate = (selector: string) => `sum(rate(${selector}[5m]))`;
  const increase = (selector: string, window: string) => `sum(increase(${selector}[${window}]))`;
  const r = sli?.requestsProps;
  const l = sli?.latencyProps;
  if (r) {
    const selectors: Partial<Record<'total' | 'errors' | 'good', Selector>> = {};
    for (const key of ['total', 'errors', 'good'] as const) {
      const text = r[key];
      if (text === undefined) continue;
      const parsed = parseSelector(text);
      v.check(
        parsed === undefined,
        `sli.${key}`,
        text,
        'is not a plain PromQL vector selector',
        `give the counter and its label matchers only, e.g. 'http_requests_total{job="api"}' (the rate and sum are added)`,
      );
      selectors[key] = parsed;
    }
    if (
      v.check(
        (r.errors === undefined) === (r.good === undefined),
        'sli',
        sli,
        'needs exactly one of errors and good',
        'give the failed requests (errors) or the successful ones (good)',
      )
    )
      return undefined;
    const { total, errors, good } = selectors;
    if (!total || !(errors ?? good)) return undefined;
    // A counter appears with its first increment: before the first failure (or while every
    // request fails, for `good`) its series is missing, and the error rate would be missing too,
    // leaving the SLO blind. `or 0 * total` reads a missing counter as zero while requests flow.
    const zero = `0 * ${rate(formatSelector(total))}`;
    const errorsRate = errors
      ? `${rate(formatSelector(errors))}\nor\n${zero}`
      : `${rate(formatSelector(total))}\n-\n(\n  ${rate(formatSelector(good as Selector))}\n  or\n  ${zero}\n)`;
    // Over a window, a missing counter is `vector(0)`: no second read of the total over 3 days.
    const counters: SliCounters = {
      errors: (w) =>
        errors
          ? `(${increase(formatSelector(errors), w)} or vector(0))`
          : `(${increase(formatSelector(total), w)} - (${increase(formatSelector(good as Selector), w)} or vector(0)))`,
      requests: (w) => increase(formatSelector(total), w),
    };
    return [errorsRate, rate(formatSelector(total)), counters, { kind: 'requests', total, errors, good }];
  }
  if (l) {
    const selectorText = l.selector ?? '{}';
    const selector = parseSelector(selectorText);
    v.check(
      !METRIC_NAME.test(l.histogram) || /_(bucket|count|sum)$/.test(l.histogram),
      'sli.histogram',
      l.histogram,
      'is not a histogram base name',
      "give the name without _bucket/_count, e.g. 'http_request_duration_seconds'",
    );
    v.check(
      selector === undefined || selector.metric !== undefined,
      'sli.selector',
      selectorText,
      'is not a set of label matchers',
      `give matchers only, e.g. '{job="api"}'`,
    );
    const ms = l.threshold.toMilliseconds();
    v.check(!(ms > 0), 'sli.threshold', `${ms}ms`, 'is not a positive duration', 'use the latency objective, e.g. Duration.millis(500)');
    const buckets = l.buckets?.map((b) => b.toMilliseconds() / 1000);
    const badBuckets = (buckets ?? []).filter((b) => !(b > 0) || !Number.isFinite(b));
    v.check(
      l.buckets !== undefined && (buckets?.length === 0 || badBuckets.length > 0),
      'sli.buckets',
      l.buckets?.map((b) => goDuration(b)),
      'is not a non-empty list of positive durations',
      'list the bucket boundaries the app histogram exposes, e.g. [Duration.millis(100), Duration.millis(200), Duration.millis(500)]',
    );
    if (ms > 0 && badBuckets.length === 0 && buckets?.length !== 0) {
      const known = buckets ?? CLIENT_DEFAULT_BUCKETS_SECONDS;
      const shown = known.map((b) => goDuration(Duration.millis(Math.round(b * 1000)))).join(', ');
      v.check(
        !known.some((b) => Math.abs(b * 1000 - ms) < 1e-6),
        'sli.threshold',
        `${ms}ms`,
        buckets
          ? `is not one of the declared buckets (${shown}), so le="${promNumber(ms / 1000)}" does not exist`
          : `is not a bucket of the client libraries' default histogram (${shown}), so le="${promNumber(ms / 1000)}" would not exist and the SLO would read no data`,
        buckets
          ? 'add the threshold to sli.buckets (and to the app histogram)'
          : `declare the buckets the app exposes in sli.buckets, including Duration.millis(${ms}), and configure the app histogram with them`,
      );
    }
    if (!selector || selector.metric !== undefined || !(ms > 0)) return undefined;
    const le = promNumber(ms / 1000);
    // Prometheus 3 normalizes classic-histogram `le` labels to floats on ingestion (`1` becomes
    // `1.0`), Prometheus 2 keeps what the client wrote: match both for whole seconds.
    const leMatcher = Number.isInteger(ms / 1000)
      ? { name: 'le', op: '=~' as const, value: `${le}(\\.0)?` }
      : { name: 'le', op: '=' as const, value: le };
    const count = formatSelector({ metric: `${l.histogram}_count`, matchers: selector.matchers });
    const bucket = formatSelector({ metric: `${l.histogram}_bucket`, matchers: [...selector.matchers, leMatcher] });
    const counters: SliCounters = {
      errors: (w) => `(${increase(count, w)} - ${increase(bucket, w)})`,
      requests: (w) => increase(count, w),
    };
    return [
      `${rate(count)}\n-\n${rate(bucket)}`,
      rate(count),
      counters,
      { kind: 'latency', histogram: l.histogram, matchers: selector.matchers, le },
    ];
  }
  v.add('sli', sli, 'is missing', 'use Sli.requests({ total, errors }) or Sli.latency({ histogram, selector, threshold })');
  return undefined;
}
