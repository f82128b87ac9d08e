import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BackupSchedule, BackupScheduleProps, BackupSource, BackupTarget, Retention } from '../../lib';
import {
  hasBackupTools,
  hasRedisTools,
  postgresBinDir,
  PostgresServer,
  RedisServer,
  S3Server,
  scaled,
  startPostgres,
  startRedis,
  startS3,
  startSentinel,
} from '../support/servers';
import { find, Manifest, synth, testChart } from '../support/synth';
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';

/*
 * End to end: the scripts are taken from the synthesized ConfigMap, the environment from the
 * synthesized CronJobs' containers, and both run here against a real PostgreSQL, a real
 * S3-compatible endpoint and a real Redis on loopback, with the client tools the job images carry
 * (pg_dump/psql/openssl as in the postgres image, the AWS CLI v2, redis-cli). Secret references
 * are resolved from a fake Secret map; only host/port/endpoint and the emptyDir paths are pointed at
 * this machine, and only variables the manifest already sets may be overridden.
 */

const RUN = hasBackupTools();
const REDIS = RUN && hasRedisTools();
const e2e = RUN ? describe : describe.skip;
const redisE2e = REDIS ? describe : describe.skip;

const SECRETS: Record<string, string> = {
  'minio-credentials/access-key': 'S3RVER',
  'minio-credentials/secret-key': 'S3RVER',
  'offsite-credentials/access-key': 'S3RVER',
  'offsite-credentials/secret-key': 'S3RVER',
  'db-backup/username': 'backup',
  'db-backup/password': 'backup-pw',
  'backup-encryption/key': 'correct horse battery staple',
  'redis/password': 'redis-secret',
};
const TARGET = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'backups',
  prefix: 'db',
  credentials: { secretName: 'minio-credentials' },
});
const OFFSITE = BackupTarget.minio({
  endpoint: 'http://offsite.storage:9000',
  bucket: 'offsite',
  credentials: { secretName: 'offsite-credentials' },
});
const RESOURCES = { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } };
const PATH = [postgresBinDir() ?? '/usr/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'].join(':');

let pg: PostgresServer;
let s3: S3Server;
const timings: string[] = [];

function postgresSource(): BackupSource {
  return BackupSource.postgres({
    host: 'homepage-db-rw.test',
    database: 'app',
    username: { name: 'db-backup', key: 'username' },
    password: { name: 'db-backup', key: 'password' },
    image: `postgres:${pg.major}.8-bookworm`,
    majorVersion: pg.major,
    declaredSize: Size.gibibytes(1),
  });
}

/** A rendered BackupSchedule: its CronJobs and its scripts as synthesized. */
interface Rendered {
  readonly schedule: BackupSchedule;
  readonly objects: Manifest[];
  readonly scripts: Record<string, string>;
}

function render(id: string, overrides: Partial<BackupScheduleProps> = {}): Rendered {
  const chart = testChart();
  const schedule = new BackupSchedule(chart, id, {
    source: postgresSource(),
    target: TARGET,
    schedule: '0 2 * * *',
    retention: Retention.count(3),
    restoreDrill: { schedule: '0 3 * * *' },
    resources: RESOURCES,
    ...overrides,
  });
  const objects = synth(chart);
  return { schedule, objects, scripts: find(objects, 'ConfigMap', schedule.scriptsConfigMapName).data };
}

/** Result of one container run. */
interface StepResult {
  readonly step: string;
  readonly status: number | null;
  readonly output: string;
  readonly ms: number;
}

/** Per-run paths and endpoint overrides. */
interface RunContext {
  readonly workDir: string;
  readonly tmpDir: string;
  readonly overrides: Record<string, string>;
  readonly secrets?: Record<string, string>;
}

function newContext(extra: Record<string, string> = {}, secrets?: Record<string, string>): RunContext {
  const workDir = mkdtempSync(join(tmpdir(), 'reliakit-work-'));
  const tmpDir = join(workDir, '.tmp');
  mkdirSync(tmpDir);
  return {
    workDir,
    tmpDir,
    secrets,
    overrides: {
      WORK_DIR: workDir,
      HOME: tmpDir,
      TMPDIR: tmpDir,
      S3_ENDPOINT: s3.endpoint,
      OFFSITE_S3_ENDPOINT: s3.endpoint,
      PGHOST: pg.host,
      PGPORT: String(pg.port),
      ...extra,
    },
  };
}

