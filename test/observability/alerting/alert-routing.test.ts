import { Duration } from 'cdk8s';
import { AlertRouting, AlertRoutingProps, Severity } from '../../../lib';
import { find, synth, testChart } from '../../support/synth';

const SLACK = { apiUrl: { name: 'alerting', key: 'slack-webhook-url' }, channel: '#homepage-alerts' };
const PAGERDUTY = { routingKey: { name: 'alerting', key: 'pagerduty-routing-key' } };
const EMAIL = {
  to: 'homepage-team@example.com',
  from: 'alertmanager@example.com',
  smarthost: 'smtp.example.com:587',
  authUsername: 'alertmanager',
  authPassword: { name: 'alerting', key: 'smtp-password' },
};

function build(props: AlertRoutingProps) {
  const chart = testChart(undefined, 'homepage');
  const routing = new AlertRouting(chart, 'routing', props);
  return { routing, config: find(synth(chart), 'AlertmanagerConfig', 'homepage-routing') };
}

function errorOf(props: Partial<AlertRoutingProps>): string {
  try {
    new AlertRouting(testChart(undefined, 'homepage'), 'routing', { slack: SLACK, ...props });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

describe('AlertRouting defaults', () => {
  const { routing, config } = build({ slack: SLACK, pagerDuty: PAGERDUTY, email: EMAIL });

  test('snapshot', () => {
    expect(config).toMatchSnapshot();
  });

  test('pages to PagerDuty, P3 to the email digest, everything to Slack; the first two continue', () => {
    expect(config.metadata).toMatchObject({ name: 'homepage-routing', namespace: 'homepage' });
    expect(config.spec.route).toMatchObject({
      receiver: 'slack',
      groupBy: ['namespace', 'alertname', 'service'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '4h',
    });
    expect(config.spec.route.routes).toEqual([
      { receiver: 'pagerduty', matchers: [{ name: 'severity', value: 'critical', matchType: '=' }], continue: true },
      {
        receiver: 'email-digest',
        matchers: [{ name: 'priority', value: 'P3', matchType: '=' }],
        groupBy: ['namespace'],
        groupWait: '4h',
        groupInterval: '4h',
        repeatInterval: '24h',
        continue: true,
      },
      { receiver: 'slack' },
    ]);
    expect(routing.pageSeverities).toEqual([Severity.PAGE]);
  });

  test('receivers take their credentials from Secrets only', () => {
    const receivers = Object.fromEntries(config.spec.receivers.map((r: { name: string }) => [r.name, r]));
    expect(receivers.pagerduty.pagerdutyConfigs[0]).toMatchObject({
      routingKey: { name: 'alerting', key: 'pagerduty-routing-key' },
      sendResolved: true,
    });
    expect(receivers.slack.slackConfigs[0]).toMatchObject({
      apiURL: { name: 'alerting', key: 'slack-webhook-url' },
      channel: '#homepage-alerts',
      sendResolved: true,
    });
    expect(receivers['email-digest'].emailConfigs[0]).toEqual({
      to: 'homepage-team@example.com',
      from: 'alertmanager@example.com',
      smarthost: 'smtp.example.com:587',
      authUsername: 'alertmanager',
      authPassword: { name: 'alerting', key: 'smtp-password' },
      requireTLS: true,
      sendResolved: false,
    });
  });

  test('tickets of a service are inhibited while a page of the same service and SLO fires', () => {
    expect(config.spec.inhibitRules).toEqual([
      {
        sourceMatch: [{ name: 'severity', value: 'critical', matchType: '=' }],
        targetMatch: [
          { name: 'severity', value: 'warning', matchType: '=' },
          { name: 'service', value: '.+', matchType: '=~' },
        ],
        equal: ['namespace', 'service', 'slo'],
      },
    ]);
  });
});

describe('AlertRouting options', () => {
  test('Slack only; priorities page (P1, P2 as in the plans); own grouping and timing; no inhibition; selector labels', () => {
    const { config } = build({
      slack: { apiUrl: SLACK.apiUrl },
      pagerDuty: { ...PAGERDUTY, severities: [Severity.P1, Severity.P2] },
      groupBy: ['alertname', 'service', 'slo'],
      groupWait: Duration.seconds(10),
      groupInterval: Duration.minutes(2),
      repeatInterval: Duration.hours(1),
      inhibitTicketsDuringPages: false,
      alertmanagerSelectorLabels: { release: 'kube-prometheus-stack' },
    });
    expect(config.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(config.spec.route).toMatchObject({
      groupBy: ['alertname', 'service', 'slo'],
      groupWait: '10s',
      groupInterval: '2m',
      repeatInterval: '1h',
    });
    expect(config.spec.route.routes[0]).toEqual({
      receiver: 'pagerduty',
      matchers: [{ name: 'priority', value: 'P1|P2', matchType: '=~' }],
      continue: true,
    });
    expect(config.spec.receivers.map((r: { name: string }) => r.name)).toEqual(['pagerduty', 'slack']);
    expect(config.spec.receivers[1].slackConfigs[0].channel).toBeUndefined();
    expect(config.spec.inhibitRules).toBeUndefined();
  });

  test('a digest of tickets every 12 hours, without SMTP authentication', () => {
    const { config } = build({
      slack: SLACK,
      email: {
        to: EMAIL.to,
        from: EMAIL.from,
        smarthost: EMAIL.smarthost,
        severities: [Severity.TICKET, Severity.INFO],
        interval: Duration.hours(12),
      },
    });
    expect(config.spec.route.routes[0]).toMatchObject({
      receiver: 'email-digest',
      matchers: [{ name: 'severity', value: 'warning|info', matchType: '=~' }],
      groupWait: '12h',
      repeatInterval: '24h',
    });
    expect(config.spec.receivers[0].emailConfigs[0].authPassword).toBeUndefined();
  });
});

describe('AlertRouting validation', () => {
  test.each<[string, Partial<AlertRoutingProps>, string]>([
    [
      'a Slack webhook URL instead of a Secret',
      { slack: { apiUrl: { name: 'https://hooks.slack.com/services/T0/B0/x', key: 'url' } } },
      "prod/homepage/routing: 'slack.apiUrl.name' ('https://hooks.slack.com/services/T0/B0/x') is not a Secret name — receivers read credentials only from a Secret in namespace 'homepage': give its name and key, never the credential itself",
    ],
    [
      'a Secret key',
      { pagerDuty: { routingKey: { name: 'alerting', key: 'routing key' } } },
      "prod/homepage/routing: 'pagerDuty.routingKey.key' ('routing key') is not a Secret key — use the data key holding the credential, e.g. url",
    ],
    [
      'a Slack channel',
      { slack: { ...SLACK, channel: 'homepage-alerts' } },
      "prod/homepage/routing: 'slack.channel' ('homepage-alerts') is not a channel or user — use e.g. '#homepage-alerts', or omit it for the webhook's channel",
    ],
    [
      'no paging severities',
      { pagerDuty: { ...PAGERDUTY, severities: [] } },
      "prod/homepage/routing: 'pagerDuty.severities' ([]) is empty, so the receiver gets nothing — list the severities it receives, or leave the receiver out",
    ],
    [
      'levels mixed with priorities',
      { pagerDuty: { ...PAGERDUTY, severities: [Severity.PAGE, Severity.P2] } },
      'prod/homepage/routing: \'pagerDuty.severities\' (["critical","P2"]) mixes levels and priorities, which match different labels — list levels only (Severity.PAGE, Severity.TICKET) or priorities only (Severity.P1, Severity.P2, Severity.P3)',
    ],
    [
      'an email address',
      { email: { ...EMAIL, to: 'homepage-team' } },
      "prod/homepage/routing: 'email.to' ('homepage-team') is not an email address — use e.g. homepage-team@example.com",
    ],
    [
      'a sender address',
      { email: { ...EMAIL, from: 'alertmanager' } },
      "prod/homepage/routing: 'email.from' ('alertmanager') is not an email address — use e.g. alertmanager@example.com",
    ],
    [
      'a smarthost',
      { email: { ...EMAIL, smarthost: 'smtp.example.com' } },
      "prod/homepage/routing: 'email.smarthost' ('smtp.example.com') is not host:port — use e.g. smtp.example.com:587",
    ],
    [
      'a user without a password',
      { email: { ...EMAIL, authPassword: undefined } },
      "prod/homepage/routing: 'email.authUsername' ('alertmanager') and authPassword come together — give both for SMTP authentication, or neither",
    ],
    [
      'a digest interval',
      { email: { ...EMAIL, interval: Duration.millis(1500) } },
      "prod/homepage/routing: 'email.interval' ('1500ms') is not whole seconds of at least one — use e.g. Duration.minutes(5)",
    ],
    [
      'empty grouping',
      { groupBy: [] },
      "prod/homepage/routing: 'groupBy' ([]) is empty, so every alert of the namespace becomes one notification — group by what tells incidents apart, e.g. ['namespace', 'alertname', 'service']",
    ],
    [
      'a grouping label',
      { groupBy: ['app.kubernetes.io/name'] },
      "prod/homepage/routing: 'groupBy' ('app.kubernetes.io/name') is not a label name — use letters, digits and underscores",
    ],
    [
      'a group wait',
      { groupWait: Duration.millis(0) },
      "prod/homepage/routing: 'groupWait' ('0ms') is not whole seconds of at least one — use e.g. Duration.minutes(5)",
    ],
    [
      'a repeat interval below the group interval',
      { repeatInterval: Duration.minutes(1) },
      "prod/homepage/routing: 'repeatInterval' ('1m') is shorter than groupInterval (5m), so it would never apply — use a repeat interval of at least the group interval, e.g. Duration.hours(4)",
    ],
    [
      'a selector label',
      { alertmanagerSelectorLabels: { release: 'kube prometheus' } },
      "prod/homepage/routing: 'alertmanagerSelectorLabels.release' ('kube prometheus') is not a valid label value — use at most 63 letters, digits, dashes, dots and underscores",
    ],
  ])('throws for %s', (_, props, message) => {
    expect(errorOf(props)).toContain(message);
  });

  test('throws for an id that makes no DNS label', () => {
    expect(() => new AlertRouting(testChart(undefined, 'homepage'), 'Routing', { slack: SLACK })).toThrow(
      "prod/homepage/Routing: 'id' ('Routing') gives the object name 'homepage-Routing', which is not a DNS label of at most 63 characters — use a short lowercase id of letters, digits and dashes",
    );
  });
});
