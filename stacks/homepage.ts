/**
 * homepage (lucena.cloud) — seed 000. Frontend (nginx) → API (Go/Gin) → PostgreSQL, Redis, Ollama;
 * a Cloudflare tunnel in front stays outside this stack.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AlertingRuleset, BackupSchedule, BackupTarget, EnvironmentStage, EnvValue, HAPostgres, NetworkPeer, PreStopHook,
  Probe, RedisCache, ReliableService, Retention, ScalingPolicy, SelectPolicy, Sli, Slo, SystemChart, WalCompression,
} from '../lib';
import { BACKUP_JOB_RESOURCES } from './shared';

/**
 * Image tags deployed per component. The plan names no images; these are the repository's
 * release tags, bumped by the release pipeline (never `latest`).
 */
export const HOMEPAGE_IMAGES = {
  api: 'ghcr.io/lucena-cloud/homepage-api:1.8.2',
  frontend: 'ghcr.io/lucena-cloud/homepage-frontend:1.8.2',
  // §5.2's jobs use PostgreSQL 16; the cluster stays on that major.
  postgres: 'ghcr.io/cloudnative-pg/postgresql:16.6',
  redis: 'redis:7.4.1-alpine',
} as const;

/** §3.1: backups go to MinIO, credentials in Secret `minio-credentials` (`access-key`/`secret-key`). */
export const HOMEPAGE_BACKUPS = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'homepage-backups',
  prefix: 'postgres',
  credentials: { secretName: 'minio-credentials', accessKeyIdKey: 'access-key', secretAccessKeyKey: 'secret-key' },
});

/** §5.1: Redis snapshots go beside the database dumps in the same bucket. */
export const HOMEPAGE_REDIS_BACKUPS = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'homepage-backups',
  prefix: 'redis',
  credentials: { secretName: 'minio-credentials', accessKeyIdKey: 'access-key', secretAccessKeyKey: 'secret-key' },
});

/** Namespaces of what the homepage talks to but does not own (yet). */
const EXTERNAL = {
  /** Where cloudflared runs; the tunnel is the only way in (§1). */
  tunnel: 'cloudflared',
  ollama: 'ollama',
} as const;

