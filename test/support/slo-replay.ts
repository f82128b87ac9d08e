/**
 * The SLO replay suite's scenarios, expectations and table (issue #14, item 3): synthetic traffic
 * replayed through an SLO's synthesized rules with `promtool test rules`, the first page and ticket
 * minute of each scenario predicted by the exact model (BurnReplay) and proven by promtool (quiet
 * one evaluation before — never fired since the start, on ALERTS —, firing at it).
 */
import { PrometheusRuleDefinition, PrometheusRuleGroupDefinition } from '../../lib/observability/alerting/alert-rule';
import { windowMinutes } from '../../lib/observability/alerting/burn-rate';
import {
  burnRuleOf,
  burnTraffic,
  expectedAlert,
  expectedBurnAlerts,
  inputSeries,
  neverFired,
  PromtoolTestFile,
  PromtoolTestGroup,
  SloTestSubject,
  sparseTraffic,
} from '../../lib/observability/alerting/promtool-tests';
import { BurnReplay, Traffic, trafficOf } from '../../lib/observability/alerting/replay-model';
import { promDuration } from '../../lib/observability/promql';

/** Requests per minute of the busy service (10,000: every burn's failures are whole requests). */
export const RPM = 10_000;
/** Healthy history before an incident: the longest window of the alert replayed. */
const HISTORY = { page: 6 * 60, ticket: 3 * 1440 };
/** Evaluation interval of each replay: pages every minute, tickets every 5 (days of history). */
export const EVAL = { page: 1, ticket: 5 };
/** Sample and rate lag: failures are counted at the next 1-minute sample. */
export const LAG = 1;

/** The burns of the table, in multiples of the sustainable rate. */
export const BURNS = [1000, 50, 14.4, 10, 6, 2, 1, 0.5];

/** One replayed incident. */
export interface ReplayScenario {
  readonly key: string;
  readonly label: string;
  readonly page: boolean;
  readonly traffic: Traffic;
  /** Minute the incident starts (failures counted from the next minute). */
  readonly start: number;
  /** Minute it ends. */
  readonly end: number;
  /** Workbook formula, minutes from the start (`threshold ÷ burn × long window` of the first pair that can fire). */
  readonly workbook: number | undefined;
  /** The effective burn (capped at a total outage), when constant. */
  readonly burn?: number;
  /** Requests per minute (for the budget spent). */
  readonly rpm: number;
}

