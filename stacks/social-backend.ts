/**
 * social-backend — seed 003 (milestone 4.7, "Production Backend"). Three Go services behind the
 * gateway — auth-service :8080, posts-service :8081, realtime-service :8082 (WebSocket `/ws`) —
 * on one PostgreSQL (CloudNativePG) and one Redis (Sentinel in prod).
 *
 * The plan lists "Kubernetes orchestration" as a non-goal, yet asks for Kubernetes probes (§4.7.6)
 * and a preStop hook (§4.7.8); this stack is that Kubernetes deployment. Its notes ("start with
 * single-instance") contradict the success metric "horizontal scaling to 3+ instances": prod runs
 * at least 3 of each service, since one instance cannot survive a node drain within 99.9 %.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AlertingRuleset,
  AlertRouting,
  BackupSchedule,
  ChaosExperiment,
  ChaosFault,
  CircuitBreakerExpression,
  DatabaseDashboard,
  Environment,
  EnvironmentStage,
  EnvValue,
  GatewayTls,
  HAPostgres,
  Images,
  Middleware,
  NetworkPeer,
  PoolMode,
  PostgresRestoreDrill,
  PreStopHook,
  Probe,
  RedisCache,
  ReliableService,
  Retention,
  RouteProtocol,
  ScalingPolicy,
  SecretStore,
  SelectPolicy,
  ServiceDashboard,
  Severity,
  Sli,
  Slo,
  SloDashboard,
  SourceCriterion,
  SteadyStateProbe,
  SymptomAlerts,
  SyncedSecret,
  SystemChart,
  TraefikGateway,
  WalArchiveAlertPack,
  WalCompression,
} from '../lib';
import { offsiteBackupCredentials, offsiteBackupTarget } from './offsite-backups';
import { APP_LATENCY_BUCKETS, BACKUP_JOB_RESOURCES, TRAEFIK } from './shared';

/**
 * Image tags deployed per component. The plan names no registry; these are the release tags of
 * milestone 4.7, bumped by the release pipeline (never `latest`, §4.7.14 semantic versioning).
 * §4.7.13 allows a distroless or alpine runtime: the preStop hook below runs `sleep`, so the images
 * must ship a `sleep` binary (alpine does; a distroless image needs a static one copied in).
 */
export const SOCIAL_BACKEND_IMAGES = {
  auth: 'ghcr.io/lucena-cloud/social-backend-auth-service:4.7.0',
  posts: 'ghcr.io/lucena-cloud/social-backend-posts-service:4.7.0',
  realtime: 'ghcr.io/lucena-cloud/social-backend-realtime-service:4.7.0',
  // The plan names no PostgreSQL version; 16 as in the other systems (dump jobs pin to it).
  // Patched releases, pinned with their CVEs in lib/core/images.ts.
  postgres: Images.POSTGRES_16,
  redis: Images.REDIS,
} as const;

/**
 * §4.7.12: off-site backup storage on S3, encrypted with AES-256: the environment's own bucket from
 * the Pulumi stack (stacks/offsite-backups.ts: versioned, SSE-KMS under a dedicated key, lifecycle
 * after the retention), which survives the loss of the cluster (the WAL stream is what meets the
 * 1 h RPO on site loss). Credentials are synced from the secret manager entry Pulumi writes.
 */
const backupsFor = (env: Environment) => offsiteBackupTarget('social-backend', env);

/**
 * §4.7.11 secrets management: nothing secret in the repository. external-secrets syncs every
 * Secret the system reads from the secret manager (ClusterSecretStore `secret-manager`, assumed;
 * the plan names none) under `social-backend/<env>/…`, including the off-site backup credentials,
 * whose entry the Pulumi program writes (stacks/offsite-backups.ts).
 */
const SECRET_STORE = SecretStore.cluster('secret-manager');

