/**
 * listings (seed 004). The plan has no numbered sections: test names cite its headings as
 * `§Heading › Subheading`, as the stack's comments do.
 */
import { Environment } from '../../lib';
import { buildApp } from '../../stacks/main';
import { container, find, jobEnv, Manifest, ofKind } from '../support/synth';
import { promtoolTestRules } from '../support/promtool-rules';
import { hasTool } from '../support/tools';

/** The listings objects in `env`: its data layer (namespace, database, cache) and its apps. */
function listings(env: Environment): Manifest[] {
  const dirs = buildApp()
    .render()
    .filter((d) => d.path === `apps/${env.name}/listings-data` || d.path === `apps/${env.name}/listings`);
  expect(dirs).toHaveLength(2);
  return dirs.flatMap((d) => d.files.flatMap((f) => f.objects));
}

function envOf(deployment: Manifest): Record<string, Manifest> {
  return Object.fromEntries(container(deployment).env.map((e: Manifest) => [e.name, e]));
}

describe.each(Environment.ALL)('listings ($name)', (env) => {
  const objects = listings(env);
  const service = find(objects, 'Deployment', 'listings-service');
  const worker = find(objects, 'Deployment', 'listings-worker');

  // The snapshot of the whole chart, per environment, is in snapshots.test.ts (over the system list).

  test('§Configuration › Server Ports: gRPC 50053 (h2c), HTTP 8086, metrics 9093', () => {
    expect(find(objects, 'Service', 'listings-service').spec.ports).toEqual([
      { name: 'http', port: 8086, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'grpc', port: 50053, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
      { name: 'metrics', port: 9093, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
    ]);
    const vars = envOf(service);
    expect([vars.SVETULISTINGS_GRPC_PORT.value, vars.SVETULISTINGS_HTTP_PORT.value, vars.SVETULISTINGS_METRICS_PORT.value]).toEqual([
      '50053',
      '8086',
      '9093',
    ]);
  });

  test('§Monitoring › Health Check: readiness /ready, liveness /health, on the HTTP port', () => {
    const c = container(service);
    expect(c.readinessProbe).toMatchObject({
      httpGet: { path: '/ready', port: 'http' },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 2,
    });
    expect(c.livenessProbe).toMatchObject({
      httpGet: { path: '/health', port: 'http' },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    // 60 s to start: 12 × 5 s.
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health' }, periodSeconds: 5, failureThreshold: 12 });
  });

  test('§Timeout Configuration: shutdown drains the longest request (BatchUpdateStock, 20 s)', () => {
    expect(container(service).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    // 5 s preStop + 25 s drain + 5 s margin.
    expect(service.spec.template.spec.terminationGracePeriodSeconds).toBe(35);
    expect(service.spec.template.spec.terminationGracePeriodSeconds - 5 - 5).toBeGreaterThan(20);
  });

  test('§Quick Start metrics :9093/metrics: ServiceMonitors on the metrics port, Prometheus admitted only there', () => {
    for (const name of ['listings-service', 'listings-worker']) {
      expect(find(objects, 'ServiceMonitor', name).spec.endpoints).toEqual([
        { port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
      ]);
    }
  });

  test('§Features: REST through the gateway, gRPC (internal) from the in-cluster callers only; nothing else gets in', () => {
    const ingress = find(objects, 'NetworkPolicy', 'listings-service').spec.ingress;
    const namespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
    expect(ingress).toEqual([
      { from: [namespace('svetu')], ports: [{ protocol: 'TCP', port: 50053 }] },
      { from: [namespace('delivery')], ports: [{ protocol: 'TCP', port: 50053 }] },
      { from: [namespace('monitoring')], ports: [{ protocol: 'TCP', port: 9093 }] },
      { from: [namespace('traefik')], ports: [{ protocol: 'TCP', port: 8086 }] },
    ]);
    const routes = find(objects, 'IngressRoute', 'listings-gateway').spec.routes;
    expect(routes.map((r: Manifest) => [r.match, r.services[0].port, r.services[0].scheme])).toEqual([
      [`Host(\`${env.isProduction ? 'listings' : 'listings.dev'}.lucena.cloud\`) && PathPrefix(\`/api/v1\`)`, 8086, undefined],
    ]);
    // The worker takes no traffic: Prometheus only.
    expect(find(objects, 'NetworkPolicy', 'listings-worker').spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 9093 }],
      },
    ]);
  });

  test('§Architecture: egress to OpenSearch :9200 and MinIO :9000 (service), OpenSearch only (worker)', () => {
    const egressTo = (name: string) =>
      find(objects, 'NetworkPolicy', name)
        .spec.egress.filter((r: Manifest) => !r.to[0].podSelector)
        .map((r: Manifest) => [r.to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], r.ports.map((p: Manifest) => p.port)]);
    expect(egressTo('listings-service')).toEqual([
      ['opensearch', [9200]],
      ['minio', [9000]],
    ]);
    expect(egressTo('listings-worker')).toEqual([['opensearch', [9200]]]);
  });

  test('§OpenSearch Integration › Configuration: index listings_microservice, credentials from a Secret', () => {
    for (const d of [service, worker]) {
      const vars = envOf(d);
      expect(vars.SVETULISTINGS_OPENSEARCH_INDEX.value).toBe('listings_microservice');
      expect(vars.SVETULISTINGS_OPENSEARCH_ADDRESSES.value).toBe('http://opensearch.opensearch.svc:9200');
      expect(vars.SVETULISTINGS_OPENSEARCH_PASSWORD).toEqual({
        name: 'SVETULISTINGS_OPENSEARCH_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'listings-opensearch', key: 'password' } },
      });
    }
    expect(envOf(service).SVETULISTINGS_MINIO_SECRET_KEY.valueFrom.secretKeyRef).toEqual({ name: 'listings-minio', key: 'secret-key' });
  });

  test('§Configuration › Database: listings_db / listings_user; the service through the pooler, the worker to the primary', () => {
    const db = (d: Manifest) =>
      Object.entries(envOf(d))
        .filter(([k]) => k.startsWith('SVETULISTINGS_DB_'))
        .map(([, v]) => v);
    const rest = [
      { name: 'SVETULISTINGS_DB_PORT', value: '5432' },
      { name: 'SVETULISTINGS_DB_NAME', value: 'listings_db' },
      { name: 'SVETULISTINGS_DB_USER', valueFrom: { secretKeyRef: { name: 'listings-postgres-app', key: 'username' } } },
      { name: 'SVETULISTINGS_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'listings-postgres-app', key: 'password' } } },
    ];
    expect(db(service)).toEqual([{ name: 'SVETULISTINGS_DB_HOST', value: 'listings-postgres-pooler-rw.listings.svc' }, ...rest]);
    expect(db(worker)).toEqual([{ name: 'SVETULISTINGS_DB_HOST', value: 'listings-postgres-rw.listings.svc' }, ...rest]);
    expect(find(objects, 'Cluster', 'listings-postgres').spec.bootstrap.initdb).toMatchObject({
      database: 'listings_db',
      owner: 'listings_user',
    });
  });

  test('§Configuration › Redis: password from a Secret', () => {
    expect(envOf(service).SVETULISTINGS_REDIS_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'listings-redis', key: 'password' });
  });

  test('§Tech Stack: PostgreSQL 15, Redis 7', () => {
    expect(find(objects, 'Cluster', 'listings-postgres').spec.imageName).toMatch(/postgresql:15\./);
    expect(find(objects, 'StatefulSet', 'listings-redis').spec.template.spec.containers[0].image).toMatch(/^redis:7\./);
  });

  test('§Backup Schedule: base backup daily 02:00 UTC, WAL archived continuously, retention 30 days, to MinIO', () => {
    const cluster = find(objects, 'Cluster', 'listings-postgres');
    expect(cluster.spec.plugins[0]).toMatchObject({ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true });
    // CNPG's schedule has a seconds field first: 02:00:00 every day.
    expect(find(objects, 'ScheduledBackup', 'listings-postgres').spec).toMatchObject({ schedule: '0 0 2 * * *', method: 'plugin' });
    const store = find(objects, 'ObjectStore', 'listings-postgres').spec;
    expect(store.retentionPolicy).toBe('30d');
    expect(store.configuration).toMatchObject({
      // dev archives beside prod, never into the same path.
      destinationPath: env.isProduction ? 's3://listings-backups/postgres' : 's3://listings-backups/postgres/dev',
      endpointURL: 'http://minio.minio:9000',
      s3Credentials: {
        accessKeyId: { name: 'listings-backup-credentials', key: 'access-key' },
        secretAccessKey: { name: 'listings-backup-credentials', key: 'secret-key' },
      },
      wal: { compression: 'gzip' },
    });
  });

  test('§Roadmap › Phase 9.8 RPO 15 min: archive_timeout well inside it (not the "hourly WAL" of §Backup Schedule)', () => {
    const timeout = find(objects, 'Cluster', 'listings-postgres').spec.postgresql.parameters.archive_timeout;
    expect(timeout).toBe('300s');
    expect(parseInt(timeout, 10)).toBeLessThanOrEqual(15 * 60);
  });

  test('§Performance: the indexing worker runs 5 concurrent workers, without a routed Service', () => {
    const vars = envOf(worker);
    expect(vars.SVETULISTINGS_WORKER_CONCURRENCY.value).toBe('5');
    expect(vars.SVETULISTINGS_WORKER_ENABLED.value).toBe('true');
    // Indexing moved out of the API pods.
    expect(envOf(service).SVETULISTINGS_WORKER_ENABLED.value).toBe('false');
    // Its only port is metrics; no preStop wait (no traffic), 30 s to finish jobs in flight.
    expect(find(objects, 'Service', 'listings-worker').spec.ports.map((p: Manifest) => p.name)).toEqual(['metrics']);
    expect(container(worker).lifecycle).toBeUndefined();
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBe(35);
  });

  test('§Configuration: no credential (DB, Redis, OpenSearch, MinIO) is a literal', () => {
    for (const d of [service, worker]) {
      for (const e of container(d).env) {
        if (/PASSWORD|SECRET|ACCESS_KEY|USERNAME|USER$/.test(e.name)) expect([e.name, e.value]).toEqual([e.name, undefined]);
      }
    }
  });
});

/** Every rule of a PrometheusRule. */
function rules(objects: Manifest[], name: string): Manifest[] {
  return find(objects, 'PrometheusRule', name).spec.groups.flatMap((g: Manifest) => g.rules);
}

describe.each(Environment.ALL)('listings alerting, secrets and chaos ($name)', (env) => {
  const objects = listings(env);
  const JOB = 'namespace="listings",job="listings-service"';
  const of = (alert: string, service = 'listings-service') => {
    const found = rules(objects, 'listings-alerts').filter((r) => r.alert === alert && r.labels.service === service);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('§Key Metrics error rate < 1 %: 5xx above 1 % for 5m is High (P2); the service down is Critical (P1)', () => {
    const rule = of('HighErrorRate');
    expect(rule.expr).toBe(
      `sum by (namespace, job) (rate(listings_http_requests_total{${JOB},status=~"5.."}[5m]))\n/\nsum by (namespace, job) (rate(listings_http_requests_total{${JOB}}[5m]))\n> 0.01`,
    );
    expect(rule.for).toBe('5m');
    expect(rule.labels).toMatchObject({ severity: 'warning', priority: 'P2', namespace: 'listings', team: 'listings' });
    expect(rule.annotations.runbook_url).toBe('https://runbooks.lucena.cloud/listings/service#higherrorrate');
    expect(of('TargetDown').labels).toMatchObject({ severity: 'critical', priority: 'P1' });
    for (const alert of ['PodCrashLooping', 'PodNotReady', 'MemoryNearLimit', 'HpaMaxedOut'])
      expect([alert, of(alert).labels.priority]).toEqual([alert, 'P3']);
  });

  test('§Key Metrics latency: p95 above 1 s and p99 above 2 s for 10m are High (P2)', () => {
    for (const [alert, quantile, seconds] of [
      ['HighLatencyP95', '0.95', '1'],
      ['HighLatencyP99', '0.99', '2'],
    ]) {
      const rule = of(alert);
      expect(rule.expr).toBe(
        `histogram_quantile(${quantile}, sum by (namespace, job, le) (rate(listings_http_request_duration_seconds_bucket{${JOB}}[5m])))\n> ${seconds}`,
      );
      expect([rule.for, rule.labels.priority, rule.labels.severity]).toEqual(['10m', 'P2', 'warning']);
    }
  });

  test('§Key Metrics SLOs: availability 99.9 %, p95 < 1 s, p99 < 2 s; fast burns page (P1), slow burns and missing data are P3', () => {
    const burn = rules(objects, 'listings-slos').filter((r) => r.alert === 'ErrorBudgetBurn');
    expect([...new Set(burn.map((r) => r.labels.slo))]).toEqual(['availability', 'latency-p95', 'latency-p99']);
    const availability = burn.filter((r) => r.labels.slo === 'availability');
    expect(availability.map((r) => [r.expr.match(/"long_window", "\w+"/g)?.length, r.labels.priority])).toEqual([
      [2, 'P1'],
      [2, 'P3'],
    ]);
    expect(availability[0].expr).toContain('> 0.0144');
    // p95 < 1 s: 5 % budget, 14.4 × 0.05.
    expect(burn.find((r) => r.labels.slo === 'latency-p95')?.expr).toContain('> 0.72');
    expect(
      rules(objects, 'listings-slos')
        .filter((r) => r.alert === 'SliDataMissing')
        .map((r) => r.labels.priority),
    ).toEqual(['P3', 'P3', 'P3']);
  });

  test('§Monitoring › Worker Metrics: the worker down (P2), and its queue not draining for 15m (P3)', () => {
    const worker = 'listings-worker';
    expect(of('TargetDown', worker).labels).toMatchObject({ severity: 'warning', priority: 'P2', namespace: 'listings' });
    // The service pack without request alerts (the worker serves none).
    const group = find(objects, 'PrometheusRule', 'listings-alerts').spec.groups.find(
      (g: Manifest) => g.name === 'listings-worker-symptoms',
    );
    expect(group.rules.map((r: Manifest) => [r.alert, r.labels.priority])).toEqual([
      ['TargetDown', 'P2'],
      ['PodCrashLooping', 'P3'],
      ['PodNotReady', 'P3'],
      ['MemoryNearLimit', 'P3'],
    ]);
    const stalled = of('IndexingStalled', worker);
    const workerJob = 'namespace="listings",job="listings-worker"';
    expect(stalled.expr).toBe(
      `max by (namespace) (listings_indexing_queue_size{${workerJob}}) > 0\nunless on (namespace)\nsum by (namespace) (rate(listings_indexing_jobs_processed_total{${workerJob}}[15m])) > 0`,
    );
    expect([stalled.for, stalled.labels.priority]).toEqual(['15m', 'P3']);
  });

  test('PostgreSQL and backup packs: the database down pages (P1); verification and S3 sync failures are P3', () => {
    const pg = (alert: string) => of(alert, 'listings-postgres');
    for (const alert of ['PostgresOffline', 'PostgresNoPrimary', 'PostgresConnectionsCritical', 'PostgresDiskSpaceCritical'])
      expect([alert, pg(alert).labels.priority]).toEqual([alert, 'P1']);
    expect(pg('PostgresBackupStale').labels.priority).toBe('P3');
    for (const alert of ['BackupFailed', 'BackupStale', 'RestoreDrillFailed', 'OffsiteCopyFailed']) {
      expect([alert, of(alert, 'listings-postgres-dump').labels.priority]).toEqual([alert, 'P3']);
    }
    // Every alert carries a priority, the label the routing matches.
    for (const name of ['listings-alerts', 'listings-slos'])
      expect(
        rules(objects, name)
          .filter((r) => r.alert && !r.labels.priority)
          .map((r) => r.alert),
      ).toEqual([]);
  });

  test('§Production Operations › Alerts: PagerDuty for P1/P2, Slack for all, email digest for P3 (SLO); credentials from the synced Secret', () => {
    const config = find(objects, 'AlertmanagerConfig', 'listings-alert-routing').spec;
    expect(config.receivers.map((r: Manifest) => r.name)).toEqual(['pagerduty', 'email-digest', 'slack']);
    expect(config.route.routes.map((r: Manifest) => [r.receiver, r.matchers?.[0]])).toEqual([
      ['pagerduty', { name: 'priority', value: 'P1|P2', matchType: '=~' }],
      ['email-digest', { name: 'priority', value: 'P3', matchType: '=' }],
      ['slack', undefined],
    ]);
    const [pagerduty, email, slack] = config.receivers;
    expect(pagerduty.pagerdutyConfigs[0].routingKey).toEqual({ name: 'listings-alerting', key: 'pagerduty-routing-key' });
    expect(email.emailConfigs[0]).toMatchObject({
      to: 'listings-team@lucena.cloud',
      authPassword: { name: 'listings-alerting', key: 'smtp-password' },
      requireTLS: true,
    });
    expect(slack.slackConfigs[0]).toMatchObject({
      apiURL: { name: 'listings-alerting', key: 'slack-webhook-url' },
      channel: '#listings-alerts',
    });
  });

  test('every Secret listings reads is synced under listings/<env>/, the off-site credentials from the entry Pulumi writes', () => {
    const secrets = ofKind(objects, 'ExternalSecret');
    expect(
      secrets.map((o) => [o.metadata.name, o.spec.data.map((d: Manifest) => `${d.secretKey}←${d.remoteRef.key}#${d.remoteRef.property}`)]),
    ).toEqual([
      [
        'listings-backup-credentials',
        [`access-key←listings/${env.name}/backup-minio#access-key`, `secret-key←listings/${env.name}/backup-minio#secret-key`],
      ],
      [
        'listings-offsite-backup-s3',
        [`access-key←listings/${env.name}/offsite-backup#access-key`, `secret-key←listings/${env.name}/offsite-backup#secret-key`],
      ],
      ['listings-redis', [`password←listings/${env.name}/redis#password`]],
      ['listings-opensearch', [`username←listings/${env.name}/opensearch#username`, `password←listings/${env.name}/opensearch#password`]],
      ['listings-minio', [`access-key←listings/${env.name}/minio#access-key`, `secret-key←listings/${env.name}/minio#secret-key`]],
      [
        'listings-alerting',
        [
          `slack-webhook-url←listings/${env.name}/alerting#slack-webhook-url`,
          `pagerduty-routing-key←listings/${env.name}/alerting#pagerduty-routing-key`,
          `smtp-password←listings/${env.name}/alerting#smtp-password`,
        ],
      ],
      // The read-only role dumps run as (production review 5).
      ['listings-postgres-backup-role', [`password←listings/${env.name}/postgres-backup-role#password`]],
    ]);
    for (const o of secrets) expect(o.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'secret-manager' });
  });

  test('chaos only in dev: pod-delete of the service, one pod at a time, graceful, steady state = the availability SLO', () => {
    const engines = ofKind(objects, 'ChaosEngine');
    if (env.isProduction) {
      expect(engines).toEqual([]);
      expect(objects.filter((o) => o.metadata.name === 'listings-service-chaos')).toEqual([]);
      return;
    }
    expect(engines.map((e) => e.metadata.name)).toEqual(['listings-service-chaos-pod-delete']);
    const spec = engines[0].spec;
    expect(spec.appinfo).toEqual({
      appns: 'listings',
      applabel: 'app.kubernetes.io/name=listings-service,app.kubernetes.io/instance=listings-service-dev',
      appkind: 'deployment',
    });
    const experiment = spec.experiments[0];
    expect(experiment.name).toBe('pod-delete');
    expect(experiment.spec.components.env).toEqual(
      expect.arrayContaining([
        { name: 'TOTAL_CHAOS_DURATION', value: '60' },
        { name: 'CHAOS_INTERVAL', value: '20' },
        { name: 'FORCE', value: 'false' },
      ]),
    );
    expect(experiment.spec.probe[0]).toMatchObject({
      name: 'slo-availability',
      type: 'promProbe',
      'promProbe/inputs': {
        endpoint: 'http://prometheus-operated.monitoring.svc:9090',
        query: 'slo:sli_error:ratio_rate5m{namespace="listings",service="listings-service",slo="availability"}',
        comparator: { criteria: '<=', value: '0.0144' },
      },
    });
  });
});

describe("listings prod carries the plan's values", () => {
  const objects = listings(Environment.PROD);

  test('§Backup Schedule: full daily at 02:00, verification daily at 03:00, S3 sync weekly on Sunday 04:00, 30 days', () => {
    const backup = find(objects, 'CronJob', 'listings-postgres-dump-backup').spec;
    expect(backup.schedule).toBe('0 2 * * *');
    expect(backup.timeZone).toBe('Etc/UTC');
    expect(jobEnv({ spec: backup })).toEqual(expect.arrayContaining([{ name: 'RETENTION_DAYS', value: '30' }]));
    expect(find(objects, 'CronJob', 'listings-postgres-dump-restore-drill').spec.schedule).toBe('0 3 * * *');
    const sync = find(objects, 'CronJob', 'listings-postgres-dump-offsite-sync').spec;
    expect(sync.schedule).toBe('0 4 * * 0');
    expect(jobEnv({ spec: sync })).toEqual(
      expect.arrayContaining([{ name: 'OFFSITE_S3_BUCKET', value: 'lucena-cloud-listings-offsite-backups' }]),
    );
  });

  test('service HPA 3–10 on CPU 70 % (plan silent: sized for the 99.9 % SLO of §Key Metrics)', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'listings-service').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([3, 10]);
    expect(hpa.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(hpa.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }],
    });
    expect(hpa.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 300,
      policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
    });
    expect(find(objects, 'Deployment', 'listings-service').spec.replicas).toBeUndefined();
  });

  test('PDBs: one pod at a time for the service and the worker', () => {
    for (const name of ['listings-service', 'listings-worker']) {
      expect(find(objects, 'PodDisruptionBudget', name).spec).toMatchObject({
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      });
    }
    expect(find(objects, 'Deployment', 'listings-worker').spec.replicas).toBe(2);
  });

  // No CPU limit (Reliakit's rule); GOMAXPROCS still bounds the Go scheduler to 2 cores.
  test('resources (plan silent) with the Go runtime told about its bounds', () => {
    const c = container(find(objects, 'Deployment', 'listings-service'));
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    const vars = envOf(find(objects, 'Deployment', 'listings-service'));
    expect([vars.GOMAXPROCS.value, vars.GOMEMLIMIT.value]).toEqual(['2', '460MiB']);
  });

  test('PostgreSQL: primary + standby, 20Gi data + 10Gi WAL, pooler 2 × 20 in transaction mode, max_connections 100', () => {
    expect(find(objects, 'Cluster', 'listings-postgres').spec).toMatchObject({
      instances: 2,
      enablePDB: true,
      storage: { size: '20Gi' },
      walStorage: { size: '10Gi' },
      postgresql: { parameters: { max_connections: '100' } },
    });
    expect(find(objects, 'Pooler', 'listings-postgres-pooler-rw').spec).toMatchObject({
      instances: 2,
      pgbouncer: { poolMode: 'transaction', parameters: { default_pool_size: '20' } },
    });
  });

  test('Redis with Sentinel in prod (no single point of failure), the service connected to it', () => {
    expect(find(objects, 'StatefulSet', 'listings-redis').spec.replicas).toBe(3);
    const vars = envOf(find(objects, 'Deployment', 'listings-service'));
    expect([
      vars.SVETULISTINGS_REDIS_HOST.value,
      vars.SVETULISTINGS_REDIS_PORT.value,
      vars.SVETULISTINGS_REDIS_SENTINEL_MASTER.value,
    ]).toEqual(['listings-redis.listings.svc', '26379', 'mymaster']);
  });
});

