import { Duration } from 'cdk8s';
import { AlertRule, Severity } from '../alert-rule';
import { AlertLabelKeys, isLabelValue } from '../../../core/conventions';
import { parseSelector, promDuration, Selector } from '../../promql';
import { show } from '../../../core/validation';

/** What every symptom alert needs: who it is about, how urgent, and where the runbook is. */
export interface SymptomAlertProps {
  /** The `service` label: the service the alert is about (e.g. `homepage-api`). */
  readonly service: string;
  /** How urgent it is (the `severity` and `priority` labels Alertmanager routes on). */
  readonly severity: Severity;
  /** The `runbook_url` annotation: an http(s) URL. */
  readonly runbookUrl: string;
  /**
   * The `team` label.
   * @default - the team of the AlertingRuleset the alert is added to
   */
  readonly team?: string;
  /**
   * The alert's name (CamelCase).
   * @default - the builder's, e.g. 'TargetDown'
   */
  readonly name?: string;
  /**
   * The `summary` annotation.
   * @default - the builder's, naming the service
   */
  readonly summary?: string;
  /**
   * The `description` annotation.
   * @default - the builder's: what is measured, the threshold and the impact
   */
  readonly description?: string;
  /**
   * How long the condition must hold before the alert fires.
   * @default - the builder's (stated on each)
   */
  readonly for?: Duration;
  /**
   * Further labels.
   * @default - none besides severity, team, service (and namespace where the builder knows it)
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The rule group it is evaluated in.
   * @default - the ruleset's own group
   */
  readonly group?: string;
}

/** Alerts about the pods of one workload, selected by namespace and pod name (kube-state-metrics, cAdvisor). */
export interface PodSymptomProps extends SymptomAlertProps {
  /** The pods' namespace. */
  readonly namespace: string;
  /**
   * The pods' names as an (anchored) regular expression; {@link SymptomAlerts.deploymentPods} gives
   * the one of a Deployment's pods.
   */
  readonly pods: string;
}

const HTTP_URL = /^https?:\/\/[^\s/]+\S*$/;

/** What a builder knows about its alert beyond the caller's props. */
export interface BuiltAlert {
  readonly name: string;
  readonly expr: string;
  readonly for: Duration | undefined;
  readonly summary: string;
  readonly description: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Collects a builder's broken rules and throws them at once, as constructs do; `method` names the
 * SymptomAlerts method in every message, since that is what the caller wrote.
 */
export class SymptomBuilder {
  private readonly messages: string[] = [];
  private readonly where: string;

  constructor(
    method: string,
    private readonly props: SymptomAlertProps,
  ) {
    this.where = `SymptomAlerts.${method}(${props?.service ?? ''})`;
    this.labelValue('service', props.service);
    if (props.team !== undefined) this.labelValue('team', props.team);
    this.check(
      !HTTP_URL.test(props.runbookUrl ?? ''),
      'runbookUrl',
      props.runbookUrl,
      'is not an http(s) URL',
      'link the runbook the on-call engineer follows',
    );
    this.check(
      props.severity === undefined,
      'severity',
      props.severity,
      'is missing',
      'use Severity.PAGE, Severity.TICKET or a priority (Severity.P1 … P3)',
    );
  }

  public check(broken: boolean, prop: string, value: unknown, problem: string, fix: string): boolean {
    if (broken) this.messages.push(`${this.where}: '${prop}' (${show(value)}) ${problem} — ${fix}`);
    return broken;
  }

  public labelValue(prop: string, value: string): void {
    this.check(
      !value || !isLabelValue(value),
      prop,
      value,
      'is not a valid, non-empty label value',
      'use at most 63 letters, digits, dashes, dots and underscores',
    );
  }

  public nonEmpty(prop: string, value: string): void {
    this.check(!value, prop, value, 'is empty', `give the ${prop}`);
  }

  public regex(prop: string, value: string): void {
    let valid = !!value;
    try {
      new RegExp(value);
    } catch {
      valid = false;
    }
    this.check(
      !valid,
      prop,
      value,
      'is not a non-empty regular expression',
      "give the names as a regex, e.g. 'homepage-api-[a-z0-9]+-[a-z0-9]+'",
    );
  }

  public pods(props: PodSymptomProps): void {
    this.labelValue('namespace', props.namespace);
    this.regex('pods', props.pods);
  }

  public selector(prop: string, text: string): Selector | undefined {
    const parsed = parseSelector(text ?? '');
    this.check(
      parsed === undefined || parsed.metric === undefined,
      prop,
      text,
      'is not a PromQL vector selector with a metric name',
      `give the metric and its label matchers, e.g. 'http_requests_total{job="api"}'`,
    );
    return parsed?.metric !== undefined ? parsed : undefined;
  }

  public percent(prop: string, value: number): number {
    this.check(
      !(value > 0 && value < 100),
      prop,
      value,
      'is not a percentage strictly between 0 and 100',
      'give a share in percent, e.g. 80',
    );
    return value;
  }

  public window(prop: string, value: Duration): string {
    const ms = value.toMilliseconds();
    this.check(
      !(ms >= 60_000 && ms % 60_000 === 0),
      prop,
      `${ms}ms`,
      'is not a whole number of minutes of at least one',
      'use e.g. Duration.minutes(5)',
    );
    return promDuration(Math.max(1, Math.round(ms / 60_000)));
  }

  public build(alert: BuiltAlert): AlertRule {
    if (this.messages.length > 0) {
      throw new Error(
        [
          `${this.where}: ${this.messages.length} invalid setting${this.messages.length === 1 ? '' : 's'}`,
          ...this.messages.map((m) => `  - ${m}`),
        ].join('\n'),
      );
    }
    const p = this.props;
    return new AlertRule({
      name: p.name ?? alert.name,
      expr: alert.expr,
      for: 'for' in p && p.for !== undefined ? p.for : alert.for,
      severity: p.severity,
      summary: p.summary ?? alert.summary,
      description: p.description ?? alert.description,
      runbookUrl: p.runbookUrl,
      labels: {
        ...(alert.namespace !== undefined ? { namespace: alert.namespace } : {}),
        ...alert.labels,
        ...p.labels,
        [AlertLabelKeys.SERVICE]: p.service,
        ...(p.team !== undefined ? { [AlertLabelKeys.TEAM]: p.team } : {}),
      },
      group: p.group,
    });
  }
}

/** The pod-name regex of a Deployment's pods: `<name>-<pod-template-hash>-<suffix>`. */
export function deploymentPods(deployment: string): string {
  return `${escapeRegex(deployment)}-[a-z0-9]+-[a-z0-9]+`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
