import { spawnSync } from 'child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { BackupTarget, HAPostgres, HAPostgresProps, PostgresRestoreDrill, PostgresRestoreDrillProps } from '../../../lib';
import { formatViolations, SchemaValidator } from '../../../cli/audit/schema-validator';
import { find, Manifest, synth, testChart } from '../../support/synth';

const MINIO = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'shop-backups',
  prefix: 'postgres',
  credentials: { secretName: 'minio-credentials' },
});

function fixture(drill: Partial<PostgresRestoreDrillProps> = {}, db: Partial<HAPostgresProps> = {}) {
  const chart = testChart(undefined, 'shop');
  const database = new HAPostgres(chart, 'db', {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.14-standard-trixie',
    storage: { size: Size.gibibytes(10) },
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    database: 'app',
    owner: 'app',
    backup: { target: MINIO, retention: '7d', schedule: '0 2 * * *' },
    ...db,
  });
  const restoreDrill = new PostgresRestoreDrill(chart, 'db-restore-drill', {
    database,
    schedule: '0 5 * * 0',
    rto: Duration.minutes(15),
    tables: ['users', 'billing.invoices'],
    ...drill,
  });
  return { chart, database, drill: restoreDrill, objects: synth(chart) };
}

describe('PostgresRestoreDrill defaults', () => {
  const { drill, objects } = fixture();
  const cronJob = find(objects, 'CronJob', 'shop-db-restore-drill');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const env = Object.fromEntries(pod.containers[0].env.map((e: Manifest) => [e.name, e.value]));
  const configMap = find(objects, 'ConfigMap', 'shop-db-restore-drill');
  const cluster = parse(configMap.data['cluster.yaml']) as Manifest;

  test('resolves into public fields', () => {
    expect([drill.name, drill.drillClusterName, drill.schedule, drill.timeZone, drill.timeout.toSeconds(), drill.tables]).toEqual([
      'shop-db-restore-drill',
      'shop-db-drill',
      '0 5 * * 0',
      'Etc/UTC',
      1800,
      ['users', 'billing.invoices'],
    ]);
  });

  test('every object validates; the CronJob never retries and runs the script with the drill settings', () => {
    expect(objects.filter((o) => o.metadata.name === 'shop-db-restore-drill').map((o) => o.kind)).toEqual([
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'ConfigMap',
      'CronJob',
      'NetworkPolicy',
    ]);
    expect(formatViolations(SchemaValidator.load().validateAll(objects))).toBe('');
    expect([
      cronJob.spec.concurrencyPolicy,
      cronJob.spec.jobTemplate.spec.backoffLimit,
      cronJob.spec.jobTemplate.spec.activeDeadlineSeconds,
    ]).toEqual(['Forbid', 0, 1800 + 1800]);
    expect(pod.containers[0].image).toBe('alpine/k8s:1.29.15');
    expect(pod.containers[0].command).toEqual(['/bin/sh', '/drill/drill.sh']);
    expect(env).toEqual({
      NAMESPACE: 'shop',
      SOURCE_CLUSTER: 'shop-db',
      DRILL_CLUSTER: 'shop-db-drill',
      DRILL_POD: 'shop-db-drill-1',
      DATABASE: 'app',
      DRILL_TABLES: 'users billing.invoices',
      WAIT_SECONDS: '1800',
      RTO_SECONDS: '900',
      HOME: '/tmp',
    });
  });

  test('the embedded Cluster recovers the database from its ObjectStore, validates, and archives nothing', () => {
    expect(formatViolations(SchemaValidator.load().validateAll([cluster]))).toBe('');
    expect(cluster.metadata.name).toBe('shop-db-drill');
    expect(cluster.spec.bootstrap).toEqual({ recovery: { source: 'origin' } });
    expect(cluster.spec.externalClusters).toEqual([
      {
        name: 'origin',
        plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'shop-db', serverName: 'shop-db' } },
      },
    ]);
    expect([cluster.spec.instances, cluster.spec.plugins, cluster.spec.storage.size]).toEqual([1, undefined, '10Gi']);
  });

  test('RBAC: only its own Cluster and pod, besides creating Clusters', () => {
    expect(find(objects, 'Role', 'shop-db-restore-drill').rules).toEqual([
      { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['create'] },
      {
        apiGroups: ['postgresql.cnpg.io'],
        resources: ['clusters'],
        resourceNames: ['shop-db-drill'],
        verbs: ['get', 'list', 'watch', 'delete'],
      },
      { apiGroups: [''], resources: ['pods'], resourceNames: ['shop-db-drill-1'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], resourceNames: ['shop-db-drill-1'], verbs: ['create'] },
    ]);
    expect(pod.serviceAccountName).toBe('shop-db-restore-drill');
  });

  test('NetworkPolicy: DNS and the API server, never the database', () => {
    const egress = find(objects, 'NetworkPolicy', 'shop-db-restore-drill').spec.egress;
    // The app's API server endpoint (private ranges by default), as for every other policy.
    expect(egress[1]).toEqual({
      to: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '172.16.0.0/12' } }, { ipBlock: { cidr: '192.168.0.0/16' } }],
      ports: [
        { protocol: 'TCP', port: 443 },
        { protocol: 'TCP', port: 6443 },
      ],
    });
    expect(JSON.stringify(egress)).not.toMatch(/5432|cnpg\.io\/cluster/);
  });

  test('reliability facts: a physical drill with its RTO and measured-RTO series', () => {
    expect(drill.reliabilityFacts().restoreDrills).toEqual([
      {
        database: 'shop-db',
        kind: 'physical',
        name: 'shop-db-restore-drill',
        schedule: '0 5 * * 0',
        timeZone: 'Etc/UTC',
        rto: Duration.minutes(15),
        measuredRtoMetric: 'postgres_restore_drill:measured_rto_seconds{cronjob="shop-db-restore-drill"}',
      },
    ]);
  });
});

