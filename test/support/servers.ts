import { ChildProcess, spawn, spawnSync } from 'child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { createConnection, createServer } from 'net';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { hasTool } from './tools';

/**
 * Throwaway servers on loopback for end-to-end tests: PostgreSQL (Debian's packages), an S3
 * endpoint (s3rver from npm) and Redis. Every wait is bounded and scales with the machine's load
 * ({@link scaled}); every server is stopped by the caller's afterAll and, should that not run (a
 * beforeAll that timed out while a server was still starting, an interrupted run), when the Jest
 * worker exits. Missing tools skip loudly locally and fail under CI (see hasTool).
 */

const LOOPBACK = '127.0.0.1';

/**
 * How many times longer than on an idle machine a wait may take: `RELIAKIT_TIMEOUT_SCALE` when
 * set, else the load average per core when this module loads, between 1 and 4.
 */
export const TIMEOUT_SCALE: number = (() => {
  const set = Number(process.env.RELIAKIT_TIMEOUT_SCALE);
  if (Number.isFinite(set) && set > 0) return set;
  return Math.min(4, Math.max(1, loadavg()[0] / Math.max(1, cpus().length)));
})();

/** `ms` scaled for the machine's load: every timeout of the end-to-end suites goes through this. */
export function scaled(ms: number): number {
  return Math.round(ms * TIMEOUT_SCALE);
}

/** Synchronous last-resort stops of the servers still running, run when the process exits. */
const running = new Set<() => void>();
let exitHook = false;

/** Registers `stop` to run at exit unless the returned function (the normal stop) ran first. */
function stopAtExit(stop: () => void): () => void {
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const s of [...running]) {
        try {
          s();
        } catch {
          // best effort: the process is exiting
        }
      }
    });
  }
  running.add(stop);
  return () => running.delete(stop);
}

/** A free TCP port on loopback (closed again before returning; the caller binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once `port` accepts connections; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: LOOPBACK, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${LOOPBACK}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The directory of the newest installed PostgreSQL's server binaries (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  const dir = majors.map((m) => join(root, m, 'bin')).find((d) => existsSync(join(d, 'initdb')));
  return dir;
}

/** Whether PostgreSQL (server and client), the AWS CLI and s3rver are all here; says loudly what is missing. */
export function hasBackupTools(): boolean {
  const bin = postgresBinDir();
  const tools = [
    hasTool(bin ? join(bin, 'initdb') : 'initdb'),
    hasTool('pg_dump'),
    hasTool('/usr/bin/aws'),
    hasTool('openssl', ['version']),
    hasTool(join(__dirname, '../../node_modules/.bin/s3rver'), ['--version']),
  ];
  return tools.every(Boolean);
}

function run(command: string, args: readonly string[], timeoutMs: number): string {
  const r = spawnSync(command, [...args], { encoding: 'utf8', timeout: scaled(timeoutMs) });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Runs as the `postgres` user when we are root (initdb and postgres refuse to run as root). */
function asPostgres(command: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
}

/** A running throwaway PostgreSQL server. */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** The superuser's password (password authentication over TCP; trust over the socket). */
  readonly password: string;
  readonly major: number;
  /** Runs SQL over the unix socket as the superuser; returns unaligned tuples-only output. */
  psql(database: string, sql: string): string;
  /** `COPY <table> TO STDOUT` output, as raw bytes. */
  copyOut(database: string, table: string): Buffer;
  stop(): void;
}

/** initdb + pg_ctl start on a random loopback port, with its socket in a temp dir (≈ 1–2 s). */
export async function startPostgres(password = 'drill-secret'): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'reliakit-pg-'));
  const port = await freePort();
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`);
  const halt = () => {
    if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
      spawnSync(...asPostgres(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', '-t', '20', 'stop']), {
        timeout: scaled(30_000),
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = stopAtExit(halt);
  try {
    if (process.getuid?.() === 0) {
      spawnSync('chown', ['-R', 'postgres:postgres', dir]);
      chownSync(dir, Number(run('id', ['-u', 'postgres'], 5000).trim()), Number(run('id', ['-g', 'postgres'], 5000).trim()));
    }
    run(
      ...asPostgres(join(bin, 'initdb'), [
        '-D',
        join(dir, 'data'),
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
      ]),
      60_000,
    );
    run(
      ...asPostgres(join(bin, 'pg_ctl'), [
        '-D',
        join(dir, 'data'),
        '-w',
        '-t',
        String(Math.round(scaled(30_000) / 1000)),
        '-l',
        join(dir, 'log'),
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=${LOOPBACK} -c fsync=off -c full_page_writes=off`,
        'start',
      ]),
      40_000,
    );
  } catch (e) {
    unregister();
    halt();
    throw e;
  }
  const major = Number(/(\d+)\/bin$/.exec(bin)?.[1]);
  const psqlArgs = (database: string) => [
    '-X',
    '-h',
    dir,
    '-p',
    String(port),
    '-U',
    'postgres',
    '-d',
    database,
    '-v',
    'ON_ERROR_STOP=1',
    '-q',
  ];
  return {
    host: LOOPBACK,
    port,
    password,
    major,
    psql: (database, sql) => run('psql', [...psqlArgs(database), '-At', '-c', sql], 60_000),
    copyOut: (database, table) => {
      // The session settings pg_dump uses, so values print the same way as in a dump.
      const sql = `SET extra_float_digits = 3; SET datestyle = ISO; SET intervalstyle = postgres; COPY ${table} TO STDOUT`;
      const r = spawnSync('psql', [...psqlArgs(database), '-c', sql], { timeout: scaled(60_000), maxBuffer: 512 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`COPY ${table} failed: ${r.stderr.toString()}`);
      return r.stdout;
    },
    stop: () => {
      unregister();
      halt();
    },
  };
}

