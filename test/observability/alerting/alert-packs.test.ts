import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AlertingRuleset,
  AlertPack,
  HAPostgres,
  PostgresAlertPack,
  Probe,
  ReliableService,
  ServiceAlertPack,
  Severity,
  SymptomAlerts,
} from '../../../lib';
import { PrometheusRuleDefinition } from '../../../lib/observability/alerting/alert-rule';
import { packFixture, RUNBOOKS } from './alert-packs.fixture';
import { find, synth, testChart } from '../../support/synth';
import { Expected, promtoolTestRules } from '../../support/promtool-rules';
import { hasTool } from '../../support/tools';

describe('alert packs', () => {
  const { chart, ruleset } = packFixture();
  const rule = find(synth(chart), 'PrometheusRule', 'homepage-symptoms');
  const names = (group: string) =>
    rule.spec.groups.find((g: { name: string }) => g.name === group).rules.map((r: PrometheusRuleDefinition) => r.alert);

  test('one group per pack, with the expected alerts', () => {
    expect(rule.spec.groups.map((g: { name: string }) => g.name)).toEqual([
      'homepage-api-symptoms',
      'homepage-db-postgres',
      'homepage-dumps-backups',
    ]);
    expect(names('homepage-api-symptoms')).toEqual([
      'TargetDown',
      'HighErrorRate',
      'HighLatency',
      'PodCrashLooping',
      'PodNotReady',
      'MemoryNearLimit',
      'HpaMaxedOut',
      'HpaScalingInactive',
      'HpaUnableToScale',
      'HpaMetricUnavailable',
    ]);
    expect(names('homepage-db-postgres')).toEqual([
      'PostgresOffline',
      'PostgresNoPrimary',
      'PostgresConnectionsHigh',
      'PostgresConnectionsCritical',
      'PostgresDiskSpaceLow',
      'PostgresDiskSpaceCritical',
      'PostgresInstancesOnSameNode',
      'PostgresHALost',
      'PostgresStandbysMissing',
      'PostgresReplicationLag',
      'PostgresBackupFailed',
      'PostgresBackupStale',
      'PostgresWalArchivingFailing',
      'PostgresWalArchiveBehindRpo',
    ]);
    expect(names('homepage-dumps-backups')).toEqual(['BackupFailed', 'BackupStale', 'RestoreDrillFailed']);
    expect(ruleset.alerts).toHaveLength(27);
  });

  test('every alert: severity, team, service, namespace labels; summary, description and its own runbook anchor', () => {
    for (const group of rule.spec.groups) {
      for (const r of group.rules) {
        expect(Object.keys(r.labels)).toEqual(expect.arrayContaining(['severity', 'team', 'service', 'namespace']));
        expect(r.labels.namespace).toBe('homepage');
        expect(r.annotations.runbook_url).toBe(
          `${RUNBOOKS}/${{ 'homepage-api-symptoms': 'api', 'homepage-db-postgres': 'db', 'homepage-dumps-backups': 'backups' }[group.name as string]}#${r.alert.toLowerCase()}`,
        );
        expect(r.annotations.summary).toBeTruthy();
        expect(r.annotations.description).toBeTruthy();
      }
    }
  });

  test('severities: pages for down, offline, no primary, HA lost, 95 % connections, 90 % disk and WAL beyond the RPO; tickets otherwise', () => {
    const pages = rule.spec.groups
      .flatMap((g: { rules: PrometheusRuleDefinition[] }) => g.rules)
      .filter((r: PrometheusRuleDefinition) => r.labels?.severity === 'critical')
      .map((r: PrometheusRuleDefinition) => r.alert);
    expect(pages).toEqual([
      'TargetDown',
      'PostgresOffline',
      'PostgresNoPrimary',
      'PostgresConnectionsCritical',
      'PostgresDiskSpaceCritical',
      'PostgresHALost',
      'PostgresWalArchiveBehindRpo',
    ]);
  });

  test("the Postgres pack reads the Barman Cloud plugin metrics, or the in-tree collector's, and its backup period from the schedule", () => {
    const expr = (name: string) => rule.spec.groups[1].rules.find((r: PrometheusRuleDefinition) => r.alert === name).expr;
    expect(expr('PostgresBackupStale')).toBe(
      'time() - max by (namespace) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="homepage",pod=~"homepage-db-[0-9]+"}) > 172800',
    );
    expect(expr('PostgresBackupFailed')).toContain('barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp');
    expect(expr('PostgresConnectionsHigh')).toBe(
      'sum by (namespace, pod) (cnpg_backends_total{namespace="homepage",pod=~"homepage-db-[0-9]+"})\n/\n' +
        'max by (namespace, pod) (cnpg_pg_settings_setting{namespace="homepage",pod=~"homepage-db-[0-9]+",name="max_connections"})\n> 0.8',
    );
    expect(expr('PostgresDiskSpaceCritical')).toContain('persistentvolumeclaim=~"homepage-db-[0-9]+(-wal)?"');
  });

  test('single-instance database without backups: no HA, lag or backup alerts; a fixed-size service: no HPA alert', () => {
    const c = testChart(undefined, 'small');
    const db = new HAPostgres(c, 'db', {
      image: 'ghcr.io/cloudnative-pg/postgresql:16.4',
      instances: 1,
      singleInstance: true,
      storage: { size: Size.gibibytes(1) },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(512), limit: Size.mebibytes(512) } },
      database: 'app',
      owner: 'app',
    });
    const svc = new ReliableService(c, 'web', {
      image: 'registry.example.com/web:1.0.0',
      ports: { http: 8080 },
      monitoring: {},
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      probes: { readiness: Probe.http('/readyz') },
    });
    const r = new AlertingRuleset(c, 'alerts', { team: 'web' });
    expect(r.addPostgresAlerts(db, { runbookUrl: RUNBOOKS }).map(String)).toEqual([
      'PostgresOffline',
      'PostgresNoPrimary',
      'PostgresConnectionsHigh',
      'PostgresConnectionsCritical',
      'PostgresDiskSpaceLow',
      'PostgresDiskSpaceCritical',
      'PostgresInstancesOnSameNode',
    ]);
    expect(r.addServiceAlerts(svc, { runbookUrl: RUNBOOKS, severities: { errors: Severity.P2 } }).map(String)).not.toContain('HpaMaxedOut');
    expect(r.alerts.find((a) => a.name === 'HighErrorRate')?.severity).toBe(Severity.P2);
  });

  test('a service without a ServiceMonitor: no replica available (kube-state-metrics) instead of no target up, no request alerts', () => {
    const c = testChart(undefined, 'small');
    const svc = new ReliableService(c, 'web', {
      image: 'registry.example.com/web:1.0.0',
      ports: { http: 8080 },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      probes: { readiness: Probe.http('/readyz') },
    });
    const r = new AlertingRuleset(c, 'alerts', { team: 'web' });
    const alerts = r.addServiceAlerts(svc, { runbookUrl: RUNBOOKS, severities: { down: Severity.TICKET } });
    expect(alerts.map((a) => [a.name, a.severity])).toEqual([
      ['DeploymentUnavailable', Severity.TICKET],
      ['PodCrashLooping', Severity.TICKET],
      ['PodNotReady', Severity.TICKET],
      ['MemoryNearLimit', Severity.TICKET],
    ]);
    expect(alerts[0].expr).toBe(
      'sum by (namespace, deployment) (kube_deployment_status_replicas_available{namespace="small",deployment="small-web"}) == 0\n' +
        'or\nabsent(kube_deployment_status_replicas_available{namespace="small",deployment="small-web"})',
    );
    expect(alerts[0].for?.toMinutes()).toBe(5);
    expect(() => r.addServiceAlerts(svc, { runbookUrl: RUNBOOKS, maxErrorPercent: 2 })).toThrow(
      "prod/small/web: 'alerts.maxErrorPercent' (2) cannot apply: small-web has no ServiceMonitor, so no request metric is scraped — remove it, or set the monitoring prop of the service",
    );
  });

  test('a worker that serves no requests (requests: false): no error alert; request settings are rejected', () => {
    const { chart } = packFixture();
    const worker = new ReliableService(chart, 'worker', {
      image: 'registry.example.com/worker:1.0.0',
      ports: { metrics: 9090 },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      probes: { readiness: Probe.http('/metrics', { port: 'metrics' }) },
      monitoring: { port: 'metrics', path: '/metrics' },
    });
    const r = new AlertingRuleset(chart, 'worker-alerts', { team: 'web' });
    expect(r.addServiceAlerts(worker, { runbookUrl: RUNBOOKS, requests: false }).map((a) => a.name)).toEqual([
      'TargetDown',
      'PodCrashLooping',
      'PodNotReady',
      'MemoryNearLimit',
    ]);
    expect(
      () =>
        new ServiceAlertPack(worker, {
          runbookUrl: RUNBOOKS,
          requests: false,
          latency: { histogram: 'job_duration_seconds', threshold: Duration.seconds(1) },
        }),
    ).toThrow(
      "prod/homepage/worker: 'alerts.latency' ('histogram job_duration_seconds') cannot apply: " +
        "'alerts.requests' is false (no requests served), so no request metric is scraped — remove it, or give the request counter",
    );
  });

  test('throws for invalid Postgres thresholds, listing every one', () => {
    const { db } = packFixture();
    expect(
      () =>
        new PostgresAlertPack(db, {
          runbookUrl: RUNBOOKS,
          connectionsWarningPercent: 96,
          diskCriticalPercent: 100,
          maxReplicationLag: Duration.millis(500),
        }),
    ).toThrow(
      [
        'prod/homepage/db: 3 invalid settings',
        "  - prod/homepage/db: 'alerts.diskCriticalPercent' (100) is not a percentage strictly between 0 and 100 — give a share in percent, e.g. 80",
        "  - prod/homepage/db: 'alerts.connectionsWarningPercent' (96) is not below connectionsCriticalPercent (95) — the ticket must come before the page",
        "  - prod/homepage/db: 'alerts.maxReplicationLag' ('500ms') is not whole seconds of at least one — use e.g. Duration.seconds(30)",
      ].join('\n'),
    );
  });

  test("the Postgres pack takes the plan's priorities for its pages and its tickets", () => {
    const { db } = packFixture();
    const alerts = new PostgresAlertPack(db, { runbookUrl: RUNBOOKS, pageSeverity: Severity.P1, ticketSeverity: Severity.P3 }).alerts();
    const by = (name: string) => alerts.find((a) => a.name === name)!.severity;
    expect([by('PostgresOffline'), by('PostgresDiskSpaceCritical'), by('PostgresReplicationLag'), by('PostgresBackupStale')]).toEqual([
      Severity.P1,
      Severity.P1,
      Severity.P3,
      Severity.P3,
    ]);
    expect([by('PostgresWalArchiveBehindRpo'), by('PostgresWalArchivingFailing')]).toEqual([Severity.P1, Severity.P3]);
    expect(new Set(alerts.map((a) => a.severity))).toEqual(new Set([Severity.P1, Severity.P3]));
  });

  test("throws if the Postgres pack's page severity does not page, or its ticket severity does", () => {
    const { db } = packFixture();
    expect(() => new PostgresAlertPack(db, { runbookUrl: RUNBOOKS, pageSeverity: Severity.P2, ticketSeverity: Severity.PAGE })).toThrow(
      [
        'prod/homepage/db: 2 invalid settings',
        "  - prod/homepage/db: 'alerts.pageSeverity' ('P2') does not page, so a primary-less database would wake no one — use Severity.PAGE or Severity.P1",
        "  - prod/homepage/db: 'alerts.ticketSeverity' ('critical') pages, so a lagging standby would wake someone at night — use Severity.TICKET, Severity.P2 or Severity.P3",
      ].join('\n'),
    );
  });

  test('throws if a pack group is added twice', () => {
    const { api, ruleset: r } = packFixture();
    expect(() => r.addServiceAlerts(api, { runbookUrl: RUNBOOKS })).toThrow(
      "prod/homepage/symptoms: 'addPack' (homepage-api-symptoms) uses a rule group name that is already taken, so two packs' alerts would mix — add each subject's pack once, or give the subjects different names",
    );
  });

  test('throws if a pack returns an alert outside its group', () => {
    const { ruleset: r } = packFixture();
    const stray: AlertPack = {
      groupName: 'custom',
      alerts: () => [
        SymptomAlerts.targetDown({ service: 'x', severity: Severity.PAGE, runbookUrl: RUNBOOKS, namespace: 'homepage', job: 'x' }),
      ],
    };
    expect(() => r.addPack(stray)).toThrow(
      "prod/homepage/symptoms: 'addPack' (custom) returns alert TargetDown in group 'undefined' — build every alert of a pack with group: 'custom'",
    );
  });
});

