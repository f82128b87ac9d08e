import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import {
  PrometheusRule,
  PrometheusRuleSpec,
  PrometheusRuleSpecGroupsRulesExpr,
} from '../../../imports/prometheus-rule-monitoring.coreos.com';
import { BackupAlertPack, BackupAlertsProps } from './backup-alert-pack';
import { PgBouncerAlertPack, PgBouncerAlertsProps } from './pgbouncer-alert-pack';
import { PostgresAlertPack, PostgresAlertsProps } from './postgres-alert-pack';
import { RedisAlertPack, RedisAlertsProps } from './redis-alert-pack';
import type { RedisCache } from '../../data/redis-cache/redis-cache';
import { RestoreDrillAlertPack, RestoreDrillAlertsProps } from './restore-drill-alert-pack';
import type { PostgresRestoreDrill } from '../../data/postgres-restore-drill/postgres-restore-drill';
import { ServiceAlertPack, ServiceAlertsProps } from './service-alert-pack';
import type { BackupSchedule } from '../../data/backup-schedule/backup-schedule';
import { AlertLabelKeys, isDnsLabel, isLabelValue, recommendedLabels, RELIAKIT_VERSION, resourceName } from '../../core/conventions';
import { promqlSyntaxError } from '../promql';
import { goDuration } from '../../core/units';
import { recordCreationSite, Violations } from '../../core/validation';
import type { HAPostgres } from '../../data/ha-postgres/ha-postgres';
import type { ReliableService } from '../../workload/reliable-service/reliable-service';
import {
  AlertPack,
  AlertRule,
  AlertRuleProps,
  severityFact,
  PrometheusRuleDefinition,
  PrometheusRuleFile,
  PrometheusRuleGroupDefinition,
} from './alert-rule';
import { Slo } from './slo';
import { SystemChart } from '../../core/system-chart';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';
import { IScrapeSelectors, SelectorUse } from '../../core/scrape-targets';
import { exprSelectorUses, sloSelectorUses } from '../scrape-selectors';

/** Props of an {@link AlertingRuleset}. */
export interface AlertingRulesetProps {
  /** The team owning the ruleset's own alerts (their `team` label); SLO alerts carry their Slo's team. */
  readonly team: string;
  /**
   * Labels the Prometheus `ruleSelector` matches on (kube-prometheus-stack selects
   * `release: <its release name>` by default).
   * @default - none: the Prometheus must select every PrometheusRule
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
}

const ALERT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HTTP_URL = /^https?:\/\/[^\s/]+\S*$/;
const RESERVED_LABELS: readonly string[] = [AlertLabelKeys.SEVERITY, AlertLabelKeys.PRIORITY, 'alertname'];

/**
 * One PrometheusRule (`<system>-<id>`) holding the recording and alert groups of its SLOs and its
 * own alerts. Every rule is validated when added; at synth every expression is parsed again, so
 * a syntax error fails synthesis naming the group and rule.
 */
export class AlertingRuleset extends Construct implements IReliabilityFacts, IScrapeSelectors {
  /** `<system>-<id>`: the PrometheusRule's name and its own group's name. */
  public readonly name: string;
  /** The system chart. */
  public readonly chart: SystemChart;
  /** The team of the ruleset's own alerts. */
  public readonly team: string;
  /** Labels of the PrometheusRule. */
  public readonly labels: Readonly<Record<string, string>>;

  private readonly sloList: Slo[] = [];
  private readonly alertList: AlertRule[] = [];
  private readonly packGroups = new Set<string>();
  private readonly packRecords = new Map<string, PrometheusRuleDefinition[]>();

  constructor(scope: Construct, id: string, props: AlertingRulesetProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.name = resourceName(this.chart.system, id);
    this.team = props.team;
    const v = new Violations(this);
    v.check(
      !isDnsLabel(id) || !isDnsLabel(this.name),
      'id',
      id,
      `gives the object name '${this.name}', which is not a DNS label of at most 63 characters`,
      'use a short lowercase id of letters, digits and dashes',
    );
    v.check(
      this.team === '' || !isLabelValue(this.team ?? ''),
      'team',
      this.team,
      'is not a valid, non-empty label value',
      'use at most 63 letters, digits, dashes, dots and underscores',
    );
    for (const [key, value] of Object.entries(props.prometheusSelectorLabels ?? {})) {
      v.check(
        !isLabelValue(value),
        `prometheusSelectorLabels.${key}`,
        value,
        'is not a valid label value',
        'use at most 63 letters, digits, dashes, dots and underscores',
      );
    }
    v.throwIfAny();

    this.labels = {
      ...recommendedLabels({
        system: this.chart.system,
        component: id,
        environment: this.chart.environment.name,
        version: RELIAKIT_VERSION,
      }),
      ...props.prometheusSelectorLabels,
    };
    new PrometheusRule(this, 'Resource', {
      metadata: { name: this.name, namespace: this.chart.namespaceName, labels: { ...this.labels } },
      // Lazy: SLOs and alerts are added after construction.
      spec: Lazy.any({ produce: () => this.renderSpec() }) as PrometheusRuleSpec,
    });
    recordCreationSite(this);
    this.node.addValidation({ validate: () => this.validateRules() });
  }

