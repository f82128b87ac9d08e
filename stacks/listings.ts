/**
 * listings — seed 004 (svetu.rs marketplace). Listings service (gRPC + REST, Go/Fiber) and its
 * async OpenSearch indexing worker → PostgreSQL 15, Redis 7, OpenSearch, MinIO.
 *
 * The plan (a README) has no numbered sections: comments cite its headings as
 * `§Heading › Subheading`, e.g. `§Production Operations › Backup Schedule`.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AlertingRuleset,
  AlertRouting,
  BackupSchedule,
  BackupTarget,
  ChaosExperiment,
  ChaosFault,
  ConnectionRoute,
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
  WalCompression,
} from '../lib';
import { offsiteBackupCredentials, offsiteBackupTarget } from './offsite-backups';
import { APP_LATENCY_BUCKETS, BACKUP_JOB_RESOURCES, TRAEFIK } from './shared';

/**
 * Image tags deployed per component. §Tech Stack names PostgreSQL 15 and Redis 7; the service's
 * tag is the plan's version (footer: 0.1.0), bumped by the release pipeline (never `latest`).
 */
export const LISTINGS_IMAGES = {
  service: 'ghcr.io/sveturs/listings:0.1.0',
  // §Tech Stack: PostgreSQL 15 — the cluster stays on that major (dumps and restores pin to it).
  // Patched releases, pinned with their CVEs in lib/core/images.ts.
  postgres: Images.POSTGRES_15,
  // §Tech Stack: Redis 7.
  redis: Images.REDIS,
} as const;

/**
 * The plan's ports. §Configuration › Server Ports and §Quick Start agree on gRPC 50053, HTTP
 * 8086, metrics 9093. §Monitoring says metrics are on the HTTP port, and §Timeout Configuration
 * uses :50051 and :9090 — those contradict the configured ports (the timeout examples are
 * stale): the configured ports win, and metrics are scraped from the dedicated port, which the
 * gateway never routes.
 */
export const LISTINGS_PORTS = { grpc: 50053, http: 8086, metrics: 9093 } as const;

/**
 * §Production Operations › Backup Schedule: PostgreSQL backups (base backups + WAL) go to the
 * in-cluster MinIO (the S3-compatible store of §Features); the weekly copy to off-site S3 is the
 * "S3 Sync" line, which BackupSchedule will carry. The plan names no bucket: `listings-backups`
 * is ours. Its credentials are a dedicated Secret, not the app's MinIO key (§Features' image
 * storage): the app must never be able to delete its own backups.
 */
export const LISTINGS_BACKUPS = BackupTarget.minio({
  endpoint: 'http://minio.minio:9000',
  bucket: 'listings-backups',
  prefix: 'postgres',
  credentials: { secretName: 'listings-backup-credentials', accessKeyIdKey: 'access-key', secretAccessKeyKey: 'secret-key' },
});

/**
 * What listings talks to but does not own. The plan gives only ports (§Architecture: OpenSearch
 * 9200, MinIO 9000); the namespaces and Service names are our assumption: each runs in a
 * namespace named after it with a Service of the same name (`minio.minio`, as homepage's MinIO).
 */
const EXTERNAL = {
  opensearch: { namespace: 'opensearch', url: 'http://opensearch.opensearch.svc:9200', port: 9200 },
  minio: { namespace: 'minio', endpoint: 'minio.minio.svc:9000', port: 9000 },
} as const;

/**
 * §Features "gRPC for internal service communication" and §Architecture: "Other Services" call
 * listings over gRPC (50053) — §Related Services names the main monolith (svetu) and the delivery
 * service. gRPC stays inside the cluster: the service's NetworkPolicy admits these callers on the
 * grpc port, and the gateway publishes only REST. Their namespaces are assumed (each named after
 * its service); a new caller is a line here.
 */
export const LISTINGS_GRPC_CALLERS = ['svetu', 'delivery'] as const;

/**
 * Nothing secret in Git (§Configuration's `.env` values such as `listings_password` and
 * OpenSearch's `admin/admin` are local defaults; §Production Deployment keeps production's in
 * `.env.prod`): external-secrets syncs every Secret the stack reads from the secret manager
 * (ClusterSecretStore `secret-manager`, as postfacta's; the plan names none) under
 * `listings/<env>/…`, including the off-site backup credentials, whose entry the Pulumi program
 * writes (stacks/offsite-backups.ts). SyncedSecrets are applied with the data layer, whose CNPG
 * archive and Redis read two of them.
 */