function syncSecrets(chart: SystemChart, env: Environment) {
  const remote = (path: string, ...properties: string[]) => SyncedSecret.propertiesOf(`social-backend/${env.name}/${path}`, ...properties);
  return {
    // §4.7.12 the off-site archive's IAM keys: the CNPG WAL archive, the dumps and the drill read
    // them, so a Flux-only rollout archives WAL too.
    backup: offsiteBackupCredentials(chart, SECRET_STORE),
    // §4.7.11 JWT RS256 is asymmetric: only auth-service reads the private signing key; posts and
    // realtime verify with the public key.
    jwt: new SyncedSecret(chart, 'jwt', { store: SECRET_STORE, keys: remote('jwt', 'private-key', 'public-key') }),
    // The plan is silent on Redis authentication; §4.7.11 hardening: a password on top of the
    // NetworkPolicy, so a compromised pod elsewhere in the namespace cannot read sessions.
    redis: new SyncedSecret(chart, 'redis-password', { store: SECRET_STORE, keys: remote('redis', 'password') }),
    // §4.7.12 "encrypted": the passphrase of the client-side AES-256 encryption of the dumps. It
    // lives only in the secret manager: a dump copied off-site is useless without it.
    dumpKey: new SyncedSecret(chart, 'backup-encryption', { store: SECRET_STORE, keys: remote('backup-encryption', 'passphrase') }),
    // §4.7.17 notification channels: Slack webhook, PagerDuty routing key, SMTP password.
    alerting: new SyncedSecret(chart, 'alerting', {
      store: SECRET_STORE,
      keys: remote('alerting', 'slack-webhook-url', 'pagerduty-routing-key', 'smtp-password'),
    }),
  };
}

/** Namespaces of what the services talk to but this stack does not own (assumed names). */
const EXTERNAL = {
  /**
   * §4.7.5: traces go to Jaeger or Tempo. Assumed: Tempo's distributor as Service `tempo` in
   * namespace `tempo`, OTLP over gRPC on 4317.
   */
  tracing: 'tempo',
} as const;
const OTLP_GRPC_PORT = 4317;
/**
 * §4.7.4's `/metrics` is served on a port of its own, which no gateway route targets: on the API
 * port a path rule would be all that kept it off the internet. METRICS_PORT (below) is an assumed
 * setting of the services' metrics registry (internal/metrics/prometheus.go).
 */
const METRICS_PORT = 9090;