  /** Adds an SLO's recording and alert groups. */
  public addSlo(slo: Slo): void {
    const clash = this.sloList.find((s) => s.service === slo.service && s.name === slo.name);
    if (clash) {
      throw new Error(
        `${this.node.path}: 'addSlo' (${slo.node.path}) has the same service and name (${slo.service}/${slo.name}) as ${clash.node.path}, ` +
          'so their recorded series would collide — give one of them another name',
      );
    }
    this.sloList.push(slo);
  }

  /** Adds an alert (validated now: name, expression, annotations, labels). */
  public addAlert(alert: AlertRuleProps | AlertRule): AlertRule {
    const rule = alert instanceof AlertRule ? alert : new AlertRule(alert);
    const v = new Violations(this);
    const prop = `alerts.${rule.name}`;
    v.check(
      !ALERT_NAME.test(rule.name ?? ''),
      `${prop}.name`,
      rule.name,
      'is not a valid alert name',
      "use CamelCase letters and digits, e.g. 'ApiDown'",
    );
    const syntax = promqlSyntaxError(rule.expr ?? '');
    v.check(
      syntax !== undefined,
      `${prop}.expr`,
      rule.expr,
      `${syntax} (PromQL)`,
      'fix the expression (check it with `promtool check rules`)',
    );
    for (const key of ['summary', 'description'] as const) {
      v.check(
        !(rule[key] ?? '').trim(),
        `${prop}.${key}`,
        rule[key],
        'is empty',
        `every alert needs a ${key} so the on-call engineer knows what broke`,
      );
    }
    v.check(
      !HTTP_URL.test(rule.runbookUrl ?? ''),
      `${prop}.runbookUrl`,
      rule.runbookUrl,
      'is not an http(s) URL',
      'link the runbook the on-call engineer follows',
    );
    v.check(
      rule.severity === undefined,
      `${prop}.severity`,
      rule.severity,
      'is missing',
      'use Severity.PAGE, Severity.TICKET or a priority (Severity.P1 … P3)',
    );
    for (const [key, value] of Object.entries(rule.labels)) {
      v.check(!LABEL_NAME.test(key), `${prop}.labels`, key, 'is not a valid label name', 'use letters, digits and underscores');
      v.check(
        RESERVED_LABELS.includes(key),
        `${prop}.labels.${key}`,
        value,
        'is set by the rule itself',
        key === 'alertname' ? 'rename the alert instead' : 'use the severity prop',
      );
    }
    for (const key of Object.keys(rule.annotations)) {
      v.check(!LABEL_NAME.test(key), `${prop}.annotations`, key, 'is not a valid annotation name', 'use letters, digits and underscores');
    }
    v.check(
      rule.for !== undefined && rule.for.toMilliseconds() % 1000 !== 0,
      `${prop}.for`,
      rule.for && goDuration(rule.for),
      'is not whole seconds',
      'use e.g. Duration.minutes(5)',
    );
    v.check(rule.group !== undefined && !rule.group.trim(), `${prop}.group`, rule.group, 'is empty', "omit it for the ruleset's own group");
    v.throwIfAny();
    this.alertList.push(rule);
    return rule;
  }

  /**
   * Adds a pack's alerts (each validated as by {@link addAlert}) in the pack's own group.
   * @returns the alerts added
   */
  public addPack(pack: AlertPack): AlertRule[] {
    const taken =
      pack.groupName === this.name ||
      this.packGroups.has(pack.groupName) ||
      this.sloList.some((s) => s.groupNames.includes(pack.groupName)) ||
      this.alertList.some((a) => a.group === pack.groupName);
    if (taken) {
      throw new Error(
        `${this.node.path}: 'addPack' (${pack.groupName}) uses a rule group name that is already taken, so two packs' alerts would mix — ` +
          "add each subject's pack once, or give the subjects different names",
      );
    }
    const alerts = pack.alerts();
    const stray = alerts.find((a) => a.group !== pack.groupName);
    if (stray) {
      throw new Error(
        `${this.node.path}: 'addPack' (${pack.groupName}) returns alert ${stray.name} in group '${stray.group}' — build every alert of a pack with group: '${pack.groupName}'`,
      );
    }
    this.packGroups.add(pack.groupName);
    const records = pack.records?.() ?? [];
    const bad = records.find((r) => !r.record || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(r.record) || promqlSyntaxError(r.expr) !== undefined);
    if (bad) {
      throw new Error(
        `${this.node.path}: 'addPack' (${pack.groupName}) returns the recording rule '${bad.record}', whose name or expression is invalid — fix the pack`,
      );
    }
    if (records.length > 0) this.packRecords.set(pack.groupName, records);
    return alerts.map((a) => this.addAlert(a));
  }

  /** Adds a {@link ServiceAlertPack}: the symptom alerts of a ReliableService. */
  public addServiceAlerts(service: ReliableService, props: ServiceAlertsProps): AlertRule[] {
    return this.addPack(new ServiceAlertPack(service, props));
  }

