import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PrometheusRuleDefinition, PrometheusRuleGroupDefinition, Severity } from './alert-rule';
import { AlertAnnotationKeys, AlertLabelKeys, isLabelValue, SLI_WINDOWS, SloAlertNames } from '../../core/conventions';
import {
  absentExpr,
  burnExpr,
  BURN_TIERS,
  BurnTier,
  BurnTierPolicy,
  burnTiers,
  DEFAULT_MIN_FAILED_EVENTS,
  errorBudget,
  errorRatioOver,
  formatTiers,
  reachableTiers,
  SliCounters,
  sliRecordings,
  windowMinutes,
} from './burn-rate';
import { promDuration, promNumber } from '../promql';
import { PromtoolTestFile, sloPromtoolTests, SloTestSubject } from './promtool-tests';
import { goDuration } from '../../core/units';
import { Violations } from '../../core/validation';
import { SystemChart } from '../../core/system-chart';
import { Sli } from './sli';
import { sliRates } from './sli-rates';
import { SloProps } from './slo-props';

const DEFAULT_WINDOW = Duration.days(30);
const MIN_WINDOW_MINUTES = 3 * 1440;
const DEFAULT_NO_DATA_FOR = Duration.minutes(10);
const HTTP_URL = /^https?:\/\/[^\s/]+\S*$/;

/**
 * A service level objective with multi-window, multi-burn-rate alerts (SRE Workbook ch. 5):
 * recording rules for the SLI's error ratio over 5m…3d from the counters, two burn-rate alerts —
 * the page (1h/5m or 6h/30m) and the ticket (1d/2h or 3d/6h) — whose factors are derived from the
 * objective's window, a failed-requests guard for low traffic and a no-data alert. It renders no
 * object itself: add it to an {@link AlertingRuleset}. docs/SLO-ALERTING.md has the why.
 */
export class Slo extends Construct {
  /** The `slo` label value. */
  public readonly name: string;
  /** The `service` label value. */
  public readonly service: string;
  /**
   * The namespace of the SystemChart the SLO belongs to: the `namespace` label of its recorded
   * series and alerts. The sums over the raw series drop the scraped `namespace`, and the
   * Prometheus Operator routes an AlertmanagerConfig only alerts whose `namespace` label is its
   * own namespace, so the label is set on every recording rule and alert.
   */
  public readonly namespace: string;
  /** The `team` label value. */
  public readonly team: string;
  /** The objective in percent. */
  public readonly objective: number;
  /** The rolling window. */
  public readonly window: Duration;
  /** The SLI. */
  public readonly sli: Sli;
  /** The error budget as a ratio (0.001 for 99.9 %). */
  public readonly errorBudget: number;
  /** The runbook URL. */
  public readonly runbookUrl: string;
  /** Failed requests a burn-rate alert's long window must hold (the low-traffic guard). */
  public readonly minFailedEvents: number;
  /** Severity of the page tiers. */
  public readonly pageSeverity: Severity;
  /** Severity of the ticket tiers. */
  public readonly ticketSeverity: Severity;
  /** Severity of the no-data alert. */
  public readonly noDataSeverity: Severity;
  /** How long data must be missing before the no-data alert fires. */
  public readonly noDataFor: Duration;
  /** The `{namespace="…",service="…",slo="…"}` matchers of the recorded series. */
  public readonly recordSelector: string;

  private readonly tiers: BurnTier[];
  private readonly summary: string | undefined;
  private readonly description: string | undefined;
  private readonly errorsRate: string;
  private readonly requestsRate: string;
  private readonly counters: SliCounters;
  private readonly series: SloTestSubject['sli'];

