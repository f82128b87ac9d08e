import { Duration } from 'cdk8s';
import { AlertingRuleset, AlertRule, Severity, SymptomAlertProps, SymptomAlerts } from '../../../lib';
import { find, synth, testChart, withScrapeJobs } from '../../support/synth';

const BASE: SymptomAlertProps = {
  service: 'homepage-api',
  severity: Severity.TICKET,
  runbookUrl: 'https://runbooks.example.com/homepage/api',
};
const PODS = { namespace: 'homepage', pods: SymptomAlerts.deploymentPods('homepage-api') };

/** Every builder once, with its full expression and hold time. */
const CASES: Array<[string, () => AlertRule, string, string | undefined]> = [
  [
    'targetDown',
    () => SymptomAlerts.targetDown({ ...BASE, namespace: 'homepage', job: 'homepage-api' }),
    'sum by (namespace, job) (up{namespace="homepage",job="homepage-api"}) == 0\nor\nabsent(up{namespace="homepage",job="homepage-api"})',
    '2m',
  ],
  [
    'deploymentUnavailable',
    () => SymptomAlerts.deploymentUnavailable({ ...BASE, namespace: 'homepage', deployment: 'homepage-ollama' }),
    'sum by (namespace, deployment) (kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-ollama"}) == 0\n' +
      'or\nabsent(kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-ollama"})',
    '5m',
  ],
  [
    'errorRatio',
    () => SymptomAlerts.errorRatio({ ...BASE, requests: 'http_requests_total{job="homepage-api"}' }),
    'sum by (namespace, job) (rate(http_requests_total{job="homepage-api",code=~"5.."}[5m]))\n/\nsum by (namespace, job) (rate(http_requests_total{job="homepage-api"}[5m]))\n> 0.01',
    '5m',
  ],
  [
    'errorRatio with errors',
    () =>
      SymptomAlerts.errorRatio({
        ...BASE,
        requests: 'rpc_total{job="x"}',
        errors: 'rpc_errors_total{job="x"}',
        maxPercent: 0.5,
        window: Duration.minutes(10),
      }),
    'sum by (namespace, job) (rate(rpc_errors_total{job="x"}[10m]))\n/\nsum by (namespace, job) (rate(rpc_total{job="x"}[10m]))\n> 0.005',
    '5m',
  ],
  [
    'latencyAbove',
    () =>
      SymptomAlerts.latencyAbove({
        ...BASE,
        histogram: 'http_request_duration_seconds',
        selector: '{job="homepage-api"}',
        threshold: Duration.millis(500),
      }),
    'histogram_quantile(0.95, sum by (namespace, job, le) (rate(http_request_duration_seconds_bucket{job="homepage-api"}[5m])))\n> 0.5',
    '10m',
  ],
  [
    'crashLooping',
    () => SymptomAlerts.crashLooping({ ...BASE, ...PODS }),
    'max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",reason="CrashLoopBackOff"}[5m])) >= 1',
    '15m',
  ],
  [
    'podNotReady',
    () => SymptomAlerts.podNotReady({ ...BASE, ...PODS }),
    'max by (namespace, pod) (kube_pod_status_ready{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",condition="true"}) == 0\n' +
      'unless on (namespace, pod)\nmax by (namespace, pod) (kube_pod_status_phase{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",phase="Succeeded"}) == 1',
    '15m',
  ],
  [
    'hpaMaxedOut',
    () => SymptomAlerts.hpaMaxedOut({ ...BASE, namespace: 'homepage', hpa: 'homepage-api' }),
    'max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace="homepage",horizontalpodautoscaler="homepage-api"})\n>=\n' +
      'max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace="homepage",horizontalpodautoscaler="homepage-api"})',
    '15m',
  ],
  [
    'memoryNearLimit',
    () => SymptomAlerts.memoryNearLimit({ ...BASE, ...PODS, maxPercent: 90 }),
    'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",container!="",container!="POD"})\n/\n' +
      'max by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",resource="memory"})\n> 0.9',
    '15m',
  ],
  [
    'volumeSpaceLow',
    () => SymptomAlerts.volumeSpaceLow({ ...BASE, namespace: 'homepage', claims: 'data-redis-[0-9]+' }),
    'min by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{namespace="homepage",persistentvolumeclaim=~"data-redis-[0-9]+"})\n/\n' +
      'max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="homepage",persistentvolumeclaim=~"data-redis-[0-9]+"})\n< 0.2',
    '30m',
  ],
  [
    'connectionPoolSaturated',
    () => SymptomAlerts.connectionPoolSaturated({ ...BASE, inUse: 'go_sql_in_use_connections{job="homepage-api"}', max: 20 }),
    'go_sql_in_use_connections{job="homepage-api"} / 20 > 0.8',
    '2m',
  ],
  [
    'circuitBreakerOpen',
    () => SymptomAlerts.circuitBreakerOpen({ ...BASE, state: 'gobreaker_state{job="homepage-api"}', openValue: 2 }),
    'gobreaker_state{job="homepage-api"} == 2',
    '1m',
  ],
  [
    'webSocketDrops',
    () => SymptomAlerts.webSocketDrops({ ...BASE, connections: 'websocket_connections{job="realtime"}' }),
    'sum by (namespace, job) (websocket_connections{job="realtime"})\n< 0.5 * sum by (namespace, job) (websocket_connections{job="realtime"} offset 5m)\n' +
      'and\nsum by (namespace, job) (websocket_connections{job="realtime"} offset 5m) >= 10',
    '1m',
  ],
  [
    'jobFailed (CronJob)',
    () => SymptomAlerts.jobFailed({ ...BASE, namespace: 'homepage', cronJob: 'homepage-db-backup' }),
    'max by (namespace, job_name) (kube_job_failed{namespace="homepage",job_name=~"homepage-db-backup-[0-9]+",condition="true"} == 1)\nand on (namespace, job_name)\n(\n' +
      '  max by (namespace, job_name) (kube_job_status_start_time{namespace="homepage",job_name=~"homepage-db-backup-[0-9]+"})\n  == on (namespace) group_left ()\n' +
      '  max by (namespace) (kube_job_status_start_time{namespace="homepage",job_name=~"homepage-db-backup-[0-9]+"})\n)',
    undefined,
  ],
  [
    'jobFailed (Job)',
    () => SymptomAlerts.jobFailed({ ...BASE, namespace: 'homepage', job: 'migrate' }),
    'max by (namespace, job_name) (kube_job_failed{namespace="homepage",job_name="migrate",condition="true"} == 1)',
    undefined,
  ],
  [
    'cronJobStale',
    () => SymptomAlerts.cronJobStale({ ...BASE, namespace: 'homepage', cronJob: 'homepage-db-backup', schedule: '0 2 * * 1-5' }),
    'time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{namespace="homepage",cronjob="homepage-db-backup"}) > 518400\nor\n(\n' +
      '  time() - max by (namespace, cronjob) (kube_cronjob_created{namespace="homepage",cronjob="homepage-db-backup"}) > 518400\n  unless on (namespace, cronjob)\n' +
      '  kube_cronjob_status_last_successful_time{namespace="homepage",cronjob="homepage-db-backup"}\n)',
    undefined,
  ],
];

