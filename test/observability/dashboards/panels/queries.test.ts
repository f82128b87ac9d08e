import { Construct } from 'constructs';
import { selector } from './fixture';
import { checkQuantiles, quantileExpr, quantileLegend } from '../../../../lib/observability/dashboards/panels/queries';
import { Violations } from '../../../../lib/core/validation';

describe('quantiles', () => {
  test.each<[number, string, string]>([
    [0.5, 'p50', 'histogram_quantile(0.5, sum by (le) (rate(h_seconds_bucket{job="a"}[5m])))'],
    [0.99, 'p99', 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="a"}[5m])))'],
    [0.999, 'p99.9', 'histogram_quantile(0.999, sum by (le) (rate(h_seconds_bucket{job="a"}[5m])))'],
  ])('%s', (q, legend, expr) => {
    expect(quantileLegend(q)).toBe(legend);
    expect(quantileExpr('h_seconds', selector('{job="a"}'), q, '5m')).toBe(expr);
  });

  test.each<[string, number[], string[]]>([
    ['valid', [0.5, 0.99], []],
    ['empty', [], ["x: 'q' ([]) is empty — list the quantiles to plot, e.g. [0.5, 0.95, 0.99]"]],
    [
      'out of range',
      [0, 1.5],
      [
        "x: 'q' (0) is not strictly between 0 and 1 — use e.g. 0.99 for p99",
        "x: 'q' (1.5) is not strictly between 0 and 1 — use e.g. 0.99 for p99",
      ],
    ],
    ['repeated', [0.9, 0.9], ["x: 'q' ([0.9,0.9]) lists a quantile twice — list each quantile once"]],
  ])('checkQuantiles: %s', (_, quantiles, messages) => {
    const v = new Violations(new Construct(undefined as unknown as Construct, 'x'));
    checkQuantiles(v, 'q', quantiles);
    if (messages.length === 0) {
      expect(() => v.throwIfAny()).not.toThrow();
    } else {
      expect(() => v.throwIfAny()).toThrow(
        [`x: ${messages.length} invalid setting${messages.length === 1 ? '' : 's'}`, ...messages.map((m) => `  - ${m}`)].join('\n'),
      );
    }
  });
});
