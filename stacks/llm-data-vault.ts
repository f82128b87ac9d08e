/**
 * llm-data-vault — seed 002 ("Reliability Architecture"). One Go API on :8080 in front of
 * PostgreSQL (CloudNativePG, through PgBouncer), Redis (Sentinel), AWS KMS and S3; 99.9 %
 * availability, p99 < 200 ms (§1.2).
 *
 * Names: the plan's runbooks type `deployment/llm-data-vault` and `-l app=llm-data-vault` (§9.3);
 * Reliakit names objects `<system>-<component>` and labels them `app.kubernetes.io/*`, so the
 * API is `deploy/llm-data-vault-api -n llm-data-vault`, selected by
 * `-l app.kubernetes.io/name=llm-data-vault-api` — the runbooks must be updated to match.
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
import { APP_LATENCY_BUCKETS, BACKUP_JOB_RESOURCES, TRAEFIK } from './shared';

/**
 * Image tags deployed per component. §5.3 deploys `llm-data-vault:latest`, which is mutable (a
 * rollback would redeploy whatever `latest` is now): pinned to the release tag instead, bumped by
 * the release pipeline.
 */
export const LLM_DATA_VAULT_IMAGES = {
  api: 'ghcr.io/lucena-cloud/llm-data-vault:1.0.0',
  // §10.3: the integration tests run against postgres:15, so the cluster stays on that major.
  // Patched releases, pinned with their CVEs in lib/core/images.ts.
  postgres: Images.POSTGRES_15,
  // §10.3: the integration tests run against redis:7.
  redis: Images.REDIS,
} as const;

/**
 * AWS region of KMS, S3 and the backup bucket. The plan names none; its prices (§7.4: $0.023 per
 * GB stored is S3 Standard in us-east-1) and instance types (§7.2: db.r5.xlarge, cache.r5.large)
 * are AWS us-east-1's, so that is assumed.
 */
export const LLM_DATA_VAULT_REGION = 'us-east-1';

/**
 * Continuous PostgreSQL backups go to the plan's object store, S3 (§7.2, §6.3). Each environment
 * has its own bucket (not just a prefix): the vault holds sensitive data, and dev's credentials
 * must never be able to read or delete prod's backups. SSE-KMS (the plan's KMS, §4.5) rather than
 * SSE-S3: access to the backups is then audited and revocable with the key. CNPG's ObjectStore
 * has no key-ID field, so the key named here must be the bucket's default SSE-KMS key.
 * Credentials: Secret `llm-data-vault-backup-s3` (`access-key`/`secret-key`), synced from the
 * secret manager (see syncSecrets).
 */
export const LLM_DATA_VAULT_BACKUPS = {
  prod: BackupTarget.s3({
    bucket: 'llm-data-vault-backups-prod',
    prefix: 'postgres',
    region: LLM_DATA_VAULT_REGION,
    kmsKeyId: 'alias/llm-data-vault-backups-prod',
    credentials: { secretName: 'llm-data-vault-backup-s3' },
  }),
  dev: BackupTarget.s3({
    bucket: 'llm-data-vault-backups-dev',
    prefix: 'postgres',
    region: LLM_DATA_VAULT_REGION,
    kmsKeyId: 'alias/llm-data-vault-backups-dev',
    credentials: { secretName: 'llm-data-vault-backup-s3' },
  }),
} as const;

/**
 * Nothing secret in Git: external-secrets syncs every Secret the vault reads from the secret
 * manager (ClusterSecretStore `secret-manager`, as postfacta's; the plan names none) under
 * `llm-data-vault/<env>/…`, so dev's entries never hold prod's credentials. SyncedSecrets are
 * applied with the data layer, whose CNPG archive and Redis read two of them.
 */
const SECRET_STORE = SecretStore.cluster('secret-manager');

function syncSecrets(chart: SystemChart, env: Environment) {
  const remote = (path: string, ...properties: string[]) => SyncedSecret.propertiesOf(`llm-data-vault/${env.name}/${path}`, ...properties);
  // The backup target names its Secret and keys; the synced Secret is derived from it, so the two
  // cannot drift apart. An IAM user limited to the environment's backup bucket (not the API's).
  const backups = env.pick(LLM_DATA_VAULT_BACKUPS);
  return {
    backupS3: new SyncedSecret(chart, 'backup-s3', {
      store: SECRET_STORE,
      secretName: backups.accessKeyId.name,
      keys: remote('backup-s3', backups.accessKeyId.key, backups.secretAccessKey.key),
    }),
    // Redis `requirepass`: §7.2 puts sessions in the cache.
    redis: new SyncedSecret(chart, 'redis-password', {
      store: SECRET_STORE,
      secretName: 'llm-data-vault-redis',
      keys: remote('redis', 'password'),
    }),
    // The API's AWS credentials for KMS (§4.5: ListKeys, GenerateDataKey) and S3 (§7.2). (On EKS,
    // IRSA would replace the static keys; the plan names neither.)
    aws: new SyncedSecret(chart, 'aws', { store: SECRET_STORE, keys: remote('aws', 'access-key-id', 'secret-access-key') }),
    // Appendix D's channels: the Slack webhook and the PagerDuty routing key.
    alerting: new SyncedSecret(chart, 'alerting', {
      store: SECRET_STORE,
      keys: remote('alerting', 'slack-webhook-url', 'pagerduty-routing-key'),
    }),
  };
}