  /** Adds a {@link PostgresAlertPack}: the alerts of an HAPostgres cluster. */
  public addPostgresAlerts(db: HAPostgres, props: PostgresAlertsProps): AlertRule[] {
    return this.addPack(new PostgresAlertPack(db, props));
  }

  /** Adds a {@link PgBouncerAlertPack}: the alerts of an HAPostgres cluster's PgBouncer pooler. */
  public addPgBouncerAlerts(db: HAPostgres, props: PgBouncerAlertsProps): AlertRule[] {
    return this.addPack(new PgBouncerAlertPack(db, props));
  }

  /** Adds a {@link RedisAlertPack}: the alerts of a RedisCache. */
  public addRedisAlerts(cache: RedisCache, props: RedisAlertsProps): AlertRule[] {
    return this.addPack(new RedisAlertPack(cache, props));
  }

  /** Adds a {@link RestoreDrillAlertPack}: the measured RTO and the alerts of a PostgresRestoreDrill. */
  public addRestoreDrillAlerts(drill: PostgresRestoreDrill, props: RestoreDrillAlertsProps): AlertRule[] {
    return this.addPack(new RestoreDrillAlertPack(drill, props));
  }

  /** Adds a {@link BackupAlertPack}: the alerts of a BackupSchedule. */
  public addBackupAlerts(schedule: BackupSchedule, props: BackupAlertsProps): AlertRule[] {
    return this.addPack(new BackupAlertPack(schedule, props));
  }

  /** The SLOs (a copy). */
  public get slos(): Slo[] {
    return [...this.sloList];
  }

  /** The ruleset's own alerts (a copy). */
  public get alerts(): AlertRule[] {
    return [...this.alertList];
  }

  /** The selectors its SLIs and its own alerts read (SLO alerts read the recorded series). */
  public scrapeSelectors(): SelectorUse[] {
    return [
      ...this.sloList.flatMap((slo) => sloSelectorUses(slo)),
      ...this.alertList.flatMap((a) => exprSelectorUses(this.node.path, `alert ${a.name}`, a.expr)),
    ];
  }

  /** Every rule group as a Prometheus rule file: SLO groups in the order added, then the alert groups. */
  public ruleFile(): PrometheusRuleFile {
    const groups: PrometheusRuleGroupDefinition[] = this.sloList.flatMap((s) => s.ruleGroups());
    const own = new Map<string, PrometheusRuleDefinition[]>();
    for (const alert of this.alertList) {
      const name = alert.group ?? this.name;
      // A pack's recording rules open its group, before the alerts that read them.
      own.set(name, [...(own.get(name) ?? this.packRecords.get(name) ?? []), alert.toRule(this.team)]);
    }
    for (const [name, rules] of own) groups.push({ name, rules });
    return { groups };
  }

  /** The rule file as YAML (for `promtool check rules` and `promtool test rules`). */
  public ruleFileYaml(): string {
    return stringify(this.ruleFile(), { lineWidth: 0 });
  }

  private renderSpec(): PrometheusRuleSpec {
    return {
      groups: this.ruleFile().groups.map((g) => ({
        name: g.name,
        rules: g.rules.map((r) => ({
          record: r.record,
          alert: r.alert,
          expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
          for: r.for,
          labels: r.labels ? { ...r.labels } : undefined,
          annotations: r.annotations ? { ...r.annotations } : undefined,
        })),
      })),
    };
  }

  private validateRules(): string[] {
    const errors: string[] = [];
    const seen = new Set<string>();
    const { groups } = this.ruleFile();
    if (groups.length === 0) {
      errors.push(`${this.node.path}: has no rules — add an Slo with addSlo or an alert with addAlert, or remove the ruleset`);
    }
    for (const group of groups) {
      if (seen.has(group.name))
        errors.push(`${this.node.path}: rule group '${group.name}' appears twice — rename the alert group or the SLO`);
      seen.add(group.name);
      for (const rule of group.rules) {
        const syntax = promqlSyntaxError(rule.expr);
        if (syntax) errors.push(`${this.node.path}: rule '${rule.alert ?? rule.record}' of group '${group.name}': expr ${syntax}`);
      }
    }
    return errors;
  }

  /** The SLOs and alerts it evaluates, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      slos: this.slos.map((slo) => ({
        name: slo.name,
        service: slo.service,
        reads: slo.appContract.metrics,
        ...(slo.appContract.bucket ? { bucket: slo.appContract.bucket } : {}),
        objective: slo.objective,
        window: slo.window,
        errorBudget: slo.errorBudget,
        burnRates: slo.burnRates.map((t) => ({
          long: t.long,
          short: t.short,
          factor: t.factor,
          threshold: t.threshold,
          budgetPercent: t.budgetPercent,
          page: t.page,
          severity: severityFact(t.page ? slo.pageSeverity : slo.ticketSeverity),
        })),
        minFailedEvents: slo.minFailedEvents,
      })),
      alerts: this.alerts.map((a) => ({
        name: a.name,
        subject: a.labels.service ?? a.group,
        severity: severityFact(a.severity),
        for: a.for,
        runbookUrl: a.runbookUrl,
      })),
    };
  }
}