describe('SymptomAlerts', () => {
  test.each(CASES)('%s', (_, build, expr, hold) => {
    const rule = build().toRule('web');
    expect(rule.expr).toBe(expr);
    expect(rule.for).toBe(hold);
    expect(rule.labels).toMatchObject({ service: 'homepage-api', severity: 'warning', team: 'web' });
    expect(Object.keys(rule.annotations ?? {}).sort()).toEqual(['description', 'runbook_url', 'summary']);
    expect(rule.annotations?.summary).toMatch(/^homepage-api: /);
  });

  test('every builder output is accepted by AlertingRuleset.addAlert and synthesizes', () => {
    const chart = withScrapeJobs(testChart(undefined, 'homepage'), 'homepage-api', 'realtime', 'x', 'api');
    const ruleset = new AlertingRuleset(chart, 'symptoms', { team: 'web' });
    for (const [, build] of CASES) ruleset.addAlert(build());
    const rule = find(synth(chart), 'PrometheusRule', 'homepage-symptoms');
    expect(rule.spec.groups[0].rules).toHaveLength(CASES.length);
  });

  test('namespace label where the builder knows it; team, name, texts, for, labels and group from the props', () => {
    const rule = SymptomAlerts.crashLooping({
      ...BASE,
      ...PODS,
      team: 'platform',
      name: 'ApiCrashLooping',
      summary: 'api crashes',
      description: 'see logs',
      for: Duration.minutes(5),
      labels: { tier: 'backend' },
      group: 'homepage-api-pods',
      severity: Severity.P2,
    });
    expect(rule.group).toBe('homepage-api-pods');
    expect(rule.toRule('web')).toEqual({
      alert: 'ApiCrashLooping',
      expr: expect.any(String),
      for: '5m',
      labels: { team: 'platform', namespace: 'homepage', tier: 'backend', service: 'homepage-api', severity: 'warning', priority: 'P2' },
      annotations: { summary: 'api crashes', description: 'see logs', runbook_url: 'https://runbooks.example.com/homepage/api' },
    });
  });

  test("deploymentPods escapes the name and matches only that Deployment's pods", () => {
    const regex = new RegExp(`^(?:${SymptomAlerts.deploymentPods('homepage-api')})$`);
    expect(regex.test('homepage-api-7d9f8b6c5d-x2k4p')).toBe(true);
    expect(regex.test('homepage-api-worker-7d9f8b6c5d-x2k4p')).toBe(false);
    expect(SymptomAlerts.deploymentPods('a.b')).toBe('a\\.b-[a-z0-9]+-[a-z0-9]+');
  });
});

