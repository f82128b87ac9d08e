import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AlertingRuleset, BackupTarget, HAPostgres, PostgresRestoreDrill, RestoreDrillAlertPack, Severity } from '../../../lib';
import { find, synth, testChart } from '../../support/synth';
import { Expected, promtoolTestRules } from '../../support/promtool-rules';
import { hasTool } from '../../support/tools';

const RUNBOOK = 'https://runbooks.example.com/shop/restore';

/** A database drilled every 30 minutes against a 15-minute RTO (short, so the series stay short). */
function drillFixture() {
  const chart = testChart(undefined, 'shop');
  const database = new HAPostgres(chart, 'db', {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.14-standard-trixie',
    storage: { size: Size.gibibytes(10) },
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    database: 'app',
    owner: 'app',
    backup: {
      target: BackupTarget.minio({ endpoint: 'http://minio.minio:9000', bucket: 'b-shop', credentials: { secretName: 'minio' } }),
      retention: '7d',
      schedule: '0 2 * * *',
    },
  });
  const drill = new PostgresRestoreDrill(chart, 'db-restore-drill', { database, schedule: '*/30 * * * *', rto: Duration.minutes(15) });
  return { chart, drill };
}

describe('RestoreDrillAlertPack', () => {
  test('a group of its own: the measured-RTO record first, then the two alerts, labelled with the CronJob and the cluster', () => {
    const { drill } = drillFixture();
    const pack = new RestoreDrillAlertPack(drill, { runbookUrl: RUNBOOK, team: 'data', severity: Severity.P3 });
    expect(pack.groupName).toBe('shop-db-restore-drill');
    expect(pack.records().map((r) => [r.record, r.labels])).toEqual([
      ['postgres_restore_drill:measured_rto_seconds', { cronjob: 'shop-db-restore-drill', cnpg_cluster: 'shop-db' }],
    ]);
    const rules = pack.alerts().map((a) => a.toRule('ignored'));
    expect(rules.map((r) => [r.alert, r.labels])).toEqual(
      ['PostgresRestoreDrillOverRto', 'PostgresRestoreDrillFailed'].map((alert) => [
        alert,
        {
          namespace: 'shop',
          cronjob: 'shop-db-restore-drill',
          cnpg_cluster: 'shop-db',
          service: 'shop-db',
          team: 'data',
          severity: 'info',
          priority: 'P3',
        },
      ]),
    );
    expect(rules[0].expr).toBe('postgres_restore_drill:measured_rto_seconds{namespace="shop",cronjob="shop-db-restore-drill"} > 900');
  });
});

const JOB = (n: number) => `namespace="shop",job_name="shop-db-restore-drill-${n}"`;
const START = (n: number) => `kube_job_status_start_time{${JOB(n)}}`;
const DONE = (n: number) => `kube_job_status_completion_time{${JOB(n)}}`;
const FAILED = (n: number) => `kube_job_failed{${JOB(n)},condition="true"}`;
const LAST_SUCCESS = 'kube_cronjob_status_last_successful_time{namespace="shop",cronjob="shop-db-restore-drill"}';
const CREATED = 'kube_cronjob_created{namespace="shop",cronjob="shop-db-restore-drill"}';
const QUIET = (alert: string, ...times: string[]): Expected[] => times.map((t) => [t, alert, []]);

const CASES: Array<{ name: string; series: Record<string, string>; expect: Expected[] }> = [
  {
    name: 'a drill Ready and checked in 20 minutes, over the 15-minute RTO: OverRto fires',
    series: { [START(1)]: '0x30', [DONE(1)]: '_x20 1200x10', [LAST_SUCCESS]: '_x20 1200x10', [CREATED]: '0x30' },
    expect: [
      ...QUIET('PostgresRestoreDrillOverRto', '10m'),
      ['25m', 'PostgresRestoreDrillOverRto', [{ job_name: 'shop-db-restore-drill-1' }]],
      ...QUIET('PostgresRestoreDrillFailed', '25m'),
    ],
  },
  {
    name: 'a slow drill followed by one within the RTO: only the newest counts, quiet',
    series: {
      [START(1)]: '0x40',
      [DONE(1)]: '1200x40',
      [START(2)]: '_x30 1800x10',
      [DONE(2)]: '_x35 2400x5',
      [LAST_SUCCESS]: '1200x35 2400x5',
      [CREATED]: '0x40',
    },
    expect: [
      ['25m', 'PostgresRestoreDrillOverRto', [{ job_name: 'shop-db-restore-drill-1' }]],
      ...QUIET('PostgresRestoreDrillOverRto', '38m'),
    ],
  },
  {
    name: 'the newest drill failed: Failed fires; an older failure followed by a success stays quiet',
    series: {
      [START(1)]: '0x40',
      [FAILED(1)]: '0x10 1x30',
      [START(2)]: '_x30 1800x10',
      [DONE(2)]: '_x35 2400x5',
      [LAST_SUCCESS]: '_x35 2400x5',
      [CREATED]: '0x40',
    },
    expect: [
      ['20m', 'PostgresRestoreDrillFailed', [{ job_name: 'shop-db-restore-drill-1' }]],
      ...QUIET('PostgresRestoreDrillFailed', '38m'),
    ],
  },
  {
    name: 'no successful drill for an hour (twice the 30-minute schedule) since the CronJob was created: Failed fires, not before',
    series: { [CREATED]: '0x70' },
    expect: [...QUIET('PostgresRestoreDrillFailed', '59m'), ['61m', 'PostgresRestoreDrillFailed', [{}]]],
  },
  {
    name: 'the last success an hour and more ago: Failed fires',
    series: { [CREATED]: '0x90', [LAST_SUCCESS]: '600x90' },
    expect: [...QUIET('PostgresRestoreDrillFailed', '69m'), ['71m', 'PostgresRestoreDrillFailed', [{}]]],
  },
];

const PROMTOOL = hasTool('promtool');
(PROMTOOL ? describe : describe.skip)('restore drill alerts with promtool', () => {
  test('test rules: they fire on a slow, failed or missing drill and stay quiet on a drill within the RTO', () => {
    const { chart, drill } = drillFixture();
    new AlertingRuleset(chart, 'alerts', { team: 'data' }).addRestoreDrillAlerts(drill, { runbookUrl: RUNBOOK });
    promtoolTestRules(
      find(synth(chart), 'PrometheusRule', 'shop-alerts'),
      CASES.map((c) => ({
        ...c,
        expect: c.expect.map(([evalTime, alert, results]): Expected => [
          evalTime,
          alert,
          results.map((labels) => ({ namespace: 'shop', ...labels })),
        ]),
      })),
    );
  }, 120_000);
});
