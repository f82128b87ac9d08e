import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AlertingRuleset, HAPostgres, HAPostgresProps, PostgresAlertPack, StorageClass } from '../../../lib';
import { postgresDiskUsageExpr, PostgresDiskInput } from '../../../lib/observability/alerting/postgres-disk';
import { find, synth, testChart } from '../../support/synth';
import { Expected, promtoolTestRules } from '../../support/promtool-rules';
import { hasTool } from '../../support/tools';

const RUNBOOK = 'https://runbooks.example.com/shop/postgres';
const GIB = 1024 ** 3;
const M = 'namespace="shop",pod=~"shop-db-[0-9]+"';
const DATABASES = `sum by (namespace, pod) (cnpg_pg_database_size_bytes{${M}})`;
const WAL = `sum by (namespace, pod) (cnpg_collector_pg_wal{${M},value="size"})`;

describe('postgresDiskUsageExpr', () => {
  test.each<[string, PostgresDiskInput, string]>([
    [
      'node-local data volume holding the WAL: databases plus WAL against the declared size',
      { namespace: 'shop', cluster: 'shop-db', volumes: [{ kind: 'data', sizeBytes: 10 * GIB, nodeLocal: true }], usedPercent: 70 },
      `label_replace(\n  (\n    ${DATABASES}\n    +\n    ${WAL}\n  )\n  / 10737418240\n  > 0.7,\n  "persistentvolumeclaim", "$1", "pod", "(.+)"\n)`,
    ],
    [
      'node-local data and WAL volumes: each against its own size',
      {
        namespace: 'shop',
        cluster: 'shop-db',
        volumes: [
          { kind: 'data', sizeBytes: 10 * GIB, nodeLocal: true },
          { kind: 'wal', sizeBytes: 2 * GIB, nodeLocal: true },
        ],
        usedPercent: 90,
      },
      `label_replace(\n  ${DATABASES}\n  / 10737418240\n  > 0.9,\n  "persistentvolumeclaim", "$1", "pod", "(.+)"\n)\nor\n` +
        `label_replace(\n  ${WAL}\n  / 2147483648\n  > 0.9,\n  "persistentvolumeclaim", "$1-wal", "pod", "(.+)"\n)`,
    ],
    [
      'node-local data, network WAL: the WAL volume keeps the kubelet stats',
      {
        namespace: 'shop',
        cluster: 'shop-db',
        volumes: [
          { kind: 'data', sizeBytes: 10 * GIB, nodeLocal: true },
          { kind: 'wal', sizeBytes: 2 * GIB, nodeLocal: false },
        ],
        usedPercent: 70,
      },
      `label_replace(\n  ${DATABASES}\n  / 10737418240\n  > 0.7,\n  "persistentvolumeclaim", "$1", "pod", "(.+)"\n)\nor\n` +
        'min by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{namespace="shop",persistentvolumeclaim=~"shop-db-[0-9]+-wal"})\n/\n' +
        'max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="shop",persistentvolumeclaim=~"shop-db-[0-9]+-wal"})\n< 0.3',
    ],
  ])('%s', (_name, input, expected) => {
    expect(postgresDiskUsageExpr(input)).toBe(expected);
  });
});

function db(storage: Pick<HAPostgresProps, 'storage' | 'walStorage'>) {
  const chart = testChart(undefined, 'shop');
  const database = new HAPostgres(chart, 'db', {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.10',
    ...storage,
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    database: 'app',
    owner: 'app',
  });
  return { chart, database };
}

describe('PostgresAlertPack disk alerts by storage class', () => {
  test('node-local volumes: CloudNativePG size metrics, never kubelet volume stats', () => {
    const { database } = db({ storage: { size: Size.gibibytes(10), storageClass: StorageClass.localPath() } });
    const disk = new PostgresAlertPack(database, { runbookUrl: RUNBOOK }).alerts().filter((a) => String(a).startsWith('PostgresDisk'));
    expect(disk.map((a) => a.toRule('ignored'))).toEqual(
      [70, 90].map((used, i) => ({
        alert: ['PostgresDiskSpaceLow', 'PostgresDiskSpaceCritical'][i],
        expr: postgresDiskUsageExpr({ namespace: 'shop', cluster: 'shop-db', volumes: database.volumes, usedPercent: used }),
        for: '5m',
        labels: {
          namespace: 'shop',
          cnpg_cluster: 'shop-db',
          service: 'shop-db',
          team: 'ignored',
          ...(used === 70 ? { severity: 'warning' } : { severity: 'critical' }),
        },
        annotations: {
          summary: `shop-db: volume {{ $labels.persistentvolumeclaim }} is more than ${used}% full`,
          description:
            `Volume {{ $labels.persistentvolumeclaim }} of PostgreSQL cluster shop-db (shop) holds more than ${used}% of its declared size (node-local volumes are measured by ` +
            "the databases' and the WAL's size): when the data or WAL volume is full, PostgreSQL stops, and a node-local volume has no quota, so it may fill the node's disk first. " +
            "Expand the storage (the Cluster's storage.size) or find what grows (WAL kept by a slot or failing archiving).",
          runbook_url: `${RUNBOOK}#${['postgresdiskspacelow', 'postgresdiskspacecritical'][i]}`,
        },
      })),
    );
    expect(disk.some((a) => a.expr.includes('kubelet_volume_stats'))).toBe(false);
  });

  test('volumes that follow their pods keep the kubelet volume stats', () => {
    const { database } = db({ storage: { size: Size.gibibytes(10), storageClass: StorageClass.named('ceph-rbd') } });
    const [low] = new PostgresAlertPack(database, { runbookUrl: RUNBOOK }).alerts().filter((a) => String(a) === 'PostgresDiskSpaceLow');
    expect(low.expr).toContain('kubelet_volume_stats_available_bytes{namespace="shop",persistentvolumeclaim=~"shop-db-[0-9]+(-wal)?"}');
  });
});

