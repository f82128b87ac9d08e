import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AlertingRuleset, BackupTarget, HAPostgres, HAPostgresProps, PostgresAlertPack, Severity, WalArchiveAlertPack } from '../../../lib';
import { find, synth, testChart } from '../../support/synth';
import { Expected, promtoolTestRules } from '../../support/promtool-rules';
import { hasTool } from '../../support/tools';

const RUNBOOK = 'https://runbooks.example.com/shop/postgres';
const MINIO = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'shop-backups',
  prefix: 'postgres',
  credentials: { secretName: 'minio-credentials' },
});

/** A 2-instance database archiving WAL at least every 3 minutes against a 5-minute RPO (homepage's settings). */
function walFixture(backup: Partial<NonNullable<HAPostgresProps['backup']>> | false = {}) {
  const chart = testChart(undefined, 'shop');
  const db = new HAPostgres(chart, 'db', {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.10',
    storage: { size: Size.gibibytes(10) },
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    database: 'app',
    owner: 'app',
    backup:
      backup === false
        ? undefined
        : {
            target: MINIO,
            retention: '7d',
            schedule: '0 2 * * *',
            archiveTimeout: Duration.minutes(3),
            rpo: Duration.minutes(5),
            ...backup,
          },
  });
  return { chart, db };
}

const SELECTOR = 'namespace="shop",pod=~"shop-db-[0-9]+"';
const LABELS = { namespace: 'shop', cnpg_cluster: 'shop-db', service: 'shop-db', team: 'data' };

describe('WAL archiving alerts', () => {
  test('the Postgres pack ends with them; the WAL archive pack alone has just them, in its own group', () => {
    const { db } = walFixture();
    expect(new PostgresAlertPack(db, { runbookUrl: RUNBOOK }).alerts().slice(-2).map(String)).toEqual([
      'PostgresWalArchivingFailing',
      'PostgresWalArchiveBehindRpo',
    ]);
    const pack = new WalArchiveAlertPack(db, { runbookUrl: RUNBOOK, team: 'data', pageSeverity: Severity.P1, ticketSeverity: Severity.P3 });
    expect(pack.groupName).toBe('shop-db-wal-archive');
    expect(pack.alerts().map((a) => a.toRule('ignored'))).toEqual([
      {
        alert: 'PostgresWalArchivingFailing',
        expr: `cnpg_pg_stat_archiver_last_failed_time{${SELECTOR}}\n>\ncnpg_pg_stat_archiver_last_archived_time{${SELECTOR}}`,
        for: '5m',
        labels: { ...LABELS, severity: 'info', priority: 'P3' },
        annotations: {
          summary: 'shop-db: WAL archiving fails on {{ $labels.pod }}',
          description:
            'The primary {{ $labels.pod }} of PostgreSQL cluster shop-db (shop) fails to archive WAL to the object store: point-in-time recovery ends at the last ' +
            "archived segment, and unarchived WAL piles up on the volume until it is full. Check the archiver's errors in the instance's logs and the object store's " +
            'credentials and reachability.',
          runbook_url: `${RUNBOOK}#postgreswalarchivingfailing`,
        },
      },
      {
        alert: 'PostgresWalArchiveBehindRpo',
        expr: `cnpg_pg_stat_archiver_seconds_since_last_archival{${SELECTOR}} > 300\nand on (namespace, pod)\ncnpg_collector_pg_wal_archive_status{${SELECTOR},value="ready"} > 0`,
        for: undefined,
        labels: { ...LABELS, severity: 'critical', priority: 'P1' },
        annotations: {
          summary: 'shop-db: no WAL archived for more than 5m, the RPO',
          description:
            'The primary {{ $labels.pod }} of PostgreSQL cluster shop-db (shop) has archived no WAL segment for longer than its RPO of 5m while segments wait: ' +
            "losing the primary now loses more writes than the plan allows. See PostgresWalArchivingFailing, or a hung upload in the instance's logs.",
          runbook_url: `${RUNBOOK}#postgreswalarchivebehindrpo`,
        },
      },
    ]);
  });

  test.each<[string, Partial<NonNullable<HAPostgresProps['backup']>>, string, string]>([
    [
      'the declared RPO',
      { archiveTimeout: Duration.seconds(30), rpo: Duration.minutes(1) },
      '> 60\n',
      'for longer than its RPO of 1m while',
    ],
    [
      'twice archive_timeout without an RPO',
      { archiveTimeout: Duration.minutes(5), rpo: undefined },
      '> 600\n',
      'for longer than 10m, twice its archive_timeout (no RPO declared) while',
    ],
  ])('the WAL age threshold is %s', (_name, backup, threshold, description) => {
    const [, behind] = new WalArchiveAlertPack(walFixture(backup).db, { runbookUrl: RUNBOOK }).alerts();
    expect(behind.expr).toContain(`cnpg_pg_stat_archiver_seconds_since_last_archival{${SELECTOR}} ${threshold}`);
    expect(behind.description).toContain(description);
  });

  test('throws for a database without continuous backup, and for severities that do not page or do', () => {
    expect(() => new WalArchiveAlertPack(walFixture(false).db, { runbookUrl: RUNBOOK })).toThrow(
      'prod/shop/db: has no continuous backup, so no WAL is archived to alert on — set its backup prop, or remove the WalArchiveAlertPack',
    );
    expect(
      () => new WalArchiveAlertPack(walFixture().db, { runbookUrl: RUNBOOK, pageSeverity: Severity.P3, ticketSeverity: Severity.P1 }),
    ).toThrow(
      [
        'prod/shop/db: 2 invalid settings',
        "  - prod/shop/db: 'alerts.pageSeverity' ('P3') does not page, so a primary-less database would wake no one — use Severity.PAGE or Severity.P1",
        "  - prod/shop/db: 'alerts.ticketSeverity' ('P1') pages, so a lagging standby would wake someone at night — use Severity.TICKET, Severity.P2 or Severity.P3",
      ].join('\n'),
    );
  });
});

