import { Duration } from 'cdk8s';
import { AlertingRuleset, AlertRule, AlertRuleProps, ReliakitApp, Severity, Sli, Slo } from '../../../lib';
import { find, Manifest, synth, testChart, withScrapeJobs } from '../../support/synth';

const RUNBOOK = 'https://runbooks.example.com/api';

function alertProps(overrides: Partial<AlertRuleProps> = {}): AlertRuleProps {
  return {
    name: 'ApiDown',
    expr: 'up{job="api"} == 0',
    for: Duration.minutes(5),
    severity: Severity.PAGE,
    summary: 'API down',
    description: '{{ $labels.instance }} cannot be scraped.',
    runbookUrl: RUNBOOK,
    ...overrides,
  };
}

function build() {
  const chart = withScrapeJobs(testChart(), 'api');
  const ruleset = new AlertingRuleset(chart, 'alerts', { team: 'web', prometheusSelectorLabels: { release: 'kube-prometheus-stack' } });
  ruleset.addSlo(
    new Slo(chart, 'availability', {
      service: 'test-api',
      team: 'web',
      objective: 99.9,
      runbookUrl: RUNBOOK,
      sli: Sli.requests({ total: 'http_requests_total{job="api"}', errors: 'http_requests_total{job="api",code=~"5.."}' }),
    }),
  );
  ruleset.addAlert(alertProps());
  ruleset.addAlert(
    new AlertRule(
      alertProps({
        name: 'HighLatency',
        expr: 'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > 0.5',
        severity: Severity.P2,
        group: 'latency',
        labels: { service: 'test-api' },
      }),
    ),
  );
  return { chart, ruleset };
}

function alertError(overrides: Partial<AlertRuleProps>): string {
  const { ruleset } = build();
  try {
    ruleset.addAlert(alertProps(overrides));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected addAlert to throw');
}

const one = (message: string) => `prod/test/alerts: 1 invalid setting\n  - prod/test/alerts: ${message}`;

describe('AlertingRuleset defaults', () => {
  const { chart, ruleset } = build();
  const rule = find(synth(chart), 'PrometheusRule', 'test-alerts');

  test('one PrometheusRule named <system>-<id> with the recommended and selector labels', () => {
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.namespace).toBe('test');
    expect(rule.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'test-alerts',
      'app.kubernetes.io/component': 'alerts',
      'app.kubernetes.io/part-of': 'test',
      'app.kubernetes.io/managed-by': 'reliakit',
      'reliakit.dev/environment': 'prod',
      release: 'kube-prometheus-stack',
    });
    expect(rule).toMatchSnapshot();
  });

  test('SLO groups first, then the own alert groups', () => {
    expect(rule.spec.groups.map((g: Manifest) => g.name)).toEqual([
      'test-api-availability-sli',
      'test-api-availability-alerts',
      'test-alerts',
      'latency',
    ]);
  });

  test('own alerts carry severity, team and the three annotations', () => {
    expect(rule.spec.groups[2].rules).toEqual([
      {
        alert: 'ApiDown',
        expr: 'up{job="api"} == 0',
        for: '5m',
        labels: { team: 'web', severity: 'critical' },
        annotations: { summary: 'API down', description: '{{ $labels.instance }} cannot be scraped.', runbook_url: RUNBOOK },
      },
    ]);
    expect(rule.spec.groups[3].rules[0].labels).toEqual({ team: 'web', service: 'test-api', severity: 'warning', priority: 'P2' });
  });

  test('the rule file equals the PrometheusRule spec', () => {
    expect(ruleset.ruleFile()).toEqual({ groups: rule.spec.groups });
    expect(ruleset.ruleFileYaml()).toContain('- alert: ApiDown\n');
  });
});

describe('AlertingRuleset validation', () => {
  test('throws if an alert expression is not PromQL', () => {
    expect(alertError({ expr: 'up{job="api" == 0' })).toBe(
      one(
        `'alerts.ApiDown.expr' ('up{job="api" == 0') has a syntax error at column 14: 'up{job="api" ⟨here⟩== 0' (PromQL) — fix the expression (check it with \`promtool check rules\`)`,
      ),
    );
  });

  test('throws if an alert name is invalid', () => {
    expect(alertError({ name: 'api down' })).toBe(
      one("'alerts.api down.name' ('api down') is not a valid alert name — use CamelCase letters and digits, e.g. 'ApiDown'"),
    );
  });

  test('throws if summary or description is empty', () => {
    expect(alertError({ summary: '' })).toBe(
      one("'alerts.ApiDown.summary' ('') is empty — every alert needs a summary so the on-call engineer knows what broke"),
    );
  });

  test('throws if the runbook URL is missing', () => {
    expect(alertError({ runbookUrl: '' })).toBe(
      one("'alerts.ApiDown.runbookUrl' ('') is not an http(s) URL — link the runbook the on-call engineer follows"),
    );
  });

  test('throws if a label overrides severity or is not a label name', () => {
    expect(alertError({ labels: { severity: 'low', 'a-b': 'x' } })).toBe(
      [
        'prod/test/alerts: 2 invalid settings',
        "  - prod/test/alerts: 'alerts.ApiDown.labels.severity' ('low') is set by the rule itself — use the severity prop",
        "  - prod/test/alerts: 'alerts.ApiDown.labels' ('a-b') is not a valid label name — use letters, digits and underscores",
      ].join('\n'),
    );
  });

  test('throws if for is not whole seconds', () => {
    expect(alertError({ for: Duration.millis(1500) })).toBe(
      one("'alerts.ApiDown.for' ('1500ms') is not whole seconds — use e.g. Duration.minutes(5)"),
    );
  });

  test('throws if the same SLO is added twice', () => {
    const { chart, ruleset } = build();
    const again = new Slo(chart, 'again', {
      ...ruleset.slos[0],
      name: 'availability',
      service: 'test-api',
      team: 'web',
      runbookUrl: RUNBOOK,
      objective: 99,
    });
    expect(() => ruleset.addSlo(again)).toThrow(
      "prod/test/alerts: 'addSlo' (prod/test/again) has the same service and name (test-api/availability) as prod/test/availability, " +
        'so their recorded series would collide — give one of them another name',
    );
  });

  test('throws if the team is not a label value', () => {
    expect(() => new AlertingRuleset(testChart(), 'alerts', { team: 'web team' })).toThrow(
      one("'team' ('web team') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores"),
    );
  });

  test('fails synth if the ruleset has no rules', () => {
    const chart = withScrapeJobs(testChart(), 'api');
    const ruleset = new AlertingRuleset(chart, 'alerts', { team: 'web' });
    expect(() => ReliakitApp.of(chart).render()).toThrow(
      'prod/test/alerts: has no rules — add an Slo with addSlo or an alert with addAlert, or remove the ruleset',
    );
    ruleset.addAlert(alertProps({ group: 'test-alerts' }));
    ruleset.addAlert(alertProps({ name: 'Other' }));
    expect(() => ReliakitApp.of(chart).render()).not.toThrow();
  });
});