/** The environment a container gets, with secretKeyRefs resolved from the fake Secret map. */
function containerEnv(container: Manifest, ctx: RunContext): Record<string, string> {
  const secrets = ctx.secrets ?? SECRETS;
  const env: Record<string, string> = {};
  for (const e of container.env as Manifest[]) {
    if (e.value !== undefined) {
      env[e.name] = e.value;
    } else {
      const ref = e.valueFrom.secretKeyRef;
      const value = secrets[`${ref.name}/${ref.key}`];
      if (value === undefined) throw new Error(`test Secret map lacks ${ref.name}/${ref.key} (referenced by ${e.name})`);
      env[e.name] = value;
    }
  }
  for (const [name, value] of Object.entries(ctx.overrides)) {
    if (name in env) env[name] = value;
  }
  return { ...env, PATH, LC_ALL: 'C.UTF-8' };
}

/**
 * The pod's user here: a PostgreSQL drill pod runs as the image's postgres user (initdb refuses
 * root and users without a passwd entry), so as root the test runs its steps as `postgres`, on a
 * work dir that user owns — as the pod's fsGroup makes it.
 */
function runAs(pod: Manifest, ctx: RunContext): (command: string, args: string[]) => [string, string[]] {
  const asPostgres = process.getuid?.() === 0 && pod.securityContext.runAsUser !== 65532;
  if (!asPostgres) return (command, args) => [command, args];
  spawnSync('chown', ['-R', 'postgres:postgres', ctx.workDir]);
  return (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

/** Runs one container of a CronJob exactly as its command says, with /scripts mapped to the ConfigMap's contents. */
function runStep(r: Rendered, jobName: string, step: string, ctx: RunContext): StepResult {
  const pod = find(r.objects, 'CronJob', jobName).spec.jobTemplate.spec.template.spec;
  const container = [...(pod.initContainers ?? []), ...pod.containers].find((c: Manifest) => c.name === step);
  if (!container) throw new Error(`${jobName} has no container ${step}`);
  const scriptsDir = join(ctx.workDir, '.scripts');
  mkdirSync(scriptsDir, { recursive: true });
  for (const [file, text] of Object.entries(r.scripts)) writeFileSync(join(scriptsDir, file), text, { mode: 0o444 });
  const [shell, script, ...rest] = container.command as string[];
  expect([shell, rest]).toEqual(['/bin/sh', []]);
  const started = Date.now();
  const [command, args] = runAs(pod, ctx)('/bin/sh', [script.replace(/^\/scripts\//, `${scriptsDir}/`)]);
  const result = spawnSync(command, args, {
    env: containerEnv(container, ctx),
    encoding: 'utf8',
    timeout: scaled(120_000),
    cwd: ctx.tmpDir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { step, status: result.status, output: `${result.stdout}${result.stderr}`, ms: Date.now() - started };
}

/** Runs a job's containers in order, stopping at the first failure, as a pod with restartPolicy Never does. */
function runJob(r: Rendered, jobName: string, ctx: RunContext, steps?: readonly string[]): StepResult[] {
  const pod = find(r.objects, 'CronJob', jobName).spec.jobTemplate.spec.template.spec;
  const names = steps ?? [...(pod.initContainers ?? []), ...pod.containers].map((c: Manifest) => c.name);
  const results: StepResult[] = [];
  for (const step of names) {
    const result = runStep(r, jobName, step, ctx);
    results.push(result);
    if (result.status !== 0) break;
  }
  return results;
}

function expectSuccess(results: readonly StepResult[]): void {
  const failed = results.find((x) => x.status !== 0);
  if (failed) throw new Error(`step ${failed.step} exited ${failed.status}:\n${failed.output}`);
}

function failure(results: readonly StepResult[]): StepResult {
  const failed = results.find((x) => x.status !== 0);
  if (!failed) throw new Error(`expected a step to fail; all passed:\n${results.map((x) => x.output).join('\n')}`);
  return failed;
}

function aws(...args: string[]): string {
  const r = spawnSync('/usr/bin/aws', ['--endpoint-url', s3.endpoint, ...args], {
    encoding: 'utf8',
    timeout: scaled(60_000),
    env: {
      PATH,
      HOME: tmpdir(),
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Every key under `prefix`, sorted. */
function keys(bucket: string, prefix: string): string[] {
  const out = aws(
    's3api',
    'list-objects-v2',
    '--bucket',
    bucket,
    '--prefix',
    prefix,
    '--query',
    'Contents[].[Key]',
    '--output',
    'text',
  ).trim();
  return out === 'None' || out === '' ? [] : out.split('\n').sort();
}

/** Stamps of complete backup sets (with SHA256SUMS) under `prefix`. */
function completeSets(bucket: string, prefix: string): string[] {
  return keys(bucket, `${prefix}/`)
    .filter((k) => k.endsWith('/SHA256SUMS'))
    .map((k) => k.slice(prefix.length + 1).split('/')[0]);
}

function getObject(bucket: string, key: string): Buffer {
  const file = join(mkdtempSync(join(tmpdir(), 'reliakit-get-')), 'object');
  aws('s3', 'cp', '--only-show-errors', `s3://${bucket}/${key}`, file);
  return readFileSync(file);
}

function putObject(bucket: string, key: string, body: Buffer | string): void {
  const file = join(mkdtempSync(join(tmpdir(), 'reliakit-put-')), 'object');
  writeFileSync(file, body);
  aws('s3', 'cp', '--only-show-errors', file, `s3://${bucket}/${key}`);
}

/** Waits until the wall clock enters a new second, so consecutive backups get distinct stamps. */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
}

/** Row count and sha256 over the table's COPY lines in byte order — computed here, independently of the scripts. */
function tableDigest(database: string, table: string): { rows: number; sha256: string } {
  const data = pg.copyOut(database, table);
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a) {
      lines.push(data.subarray(start, i + 1));
      start = i + 1;
    }
  }
  lines.sort(Buffer.compare);
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return { rows: lines.length, sha256: hash.digest('hex') };
}

const TABLES = ['public.customers', 'public.orders', 'public.empty_audit', 'sales."Mixed Case"'];

function seedSource(): void {
  // The role HAPostgres gives dumps: pg_read_all_data, no CREATEDB, owning nothing.
  pg.psql('postgres', "CREATE ROLE backup LOGIN BYPASSRLS PASSWORD 'backup-pw'");
  pg.psql('postgres', 'CREATE DATABASE app');
  pg.psql(
    'app',
    `
    GRANT pg_read_all_data TO backup;
    CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text, born date, balance numeric(12,2), score double precision);
    INSERT INTO customers (name, email, born, balance, score)
      SELECT (ARRAY['Zoë', 'Łukasz', '山田太郎', 'Ørjan', 'O''Brien', 'Ann'])[1 + g % 6] || ' ' || g,
             CASE WHEN g % 7 = 0 THEN NULL ELSE 'user' || g || '@example.com' END,
             CASE WHEN g % 11 = 0 THEN NULL ELSE date '1950-01-01' + (g * 37) % 20000 END,
             (g * 12.34) % 100000, CASE WHEN g % 13 = 0 THEN NULL ELSE g / 7.0 END
      FROM generate_series(1, 20000) g;
    CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers, placed_at timestamptz NOT NULL, items jsonb, note text);
    INSERT INTO orders (customer_id, placed_at, items, note)
      SELECT 1 + g % 20000, timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes',
             jsonb_build_object('sku', 'SKU-' || g % 500, 'qty', g % 9, 'tags', jsonb_build_array('a', 'ü')),
             CASE WHEN g % 5 = 0 THEN NULL WHEN g % 5 = 1 THEN E'multi\\nline\\ttab \\\\ backslash' ELSE '🚀 emoji ' || g END
      FROM generate_series(1, 60000) g;
    CREATE TABLE empty_audit (id int, at timestamptz);
    CREATE SCHEMA sales;
    CREATE TABLE sales."Mixed Case" (k text PRIMARY KEY, v bytea);
    INSERT INTO sales."Mixed Case" SELECT 'key ' || g, decode(md5(g::text), 'hex') FROM generate_series(1, 500) g;
  `,
  );
}

function parseManifest(text: string): Record<string, { rows: number; sha256: string }> {
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const line of text.trim().split('\n')) {
    const [table, rows, sha256] = line.split('\t');
    out[table] = { rows: Number(rows), sha256 };
  }
  return out;
}

e2e('BackupSchedule end to end: PostgreSQL', () => {
  let suiteStart = 0;

  beforeAll(async () => {
    const started = (suiteStart = Date.now());
    [pg, s3] = await Promise.all([startPostgres(), startS3(['backups', 'offsite'])]);
    timings.push(`servers up: ${Date.now() - started} ms`);
    const seeded = Date.now();
    seedSource();
    timings.push(`seeded source (${TABLES.length} tables, 80,500 rows): ${Date.now() - seeded} ms`);
  }, scaled(120_000));

  afterAll(async () => {
    pg?.stop();
    await s3?.stop();
    timings.push(`PostgreSQL e2e total: ${Date.now() - suiteStart} ms`);
    console.log(`backup e2e timings:\n  ${timings.join('\n  ')}`);
  }, scaled(60_000));

  test(
    'backups, retention, and a restore drill that proves every table came back',
    async () => {
      const r = render('pg', { offsite: { target: OFFSITE, schedule: '0 4 * * 0' } });
      const prefix = r.schedule.target.prefix;
      expect(prefix).toBe('db/prod/test-pg');

      // Three backups without retention, then a full job (dump → upload → prune).
      const stamps: string[] = [];
      for (let i = 0; i < 4; i++) {
        await nextSecond();
        const ctx = newContext();
        const results = runJob(r, 'test-pg-backup', ctx, i < 3 ? ['dump', 'upload'] : undefined);
        expectSuccess(results);
        stamps.push(readFileSync(join(ctx.workDir, 'STAMP'), 'utf8').trim());
        timings.push(`backup ${i + 1}: ${results.map((x) => `${x.step} ${x.ms} ms`).join(', ')}`);
        if (i < 3) expect(completeSets('backups', prefix)).toEqual(stamps);
      }
      // Retention 3: the oldest set is gone, the three newest (the newest among them) survive.
      expect(completeSets('backups', prefix)).toEqual(stamps.slice(1));
      expect(keys('backups', `${prefix}/${stamps[0]}/`)).toEqual([]);
      expect(keys('backups', `${prefix}/${stamps[3]}/`)).toEqual(
        ['SHA256SUMS', 'backup.dump', 'manifest.tsv'].map((f) => `${prefix}/${stamps[3]}/${f}`),
      );

      // The manifest agrees with what this test computes from the source database.
      const manifest = parseManifest(getObject('backups', `${prefix}/${stamps[3]}/manifest.tsv`).toString('utf8'));
      const source = Object.fromEntries(TABLES.map((t) => [t, tableDigest('app', t)]));
      expect(manifest).toEqual(source);
      expect(source['public.orders'].rows).toBe(60000);
      expect(source['public.empty_audit'].rows).toBe(0);

      // The drill restores the newest backup into a throwaway server of its own and checks it; no
      // database exists on the source server besides the ones the test made.
      const databasesBefore = pg.psql('postgres', 'SELECT datname FROM pg_database ORDER BY 1');
      const drillCtx = newContext();
      const drill = runJob(r, 'test-pg-restore-drill', drillCtx);
      expectSuccess(drill);
      const verify = drill[drill.length - 1].output;
      expect(verify).toContain('restoring backup');
      expect(verify).toContain('into a throwaway PostgreSQL server in this pod');
      expect(verify).toContain(`restore drill passed: backup ${stamps[3]}, 4 tables, 80500 rows`);
      for (const t of TABLES) expect(verify).toMatch(new RegExp(`OK +${t.replace(/[."]/g, (c) => `\\${c}`)}: ${source[t].rows} rows`));
      timings.push(
        `restore drill: ${drill.map((x) => `${x.step} ${x.ms} ms`).join(', ')} — ${/restore drill passed: .*/.exec(verify)?.[0]}`,
      );
      expect(pg.psql('postgres', 'SELECT datname FROM pg_database ORDER BY 1')).toBe(databasesBefore);
      // The throwaway server is stopped when the drill ends.
      expect(existsSync(join(drillCtx.workDir, 'drill/data/postmaster.pid'))).toBe(false);

      // The off-site copy transfers the complete sets once, verified, SHA256SUMS last.
      const copyStarted = Date.now();
      const first = runJob(r, 'test-pg-offsite-sync', newContext());
      expectSuccess(first);
      expect(first[0].output).toContain('offsite sync: copied 3, already there 0');
      timings.push(`offsite sync of 3 sets: ${Date.now() - copyStarted} ms`);
      const offsitePrefix = (r.schedule.offsiteTarget as BackupTarget).prefix;
      expect(offsitePrefix).toBe('prod/test-pg');
      expect(completeSets('offsite', offsitePrefix)).toEqual(stamps.slice(1));
      expect(getObject('offsite', `${offsitePrefix}/${stamps[3]}/backup.dump`)).toEqual(
        getObject('backups', `${prefix}/${stamps[3]}/backup.dump`),
      );
      const second = runJob(r, 'test-pg-offsite-sync', newContext());
      expectSuccess(second);
      expect(second[0].output).toContain('offsite sync: copied 0, already there 3');
    },
    scaled(240_000),
  );

  test(
    'retention by days deletes old sets, incomplete ones too, and never the newest',
    async () => {
      const r = render('days', { retention: Retention.days(30) });
      const prefix = r.schedule.target.prefix;
      const ctx = newContext();
      expectSuccess(runJob(r, 'test-days-backup', ctx, ['dump']));
      const stampOf = (daysAgo: number) =>
        new Date(Date.now() - daysAgo * 86_400_000)
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, 'Z');
      // Only old sets: a complete one 100 days old and an incomplete one 200 days old.
      const old = stampOf(100);
      for (const f of ['backup.dump', 'manifest.tsv', 'SHA256SUMS'])
        putObject('backups', `${prefix}/${old}/${f}`, readFileSync(join(ctx.workDir, 'out', f)));
      putObject('backups', `${prefix}/${stampOf(200)}/backup.dump`, 'partial');
      const prune = runStep(r, 'test-days-backup', 'prune', newContext());
      expect(prune.status).toBe(0);
      expect(keys('backups', `${prefix}/`).map((k) => k.split('/')[3])).toEqual([old, old, old]);
      expect(prune.output).toContain(`1 complete backups remain, newest ${old}`);

      // With a fresh backup, the old set goes; one 10 days old stays.
      const recent = stampOf(10);
      for (const f of ['backup.dump', 'manifest.tsv', 'SHA256SUMS'])
        putObject('backups', `${prefix}/${recent}/${f}`, readFileSync(join(ctx.workDir, 'out', f)));
      await nextSecond();
      expectSuccess(runJob(r, 'test-days-backup', newContext()));
      const sets = completeSets('backups', prefix);
      expect(sets).toHaveLength(2);
      expect(sets[0]).toBe(recent);
      expect(sets).not.toContain(old);
    },
    scaled(120_000),
  );

  test(
    'client-side encryption: ciphertext only in the bucket, and the drill decrypts and verifies',
    async () => {
      const r = render('enc', {
        encryption: { key: { name: 'backup-encryption', key: 'key' } },
        restoreDrill: { schedule: '0 3 1 * *', checkSql: 'SELECT count(*) = 20000 FROM customers' },
      });
      const prefix = r.schedule.target.prefix;
      const started = Date.now();
      expectSuccess(runJob(r, 'test-enc-backup', newContext()));
      const [stamp] = completeSets('backups', prefix);
      expect(keys('backups', `${prefix}/${stamp}/`).map((k) => k.split('/').pop())).toEqual([
        'SHA256SUMS',
        'backup.dump.enc',
        'manifest.tsv.enc',
      ]);
      for (const f of ['backup.dump.enc', 'manifest.tsv.enc']) {
        const body = getObject('backups', `${prefix}/${stamp}/${f}`);
        expect(body.subarray(0, 8).toString('latin1')).toBe('Salted__');
        expect(body.includes('PGDMP')).toBe(false);
        expect(body.includes('customers')).toBe(false);
      }
      const drill = runJob(r, 'test-enc-restore-drill', newContext());
      expectSuccess(drill);
      expect(drill[1].output).toContain(`restore drill passed: backup ${stamp}, 4 tables, 80500 rows`);
      expect(drill[1].output).toContain('check query passed');
      timings.push(`encrypted backup + drill: ${Date.now() - started} ms`);

      const wrongKey = runJob(r, 'test-enc-restore-drill', newContext({}, { ...SECRETS, 'backup-encryption/key': 'wrong' }));
      expect(failure(wrongKey).step).toBe('verify');
      expect(failure(wrongKey).output).toContain('cannot decrypt');
    },
    scaled(180_000),
  );

  test(
    'an unreachable database or bad credentials fail the backup, and nothing is uploaded',
    async () => {
      const r = render('down');
      const prefix = r.schedule.target.prefix;
      const closed = await import('../support/servers').then((m) => m.freePort());
      const unreachable = failure(runJob(r, 'test-down-backup', newContext({ PGPORT: String(closed) })));
      expect(unreachable.step).toBe('dump');
      expect(unreachable.output).toMatch(/connection to server .* failed|could not connect/);
      const badPassword = failure(runJob(r, 'test-down-backup', newContext({}, { ...SECRETS, 'db-backup/password': 'nope' })));
      expect(badPassword.output).toContain('password authentication failed');
      // The upload step alone refuses an empty work dir.
      const upload = runStep(r, 'test-down-backup', 'upload', newContext());
      expect(upload.status).not.toBe(0);
      expect(upload.output).toContain('the dump step did not finish');
      expect(keys('backups', `${prefix}/`)).toEqual([]);
    },
    scaled(60_000),
  );

  test(
    'a failing S3 endpoint fails the backup',
    async () => {
      const r = render('s3down');
      const closed = await import('../support/servers').then((m) => m.freePort());
      const unreachable = failure(runJob(r, 'test-s3down-backup', newContext({ S3_ENDPOINT: `http://127.0.0.1:${closed}` })));
      expect(unreachable.step).toBe('upload');
      expect(unreachable.output).toContain('Could not connect to the endpoint URL');
      const badKey = failure(runJob(r, 'test-s3down-backup', newContext({}, { ...SECRETS, 'minio-credentials/access-key': 'UNKNOWN' })));
      expect(badKey.step).toBe('upload');
      expect(keys('backups', `${r.schedule.target.prefix}/`)).toEqual([]);
    },
    scaled(120_000),
  );

  test('a dump that dies mid-stream fails even under dash, which has no pipefail', () => {
    const r = render('trunc');
    // Fake pg_dump/pg_restore: the restore prints half a COPY block and dies, as on a corrupt archive.
    const bin = mkdtempSync(join(tmpdir(), 'reliakit-fake-'));
    writeFileSync(join(bin, 'pg_dump'), '#!/bin/sh\nfor a; do case $a in --file=*) echo PGDMP > "${a#--file=}";; esac; done\n');
    writeFileSync(join(bin, 'pg_restore'), "#!/bin/sh\nprintf 'COPY public.t (a) FROM stdin;\\n1\\n'\nexit 1\n");
    chmodSync(join(bin, 'pg_dump'), 0o755);
    chmodSync(join(bin, 'pg_restore'), 0o755);
    const ctx = newContext();
    const pod = find(r.objects, 'CronJob', 'test-trunc-backup').spec.jobTemplate.spec.template.spec;
    const env = { ...containerEnv(pod.initContainers[0], ctx), PATH: `${bin}:${PATH}` };
    writeFileSync(join(ctx.tmpDir, 'dump.sh'), r.scripts['dump.sh']);
    const result = spawnSync('/bin/sh', [join(ctx.tmpDir, 'dump.sh')], { env, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('the dump stream ended early');
    rmSync(bin, { recursive: true, force: true });
  });

  test(
    'a corrupted or tampered backup fails the drill',
    async () => {
      const r = render('corrupt');
      const prefix = r.schedule.target.prefix;
      const ctx = newContext();
      expectSuccess(runJob(r, 'test-corrupt-backup', ctx));
      const [stamp] = completeSets('backups', prefix);

      // Flipped bytes in the dump: the checksum catches it before anything is restored.
      const dump = getObject('backups', `${prefix}/${stamp}/backup.dump`);
      dump[Math.floor(dump.length / 2)] ^= 0xff;
      putObject('backups', `${prefix}/${stamp}/backup.dump`, dump);
      const corrupted = failure(runJob(r, 'test-corrupt-restore-drill', newContext()));
      expect(corrupted.step).toBe('fetch');
      expect(corrupted.output).toContain(`backup ${stamp} does not match its SHA256SUMS: the object is corrupted`);

      // A manifest that disagrees with the data (checksums recomputed to match): the comparison catches it.
      putObject('backups', `${prefix}/${stamp}/backup.dump`, readFileSync(join(ctx.workDir, 'out/backup.dump')));
      const manifest = readFileSync(join(ctx.workDir, 'out/manifest.tsv'), 'utf8').replace(/^(public\.orders\t)60000/m, '$159999');
      putObject('backups', `${prefix}/${stamp}/manifest.tsv`, manifest);
      const sums = readFileSync(join(ctx.workDir, 'out/SHA256SUMS'), 'utf8').replace(
        /^\w+( {2}manifest\.tsv)$/m,
        `${createHash('sha256').update(manifest).digest('hex')}$1`,
      );
      putObject('backups', `${prefix}/${stamp}/SHA256SUMS`, sums);
      const tampered = failure(runJob(r, 'test-corrupt-restore-drill', newContext()));
      expect(tampered.step).toBe('verify');
      expect(tampered.output).toContain('MISMATCH public.orders: 60000 rows, manifest says 59999');
      expect(tampered.output).toContain('the restored database differs from backup');

      // No backup at all: the drill fails loudly instead of passing vacuously.
      const empty = failure(runJob(render('nothing'), 'test-nothing-restore-drill', newContext()));
      expect(empty.output).toContain('no complete backup under s3://backups/db/prod/test-nothing/');
    },
    scaled(120_000),
  );

  // Last: it stops the source server.
  test(
    'the drill never connects to the source: it passes with the source server stopped, and has no address of it',
    async () => {
      const r = render('isolated');
      expectSuccess(runJob(r, 'test-isolated-backup', newContext()));
      const pod = find(r.objects, 'CronJob', 'test-isolated-restore-drill').spec.jobTemplate.spec.template.spec;
      const names = [...pod.initContainers, ...pod.containers].flatMap((c: Manifest) => c.env.map((e: Manifest) => e.name));
      expect(names.filter((n: string) => n.startsWith('PG'))).toEqual([]);
      pg.stop();
      const drill = runJob(r, 'test-isolated-restore-drill', newContext());
      expectSuccess(drill);
      expect(drill[1].output).toContain('restore drill passed');
    },
    scaled(120_000),
  );
});

redisE2e('BackupSchedule end to end: Redis', () => {
  let redis: RedisServer;
  let suiteStart = 0;

  beforeAll(async () => {
    suiteStart = Date.now();
    [redis, s3] = await Promise.all([startRedis(SECRETS['redis/password']), startS3(['backups'])]);
    // 2,000 strings, 100 hashes, 50 lists; 30 keys with a long TTL.
    const script = [
      "for i = 1, 2000 do redis.call('SET', 'user:' .. i, 'Zoë ' .. i) end",
      "for i = 1, 100 do redis.call('HSET', 'cart:' .. i, 'sku', 'A' .. i, 'qty', i) end",
      "for i = 1, 50 do redis.call('RPUSH', 'queue:' .. i, 'a', 'b', 'c') end",
      "for i = 1, 30 do redis.call('EXPIRE', 'user:' .. i, 86400) end",
      'return 1',
    ].join('\n');
    redis.cli('EVAL', script, '0');
  }, scaled(60_000));

  afterAll(async () => {
    await redis?.stop();
    await s3?.stop();
    console.log(`backup e2e (Redis) total: ${Date.now() - suiteStart} ms`);
  }, scaled(30_000));

  function renderRedis(id: string): Rendered {
    const chart = testChart();
    const schedule = new BackupSchedule(chart, id, {
      source: BackupSource.redis({
        host: 'homepage-cache.test',
        password: { name: 'redis', key: 'password' },
        image: 'redis:7.0.15-bookworm',
        declaredSize: Size.mebibytes(64),
      }),
      target: TARGET,
      schedule: '*/30 * * * *',
      restoreDrill: { schedule: '0 3 * * *' },
      resources: RESOURCES,
    });
    const objects = synth(chart);
    return { schedule, objects, scripts: find(objects, 'ConfigMap', schedule.scriptsConfigMapName).data };
  }

  function redisContext(extra: Record<string, string> = {}): RunContext {
    const ctx = newContext({ REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), ...extra });
    return ctx;
  }

  test(
    'RDB snapshot, upload, and a drill that loads it into a throwaway server',
    () => {
      const r = renderRedis('cache');
      const backup = runJob(r, 'test-cache-backup', redisContext());
      expectSuccess(backup);
      const [stamp] = completeSets('backups', r.schedule.target.prefix);
      expect(getObject('backups', `${r.schedule.target.prefix}/${stamp}/manifest.tsv`).toString()).toBe('keys\t2150\nexpires\t30\n');
      const drill = runJob(r, 'test-cache-restore-drill', redisContext());
      expectSuccess(drill);
      expect(drill[1].output).toContain(`restore drill passed: backup ${stamp}, 2150 of 2150 keys loaded`);
      console.log(
        `redis backup ${backup.map((x) => `${x.step} ${x.ms} ms`).join(', ')}; drill ${drill.map((x) => `${x.step} ${x.ms} ms`).join(', ')}`,
      );

      // A wrong password fails the snapshot; a corrupted RDB fails the drill.
      const denied = failure(
        runJob(
          r,
          'test-cache-backup',
          newContext({ REDIS_HOST: redis.host, REDIS_PORT: String(redis.port) }, { ...SECRETS, 'redis/password': 'wrong' }),
        ),
      );
      expect(denied.step).toBe('dump');
      const key = `${r.schedule.target.prefix}/${stamp}/backup.rdb`;
      const rdb = getObject('backups', key);
      rdb[rdb.length - 20] ^= 0xff;
      putObject('backups', key, rdb);
      expect(failure(runJob(r, 'test-cache-restore-drill', redisContext())).step).toBe('fetch');
    },
    scaled(120_000),
  );

  test(
    'under Sentinel: the snapshot comes from the master the sentinels name; an unknown master set fails the dump',
    async () => {
      const sentinel = await startSentinel(redis, 'mymaster');
      try {
        const render = (id: string, masterSet: string) => {
          const chart = testChart();
          const schedule = new BackupSchedule(chart, id, {
            source: BackupSource.redis({
              host: 'homepage-cache.test',
              port: 26379,
              sentinel: { masterSet },
              password: { name: 'redis', key: 'password' },
              image: 'redis:7.0.15-bookworm',
              declaredSize: Size.mebibytes(64),
            }),
            target: TARGET.withPrefix(id),
            schedule: '*/30 * * * *',
            restoreDrill: { schedule: '0 3 * * *' },
            resources: RESOURCES,
          });
          const objects = synth(chart);
          return { schedule, objects, scripts: find(objects, 'ConfigMap', schedule.scriptsConfigMapName).data };
        };
        const atSentinel = () => newContext({ REDIS_HOST: sentinel.host, REDIS_PORT: String(sentinel.port) });
        const r = render('sentinel-cache', 'mymaster');
        const backup = runJob(r, 'test-sentinel-cache-backup', atSentinel());
        expectSuccess(backup);
        expect(backup[0].output).toContain(`snapshotting Redis at ${redis.host}:${redis.port}`);
        const [stamp] = completeSets('backups', r.schedule.target.prefix);
        expect(getObject('backups', `${r.schedule.target.prefix}/${stamp}/manifest.tsv`).toString()).toBe('keys\t2150\nexpires\t30\n');

        const unknown = failure(runJob(render('lost-cache', 'othermaster'), 'test-lost-cache-backup', atSentinel()));
        expect([unknown.step, unknown.output]).toEqual(['dump', expect.stringContaining('the sentinels know no master named othermaster')]);
      } finally {
        await sentinel.stop();
      }
    },
    scaled(120_000),
  );
});