  constructor(scope: Construct, id: string, props: SloProps) {
    super(scope, id);
    const v = new Violations(this);
    this.name = props.name ?? id;
    this.service = typeof props.service === 'string' ? props.service : props.service.name;
    this.namespace = SystemChart.of(this).namespaceName;
    this.team = props.team;
    this.objective = props.objective;
    this.window = props.window ?? DEFAULT_WINDOW;
    this.sli = props.sli;
    this.runbookUrl = props.runbookUrl;
    this.summary = props.summary;
    this.description = props.description;
    this.minFailedEvents = props.minFailedEvents ?? DEFAULT_MIN_FAILED_EVENTS;
    this.pageSeverity = props.pageSeverity ?? Severity.PAGE;
    this.ticketSeverity = props.ticketSeverity ?? Severity.TICKET;
    this.noDataSeverity = props.noData?.severity ?? Severity.TICKET;
    this.noDataFor = props.noData?.for ?? DEFAULT_NO_DATA_FOR;

    for (const [prop, value] of [
      [props.name === undefined ? 'id' : 'name', this.name],
      ['service', this.service],
      ['team', this.team],
    ] as const) {
      v.check(
        value === '' || !isLabelValue(value),
        prop,
        value,
        'is not a valid, non-empty label value',
        'use at most 63 letters, digits, dashes, dots and underscores',
      );
    }
    v.check(
      !(this.objective > 0 && this.objective < 100),
      'objective',
      this.objective,
      'is not a percentage strictly between 0 and 100',
      'give the share of good requests in percent, e.g. 99.9',
    );
    const sloMinutes = this.window.toMilliseconds() / 60_000;
    v.check(
      !Number.isInteger(sloMinutes) || sloMinutes < MIN_WINDOW_MINUTES,
      'window',
      promDuration(Math.max(1, Math.round(sloMinutes))),
      'is shorter than 3 days (or not whole minutes), the longest burn-rate window',
      'use a window of whole days, e.g. Duration.days(28) or Duration.days(30)',
    );
    v.check(
      !HTTP_URL.test(this.runbookUrl ?? ''),
      'runbookUrl',
      this.runbookUrl,
      'is not an http(s) URL',
      'link the runbook the on-call engineer follows, e.g. https://runbooks.example.com/homepage/api-availability',
    );
    v.check(
      !(Number.isInteger(this.minFailedEvents) && this.minFailedEvents >= 1),
      'minFailedEvents',
      this.minFailedEvents,
      'is not a whole number of at least 1',
      'use 2 (the default: one failure never pages), or more for a service whose single failures come in pairs',
    );
    for (const [prop, text] of [
      ['summary', props.summary],
      ['description', props.description],
    ] as const) {
      v.check(
        text !== undefined && text.trim() === '',
        prop,
        text,
        'is empty',
        `omit ${prop} for the generated text, or describe the impact`,
      );
    }
    v.check(
      this.noDataFor.toMilliseconds() < 60_000 || this.noDataFor.toMilliseconds() % 60_000 !== 0,
      'noData.for',
      goDuration(this.noDataFor),
      'is not a whole number of minutes of at least one',
      'use whole minutes, e.g. Duration.minutes(10)',
    );
    const policies = props.tiers ?? BURN_TIERS;
    const validScale = this.objective > 0 && this.objective < 100 && Number.isInteger(sloMinutes) && sloMinutes >= MIN_WINDOW_MINUTES;
    if (validScale) this.checkTiers(v, policies, props.tiers !== undefined, sloMinutes);
    const rates = sliRates(v, this.sli);
    v.throwIfAny();

    this.errorBudget = errorBudget(this.objective);
    this.tiers = burnTiers(this.objective, sloMinutes, policies);
    this.recordSelector = `{namespace=${JSON.stringify(this.namespace)},${AlertLabelKeys.SERVICE}=${JSON.stringify(this.service)},${AlertLabelKeys.SLO}=${JSON.stringify(this.name)}}`;
    [this.errorsRate, this.requestsRate, this.counters, this.series] = rates as [string, string, SliCounters, SloTestSubject['sli']];
  }

  /** The burn-rate tiers with their derived factors and thresholds (a copy). */
  public get burnRates(): BurnTier[] {
    return this.tiers.map((t) => ({ ...t }));
  }

  /**
   * PromQL of the SLI's error ratio over `window` (e.g. the SLO window: the share of the error
   * budget spent is this divided by {@link errorBudget}), traffic-weighted from the recorded
   * 5-minute rates. The window must be whole minutes; Prometheus must keep that much history.
   */
  public errorRatioOver(window: Duration): string {
    const minutes = window.toMilliseconds() / 60_000;
    if (!Number.isInteger(minutes) || minutes < 5) {
      throw new Error(
        `${this.node.path}: errorRatioOver(${goDuration(window)}) needs whole minutes of at least 5 (the recorded rates' step) — use e.g. Duration.days(30)`,
      );
    }
    return errorRatioOver(this.recordSelector, promDuration(minutes));
  }

  /** Names of this SLO's rule groups: recording rules, then alerts. */
  public get groupNames(): [string, string] {
    return [`${this.service}-${this.name}-sli`, `${this.service}-${this.name}-alerts`];
  }