/** Workbook detection time: the earliest pair of the kind whose factor the burn exceeds (strictly: rules use `>`). */
export function workbookMinutes(subject: SloTestSubject, burn: number, page: boolean): number | undefined {
  const times = subject.tiers.filter((t) => t.page === page && burn > t.factor).map((t) => (t.factor / burn) * windowMinutes(t.long));
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** The scenarios of one alert kind for an SLO (`core`: the cheap subset run for every SLO). */
export function scenarios(subject: SloTestSubject, page: boolean, core: boolean): ReplayScenario[] {
  const kind = page ? 'page' : 'ticket';
  const history = HISTORY[kind];
  const out: ReplayScenario[] = [];
  const maxBurn = 1 / subject.errorBudget;
  for (const b of core ? [1000] : BURNS) {
    const burn = Math.min(b, maxBurn);
    const workbook = workbookMinutes(subject, burn, page);
    const evalMinutes = EVAL[kind];
    // Until the model's first alert (or for a day of burn when none comes), then a fix.
    const probe = new BurnReplay(
      subject,
      burnTraffic(history + 3 * 1440, history, history + 3 * 1440, burn * subject.errorBudget, RPM),
      evalMinutes,
    );
    const first = probe.first(page, history + 1);
    const end = first === undefined ? history + (page ? 8 * 60 : 1440) : first + 10;
    const after = page ? 35 : 6 * 60 + 10;
    const label = b > maxBurn ? `${b}× (total outage: ${Number(maxBurn.toPrecision(4))}×)` : `${b}×`;
    out.push({
      key: `burn-${b}`,
      label,
      page,
      start: history,
      end,
      workbook,
      burn,
      rpm: RPM,
      traffic: burnTraffic(end + (first === undefined ? 0 : after), history, end, burn * subject.errorBudget, RPM),
    });
  }
  if (!core) {
    // The Workbook alerts on it only if a pair's budget share is spent within the 5 minutes.
    const within = workbookMinutes(subject, maxBurn, page);
    out.push({
      key: 'outage-5m',
      label: '5-minute total outage',
      page,
      start: history,
      end: history + 5,
      workbook: within !== undefined && within <= 5 ? within : undefined,
      burn: maxBurn,
      rpm: RPM,
      traffic: burnTraffic(history + 5 + (page ? 35 : 6 * 60 + 10), history, history + 5, 1, RPM),
    });
  }
  if (page) {
    // 10 requests an hour (one every 6 minutes, the first of the outage 3 minutes in), all failing for an hour.
    out.push({
      key: 'low-10h',
      label: '10 req/h, all failing for 1 h',
      page,
      start: history,
      end: history + 60,
      workbook: workbookMinutes(subject, maxBurn, page),
      rpm: 1 / 6,
      traffic: sparseTraffic(history + 60 + 35, 6, 3, history, history + 60),
    });
    out.push({
      key: 'low-1m',
      label: '1 req/min, all failing for 1 h',
      page,
      start: history,
      end: history + 60,
      workbook: workbookMinutes(subject, maxBurn, page),
      rpm: 1,
      traffic: trafficOf(history + 60 + 35, (m) => ({ requests: 1, failed: m > history && m <= history + 60 ? 1 : 0 })),
    });
    out.push({
      key: 'single-10h',
      label: '10 req/h, a single one failing',
      page,
      start: history,
      end: history + 60,
      workbook: undefined,
      rpm: 1 / 6,
      traffic: sparseTraffic(history + 120, 6, 3, history, history + 120, 1),
    });
  }
  return out;
}

/** What one scenario measured (proven by promtool). */
export interface ReplayResult {
  readonly scenario: ReplayScenario;
  /** Minutes from the start to the first alert of the kind, if any. */
  readonly first: number | undefined;
  /** Share of the SLO window's budget spent at the first alert. */
  readonly budgetAtFirst: number | undefined;
  /** Minutes from the end of the incident until the alert of the kind is quiet for good. */
  readonly resetAfter: number | undefined;
}

/** Measures a scenario with the model. */
export function measure(subject: SloTestSubject, s: ReplayScenario): ReplayResult {
  const replay = new BurnReplay(subject, s.traffic, EVAL[s.page ? 'page' : 'ticket']);
  const first = replay.first(s.page, s.start + 1);
  const budget = subject.errorBudget * s.rpm * subject.windowMinutes;
  const budgetAtFirst = first === undefined ? undefined : replay.failures(first, first - s.start) / budget;
  let resetAfter: number | undefined;
  if (first !== undefined && s.end < replay.minutes) {
    const quiet = replay.quiet(s.page, s.end);
    resetAfter = quiet === undefined || replay.first(s.page, quiet) !== undefined ? undefined : quiet - s.end;
  }
  return { scenario: s, first: first === undefined ? undefined : first - s.start, budgetAtFirst, resetAfter };
}

/** The rules an alert of the kind reads: its alert rule and the recordings its expression names. */
export function ruleSubset(
  groups: readonly PrometheusRuleGroupDefinition[],
  alert: PrometheusRuleDefinition,
): PrometheusRuleGroupDefinition[] {
  return groups.map((g) => ({
    name: g.name,
    rules: g.rules.filter(
      (r) => (r.alert !== undefined && r.expr === alert.expr) || (r.record !== undefined && alert.expr.includes(`${r.record}{`)),
    ),
  }));
}

/** The promtool test group proving a scenario's measurement. */
export function testGroup(subject: SloTestSubject, s: ReplayScenario, r: ReplayResult): PromtoolTestGroup {
  const evalMinutes = EVAL[s.page ? 'page' : 'ticket'];
  const replay = new BurnReplay(subject, s.traffic, evalMinutes);
  const rule = burnRuleOf(subject, s.page) as PrometheusRuleDefinition;
  const name = rule.alert as string;
  const kindOnly = (minute: number) => expectedBurnAlerts(subject, replay, minute, s.page);
  const times = new Set<number>();
  const checks: NonNullable<PromtoolTestGroup['promql_expr_test']> = [];
  if (r.first !== undefined) {
    const first = s.start + r.first;
    times.add(first);
    // Never fired before: not at any evaluation since minute 0.
    checks.push(neverFired(subject, name, first - evalMinutes, first - evalMinutes));
    if (r.resetAfter !== undefined) {
      times.add(s.end + r.resetAfter - evalMinutes);
      times.add(s.end + r.resetAfter);
      times.add(replay.minutes);
    }
  } else {
    checks.push(neverFired(subject, name, replay.minutes, replay.minutes));
  }
  // Tickets: samples every 5 minutes, on the evaluations — the same increases over windows of
  // whole 5 minutes, a fifth of the samples to read over 3 days.
  return {
    name: `${subject.service}/${subject.slo}: ${s.page ? 'page' : 'ticket'}: ${s.label}`,
    interval: `${evalMinutes}m`,
    input_series: inputSeries(subject.sli, s.traffic, undefined, evalMinutes),
    alert_rule_test: [...times]
      .sort((a, b) => a - b)
      .map((t) => ({ eval_time: promDuration(t), alertname: name, exp_alerts: kindOnly(t) })),
    promql_expr_test: checks,
  };
}

/** Healthy days and vanishing counters, on every rule of the SLO (5-minute evaluation). */
export function wholeRuleGroups(subject: SloTestSubject, core: boolean): PromtoolTestGroup[] {
  const burnName = subject.burnAlerts[0].alert as string;
  const noDataName = subject.noDataAlert.alert as string;
  const groups: PromtoolTestGroup[] = [];
  if (!core) {
    // Three days: 10,000 req/min by day, 2,000 by night, at half the sustainable burn, with a
    // one-minute blip of 10 % failures every 6 hours after the first day (before, the 3-day
    // window holds too few requests for a blip to be one).
    const days = 3 * 1440;
    const traffic = trafficOf(days, (m) => {
      const rpm = m % 1440 < 16 * 60 ? RPM : RPM / 5;
      const failed = m > 1440 && m % 360 === 180 ? rpm / 10 : Math.round(0.5 * subject.errorBudget * rpm);
      return { requests: rpm, failed };
    });
    groups.push({
      name: `${subject.service}/${subject.slo}: 3 healthy days (diurnal traffic at 0.5×, 10 % blips)`,
      interval: '1m',
      input_series: inputSeries(subject.sli, traffic),
      alert_rule_test: [
        { eval_time: promDuration(days), alertname: burnName, exp_alerts: [] },
        { eval_time: promDuration(days), alertname: noDataName, exp_alerts: [] },
      ],
      // The no-data alert is pending at minute 0, before a rate has two samples.
      promql_expr_test: [neverFired(subject, burnName, days, days), neverFired(subject, noDataName, days, days - 5)],
    });
  }
  // Healthy for an hour, then the counters disappear (target gone): the no-data alert, no burn.
  const gone = subject.noDataForMinutes + 5 + 60 + 5;
  const series = inputSeries(subject.sli, burnTraffic(gone, 0, 0, 0, RPM), 60);
  groups.push({
    name: `${subject.service}/${subject.slo}: counters disappear after 1h`,
    interval: '1m',
    input_series: series,
    alert_rule_test: [
      { eval_time: '60m', alertname: noDataName, exp_alerts: [] },
      { eval_time: promDuration(gone), alertname: noDataName, exp_alerts: [expectedAlert(subject, subject.noDataAlert)] },
      { eval_time: promDuration(gone), alertname: burnName, exp_alerts: [] },
    ],
    promql_expr_test: [neverFired(subject, burnName, gone, gone)],
  });
  return groups;
}

/** A promtool test file. */
export function testFile(
  ruleFile: string,
  evalMinutes: number,
  groupNames: readonly string[],
  tests: PromtoolTestGroup[],
): PromtoolTestFile {
  return { rule_files: [ruleFile], evaluation_interval: `${evalMinutes}m`, group_eval_order: [...groupNames], tests };
}

/** Minutes as the table writes them: 52 s, 4.3 m, 17 m, 2 h 30, 1 d 12 h. */
export function human(minutes: number | undefined): string {
  if (minutes === undefined) return '—';
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 10) return `${Number(minutes.toFixed(1))} m`;
  if (minutes < 60) return `${Math.round(minutes)} m`;
  if (minutes < 1440) return `${Math.floor(minutes / 60)} h ${String(Math.round(minutes % 60)).padStart(2, '0')}`;
  return `${Math.floor(minutes / 1440)} d ${Math.round((minutes % 1440) / 60)} h`;
}
