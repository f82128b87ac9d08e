import {
  BURN_TIERS,
  burnExpr,
  burnTiers,
  errorBudget,
  guardCrossover,
  reachableTiers,
  sliRecordings,
} from '../../../lib/observability/alerting/burn-rate';
import { BurnReplay, seriesValues, trafficOf } from '../../../lib/observability/alerting/replay-model';
import { promqlSyntaxError, promNumber } from '../../../lib/observability/promql';
import { burnTraffic, inputSeries, regexExample, solve, sparseTraffic } from '../../../lib/observability/alerting/promtool-tests';
import { parseSelector } from '../../../lib/observability/promql';

const tiersOf = (objective: number, days: number) =>
  burnTiers(objective, days * 1440).map((t) => [t.long, t.short, t.factor, t.threshold, t.page]);

describe('burnTiers', () => {
  test.each([
    [
      '30d 99.9%',
      99.9,
      30,
      [
        ['1h', '5m', 14.4, 0.0144, true],
        ['6h', '30m', 6, 0.006, true],
        ['1d', '2h', 3, 0.003, false],
        ['3d', '6h', 1, 0.001, false],
      ],
    ],
    [
      '28d 99.9%',
      99.9,
      28,
      [
        ['1h', '5m', 13.44, 0.01344, true],
        ['6h', '30m', 5.6, 0.0056, true],
        ['1d', '2h', 2.8, 0.0028, false],
        ['3d', '6h', 0.9333, 0.0009333, false],
      ],
    ],
    [
      '7d 99.5%',
      99.5,
      7,
      [
        ['1h', '5m', 3.36, 0.0168, true],
        ['6h', '30m', 1.4, 0.007, true],
        ['1d', '2h', 0.7, 0.0035, false],
        ['3d', '6h', 0.2333, 0.0011665, false],
      ],
    ],
    [
      '30d 99%',
      99,
      30,
      [
        ['1h', '5m', 14.4, 0.144, true],
        ['6h', '30m', 6, 0.06, true],
        ['1d', '2h', 3, 0.03, false],
        ['3d', '6h', 1, 0.01, false],
      ],
    ],
    [
      '30d 99.95%',
      99.95,
      30,
      [
        ['1h', '5m', 14.4, 0.0072, true],
        ['6h', '30m', 6, 0.003, true],
        ['1d', '2h', 3, 0.0015, false],
        ['3d', '6h', 1, 0.0005, false],
      ],
    ],
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
  test("5m rates, every window's ratio from the counters' increase over it, failed requests over the long windows", () => {
    const counters = { errors: (w: string) => `E[${w}]`, requests: (w: string) => `T[${w}]` };
    expect(sliRecordings('sum(rate(e[5m]))', 'sum(rate(t[5m]))', counters, ['1h', '3d'])).toEqual([
      { record: 'slo:sli_errors:rate5m', expr: 'sum(rate(e[5m]))' },
      { record: 'slo:sli_requests:rate5m', expr: 'sum(rate(t[5m]))' },
      ...['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => ({
        record: `slo:sli_error:ratio_rate${w}`,
        expr: `E[${w}]\n/\n(T[${w}] > 0)`,
      })),
      { record: 'slo:sli_errors:increase1h', expr: 'E[1h]' },
      { record: 'slo:sli_errors:increase3d', expr: 'E[3d]' },
    ]);
  });
});

describe('burnExpr', () => {
  test('per pair: long ratio above the threshold, ≥ N failures in it, the last short ratio above it; labelled with the pair; pairs OR-ed', () => {
    const [fast, slow] = burnTiers(99.9, 28 * 1440);
    const sel = '{service="s",slo="a"}';
    expect(burnExpr([fast, slow], sel, 2)).toBe(
      [
        'label_replace(label_replace(',
        `slo:sli_error:ratio_rate1h${sel} > 0.01344`,
        'and',
        `slo:sli_errors:increase1h${sel} >= 2`,
        'and',
        `last_over_time(slo:sli_error:ratio_rate5m${sel}[1h]) > 0.01344,`,
        '"long_window", "1h", "", ""), "short_window", "5m", "", "")',
        'or',
        'label_replace(label_replace(',
        `slo:sli_error:ratio_rate6h${sel} > 0.0056`,
        'and',
        `slo:sli_errors:increase6h${sel} >= 2`,
        'and',
        `last_over_time(slo:sli_error:ratio_rate30m${sel}[6h]) > 0.0056,`,
        '"long_window", "6h", "", ""), "short_window", "30m", "", "")',
      ].join('\n'),
    );
    expect(promqlSyntaxError(burnExpr([fast, slow], sel, 2))).toBeUndefined();
  });

  test('reachableTiers: a pair that cannot fire gets a budget share putting its threshold near one half', () => {
    expect(burnTiers(93, 30 * 1440).map((t) => t.threshold)).toEqual([1.008, 0.42, 0.21, 0.07]);
    expect(reachableTiers(93, 30 * 1440).map((t) => t.budgetPercent)).toEqual([0.99, 5, 10, 10]);
    expect(reachableTiers(90, 30 * 1440).map((t) => t.budgetPercent)).toEqual([0.69, 5, 10, 10]);
    expect(reachableTiers(99.9, 30 * 1440)).toEqual(BURN_TIERS);
  });

  test('guardCrossover: below N ÷ threshold requests per long window the count decides', () => {
    const [fast] = burnTiers(99.9, 30 * 1440);
    expect(guardCrossover(fast, 2)).toBe(139);
    expect(guardCrossover(burnTiers(99, 30 * 1440)[0], 2)).toBe(14);
  });
});