test('dev is smaller but has the same shape', () => {
  const prod = listings(Environment.PROD);
  const dev = listings(Environment.DEV);
  // One database instance in dev, so CNPG's PDB is off there.
  expect(find(dev, 'Cluster', 'listings-postgres').spec).toMatchObject({ instances: 1, enablePDB: false });
  // The same objects, except the PDBs of what runs as one pod in dev (Redis, the worker) and the
  // chaos experiment (dev only).
  const singles = new Set(['PodDisruptionBudget/listings-redis', 'PodDisruptionBudget/listings-worker']);
  const chaos = (o: Manifest) =>
    ['service-chaos', 'chaos-experiments', 'chaos-schedule'].includes(o.metadata.labels?.['app.kubernetes.io/component']);
  const shape = (objects: Manifest[]) =>
    objects
      .filter((o) => !chaos(o))
      .map((o) => `${o.kind}/${o.metadata.name}`)
      .filter((k) => !singles.has(k));
  expect(shape(dev)).toEqual(shape(prod));
  expect(prod.filter(chaos)).toEqual([]);
  expect(dev.filter(chaos).map((o) => o.kind)).toEqual([
    'ServiceAccount',
    'Role',
    'RoleBinding',
    'ChaosEngine',
    // The Litmus pods' policy and the experiment pods' probe policy.
    'NetworkPolicy',
    'NetworkPolicy',
    'ChaosExperiment',
    'ServiceAccount',
    'Role',
    'RoleBinding',
    'NetworkPolicy',
    'CronJob',
  ]);
  expect(find(dev, 'StatefulSet', 'listings-redis').spec.replicas).toBe(1);
  expect(find(dev, 'Deployment', 'listings-worker').spec.replicas).toBe(1);
  expect(container(find(dev, 'Deployment', 'listings-service')).resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
  expect(find(dev, 'HorizontalPodAutoscaler', 'listings-service').spec).toMatchObject({ minReplicas: 2, maxReplicas: 3 });
});

(hasTool('promtool') ? test : test.skip)(
  'promtool test rules: IndexingStalled fires when the queue waits and no job completes, quiet while it drains',
  () => {
    const worker = 'namespace="listings",job="listings-worker"';
    promtoolTestRules(find(listings(Environment.PROD), 'PrometheusRule', 'listings-alerts'), [
      {
        name: 'jobs complete for 10 minutes, then stop while 5 wait: fires 15 minutes after the last completion leaves the window',
        series: {
          [`listings_indexing_queue_size{${worker},pod="w-1"}`]: '5x60',
          [`listings_indexing_jobs_processed_total{${worker},pod="w-1",operation="index",status="success"}`]: '0+10x10 100x50',
        },
        expect: [
          ['20m', 'IndexingStalled', []],
          ['30m', 'IndexingStalled', []],
          ['45m', 'IndexingStalled', [{ namespace: 'listings' }]],
        ],
      },
      {
        name: 'a queue that keeps draining, or an empty one, is quiet',
        series: {
          [`listings_indexing_queue_size{${worker},pod="w-1"}`]: '5x60',
          [`listings_indexing_jobs_processed_total{${worker},pod="w-1",operation="index",status="success"}`]: '0+10x60',
          [`listings_indexing_queue_size{namespace="other",job="listings-worker",pod="w-1"}`]: '0x60',
        },
        expect: [['45m', 'IndexingStalled', []]],
      },
    ]);
  },
  60_000,
);

test('§Monitoring dashboards: the SLOs, and the service and the indexing worker (its jobs as requests)', () => {
  const objects = listings(Environment.PROD);
  const json = (name: string) => JSON.parse(find(objects, 'ConfigMap', name).data[`${name}.json`]);
  const service = json('listings-service-dashboard');
  expect(service.panels.filter((p: Manifest) => p.type === 'row').map((p: Manifest) => p.title)).toEqual([
    'listings-service',
    'listings-worker',
  ]);
  const exprs = JSON.stringify(service);
  expect(exprs).toContain(
    'listings_indexing_jobs_processed_total{namespace=\\"listings\\",job=\\"listings-worker\\",status!=\\"success\\"}',
  );
  expect(exprs).toContain('listings_http_request_duration_seconds_bucket');
  const slo = JSON.stringify(json('listings-slo-dashboard'));
  for (const name of ['availability', 'latency-p95', 'latency-p99']) expect(slo).toContain(`slo=\\"${name}\\"`);
});