  /** The SLO's rule groups: the SLI recording rules, then the burn-rate and no-data alerts. */
  public ruleGroups(): PrometheusRuleGroupDefinition[] {
    const labels = { namespace: this.namespace, [AlertLabelKeys.SERVICE]: this.service, [AlertLabelKeys.SLO]: this.name };
    const [sliGroup, alertGroup] = this.groupNames;
    const longWindows = this.tiers.map((t) => t.long);
    const recording = sliRecordings(this.errorsRate, this.requestsRate, this.counters, longWindows).map((r) => ({
      record: r.record,
      expr: r.expr,
      labels: { ...labels },
    }));
    return [
      { name: sliGroup, rules: recording },
      { name: alertGroup, rules: [...this.burnAlerts(), this.noDataAlert()] },
    ];
  }

  /**
   * The burn-rate alerts: the page (its pairs' OR), then the ticket; an alert without pairs (a
   * `tiers` prop of page pairs only) is left out.
   */
  public burnAlerts(): PrometheusRuleDefinition[] {
    return [true, false].flatMap((page) => {
      const tiers = this.tiers.filter((t) => t.page === page);
      return tiers.length > 0 ? [this.burnAlert(tiers, page)] : [];
    });
  }

  /**
   * `promtool test rules` unit tests proving this SLO's alerts: each pair fires when the budget
   * burns just above its factor (and not before), a healthy service pages no one, a total outage
   * at 10 requests an hour pages and a single failure does not, and missing data raises the
   * no-data alert.
   * @param ruleFiles the rule files holding {@link ruleGroups}, relative to the test file
   */
  public promtoolTests(ruleFiles: readonly string[]): PromtoolTestFile {
    return sloPromtoolTests(this.testSubject(), ruleFiles);
  }

  /**
   * What the SLO assumes about the application (its app contract): the metrics it reads and, for a
   * latency SLI, the histogram bucket (`le`) that must exist and whether the stack declared the
   * app's buckets or relies on the client libraries' defaults.
   */
  public get appContract(): {
    readonly metrics: readonly string[];
    readonly bucket?: { readonly le: string; readonly declared: boolean; readonly buckets?: readonly string[] };
  } {
    const s = this.series;
    if (!s) return { metrics: [] };
    if (s.kind === 'requests') {
      const names = [s.total, s.errors, s.good].flatMap((x) => (x?.metric ? [x.metric] : []));
      return { metrics: [...new Set(names)] };
    }
    return {
      metrics: [`${s.histogram}_bucket`, `${s.histogram}_count`],
      bucket: {
        le: s.le,
        declared: this.sli?.latencyProps?.buckets !== undefined,
        ...(this.sli?.latencyProps?.buckets ? { buckets: this.sli.latencyProps.buckets.map((b) => goDuration(b)) } : {}),
      },
    };
  }

  /** What the promtool test generators need to know about this SLO (its series, pairs, alerts). */
  public testSubject(): SloTestSubject {
    return {
      slo: this.name,
      service: this.service,
      sli: this.series,
      tiers: this.tiers,
      burnAlerts: this.burnAlerts(),
      noDataAlert: this.noDataAlert(),
      noDataForMinutes: this.noDataFor.toMilliseconds() / 60_000,
      groupNames: this.groupNames,
      minFailedEvents: this.minFailedEvents,
      errorBudget: this.errorBudget,
      windowMinutes: this.window.toMilliseconds() / 60_000,
    };
  }

  private burnAlert(tiers: readonly BurnTier[], page: boolean): PrometheusRuleDefinition {
    const severity = page ? this.pageSeverity : this.ticketSeverity;
    const days = promDuration(this.window.toMilliseconds() / 60_000);
    const pairs = tiers
      .map((t) => `${t.budgetPercent}% of the budget in ${t.long} (error ratio above ${promNumber(t.threshold)}, ${t.factor}×)`)
      .join(' or ');
    const fastest = Math.max(...tiers.map((t) => t.factor));
    const lastsHours = Math.round(this.window.toMilliseconds() / 3_600_000 / fastest);
    const lasts = lastsHours >= 48 ? `about ${Math.round(lastsHours / 24)} days` : `about ${lastsHours} hours`;
    return {
      alert: SloAlertNames.BURN,
      expr: burnExpr(tiers, this.recordSelector, this.minFailedEvents),
      labels: {
        ...severity.labels(),
        [AlertLabelKeys.TEAM]: this.team,
        namespace: this.namespace,
        // Also on the result series: stated here so rules of different SLOs never look alike
        // (promtool's duplicate-rule lint) and readers see whose alert it is. The expression adds
        // `long_window` and `short_window`: the pair that fired.
        [AlertLabelKeys.SERVICE]: this.service,
        [AlertLabelKeys.SLO]: this.name,
      },
      annotations: {
        [AlertAnnotationKeys.SUMMARY]:
          this.summary ??
          `${this.service}: ${this.name} SLO error budget burning too fast (${page ? 'page' : 'ticket'}, {{ $labels.long_window }}/{{ $labels.short_window }} windows)`,
        [AlertAnnotationKeys.DESCRIPTION]:
          this.description ??
          `The ${this.name} SLO of ${this.service} (${this.objective}% over ${days}) has spent more than ${pairs}, with at least ${this.minFailedEvents} failed ` +
            `requests in that window, and is still burning over its short window. This alert fired on the {{ $labels.long_window }} window ` +
            `(short window {{ $labels.short_window }}). At ${fastest}× the whole budget is gone in ${lasts}.`,
        [AlertAnnotationKeys.RUNBOOK_URL]: this.runbookUrl,
      },
    };
  }