export function homepageStack(stage: EnvironmentStage): SystemChart {
  const env = stage.environment;
  const chart = new SystemChart(stage, 'homepage');

  // §3.3 for both components: requests 100m/256Mi, limits 500m/512Mi. dev: half of it.
  const resources = env.pick({
    prod: { cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    dev: { cpu: { request: Cpu.millis(50), limit: Cpu.millis(250) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
  });

  // §3.1: CloudNativePG with a standby instead of the single PostgreSQL that lost its WAL. It
  // lives in the homepage namespace (the plan's `postgres` namespace held the old StatefulSet).
  const postgres = new HAPostgres(chart, 'postgres', {
    image: HOMEPAGE_IMAGES.postgres,
    instances: env.pick({ prod: 2, dev: 1 }),
    singleInstance: !env.isProduction,
    storage: { size: env.pick({ prod: Size.gibibytes(10), dev: Size.gibibytes(2) }), storageClass: 'local-path' },
    // The plan gives no database resources; sized for a homelab primary with headroom.
    resources: env.pick({
      prod: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) } },
      dev: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    }),
    database: 'homepage',
    owner: 'homepage',
    // §3.6 raises the API's pool to 50 per pod: at 5 pods that is 250 connections, more than the
    // default max_connections admits. Transaction pooling keeps the server side at 2 × 20.
    pooler: { instances: 2, defaultPoolSize: 20, maxClientConnections: 500 },
    // §3.1: WAL gzip, retention 7d. The plan sets no base-backup schedule; daily at 02:00 keeps
    // the WAL replay on restore short (§5.1 RTO 15 min for WAL recovery).
    backup: {
      // Each environment archives to its own path: two clusters sharing one would corrupt each
      // other's WAL history if they ever share a MinIO.
      target: env.isProduction ? HOMEPAGE_BACKUPS : HOMEPAGE_BACKUPS.withPrefix(env.name),
      retention: '7d',
      schedule: '0 2 * * *',
      walCompression: WalCompression.GZIP,
      // §5.1: RPO 5 min for the WAL stream.
      archiveTimeout: Duration.minutes(5),
      rpo: Duration.minutes(5),
    },
  });

  // §1: Redis is a cache whose loss is acceptable, but in prod it must not be a single point of
  // failure (§6 phase 4: Sentinel). dev runs one pod.
  const redis = new RedisCache(chart, 'redis', {
    image: HOMEPAGE_IMAGES.redis,
    resources: env.pick({
      prod: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      dev: { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    }),
    ...(env.isProduction ? { sentinel: { replicas: 3 } } : { singleInstance: true }),
  });

  const api = new ReliableService(chart, 'api', {
    image: HOMEPAGE_IMAGES.api,
    ports: { http: 8080 },
    env: {
      GIN_MODE: EnvValue.literal('release'),
      PORT: EnvValue.literal('8080'),
    },
    resources,
    probes: {
      // §3.5: readiness runs the dependency check (DB + Redis ping under a 5 s context), so its
      // timeout must exceed 5 s; liveness only says the process answers.
      readiness: Probe.http('/readyz', { period: Duration.seconds(10), timeout: Duration.seconds(6), failureThreshold: 3 }),
      liveness: Probe.http('/livez', { period: Duration.seconds(10), timeout: Duration.seconds(2), failureThreshold: 3 }),
      maxStartupTime: Duration.seconds(60),
    },
    // §3.9: srv.Shutdown gets 30 s for outstanding requests.
    shutdown: { preStop: PreStopHook.sleep(Duration.seconds(5)), drainTimeout: Duration.seconds(30) },
    // §3.4: 2–5 on CPU 70 % and memory 80 %; scale down ≤ 50 %/60 s after 300 s, scale up 100 %/15 s at once.
    autoscaling: {
      minReplicas: 2,
      maxReplicas: env.pick({ prod: 5, dev: 3 }),
      cpuUtilizationPercent: 70,
      memoryUtilizationPercent: 80,
      scaleDown: { stabilizationWindow: Duration.seconds(300), policies: [ScalingPolicy.percent(50, Duration.seconds(60))] },
      scaleUp: { stabilizationWindow: Duration.seconds(0), policies: [ScalingPolicy.percent(100, Duration.seconds(15))], selectPolicy: SelectPolicy.MAX },
    },
    // §3.2: minAvailable 1 (with 2 minimum replicas one pod can always be drained).
    disruptionBudget: { minAvailable: 1 },
    // §4.1: /metrics on the http port every 30 s, timeout 10 s.
    monitoring: { port: 'http', path: '/metrics', interval: Duration.seconds(30), scrapeTimeout: Duration.seconds(10) },
    writableDirectories: [{ path: '/tmp' }],
    dependencies: [
      { to: NetworkPeer.namespace(EXTERNAL.ollama), ports: [11434] },
    ],
  });

  // DB_HOST/PORT/NAME/USER/PASSWORD from the CNPG app Secret (never a literal password), through
  // the pooler; §3.6: 50 connections per pod.
  postgres.addClient(api, { poolSizePerPod: 50 });
  redis.addClient(api);

  new ReliableService(chart, 'frontend', {
    image: HOMEPAGE_IMAGES.frontend,
    // nginx-unprivileged layout: port 8080, UID 101, temp files and pid under /tmp.
    ports: { http: 8080 },
    podIdentity: { runAsUser: 101 },
    writableDirectories: [{ path: '/tmp' }, { path: '/var/cache/nginx' }],
    resources,
    probes: {
      readiness: Probe.http('/', { period: Duration.seconds(10), timeout: Duration.seconds(2) }),
      liveness: Probe.tcp({ period: Duration.seconds(10), timeout: Duration.seconds(2) }),
    },
    // §3.9 applies to both tiers: 30 s drain (nginx finishes requests on SIGQUIT/SIGTERM).
    shutdown: { preStop: PreStopHook.sleep(Duration.seconds(5)), drainTimeout: Duration.seconds(30) },
    // §3.4: 2–4 on CPU 70 %.
    autoscaling: { minReplicas: 2, maxReplicas: env.pick({ prod: 4, dev: 3 }), cpuUtilizationPercent: 70 },
    disruptionBudget: { minAvailable: 1 },
    ingress: [{ from: NetworkPeer.namespace(EXTERNAL.tunnel), ports: ['http'] }],
    dependencies: [{ to: api, port: 'http' }],
  });

  // §5.1/§5.2: hourly pg_dump to MinIO, kept 7 days (§5.2 keeps "the last 168", i.e. 7 days of
  // hourly dumps). Unlike §5.2's script, credentials come from Secrets as env, never pasted into the
  // command line, and the newest dump is never pruned. The plan has no restore test; a daily drill
  // proves the dumps restore (§8: "Backup Success Rate" counts only restorable backups).
  const dumps = new BackupSchedule(chart, 'postgres-dump', {
    source: postgres.backupSource(),
    target: HOMEPAGE_BACKUPS,
    schedule: '0 * * * *',
    retention: Retention.days(7),
    restoreDrill: { schedule: '30 3 * * *' },
    resources: BACKUP_JOB_RESOURCES,
  });

  // §5.1: Redis RDB snapshots every 6 h, kept 3 days (RTO/RPO "N/A": a cache, but a warm restart).
  const snapshots = new BackupSchedule(chart, 'redis-snapshot', {
    source: redis.backupSource(),
    target: HOMEPAGE_REDIS_BACKUPS,
    schedule: '0 */6 * * *',
    retention: Retention.days(3),
    restoreDrill: { schedule: '45 3 * * *' },
    resources: BACKUP_JOB_RESOURCES,
  });

  // §2.1 SLOs as recording rules and multi-window burn-rate alerts (§4.2's 5xx and p99 alerts are
  // their fast tiers). Metrics as §4.2 queries them: http_requests_total{status} and
  // http_request_duration_seconds from the API (job = its Service). Runbooks: §7.
  // "Error rate < 0.1 %" is the availability SLO's budget; p50 < 100 ms is a target, not an SLO
  // (a 50 % objective has no meaningful burn rate); "database availability 99.95 %" needs an SLI
  // the plan does not define (the CNPG alert pack covers the database).
  const slos = new AlertingRuleset(chart, 'slos', { team: 'lucena' });
  slos.addSlo(new Slo(chart, 'api-availability', {
    service: api, team: 'lucena', name: 'availability', objective: 99.9, window: Duration.days(30),
    sli: Sli.requests({ total: `http_requests_total{job="${api.name}"}`, errors: `http_requests_total{job="${api.name}",status=~"5.."}` }),
    runbookUrl: 'https://runbooks.lucena.cloud/homepage/api-not-responding',
  }));
  slos.addSlo(new Slo(chart, 'api-latency', {
    service: api, team: 'lucena', name: 'latency-p99', objective: 99, window: Duration.days(30),
    sli: Sli.latency({ histogram: 'http_request_duration_seconds', selector: `{job="${api.name}"}`, threshold: Duration.millis(500) }),
    runbookUrl: 'https://runbooks.lucena.cloud/homepage/api-latency',
  }));

  // §4.2's alerts, from the packs: API down (page), 5xx ratio > 1 % for 5m, p99 > 500 ms for 5m,
  // PostgreSQL down (page) — with CNPG's HA, connection, disk and backup alerts —, crash looping;
  // plus every backup and restore drill (§8's "Backup Success Rate"). Runbooks: §7.
  const alerts = new AlertingRuleset(chart, 'alerts', { team: 'lucena' });
  alerts.addServiceAlerts(api, {
    runbookUrl: 'https://runbooks.lucena.cloud/homepage/api-not-responding',
    requests: `http_requests_total{job="${api.name}"}`,
    errors: `http_requests_total{job="${api.name}",status=~"5.."}`,
    maxErrorPercent: 1,
    latency: { histogram: 'http_request_duration_seconds', threshold: Duration.millis(500), quantile: 0.99, for: Duration.minutes(5) },
  });
  alerts.addPostgresAlerts(postgres, { runbookUrl: 'https://runbooks.lucena.cloud/homepage/postgres-wal-corruption' });
  for (const backup of [dumps, snapshots]) alerts.addBackupAlerts(backup, { runbookUrl: 'https://runbooks.lucena.cloud/homepage/backups' });

  return chart;
}