/**
 * The plan's runbook links: §6.5's alerts and Appendix B's index (same wiki). Alerts the plan does
 * not list link the runbook whose causes cover them (§9.3 "API High Error Rate": bad deployment,
 * resource exhaustion). The backup page is assumed: the plan has no backup runbook.
 */
const RUNBOOKS = {
  highErrorRate: 'https://wiki.company.com/runbooks/high-error-rate',
  highLatency: 'https://wiki.company.com/runbooks/high-latency',
  errorBudget: 'https://wiki.company.com/runbooks/error-budget',
  circuitBreaker: 'https://wiki.company.com/runbooks/circuit-breaker',
  connectionPool: 'https://wiki.company.com/runbooks/connection-pool',
  databaseFailure: 'https://wiki.company.com/runbooks/database-failure',
  backups: 'https://wiki.company.com/runbooks/backups',
} as const;

/** §6.5: every alert is labelled `team: platform` (Appendix B: Platform owns the runbooks). */
const TEAM = 'platform';

/**
 * What the vault reaches outside its namespace.
 * - AWS KMS (§4.5: ListKeys, GenerateDataKey) and S3 (§7.2) are public AWS endpoints on 443.
 *   A NetworkPolicy cannot name DNS names and AWS's ranges change, so egress is any public
 *   address on 443 (NetworkPeer.publicInternet: the private ranges — the cluster itself —, CGNAT,
 *   loopback and link-local — the instance metadata service, whose credentials an SSRF could
 *   steal — are excluded). With VPC interface endpoints,
 *   narrow this to their subnets.
 * - §6.3 exports traces to `jaeger:14268` and `zipkin:9411`, and §6.3/§4.3 publish events to
 *   Kafka (the `message_queue` readiness check). The plan does not say where they run: assumed in
 *   namespaces `tracing` and `kafka` (Kafka's plaintext listener 9092).
 */
const EXTERNAL = {
  aws: NetworkPeer.publicInternet(),
  tracing: 'tracing',
  kafka: 'kafka',
} as const;

/** §7.2: each API pod opens at most 20 database connections. */
const DB_POOL_SIZE_PER_POD = 20;