const SECRET_STORE = SecretStore.cluster('secret-manager');

function syncSecrets(chart: SystemChart, env: Environment) {
  const remote = (path: string, ...properties: string[]) => SyncedSecret.propertiesOf(`listings/${env.name}/${path}`, ...properties);
  return {
    // The backup target names its Secret and keys; the synced Secret is derived from it, so the two
    // cannot drift apart. A MinIO key for the backup bucket only, not the app's.
    backup: new SyncedSecret(chart, 'backup-credentials', {
      store: SECRET_STORE,
      secretName: LISTINGS_BACKUPS.accessKeyId.name,
      keys: remote('backup-minio', LISTINGS_BACKUPS.accessKeyId.key, LISTINGS_BACKUPS.secretAccessKey.key),
    }),
    // §Backup Schedule › S3 sync: the off-site bucket's IAM keys, for the weekly sync job.
    offsite: offsiteBackupCredentials(chart, SECRET_STORE),
    // §Configuration › Redis: SVETULISTINGS_REDIS_PASSWORD.
    redis: new SyncedSecret(chart, 'redis-password', {
      store: SECRET_STORE,
      secretName: 'listings-redis',
      keys: remote('redis', 'password'),
    }),
    // §OpenSearch Integration › Configuration: the service's OpenSearch user (never admin/admin).
    opensearch: new SyncedSecret(chart, 'opensearch', { store: SECRET_STORE, keys: remote('opensearch', 'username', 'password') }),
    // §Features › S3 Storage: the app's MinIO key for its image bucket.
    minio: new SyncedSecret(chart, 'minio', { store: SECRET_STORE, keys: remote('minio', 'access-key', 'secret-key') }),
    // §Production Operations › Alerts: the Slack webhook, the PagerDuty routing key and the SMTP password.
    alerting: new SyncedSecret(chart, 'alerting', {
      store: SECRET_STORE,
      keys: remote('alerting', 'slack-webhook-url', 'pagerduty-routing-key', 'smtp-password'),
    }),
  };
}

/** The plan's runbook (docs/operations/RUNBOOK.md) as published pages (assumed URLs). */
const runbook = (page: string) => `https://runbooks.lucena.cloud/listings/${page}`;