const POD1 = 'namespace="shop",pod="shop-db-1"';
const POD2 = 'namespace="shop",pod="shop-db-2"';
const QUIET = (alert: string, ...times: string[]): Expected[] => times.map((t) => [t, alert, []]);

const PROMTOOL = hasTool('promtool');
(PROMTOOL ? describe : describe.skip)('node-local disk alerts with promtool', () => {
  test('10Gi local-path data volume holding the WAL: fire above 70 % / 90 % of it for 5 minutes, quiet below', () => {
    const { chart, database } = db({ storage: { size: Size.gibibytes(10), storageClass: StorageClass.localPath() } });
    new AlertingRuleset(chart, 'alerts', { team: 'data' }).addPack(new PostgresAlertPack(database, { runbookUrl: RUNBOOK }));
    const claim = (pod: string) => ({ namespace: 'shop', pod, persistentvolumeclaim: pod });
    promtoolTestRules(find(synth(chart), 'PrometheusRule', 'shop-alerts'), [
      {
        // The primary: app 6 GiB + postgres 8 MiB + 0.5 GiB WAL ≈ 65 %; the standby the same plus a
        // WAL pile-up from minute 10 (a stuck slot): 6 + 1.5 = 75 %, then 6 + 3.5 = 95 % from minute 20.
        name: 'a standby whose WAL piles up crosses 70 % and then 90 %; the primary at 65 % stays quiet',
        series: {
          [`cnpg_pg_database_size_bytes{${POD1},datname="app"}`]: `${6 * GIB}x40`,
          [`cnpg_pg_database_size_bytes{${POD1},datname="postgres"}`]: '8388608x40',
          [`cnpg_collector_pg_wal{${POD1},value="size"}`]: `${GIB / 2}x40`,
          [`cnpg_collector_pg_wal{${POD1},value="count"}`]: '32x40',
          [`cnpg_pg_database_size_bytes{${POD2},datname="app"}`]: `${6 * GIB}x40`,
          [`cnpg_collector_pg_wal{${POD2},value="size"}`]: `${GIB / 2}x9 ${1.5 * GIB}x9 ${3.5 * GIB}x20`,
        },
        expect: [
          ...QUIET('PostgresDiskSpaceLow', '5m', '14m'),
          ['15m', 'PostgresDiskSpaceLow', [claim('shop-db-2')]],
          ...QUIET('PostgresDiskSpaceCritical', '15m', '24m'),
          ['25m', 'PostgresDiskSpaceCritical', [claim('shop-db-2')]],
          ['25m', 'PostgresDiskSpaceLow', [claim('shop-db-2')]],
        ],
      },
    ]);
  }, 120_000);

  test('separate 2Gi local-path WAL volume: its own claim fires, measured by the WAL alone', () => {
    const { chart, database } = db({
      storage: { size: Size.gibibytes(10), storageClass: StorageClass.localPath() },
      walStorage: { size: Size.gibibytes(2), storageClass: StorageClass.localPath() },
    });
    new AlertingRuleset(chart, 'alerts', { team: 'data' }).addPack(new PostgresAlertPack(database, { runbookUrl: RUNBOOK }));
    promtoolTestRules(find(synth(chart), 'PrometheusRule', 'shop-alerts'), [
      {
        // 8 GiB of data is 80 % of the data volume; 1.9 GiB of WAL is 95 % of the WAL volume.
        name: 'data at 80 % and WAL at 95 %: a ticket for the data claim, a page for the WAL claim',
        series: {
          [`cnpg_pg_database_size_bytes{${POD1},datname="app"}`]: `${8 * GIB}x20`,
          [`cnpg_collector_pg_wal{${POD1},value="size"}`]: `${1.9 * GIB}x20`,
        },
        expect: [
          [
            '10m',
            'PostgresDiskSpaceLow',
            [
              { namespace: 'shop', pod: 'shop-db-1', persistentvolumeclaim: 'shop-db-1' },
              { namespace: 'shop', pod: 'shop-db-1', persistentvolumeclaim: 'shop-db-1-wal' },
            ],
          ],
          ['10m', 'PostgresDiskSpaceCritical', [{ namespace: 'shop', pod: 'shop-db-1', persistentvolumeclaim: 'shop-db-1-wal' }]],
        ],
      },
      {
        name: 'a database without any size series (exporter down) stays quiet: PostgresOffline covers it',
        series: { [`cnpg_collector_up{${POD1}}`]: '0x20' },
        expect: QUIET('PostgresDiskSpaceLow', '10m', '20m'),
      },
    ]);
  }, 120_000);
});
