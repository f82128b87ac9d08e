import { Duration } from 'cdk8s';
import { Severity } from '../../../../lib/observability/alerting/alert-rule';
import { cronJobStale, CronJobStaleProps, jobFailed, JobFailedProps } from '../../../../lib/observability/alerting/symptoms/jobs';
import { BASE, fieldsOf, RuleFields } from './fixture';

describe('jobFailed', () => {
  test.each<[string, JobFailedProps, RuleFields]>([
    [
      'a CronJob: its newest Job',
      { ...BASE, namespace: 'homepage', cronJob: 'homepage-db-backup' },
      {
        name: 'JobFailed',
        expr: 'max by (namespace, job_name) (kube_job_failed{namespace="homepage",job_name=~"homepage-db-backup-[0-9]+",condition="true"} == 1)\nand on (namespace, job_name)\n(\n  max by (namespace, job_name) (kube_job_status_start_time{namespace="homepage",job_name=~"homepage-db-backup-[0-9]+"})\n  == on (namespace) group_left ()\n  max by (namespace) (kube_job_status_start_time{namespace="homepage",job_name=~"homepage-db-backup-[0-9]+"})\n)',
        for: undefined,
        severity: Severity.TICKET,
        summary: 'homepage-api: job {{ $labels.job_name }} failed',
        description:
          'The newest run of CronJob homepage-db-backup ({{ $labels.job_name }} in homepage) failed after its retries. Its pods are kept for their logs (kubectl logs job/{{ $labels.job_name }}).',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', cronjob: 'homepage-db-backup', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'a single Job',
      { ...BASE, namespace: 'homepage', job: 'migrate' },
      {
        name: 'JobFailed',
        expr: 'max by (namespace, job_name) (kube_job_failed{namespace="homepage",job_name="migrate",condition="true"} == 1)',
        for: undefined,
        severity: Severity.TICKET,
        summary: 'homepage-api: job {{ $labels.job_name }} failed',
        description:
          'Job migrate ({{ $labels.job_name }} in homepage) failed after its retries. Its pods are kept for their logs (kubectl logs job/{{ $labels.job_name }}).',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'a hold time from the props',
      { ...BASE, namespace: 'shop', cronJob: 'shop.report', for: Duration.minutes(10) },
      {
        name: 'JobFailed',
        expr: 'max by (namespace, job_name) (kube_job_failed{namespace="shop",job_name=~"shop\\\\.report-[0-9]+",condition="true"} == 1)\nand on (namespace, job_name)\n(\n  max by (namespace, job_name) (kube_job_status_start_time{namespace="shop",job_name=~"shop\\\\.report-[0-9]+"})\n  == on (namespace) group_left ()\n  max by (namespace) (kube_job_status_start_time{namespace="shop",job_name=~"shop\\\\.report-[0-9]+"})\n)',
        for: Duration.minutes(10),
        severity: Severity.TICKET,
        summary: 'homepage-api: job {{ $labels.job_name }} failed',
        description:
          'The newest run of CronJob shop.report ({{ $labels.job_name }} in shop) failed after its retries. Its pods are kept for their logs (kubectl logs job/{{ $labels.job_name }}).',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'shop', cronjob: 'shop.report', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(jobFailed(props))).toEqual(expected);
  });
});

describe('cronJobStale', () => {
  test.each<[string, CronJobStaleProps, RuleFields]>([
    [
      'weekdays at 02:00: the longest gap is 3 days',
      { ...BASE, namespace: 'homepage', cronJob: 'homepage-db-backup', schedule: '0 2 * * 1-5' },
      {
        name: 'CronJobStale',
        expr: 'time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{namespace="homepage",cronjob="homepage-db-backup"}) > 518400\nor\n(\n  time() - max by (namespace, cronjob) (kube_cronjob_created{namespace="homepage",cronjob="homepage-db-backup"}) > 518400\n  unless on (namespace, cronjob)\n  kube_cronjob_status_last_successful_time{namespace="homepage",cronjob="homepage-db-backup"}\n)',
        for: undefined,
        severity: Severity.TICKET,
        summary: 'homepage-api: CronJob homepage-db-backup has not succeeded for 6d',
        description:
          "CronJob homepage-db-backup (homepage, schedule '0 2 * * 1-5') has had no successful run for more than 6d, twice the longest gap between its runs: runs fail, are not scheduled, or the CronJob is suspended.",
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', cronjob: 'homepage-db-backup', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'every 15 minutes',
      { ...BASE, namespace: 'shop', cronJob: 'shop-sync', schedule: '*/15 * * * *' },
      {
        name: 'CronJobStale',
        expr: 'time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{namespace="shop",cronjob="shop-sync"}) > 1800\nor\n(\n  time() - max by (namespace, cronjob) (kube_cronjob_created{namespace="shop",cronjob="shop-sync"}) > 1800\n  unless on (namespace, cronjob)\n  kube_cronjob_status_last_successful_time{namespace="shop",cronjob="shop-sync"}\n)',
        for: undefined,
        severity: Severity.TICKET,
        summary: 'homepage-api: CronJob shop-sync has not succeeded for 30m',
        description:
          "CronJob shop-sync (shop, schedule '*/15 * * * *') has had no successful run for more than 30m, twice the longest gap between its runs: runs fail, are not scheduled, or the CronJob is suspended.",
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'shop', cronjob: 'shop-sync', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(cronJobStale(props))).toEqual(expected);
  });
});