/** `promtool test rules` input: one test group. */
interface PromtoolCase {
  readonly name: string;
  readonly series: Record<string, string>;
  /** eval time → alert → expected result labels (besides the rule's own), [] for quiet. */
  readonly expect: Expected[];
}

const NS = 'namespace="homepage"';
const CASES: PromtoolCase[] = [
  {
    name: 'service down: fires 2 minutes after every target is down, quiet before',
    series: {
      [`up{${NS},job="homepage-api",instance="10.0.0.1:8080"}`]: '1x5 0x10',
      [`up{${NS},job="homepage-api",instance="10.0.0.2:8080"}`]: '1x5 0x10',
    },
    expect: [
      ['5m', 'TargetDown', []],
      ['7m', 'TargetDown', []],
      ['9m', 'TargetDown', [{ job: 'homepage-api' }]],
    ],
  },
  {
    name: 'service down: one of two targets down pages no one',
    series: {
      [`up{${NS},job="homepage-api",instance="10.0.0.1:8080"}`]: '1x15',
      [`up{${NS},job="homepage-api",instance="10.0.0.2:8080"}`]: '1x5 0x10',
    },
    expect: [['15m', 'TargetDown', []]],
  },
  {
    name: 'service vanished: no up series at all',
    series: { 'up{job="other"}': '1x10' },
    expect: [['10m', 'TargetDown', [{ job: 'homepage-api' }]]],
  },
  {
    name: 'HPA at its maximum for 15 minutes; below it quiet',
    series: {
      [`kube_horizontalpodautoscaler_status_current_replicas{${NS},horizontalpodautoscaler="homepage-api",job="kube-state-metrics"}`]:
        '4x5 6x20',
      [`kube_horizontalpodautoscaler_spec_max_replicas{${NS},horizontalpodautoscaler="homepage-api",job="kube-state-metrics"}`]: '6x25',
    },
    expect: [
      ['5m', 'HpaMaxedOut', []],
      ['15m', 'HpaMaxedOut', []],
      ['21m', 'HpaMaxedOut', [{ horizontalpodautoscaler: 'homepage-api' }]],
    ],
  },
  {
    name: 'Postgres connections at 85 % ticket, at 97 % also page, at 50 % quiet',
    series: {
      [`cnpg_backends_total{${NS},pod="homepage-db-1",datname="app",usename="app",state="active"}`]: '50x10 85x10 97x10',
      [`cnpg_pg_settings_setting{${NS},pod="homepage-db-1",name="max_connections"}`]: '100x30',
    },
    expect: [
      ['10m', 'PostgresConnectionsHigh', []],
      ['17m', 'PostgresConnectionsHigh', [{ pod: 'homepage-db-1' }]],
      ['17m', 'PostgresConnectionsCritical', []],
      ['24m', 'PostgresConnectionsCritical', [{ pod: 'homepage-db-1' }]],
    ],
  },
  {
    name: 'Postgres offline and without primary when no instance reports; quiet while one is up and primary',
    series: {
      [`cnpg_collector_up{${NS},pod="homepage-db-1"}`]: '1x5 0x10',
      [`cnpg_pg_replication_in_recovery{${NS},pod="homepage-db-1"}`]: '0x5 1x10',
    },
    expect: [
      ['5m', 'PostgresOffline', []],
      ['5m', 'PostgresNoPrimary', []],
      ['9m', 'PostgresOffline', [{}]],
      ['9m', 'PostgresNoPrimary', [{}]],
    ],
  },
  {
    name: 'base backup (plugin) stale after twice the daily schedule; a failure newer than the last success',
    series: {
      [`barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${NS},pod="homepage-db-1"}`]: '0+0x4000',
      [`barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp{${NS},pod="homepage-db-1"}`]: '0+0x1440 86400+0x2560',
    },
    expect: [
      ['1d', 'PostgresBackupFailed', []],
      ['47h', 'PostgresBackupStale', []],
      ['49h', 'PostgresBackupStale', [{}]],
      ['49h', 'PostgresBackupFailed', [{}]],
    ],
  },
  {
    name: 'dump CronJob: an older failed run is kept but quiet; the newest failing fires',
    series: {
      [`kube_job_failed{${NS},job_name="homepage-dumps-backup-100",condition="true"}`]: '1x20',
      [`kube_job_status_start_time{${NS},job_name="homepage-dumps-backup-100"}`]: '6000x20',
      [`kube_job_failed{${NS},job_name="homepage-dumps-backup-460",condition="true"}`]: '0x10 1x10',
      [`kube_job_status_start_time{${NS},job_name="homepage-dumps-backup-460"}`]: '27600x20',
    },
    expect: [
      ['5m', 'BackupFailed', []],
      ['15m', 'BackupFailed', [{ job_name: 'homepage-dumps-backup-460' }]],
    ],
  },
  {
    name: 'dump CronJob stale after twice its 6-hour period; never succeeded long after creation',
    series: {
      [`kube_cronjob_status_last_successful_time{${NS},cronjob="homepage-dumps-backup"}`]: '0+0x800',
      [`kube_cronjob_created{${NS},cronjob="homepage-dumps-backup-drill"}`]: '0+0x800',
    },
    expect: [
      ['11h', 'BackupStale', []],
      ['13h', 'BackupStale', [{ cronjob: 'homepage-dumps-backup' }]],
    ],
  },
];

const PROMTOOL = hasTool('promtool');
(PROMTOOL ? describe : describe.skip)('alert packs with promtool', () => {
  const { chart, ruleset } = packFixture();
  const dir = mkdtempSync(join(tmpdir(), 'reliakit-packs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'packs.rules.yaml'), ruleset.ruleFileYaml());

  test('check rules accepts every pack', () => {
    const r = spawnSync('promtool', ['check', 'rules', 'packs.rules.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS: 27 rules found');
    expect(r.status).toBe(0);
  });

  test('test rules: representative alerts fire and stay quiet', () => {
    // Every pack alert carries the subject's namespace; the cases list only the other labels.
    promtoolTestRules(
      find(synth(chart), 'PrometheusRule', 'homepage-symptoms'),
      CASES.map((c) => ({
        ...c,
        expect: c.expect.map(([evalTime, alert, results]): Expected => [
          evalTime,
          alert,
          results.map((labels) => ({ namespace: 'homepage', ...labels })),
        ]),
      })),
    );
  }, 120_000);
});