export function listingsStack(stage: EnvironmentStage): SystemChart {
  const env = stage.environment;
  const chart = new SystemChart(stage, 'listings');
  const secrets = syncSecrets(chart, env);

  // §Configuration › Database: database listings_db owned by listings_user, on CloudNativePG with
  // a streaming standby (99.9 % availability, §Production Operations › Key Metrics). The plan's
  // port 35433 is docker-compose's host mapping; in the cluster it is 5432.
  const postgres = new HAPostgres(chart, 'postgres', {
    image: LISTINGS_IMAGES.postgres,
    // The plan is silent on instances: a primary and one standby (failover in seconds; a restore,
    // the 1 h RTO path, only when both are lost). dev: one instance.
    instances: env.pick({ prod: 2, dev: 1 }),
    singleInstance: !env.isProduction,
    // The plan gives no sizes (§Migration Status: tens of rows today); room to grow, on the
    // cluster's default storage class. WAL gets its own volume so a stalled archive cannot fill
    // the data volume: at one forced 16 MB segment per archive_timeout (5 min) that is ~4.6 GB a
    // day, so prod has ~2 days to notice a broken archive.
    storage: { size: env.pick({ prod: Size.gibibytes(20), dev: Size.gibibytes(2) }) },
    walStorage: { size: env.pick({ prod: Size.gibibytes(10), dev: Size.gibibytes(2) }) },
    resources: env.pick({
      prod: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
      dev: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    }),
    // Plan silent (§Performance: "Connection Pooling: configured"): 100 leaves 96 for
    // applications, against 2 × 20 pooler connections plus the worker's direct 2 × 10.
    maxConnections: 100,
    database: 'listings_db',
    owner: 'listings_user',
    // Dumps run as a read-only role (pg_read_all_data) on the standby, not as the owner.
    backupRole: { store: SECRET_STORE, remoteKey: `listings/${env.name}/postgres-backup-role` },
    // The API's pods multiplex through PgBouncer in transaction mode, so scaling out never
    // exhausts max_connections. Assumes the Go driver's prepared statements are protocol-level
    // (PgBouncer ≥ 1.21 tracks them) — no session state in the API.
    pooler: { instances: 2, poolMode: PoolMode.TRANSACTION, defaultPoolSize: 20 },
    backup: {
      // Each environment archives to its own path: two clusters on one path corrupt each other's
      // WAL history.
      target: env.isProduction ? LISTINGS_BACKUPS : LISTINGS_BACKUPS.withPrefix(env.name),
      // §Production Operations › Backup Schedule: retention 30 days.
      retention: '30d',
      // §Backup Schedule: full backup daily at 02:00 UTC (the CNPG operator runs in UTC).
      schedule: '0 2 * * *',
      walCompression: WalCompression.GZIP,
      // §Backup Schedule says "Incremental: Hourly (WAL archiving)", but §Roadmap › Phase 9.8
      // promises RPO 15 min: archiving WAL hourly would lose up to 60 min. WAL is archived
      // continuously (each segment as it fills), and archive_timeout forces a segment out after
      // 5 min of low traffic, leaving 10 min of the RPO for the upload and its retries.
      archiveTimeout: Duration.minutes(5),
      rpo: Duration.minutes(15),
    },
  });

  // §Features › Caching Layer and §Performance: Redis caches listings (5 min TTL) and searches
  // (2 min) and backs the rate limiter. Cache loss is acceptable (dev: one pod without
  // persistence, a restart starts cold), but in prod it must not be a single point of failure:
  // Sentinel. The plan asks for no persistence; under Sentinel it is needed anyway: a master
  // restarted faster than down-after-milliseconds comes back empty and its replicas copy the
  // empty dataset (redis.io replication docs) — the AOF on the default class, 2 × maxmemory.
  // §Configuration › Redis: password-protected (SVETULISTINGS_REDIS_PASSWORD), from a Secret.
  const redis = new RedisCache(chart, 'redis', {
    image: LISTINGS_IMAGES.redis,
    resources: env.pick({
      prod: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      dev: { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    }),
    password: secrets.redis.key('password'),
    ...(env.isProduction
      ? { sentinel: { replicas: 3 }, persistence: { size: Size.gibibytes(1), appendOnly: true } }
      : { singleInstance: true }),
  });

  // §Configuration: everything through SVETULISTINGS_* variables. The plan is silent on
  // resources: no CPU limit (Reliakit's rule: a CFS quota throttles even on an idle node), so
  // GOMAXPROCS bounds the Go scheduler instead (Go sizes it from the node's CPUs otherwise), and
  // GOMEMLIMIT keeps the GC ahead of the OOM killer (~90 % of the memory limit).
  const runtime = env.pick({
    prod: { GOMAXPROCS: EnvValue.literal('2'), GOMEMLIMIT: EnvValue.literal('460MiB') },
    dev: { GOMAXPROCS: EnvValue.literal('1'), GOMEMLIMIT: EnvValue.literal('230MiB') },
  });
  // §OpenSearch Integration › Configuration: the microservice's index is `listings_microservice`
  // (not the monolith's `marketplace_listings`); credentials from a Secret, never `admin/admin`.
  const opensearchEnv = {
    SVETULISTINGS_OPENSEARCH_ADDRESSES: EnvValue.literal(EXTERNAL.opensearch.url),
    SVETULISTINGS_OPENSEARCH_USERNAME: secrets.opensearch.env('username'),
    SVETULISTINGS_OPENSEARCH_PASSWORD: secrets.opensearch.env('password'),
    SVETULISTINGS_OPENSEARCH_INDEX: EnvValue.literal('listings_microservice'),
  };

  const service = new ReliableService(chart, 'service', {
    image: LISTINGS_IMAGES.service,
    // §Configuration › Server Ports: gRPC 50053, HTTP 8086, metrics 9093.
    ports: { ...LISTINGS_PORTS },
    env: {
      SVETULISTINGS_GRPC_PORT: EnvValue.literal(String(LISTINGS_PORTS.grpc)),
      SVETULISTINGS_HTTP_PORT: EnvValue.literal(String(LISTINGS_PORTS.http)),
      SVETULISTINGS_METRICS_PORT: EnvValue.literal(String(LISTINGS_PORTS.metrics)),
      // §Features › Async Processing: indexing runs in the `worker` Deployment below, so it
      // scales and drains apart from request serving. Variable name assumed (§Configuration
      // points to .env.example, which the plan does not show).
      SVETULISTINGS_WORKER_ENABLED: EnvValue.literal('false'),
      ...opensearchEnv,
      // §Features › S3 Storage: images in MinIO. Names follow the plan's
      // SVETULISTINGS_<SECTION>_<KEY> pattern (not listed in the plan); the endpoint is host:port
      // as minio-go takes it; the app's own key, not the backup key.
      SVETULISTINGS_MINIO_ENDPOINT: EnvValue.literal(EXTERNAL.minio.endpoint),
      SVETULISTINGS_MINIO_ACCESS_KEY: secrets.minio.env('access-key'),
      SVETULISTINGS_MINIO_SECRET_KEY: secrets.minio.env('secret-key'),
      ...runtime,
    },
    resources: env.pick({
      prod: {
        cpu: { request: Cpu.millis(500) },
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
      },
      dev: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    }),
    probes: {
      // §Monitoring › Health Check: /ready and /health on the HTTP port. Readiness takes a pod
      // out of rotation within ~10 s (p99 < 2 s, §Key Metrics); liveness only asks whether the
      // process answers. Timings: plan silent.
      readiness: Probe.http('/ready', { period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 2 }),
      liveness: Probe.http('/health', { period: Duration.seconds(10), timeout: Duration.seconds(3), failureThreshold: 3 }),
      // Plan silent: start-up connects to PostgreSQL, Redis, OpenSearch and MinIO.
      maxStartupTime: Duration.seconds(60),
    },
    // Plan silent on shutdown; §Timeout Configuration's longest request is BatchUpdateStock at
    // 20 s, so the server gets 25 s after SIGTERM to finish it (grace 5 + 25 + 5 = 35 s). The
    // plan's blue-green scripts (§Production Deployment) are replaced by a rolling update that
    // never removes a serving pod before its replacement is ready.
    shutdown: { preStop: PreStopHook.sleep(Duration.seconds(5)), drainTimeout: Duration.seconds(25) },
    // Plan silent on capacity ("high-performance, scalable"): 3 pods at least in prod, so one
    // can drain while another fails and the 99.9 % SLO holds; CPU 70 %. Scale up at once,
    // down slowly (no flapping).
    autoscaling: {
      minReplicas: env.pick({ prod: 3, dev: 2 }),
      maxReplicas: env.pick({ prod: 10, dev: 3 }),
      cpuUtilizationPercent: 70,
      scaleUp: {
        stabilizationWindow: Duration.seconds(0),
        policies: [ScalingPolicy.percent(100, Duration.seconds(30))],
        selectPolicy: SelectPolicy.MAX,
      },
      scaleDown: { stabilizationWindow: Duration.seconds(300), policies: [ScalingPolicy.percent(50, Duration.seconds(60))] },
    },
    // Plan silent: one pod at a time during voluntary disruptions.
    disruptionBudget: { maxUnavailable: 1 },
    // §Quick Start: metrics on :9093/metrics. The plan sets no scrape interval: 30 s (its DB
    // stats collector updates every 15 s, which the SLOs do not need at that resolution).
    monitoring: { port: 'metrics', path: '/metrics', interval: Duration.seconds(30), scrapeTimeout: Duration.seconds(10) },
    // Fiber may spool multipart image uploads (§Features › S3 Storage) to disk.
    writableDirectories: [{ path: '/tmp', sizeLimit: Size.mebibytes(256) }],
    // gRPC from the in-cluster callers only (LISTINGS_GRPC_CALLERS); REST comes through the gateway.
    ingress: LISTINGS_GRPC_CALLERS.map((caller) => ({ from: NetworkPeer.namespace(caller), ports: ['grpc' as const] })),
    dependencies: [
      { to: NetworkPeer.namespace(EXTERNAL.opensearch.namespace), ports: [EXTERNAL.opensearch.port] },
      { to: NetworkPeer.namespace(EXTERNAL.minio.namespace), ports: [EXTERNAL.minio.port] },
      // §Production Deployment lists an Auth service as a dependency but gives no address or
      // port: no egress is opened to it until it is known.
    ],
  });

  // §Configuration › Database: SVETULISTINGS_DB_HOST/PORT/NAME/USER/PASSWORD, user and password
  // from the CNPG app Secret. Pool size: plan silent; 20 per pod, 10 × 20 = 200 client
  // connections at maximum scale, multiplexed onto 2 × 20 server connections.
  postgres.addClient(service, { poolSizePerPod: 20, envPrefix: 'SVETULISTINGS_DB_' });
  // §Configuration › Redis: SVETULISTINGS_REDIS_HOST/PORT/PASSWORD. In prod HOST/PORT name the
  // sentinels and SVETULISTINGS_REDIS_SENTINEL_MASTER the master set: the app's Redis client
  // must be Sentinel-aware (go-redis NewFailoverClient), which the plan's config does not show.
  redis.addClient(service, { envPrefix: 'SVETULISTINGS_REDIS_' });

  // §Features › Async Processing and §Performance: the OpenSearch indexing worker, 5 concurrent
  // workers, draining §Database Schema's `indexing_queue` table. Same binary in worker mode; no
  // traffic, so its only port is metrics (§Monitoring › Worker Metrics: queue size, jobs, job
  // duration).
  const worker = new ReliableService(chart, 'worker', {
    image: LISTINGS_IMAGES.service,
    ports: { metrics: LISTINGS_PORTS.metrics },
    env: {
      SVETULISTINGS_METRICS_PORT: EnvValue.literal(String(LISTINGS_PORTS.metrics)),
      // Variable names assumed, as above.
      SVETULISTINGS_WORKER_ENABLED: EnvValue.literal('true'),
      // §Performance: "Worker Concurrency: 5 concurrent indexing workers" (per process).
      SVETULISTINGS_WORKER_CONCURRENCY: EnvValue.literal('5'),
      ...opensearchEnv,
      ...env.pick({
        prod: { GOMAXPROCS: EnvValue.literal('1'), GOMEMLIMIT: EnvValue.literal('230MiB') },
        dev: { GOMAXPROCS: EnvValue.literal('1'), GOMEMLIMIT: EnvValue.literal('115MiB') },
      }),
    },
    resources: env.pick({
      prod: {
        cpu: { request: Cpu.millis(100) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
      dev: { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
    }),
    probes: {
      // The plan gives the worker no health endpoint. Readiness: the metrics handler answers
      // (the process is up and registered its collectors); liveness: the metrics listener
      // accepts connections. Neither sees a stuck job loop — that is what the IndexingStalled
      // alert below is for.
      readiness: Probe.http('/metrics', { port: 'metrics', period: Duration.seconds(10), timeout: Duration.seconds(3) }),
      liveness: Probe.tcp({ port: 'metrics', period: Duration.seconds(10), timeout: Duration.seconds(3), failureThreshold: 3 }),
      maxStartupTime: Duration.seconds(60),
    },
    // No traffic reaches it, so no preStop wait; 30 s to finish the jobs in flight (plan silent;
    // an unfinished job stays in indexing_queue and is retried).
    shutdown: { preStop: PreStopHook.none(), drainTimeout: Duration.seconds(30) },
    // Two pods in prod (10 concurrent jobs in all), so indexing survives a node drain; assumes
    // the queue is claimed with row locks (SELECT … FOR UPDATE SKIP LOCKED), as 5 concurrent
    // workers already require, and indexing by document id is idempotent. dev: one pod — an
    // indexing lag there harms no one.
    ...(env.isProduction ? { replicas: 2, disruptionBudget: { maxUnavailable: 1 } } : { replicas: 1, singleReplica: true }),
    monitoring: { port: 'metrics', path: '/metrics', interval: Duration.seconds(30), scrapeTimeout: Duration.seconds(10) },
    writableDirectories: [{ path: '/tmp' }],
    dependencies: [{ to: NetworkPeer.namespace(EXTERNAL.opensearch.namespace), ports: [EXTERNAL.opensearch.port] }],
  });

  // The queue lives in PostgreSQL. The worker connects to the primary directly, not through the
  // transaction pooler, so session features a queue consumer may use (LISTEN/NOTIFY, advisory
  // locks) keep working: 5 workers + the poller + headroom = 10 per pod, 2 × 10 direct
  // connections.
  postgres.addClient(worker, { poolSizePerPod: 10, via: ConnectionRoute.PRIMARY, envPrefix: 'SVETULISTINGS_DB_' });

  // §Backup Schedule: full backup daily at 02:00 UTC (a logical dump beside CNPG's base backup and
  // WAL archive), verification daily at 03:00 UTC (the restore drill restores the newest dump and
  // compares every table with its manifest), S3 sync weekly on Sunday at 04:00 UTC to the off-site
  // bucket of the Pulumi stack, retention 30 days.
  const dumps = new BackupSchedule(chart, 'postgres-dump', {
    source: postgres.backupSource(),
    target: LISTINGS_BACKUPS,
    schedule: '0 2 * * *',
    retention: Retention.days(30),
    restoreDrill: { schedule: '0 3 * * *' },
    offsite: { target: offsiteBackupTarget('listings', env), schedule: '0 4 * * 0' },
    resources: BACKUP_JOB_RESOURCES,
  });

  // §Production Readiness: "Tested restore procedures (RTO: 1h, RPO: 15min)". Weekly, a throwaway
  // cluster recovered from the WAL archive is timed against the hour and its main tables
  // (§Database Schema: listings, listing_images) read in full, then deleted.
  const physicalDrill = new PostgresRestoreDrill(chart, 'postgres-restore-drill', {
    database: postgres,
    schedule: '0 5 * * 0',
    rto: Duration.hours(1),
    tables: ['listings', 'listing_images'],
  });

  // §Features: HTTP REST is the external API, gRPC the internal one (LISTINGS_GRPC_CALLERS reach it
  // inside the cluster), so the gateway publishes REST only. The plan names no domain:
  // listings.lucena.cloud (assumed), certificates from cert-manager. /metrics stays internal
  // (§API Documentation lists it as public: it is scraped on the separate metrics port instead).
  const gateway = new TraefikGateway(chart, 'gateway', {
    hosts: [env.pick({ prod: 'listings.lucena.cloud', dev: 'listings.dev.lucena.cloud' })],
    tls: GatewayTls.certManager('letsencrypt'),
    traefik: TRAEFIK,
    middlewares: [Middleware.securityHeaders()],
  });
  gateway.addRoute('rest', {
    to: service,
    pathPrefixes: ['/api/v1'],
    middlewares: [
      // A flood guard per client IP in front of the service's own per-endpoint Redis limiter
      // (§Performance "Rate Limiting"). The plan gives no number: 600 requests/minute per address,
      // bursts of 100, each Traefik replica enforcing its share (RELIABILITY.md › Rate limits).
      Middleware.rateLimit({
        average: 600,
        burst: 100,
        period: Duration.minutes(1),
        sourceCriterion: SourceCriterion.clientIp(),
        perReplica: true,
      }),
    ],
  });

  // §Key Metrics SLOs: availability 99.9 %, p95 < 1 s, p99 < 2 s over 30 days ("error rate < 1 %"
  // is a looser threshold than the 99.9 % budget, which already covers it: it is the HighErrorRate
  // alert below). REST from listings_http_requests_total{status} /
  // listings_http_request_duration_seconds (§Monitoring › HTTP Metrics).
  // Severities (§Production Operations › Alerts): the page tiers (2 % of the month's budget in an
  // hour, 5 % in 6 hours) are an outage in progress, so they page as Critical (P1) — the plan's "SLO:
  // Email + Slack, review within 24 hours" fits only the slow tiers, which are P3 and reach the email
  // digest; so does a missing SLI (TargetDown pages if the service is gone).
  const slos = new AlertingRuleset(chart, 'slos', { team: 'listings' });
  const job = `namespace="${service.namespace}",job="${service.name}"`;
  const sloSeverities = { pageSeverity: Severity.P1, ticketSeverity: Severity.P3, noData: { severity: Severity.P3 } };
  const availability = new Slo(chart, 'service-availability', {
    service,
    team: 'listings',
    name: 'availability',
    objective: 99.9,
    window: Duration.days(30),
    sli: Sli.requests({ total: `listings_http_requests_total{${job}}`, errors: `listings_http_requests_total{${job},status=~"5.."}` }),
    runbookUrl: runbook('availability'),
    ...sloSeverities,
  });
  slos.addSlo(availability);
  // A latency SLI counts requests under a bucket boundary: the service's histogram needs buckets at
  // le=1 and le=2 (the Prometheus client's defaults have 1 and 2.5). Without one, the SLO reports
  // no data (SliDataMissing) instead of looking healthy.
  for (const [id, objective, seconds] of [
    ['latency-p95', 95, 1],
    ['latency-p99', 99, 2],
  ] as const) {
    slos.addSlo(
      new Slo(chart, `service-${id}`, {
        service,
        team: 'listings',
        name: id,
        objective,
        window: Duration.days(30),
        sli: Sli.latency({
          histogram: 'listings_http_request_duration_seconds',
          selector: `{${job}}`,
          threshold: Duration.seconds(seconds),
          // The p99's 2 s is not a client-library default bucket: the app exposes APP_LATENCY_BUCKETS.
          buckets: APP_LATENCY_BUCKETS,
        }),
        runbookUrl: runbook('latency'),
        ...sloSeverities,
      }),
    );
  }

  // Symptom alerts, prioritized as §Production Operations › Alerts: Critical (P1) when listings
  // are down for users, High (P2) when they degrade, Medium (P3) for what needs a look within the
  // hour. The plan's "20 alert rules" are not listed; these carry its Key Metrics thresholds.
  const alerts = new AlertingRuleset(chart, 'alerts', { team: 'listings' });
  // The service: down P1; error rate above the 1 % of §Key Metrics for 5m, P2; crash loops, pods
  // not ready, memory near the limit, HPA at its maximum, P3. Memory at 95 %: GOMEMLIMIT holds the
  // heap at 90 % of the limit, so above 95 % the runtime has lost that fight.
  alerts.addServiceAlerts(service, {
    runbookUrl: runbook('service'),
    requests: `listings_http_requests_total{${job}}`,
    errors: `listings_http_requests_total{${job},status=~"5.."}`,
    maxErrorPercent: 1,
    memoryMaxPercent: 95,
    severities: {
      down: Severity.P1,
      errors: Severity.P2,
      crashLooping: Severity.P3,
      notReady: Severity.P3,
      memory: Severity.P3,
      hpaMaxedOut: Severity.P3,
      hpaScaling: Severity.P3,
    },
  });
  // §Key Metrics latency thresholds as symptoms: p95 above 1 s and p99 above 2 s for 10m, P2.
  for (const [name, quantile, seconds] of [
    ['HighLatencyP95', 0.95, 1],
    ['HighLatencyP99', 0.99, 2],
  ] as const) {
    alerts.addAlert(
      SymptomAlerts.latencyAbove({
        service: service.name,
        severity: Severity.P2,
        runbookUrl: runbook('latency'),
        name,
        histogram: 'listings_http_request_duration_seconds',
        selector: `{${job}}`,
        quantile,
        threshold: Duration.seconds(seconds),
        for: Duration.minutes(10),
        labels: { namespace: service.namespace },
        group: `${service.name}-latency`,
      }),
    );
  }
  // The indexing worker (§Features › Async Processing) serves no request (no error alert): down is
  // P2 (search results go stale, listings are still served), the rest P3, memory at 95 % as for the
  // service. Its queue (§Monitoring › Worker Metrics) waiting for 15 minutes while no job completes
  // is a stuck worker its probes cannot see.
  alerts.addServiceAlerts(worker, {
    runbookUrl: runbook('indexing'),
    requests: false,
    memoryMaxPercent: 95,
    severities: {
      down: Severity.P2,
      crashLooping: Severity.P3,
      notReady: Severity.P3,
      memory: Severity.P3,
      hpaMaxedOut: Severity.P3,
      hpaScaling: Severity.P3,
    },
  });
  const workerJob = `namespace="${worker.namespace}",job="${worker.name}"`;
  alerts.addAlert({
    name: 'IndexingStalled',
    severity: Severity.P3,
    for: Duration.minutes(15),
    runbookUrl: `${runbook('indexing')}#indexingstalled`,
    group: `${worker.name}-indexing`,
    expr:
      `max by (namespace) (listings_indexing_queue_size{${workerJob}}) > 0\nunless on (namespace)\n` +
      `sum by (namespace) (rate(listings_indexing_jobs_processed_total{${workerJob}}[15m])) > 0`,
    labels: { namespace: worker.namespace, service: worker.name },
    summary: `${worker.name}: the indexing queue is not draining`,
    description:
      'Jobs wait in indexing_queue, but no indexing job has completed for 15 minutes: OpenSearch falls behind the database and searches return stale listings. ' +
      "Check the worker's logs and OpenSearch's health.",
  });
  // PostgreSQL: down, no primary, out of connections or disk page (P1: every request needs it), and
  // so does no WAL archived for longer than §Roadmap › Phase 9.8's 15-min RPO; HA, lag, disk,
  // backup and failing WAL archiving tickets are P3. The dumps, their daily verification and the weekly S3
  // sync (§Backup Schedule): P3.
  alerts.addPostgresAlerts(postgres, { runbookUrl: runbook('postgres'), pageSeverity: Severity.P1, ticketSeverity: Severity.P3 });
  // The service's readiness needs every dependency (§Health Checks: PostgreSQL, Redis, …) and it
  // reaches PostgreSQL through PgBouncer: no pooler or no Redis answering is the service down (P1);
  // memory near maxmemory, evictions, replication and the pool's saturation are P3.
  alerts.addPgBouncerAlerts(postgres, { runbookUrl: runbook('pgbouncer'), downSeverity: Severity.P1, ticketSeverity: Severity.P3 });
  alerts.addRedisAlerts(redis, { runbookUrl: runbook('redis'), downSeverity: Severity.P1, ticketSeverity: Severity.P3 });
  alerts.addBackupAlerts(dumps, { runbookUrl: runbook('backups'), severity: Severity.P3 });
  alerts.addRestoreDrillAlerts(physicalDrill, { runbookUrl: runbook('backups'), severity: Severity.P3 });

  // §Monitoring dashboards as code (Grafana sidecar ConfigMaps): the SLOs with their error budgets;
  // the service's RED (HTTP metrics), saturation, restarts and replicas; the indexing worker's
  // jobs as its requests (§Monitoring › Worker Metrics; a job whose `status` is not `success` —
  // the label's values are assumed — as its errors).
  new SloDashboard(chart, 'slo-dashboard', { title: 'listings — SLOs and error budgets', slos: slos.slos });
  const serviceDashboard = new ServiceDashboard(chart, 'service-dashboard', { title: 'listings — service and indexing worker' });
  serviceDashboard.addService(service, {
    requests: `listings_http_requests_total{${job}}`,
    errors: `listings_http_requests_total{${job},status=~"5.."}`,
    latency: { histogram: 'listings_http_request_duration_seconds', selector: `{${job}}` },
  });
  serviceDashboard.addService(worker, {
    requests: `listings_indexing_jobs_processed_total{${workerJob}}`,
    errors: `listings_indexing_jobs_processed_total{${workerJob},status!="success"}`,
  });
  // The data layer's view beside the service dashboard: PostgreSQL and Redis, from their exporters.
  new DatabaseDashboard(chart, 'database-dashboard', { title: 'listings — database and cache', databases: [postgres], caches: [redis] });

  // §Production Operations › Alerts: Critical (P1) → PagerDuty; High (P2) → Slack + PagerDuty;
  // Medium (P3) → Slack; SLO → email + Slack. Every alert also reaches Slack (P1 too: the channel
  // is where the team follows an incident). The plan's "SLO" class is the slow burn-rate tiers, P3
  // here, and AlertRouting's digest matches priorities only: the Medium alerts reach the digest too.
  // Channel and addresses are assumed (the plan names none).
  new AlertRouting(chart, 'alert-routing', {
    slack: { apiUrl: secrets.alerting.key('slack-webhook-url'), channel: '#listings-alerts' },
    pagerDuty: { routingKey: secrets.alerting.key('pagerduty-routing-key'), severities: [Severity.P1, Severity.P2] },
    email: {
      to: 'listings-team@lucena.cloud',
      from: 'alertmanager@lucena.cloud',
      smarthost: 'smtp.lucena.cloud:587',
      authUsername: 'alertmanager',
      authPassword: secrets.alerting.key('smtp-password'),
      severities: [Severity.P3],
    },
  });

  // Chaos in dev (off in prod), as llm-data-vault's §8.2: pods of the service are deleted under load
  // — one at a time, gracefully, so the preStop wait and the 25 s drain are exercised — while the
  // availability SLO must not burn at page rate.
  new ChaosExperiment(chart, 'service-chaos', {
    target: service,
    experiments: [ChaosFault.podDelete({ duration: Duration.seconds(60), interval: Duration.seconds(20), force: false })],
    steadyState: SteadyStateProbe.slo({ slo: availability, endpoint: 'http://prometheus-operated.monitoring.svc:9090' }),
  });

  return chart;
}