describe('PostgresRestoreDrill validation', () => {
  test('reports every broken rule at once', () => {
    expect(() =>
      fixture({
        schedule: 'daily',
        rto: Duration.seconds(30),
        timeout: Duration.seconds(20),
        tables: ['Users; DROP TABLE x'],
        kubectlImage: 'alpine/k8s:latest',
      }),
    ).toThrow(
      [
        'prod/shop/db-restore-drill: 6 invalid settings',
        "  - prod/shop/db-restore-drill: 'schedule' ('daily') has 1 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week) — use 5 fields, e.g. '0 5 * * 0'",
        "  - prod/shop/db-restore-drill: 'rto' ('30s') is not whole seconds of at least a minute — use e.g. Duration.minutes(30)",
        "  - prod/shop/db-restore-drill: 'timeout' ('20s') is not whole seconds of at least a minute — use e.g. Duration.minutes(30)",
        "  - prod/shop/db-restore-drill: 'timeout' ('20s') is shorter than the RTO (30s), so a restore slower than the plan allows would only show as a failed drill, never measured — leave it unset (twice the RTO) or make it longer than the RTO",
        "  - prod/shop/db-restore-drill: 'tables' ('Users; DROP TABLE x') is not a plain lowercase table name — write 'table' or 'schema.table'",
        "  - prod/shop/db-restore-drill: 'kubectlImage' ('alpine/k8s:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest",
      ].join('\n'),
    );
  });

  test('throws for a database without an ObjectStore', () => {
    expect(() => fixture({}, { backup: undefined })).toThrow(
      "prod/shop/db-restore-drill: 'database' ('prod/shop/db') has no Barman Cloud ObjectStore to recover from — give it continuous backup (backup, method PostgresBackupMethod.BARMAN_CLOUD_PLUGIN)",
    );
  });
});

/**
 * The script, run with a fake kubectl on PATH that records its calls and answers: `wait` succeeds
 * unless FAKE_WAIT=fail, `exec` prints FAKE_ROWS (or fails for a table named in FAKE_BAD_TABLE),
 * `exec` listing the tables prints FAKE_TABLES.
 */
