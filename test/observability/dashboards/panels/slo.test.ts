import { selector, shape } from './fixture';
import { sloRow, SloPanelsInput } from '../../../../lib/observability/dashboards/panels/slo';
import { RowSpec } from '../../../../lib/observability/dashboards/panels/model';
import { promqlSyntaxError } from '../../../../lib/observability/promql';

const SEL = '{namespace="shop",service="shop-api",slo="availability"}';
const E = `slo:sli_errors:rate5m${SEL}`;
const R = `slo:sli_requests:rate5m${SEL}`;
const ratio = (w: string) => `sum_over_time(${E}[${w}])\n/\nsum_over_time(${R}[${w}])`;
const SLO: SloPanelsInput = {
  service: 'shop-api',
  slo: 'availability',
  objective: 99.9,
  windowMinutes: 30 * 1440,
  errorBudget: 0.001,
  recordSelector: SEL,
  sli: 'requests(e / t)',
  quantiles: [0.5, 0.99],
};

describe('sloRow', () => {
  test('a request SLO over 30 days: window availability and budget from the 5m rates, burn per recorded window, traffic', () => {
    const row = sloRow(SLO);
    expect(row.title).toBe('shop-api / availability: 99.9% over 30d');
    expect(shape(row.panels)).toEqual([
      ['stat', 'Availability (30d)', 'percentunit', [['availability', `1 - (\n${ratio('30d')}\n)`]]],
      ['gauge', 'Error budget remaining (30d)', 'percentunit', [['budget remaining', `1 - (\n${ratio('30d')}\n) / 0.001`]]],
      [
        'timeseries',
        'Availability vs objective',
        'percentunit',
        [
          ['30d', `1 - (\n${ratio('30d')}\n)`],
          ['1h', `1 - slo:sli_error:ratio_rate1h${SEL}`],
        ],
      ],
      [
        'timeseries',
        'Burn rate',
        'short',
        ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => [w, `slo:sli_error:ratio_rate${w}${SEL} / 0.001`]),
      ],
      [
        'timeseries',
        'Traffic',
        'reqps',
        [
          ['requests', R],
          ['errors', E],
        ],
      ],
    ]);
    expect(row.panels[0].thresholds).toEqual([
      { value: null, color: 'red' },
      { value: 0.999, color: 'green' },
    ]);
    expect(row.panels[2]).toMatchObject({
      thresholds: [
        { value: null, color: 'red' },
        { value: 0.999, color: 'green' },
      ],
      minInterval: '1h',
    });
    expect(row.panels[3].thresholds).toEqual([
      { value: null, color: 'green' },
      { value: 1, color: 'red' },
    ]);
  });

  test('a latency SLO over 28 days adds the quantiles of its histogram with the threshold line', () => {
    const row = sloRow({
      ...SLO,
      objective: 99,
      errorBudget: 0.01,
      windowMinutes: 28 * 1440,
      latency: { histogram: 'h_seconds', selector: selector('{job="shop-api"}'), thresholdSeconds: 0.25 },
    });
    expect(row.title).toBe('shop-api / availability: 99% over 28d');
    expect(row.panels.map((p) => p.title)).toEqual([
      'Availability (28d)',
      'Error budget remaining (28d)',
      'Availability vs objective',
      'Burn rate',
      'Traffic',
      'Latency quantiles',
    ]);
    expect(row.panels[1].queries[0].expr).toBe(`1 - (\n${ratio('28d')}\n) / 0.01`);
    expect(shape([row.panels[5]])).toEqual([
      [
        'timeseries',
        'Latency quantiles',
        's',
        [
          ['p50', 'histogram_quantile(0.5, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))'],
          ['p99', 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))'],
        ],
      ],
    ]);
    expect(row.panels[5].thresholds).toEqual([
      { value: null, color: 'green' },
      { value: 0.25, color: 'red' },
    ]);
  });

  test('every query parses', () => {
    const row = sloRow({ ...SLO, latency: { histogram: 'h', selector: selector('{}'), thresholdSeconds: 1 } });
    for (const q of row.panels.flatMap((p) => p.queries)) expect(promqlSyntaxError(q.expr)).toBeUndefined();
  });
});

