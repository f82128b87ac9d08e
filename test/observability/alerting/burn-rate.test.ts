import { burnExpr, burnTiers, errorBudget, sliRecordings } from '../../../lib/observability/alerting/burn-rate';
import { promqlSyntaxError, promNumber } from '../../../lib/observability/promql';
import { counterValues, firingTiers, inputSeries, regexExample, solve } from '../../../lib/observability/alerting/promtool-tests';
import { parseSelector } from '../../../lib/observability/promql';

const tiersOf = (objective: number, days: number) =>
  burnTiers(objective, days * 1440).map((t) => [t.long, t.short, t.factor, t.threshold, t.page, t.forMinutes]);

describe('burnTiers', () => {
  test.each([
    ['30d 99.9%', 99.9, 30, [['1h', '5m', 14.4, 0.0144, true, 2], ['6h', '30m', 6, 0.006, true, 15], ['1d', '2h', 3, 0.003, false, 60], ['3d', '6h', 1, 0.001, false, 180]]],
    ['28d 99.9%', 99.9, 28, [['1h', '5m', 13.44, 0.01344, true, 2], ['6h', '30m', 5.6, 0.0056, true, 15], ['1d', '2h', 2.8, 0.0028, false, 60], ['3d', '6h', 0.9333, 0.0009333, false, 180]]],
    ['7d 99.5%', 99.5, 7, [['1h', '5m', 3.36, 0.0168, true, 2], ['6h', '30m', 1.4, 0.007, true, 15], ['1d', '2h', 0.7, 0.0035, false, 60], ['3d', '6h', 0.2333, 0.0011665, false, 180]]],
    ['30d 99%', 99, 30, [['1h', '5m', 14.4, 0.144, true, 2], ['6h', '30m', 6, 0.06, true, 15], ['1d', '2h', 3, 0.03, false, 60], ['3d', '6h', 1, 0.01, false, 180]]],
    ['30d 99.95%', 99.95, 30, [['1h', '5m', 14.4, 0.0072, true, 2], ['6h', '30m', 6, 0.003, true, 15], ['1d', '2h', 3, 0.0015, false, 60], ['3d', '6h', 1, 0.0005, false, 180]]],
  ])('%s', (_, objective, days, expected) => {
    expect(tiersOf(objective as number, days as number)).toEqual(expected);
  });

  test('thresholds print without float artefacts', () => {
    expect(100 - 99.9).not.toBe(0.1); // the artefact being avoided
    expect(errorBudget(99.9)).toBe(0.001);
    for (const objective of [99, 99.5, 99.9, 99.95, 99.99, 99.999]) {
      for (const days of [7, 28, 30, 90]) {
        for (const t of burnTiers(objective, days * 1440)) {
          expect(String(t.threshold)).toMatch(/^\d\.\d{1,9}$|^\de-\d+$/);
          expect(String(t.threshold)).not.toMatch(/0000000|9999999/);
        }
      }
    }
    expect(promNumber(0.1 * 0.3)).toBe('0.03');
  });
});

describe('sliRecordings', () => {
  test('5m rates from raw series, every window from the recorded rates', () => {
    const sel = '{service="s",slo="a"}';
    expect(sliRecordings('sum(rate(e[5m]))', 'sum(rate(t[5m]))', sel)).toEqual([
      { record: 'slo:sli_errors:rate5m', expr: 'sum(rate(e[5m]))' },
      { record: 'slo:sli_requests:rate5m', expr: 'sum(rate(t[5m]))' },
      { record: 'slo:sli_error:ratio_rate5m', expr: `slo:sli_errors:rate5m${sel}\n/\nslo:sli_requests:rate5m${sel}` },
      ...['30m', '1h', '2h', '6h', '1d', '3d'].map((w) => ({
        record: `slo:sli_error:ratio_rate${w}`,
        expr: `sum_over_time(slo:sli_errors:rate5m${sel}[${w}])\n/\nsum_over_time(slo:sli_requests:rate5m${sel}[${w}])`,
      })),
    ]);
  });
});