export function socialBackendStack(stage: EnvironmentStage): SystemChart {
  const env = stage.environment;
  const chart = new SystemChart(stage, 'social-backend');
  // Deliberate deviations from the plan, listed in RELIABILITY.md (the reasons are at the objects).
  chart.addPlanDeviation({
    section: '§4.7.4',
    plan: "/metrics on each service's API port",
    chosen: 'metrics served on a port of their own, 9090 (METRICS_PORT), which no gateway route targets',
    reason: 'on the routed port only a path rule would keep the metrics off the internet',
  });
  const secrets = syncSecrets(chart, env);

  // --- Data layer -------------------------------------------------------------------------------

  const postgres = new HAPostgres(chart, 'postgres', {
    image: SOCIAL_BACKEND_IMAGES.postgres,
    // The plan is silent on the database's topology. 99.9 % (success metrics) in prod: a primary
    // and two standbys, so a node drain during a standby's rebuild still leaves a failover target
    // (§4.7.9's "read replicas (prepare)" can then use CNPG's `-ro` Service). dev: one instance.
    instances: env.pick({ prod: 3, dev: 1 }),
    singleInstance: !env.isProduction,
    // The plan gives no sizes and no platform. The data volume on the cluster's default class, taken
    // to follow its pods across nodes (on a node-local one, e.g. k3s's local-path, declare
    // StorageClass.localPath(): anti-affinity then becomes required and the disk alerts switch to
    // CNPG's size metrics); WAL on its own volume, so WAL piling up while the off-site archive is
    // unreachable cannot fill the data volume (§4.7.17 warns at 20 % free disk).
    storage: { size: env.pick({ prod: Size.gibibytes(20), dev: Size.gibibytes(2) }) },
    walStorage: { size: env.pick({ prod: Size.gibibytes(10), dev: Size.gibibytes(1) }) },
    resources: env.pick({
      prod: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } },
      dev: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    }),
    database: 'social',
    owner: 'social',
    // Dumps run as a read-only role (pg_read_all_data) on a standby, not as the owner.
    backupRole: { store: SECRET_STORE, remoteKey: `social-backend/${env.name}/postgres-backup-role` },
    // §4.7.9 "Max connections: 100" is each service's pool (it sits beside min idle and max
    // lifetime, which are pool settings). 3 services × up to 10 pods × 100 = 3000 connections at
    // full scale, far beyond what one PostgreSQL serves: the services connect through PgBouncer
    // in transaction mode, and PostgreSQL keeps 200 connections, of which the pooler uses 2 × 50.
    maxConnections: env.pick({ prod: 200, dev: 100 }),
    parameters: {
      // §4.7.9 leak detection (5 minutes): a server-side backstop; a transaction left open by a
      // leaked connection is ended after 5 minutes instead of holding locks and a pooler slot.
      idle_in_transaction_session_timeout: '300s',
    },
    // Transaction pooling: the Go services must use pgx's simple protocol or PgBouncer's
    // prepared-statement support (assumed). Each PgBouncer pod admits 3000 clients, so the full
    // 3000 still connect while one pooler pod is down.
    pooler: {
      instances: 2,
      poolMode: PoolMode.TRANSACTION,
      defaultPoolSize: env.pick({ prod: 50, dev: 20 }),
      maxClientConnections: 3000,
    },
    // §4.7.12: continuous backup (WAL archiving + base backups) with CNPG's Barman Cloud plugin.
    backup: {
      // Each environment archives into its own bucket, never into prod's.
      target: backupsFor(env),
      // §4.7.12: retention 30 days. dev keeps a week (silent there; cost).
      retention: env.pick({ prod: '30d', dev: '7d' }),
      // §4.7.12: daily full backup. The plan names no time: 02:00 UTC, off-peak.
      schedule: '0 2 * * *',
      walCompression: WalCompression.GZIP,
      // §4.7.12 "hourly WAL archiving" is a ceiling, given as RPO 1 h. CNPG archives every segment
      // as soon as it is full; archive_timeout bounds the wait under low traffic. Literally hourly
      // would spend the whole RPO before the first upload and leave no margin for a failed one:
      // 5 minutes keeps the worst case far inside it.
      archiveTimeout: Duration.minutes(5),
      rpo: Duration.hours(1),
    },
  });

  // §4.7.1: Redis with Sentinel support. prod: 3 pods (master + 2 replicas), a sentinel in each,
  // automatic failover. dev: one pod without persistence. Every key the plan caches has a TTL
  // (§4.7.1) and the database is the source of truth, but the cache also holds session tokens
  // (§4.7.1): under Sentinel a master restarted faster than down-after-milliseconds comes back
  // empty and its replicas copy the empty dataset (redis.io replication docs), logging everyone
  // out. So prod persists: the AOF (at most a second lost), 2 × maxmemory (768Mi), on the
  // default class. allkeys-lru (the default) evicts instead of failing writes.
  const redis = new RedisCache(chart, 'redis', {
    image: SOCIAL_BACKEND_IMAGES.redis,
    resources: env.pick({
      prod: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) } },
      dev: { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    }),
    password: secrets.redis.key('password'),
    ...(env.isProduction
      ? { sentinel: { replicas: 3 }, persistence: { size: Size.gibibytes(2), appendOnly: true } }
      : { singleInstance: true }),
  });

  // --- Services ---------------------------------------------------------------------------------

  // §4.7.6: `/healthz` is liveness (always up while the process runs), `/readyz` readiness
  // (database, Redis, required config). Health check interval 10 s for both. The readiness check
  // pings PostgreSQL and Redis, so it gets 5 s; liveness touches nothing and gets 2 s.
  // Note §4.7.6 vs §4.7.1: readiness "checks Redis", but the services fall back to the database
  // when the cache fails. A Redis outage must not take every pod out of the gateway: the readiness
  // handler should report Redis as degraded (in /healthz/ready) without failing /readyz.
  // The plan gives no startup time; 60 s, ahead of liveness. Migrations (golang-migrate) belong in
  // a Job, not in the startup path, or a long one is killed by this budget.
  const probes = {
    readiness: Probe.http('/readyz', { period: Duration.seconds(10), timeout: Duration.seconds(5), failureThreshold: 3 }),
    liveness: Probe.http('/healthz', { period: Duration.seconds(10), timeout: Duration.seconds(2), failureThreshold: 3 }),
    maxStartupTime: Duration.seconds(60),
  };

  // §4.7.8: preStop hook (5 s, so endpoint removal reaches the gateway before SIGTERM), then stop
  // accepting, drain requests for up to 30 s, close the database and Redis, flush logs and metrics.
  // Max shutdown time 60 s is the grace period: after it the kubelet sends SIGKILL.
  const shutdown = {
    preStop: PreStopHook.sleep(Duration.seconds(5)),
    drainTimeout: Duration.seconds(30),
    terminationGracePeriod: Duration.seconds(60),
  };

  // The plan sizes nothing. Go services: no CPU limit (throttling would hurt the p95 < 200 ms
  // target; the HPA scales on the request), memory limited, GOMEMLIMIT at 90 % of it so the Go GC
  // works harder before the kernel OOM-kills the pod. dev: half.
  const resources = env.pick({
    prod: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    dev: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
  });
  const goMemLimit = env.pick({ prod: '460MiB', dev: '230MiB' });
  // realtime holds every open WebSocket in memory: twice the memory.
  const realtimeResources = env.pick({
    prod: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) } },
    dev: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
  });
  const realtimeGoMemLimit = env.pick({ prod: '920MiB', dev: '460MiB' });

  /**
   * Settings every service reads. PORT and LOG_FORMAT are assumed names (the plan's config lives
   * in internal/config/production.go); GOMEMLIMIT and OTEL_* are the Go runtime's and the
   * OpenTelemetry SDK's own.
   */
  const common = (service: string, port: number, memLimit: string): Record<string, EnvValue> => ({
    PORT: EnvValue.literal(String(port)),
    METRICS_PORT: EnvValue.literal(String(METRICS_PORT)),
    GOMEMLIMIT: EnvValue.literal(memLimit),
    // §4.7.3: JSON logs in production, console in dev.
    LOG_FORMAT: EnvValue.literal(env.pick({ prod: 'json', dev: 'console' })),
    // §4.7.5 with the standard OpenTelemetry variables. The plan's Jaeger exporter
    // (go.opentelemetry.io/otel/exporters/jaeger) is deprecated and removed upstream; Jaeger and
    // Tempo both accept OTLP, so the services export OTLP.
    OTEL_SERVICE_NAME: EnvValue.literal(service),
    OTEL_EXPORTER_OTLP_ENDPOINT: EnvValue.literal(`http://tempo.${EXTERNAL.tracing}.svc:${OTLP_GRPC_PORT}`),
    OTEL_EXPORTER_OTLP_PROTOCOL: EnvValue.literal('grpc'),
    // §4.7.5: W3C trace context propagation.
    OTEL_PROPAGATORS: EnvValue.literal('tracecontext,baggage'),
    // §4.7.5: 10 % sampling in production (parent-based: a sampled caller's trace stays whole).
    // dev samples everything (silent there; low volume).
    OTEL_TRACES_SAMPLER: EnvValue.literal('parentbased_traceidratio'),
    OTEL_TRACES_SAMPLER_ARG: EnvValue.literal(env.pick({ prod: '0.1', dev: '1.0' })),
  });

  // §4.7.4: `/metrics` on each service's metrics port, which the gateway never routes. The plan
  // gives no scrape interval: 30 s, well within the MTTD < 5 min.
  const monitoring = { port: 'metrics' as const, path: '/metrics', interval: Duration.seconds(30), scrapeTimeout: Duration.seconds(10) };
  // The plan names no external APIs besides the tracing backend: no other egress is opened.
  const tracing = { to: NetworkPeer.namespace(EXTERNAL.tracing), ports: [OTLP_GRPC_PORT] };

  // Success metrics: horizontal scaling to 3+ instances, 10,000 concurrent users, > 1000 req/s
  // (§4.7.15), capacity for 2× growth (Notes). The plan gives no per-pod capacity: 3–10 per
  // service on CPU 70 %; dev 2–3. Scale up at once (100 %/15 s) for the §4.7.15 stress ramp;
  // scale down after 5 minutes of lower load, at most half the pods per minute.
  const autoscaling = {
    minReplicas: env.pick({ prod: 3, dev: 2 }),
    maxReplicas: env.pick({ prod: 10, dev: 3 }),
    cpuUtilizationPercent: 70,
    scaleUp: {
      stabilizationWindow: Duration.seconds(0),
      policies: [ScalingPolicy.percent(100, Duration.seconds(15))],
      selectPolicy: SelectPolicy.MAX,
    },
    scaleDown: { stabilizationWindow: Duration.seconds(300), policies: [ScalingPolicy.percent(50, Duration.seconds(60))] },
  };
  // The plan sets no PDB: one pod at a time, so a drain never takes more than a third of the
  // minimum (and, for realtime, drops only one pod's WebSockets at once).
  const disruptionBudget = { maxUnavailable: 1 };
  // Go binaries run read-only (§4.7.13); /tmp for the runtime and libraries that expect it.
  const writableDirectories = [{ path: '/tmp' }];
  // §4.7.13: non-root — the default UID 65532 (distroless `nonroot`; any UID works for a static binary).

  // auth-service :8080 (§4.7.10 `/api/v1/auth/*`). The only holder of the JWT signing key (§4.7.11).
  const auth = new ReliableService(chart, 'auth', {
    image: SOCIAL_BACKEND_IMAGES.auth,
    ports: { http: 8080, metrics: METRICS_PORT },
    env: {
      ...common('auth-service', 8080, goMemLimit),
      JWT_PRIVATE_KEY: secrets.jwt.env('private-key'),
      JWT_PUBLIC_KEY: secrets.jwt.env('public-key'),
    },
    resources,
    probes,
    shutdown,
    autoscaling,
    disruptionBudget,
    monitoring,
    writableDirectories,
    dependencies: [tracing],
  });

  // posts-service :8081 (§4.7.10 `/api/v1/posts/*`).
  const posts = new ReliableService(chart, 'posts', {
    image: SOCIAL_BACKEND_IMAGES.posts,
    ports: { http: 8081, metrics: METRICS_PORT },
    env: {
      ...common('posts-service', 8081, goMemLimit),
      JWT_PUBLIC_KEY: secrets.jwt.env('public-key'),
    },
    resources,
    probes,
    shutdown,
    autoscaling,
    disruptionBudget,
    monitoring,
    writableDirectories,
    dependencies: [tracing],
  });

  // realtime-service :8082 (§4.7.10 `/api/v1/realtime/*` and `/ws`). Fan-out between pods goes
  // through Redis pub/sub (assumed; the plan names no broker), so any pod can serve any user.
  const realtime = new ReliableService(chart, 'realtime', {
    image: SOCIAL_BACKEND_IMAGES.realtime,
    ports: { http: 8082, metrics: METRICS_PORT },
    env: {
      ...common('realtime-service', 8082, realtimeGoMemLimit),
      JWT_PUBLIC_KEY: secrets.jwt.env('public-key'),
    },
    resources: realtimeResources,
    probes,
    // §4.7.8 "WebSocket connection drain notification": WebSockets never finish on their own. On
    // SIGTERM the service tells its clients to reconnect, spread over the drain window so they do
    // not all land on the remaining pods at once — so realtime drains longer than the 30 s of the
    // request services: 45 s, still inside the plan's 60 s maximum (10 s left for closing the
    // database and Redis and flushing, §4.7.8 steps 3–5).
    shutdown: { ...shutdown, drainTimeout: Duration.seconds(45) },
    autoscaling: {
      ...autoscaling,
      // Open connections cost memory more than CPU: memory 80 % as a second target.
      memoryUtilizationPercent: 80,
      // Every pod removed drops its WebSockets (§4.7.17 alerts on drops > 50 %): scale down
      // slowly — after 10 minutes of lower load, one pod per 3 minutes.
      scaleDown: { stabilizationWindow: Duration.seconds(600), policies: [ScalingPolicy.pods(1, Duration.seconds(180))] },
    },
    disruptionBudget,
    monitoring,
    writableDirectories,
    dependencies: [tracing],
  });

  // §4.7.10 API gateway (Traefik) with TLS termination, §4.7.11 security headers and the
  // cross-cutting middlewares; routes admit Traefik on the routed port only.
  // The plan names no domain: api.social.lucena.cloud (assumed), certificates from cert-manager.
  const gateway = new TraefikGateway(chart, 'gateway', {
    hosts: [env.pick({ prod: 'api.social.lucena.cloud', dev: 'api.dev.social.lucena.cloud' })],
    tls: GatewayTls.certManager('letsencrypt'),
    traefik: TRAEFIK,
    middlewares: [
      // §4.7.11: HSTS, nosniff, X-Frame-Options DENY, X-XSS-Protection, CSP.
      Middleware.securityHeaders(),
      // §4.7.10 CORS. The plan names no origins: the web app's (assumed); never `*` with credentials.
      Middleware.cors({
        allowOrigins: [env.pick({ prod: 'https://social.lucena.cloud', dev: 'https://dev.social.lucena.cloud' })],
        allowCredentials: true,
      }),
      // §4.7.10 "rate limiting (global)": every route, per client IP, before forwardAuth (Traefik
      // runs client-IP limits first), so a flood never reaches auth-service. The plan gives no
      // number: 1000 requests/minute per address, burst 200 — ten users' worth of the 100/min
      // per-user limit (§4.7.2) behind one address (NAT, offices). Each of the Traefik replicas
      // enforces its share (perReplica; RELIABILITY.md states the arithmetic). The auth route
      // replaces it with its own, stricter limit.
      Middleware.rateLimit({
        average: 1000,
        burst: 200,
        period: Duration.minutes(1),
        sourceCriterion: SourceCriterion.clientIp(),
        perReplica: true,
      }),
      // §4.7.10 circuit breaker at gateway level: open on 30 % network errors or 25 % 5xx.
      Middleware.circuitBreaker(
        CircuitBreakerExpression.networkErrorRatio(0.3).or(CircuitBreakerExpression.responseCodeRatio(500, 600, 0.25)),
      ),
    ],
  });
  // §4.7.2 rate limits. The plan wants Redis-based distributed limiting: that is the services' own
  // limiter (internal/middleware/ratelimit.go). At the gateway each Traefik replica enforces its
  // share (perReplica: ⌊limit / replicas⌋), a coarse guard in front of it.
  // "Authentication verification" (§4.7.10): every API route but auth's own asks auth-service,
  // which returns the caller's X-User-Id — the key of the per-user limit.
  const verified = [
    Middleware.forwardAuth(`http://${auth.name}.${auth.namespace}.svc:8080/api/v1/auth/verify`, ['X-User-Id']),
    // API: 100 requests/minute per user.
    Middleware.rateLimit({
      average: 100,
      period: Duration.minutes(1),
      sourceCriterion: SourceCriterion.header('X-User-Id'),
      perReplica: true,
    }),
  ];
  gateway.addRoute('auth', {
    to: auth,
    pathPrefixes: ['/api/v1/auth'],
    // §4.7.2 Auth: 5 requests/minute per IP (the address the trusted load balancer forwarded,
    // TRAEFIK.trustedProxies). Split over 2 replicas that is 2/min each: a client gets 2–4 a
    // minute, never more than the plan's 5 (deviation, RELIABILITY.md › Rate limits).
    middlewares: [
      Middleware.rateLimit({ average: 5, period: Duration.minutes(1), sourceCriterion: SourceCriterion.clientIp(), perReplica: true }),
    ],
  });
  gateway.addRoute('posts', { to: posts, pathPrefixes: ['/api/v1/posts'], middlewares: verified });
  gateway.addRoute('realtime', {
    to: realtime,
    pathPrefixes: ['/api/v1/realtime', '/ws'],
    protocol: RouteProtocol.WEBSOCKET,
    middlewares: verified,
  });
  // Request ID and request/response logging (§4.7.10): Traefik has no request-ID middleware; its
  // access log and OpenTelemetry tracing (traceparent, §4.7.5) are platform settings of Traefik.

  // §4.7.6: every service's readiness checks the database and Redis, so each uses both. DB_HOST/
  // PORT/NAME/USER/PASSWORD come from the CNPG app Secret through the pooler; §4.7.9: a pool of
  // 100 connections per pod (counted against the pooler's client budget at maximum scale).
  for (const service of [auth, posts, realtime]) {
    postgres.addClient(service, { poolSizePerPod: 100 });
    // REDIS_HOST/PORT (the sentinels in prod)/SENTINEL_MASTER and REDIS_PASSWORD from the Secret.
    redis.addClient(service);
  }

  // §4.7.12: daily full backups (logical dumps beside the WAL archive), 30 days, encrypted with
  // AES-256 before they leave the cluster (the key stays in a Secret; keep a copy outside), stored
  // off-site in S3, and a monthly restore test. The dump runs after the 02:00 base backup.
  const dumps = new BackupSchedule(chart, 'postgres-dump', {
    source: postgres.backupSource(),
    target: backupsFor(env),
    schedule: '30 2 * * *',
    retention: Retention.days(env.pick({ prod: 30, dev: 7 })),
    encryption: { key: secrets.dumpKey.key('passphrase') },
    restoreDrill: { schedule: '0 4 1 * *' },
    resources: BACKUP_JOB_RESOURCES,
  });

  // §4.7.12: RTO 4 hours, restore test monthly. The physical half of it: on the 1st at 05:00 (after
  // the logical drill) a throwaway cluster recovered from the off-site WAL archive, timed against the
  // RTO, every table counted (the plan names no schema), deleted.
  const physicalDrill = new PostgresRestoreDrill(chart, 'postgres-restore-drill', {
    database: postgres,
    schedule: '0 5 1 * *',
    rto: Duration.hours(4),
  });

  // §4.7.17 alerting with the plan's priorities (P1/P2 page, P3 goes to the digest): service
  // down (immediate, P1), error rate > 1 % (5m, P2), p95 > 500 ms (10m, P2), memory > 80 % (15m,
  // P2) from the service packs; low disk < 20 % (30m, P3) on the database volumes; DB connection
  // pool exhausted (immediate, P1) and WebSocket drops > 50 % (5m, P2) from the services' metrics
  // (Go's database/sql collector and the realtime gauge — names assumed, the plan names none).
  const alerts = new AlertingRuleset(chart, 'alerts', { team: 'social' });
  const runbook = (page: string) => `https://runbooks.lucena.cloud/social-backend/${page}`;
  for (const service of [auth, posts, realtime]) {
    alerts.addServiceAlerts(service, {
      runbookUrl: runbook(service.component),
      maxErrorPercent: 1,
      latency: {
        histogram: 'http_request_duration_seconds',
        threshold: Duration.millis(500),
        quantile: 0.95,
        for: Duration.minutes(10),
        // realtime's WebSocket upgrades (route "/ws", §4.7.10) are held open for the connection's
        // lifetime, by design: their duration is no latency, and would hold its p95 above 500 ms.
        matchers: service === realtime ? 'route!="/ws"' : undefined,
      },
      memoryMaxPercent: 80,
      severities: { down: Severity.P1, errors: Severity.P2, latency: Severity.P2, memory: Severity.P2 },
      // Item 4.7.17 "Service down (immediate, P1)": deliberately 1 m, see the deviation below.
      downFor: Duration.minutes(1),
    });
    alerts.addAlert(
      SymptomAlerts.connectionPoolSaturated({
        service: service.name,
        severity: Severity.P1,
        runbookUrl: runbook('database-pool'),
        name: 'DatabasePoolExhausted',
        inUse: `go_sql_in_use_connections{namespace="${service.namespace}",job="${service.name}"}`,
        max: 100,
        // Item 4.7.17 "Database connection pool exhausted (immediate, P1)": deliberately 95 % for
        // 1 m, see the deviation below.
        maxPercent: 95,
        for: Duration.minutes(1),
        group: `${service.name}-database`,
      }),
    );
  }
  // Deviations from Item 4.7.17, listed in RELIABILITY.md. "Immediate" would be `for: 0`: one
  // failed scrape (a pod rescheduled, a slow /metrics) or one burst that briefly takes the whole
  // pool would page P1 at night, and pages that resolve themselves train people to ignore them.
  chart.addPlanDeviation({
    section: 'Item 4.7.17',
    plan: 'Service down: immediate, P1',
    chosen: 'TargetDown (P1) fires after 1 m without a target up',
    reason: 'two missed 30 s scrapes, not one: a single failed scrape is no outage and would page P1 for nothing',
  });
  chart.addPlanDeviation({
    section: 'Item 4.7.17',
    plan: 'Database connection pool exhausted: immediate, P1',
    chosen: 'DatabasePoolExhausted (P1) fires at 95 % of the 100-connection pool for 1 m',
    reason: 'a pool full for an instant is a burst the pool absorbs by queueing; full for a minute, requests time out',
  });
  alerts.addAlert(
    SymptomAlerts.volumeSpaceLow({
      service: postgres.name,
      severity: Severity.P3,
      runbookUrl: runbook('disk'),
      namespace: postgres.namespace,
      claims: `${postgres.name}-.*`,
      minFreePercent: 20,
      for: Duration.minutes(30),
      group: `${postgres.name}-disk`,
    }),
  );
  alerts.addAlert(
    SymptomAlerts.webSocketDrops({
      service: realtime.name,
      severity: Severity.P2,
      runbookUrl: runbook('websocket-drops'),
      connections: `realtime_websocket_connections{namespace="${realtime.namespace}",job="${realtime.name}"}`,
      maxDropPercent: 50,
      window: Duration.minutes(5),
      group: `${realtime.name}-websockets`,
    }),
  );
  alerts.addBackupAlerts(dumps, { runbookUrl: runbook('backups') });
  // Every service's readiness needs the database and Redis (§4.7.6), and reaches the database
  // through PgBouncer: no pooler or no Redis answering is every service down (P1, as "service
  // down"). Pool saturation, waiting clients, memory, evictions and replication go to the digest
  // (P3).
  alerts.addPgBouncerAlerts(postgres, { runbookUrl: runbook('database-pool'), downSeverity: Severity.P1, ticketSeverity: Severity.P3 });
  alerts.addRedisAlerts(redis, { runbookUrl: runbook('redis'), downSeverity: Severity.P1, ticketSeverity: Severity.P3 });
  alerts.addRestoreDrillAlerts(physicalDrill, { runbookUrl: runbook('backups') });
  // §4.7.12's RPO of 1 h holds only while WAL is archived: no WAL archived for an hour pages (P1),
  // failing archiving goes to the digest (P3) while the hour still has room for a fix.
  alerts.addPack(
    new WalArchiveAlertPack(postgres, { runbookUrl: runbook('wal-archive'), pageSeverity: Severity.P1, ticketSeverity: Severity.P3 }),
  );

  // Success metrics as SLOs over 30 days: "99.9 % uptime" for each service, "p95 < 200 ms" for the
  // request services (auth, posts; realtime's requests are WebSocket upgrades held open, so their
  // duration is no latency). Burn-rate alerts page on P1 and ticket on P2, like §4.7.17. The
  // metrics are the services' §4.7.4 RED metrics, as the alert packs above read them.
  const slos = new AlertingRuleset(chart, 'slos', { team: 'social' });
  const availability = new Map<ReliableService, Slo>();
  for (const service of [auth, posts, realtime]) {
    const selector = `namespace="${service.namespace}",job="${service.name}"`;
    const slo = new Slo(chart, `${service.component}-availability`, {
      service,
      team: 'social',
      name: 'availability',
      objective: 99.9,
      window: Duration.days(30),
      sli: Sli.requests({ total: `http_requests_total{${selector}}`, errors: `http_requests_total{${selector},code=~"5.."}` }),
      runbookUrl: runbook(service.component),
      pageSeverity: Severity.P1,
      ticketSeverity: Severity.P2,
    });
    slos.addSlo(slo);
    availability.set(service, slo);
    if (service === realtime) continue;
    // The latency SLI counts requests under a bucket boundary: the services' histogram needs a bucket
    // at le=0.2 (the Prometheus client's defaults jump from 0.1 to 0.25), declared as the apps'
    // buckets (APP_LATENCY_BUCKETS, the app contract), or the SLO would report no data.
    slos.addSlo(
      new Slo(chart, `${service.component}-latency`, {
        service,
        team: 'social',
        name: 'latency-p95',
        objective: 95,
        window: Duration.days(30),
        sli: Sli.latency({
          histogram: 'http_request_duration_seconds',
          selector: `{${selector}}`,
          threshold: Duration.millis(200),
          buckets: APP_LATENCY_BUCKETS,
        }),
        runbookUrl: runbook(service.component),
        pageSeverity: Severity.P1,
        ticketSeverity: Severity.P2,
      }),
    );
  }

  // §4.7.18 dashboards as code (Grafana sidecar ConfigMaps): the service overview — request rate,
  // error rate, latency, restarts, CPU/memory, replicas per service — and the SLOs' uptime and
  // error budgets. The plan's "business metrics" dashboard needs metrics the services do not export
  // yet (posts created, notifications, user growth). Query performance is what CNPG's default
  // exporter shows (transactions, rollbacks, deadlocks, temporary files): per-query latency would
  // need pg_stat_statements.
  const sloDashboard = new SloDashboard(chart, 'slo-dashboard', { title: 'social-backend — SLOs and error budgets' });
  for (const slo of slos.slos) sloDashboard.addSlo(slo);
  const serviceDashboard = new ServiceDashboard(chart, 'service-dashboard', { title: 'social-backend — service overview' });
  for (const service of [auth, posts, realtime]) {
    serviceDashboard.addService(service, { latency: service === realtime ? undefined : { histogram: 'http_request_duration_seconds' } });
  }
  // §4.7.18 Dashboard 4 "Database" (query performance, cache hit rate, replication lag) and Dashboard 2's connection pool status.
  new DatabaseDashboard(chart, 'database-dashboard', {
    title: 'social-backend — database and cache',
    databases: [postgres],
    caches: [redis],
  });

  // Notes: "implement chaos engineering (random failures)" and game days. In dev (off in prod):
  // pods of each service are deleted under load — realtime's clients must reconnect to the
  // remaining pods (§4.7.8) — while the service's availability SLO must not burn at page rate.
  for (const service of [auth, posts, realtime]) {
    new ChaosExperiment(chart, `${service.component}-chaos`, {
      target: service,
      experiments: [
        ChaosFault.podDelete({ duration: Duration.seconds(60), interval: Duration.seconds(20), podsAffectedPercent: 50, force: false }),
      ],
      steadyState: SteadyStateProbe.slo({
        slo: availability.get(service) as Slo,
        endpoint: 'http://prometheus-operated.monitoring.svc:9090',
      }),
    });
  }

  // §4.7.17 notification channels: Slack (all alerts), PagerDuty (P1, P2), email digest (P3);
  // warnings are inhibited while a page of the same service fires. Webhook URL, routing key and
  // SMTP password come from the synced alerting Secret.
  new AlertRouting(chart, 'alert-routing', {
    slack: { apiUrl: secrets.alerting.key('slack-webhook-url'), channel: '#social-alerts' },
    pagerDuty: { routingKey: secrets.alerting.key('pagerduty-routing-key'), severities: [Severity.P1, Severity.P2] },
    email: {
      to: 'social-oncall@lucena.cloud',
      from: 'alertmanager@lucena.cloud',
      smarthost: 'smtp.lucena.cloud:587',
      authUsername: 'alertmanager',
      authPassword: secrets.alerting.key('smtp-password'),
    },
  });

  return chart;
}
