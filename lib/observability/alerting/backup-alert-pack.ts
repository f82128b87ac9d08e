import { AlertPack, AlertRule, Severity } from './alert-rule';
import { BackupSchedule } from '../../data/backup-schedule/backup-schedule';
import { SymptomAlerts } from './symptom-alerts';

import { AlertPackProps, base } from './alert-pack-base';

/** Props of a {@link BackupAlertPack}. */
export interface BackupAlertsProps extends AlertPackProps {
  /**
   * Severity of the backup's failed and stale alerts.
   * @default Severity.TICKET
   */
  readonly severity?: Severity;
}

/**
 * The alerts of a {@link BackupSchedule} (group `<name>-backups`): the newest backup run failed,
 * no successful backup for twice the schedule's longest gap, and the newest restore drill (and
 * off-site copy, if any) failed — from kube-state-metrics' Job and CronJob metrics.
 */
export class BackupAlertPack implements AlertPack {
  public readonly groupName: string;
  private readonly rules: AlertRule[];

  constructor(schedule: BackupSchedule, props: BackupAlertsProps) {
    this.groupName = `${schedule.name}-backups`;
    const severity = props.severity ?? Severity.TICKET;
    const common = (name: string) => ({ ...base(props, schedule.name, this.groupName, name, severity), namespace: schedule.namespace });
    const failed = (name: string, cronJob: string, what: string) =>
      SymptomAlerts.jobFailed({
        ...common(name),
        cronJob,
        summary: `${schedule.name}: the last ${what} failed`,
        description:
          `The newest run of CronJob ${cronJob} ({{ $labels.job_name }} in ${schedule.namespace}) failed after its retries. ` +
          `Its pods are kept for their logs (kubectl logs job/{{ $labels.job_name }}).`,
      });
    this.rules = [
      failed('BackupFailed', schedule.backupJobName, 'backup'),
      SymptomAlerts.cronJobStale({ ...common('BackupStale'), cronJob: schedule.backupJobName, schedule: schedule.schedule }),
      failed('RestoreDrillFailed', schedule.restoreDrillJobName, 'restore drill'),
      ...(schedule.offsiteJobName ? [failed('OffsiteCopyFailed', schedule.offsiteJobName, 'off-site copy')] : []),
    ];
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}