describe('promqlSyntaxError', () => {
  test.each([
    ['sum(rate(x[5m]))', undefined],
    ['a > 0.1 and b', undefined],
    ['', 'is empty'],
    ['sum(rate(x[5m])) /', "has a syntax error at column 19: 'sum(rate(x[5m])) /⟨here⟩'"],
    ['up{job="a"', 'has a syntax error at column 11: \'up{job="a"⟨here⟩\''],
    ['rate(x[5m]\n  and y', "has a syntax error at line 2, column 8: 'rate(x[5m]\n  and y⟨here⟩'"],
  ])('%j', (expr, expected) => {
    expect(promqlSyntaxError(expr)).toBe(expected);
  });
});

describe('example series', () => {
  test.each([
    ['5..', '500'],
    ['5\\d\\d', '500'],
    ['(5..|429)', '500'],
    ['[45]..', '400'],
    ['error|timeout', 'error'],
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
    expect(inputSeries(sli, burnTraffic(15, 10, 15, 0.5, 60))).toEqual([
      { series: 'e{job="a"}', values: '0+0x10 30+30x4' },
      { series: 't{job="a"}', values: '0+60x15' },
    ]);
    expect(seriesValues([0, 0, 0, 1, 1, 1, 2])).toBe('0+0x2 1+0x2 2+0x0');
  });
});

describe('BurnReplay (the model behind the promtool tests)', () => {
  const model = { tiers: burnTiers(99.9, 30 * 1440), minFailedEvents: 2 };

  test('a total outage after 3 healthy days pages at its first minute and opens a ticket at its fifth (Workbook: 52 s and 4.3 m)', () => {
    const replay = new BurnReplay(model, burnTraffic(4320 + 60, 4320, 4320 + 60, 1, 10_000), 1);
    expect(replay.first(true, 4320)).toBe(4321);
    expect(replay.first(false, 4320)).toBe(4325);
    expect(replay.firing(4325)).toEqual([0, 1, 2, 3]);
  });

  test('14.4× pages on the 6h pair only: the 1h ratio equals its threshold, and the alert needs more', () => {
    const replay = new BurnReplay(model, burnTraffic(360 + 200, 360, 560, 0.0144, 10_000), 1);
    expect(replay.first(true, 360)).toBe(360 + 151);
    expect(replay.firing(360 + 151).filter((i) => model.tiers[i].page)).toEqual([1]);
  });

  test('10 requests an hour: a total outage pages at the second failure; one failure never does; a recovered outage stays quiet', () => {
    const outage = new BurnReplay(model, sparseTraffic(240, 6, 3, 120, 180), 1);
    expect(outage.first(true, 120)).toBe(129);
    // The 5m window is empty 5 minutes in 6: the last recorded short ratio keeps the page up…
    expect([130, 131, 132, 133, 134, 135].map((m) => outage.firing(m).includes(0))).toEqual([true, true, true, true, true, true]);
    // …until requests succeed: the 1h pair resets at the first success (minute 183), the 6h pair
    // once its 30m window holds successes only; it does not come back while the hour ages out.
    expect(outage.firing(183).filter((i) => i < 2)).toEqual([1]);
    expect(outage.quiet(true, 180)).toBe(207);
    expect(outage.first(true, 207)).toBeUndefined();
    expect(new BurnReplay(model, sparseTraffic(240, 6, 3, 120, 240, 1), 1).first(true, 0)).toBeUndefined();
    expect(
      new BurnReplay(
        model,
        trafficOf(3, () => ({ requests: 1, failed: 0 })),
        1,
      ).ratio(0, 5),
    ).toBeUndefined();
  });
});
