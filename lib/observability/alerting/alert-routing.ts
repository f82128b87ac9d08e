import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AlertmanagerConfig,
  AlertmanagerConfigSpecInhibitRules,
  AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType,
  AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType,
  AlertmanagerConfigSpecReceivers,
  AlertmanagerConfigSpecRoute,
  AlertmanagerConfigSpecRouteMatchersMatchType,
} from '../../../imports/prometheus-alertmanagerconfig-monitoring.coreos.com';
import { SecretKeyReference } from '../../data/backup-target';
import { AlertLabelKeys, isDnsLabel, isLabelValue, recommendedLabels, RELIAKIT_VERSION, resourceName } from '../../core/conventions';
import { goDuration } from '../../core/units';
import { Violations } from '../../core/validation';
import { Severity } from './alert-rule';
import { SystemChart } from '../../core/system-chart';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';

/** PagerDuty (Events API v2) for the alerts that page. */
export interface PagerDutyRouteProps {
  /** The integration's routing key, from a Secret in the routing's namespace. */
  readonly routingKey: SecretKeyReference;
  /**
   * Which alerts page: levels (`Severity.PAGE`) match the `severity` label, priorities
   * (`Severity.P1`, `Severity.P2`) the `priority` label; do not mix the two.
   * @default [Severity.PAGE] - every `severity: critical` alert (which includes P1)
   */
  readonly severities?: readonly Severity[];
}

/** Slack (an incoming webhook) for every alert. */
export interface SlackRouteProps {
  /** The webhook URL, from a Secret in the routing's namespace (it is a credential). */
  readonly apiUrl: SecretKeyReference;
  /**
   * The channel, e.g. `#homepage-alerts`.
   * @default - the webhook's own channel
   */
  readonly channel?: string;
}

/** An email digest for low-priority alerts. */
export interface EmailDigestProps {
  /** The recipient, e.g. `homepage-team@example.com`. */
  readonly to: string;
  /** The sender address. */
  readonly from: string;
  /** The SMTP server as `host:port`, e.g. `smtp.example.com:587`. */
  readonly smarthost: string;
  /**
   * The SMTP user.
   * @default - no authentication
   */
  readonly authUsername?: string;
  /**
   * The SMTP password, from a Secret in the routing's namespace.
   * @default - no authentication
   */
  readonly authPassword?: SecretKeyReference;
  /**
   * Which alerts go into the digest (levels or priorities, as for PagerDuty).
   * @default [Severity.P3]
   */
  readonly severities?: readonly Severity[];
  /**
   * How often the digest is sent: new alerts wait this long, and the open ones are repeated daily.
   * @default Duration.hours(4) - the plans' P3 response time
   */
  readonly interval?: Duration;
}

/** Props of an {@link AlertRouting}. */
export interface AlertRoutingProps {
  /** Every alert goes to Slack. */
  readonly slack: SlackRouteProps;
  /**
   * Paging alerts also go to PagerDuty.
   * @default - nothing pages: critical alerts reach Slack only
   */
  readonly pagerDuty?: PagerDutyRouteProps;
  /**
   * Low-priority alerts also go into an email digest.
   * @default - no digest
   */
  readonly email?: EmailDigestProps;
  /**
   * Labels that group alerts into one notification.
   * @default ['namespace', 'alertname', 'service']
   */
  readonly groupBy?: readonly string[];
  /**
   * How long a new group waits for more alerts before its first notification.
   * @default Duration.seconds(30)
   */
  readonly groupWait?: Duration;
  /**
   * How long a group waits before notifying about alerts added to it.
   * @default Duration.minutes(5)
   */
  readonly groupInterval?: Duration;
  /**
   * How long before a still-firing group is notified again.
   * @default Duration.hours(4)
   */
  readonly repeatInterval?: Duration;
  /**
   * Mute ticket (`severity: warning`) alerts of a service while a page of the same service (and
   * SLO, when both carry one) fires: the page already has someone's attention.
   * @default true
   */
  readonly inhibitTicketsDuringPages?: boolean;
  /**
   * Labels the Alertmanager's `alertmanagerConfigSelector` matches on.
   * @default - none: the Alertmanager must select every AlertmanagerConfig
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.AlertmanagerSpec
   */
  readonly alertmanagerSelectorLabels?: Readonly<Record<string, string>>;
}