export function llmDataVaultStack(stage: EnvironmentStage): SystemChart {
  const env = stage.environment;
  const chart = new SystemChart(stage, 'llm-data-vault');
  // Deliberate deviations from the plan, listed in RELIABILITY.md (the reasons are at the objects).
  chart.addPlanDeviation({
    section: '§6.1, §9.3',
    plan: 'metrics on :8080/metrics, the API port',
    chosen: 'metrics served on a port of their own, 9090 (METRICS_PORT); the gateway routes /api/v1 only',
    reason: 'the internet never reaches metrics or probes however a path is spelled',
  });
  const secrets = syncSecrets(chart, env);

  // §7.2 database: db.r5.xlarge-sized primary and standbys, max_connections 300.
  const postgres = new HAPostgres(chart, 'postgres', {
    image: LLM_DATA_VAULT_IMAGES.postgres,
    // §7.2 "with read replica for scaling", §8.3 failover game day, §8.3 AZ outage: a primary and
    // two standbys across zones, so a failover still leaves a standby. §7.3's autoscaled read
    // replicas (1–5) have no equivalent in CloudNativePG; 3 instances is the fixed size. dev: one.
    instances: env.pick({ prod: 3, dev: 1 }),
    singleInstance: !env.isProduction,
    // §7.2 storage: data 500 MB + indexes 200 MB + transaction logs 50 GB = 60 GB minimum,
    // 200 GB with two years of growth. The WAL gets its own 50 Gi volume (a WAL burst then cannot
    // fill the data volume); the data volume takes the rest of the two-year 200 GB, so no resize
    // is needed under growth. Storage class: the cluster's default, which must deliver §7.2's
    // 10,000 provisioned IOPS (the plan names no class): network block storage (EBS-like, §8.3's
    // AZ drills) that follows an instance to another node, so preferred anti-affinity and the
    // kubelet's volume stats hold. On a node-local class, declare it (StorageClass.localPath()).
    storage: { size: env.pick({ prod: Size.gibibytes(150), dev: Size.gibibytes(10) }) },
    walStorage: { size: env.pick({ prod: Size.gibibytes(50), dev: Size.gibibytes(5) }) },
    // §7.2: db.r5.xlarge = 4 vCPU, 32 GB. Memory request = limit (Guaranteed memory, as CNPG
    // recommends: an OOM kill of the primary is a failover).
    resources: env.pick({
      prod: { cpu: { request: Cpu.units(4) }, memory: { request: Size.gibibytes(32), limit: Size.gibibytes(32) } },
      dev: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    }),
    // §7.2: max_connections 300. dev's one small instance needs far fewer (pooler 2 × 20).
    maxConnections: env.pick({ prod: 300, dev: 100 }),
    // The plan sets no memory parameters; CNPG's default shared_buffers (128 MB) would leave 32 GB
    // unused. The usual 25 % / 75 % of RAM.
    parameters: env.pick({
      prod: { shared_buffers: '8GB', effective_cache_size: '24GB' },
      dev: { shared_buffers: '256MB', effective_cache_size: '768MB' },
    }),
    database: 'vault',
    owner: 'vault',
    // Dumps run as a read-only role (pg_read_all_data) on a standby, not as the owner.
    backupRole: { store: SECRET_STORE, remoteKey: `llm-data-vault/${env.name}/postgres-backup-role` },
    // §7.2 sizes the pools for 9 API pods: 9 × 20 = 180 server connections of 300. §7.3 lets the
    // API scale to 50 pods, i.e. 50 × 20 = 1,000 connections — more than max_connections admits.
    // Transaction pooling keeps the plan's intent: PgBouncer holds the 180 server connections the
    // plan budgets (3 pods × 60) and multiplexes the 1,000 client connections onto them; with one
    // PgBouncer pod down the other two still accept all 1,000 clients (2 × 1,000 ≥ 1,000).
    // The API must not keep session state across transactions (pgx: QueryExecModeExec or
    // PgBouncer's protocol-level prepared statements).
    pooler: env.pick({
      prod: { instances: 3, poolMode: PoolMode.TRANSACTION, defaultPoolSize: 60, maxClientConnections: 1000 },
      dev: { instances: 2, poolMode: PoolMode.TRANSACTION, defaultPoolSize: 20, maxClientConnections: 200 },
    }),
    backup: {
      target: env.pick(LLM_DATA_VAULT_BACKUPS),
      // The plan sets no retention. 30 days of point-in-time recovery in prod (a data vault must
      // survive a corruption noticed late, e.g. at the monthly SLO review §11.2); 7 in dev.
      retention: env.pick({ prod: '30d', dev: '7d' }),
      // The plan sets no base-backup schedule: daily at 03:00, off-peak (§7.1: peaks are 9am–5pm
      // weekdays), which bounds the WAL replayed on a restore to one day.
      schedule: '0 3 * * *',
      walCompression: WalCompression.GZIP,
      // §7.2: 2,000 writes/s. Four parallel WAL uploads keep archiving ahead of that rate.
      maxParallel: env.pick({ prod: 4, dev: 2 }),
      // §1.2: RPO < 1 minute. Under low traffic a WAL segment is switched and archived after at
      // most 30 s, leaving the upload time inside the minute. (§8.3's "RPO = 0" on failover needs
      // synchronous replication, which HAPostgres cannot express yet.)
      archiveTimeout: Duration.seconds(30),
      rpo: Duration.minutes(1),
    },
  });

  // §7.2 cache: 6 GB of data, 8 GB with 30 % overhead, on a 2 vCPU / 13 GB instance "with read
  // replicas for HA": Sentinel with a master and two replicas in prod; one pod in dev. maxmemory
  // is the 6 GB of data, the 8 GiB limit the overhead above it (fragmentation, replication
  // buffers). Redis is single-threaded: one core requested. It holds sessions (§7.2), so it
  // requires a password, and in prod it persists although §4.3 marks Redis non-critical: under
  // Sentinel a master restarted faster than down-after-milliseconds comes back empty and the
  // replicas copy the empty dataset (redis.io replication docs) — every session lost at once.
  // The AOF loses at most a second; 16 Gi holds the 6 GB dataset's rewrite (2 × maxmemory and
  // headroom), on the default class (§7.2 names none). dev: one pod, a pure cache.
  const redis = new RedisCache(chart, 'redis', {
    image: LLM_DATA_VAULT_IMAGES.redis,
    resources: env.pick({
      prod: { cpu: { request: Cpu.units(1) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) } },
      dev: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(512), limit: Size.mebibytes(512) } },
    }),
    maxMemory: env.pick({ prod: Size.gibibytes(6), dev: Size.mebibytes(384) }),
    password: secrets.redis.key('password'),
    ...(env.isProduction
      ? { sentinel: { replicas: 3 }, persistence: { size: Size.gibibytes(16), appendOnly: true } }
      : { singleInstance: true }),
  });

  const api = new ReliableService(chart, 'api', {
    image: LLM_DATA_VAULT_IMAGES.api,
    // §4.2–4.4, §5.3: the API and the probes on http 8080. Deviation: §6.1/§9.3 serve metrics on
    // :8080/metrics; they move to a port of their own, 9090, which no gateway route targets, so the
    // internet never reaches them however a path is spelled. METRICS_PORT is an assumed setting of
    // the app's metrics exporter.
    ports: { http: 8080, metrics: 9090 },
    env: {
      // §7.2: 20 database connections per instance; §9.3's runbook tunes the pool with
      // DB_MAX_CONNECTIONS. (Its "raise to 50" fix must go through Git and the connection budget.)
      DB_MAX_CONNECTIONS: EnvValue.literal(String(DB_POOL_SIZE_PER_POD)),
      METRICS_PORT: EnvValue.literal('9090'),
      AWS_REGION: EnvValue.literal(LLM_DATA_VAULT_REGION),
      AWS_ACCESS_KEY_ID: secrets.aws.env('access-key-id'),
      AWS_SECRET_ACCESS_KEY: secrets.aws.env('secret-access-key'),
      // Go sizes its scheduler to the node's cores and its GC to nothing: tie both to the pod.
      GOMAXPROCS: EnvValue.literal(env.pick({ prod: '4', dev: '1' })),
      GOMEMLIMIT: EnvValue.literal(env.pick({ prod: '7GiB', dev: '900MiB' })),
    },
    // §7.2: target instance 4 vCPU, 8 GB for 2,000 req/s. No CPU limit: throttling would hit the
    // p99 < 200 ms objective (§1.2); GOMAXPROCS keeps the runtime at the request. Memory request
    // = limit, so §7.3's 80 % memory target is 80 % of what the pod may really use. (§9.3's
    // "increase limits" example, cpu=2 / memory=4Gi, would halve them: it predates §7.2.)
    resources: env.pick({
      prod: { cpu: { request: Cpu.units(4) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) } },
      dev: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    }),
    probes: {
      // §4.3: readiness checks the dependencies (DB, KMS, S3 critical) under a 3 s context, so a
      // check that hits that deadline is a critical one failing (503 anyway): the probe's 3 s
      // timeout agrees with the handler. Period 5, failures 2: out of rotation within 10 s.
      // Kubernetes counts the initial delays after the startup probe succeeds.
      readiness: Probe.http('/health/ready', {
        initialDelay: Duration.seconds(10),
        period: Duration.seconds(5),
        timeout: Duration.seconds(3),
        failureThreshold: 2,
        successThreshold: 1,
      }),
      // §4.2: liveness checks the process only.
      liveness: Probe.http('/health/live', {
        initialDelay: Duration.seconds(30),
        period: Duration.seconds(10),
        timeout: Duration.seconds(5),
        failureThreshold: 3,
        successThreshold: 1,
      }),
      // §4.4: period 5, failures 12 = 60 s to start (migrations, cache warm-up). §4.4's timeout 5 s
      // equals the period, so a slow check would still run when the next is due: 4 s instead.
      startup: Probe.http('/health/startup', {
        initialDelay: Duration.seconds(0),
        period: Duration.seconds(5),
        timeout: Duration.seconds(4),
        failureThreshold: 12,
        successThreshold: 1,
      }),
      maxStartupTime: Duration.seconds(60),
    },
    // §5.3: preStop sleep 5, terminationGracePeriodSeconds 60. §5.1: in-flight requests get at
    // most 30 s, workers, buffers and connections are done by T+33 s; 60 s leaves room for that.
    // (§5.4's 60 s shutdown context exceeds the 55 s left after the preStop: harmless while the
    // sequence ends at T+33 s, but the app's timeout should be ≤ 50 s.)
    shutdown: {
      preStop: PreStopHook.sleep(Duration.seconds(5)),
      drainTimeout: Duration.seconds(30),
      terminationGracePeriod: Duration.seconds(60),
    },
    // §7.3: 5–50 pods on CPU 70 %, memory 80 % and 2,000 req/s per pod (§7.2's per-instance
    // capacity; served by the custom metrics API from vault_requests_total). §7.2's 9 pods at
    // 10,000 req/s are what these targets reach under that load. dev: 2–4.
    autoscaling: {
      minReplicas: env.pick({ prod: 5, dev: 2 }),
      maxReplicas: env.pick({ prod: 50, dev: 4 }),
      cpuUtilizationPercent: 70,
      memoryUtilizationPercent: 80,
      podsMetrics: [{ name: 'vault_requests_per_second', averageValue: '2000', fromCounter: 'vault_requests_total' }],
      // §7.3: scale down after 300 s by the smaller of 50 %/60 s and 2 pods/60 s.
      scaleDown: {
        stabilizationWindow: Duration.seconds(300),
        policies: [ScalingPolicy.percent(50, Duration.seconds(60)), ScalingPolicy.pods(2, Duration.seconds(60))],
        selectPolicy: SelectPolicy.MIN,
      },
      // §7.3: scale up after 60 s by the larger of 100 %/30 s and 4 pods/30 s.
      scaleUp: {
        stabilizationWindow: Duration.seconds(60),
        policies: [ScalingPolicy.percent(100, Duration.seconds(30)), ScalingPolicy.pods(4, Duration.seconds(30))],
        selectPolicy: SelectPolicy.MAX,
      },
    },
    // §5.3 sets minAvailable 2 and maxUnavailable 1 in one PDB, which the API rejects. The
    // comment there states the intent — "no more than 1 pod disrupted at a time" — and only
    // maxUnavailable keeps it at every scale: minAvailable 2 would let a drain take 3 of 5 pods
    // (or 48 of 50), leaving 2 × 2,000 req/s for §7.1's 10,000 req/s.
    disruptionBudget: { maxUnavailable: 1 },
    // §6.1, §9.3: Prometheus metrics at /metrics, on the metrics port (above). The plan sets no
    // scrape interval; 30 s matches §6.5's rule evaluation interval.
    monitoring: { port: 'metrics', path: '/metrics', interval: Duration.seconds(30), scrapeTimeout: Duration.seconds(10) },
    writableDirectories: [{ path: '/tmp' }],
    dependencies: [
      { to: EXTERNAL.aws, ports: [443] },
      { to: NetworkPeer.namespace(EXTERNAL.tracing), ports: [14268, 9411] },
      { to: NetworkPeer.namespace(EXTERNAL.kafka), ports: [9092] },
    ],
  });

  // DB_HOST/PORT/NAME/USER/PASSWORD from the CNPG app Secret, through the pooler; §7.2: 20 per pod.
  postgres.addClient(api, { poolSizePerPod: DB_POOL_SIZE_PER_POD });
  redis.addClient(api);

  // Logical dumps beside the WAL archive (§1.2's RPO < 1 min is met by WAL; a dump is the restore
  // of last resort, portable to any PostgreSQL 15), daily off-peak (§7.1), kept like the base
  // backups, with a daily drill: the plan's RTO < 5 min (§1.2) is only credible if restores run.
  const dumps = new BackupSchedule(chart, 'postgres-dump', {
    source: postgres.backupSource(),
    target: env.pick(LLM_DATA_VAULT_BACKUPS),
    schedule: '30 3 * * *',
    retention: Retention.days(env.pick({ prod: 30, dev: 7 })),
    restoreDrill: { schedule: '30 4 * * *' },
    resources: BACKUP_JOB_RESOURCES,
  });

  // §1.2's RTO < 5 min, measured: weekly (Saturday, off-peak §7.1) a throwaway cluster recovered
  // from the S3 archive — newest base backup plus a day of WAL at most — must be Ready and its
  // `datasets` table (§ data access: SELECT * FROM datasets) read in full within it; the
  // PostgresRestoreDrillOverRto alert says when it is not (failover, not a restore, is what meets
  // 5 minutes today; the drill shows how far a restore is from it).
  const physicalDrill = new PostgresRestoreDrill(chart, 'postgres-restore-drill', {
    database: postgres,
    schedule: '0 5 * * 6',
    rto: Duration.minutes(5),
    tables: ['datasets'],
  });

  // The gateway is the only way in (api.llm-data-vault.com, §4.2), with TLS from cert-manager.
  // §3.4: uploads may take 5 minutes; streaming responses must not be buffered, so no buffering
  // middleware (request size limits stay in the app, which streams to S3).
  const gateway = new TraefikGateway(chart, 'gateway', {
    hosts: [env.pick({ prod: 'api.llm-data-vault.com', dev: 'api.dev.llm-data-vault.com' })],
    tls: GatewayTls.certManager('letsencrypt'),
    traefik: TRAEFIK,
  });
  gateway.addRoute('api', {
    to: api,
    // Only the API (/api/v1/…, §6.2–6.3) is public: the probes (/health/*, §4.2–4.4) and
    // the metrics stay inside the cluster.
    pathPrefixes: ['/api/v1'],
    middlewares: [
      Middleware.securityHeaders(),
      // A flood guard per client IP; tenant quotas stay in the app (§2.1's TenantRateLimitError).
      // The plan gives no per-client number: a tenth of §7.1's 25,000 req/s peak, 2,500 req/s per
      // address with bursts of 5,000, each Traefik replica enforcing its share (RELIABILITY.md ›
      // Rate limits).
      Middleware.rateLimit({ average: 2500, burst: 5000, sourceCriterion: SourceCriterion.clientIp(), perReplica: true }),
      // §6.5 "circuit breaker open" is the app's own breaker toward its dependencies; at the edge a
      // breaker sheds load from a failing backend.
      Middleware.circuitBreaker(
        CircuitBreakerExpression.networkErrorRatio(0.3).or(CircuitBreakerExpression.responseCodeRatio(500, 600, 0.25)),
      ),
    ],
  });

  // §11.1–11.2 SLOs: 99.9 % availability and p99 < 200 ms over 30 days, measured as §11.1 and
  // §6.5 query them (vault_requests_total{status}, vault_request_duration_seconds), with
  // multi-window burn-rate alerts.
  //
  // §11.4 is wrong as written: its factors fit their descriptions (720× spends 30 days' budget in
  // an hour), but as thresholds they demand error ratios of 72 %, 12 % and 1 % — a 50 % outage
  // would never raise the fast alert — and each rule reads a single window, so none is
  // multi-window. §6.5's own ErrorBudgetBurnRateTooFast already uses 14.4× over 1 h, the SRE
  // Workbook's first tier. The Slo carries the Workbook's tiers: 14.4× over 1 h (with 5 m) and 6×
  // over 6 h (with 30 m) page, 3× over 1 d and 1× over 3 d open a ticket.
  // Severities (Appendix D routes on priorities; §9.1: "service down" is P1, "high latency, partial
  // outage" P2): the plan's `critical` fast burns are P1 — both page tiers, as the Slo gives them one
  // severity (§11.4's 6 h "warning" burn thus pages at P1 too). The ticket tiers burn more slowly
  // than any of §11.4's alerts — the budget still lasts 10 days or more —, a matter for the team lead
  // who applies §11.3's policy: P3 (Slack, 4 h). So is a missing SLI (TargetDown below pages if the
  // API is gone).
  const slos = new AlertingRuleset(chart, 'slos', { team: TEAM });
  const job = `namespace="${api.namespace}",job="${api.name}"`;
  const sloSeverities = { pageSeverity: Severity.P1, ticketSeverity: Severity.P3, noData: { severity: Severity.P3 } };
  const availability = new Slo(chart, 'api-availability', {
    service: api,
    team: TEAM,
    name: 'availability',
    objective: 99.9,
    window: Duration.days(30),
    sli: Sli.requests({ total: `vault_requests_total{${job}}`, errors: `vault_requests_total{${job},status=~"5.."}` }),
    runbookUrl: RUNBOOKS.errorBudget,
    ...sloSeverities,
  });
  slos.addSlo(availability);
  // A latency SLI counts requests under a bucket boundary: vault_request_duration_seconds needs a
  // bucket at le=0.2 (the Prometheus client's defaults jump from 0.1 to 0.25), declared as the
  // app's buckets (APP_LATENCY_BUCKETS, the app contract). Without it the SLO would report no data.
  slos.addSlo(
    new Slo(chart, 'api-latency', {
      service: api,
      team: TEAM,
      name: 'latency-p99',
      objective: 99,
      window: Duration.days(30),
      sli: Sli.latency({
        histogram: 'vault_request_duration_seconds',
        selector: `{${job}}`,
        threshold: Duration.millis(200),
        buckets: APP_LATENCY_BUCKETS,
      }),
      runbookUrl: RUNBOOKS.highLatency,
      ...sloSeverities,
    }),
  );

  // §6.3–6.4 dashboards as code (Grafana sidecar ConfigMaps): the SLOs with their error budget
  // (§11's budget policy reads it), and the API's RED, saturation, restarts and HPA replicas.
  new SloDashboard(chart, 'slo-dashboard', { title: 'llm-data-vault — SLOs and error budget', slos: slos.slos });
  new ServiceDashboard(chart, 'service-dashboard', { title: 'llm-data-vault — API' }).addService(api, {
    requests: `vault_requests_total{${job}}`,
    errors: `vault_requests_total{${job},status=~"5.."}`,
    latency: { histogram: 'vault_request_duration_seconds', selector: `{${job}}` },
  });
  // The data layer's view beside the service dashboard: PostgreSQL and Redis, from their exporters.
  new DatabaseDashboard(chart, 'database-dashboard', {
    title: 'llm-data-vault — database and cache',
    databases: [postgres],
    caches: [redis],
  });

  // §6.5's alerts, value for value, the plan's `critical` as P1 and `warning` as P2 (see above);
  // what the plan does not list is P3. Metric names as §6.2 defines them.
  const alerts = new AlertingRuleset(chart, 'alerts', { team: TEAM });
  // HighErrorRate: 5xx above 1 % of requests for 5m, critical (P1). With it, from the service pack:
  // API down (no target up — the SLO alerts go silent when no request is counted at all), P1 as
  // §9.1's "API unavailable"; crash loops, pods not ready, memory near the limit, HPA at its 50
  // pods, P3. Memory at 95 %: GOMEMLIMIT holds the heap at 87.5 % of the limit, so above 95 % the
  // runtime has lost that fight and the OOM kill is near.
  alerts.addServiceAlerts(api, {
    runbookUrl: RUNBOOKS.highErrorRate,
    requests: `vault_requests_total{${job}}`,
    errors: `vault_requests_total{${job},status=~"5.."}`,
    maxErrorPercent: 1,
    memoryMaxPercent: 95,
    severities: {
      down: Severity.P1,
      errors: Severity.P1,
      crashLooping: Severity.P3,
      notReady: Severity.P3,
      memory: Severity.P3,
      hpaMaxedOut: Severity.P3,
      hpaScaling: Severity.P3,
    },
  });
  // HighLatency: p99 above 200 ms for 5m, warning (P2), with its own runbook. §6.5 takes the
  // quantile of every series (per pod, method and endpoint) without summing the buckets by `le`;
  // the SLA's p99 (§1.2) is the service's, so the buckets are summed across pods and endpoints.
  alerts.addAlert(
    SymptomAlerts.latencyAbove({
      service: api.name,
      severity: Severity.P2,
      runbookUrl: RUNBOOKS.highLatency,
      histogram: 'vault_request_duration_seconds',
      selector: `{${job}}`,
      quantile: 0.99,
      threshold: Duration.millis(200),
      for: Duration.minutes(5),
      labels: { namespace: api.namespace },
    }),
  );
  // ServiceDegraded: §6.2's vault_circuit_breaker_state{dependency, state} is 1 for the breaker's
  // current state; open for 2m, warning (P2) — a "partial outage" of §9.1, the vault serving in
  // degraded mode (§2.4.3).
  alerts.addAlert(
    SymptomAlerts.circuitBreakerOpen({
      service: api.name,
      severity: Severity.P2,
      runbookUrl: RUNBOOKS.circuitBreaker,
      name: 'ServiceDegraded',
      state: `vault_circuit_breaker_state{${job},state="open"}`,
      openValue: 1,
      for: Duration.minutes(2),
      summary: `${api.name}: dependency {{ $labels.dependency }} degraded (circuit breaker open)`,
      description:
        'The circuit breaker for {{ $labels.dependency }} in pod {{ $labels.pod }} has been OPEN for 2 minutes: ' +
        'calls to it fail fast and the service is operating in degraded mode. Check that dependency.',
    }),
  );
  // DatabaseConnectionPoolExhausted: more than 90 % of the pool in use for 5m, critical (P1). §6.5
  // divides by vault_max_connections{type="database"}, which §6.2 does not define; the pool's
  // size is known — DB_MAX_CONNECTIONS, 20 per pod (§7.2) — so §6.2's vault_active_connections is
  // divided by it.
  alerts.addAlert(
    SymptomAlerts.connectionPoolSaturated({
      service: api.name,
      severity: Severity.P1,
      runbookUrl: RUNBOOKS.connectionPool,
      name: 'DatabaseConnectionPoolExhausted',
      inUse: `vault_active_connections{${job},type="database"}`,
      max: DB_POOL_SIZE_PER_POD,
      maxPercent: 90,
      for: Duration.minutes(5),
      summary: `${api.name}: database connection pool near exhaustion`,
      description:
        `Pod {{ $labels.pod }} holds more than 90% of its ${DB_POOL_SIZE_PER_POD} database connections: requests soon queue for a connection and time out. ` +
        'Look for slow queries or leaked connections before raising the pool (its size counts against the connection budget, §7.2).',
    }),
  );
  // §11.3's error budget policy: each time less budget remains, deployments slow down (75–50 %
  // cautious, 50–25 % slow, below 25 % frozen). One P3 alert per step tells the team lead which
  // policy applies now. The 30-day share is computed from the availability SLO's recorded rates
  // (traffic-weighted, as the burn-rate alerts), not from §6.2's vault_error_budget_remaining,
  // which each pod would have to compute without seeing the others' requests. Prometheus must keep
  // 30 days of data, or this is the share over what it keeps.
  const days = availability.window.toDays();
  const consumed = availability.errorRatioOver(availability.window);
  for (const [name, consumedPercent, policy] of [
    ['ErrorBudgetPolicyCautious', 25, 'cautious: deploy at most daily with peer review, increase monitoring, review recent changes'],
    [
      'ErrorBudgetPolicySlow',
      50,
      "slow: deploy at most weekly with a senior engineer's approval, freeze non-critical features, focus on reliability",
    ],
    [
      'ErrorBudgetPolicyFreeze',
      75,
      'emergency only: complete deployment freeze (engineering manager approves exceptions), daily incident reviews, executive escalation',
    ],
  ] as const) {
    alerts.addAlert({
      name,
      severity: Severity.P3,
      runbookUrl: RUNBOOKS.errorBudget,
      for: Duration.minutes(15),
      expr: `${consumed}\n> ${Number(((consumedPercent / 100) * availability.errorBudget).toPrecision(12))}`,
      labels: { namespace: api.namespace, service: api.name, slo: availability.name },
      summary: `${api.name}: more than ${consumedPercent}% of the availability error budget spent`,
      description:
        `More than ${consumedPercent}% of the ${days}-day error budget of the ${availability.objective}% availability SLO is spent ` +
        `(less than ${100 - consumedPercent}% remains). §11.3's error budget policy is now ${policy}.`,
    });
  }
  // The database (Appendix B: database failure): down, no primary and out of connections page
  // (P1, §9.1's "service completely down" — every request needs it), and so does no WAL archived
  // for longer than §1.2's 1-min RPO; HA, lag, disk, backup and failing WAL archiving tickets are P3. The logical dumps and their restore drill: P3.
  alerts.addPostgresAlerts(postgres, { runbookUrl: RUNBOOKS.databaseFailure, pageSeverity: Severity.P1, ticketSeverity: Severity.P3 });
  alerts.addBackupAlerts(dumps, { runbookUrl: RUNBOOKS.backups, severity: Severity.P3 });
  // PgBouncer carries every database connection (§7.2's pools): no pooler pod answering is the
  // database down for the API (P1, Appendix B: database failure). Redis is non-critical (§4.3: the
  // vault serves without it, degraded — sessions lost), §9.1's "partial outage": P2. Pool
  // saturation, waiting clients, memory, evictions and replication: P3.
  alerts.addPgBouncerAlerts(postgres, {
    runbookUrl: RUNBOOKS.connectionPool,
    downSeverity: Severity.P1,
    ticketSeverity: Severity.P3,
  });
  alerts.addRedisAlerts(redis, { runbookUrl: RUNBOOKS.databaseFailure, downSeverity: Severity.P2, ticketSeverity: Severity.P3 });
  alerts.addRestoreDrillAlerts(physicalDrill, { runbookUrl: RUNBOOKS.backups, severity: Severity.P3 });

  // Appendix D: P1 and P2 page the on-call engineer through PagerDuty (15 min and 1 h), P3 goes
  // to the team lead on Slack (4 h); everything is posted to Slack. The engineering manager's P1
  // escalation after 30 minutes (PagerDuty + phone) is the PagerDuty service's escalation policy,
  // not Alertmanager's. P4 (Jira, 24 h) has no receiver here: no alert is P4. The plan names no
  // Slack channel (§9.3's #incidents is for incident communication): #llm-data-vault-alerts.
  new AlertRouting(chart, 'alert-routing', {
    slack: { apiUrl: secrets.alerting.key('slack-webhook-url'), channel: '#llm-data-vault-alerts' },
    pagerDuty: { routingKey: secrets.alerting.key('pagerduty-routing-key'), severities: [Severity.P1, Severity.P2] },
  });

  // §8.2 failure injection with LitmusChaos, on in dev (off in prod unless asked): pod delete
  // (60 s, every 10 s, 20 % of pods, forced), network latency (2000 ms ± 500 ms for 120 s), CPU
  // stress, and the database failure. §8.2 kills 100 % of the PostgreSQL pods; cutting the API's
  // network to the database tests the same degraded mode without destroying CNPG instances. The
  // API reaches the database through the pooler, so the fault cuts the pooler's Service (the
  // database knows which host its client dials; cutting `-rw` would leave the API untouched).
  // Steady state: the availability SLO must not burn at the fast page rate during the chaos.
  new ChaosExperiment(chart, 'api-chaos', {
    target: api,
    experiments: [
      ChaosFault.podDelete({ duration: Duration.seconds(60), interval: Duration.seconds(10), podsAffectedPercent: 20, force: true }),
      ChaosFault.networkLatency({ latency: Duration.millis(2000), jitter: Duration.millis(500), duration: Duration.seconds(120) }),
      ChaosFault.cpuHog({ cores: 2, loadPercent: 100, duration: Duration.seconds(180) }),
      ChaosFault.dependencyFailure({ name: 'database-failure', dependency: postgres, duration: Duration.seconds(300) }),
    ],
    steadyState: SteadyStateProbe.slo({ slo: availability, endpoint: 'http://prometheus-operated.monitoring.svc:9090' }),
  });

  return chart;
}