/** `count` repetitions of a space-separated sample pattern. */
const repeat = (pattern: string, count: number) => Array(count).fill(pattern).join(' ');
const PRIMARY = 'namespace="shop",pod="shop-db-1"';
const AGE = `cnpg_pg_stat_archiver_seconds_since_last_archival{${PRIMARY}}`;
const READY = `cnpg_collector_pg_wal_archive_status{${PRIMARY},value="ready"}`;
const LAST_ARCHIVED = `cnpg_pg_stat_archiver_last_archived_time{${PRIMARY}}`;
const LAST_FAILED = `cnpg_pg_stat_archiver_last_failed_time{${PRIMARY}}`;
const QUIET = (alert: string, ...times: string[]): Expected[] => times.map((t) => [t, alert, []]);

const CASES: Array<{ name: string; series: Record<string, string>; expect: Expected[] }> = [
  {
    // Healthy until minute 10 (a segment every 2 minutes), then no upload succeeds: the age
    // passes the 5-minute RPO (300 s) at minute 16, with a segment waiting.
    name: 'archiving stops at minute 10: the RPO alert fires at minute 16, not at 15',
    series: { [AGE]: `${repeat('0 60', 5)} 0+60x30`, [READY]: '0x10 1x30' },
    expect: [...QUIET('PostgresWalArchiveBehindRpo', '10m', '15m'), ['16m', 'PostgresWalArchiveBehindRpo', [{ pod: 'shop-db-1' }]]],
  },
  {
    // From minute 11 every attempt fails (PostgreSQL retries each minute) and none succeeds.
    name: 'archiving fails from minute 11: the failing alert fires after 5 minutes, at minute 16',
    series: { [LAST_ARCHIVED]: '0+60x10 600x30', [LAST_FAILED]: '-1x10 660+60x30' },
    expect: [...QUIET('PostgresWalArchivingFailing', '10m', '15m'), ['16m', 'PostgresWalArchivingFailing', [{ pod: 'shop-db-1' }]]],
  },
  {
    name: 'a failed attempt followed by a success a minute later stays quiet',
    series: { [LAST_ARCHIVED]: '0+60x10 600 720+60x28', [LAST_FAILED]: '-1x10 660x30' },
    expect: QUIET('PostgresWalArchivingFailing', '11m', '16m', '30m'),
  },
  {
    // A busy database: a segment fills and is archived every 2 minutes, one always waiting.
    name: 'healthy archiving every 2 minutes stays quiet',
    series: { [AGE]: repeat('0 60', 20), [READY]: '1x40', [LAST_ARCHIVED]: '0+60x39', [LAST_FAILED]: '-1x40' },
    expect: [...QUIET('PostgresWalArchiveBehindRpo', '10m', '39m'), ...QUIET('PostgresWalArchivingFailing', '10m', '39m')],
  },
  {
    // A quiet database: archive_timeout (3 minutes) forces a segment out, archived a second after
    // each scrape, so the age reaches archive_timeout itself (179 s) and never the RPO.
    name: 'an idle database archiving exactly every archive_timeout stays quiet',
    series: { [AGE]: repeat('59 119 179', 14), [READY]: repeat('0 0 1', 14) },
    expect: QUIET('PostgresWalArchiveBehindRpo', '2m', '20m', '41m'),
  },
  {
    // No writes at all: PostgreSQL switches no segment, so nothing waits while the last archival ages.
    name: 'a database without writes: the last archival ages past the RPO with nothing waiting, quiet',
    series: { [AGE]: '0+60x40', [READY]: '0x40' },
    expect: QUIET('PostgresWalArchiveBehindRpo', '10m', '40m'),
  },
];

const PROMTOOL = hasTool('promtool');
(PROMTOOL ? describe : describe.skip)('WAL archiving alerts with promtool', () => {
  test('test rules: they fire when archiving stops or fails, and stay quiet on healthy and idle databases', () => {
    const { chart, db } = walFixture();
    new AlertingRuleset(chart, 'alerts', { team: 'data' }).addPack(new WalArchiveAlertPack(db, { runbookUrl: RUNBOOK }));
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