const DEFAULT_GROUP_BY = ['namespace', 'alertname', AlertLabelKeys.SERVICE];
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const RECEIVERS = { SLACK: 'slack', PAGERDUTY: 'pagerduty', EMAIL: 'email-digest' } as const;

/**
 * Alertmanager routing for one system as an AlertmanagerConfig (monitoring.coreos.com/v1alpha1,
 * `<system>-<id>`): every alert to Slack, paging alerts also to PagerDuty, low-priority ones also
 * to an email digest; tickets muted while a page of the same service fires. Credentials come only
 * from Secrets in the system's namespace.
 *
 * The Prometheus Operator scopes an AlertmanagerConfig to alerts whose `namespace` label is its
 * namespace: alerts need that label, either from their series (kube-state-metrics and scraped
 * targets carry it; the packs state it) or from Prometheus' `enforcedNamespaceLabel`.
 */
export class AlertRouting extends Construct implements IReliabilityFacts {
  /** `<system>-<id>`. */
  public readonly name: string;
  /** The namespace (also where the Secrets must be). */
  public readonly namespace: string;
  /** Labels of the AlertmanagerConfig. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Grouping labels. */
  public readonly groupBy: readonly string[];
  /** group_wait. */
  public readonly groupWait: Duration;
  /** group_interval. */
  public readonly groupInterval: Duration;
  /** repeat_interval. */
  public readonly repeatInterval: Duration;
  /** The severities that page (empty without PagerDuty). */
  public readonly pageSeverities: readonly Severity[];
  /** The severities of the email digest (empty without email). */
  public readonly digestSeverities: readonly Severity[];
  /** Whether tickets are muted while a page of the same service (and SLO) fires. */
  public readonly inhibitsTicketsDuringPages: boolean;