describe('the physical drill script, against a fake kubectl', () => {
  const { objects } = fixture();
  const script = find(objects, 'ConfigMap', 'shop-db-restore-drill').data['drill.sh'];
  const env = Object.fromEntries(
    find(objects, 'CronJob', 'shop-db-restore-drill').spec.jobTemplate.spec.template.spec.containers[0].env.map((e: Manifest) => [
      e.name,
      e.value,
    ]),
  );

  function run(extra: Record<string, string>): { status: number | null; output: string; calls: string[] } {
    const dir = mkdtempSync(join(tmpdir(), 'reliakit-drill-'));
    try {
      writeFileSync(
        join(dir, 'kubectl'),
        [
          '#!/bin/sh',
          'echo "$*" >> "$CALLS"',
          'case "$*" in',
          '  *" wait "*) [ "${FAKE_WAIT:-ok}" = ok ] || { echo "timed out waiting for the condition" >&2; exit 1; }; sleep 1 ;;',
          '  *" exec "*pg_stat_user_tables*) printf "%s\\n" $FAKE_TABLES ;;',
          '  *" exec "*) case "$*" in *"FROM ${FAKE_BAD_TABLE:-none}"*) echo "relation does not exist" >&2; exit 1 ;; esac; echo "${FAKE_ROWS:-42}" ;;',
          'esac',
        ].join('\n'),
      );
      chmodSync(join(dir, 'kubectl'), 0o755);
      writeFileSync(join(dir, 'drill.sh'), script.replace(/\/drill\/cluster\.yaml/g, `${dir}/cluster.yaml`));
      const calls = join(dir, 'calls');
      writeFileSync(calls, '');
      const r = spawnSync('/bin/sh', [join(dir, 'drill.sh')], {
        env: { ...env, ...extra, CALLS: calls, PATH: `${dir}:/usr/bin:/bin`, HOME: dir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { status: r.status, output: `${r.stdout}${r.stderr}`, calls: readFileSync(calls, 'utf8').trim().split('\n') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('deletes a leftover, creates, waits for Ready, counts each table, reports the time, and deletes the Cluster', () => {
    const r = run({});
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => c.replace(/\/tmp\/reliakit-drill-[^/]+/, '<dir>'))).toEqual([
      '--namespace shop delete cluster.postgresql.cnpg.io/shop-db-drill --ignore-not-found --wait=true --timeout=600s',
      '--namespace shop create --filename <dir>/cluster.yaml',
      '--namespace shop wait cluster.postgresql.cnpg.io/shop-db-drill --for=condition=Ready --timeout=1800s',
      '--namespace shop exec shop-db-drill-1 --container postgres -- psql --no-psqlrc --tuples-only --no-align -v ON_ERROR_STOP=1 --dbname=app --command=SELECT count(*) FROM users',
      '--namespace shop exec shop-db-drill-1 --container postgres -- psql --no-psqlrc --tuples-only --no-align -v ON_ERROR_STOP=1 --dbname=app --command=SELECT count(*) FROM billing.invoices',
      '--namespace shop delete cluster.postgresql.cnpg.io/shop-db-drill --ignore-not-found --wait=false',
    ]);
    expect(r.output).toMatch(/time to Ready: [12] s \(RTO 900 s\)/);
    expect(r.output).toContain('OK users: 42 rows');
    expect(r.output).toMatch(/restore drill passed: shop-db-drill Ready in [12] s, within the RTO of 900 s; 2 tables read in full/);
  });

  test('without named tables, counts every table the recovered database has', () => {
    const r = run({ DRILL_TABLES: '', FAKE_TABLES: 'public.a public.b sales."MixedCase"' });
    expect(r.status).toBe(0);
    expect(r.output).toContain('OK public.a: 42 rows');
    expect(r.output).toContain('3 tables read in full');
  });

  test.each<[string, Record<string, string>, string]>([
    [
      'the Cluster never becomes Ready',
      { FAKE_WAIT: 'fail' },
      'FAILED: shop-db-drill did not become Ready within 1800 s (the RTO is 900 s)',
    ],
    ['a table cannot be read', { FAKE_BAD_TABLE: 'billing.invoices' }, 'FAILED: cannot read billing.invoices in the recovered database'],
    [
      'the recovered database has no table',
      { DRILL_TABLES: '', FAKE_TABLES: '' },
      'FAILED: the recovered database app has no table to check',
    ],
  ])('fails when %s, and still deletes the Cluster', (_name, extra, message) => {
    const r = run(extra);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(message);
    expect(r.calls.at(-1)).toBe('--namespace shop delete cluster.postgresql.cnpg.io/shop-db-drill --ignore-not-found --wait=false');
  });

  test('over the RTO, the drill passes and says so (the alert reads the Job duration)', () => {
    const r = run({ RTO_SECONDS: '0' });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/over the RTO of 0 s/);
  });
});
