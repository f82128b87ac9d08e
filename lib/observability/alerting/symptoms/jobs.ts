import { AlertRule } from '../alert-rule';
import { CronSchedule } from '../../../core/cron';
import { cronPeriodMinutes } from '../../../core/cron-period';
import { labelEq, labelRe, promDuration, selectorOf } from '../../promql';
import { escapeRegex, SymptomAlertProps, SymptomBuilder } from './symptom-builder';

/** Props of {@link SymptomAlerts.jobFailed}: exactly one of `cronJob` and `job`. */
export interface JobFailedProps extends SymptomAlertProps {
  /** The namespace. */
  readonly namespace: string;
  /**
   * A CronJob: the alert fires while its newest Job has failed (older failed Jobs kept for their logs do not count).
   * @default - none: give `job`
   */
  readonly cronJob?: string;
  /**
   * A single Job's name.
   * @default - none: give `cronJob`
   */
  readonly job?: string;
}

/** Props of {@link SymptomAlerts.cronJobStale}. */
export interface CronJobStaleProps extends SymptomAlertProps {
  /** The namespace. */
  readonly namespace: string;
  /** The CronJob's name. */
  readonly cronJob: string;
  /** Its schedule (5-field cron): the alert waits twice the longest gap between two runs. */
  readonly schedule: CronSchedule;
}

/**
 * A Job failed (kube-state-metrics `kube_job_failed`): for a CronJob, its newest Job (Jobs are
 * named `<cronjob>-<scheduled minute>`, so the newest start time picks it). Default `for`: none.
 */
export function jobFailed(props: JobFailedProps): AlertRule {
  const b = new SymptomBuilder('jobFailed', props);
  b.labelValue('namespace', props.namespace);
  b.check(
    (props.cronJob === undefined) === (props.job === undefined),
    'cronJob',
    props.cronJob,
    'and job: exactly one is needed',
    'give the CronJob or the Job',
  );
  const name = props.cronJob ?? props.job ?? '';
  b.labelValue(props.cronJob !== undefined ? 'cronJob' : 'job', name);
  const jobs = props.cronJob !== undefined ? labelRe('job_name', `${escapeRegex(props.cronJob)}-[0-9]+`) : labelEq('job_name', name);
  const ns = labelEq('namespace', props.namespace);
  const failed = `${selectorOf('kube_job_failed', ns, jobs, labelEq('condition', 'true'))} == 1`;
  const start = selectorOf('kube_job_status_start_time', ns, jobs);
  const expr =
    props.cronJob !== undefined
      ? `max by (namespace, job_name) (${failed})\nand on (namespace, job_name)\n(\n  max by (namespace, job_name) (${start})\n  == on (namespace) group_left ()\n  max by (namespace) (${start})\n)`
      : `max by (namespace, job_name) (${failed})`;
  const what = props.cronJob !== undefined ? `The newest run of CronJob ${props.cronJob}` : `Job ${name}`;
  return b.build({
    name: 'JobFailed',
    expr,
    for: undefined,
    namespace: props.namespace,
    labels: props.cronJob !== undefined ? { cronjob: props.cronJob } : {},
    summary: `${props.service}: job {{ $labels.job_name }} failed`,
    description: `${what} ({{ $labels.job_name }} in ${props.namespace}) failed after its retries. Its pods are kept for their logs (kubectl logs job/{{ $labels.job_name }}).`,
  });
}

/**
 * A CronJob's last success (kube-state-metrics `kube_cronjob_status_last_successful_time`) is
 * older than twice the longest gap between its runs, or it never succeeded that long after its
 * creation (`kube_cronjob_created`). Default `for`: none (the threshold already waits).
 */
export function cronJobStale(props: CronJobStaleProps): AlertRule {
  const b = new SymptomBuilder('cronJobStale', props);
  b.labelValue('namespace', props.namespace);
  b.labelValue('cronJob', props.cronJob);
  let periodMinutes = 0;
  try {
    periodMinutes = cronPeriodMinutes(props.schedule);
  } catch (e) {
    b.check(
      true,
      'schedule',
      String(props.schedule),
      (e as Error).message.replace(/^cron schedule '[^']*' /, ''),
      "use a 5-field cron expression, e.g. '0 2 * * *'",
    );
  }
  const seconds = 2 * periodMinutes * 60;
  const m = [labelEq('namespace', props.namespace), labelEq('cronjob', props.cronJob)];
  const by = 'max by (namespace, cronjob)';
  const last = selectorOf('kube_cronjob_status_last_successful_time', ...m);
  const stale = promDuration(2 * periodMinutes);
  return b.build({
    name: 'CronJobStale',
    expr: `time() - ${by} (${last}) > ${seconds}\nor\n(\n  time() - ${by} (${selectorOf('kube_cronjob_created', ...m)}) > ${seconds}\n  unless on (namespace, cronjob)\n  ${last}\n)`,
    for: undefined,
    namespace: props.namespace,
    labels: { cronjob: props.cronJob },
    summary: `${props.service}: CronJob ${props.cronJob} has not succeeded for ${stale}`,
    description:
      `CronJob ${props.cronJob} (${props.namespace}, schedule '${typeof props.schedule === 'string' ? props.schedule : props.schedule.expressionString}') ` +
      `has had no successful run for more than ${stale}, twice the longest gap between its runs: runs fail, are not scheduled, or the CronJob is suspended.`,
  });
}