function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the builder to throw');
}

describe('SymptomAlerts validation', () => {
  test.each<[string, () => unknown, string]>([
    [
      'service',
      () => SymptomAlerts.targetDown({ ...BASE, service: 'Homepage API', namespace: 'homepage', job: 'api' }),
      "SymptomAlerts.targetDown(Homepage API): 'service' ('Homepage API') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores",
    ],
    [
      'team',
      () => SymptomAlerts.targetDown({ ...BASE, team: '', namespace: 'homepage', job: 'api' }),
      "SymptomAlerts.targetDown(homepage-api): 'team' ('') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores",
    ],
    [
      'runbookUrl',
      () => SymptomAlerts.targetDown({ ...BASE, runbookUrl: 'wiki/api', namespace: 'homepage', job: 'api' }),
      "SymptomAlerts.targetDown(homepage-api): 'runbookUrl' ('wiki/api') is not an http(s) URL — link the runbook the on-call engineer follows",
    ],
    [
      'severity',
      () => SymptomAlerts.targetDown({ ...BASE, severity: undefined as unknown as Severity, namespace: 'homepage', job: 'api' }),
      "SymptomAlerts.targetDown(homepage-api): 'severity' (undefined) is missing — use Severity.PAGE, Severity.TICKET or a priority (Severity.P1 … P3)",
    ],
    [
      'namespace',
      () => SymptomAlerts.hpaMaxedOut({ ...BASE, namespace: 'Home Page', hpa: 'homepage-api' }),
      "SymptomAlerts.hpaMaxedOut(homepage-api): 'namespace' ('Home Page') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores",
    ],
    [
      'job',
      () => SymptomAlerts.targetDown({ ...BASE, namespace: 'homepage', job: '' }),
      "SymptomAlerts.targetDown(homepage-api): 'job' ('') is empty — give the job",
    ],
    [
      'deployment',
      () => SymptomAlerts.deploymentUnavailable({ ...BASE, namespace: 'homepage', deployment: '' }),
      "SymptomAlerts.deploymentUnavailable(homepage-api): 'deployment' ('') is empty — give the deployment",
    ],
    [
      'requests',
      () => SymptomAlerts.errorRatio({ ...BASE, requests: 'rate(http_requests_total[5m])' }),
      "SymptomAlerts.errorRatio(homepage-api): 'requests' ('rate(http_requests_total[5m])') is not a PromQL vector selector with a metric name — give the metric and its label matchers, e.g. 'http_requests_total{job=\"api\"}'",
    ],
    [
      'maxPercent',
      () => SymptomAlerts.errorRatio({ ...BASE, requests: 'http_requests_total', maxPercent: 0.01 * 0 }),
      "SymptomAlerts.errorRatio(homepage-api): 'maxPercent' (0) is not a percentage strictly between 0 and 100 — give a share in percent, e.g. 80",
    ],
    [
      'window',
      () => SymptomAlerts.errorRatio({ ...BASE, requests: 'http_requests_total', window: Duration.seconds(90) }),
      "SymptomAlerts.errorRatio(homepage-api): 'window' ('90000ms') is not a whole number of minutes of at least one — use e.g. Duration.minutes(5)",
    ],
    [
      'histogram',
      () => SymptomAlerts.latencyAbove({ ...BASE, histogram: 'http_request_duration_seconds_bucket', threshold: Duration.millis(300) }),
      "SymptomAlerts.latencyAbove(homepage-api): 'histogram' ('http_request_duration_seconds_bucket') is not a histogram base name — give the name without _bucket, e.g. 'http_request_duration_seconds'",
    ],
    [
      'selector',
      () => SymptomAlerts.latencyAbove({ ...BASE, histogram: 'h', selector: 'h{job="x"}', threshold: Duration.millis(300) }),
      "SymptomAlerts.latencyAbove(homepage-api): 'selector' ('h{job=\"x\"}') is not a set of label matchers — give matchers only, e.g. '{job=\"api\"}'",
    ],
    [
      'quantile',
      () => SymptomAlerts.latencyAbove({ ...BASE, histogram: 'h', quantile: 95, threshold: Duration.millis(300) }),
      "SymptomAlerts.latencyAbove(homepage-api): 'quantile' (95) is not strictly between 0 and 1 — use e.g. 0.95 for p95",
    ],
    [
      'threshold',
      () => SymptomAlerts.latencyAbove({ ...BASE, histogram: 'h', threshold: Duration.millis(0) }),
      "SymptomAlerts.latencyAbove(homepage-api): 'threshold' ('0ms') is not a positive duration — use e.g. Duration.millis(500)",
    ],
    [
      'pods',
      () => SymptomAlerts.crashLooping({ ...BASE, namespace: 'homepage', pods: 'api-(' }),
      "SymptomAlerts.crashLooping(homepage-api): 'pods' ('api-(') is not a non-empty regular expression — give the names as a regex, e.g. 'homepage-api-[a-z0-9]+-[a-z0-9]+'",
    ],
    [
      'max',
      () => SymptomAlerts.connectionPoolSaturated({ ...BASE, inUse: 'pool_in_use', max: 0 }),
      "SymptomAlerts.connectionPoolSaturated(homepage-api): 'max' (0) is not a positive integer — give the pool's size, e.g. 20",
    ],
    [
      'openValue',
      () => SymptomAlerts.circuitBreakerOpen({ ...BASE, state: 'breaker_state', openValue: 'open' as unknown as number }),
      "SymptomAlerts.circuitBreakerOpen(homepage-api): 'openValue' ('open') is not a number — give the gauge value of the open state, e.g. 1",
    ],
    [
      'minConnections',
      () => SymptomAlerts.webSocketDrops({ ...BASE, connections: 'ws_open', minConnections: -1 }),
      "SymptomAlerts.webSocketDrops(homepage-api): 'minConnections' (-1) is not a non-negative number — use e.g. 10",
    ],
    [
      'cronJob and job',
      () => SymptomAlerts.jobFailed({ ...BASE, namespace: 'homepage' }),
      "SymptomAlerts.jobFailed(homepage-api): 'cronJob' (undefined) and job: exactly one is needed — give the CronJob or the Job",
    ],
    [
      'schedule',
      () => SymptomAlerts.cronJobStale({ ...BASE, namespace: 'homepage', cronJob: 'backup', schedule: '0 2 * *' }),
      "SymptomAlerts.cronJobStale(homepage-api): 'schedule' ('0 2 * *') has 4 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week) — use a 5-field cron expression, e.g. '0 2 * * *'",
    ],
  ])('throws for %s', (_, build, message) => {
    expect(errorOf(build)).toContain(message);
  });

  test('reports every broken rule at once', () => {
    expect(
      errorOf(() => SymptomAlerts.memoryNearLimit({ ...BASE, runbookUrl: 'x', namespace: '', pods: '', maxPercent: 120 })).split('\n'),
    ).toEqual([
      'SymptomAlerts.memoryNearLimit(homepage-api): 4 invalid settings',
      "  - SymptomAlerts.memoryNearLimit(homepage-api): 'runbookUrl' ('x') is not an http(s) URL — link the runbook the on-call engineer follows",
      "  - SymptomAlerts.memoryNearLimit(homepage-api): 'namespace' ('') is not a valid, non-empty label value — use at most 63 letters, digits, dashes, dots and underscores",
      "  - SymptomAlerts.memoryNearLimit(homepage-api): 'pods' ('') is not a non-empty regular expression — give the names as a regex, e.g. 'homepage-api-[a-z0-9]+-[a-z0-9]+'",
      "  - SymptomAlerts.memoryNearLimit(homepage-api): 'maxPercent' (120) is not a percentage strictly between 0 and 100 — give a share in percent, e.g. 80",
    ]);
  });
});
