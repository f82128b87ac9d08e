import { AlertPack, AlertRule, PrometheusRuleDefinition, Severity } from './alert-rule';
import { AlertPackProps, base } from './alert-pack-base';
import type { PostgresRestoreDrill } from '../../data/postgres-restore-drill/postgres-restore-drill';
import { AlertLabelKeys, RecoveryAlertNames, RestoreDrillRecords } from '../../core/conventions';
import { cronPeriodMinutes } from '../../core/cron-period';
import { goDuration } from '../../core/units';
import { escapeRegex } from './symptoms/symptom-builder';
import { labelEq, labelRe, promDuration, selectorOf } from '../promql';

/** Props of a {@link RestoreDrillAlertPack}. */
export interface RestoreDrillAlertsProps extends AlertPackProps {
  /**
   * Severity of both alerts: a slow or failed drill is no outage, but a restore that would not
   * meet the plan, found before it is needed.
   * @default Severity.TICKET
   */
  readonly severity?: Severity;
}

/**
 * The alerts of a {@link PostgresRestoreDrill} (group `<drill>`), from kube-state-metrics' Job and
 * CronJob metrics:
 * - the measured RTO, recorded as `postgres_restore_drill:measured_rto_seconds`: the duration of
 *   the newest completed drill Job, from its start to a recovered and checked database (so an
 *   upper bound of the time to Ready the drill logs);
 * - PostgresRestoreDrillOverRto: that time is over the plan's RTO;
 * - PostgresRestoreDrillFailed: the newest drill failed, or none succeeded for twice the longest
 *   gap between its runs (never scheduled, suspended, or failing).
 */
export class RestoreDrillAlertPack implements AlertPack {
  public readonly groupName: string;
  private readonly rules: AlertRule[];
  private readonly recorded: PrometheusRuleDefinition[];

  constructor(drill: PostgresRestoreDrill, props: RestoreDrillAlertsProps) {
    this.groupName = drill.name;
    const severity = props.severity ?? Severity.TICKET;
    const cronJob = drill.name;
    const ns = labelEq('namespace', drill.namespace);
    const jobs = labelRe('job_name', `${escapeRegex(cronJob)}-[0-9]+`);
    const completion = selectorOf('kube_job_status_completion_time', ns, jobs);
    const start = selectorOf('kube_job_status_start_time', ns, jobs);
    const byJob = 'max by (namespace, job_name)';
    const labels = { cronjob: cronJob, cnpg_cluster: drill.database.name };
    // Only successful Jobs have a completion time: the newest of them is the newest measurement.
    this.recorded = [
      {
        record: RestoreDrillRecords.MEASURED_RTO,
        expr:
          `(\n  ${byJob} (${completion})\n  - on (namespace, job_name)\n  ${byJob} (${start})\n)\n` +
          `and on (namespace, job_name)\n(\n  ${byJob} (${completion})\n  == on (namespace) group_left ()\n  max by (namespace) (${completion})\n)`,
        labels,
      },
    ];
    const rto = Math.round(drill.rto.toSeconds());
    const rule = (name: string, expr: string, summary: string, description: string) => {
      const b = base(props, drill.database.name, this.groupName, name, severity);
      return new AlertRule({
        name,
        expr,
        severity,
        summary,
        description,
        runbookUrl: b.runbookUrl,
        group: this.groupName,
        labels: {
          namespace: drill.namespace,
          ...labels,
          [AlertLabelKeys.SERVICE]: drill.database.name,
          ...(props.team !== undefined ? { [AlertLabelKeys.TEAM]: props.team } : {}),
        },
      });
    };
    const minutes = cronPeriodMinutes(drill.schedule);
    const staleSeconds = 2 * minutes * 60;
    const cron = [ns, labelEq('cronjob', cronJob)];
    const last = selectorOf('kube_cronjob_status_last_successful_time', ...cron);
    const failed = `${selectorOf('kube_job_failed', ns, jobs, labelEq('condition', 'true'))} == 1`;
    this.rules = [
      rule(
        RecoveryAlertNames.RESTORE_DRILL_OVER_RTO,
        `${selectorOf(RestoreDrillRecords.MEASURED_RTO, ns, labelEq('cronjob', cronJob))} > ${rto}`,
        `${drill.database.name}: a restore takes longer than the RTO of ${goDuration(drill.rto)}`,
        `The newest physical restore drill of ${drill.database.name} ({{ $labels.job_name }} in ${drill.namespace}) took longer from its start to a ` +
          `recovered, checked database than the plan's RTO of ${goDuration(drill.rto)} (${RestoreDrillRecords.MEASURED_RTO} has the seconds): a real restore would miss it too. ` +
          `Its log (kubectl logs job/{{ $labels.job_name }}) has the time to Ready; speed up recovery (more frequent base backups, less WAL to replay, faster volumes) or revise the RTO.`,
      ),
      rule(
        RecoveryAlertNames.RESTORE_DRILL_FAILED,
        `${byJob} (${failed})\nand on (namespace, job_name)\n(\n  ${byJob} (${start})\n  == on (namespace) group_left ()\n  max by (namespace) (${start})\n)\n` +
          `or\ntime() - max by (namespace, cronjob) (${last}) > ${staleSeconds}\n` +
          `or\n(\n  time() - max by (namespace, cronjob) (${selectorOf('kube_cronjob_created', ...cron)}) > ${staleSeconds}\n  unless on (namespace, cronjob)\n  ${last}\n)`,
        `${drill.database.name}: the physical restore drill failed or has not succeeded for ${promDuration(2 * minutes)}`,
        `The newest run of CronJob ${cronJob} (${drill.namespace}) failed, or none has succeeded for ${promDuration(2 * minutes)} (twice the longest gap between its runs): ` +
          `${drill.database.name} is not known to be restorable from its WAL archive and base backups within the RTO of ${goDuration(drill.rto)}. ` +
          `Check the failed Job's log (kubectl logs job/<job>), and that the drill Cluster ${drill.drillClusterName} is gone.`,
      ),
    ];
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }

  /** The measured-RTO recording rule, evaluated in the pack's group before its alerts. */
  public records(): PrometheusRuleDefinition[] {
    return this.recorded.map((r) => ({ ...r }));
  }
}
