import { Duration } from 'cdk8s';
import { Severity } from '../../../../lib/observability/alerting/alert-rule';
import { deploymentPods, escapeRegex, SymptomBuilder } from '../../../../lib/observability/alerting/symptoms/symptom-builder';
import { BASE, fieldsOf } from './fixture';

const ALERT = { name: 'Thing', expr: 'up == 0', for: Duration.minutes(2), summary: 's', description: 'd' };

function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the builder to throw');
}

describe('SymptomBuilder checks', () => {
  test.each<[string, (b: SymptomBuilder) => unknown, unknown, string[]]>([
    ['window: whole minutes', (b) => b.window('window', Duration.minutes(90)), '90m', []],
    [
      'window: seconds are refused (and rounded to whole minutes)',
      (b) => b.window('window', Duration.seconds(90)),
      '2m',
      ["'window' ('90000ms') is not a whole number of minutes of at least one — use e.g. Duration.minutes(5)"],
    ],
    [
      'window: under a minute',
      (b) => b.window('window', Duration.seconds(30)),
      '1m',
      ["'window' ('30000ms') is not a whole number of minutes of at least one — use e.g. Duration.minutes(5)"],
    ],
    ['percent: inside (0, 100)', (b) => b.percent('maxPercent', 99.5), 99.5, []],
    [
      'percent: 100 is out',
      (b) => b.percent('maxPercent', 100),
      100,
      ["'maxPercent' (100) is not a percentage strictly between 0 and 100 — give a share in percent, e.g. 80"],
    ],
    [
      'selector: a metric with matchers',
      (b) => b.selector('requests', 'http_requests_total{job="api"}'),
      { metric: 'http_requests_total', matchers: [{ name: 'job', op: '=', value: 'api' }] },
      [],
    ],
    [
      'selector: matchers only',
      (b) => b.selector('requests', '{job="api"}'),
      undefined,
      [
        "'requests' ('{job=\"api\"}') is not a PromQL vector selector with a metric name — give the metric and its label matchers, e.g. 'http_requests_total{job=\"api\"}'",
      ],
    ],
    [
      'labelValue: a space',
      (b) => b.labelValue('namespace', 'Home Page'),
      undefined,
      ["'namespace' ('Home Page') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores"],
    ],
    ['nonEmpty', (b) => b.nonEmpty('job', ''), undefined, ["'job' ('') is empty — give the job"]],
    [
      'regex: unbalanced',
      (b) => b.regex('claims', 'data-('),
      undefined,
      ["'claims' ('data-(') is not a non-empty regular expression — give the names as a regex, e.g. 'homepage-api-[a-z0-9]+-[a-z0-9]+'"],
    ],
    [
      'pods: namespace and regex',
      (b) => b.pods({ ...BASE, namespace: '', pods: '' }),
      undefined,
      [
        "'namespace' ('') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores",
        "'pods' ('') is not a non-empty regular expression — give the names as a regex, e.g. 'homepage-api-[a-z0-9]+-[a-z0-9]+'",
      ],
    ],
  ])('%s', (_, run, value, messages) => {
    const b = new SymptomBuilder('thing', BASE);
    expect(run(b)).toEqual(value);
    if (messages.length === 0) {
      expect(fieldsOf(b.build(ALERT)).name).toBe('Thing');
    } else {
      const where = 'SymptomAlerts.thing(homepage-api)';
      expect(errorOf(() => b.build(ALERT)).split('\n')).toEqual([
        `${where}: ${messages.length} invalid setting${messages.length === 1 ? '' : 's'}`,
        ...messages.map((m) => `  - ${where}: ${m}`),
      ]);
    }
  });
});

describe('SymptomBuilder.build', () => {
  test.each<
    [
      string,
      Partial<typeof BASE>,
      Partial<typeof ALERT> & { namespace?: string; labels?: Record<string, string> },
      ReturnType<typeof fieldsOf>,
    ]
  >([
    [
      "the builder's name, texts and hold time; namespace before service",
      {},
      { namespace: 'homepage' },
      {
        name: 'Thing',
        expr: 'up == 0',
        for: Duration.minutes(2),
        severity: Severity.TICKET,
        summary: 's',
        description: 'd',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'the props win, and service and team over any further label',
      {
        name: 'Other',
        summary: 'S',
        description: 'D',
        for: Duration.minutes(7),
        team: 'web',
        group: 'g',
        labels: { namespace: 'mine', service: 'not-this', cronjob: 'mine' },
      },
      { namespace: 'homepage', labels: { cronjob: 'builder', tier: 'x' } },
      {
        name: 'Other',
        expr: 'up == 0',
        for: Duration.minutes(7),
        severity: Severity.TICKET,
        summary: 'S',
        description: 'D',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'mine', cronjob: 'mine', tier: 'x', service: 'homepage-api', team: 'web' },
        annotations: {},
        group: 'g',
      },
    ],
    [
      'no hold time from the builder, none from the props',
      {},
      { for: undefined },
      {
        name: 'Thing',
        expr: 'up == 0',
        for: undefined,
        severity: Severity.TICKET,
        summary: 's',
        description: 'd',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, alert, expected) => {
    const rule = new SymptomBuilder('thing', { ...BASE, ...props }).build({ ...ALERT, ...alert });
    expect(fieldsOf(rule)).toEqual(expected);
  });
});

describe('pod names', () => {
  test.each<[string, string, string]>([
    ['homepage-api', 'homepage-api', 'homepage-api-[a-z0-9]+-[a-z0-9]+'],
    ['a.b', 'a\\.b', 'a\\.b-[a-z0-9]+-[a-z0-9]+'],
    ['x+(y)', 'x\\+\\(y\\)', 'x\\+\\(y\\)-[a-z0-9]+-[a-z0-9]+'],
  ])('%s', (name, escaped, pods) => {
    expect(escapeRegex(name)).toBe(escaped);
    expect(deploymentPods(name)).toBe(pods);
  });
});
