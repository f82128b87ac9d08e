import { Duration } from 'cdk8s';
import { AlertAnnotationKeys, AlertLabelKeys } from '../../core/conventions';
import { SeverityFact } from '../../core/reliability-facts';
import { goDuration } from '../../core/units';

// The alerting vocabulary: values every alert producer (Slo, the packs, the symptom builders,
// AlertingRuleset, AlertRouting) speaks. A leaf module, so none of them imports another to name a
// severity or a rule.

/**
 * How urgent an alert is: the `severity` label Alertmanager routes on (`critical` pages,
 * `warning` opens a ticket, `info` only shows), plus a `priority` label for the plans' P1–P3.
 */
export class Severity {
  /** Wake someone up: `severity: critical`. */
  public static readonly PAGE = new Severity('critical');
  /** Handle in working hours: `severity: warning`. */
  public static readonly TICKET = new Severity('warning');
  /** For dashboards and inhibition only: `severity: info`. */
  public static readonly INFO = new Severity('info');
  /** The plans' P1: pages (`severity: critical`, `priority: P1`). */
  public static readonly P1 = new Severity('critical', 'P1');
  /** The plans' P2: a ticket (`severity: warning`, `priority: P2`). */
  public static readonly P2 = new Severity('warning', 'P2');
  /** The plans' P3: informational (`severity: info`, `priority: P3`). */
  public static readonly P3 = new Severity('info', 'P3');

  private constructor(
    /** The `severity` label value. */
    public readonly level: 'critical' | 'warning' | 'info',
    /** The `priority` label value, if any. */
    public readonly priority?: 'P1' | 'P2' | 'P3',
  ) {}

  /** Whether alerts of this severity page. */
  public get pages(): boolean {
    return this.level === 'critical';
  }

  /** The labels this severity puts on an alert. */
  public labels(): Record<string, string> {
    return this.priority
      ? { [AlertLabelKeys.SEVERITY]: this.level, [AlertLabelKeys.PRIORITY]: this.priority }
      : { [AlertLabelKeys.SEVERITY]: this.level };
  }

  public toString(): string {
    return this.priority ?? this.level;
  }
}

/** One rule of a Prometheus rule file. */
export interface PrometheusRuleDefinition {
  /** The recorded series' name (recording rules). */
  readonly record?: string;
  /** The alert's name (alerting rules). */
  readonly alert?: string;
  /** The PromQL expression. */
  readonly expr: string;
  /** How long the condition must hold before the alert fires. */
  readonly for?: string;
  /** Labels added to the result. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the alert. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One group of a Prometheus rule file. */
export interface PrometheusRuleGroupDefinition {
  /** The group's name, unique within the file. */
  readonly name: string;
  /** The rules, evaluated in order. */
  readonly rules: readonly PrometheusRuleDefinition[];
}

/** A Prometheus rule file (what `promtool check rules` reads). */
export interface PrometheusRuleFile {
  readonly groups: readonly PrometheusRuleGroupDefinition[];
}

/** Props of an {@link AlertRule}. */
export interface AlertRuleProps {
  /** The alert's name, CamelCase (`ApiDown`). */
  readonly name: string;
  /** The PromQL condition; every result series becomes one alert. */
  readonly expr: string;
  /**
   * How long the condition must hold before the alert fires.
   * @default - fires at the first evaluation
   */
  readonly for?: Duration;
  /** How urgent it is: the `severity` (and `priority`) label. */
  readonly severity: Severity;
  /** The `summary` annotation: one line, what is broken. */
  readonly summary: string;
  /** The `description` annotation: the impact and what the numbers mean (may use `{{ $labels.x }}` / `{{ $value }}`). */
  readonly description: string;
  /** The `runbook_url` annotation: an http(s) URL. */
  readonly runbookUrl: string;
  /**
   * Further labels (e.g. `service`). `severity` and `priority` come from `severity`.
   * @default - none besides severity and the ruleset's team
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Further annotations (e.g. `dashboard_url`).
   * @default - none besides summary, description and runbook_url
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * The rule group it is evaluated in.
   * @default - the ruleset's own group, named after the PrometheusRule
   */
  readonly group?: string;
}

/**
 * One alerting rule as a value: what `AlertingRuleset.addAlert` takes, and what symptom builders
 * and construct-provided packs return.
 */
export class AlertRule {
  /** The alert's name. */
  public readonly name: string;
  /** The PromQL condition. */
  public readonly expr: string;
  /** The hold time, if any. */
  public readonly for: Duration | undefined;
  /** The severity. */
  public readonly severity: Severity;
  /** The summary annotation. */
  public readonly summary: string;
  /** The description annotation. */
  public readonly description: string;
  /** The runbook_url annotation. */
  public readonly runbookUrl: string;
  /** The rule group, if not the ruleset's own. */
  public readonly group: string | undefined;
  private readonly extraLabels: Readonly<Record<string, string>>;
  private readonly extraAnnotations: Readonly<Record<string, string>>;

  constructor(props: AlertRuleProps) {
    this.name = props.name;
    this.expr = props.expr;
    this.for = props.for;
    this.severity = props.severity;
    this.summary = props.summary;
    this.description = props.description;
    this.runbookUrl = props.runbookUrl;
    this.group = props.group;
    this.extraLabels = { ...props.labels };
    this.extraAnnotations = { ...props.annotations };
  }

  /** The further labels (a copy). */
  public get labels(): Record<string, string> {
    return { ...this.extraLabels };
  }

  /** The further annotations (a copy). */
  public get annotations(): Record<string, string> {
    return { ...this.extraAnnotations };
  }

  /** The rule-file form, with `team` unless the rule's labels set one. */
  public toRule(team: string): PrometheusRuleDefinition {
    return {
      alert: this.name,
      expr: this.expr,
      for: this.for ? goDuration(this.for) : undefined,
      labels: { [AlertLabelKeys.TEAM]: team, ...this.extraLabels, ...this.severity.labels() },
      annotations: {
        ...this.extraAnnotations,
        [AlertAnnotationKeys.SUMMARY]: this.summary,
        [AlertAnnotationKeys.DESCRIPTION]: this.description,
        [AlertAnnotationKeys.RUNBOOK_URL]: this.runbookUrl,
      },
    };
  }

  public toString(): string {
    return this.name;
  }
}

/**
 * A set of alerts a construct (or anyone) provides for one subject, evaluated in a group of its
 * own: see {@link ServiceAlertPack}, {@link PostgresAlertPack}, {@link BackupAlertPack}.
 */
export interface AlertPack {
  /** The rule group the alerts are evaluated in: unique within a ruleset. */
  readonly groupName: string;
  /** The alerts (each with `group` set to {@link groupName}). */
  alerts(): AlertRule[];
  /** Recording rules the alerts read, evaluated first in the same group. */
  records?(): PrometheusRuleDefinition[];
}

/** A severity as the reliability report shows it. */
export function severityFact(severity: Severity): SeverityFact {
  return severity.priority ? { level: severity.level, priority: severity.priority } : { level: severity.level };
}