  constructor(scope: Construct, id: string, props: AlertRoutingProps) {
    super(scope, id);
    const chart = SystemChart.of(this);
    this.name = resourceName(chart.system, id);
    this.namespace = chart.namespaceName;
    this.groupBy = [...(props.groupBy ?? DEFAULT_GROUP_BY)];
    this.groupWait = props.groupWait ?? Duration.seconds(30);
    this.groupInterval = props.groupInterval ?? Duration.minutes(5);
    this.repeatInterval = props.repeatInterval ?? Duration.hours(4);
    this.pageSeverities = props.pagerDuty ? [...(props.pagerDuty.severities ?? [Severity.PAGE])] : [];
    this.digestSeverities = props.email ? [...(props.email.severities ?? [Severity.P3])] : [];
    this.inhibitsTicketsDuringPages = props.inhibitTicketsDuringPages ?? true;
    const digestInterval = props.email?.interval ?? Duration.hours(4);

    const v = new Violations(this);
    v.check(
      !isDnsLabel(id) || !isDnsLabel(this.name),
      'id',
      id,
      `gives the object name '${this.name}', which is not a DNS label of at most 63 characters`,
      'use a short lowercase id of letters, digits and dashes',
    );
    this.checkSecret(v, 'slack.apiUrl', props.slack?.apiUrl);
    v.check(
      props.slack?.channel !== undefined && !/^[#@]\S+$/.test(props.slack.channel),
      'slack.channel',
      props.slack?.channel,
      'is not a channel or user',
      "use e.g. '#homepage-alerts', or omit it for the webhook's channel",
    );
    if (props.pagerDuty) {
      this.checkSecret(v, 'pagerDuty.routingKey', props.pagerDuty.routingKey);
      this.checkSeverities(v, 'pagerDuty.severities', this.pageSeverities);
    }
    if (props.email) {
      const e = props.email;
      v.check(!EMAIL.test(e.to ?? ''), 'email.to', e.to, 'is not an email address', 'use e.g. homepage-team@example.com');
      v.check(!EMAIL.test(e.from ?? ''), 'email.from', e.from, 'is not an email address', 'use e.g. alertmanager@example.com');
      v.check(!HOST_PORT.test(e.smarthost ?? ''), 'email.smarthost', e.smarthost, 'is not host:port', 'use e.g. smtp.example.com:587');
      v.check(
        (e.authUsername === undefined) !== (e.authPassword === undefined),
        'email.authUsername',
        e.authUsername,
        'and authPassword come together',
        'give both for SMTP authentication, or neither',
      );
      if (e.authPassword) this.checkSecret(v, 'email.authPassword', e.authPassword);
      this.checkSeverities(v, 'email.severities', this.digestSeverities);
      this.checkDuration(v, 'email.interval', digestInterval);
    }
    v.check(
      this.groupBy.length === 0,
      'groupBy',
      this.groupBy,
      'is empty, so every alert of the namespace becomes one notification',
      "group by what tells incidents apart, e.g. ['namespace', 'alertname', 'service']",
    );
    for (const label of this.groupBy) {
      v.check(!LABEL_NAME.test(label), 'groupBy', label, 'is not a label name', 'use letters, digits and underscores');
    }
    for (const [prop, d] of [
      ['groupWait', this.groupWait],
      ['groupInterval', this.groupInterval],
      ['repeatInterval', this.repeatInterval],
    ] as const) {
      this.checkDuration(v, prop, d);
    }
    v.check(
      this.repeatInterval.toMilliseconds() < this.groupInterval.toMilliseconds(),
      'repeatInterval',
      goDuration(this.repeatInterval),
      `is shorter than groupInterval (${goDuration(this.groupInterval)}), so it would never apply`,
      'use a repeat interval of at least the group interval, e.g. Duration.hours(4)',
    );
    for (const [key, value] of Object.entries(props.alertmanagerSelectorLabels ?? {})) {
      v.check(
        !isLabelValue(value),
        `alertmanagerSelectorLabels.${key}`,
        value,
        'is not a valid label value',
        'use at most 63 letters, digits, dashes, dots and underscores',
      );
    }
    v.throwIfAny();

    this.labels = {
      ...recommendedLabels({ system: chart.system, component: id, environment: chart.environment.name, version: RELIAKIT_VERSION }),
      ...props.alertmanagerSelectorLabels,
    };
    const routes: AlertmanagerConfigSpecRoute[] = [];
    const receivers: AlertmanagerConfigSpecReceivers[] = [];
    if (props.pagerDuty) {
      routes.push({ receiver: RECEIVERS.PAGERDUTY, matchers: [severityMatcher(this.pageSeverities)], continue: true });
      receivers.push({
        name: RECEIVERS.PAGERDUTY,
        pagerdutyConfigs: [
          {
            routingKey: { ...props.pagerDuty.routingKey },
            sendResolved: true,
            description: '{{ .CommonAnnotations.summary }}',
            details: [
              { key: 'description', value: '{{ .CommonAnnotations.description }}' },
              { key: 'runbook_url', value: '{{ .CommonAnnotations.runbook_url }}' },
            ],
          },
        ],
      });
    }
    if (props.email) {
      const e = props.email;
      routes.push({
        receiver: RECEIVERS.EMAIL,
        matchers: [severityMatcher(this.digestSeverities)],
        // A digest: one mail per namespace, sent once per interval, repeated daily while open.
        groupBy: ['namespace'],
        groupWait: goDuration(digestInterval),
        groupInterval: goDuration(digestInterval),
        repeatInterval: goDuration(Duration.hours(Math.max(24, digestInterval.toHours({ integral: false })))),
        continue: true,
      });
      receivers.push({
        name: RECEIVERS.EMAIL,
        emailConfigs: [
          {
            to: e.to,
            from: e.from,
            smarthost: e.smarthost,
            authUsername: e.authUsername,
            authPassword: e.authPassword ? { ...e.authPassword } : undefined,
            requireTls: true,
            sendResolved: false,
          },
        ],
      });
    }
    // Last and catch-all: the routes above continue, so every alert also reaches Slack.
    routes.push({ receiver: RECEIVERS.SLACK });
    receivers.push({
      name: RECEIVERS.SLACK,
      slackConfigs: [
        {
          apiUrl: { ...props.slack.apiUrl },
          channel: props.slack.channel,
          sendResolved: true,
          title:
            '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service }}',
          text: '{{ range .Alerts }}*{{ .Labels.severity }}* {{ .Annotations.summary }}\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}',
        },
      ],
    });
    const inhibitRules: AlertmanagerConfigSpecInhibitRules[] = this.inhibitsTicketsDuringPages
      ? [
          {
            sourceMatch: [
              {
                name: AlertLabelKeys.SEVERITY,
                value: 'critical',
                matchType: AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType.VALUE_EQUALS,
              },
            ],
            // Only alerts that name their service: `equal` treats a missing label as equal, so without
            // this any page would mute every service-less ticket of the namespace.
            targetMatch: [
              {
                name: AlertLabelKeys.SEVERITY,
                value: 'warning',
                matchType: AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType.VALUE_EQUALS,
              },
              {
                name: AlertLabelKeys.SERVICE,
                value: '.+',
                matchType: AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType.VALUE_EQUAL_TILDE,
              },
            ],
            equal: ['namespace', AlertLabelKeys.SERVICE, AlertLabelKeys.SLO],
          },
        ]
      : [];

    new AlertmanagerConfig(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: { ...this.labels } },
      spec: {
        route: {
          receiver: RECEIVERS.SLACK,
          groupBy: [...this.groupBy],
          groupWait: goDuration(this.groupWait),
          groupInterval: goDuration(this.groupInterval),
          repeatInterval: goDuration(this.repeatInterval),
          routes,
        },
        receivers,
        inhibitRules: inhibitRules.length > 0 ? inhibitRules : undefined,
      },
    });
  }

  private checkSecret(v: Violations, prop: string, ref: SecretKeyReference | undefined): void {
    v.check(
      ref === undefined || !DNS_SUBDOMAIN.test(ref.name ?? '') || ref.name.length > 253,
      `${prop}.name`,
      ref?.name,
      'is not a Secret name',
      `receivers read credentials only from a Secret in namespace '${this.namespace}': give its name and key, never the credential itself`,
    );
    v.check(
      ref !== undefined && !SECRET_KEY.test(ref.key ?? ''),
      `${prop}.key`,
      ref?.key,
      'is not a Secret key',
      'use the data key holding the credential, e.g. url',
    );
  }

  private checkSeverities(v: Violations, prop: string, severities: readonly Severity[]): void {
    if (
      v.check(
        severities.length === 0,
        prop,
        [],
        'is empty, so the receiver gets nothing',
        'list the severities it receives, or leave the receiver out',
      )
    )
      return;
    const priorities = severities.filter((s) => s.priority !== undefined).length;
    v.check(
      priorities > 0 && priorities < severities.length,
      prop,
      severities.map(String),
      'mixes levels and priorities, which match different labels',
      'list levels only (Severity.PAGE, Severity.TICKET) or priorities only (Severity.P1, Severity.P2, Severity.P3)',
    );
  }

  private checkDuration(v: Violations, prop: string, d: Duration): void {
    const ms = d.toMilliseconds();
    v.check(!(ms >= 1000 && ms % 1000 === 0), prop, `${ms}ms`, 'is not whole seconds of at least one', 'use e.g. Duration.minutes(5)');
  }

  /** Where the namespace's alerts go, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      alertRoutings: [
        {
          name: this.name,
          namespace: this.namespace,
          pageSeverities: this.pageSeverities.map(String),
          digestSeverities: this.digestSeverities.map(String),
          groupBy: this.groupBy,
          repeatInterval: this.repeatInterval,
          inhibitsTicketsDuringPages: this.inhibitsTicketsDuringPages,
        },
      ],
    };
  }
}

/** One matcher for a list of severities (all levels or all priorities, checked). */
function severityMatcher(severities: readonly Severity[]) {
  const byPriority = severities[0].priority !== undefined;
  const values = [...new Set(severities.map((s) => (byPriority ? (s.priority as string) : s.level)))];
  return {
    name: byPriority ? AlertLabelKeys.PRIORITY : AlertLabelKeys.SEVERITY,
    value: values.length === 1 ? values[0] : values.join('|'),
    matchType:
      values.length === 1
        ? AlertmanagerConfigSpecRouteMatchersMatchType.VALUE_EQUALS
        : AlertmanagerConfigSpecRouteMatchersMatchType.VALUE_EQUAL_TILDE,
  };
}
