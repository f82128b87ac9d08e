import { metricNames } from '../../../../lib/observability/dashboards/panels/metric-names';
import { promqlSyntaxError } from '../../../../lib/observability/promql';

describe('metricNames', () => {
  test.each<[string, string, string[]]>([
    ['a bare metric', 'up', ['up']],
    [
      'inside functions and aggregations, not the function or label names',
      'sum by (pod) (rate(http_requests_total{job="api",code=~"5.."}[5m]))',
      ['http_requests_total'],
    ],
    ['both sides of a binary operation, sorted, once each', 'b_total / on (pod) group_left a_total + b_total', ['a_total', 'b_total']],
    [
      'recording-rule names with colons',
      'sum_over_time(slo:sli_errors:rate5m{slo="a"}[30d]) / slo:sli_requests:rate5m',
      ['slo:sli_errors:rate5m', 'slo:sli_requests:rate5m'],
    ],
    ['an exact __name__ matcher', '{__name__="kube_pod_info",namespace="x"}', ['kube_pod_info']],
    ['a regex __name__ matcher names no single metric', '{__name__=~"kube_.*"}', []],
    ['a quoted (UTF-8) name', '{"my.metric", job="a"}', ['my.metric']],
    ['a histogram quantile', 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="a"}[5m])))', ['h_seconds_bucket']],
    ['a subquery and offset', 'max_over_time(rate(x_total[5m])[1h:1m] offset 1d)', ['x_total']],
    ['string arguments are not metrics', 'label_replace(up, "dst", "$1", "src", "(.*)")', ['up']],
    ['no metric', 'vector(1) + time()', []],
  ])('%s', (_, expr, expected) => {
    expect(metricNames(expr)).toEqual(expected);
  });

  test('throws for an expression that does not parse', () => {
    expect(() => metricNames('sum(rate(x[5m])')).toThrow(`expression 'sum(rate(x[5m])' ${promqlSyntaxError('sum(rate(x[5m])')}`);
  });
});