/** A running s3rver. */
export interface S3Server {
  readonly endpoint: string;
  readonly port: number;
  /** s3rver's fixed credentials. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, scaled(5000));
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Spawns a server process that is killed when the process exits, waits until `port` accepts
 * connections (killing it when it does not), and returns it with its stop.
 */
async function spawnServer(
  what: string,
  command: string,
  args: readonly string[],
  port: number,
  dir: string,
  waitMs: number,
): Promise<() => Promise<void>> {
  const child = spawn(command, [...args], { stdio: 'ignore' });
  const unregister = stopAtExit(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const stop = async () => {
    unregister();
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`${what} exited (${code ?? signal}) before listening on ${port}`))),
  );
  exited.catch(() => undefined); // it exits at stop too: only the race below listens
  try {
    await Promise.race([waitForPort(port, scaled(waitMs), what), exited]);
  } catch (e) {
    await stop();
    throw e;
  }
  return stop;
}

/** s3rver on a random loopback port with `buckets` created (≈ 0.5 s). */
export async function startS3(buckets: readonly string[]): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'reliakit-s3-'));
  const port = await freePort();
  const args = ['-d', dir, '-a', LOOPBACK, '-p', String(port), '--silent', ...buckets.flatMap((b) => ['--configure-bucket', b])];
  const stop = await spawnServer('s3rver', join(__dirname, '../../node_modules/.bin/s3rver'), args, port, dir, 15_000);
  return { endpoint: `http://${LOOPBACK}:${port}`, port, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', stop };
}

/** A running redis-server. */
export interface RedisServer {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  /** Runs one redis-cli command; returns its output. */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

/** Whether redis-server and redis-cli are here. */
export function hasRedisTools(): boolean {
  return [hasTool('redis-server'), hasTool('redis-cli'), hasTool('redis-check-rdb', ['--version'])].every(Boolean);
}

/** redis-server on a random loopback port with a password, no persistence of its own (≈ 0.1 s). */
export async function startRedis(password = 'redis-secret'): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'reliakit-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', LOOPBACK, '--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir];
  const stop = await spawnServer('redis-server', 'redis-server', args, port, dir, 10_000);
  return {
    host: LOOPBACK,
    port,
    password,
    cli: (...cliArgs) => run('redis-cli', ['-h', LOOPBACK, '-p', String(port), '--no-auth-warning', '-a', password, ...cliArgs], 10_000),
    stop,
  };
}

/** A running Redis Sentinel monitoring one master. */
export interface SentinelServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * redis-server in sentinel mode on a random loopback port, monitoring `master` as `masterSet`
 * (quorum 1), without a password of its own like RedisCache's sentinels (≈ 0.1 s).
 */
export async function startSentinel(master: RedisServer, masterSet: string): Promise<SentinelServer> {
  const dir = mkdtempSync(join(tmpdir(), 'reliakit-sentinel-'));
  const port = await freePort();
  // Sentinel rewrites its config file, so it must be a writable file of its own.
  writeFileSync(
    join(dir, 'sentinel.conf'),
    [
      `port ${port}`,
      `bind ${LOOPBACK}`,
      `dir ${dir}`,
      `sentinel monitor ${masterSet} ${master.host} ${master.port} 1`,
      `sentinel auth-pass ${masterSet} ${master.password}`,
      '',
    ].join('\n'),
  );
  const stop = await spawnServer('redis-sentinel', 'redis-server', [join(dir, 'sentinel.conf'), '--sentinel'], port, dir, 10_000);
  return { host: LOOPBACK, port, stop };
}
