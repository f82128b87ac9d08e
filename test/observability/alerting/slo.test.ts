import { Duration } from 'cdk8s';
import { AlertingRuleset, Severity, Sli, Slo, SloProps } from '../../../lib';
import { find, Manifest, synth, testChart, withScrapeJobs } from '../../support/synth';

function baseProps(overrides: Partial<SloProps> = {}): SloProps {
  return {
    service: 'test-api',
    team: 'web',
    objective: 99.9,
    sli: Sli.requests({ total: 'http_requests_total{job="api"}', errors: 'http_requests_total{job="api",code=~"5.."}' }),
    runbookUrl: 'https://runbooks.example.com/api',
    ...overrides,
  };
}

function build(overrides: Partial<SloProps> = {}) {
  const chart = withScrapeJobs(testChart(), 'api', 'a', 'w');
  const slo = new Slo(chart, 'availability', baseProps(overrides));
  const ruleset = new AlertingRuleset(chart, 'alerts', { team: 'web' });
  ruleset.addSlo(slo);
  return { slo, rule: find(synth(chart), 'PrometheusRule', 'test-alerts') };
}

function errorOf(overrides: Partial<SloProps>): string {
  try {
    build(overrides);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

const one = (message: string) => `prod/test/availability: 1 invalid setting\n  - prod/test/availability: ${message}`;

describe('Slo defaults', () => {
  const { slo, rule } = build();

  test('30-day window, 2-failure guard, page/ticket severities, 10-minute no-data alert', () => {
    expect(slo.window.toDays()).toBe(30);
    expect(slo.errorBudget).toBe(0.001);
    expect(slo.minFailedEvents).toBe(2);
    expect([slo.pageSeverity, slo.ticketSeverity, slo.noDataSeverity]).toEqual([Severity.PAGE, Severity.TICKET, Severity.TICKET]);
    expect(slo.noDataFor.toMinutes()).toBe(10);
    expect(rule).toMatchSnapshot();
  });

  test('one recording group and one alert group', () => {
    expect(rule.spec.groups.map((g: Manifest) => [g.name, g.rules.map((r: Manifest) => r.record ?? r.alert)])).toEqual([
      [
        'test-api-availability-sli',
        [
          'slo:sli_errors:rate5m',
          'slo:sli_requests:rate5m',
          'slo:sli_error:ratio_rate5m',
          'slo:sli_error:ratio_rate30m',
          'slo:sli_error:ratio_rate1h',
          'slo:sli_error:ratio_rate2h',
          'slo:sli_error:ratio_rate6h',
          'slo:sli_error:ratio_rate1d',
          'slo:sli_error:ratio_rate3d',
          'slo:sli_errors:increase1h',
          'slo:sli_errors:increase6h',
          'slo:sli_errors:increase1d',
          'slo:sli_errors:increase3d',
        ],
      ],
      ['test-api-availability-alerts', ['ErrorBudgetBurn', 'ErrorBudgetBurn', 'SliDataMissing']],
    ]);
  });

  test('two burn alerts, page and ticket, each the OR of its pairs labelled by the expression; no `for`', () => {
    const alerts = rule.spec.groups[1].rules;
    expect(alerts.map((a: Manifest) => [a.labels.severity, a.for, (a.expr.match(/"long_window", "\w+"/g) ?? []).join()])).toEqual([
      ['critical', undefined, '"long_window", "1h","long_window", "6h"'],
      ['warning', undefined, '"long_window", "1d","long_window", "3d"'],
      ['warning', '10m', ''],
    ]);
    expect(alerts[0].expr.split('\nor\n')).toHaveLength(2);
    for (const a of alerts) {
      // The namespace label lets the system's AlertmanagerConfig (scoped to its namespace) route them.
      expect(a.labels).toMatchObject({ team: 'web', namespace: 'test', service: 'test-api', slo: 'availability' });
      expect(Object.keys(a.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(a.annotations.runbook_url).toBe('https://runbooks.example.com/api');
    }
    expect(alerts[0].annotations.summary).toBe(
      'test-api: availability SLO error budget burning too fast (page, {{ $labels.long_window }}/{{ $labels.short_window }} windows)',
    );
    // No data: no requests recorded, or no error rate (e.g. a latency threshold that is no bucket).
    expect(alerts[2].expr).toBe(
      'absent(slo:sli_requests:rate5m{namespace="test",service="test-api",slo="availability"})\nor\n' +
        'absent(slo:sli_errors:rate5m{namespace="test",service="test-api",slo="availability"})',
    );
  });

  test('recorded series carry the namespace, service and slo labels', () => {
    for (const r of rule.spec.groups[0].rules) expect(r.labels).toEqual({ namespace: 'test', service: 'test-api', slo: 'availability' });
  });
});

describe('Slo behaviour', () => {
  test('a 28-day window derives its own factors', () => {
    expect(build({ window: Duration.days(28) }).slo.burnRates.map((t) => [t.factor, t.threshold])).toEqual([
      [13.44, 0.01344],
      [5.6, 0.0056],
      [2.8, 0.0028],
      [0.9333, 0.0009333],
    ]);
  });

  test('latency SLI: errors are count minus the bucket at the threshold', () => {
    const { rule } = build({
      sli: Sli.latency({ histogram: 'http_request_duration_seconds', selector: '{job="api"}', threshold: Duration.millis(500) }),
    });
    expect(rule.spec.groups[0].rules.slice(0, 2).map((r: Manifest) => r.expr)).toEqual([
      'sum(rate(http_request_duration_seconds_count{job="api"}[5m]))\n-\nsum(rate(http_request_duration_seconds_bucket{job="api",le="0.5"}[5m]))',
      'sum(rate(http_request_duration_seconds_count{job="api"}[5m]))',
    ]);
  });

  test('latency SLI with a whole-second threshold matches `le` as Prometheus 2 and 3 write it', () => {
    const { rule } = build({
      sli: Sli.latency({
        histogram: 'rpc_duration_seconds',
        threshold: Duration.seconds(2),
        buckets: [Duration.seconds(1), Duration.seconds(2)],
      }),
    });
    expect(rule.spec.groups[0].rules[0].expr).toBe(
      'sum(rate(rpc_duration_seconds_count{}[5m]))\n-\nsum(rate(rpc_duration_seconds_bucket{le=~"2(\\\\.0)?"}[5m]))',
    );
  });

  test('good/total SLI: errors are total minus good (a missing good counter: every request failed)', () => {
    const { rule } = build({ sli: Sli.requests({ total: 'jobs_total{job="w"}', good: 'jobs_total{job="w",outcome="ok"}' }) });
    expect(rule.spec.groups[0].rules[0].expr).toBe(
      'sum(rate(jobs_total{job="w"}[5m]))\n-\n(\n  sum(rate(jobs_total{job="w",outcome="ok"}[5m]))\n  or\n  0 * sum(rate(jobs_total{job="w"}[5m]))\n)',
    );
  });

  test('errorRatioOver: the traffic-weighted error ratio over any window, from the recorded rates; whole minutes only', () => {
    const { slo, rule } = build();
    const sel = '{namespace="test",service="test-api",slo="availability"}';
    expect(slo.errorRatioOver(Duration.days(30))).toBe(
      `sum_over_time(slo:sli_errors:rate5m${sel}[30d])\n/\nsum_over_time(slo:sli_requests:rate5m${sel}[30d])`,
    );
    // The alerts' 3-day ratio is read from the counters instead: no 5-minute ramp.
    expect(rule.spec.groups[0].rules.find((r: Manifest) => r.record === 'slo:sli_error:ratio_rate3d').expr).toBe(
      '(sum(increase(http_requests_total{job="api",code=~"5.."}[3d])) or vector(0))\n/\n(sum(increase(http_requests_total{job="api"}[3d])) > 0)',
    );
    expect(() => slo.errorRatioOver(Duration.seconds(90))).toThrow(
      "prod/test/availability: errorRatioOver(1m30s) needs whole minutes of at least 5 (the recorded rates' step) — use e.g. Duration.days(30)",
    );
  });

  test('errors/total SLI: a failure counter that does not exist yet counts as zero failures while requests flow', () => {
    const { rule } = build();
    expect(rule.spec.groups[0].rules[0].expr).toBe(
      'sum(rate(http_requests_total{job="api",code=~"5.."}[5m]))\nor\n0 * sum(rate(http_requests_total{job="api"}[5m]))',
    );
  });

  test('priority severities, custom guard, texts and no-data settings', () => {
    const { rule } = build({
      pageSeverity: Severity.P1,
      ticketSeverity: Severity.P2,
      minFailedEvents: 5,
      summary: 'API failing',
      description: 'Users see errors.',
      noData: { for: Duration.minutes(30), severity: Severity.P3 },
      service: 'homepage-api',
      name: 'api-availability',
    });
    const alerts = rule.spec.groups[1].rules;
    expect(alerts.map((a: Manifest) => [a.labels.severity, a.labels.priority])).toEqual([
      ['critical', 'P1'],
      ['warning', 'P2'],
      ['info', 'P3'],
    ]);
    expect(alerts[0].expr).toContain('slo:sli_errors:increase1h{namespace="test",service="homepage-api",slo="api-availability"} >= 5');
    expect(alerts[0].annotations).toMatchObject({ summary: 'API failing', description: 'Users see errors.' });
    expect(alerts[2].for).toBe('30m');
    expect(alerts[0].labels).toMatchObject({ service: 'homepage-api', slo: 'api-availability' });
  });
});

describe('Slo validation', () => {
  test('throws if the objective is not between 0 and 100', () => {
    expect(errorOf({ objective: 100 })).toBe(
      one("'objective' (100) is not a percentage strictly between 0 and 100 — give the share of good requests in percent, e.g. 99.9"),
    );
  });

  test('throws if the window is shorter than 3 days', () => {
    expect(errorOf({ window: Duration.days(1) })).toBe(
      one(
        "'window' ('1d') is shorter than 3 days (or not whole minutes), the longest burn-rate window — use a window of whole days, e.g. Duration.days(28) or Duration.days(30)",
      ),
    );
  });

  test('throws if the runbook URL is not an http(s) URL', () => {
    expect(errorOf({ runbookUrl: 'wiki/api' })).toBe(
      one(
        "'runbookUrl' ('wiki/api') is not an http(s) URL — link the runbook the on-call engineer follows, e.g. https://runbooks.example.com/homepage/api-availability",
      ),
    );
  });

  test('throws if team, service or name is not a label value', () => {
    expect(errorOf({ team: '' })).toBe(
      one("'team' ('') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores"),
    );
    expect(errorOf({ service: 'a b' })).toBe(
      one("'service' ('a b') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores"),
    );
    expect(errorOf({ name: 'a/b' })).toBe(
      one("'name' ('a/b') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores"),
    );
  });

  test('throws if the failed-requests guard is not a whole number of at least 1', () => {
    expect(errorOf({ minFailedEvents: 0.5 })).toBe(
      one(
        "'minFailedEvents' (0.5) is not a whole number of at least 1 — use 2 (the default: one failure never pages), " +
          'or more for a service whose single failures come in pairs',
      ),
    );
  });

  test('throws if a pair can never fire for the objective, naming pairs that can', () => {
    expect(errorOf({ objective: 93 })).toBe(
      one(
        "'objective' (93) gives the 1h/5m pair (2% of the budget: 14.4× × 0.07 = error ratio 1.008) a threshold of 100 % or more: " +
          'more requests would have to fail than there are, so it can never fire — give tiers that can, e.g. tiers: ' +
          "[{ long: '1h', short: '5m', budgetPercent: 0.99, page: true }, { long: '6h', short: '30m', budgetPercent: 5, page: true }, " +
          "{ long: '1d', short: '2h', budgetPercent: 10, page: false }, { long: '3d', short: '6h', budgetPercent: 10, page: false }], or a higher objective",
      ),
    );
    // The proposed pairs work: the 1h pair then pages at half the requests failing.
    const fixed = build({
      objective: 93,
      tiers: [
        { long: '1h', short: '5m', budgetPercent: 0.99, page: true },
        { long: '6h', short: '30m', budgetPercent: 5, page: true },
        { long: '1d', short: '2h', budgetPercent: 10, page: false },
        { long: '3d', short: '6h', budgetPercent: 10, page: false },
      ],
    });
    expect(fixed.slo.burnRates.map((t) => t.threshold)).toEqual([0.49896, 0.42, 0.21, 0.07]);
    expect(errorOf({ tiers: [{ long: '1h', short: '6h', budgetPercent: 2, page: true }] })).toBe(
      one(
        '\'tiers\' ({"long":"1h","short":"6h","budgetPercent":2,"page":true}) has a short window no shorter than its long one — use a short window of about 1/12 of the long one, e.g. 1h with 5m',
      ),
    );
  });

  test('pairs of one kind only: one burn alert', () => {
    const { rule } = build({ tiers: [{ long: '1h', short: '5m', budgetPercent: 2, page: true }] });
    expect(rule.spec.groups[1].rules.map((r: Manifest) => [r.alert, r.labels.severity])).toEqual([
      ['ErrorBudgetBurn', 'critical'],
      ['SliDataMissing', 'warning'],
    ]);
    expect(
      rule.spec.groups[0].rules.filter((r: Manifest) => r.record.startsWith('slo:sli_errors:increase')).map((r: Manifest) => r.record),
    ).toEqual(['slo:sli_errors:increase1h']);
  });

  test('throws if summary or description is empty', () => {
    expect(errorOf({ summary: ' ' })).toBe(one("'summary' (' ') is empty — omit summary for the generated text, or describe the impact"));
  });

  test('throws if noData.for is not whole minutes', () => {
    expect(errorOf({ noData: { for: Duration.seconds(30) } })).toBe(
      one("'noData.for' ('30s') is not a whole number of minutes of at least one — use whole minutes, e.g. Duration.minutes(10)"),
    );
  });

  test('throws if a request selector is not a plain vector selector', () => {
    expect(errorOf({ sli: Sli.requests({ total: 'sum(rate(x[5m]))', errors: 'x{code=~"5.."' }) })).toBe(
      [
        'prod/test/availability: 2 invalid settings',
        `  - prod/test/availability: 'sli.total' ('sum(rate(x[5m]))') is not a plain PromQL vector selector — give the counter and its label matchers only, e.g. 'http_requests_total{job="api"}' (the rate and sum are added)`,
        `  - prod/test/availability: 'sli.errors' ('x{code=~"5.."') is not a plain PromQL vector selector — give the counter and its label matchers only, e.g. 'http_requests_total{job="api"}' (the rate and sum are added)`,
      ].join('\n'),
    );
  });

  test('throws unless exactly one of errors and good is given', () => {
    expect(errorOf({ sli: Sli.requests({ total: 'x' }) })).toBe(
      one(
        "'sli' (requests(total: x)) needs exactly one of errors and good — give the failed requests (errors) or the successful ones (good)",
      ),
    );
  });

  test('throws if the latency SLI is malformed', () => {
    expect(errorOf({ sli: Sli.latency({ histogram: 'h_bucket', selector: 'h{job="a"}', threshold: Duration.millis(0) }) })).toBe(
      [
        'prod/test/availability: 3 invalid settings',
        "  - prod/test/availability: 'sli.histogram' ('h_bucket') is not a histogram base name — give the name without _bucket/_count, e.g. 'http_request_duration_seconds'",
        `  - prod/test/availability: 'sli.selector' ('h{job="a"}') is not a set of label matchers — give matchers only, e.g. '{job="api"}'`,
        "  - prod/test/availability: 'sli.threshold' ('0ms') is not a positive duration — use the latency objective, e.g. Duration.millis(500)",
      ].join('\n'),
    );
  });

  test("a latency threshold must be one of the app's histogram buckets: the client defaults unless the stack declares them", () => {
    const latency = (threshold: Duration, buckets?: Duration[]) =>
      Sli.latency({ histogram: 'http_request_duration_seconds', selector: '{job="api"}', threshold, buckets });
    expect(errorOf({ sli: latency(Duration.millis(200)) })).toBe(
      one(
        "'sli.threshold' ('200ms') is not a bucket of the client libraries' default histogram (5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2500ms, 5s, 10s), " +
          'so le="0.2" would not exist and the SLO would read no data — declare the buckets the app exposes in sli.buckets, including Duration.millis(200), and configure the app histogram with them',
      ),
    );
    expect(errorOf({ sli: latency(Duration.millis(200), [Duration.millis(100), Duration.millis(250)]) })).toBe(
      one(
        `'sli.threshold' ('200ms') is not one of the declared buckets (100ms, 250ms), so le="0.2" does not exist — add the threshold to sli.buckets (and to the app histogram)`,
      ),
    );
    expect(errorOf({ sli: latency(Duration.millis(200), []) })).toBe(
      one(
        "'sli.buckets' ([]) is not a non-empty list of positive durations — list the bucket boundaries the app histogram exposes, e.g. [Duration.millis(100), Duration.millis(200), Duration.millis(500)]",
      ),
    );
    // A default bucket, and a declared one: valid, and the app contract says which.
    expect(build({ sli: latency(Duration.millis(250)) }).slo.appContract).toEqual({
      metrics: ['http_request_duration_seconds_bucket', 'http_request_duration_seconds_count'],
      bucket: { le: '0.25', declared: false },
    });
    expect(build({ sli: latency(Duration.millis(200), [Duration.millis(100), Duration.millis(200)]) }).slo.appContract.bucket).toEqual({
      le: '0.2',
      declared: true,
      buckets: ['100ms', '200ms'],
    });
  });

  test('reports every broken rule at once', () => {
    expect(errorOf({ objective: 0, runbookUrl: '' }).split('\n')[0]).toBe('prod/test/availability: 2 invalid settings');
  });
});
