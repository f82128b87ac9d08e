import { selector, shape } from './fixture';
import { sloRow, SloPanelsInput } from '../../../../lib/observability/dashboards/panels/slo';
import { promqlSyntaxError } from '../../../../lib/observability/promql';

const SEL = '{namespace="shop",service="shop-api",slo="availability"}';
const E = `slo:sli_errors:rate5m${SEL}`;
const R = `slo:sli_requests:rate5m${SEL}`;
const ratio = (w: string) => `sum_over_time(${E}[${w}])\n/\nsum_over_time(${R}[${w}])`;
const SLO: SloPanelsInput = {
  service: 'shop-api', slo: 'availability', objective: 99.9, windowMinutes: 30 * 1440, errorBudget: 0.001, recordSelector: SEL,
  sli: 'requests(e / t)', quantiles: [0.5, 0.99],
};

describe('sloRow', () => {
  test('a request SLO over 30 days: window availability and budget from the 5m rates, burn per recorded window, traffic', () => {
    const row = sloRow(SLO);
    expect(row.title).toBe('shop-api / availability: 99.9% over 30d');
    expect(shape(row.panels)).toEqual([
      ['stat', 'Availability (30d)', 'percentunit', [['availability', `1 - (\n${ratio('30d')}\n)`]]],
      ['gauge', 'Error budget remaining (30d)', 'percentunit', [['budget remaining', `1 - (\n${ratio('30d')}\n) / 0.001`]]],
      ['timeseries', 'Availability vs objective', 'percentunit', [['30d', `1 - (\n${ratio('30d')}\n)`], ['1h', `1 - slo:sli_error:ratio_rate1h${SEL}`]]],
      ['timeseries', 'Burn rate', 'short', ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => [w, `slo:sli_error:ratio_rate${w}${SEL} / 0.001`])],
      ['timeseries', 'Traffic', 'reqps', [['requests', R], ['errors', E]]],
    ]);
    expect(row.panels[0].thresholds).toEqual([{ value: null, color: 'red' }, { value: 0.999, color: 'green' }]);
    expect(row.panels[2]).toMatchObject({ thresholds: [{ value: null, color: 'red' }, { value: 0.999, color: 'green' }], minInterval: '1h' });
    expect(row.panels[3].thresholds).toEqual([{ value: null, color: 'green' }, { value: 1, color: 'red' }]);
  });

  test('a latency SLO over 28 days adds the quantiles of its histogram with the threshold line', () => {
    const row = sloRow({ ...SLO, objective: 99, errorBudget: 0.01, windowMinutes: 28 * 1440, latency: { histogram: 'h_seconds', selector: selector('{job="shop-api"}'), thresholdSeconds: 0.25 } });
    expect(row.title).toBe('shop-api / availability: 99% over 28d');
    expect(row.panels.map((p) => p.title)).toEqual(['Availability (28d)', 'Error budget remaining (28d)', 'Availability vs objective', 'Burn rate', 'Traffic', 'Latency quantiles']);
    expect(row.panels[1].queries[0].expr).toBe(`1 - (\n${ratio('28d')}\n) / 0.01`);
    expect(shape([row.panels[5]])).toEqual([['timeseries', 'Latency quantiles', 's', [
      ['p50', 'histogram_quantile(0.5, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))'],
      ['p99', 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))'],
    ]]]);
    expect(row.panels[5].thresholds).toEqual([{ value: null, color: 'green' }, { value: 0.25, color: 'red' }]);
  });

  test('every query parses', () => {
    const row = sloRow({ ...SLO, latency: { histogram: 'h', selector: selector('{}'), thresholdSeconds: 1 } });
    for (const q of row.panels.flatMap((p) => p.queries)) expect(promqlSyntaxError(q.expr)).toBeUndefined();
  });
});