describe('burnExpr', () => {
  test('both windows above the threshold, traffic guard over the long window', () => {
    const [tier] = burnTiers(99.9, 28 * 1440);
    expect(burnExpr(tier, '{service="s",slo="a"}', 0.5)).toBe([
      'slo:sli_error:ratio_rate1h{service="s",slo="a"} > 0.01344',
      'and',
      'slo:sli_error:ratio_rate5m{service="s",slo="a"} > 0.01344',
      'and',
      'avg_over_time(slo:sli_requests:rate5m{service="s",slo="a"}[1h]) >= 0.5',
    ].join('\n'));
  });
});

describe('promqlSyntaxError', () => {
  test.each([
    ['sum(rate(x[5m]))', undefined],
    ['a > 0.1 and b', undefined],
    ['', 'is empty'],
    ['sum(rate(x[5m])) /', "has a syntax error at column 19: 'sum(rate(x[5m])) /⟨here⟩'"],
    ['up{job="a"', "has a syntax error at column 11: 'up{job=\"a\"⟨here⟩'"],
    ['rate(x[5m]\n  and y', "has a syntax error at line 2, column 8: 'rate(x[5m]\n  and y⟨here⟩'"],
  ])('%j', (expr, expected) => {
    expect(promqlSyntaxError(expr)).toBe(expected);
  });
});

describe('example series', () => {
  test.each([
    ['5..', '500'], ['5\\d\\d', '500'], ['(5..|429)', '500'], ['[45]..', '400'], ['error|timeout', 'error'],
  ])('regexExample(%j) = %j', (re, expected) => {
    expect(regexExample(re)).toBe(expected);
  });

  test('errors ⊂ total: an error series and a success series', () => {
    const total = parseSelector('http_requests_total{job="api"}')!;
    const errors = parseSelector('http_requests_total{job="api",code=~"5.."}')!;
    expect(solve([total, errors])).toEqual({ metric: 'http_requests_total', labels: { job: 'api', code: '500' } });
    expect(solve([total], errors)).toEqual({ metric: 'http_requests_total', labels: { job: 'api', code: '200' } });
  });

  test('input series and counter notation', () => {
    const sli = { kind: 'requests' as const, total: parseSelector('t{job="a"}')!, errors: parseSelector('e{job="a"}')! };
    expect(inputSeries(sli, { name: 'x', requestsPerSecond: 1, phases: [{ minutes: 10, errorRatio: 0 }, { minutes: 5, errorRatio: 0.5 }], evalMinutes: [] })).toEqual([
      { series: 'e{job="a"}', values: '0+0x10 30+30x4' },
      { series: 't{job="a"}', values: '0+60x10 660+60x4' },
    ]);
    expect(counterValues([{ minutes: 2, inc: 0.1 }, { minutes: 2, inc: 0.1 }])).toBe('0+0.1x2 0.30000000000000004+0.1x1');
  });
});

describe('firingTiers (the model behind the promtool tests)', () => {
  const tiers = burnTiers(99.9, 30 * 1440);
  const burn = (factor: number, history: number, minutes: number) =>
    ({ name: 'x', requestsPerSecond: 10, phases: [{ minutes: history, errorRatio: 0 }, { minutes, errorRatio: factor * 0.001 }], evalMinutes: [] });

  test('a 15.84× burn after an hour of no errors pages within the hour, then the slower tiers join', () => {
    expect(firingTiers(tiers, 1, burn(15.84, 60, 600), 60 + 30)).toEqual([]);
    // The 6h window holds only 1h of history, so 6× is crossed after 37 min (+15 min `for`).
    expect(firingTiers(tiers, 1, burn(15.84, 60, 600), 60 + 65)).toEqual([0, 1]);
    expect(firingTiers(tiers, 1, burn(15.84, 360, 600), 360 + 65)).toEqual([0]);
    expect(firingTiers(tiers, 1, burn(15.84, 60, 600), 60 + 480)).toEqual([0, 1, 2, 3]);
  });

  test('the traffic guard silences a quiet service', () => {
    const quiet = { name: 'q', requestsPerSecond: 0.5, phases: [{ minutes: 600, errorRatio: 0.5 }], evalMinutes: [] };
    expect(firingTiers(tiers, 1, quiet, 600)).toEqual([]);
    expect(firingTiers(tiers, 0.1, quiet, 600)).toEqual([0, 1, 2, 3]);
  });
});
