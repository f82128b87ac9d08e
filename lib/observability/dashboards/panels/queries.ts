import { formatSelector, promNumber, Selector } from '../../promql';
import { Violations } from '../../../core/validation';

/** The rate window of the service and database panels. */
export const RATE_WINDOW = '5m';

/** `histogram_quantile(q, sum by (le) (rate(<histogram>_bucket{…}[window])))`. */
export function quantileExpr(histogram: string, selector: Selector, quantile: number, window: string): string {
  const buckets = formatSelector({ metric: `${histogram}_bucket`, matchers: selector.matchers });
  return `histogram_quantile(${promNumber(quantile)}, sum by (le) (rate(${buckets}[${window}])))`;
}

/** `p99`, `p99.9`, `p50`. */
export function quantileLegend(quantile: number): string {
  return `p${promNumber(quantile * 100)}`;
}

/** Records an empty list, each quantile not strictly between 0 and 1, and a repeated one. */
export function checkQuantiles(v: Violations, prop: string, quantiles: readonly number[]): void {
  v.check(quantiles.length === 0, prop, [], 'is empty', 'list the quantiles to plot, e.g. [0.5, 0.95, 0.99]');
  for (const q of quantiles) {
    v.check(!(q > 0 && q < 1), prop, q, 'is not strictly between 0 and 1', 'use e.g. 0.99 for p99');
  }
  v.check(new Set(quantiles).size !== quantiles.length, prop, quantiles, 'lists a quantile twice', 'list each quantile once');
}