describe('sloRow: the whole row', () => {
  test.each<[string, SloPanelsInput, RowSpec]>([
    [
      'a request SLO over 30 days',
      SLO,
      {
        title: 'shop-api / availability: 99.9% over 30d',
        panels: [
          {
            kind: 'stat',
            title: 'Availability (30d)',
            description:
              'Share of good requests over the SLO window (30d), traffic-weighted from the recorded 5-minute rates; green at or above the objective of 99.9%.',
            unit: 'percentunit',
            decimals: 3,
            queries: [
              {
                expr: '1 - (\nsum_over_time(slo:sli_errors:rate5m{namespace="shop",service="shop-api",slo="availability"}[30d])\n/\nsum_over_time(slo:sli_requests:rate5m{namespace="shop",service="shop-api",slo="availability"}[30d])\n)',
                legend: 'availability',
              },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.999, color: 'green' },
            ],
            width: 6,
            height: 6,
          },
          {
            kind: 'gauge',
            title: 'Error budget remaining (30d)',
            description:
              'Share of the error budget (0.1% of requests over 30d) not yet spent: 1 − error ratio over 30d / budget. Below zero the SLO is broken.',
            unit: 'percentunit',
            decimals: 1,
            min: 0,
            max: 1,
            queries: [
              {
                expr: '1 - (\nsum_over_time(slo:sli_errors:rate5m{namespace="shop",service="shop-api",slo="availability"}[30d])\n/\nsum_over_time(slo:sli_requests:rate5m{namespace="shop",service="shop-api",slo="availability"}[30d])\n) / 0.001',
                legend: 'budget remaining',
              },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 0, color: 'orange' },
              { value: 0.25, color: 'green' },
            ],
            width: 6,
            height: 6,
          },
          {
            kind: 'timeseries',
            title: 'Availability vs objective',
            description:
              'Share of good requests over the rolling SLO window (30d) and over the last hour; the dashed line is the objective (99.9%).',
            unit: 'percentunit',
            decimals: 3,
            minInterval: '1h',
            queries: [
              {
                expr: '1 - (\nsum_over_time(slo:sli_errors:rate5m{namespace="shop",service="shop-api",slo="availability"}[30d])\n/\nsum_over_time(slo:sli_requests:rate5m{namespace="shop",service="shop-api",slo="availability"}[30d])\n)',
                legend: '30d',
              },
              { expr: '1 - slo:sli_error:ratio_rate1h{namespace="shop",service="shop-api",slo="availability"}', legend: '1h' },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.999, color: 'green' },
            ],
            width: 12,
            height: 6,
          },
          {
            kind: 'timeseries',
            title: 'Burn rate',
            description:
              'How many times faster than sustainable the error budget is spent, per recorded window (error ratio / budget). At 1 the budget lasts exactly the SLO window (30d); the page alerts fire from about 14× over 1 h.',
            unit: 'short',
            queries: [
              { expr: 'slo:sli_error:ratio_rate5m{namespace="shop",service="shop-api",slo="availability"} / 0.001', legend: '5m' },
              { expr: 'slo:sli_error:ratio_rate30m{namespace="shop",service="shop-api",slo="availability"} / 0.001', legend: '30m' },
              { expr: 'slo:sli_error:ratio_rate1h{namespace="shop",service="shop-api",slo="availability"} / 0.001', legend: '1h' },
              { expr: 'slo:sli_error:ratio_rate2h{namespace="shop",service="shop-api",slo="availability"} / 0.001', legend: '2h' },
              { expr: 'slo:sli_error:ratio_rate6h{namespace="shop",service="shop-api",slo="availability"} / 0.001', legend: '6h' },
              { expr: 'slo:sli_error:ratio_rate1d{namespace="shop",service="shop-api",slo="availability"} / 0.001', legend: '1d' },
              { expr: 'slo:sli_error:ratio_rate3d{namespace="shop",service="shop-api",slo="availability"} / 0.001', legend: '3d' },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 1, color: 'red' },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Traffic',
            description: 'Requests and failed requests per second counted by the SLI (requests(e / t)), recorded over 5 minutes.',
            unit: 'reqps',
            queries: [
              { expr: 'slo:sli_requests:rate5m{namespace="shop",service="shop-api",slo="availability"}', legend: 'requests' },
              { expr: 'slo:sli_errors:rate5m{namespace="shop",service="shop-api",slo="availability"}', legend: 'errors' },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
        ],
      },
    ],
    [
      'a latency SLO at 99% over 28 days',
      {
        ...SLO,
        objective: 99,
        errorBudget: 0.01,
        windowMinutes: 28 * 1440,
        latency: { histogram: 'h_seconds', selector: selector('{job="shop-api"}'), thresholdSeconds: 0.25 },
      },
      {
        title: 'shop-api / availability: 99% over 28d',
        panels: [
          {
            kind: 'stat',
            title: 'Availability (28d)',
            description:
              'Share of good requests over the SLO window (28d), traffic-weighted from the recorded 5-minute rates; green at or above the objective of 99%.',
            unit: 'percentunit',
            decimals: 3,
            queries: [
              {
                expr: '1 - (\nsum_over_time(slo:sli_errors:rate5m{namespace="shop",service="shop-api",slo="availability"}[28d])\n/\nsum_over_time(slo:sli_requests:rate5m{namespace="shop",service="shop-api",slo="availability"}[28d])\n)',
                legend: 'availability',
              },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.99, color: 'green' },
            ],
            width: 6,
            height: 6,
          },
          {
            kind: 'gauge',
            title: 'Error budget remaining (28d)',
            description:
              'Share of the error budget (1% of requests over 28d) not yet spent: 1 − error ratio over 28d / budget. Below zero the SLO is broken.',
            unit: 'percentunit',
            decimals: 1,
            min: 0,
            max: 1,
            queries: [
              {
                expr: '1 - (\nsum_over_time(slo:sli_errors:rate5m{namespace="shop",service="shop-api",slo="availability"}[28d])\n/\nsum_over_time(slo:sli_requests:rate5m{namespace="shop",service="shop-api",slo="availability"}[28d])\n) / 0.01',
                legend: 'budget remaining',
              },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 0, color: 'orange' },
              { value: 0.25, color: 'green' },
            ],
            width: 6,
            height: 6,
          },
          {
            kind: 'timeseries',
            title: 'Availability vs objective',
            description:
              'Share of good requests over the rolling SLO window (28d) and over the last hour; the dashed line is the objective (99%).',
            unit: 'percentunit',
            decimals: 3,
            minInterval: '1h',
            queries: [
              {
                expr: '1 - (\nsum_over_time(slo:sli_errors:rate5m{namespace="shop",service="shop-api",slo="availability"}[28d])\n/\nsum_over_time(slo:sli_requests:rate5m{namespace="shop",service="shop-api",slo="availability"}[28d])\n)',
                legend: '28d',
              },
              { expr: '1 - slo:sli_error:ratio_rate1h{namespace="shop",service="shop-api",slo="availability"}', legend: '1h' },
            ],
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.99, color: 'green' },
            ],
            width: 12,
            height: 6,
          },
          {
            kind: 'timeseries',
            title: 'Burn rate',
            description:
              'How many times faster than sustainable the error budget is spent, per recorded window (error ratio / budget). At 1 the budget lasts exactly the SLO window (28d); the page alerts fire from about 14× over 1 h.',
            unit: 'short',
            queries: [
              { expr: 'slo:sli_error:ratio_rate5m{namespace="shop",service="shop-api",slo="availability"} / 0.01', legend: '5m' },
              { expr: 'slo:sli_error:ratio_rate30m{namespace="shop",service="shop-api",slo="availability"} / 0.01', legend: '30m' },
              { expr: 'slo:sli_error:ratio_rate1h{namespace="shop",service="shop-api",slo="availability"} / 0.01', legend: '1h' },
              { expr: 'slo:sli_error:ratio_rate2h{namespace="shop",service="shop-api",slo="availability"} / 0.01', legend: '2h' },
              { expr: 'slo:sli_error:ratio_rate6h{namespace="shop",service="shop-api",slo="availability"} / 0.01', legend: '6h' },
              { expr: 'slo:sli_error:ratio_rate1d{namespace="shop",service="shop-api",slo="availability"} / 0.01', legend: '1d' },
              { expr: 'slo:sli_error:ratio_rate3d{namespace="shop",service="shop-api",slo="availability"} / 0.01', legend: '3d' },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 1, color: 'red' },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Traffic',
            description: 'Requests and failed requests per second counted by the SLI (requests(e / t)), recorded over 5 minutes.',
            unit: 'reqps',
            queries: [
              { expr: 'slo:sli_requests:rate5m{namespace="shop",service="shop-api",slo="availability"}', legend: 'requests' },
              { expr: 'slo:sli_errors:rate5m{namespace="shop",service="shop-api",slo="availability"}', legend: 'errors' },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Latency quantiles',
            description: "Request latency quantiles from h_seconds over 5 minutes; the dashed line is the SLO's threshold (250 ms).",
            unit: 's',
            queries: [
              { expr: 'histogram_quantile(0.5, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))', legend: 'p50' },
              { expr: 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))', legend: 'p99' },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 0.25, color: 'red' },
            ],
            min: 0,
            width: 24,
            height: 8,
          },
        ],
      },
    ],
  ])('%s', (_, input, expected) => {
    expect(sloRow(input)).toEqual(expected);
  });
});