  /** Rejects pairs that are malformed or cannot fire for the objective, naming a set that can. */
  private checkTiers(v: Violations, policies: readonly BurnTierPolicy[], custom: boolean, sloWindowMinutes: number): void {
    const prop = custom ? 'tiers' : 'objective';
    if (custom) {
      if (v.check(policies.length === 0, 'tiers', policies, 'is empty', `omit tiers for the Workbook's pairs, ${formatTiers(BURN_TIERS)}`))
        return;
      for (const p of policies) {
        const known = (SLI_WINDOWS as readonly string[]).includes(p.long) && (SLI_WINDOWS as readonly string[]).includes(p.short);
        if (v.check(!known, 'tiers', p, 'names a window that is not recorded', `use windows of ${SLI_WINDOWS.join(', ')}`)) return;
        v.check(
          windowMinutes(p.short) >= windowMinutes(p.long),
          'tiers',
          p,
          'has a short window no shorter than its long one',
          'use a short window of about 1/12 of the long one, e.g. 1h with 5m',
        );
        v.check(
          !(p.budgetPercent > 0 && p.budgetPercent <= 100),
          'tiers',
          p,
          'has a budgetPercent outside (0, 100]',
          'use the share of the budget the long window may spend, e.g. 2',
        );
        v.check(
          windowMinutes(p.long) > sloWindowMinutes,
          'tiers',
          p,
          'has a long window longer than the SLO window',
          'use a long window of at most the SLO window',
        );
      }
      if (v.count) return;
    }
    const tiers = burnTiers(this.objective, sloWindowMinutes, policies);
    const unreachable = tiers.filter((t) => t.threshold >= 1);
    if (unreachable.length === 0) return;
    const which = unreachable
      .map(
        (t) =>
          `the ${t.long}/${t.short} pair (${t.budgetPercent}% of the budget: ${t.factor}× × ${promNumber(errorBudget(this.objective))} = error ratio ${promNumber(t.threshold)})`,
      )
      .join(' and ');
    v.add(
      prop,
      custom ? formatTiers(policies) : this.objective,
      `gives ${which} a threshold of 100 % or more: more requests would have to fail than there are, so it can never fire`,
      `give tiers that can, e.g. tiers: ${formatTiers(reachableTiers(this.objective, sloWindowMinutes, policies))}, or a higher objective`,
    );
  }

  private noDataAlert(): PrometheusRuleDefinition {
    const forText = promDuration(Math.round(this.noDataFor.toMilliseconds() / 60_000));
    return {
      alert: SloAlertNames.NO_DATA,
      expr: absentExpr(this.recordSelector),
      for: forText,
      labels: {
        ...this.noDataSeverity.labels(),
        [AlertLabelKeys.TEAM]: this.team,
        namespace: this.namespace,
        [AlertLabelKeys.SERVICE]: this.service,
        [AlertLabelKeys.SLO]: this.name,
      },
      annotations: {
        [AlertAnnotationKeys.SUMMARY]: `${this.service}: ${this.name} SLO has no data`,
        [AlertAnnotationKeys.DESCRIPTION]:
          `The recorded request or error rate of the ${this.name} SLO of ${this.service} (${this.sli}) has been missing for ${forText}, ` +
          'so its burn-rate alerts cannot fire. Check that the target is up and scraped, that the selectors still match, and for a latency SLO ' +
          'that the threshold is a bucket boundary (le) of the histogram.',
        [AlertAnnotationKeys.RUNBOOK_URL]: this.runbookUrl,
      },
    };
  }
}
