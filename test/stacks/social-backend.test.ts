import { Environment } from '../../lib';
import { buildApp } from '../../stacks/main';
import { container, find, jobEnv, Manifest } from '../support/synth';

/** The social-backend's objects in `env`: its data layer (namespace, database, Redis) and its apps. */
function socialBackend(env: Environment): Manifest[] {
  const dirs = buildApp()
    .render()
    .filter((d) => d.path === `apps/${env.name}/social-backend-data` || d.path === `apps/${env.name}/social-backend`);
  expect(dirs).toHaveLength(2);
  return dirs.flatMap((d) => d.files.flatMap((f) => f.objects));
}

const SERVICES = ['social-backend-auth', 'social-backend-posts', 'social-backend-realtime'];

describe.each(Environment.ALL)('social-backend ($name)', (env) => {
  const objects = socialBackend(env);

  // The snapshot of the whole chart, per environment, is in snapshots.test.ts (over the system list).

  test("the three services in namespace social-backend, on the plan's ports (§4.7.10: auth 8080, posts 8081, realtime 8082)", () => {
    expect(find(objects, 'Namespace', 'social-backend')).toBeDefined();
    const ports: Record<string, number> = { 'social-backend-auth': 8080, 'social-backend-posts': 8081, 'social-backend-realtime': 8082 };
    for (const [name, port] of Object.entries(ports)) {
      const d = find(objects, 'Deployment', name);
      expect(d.metadata.namespace).toBe('social-backend');
      expect(container(d).ports).toEqual([
        { name: 'http', containerPort: port, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ]);
      expect(find(objects, 'Service', name).spec.ports).toEqual([
        { name: 'http', port, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
        { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
      ]);
    }
  });

  test('§4.7.6 liveness /healthz and readiness /readyz, every 10 s', () => {
    for (const name of SERVICES) {
      const c = container(find(objects, 'Deployment', name));
      expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 });
      expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 10 });
      // Readiness pings the database and Redis; its timeout stays below the period.
      expect(c.readinessProbe.timeoutSeconds).toBeLessThan(10);
      expect(c.startupProbe.httpGet.path).toBe('/healthz');
    }
  });

  test('§4.7.8 preStop hook, 30 s request drain, at most 60 s to shut down', () => {
    for (const name of SERVICES) {
      const d = find(objects, 'Deployment', name);
      expect(container(d).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
    }
  });

  test("§4.7.4 ServiceMonitor: /metrics on each service's own metrics port, which no route targets", () => {
    for (const name of SERVICES) {
      expect(find(objects, 'ServiceMonitor', name).spec.endpoints).toEqual([
        { port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
      ]);
    }
  });

  test('PDB: one pod at a time for every service (the plan is silent)', () => {
    for (const name of SERVICES) {
      expect(find(objects, 'PodDisruptionBudget', name).spec).toMatchObject({
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      });
    }
  });

  test('§4.7.10 routed services admit the gateway (traefik namespace, until the gateway issue) on http only', () => {
    const ports: Record<string, number> = { 'social-backend-auth': 8080, 'social-backend-posts': 8081, 'social-backend-realtime': 8082 };
    for (const [name, port] of Object.entries(ports)) {
      expect(find(objects, 'NetworkPolicy', name).spec.ingress).toContainEqual({
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
        ports: [{ protocol: 'TCP', port }],
      });
    }
  });

  test('§4.7.5 traces: OTLP to the tracing backend, W3C trace context; egress opened on 4317', () => {
    for (const name of SERVICES) {
      const vars = Object.fromEntries(
        container(find(objects, 'Deployment', name)).env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom]),
      );
      expect(vars).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo.tempo.svc:4317',
        OTEL_PROPAGATORS: 'tracecontext,baggage',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        // §4.7.5: 10 % in production; dev samples everything.
        OTEL_TRACES_SAMPLER_ARG: env.isProduction ? '0.1' : '1.0',
        // §4.7.3: JSON in production, console in dev.
        LOG_FORMAT: env.isProduction ? 'json' : 'console',
      });
      expect(find(objects, 'NetworkPolicy', name).spec.egress).toContainEqual({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tempo' } } }],
        ports: [{ protocol: 'TCP', port: 4317 }],
      });
    }
  });

  test('§4.7.11 RS256: only auth holds the JWT private key; every key comes from a Secret', () => {
    const jwt = (name: string) => container(find(objects, 'Deployment', name)).env.filter((e: Manifest) => e.name.startsWith('JWT_'));
    expect(jwt('social-backend-auth')).toEqual([
      { name: 'JWT_PRIVATE_KEY', valueFrom: { secretKeyRef: { name: 'social-backend-jwt', key: 'private-key' } } },
      { name: 'JWT_PUBLIC_KEY', valueFrom: { secretKeyRef: { name: 'social-backend-jwt', key: 'public-key' } } },
    ]);
    for (const name of ['social-backend-posts', 'social-backend-realtime']) {
      expect(jwt(name)).toEqual([
        { name: 'JWT_PUBLIC_KEY', valueFrom: { secretKeyRef: { name: 'social-backend-jwt', key: 'public-key' } } },
      ]);
    }
  });

  test('§4.7.6 every service reaches PostgreSQL (through the pooler, CNPG Secret) and Redis (password from a Secret)', () => {
    for (const name of SERVICES) {
      const vars = container(find(objects, 'Deployment', name)).env;
      expect(vars.filter((e: Manifest) => e.name.startsWith('DB_'))).toEqual([
        { name: 'DB_HOST', value: 'social-backend-postgres-pooler-rw.social-backend.svc' },
        { name: 'DB_PORT', value: '5432' },
        { name: 'DB_NAME', value: 'social' },
        { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'social-backend-postgres-app', key: 'username' } } },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'social-backend-postgres-app', key: 'password' } } },
      ]);
      expect(vars).toContainEqual({
        name: 'REDIS_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'social-backend-redis-password', key: 'password' } },
      });
    }
  });

  test('§4.7.9 pool of 100 per pod through PgBouncer (transaction mode): the clients fit even with one pooler pod down', () => {
    const pooler = find(objects, 'Pooler', 'social-backend-postgres-pooler-rw').spec;
    expect(pooler).toMatchObject({
      instances: 2,
      type: 'rw',
      pgbouncer: { poolMode: 'transaction', parameters: { max_client_conn: '3000' } },
    });
    const clients = SERVICES.reduce((n, name) => n + find(objects, 'HorizontalPodAutoscaler', name).spec.maxReplicas * 100, 0);
    expect(clients).toBeLessThanOrEqual(Number(pooler.pgbouncer.parameters.max_client_conn));
    // Server side: both PgBouncer pods' pools fit max_connections minus superuser and replication slots.
    const cluster = find(objects, 'Cluster', 'social-backend-postgres').spec;
    expect(2 * Number(pooler.pgbouncer.parameters.default_pool_size)).toBeLessThanOrEqual(
      Number(cluster.postgresql.parameters.max_connections) - 3 - (cluster.instances - 1),
    );
    // §4.7.9 leak detection (5 minutes), as a server-side backstop.
    expect(cluster.postgresql.parameters.idle_in_transaction_session_timeout).toBe('300s');
  });

  test('§4.7.12 continuous backup: daily base backup, WAL within the 1 h RPO, encrypted off-site on AWS S3', () => {
    const cluster = find(objects, 'Cluster', 'social-backend-postgres');
    expect(cluster.spec.plugins).toEqual([
      { name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'social-backend-postgres' } },
    ]);
    // "Hourly WAL archiving" is the ceiling: archive_timeout ≤ 1 h (5 minutes).
    expect(cluster.spec.postgresql.parameters.archive_timeout).toBe('300s');
    // Daily full backup at 02:00 (CNPG's six-field cron).
    expect(find(objects, 'ScheduledBackup', 'social-backend-postgres').spec).toMatchObject({
      schedule: '0 0 2 * * *',
      method: 'plugin',
      immediate: true,
    });
    const store = find(objects, 'ObjectStore', 'social-backend-postgres');
    expect(store.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    // §4.7.12: 30 days (dev keeps a week).
    expect(store.spec.retentionPolicy).toBe(env.isProduction ? '30d' : '7d');
    expect(store.spec.configuration).toEqual({
      // Off-site (AWS S3): each environment's own bucket from the Pulumi stack (stacks/offsite-backups.ts).
      destinationPath: env.isProduction
        ? 's3://lucena-cloud-social-backend-backups/postgres'
        : 's3://lucena-cloud-social-backend-backups-dev/postgres',
      endpointURL: 'https://s3.eu-central-1.amazonaws.com',
      s3Credentials: {
        accessKeyId: { name: 'social-backend-backup-s3', key: 'access-key' },
        secretAccessKey: { name: 'social-backend-backup-s3', key: 'secret-key' },
      },
      // §4.7.12: encrypted by the bucket's own KMS key (its policy rejects any other header), so
      // Barman sends no encryption header.
      wal: { compression: 'gzip', maxParallel: 2 },
      data: { compression: 'gzip', jobs: 2 },
    });
  });

  test('§4.7.12 daily encrypted full dumps off-site, 30 days, monthly restore test', () => {
    const backup = find(objects, 'CronJob', 'social-backend-postgres-dump-backup');
    expect(backup.spec.schedule).toBe('30 2 * * *');
    expect(find(objects, 'CronJob', 'social-backend-postgres-dump-restore-drill').spec.schedule).toBe('0 4 1 * *');
    const vars = jobEnv(backup);
    expect(vars).toEqual(
      expect.arrayContaining([
        { name: 'BACKUP_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'social-backend-backup-encryption', key: 'passphrase' } } },
        // Off-site in the environment's bucket, with no encryption header (the bucket's KMS key applies).
        { name: 'S3_BUCKET', value: env.isProduction ? 'lucena-cloud-social-backend-backups' : 'lucena-cloud-social-backend-backups-dev' },
      ]),
    );
    expect(vars.map((e: Manifest) => e.name)).not.toContain('S3_SSE');
    expect(find(objects, 'PodMonitor', 'social-backend-postgres')).toBeDefined();
  });
});

describe("social-backend prod carries the plan's values", () => {
  const objects = socialBackend(Environment.PROD);

  test('§4.7.17 alerts with their priorities and windows', () => {
    const rules = find(objects, 'PrometheusRule', 'social-backend-alerts').spec.groups.flatMap((g: Manifest) => g.rules);
    const of = (alert: string, service: string) => rules.find((r: Manifest) => r.alert === alert && r.labels.service === service);
    expect(of('TargetDown', 'social-backend-auth').labels.priority).toBe('P1');
    expect([of('HighErrorRate', 'social-backend-posts').for, of('HighErrorRate', 'social-backend-posts').labels.priority]).toEqual([
      '5m',
      'P2',
    ]);
    expect([of('HighLatency', 'social-backend-posts').for, of('HighLatency', 'social-backend-posts').labels.priority]).toEqual([
      '10m',
      'P2',
    ]);
    expect([
      of('MemoryNearLimit', 'social-backend-realtime').for,
      of('MemoryNearLimit', 'social-backend-realtime').labels.priority,
    ]).toEqual(['15m', 'P2']);
    expect(of('DatabasePoolExhausted', 'social-backend-auth').labels.priority).toBe('P1');
    const disk = rules.find((r: Manifest) => r.labels.service === 'social-backend-postgres' && r.labels.priority === 'P3');
    expect(disk.for).toBe('30m');
    const drops = of('WebSocketConnectionsDropped', 'social-backend-realtime');
    expect([drops.labels.priority, drops.expr]).toEqual(['P2', expect.stringContaining('realtime_websocket_connections')]);
  });

  test('§4.7.17 channels: Slack for all, PagerDuty for P1/P2, email digest for P3; secrets by reference', () => {
    const config = find(objects, 'AlertmanagerConfig', 'social-backend-alert-routing').spec;
    expect(config.receivers.map((r: Manifest) => r.name)).toEqual(expect.arrayContaining(['slack', 'pagerduty', 'email-digest']));
    expect(JSON.stringify(config)).toContain('"slack-webhook-url"');
    expect(JSON.stringify(config)).not.toMatch(/hooks\.slack\.com/);
    expect(config.inhibitRules.length).toBeGreaterThan(0);
  });

  test('§4.7.10 gateway: routes, TLS, CORS, auth verification, rate limits (§4.7.2), circuit breaker, security headers (§4.7.11)', () => {
    const route = find(objects, 'IngressRoute', 'social-backend-gateway').spec;
    expect(route.tls).toEqual({ secretName: 'social-backend-gateway-tls' });
    expect(route.routes.map((r: Manifest) => [r.match, r.services[0].name, r.services[0].port])).toEqual([
      ['Host(`api.social.lucena.cloud`) && PathPrefix(`/api/v1/auth`)', 'social-backend-auth', 8080],
      ['Host(`api.social.lucena.cloud`) && PathPrefix(`/api/v1/posts`)', 'social-backend-posts', 8081],
      ['Host(`api.social.lucena.cloud`) && (PathPrefix(`/api/v1/realtime`) || PathPrefix(`/ws`))', 'social-backend-realtime', 8082],
    ]);
    expect(route.routes[1].middlewares.map((m: Manifest) => m.name)).toEqual([
      'social-backend-gateway-security-headers',
      'social-backend-gateway-cors',
      'social-backend-gateway-rate-limit',
      'social-backend-gateway-posts-forward-auth',
      'social-backend-gateway-posts-rate-limit',
      'social-backend-gateway-circuit-breaker',
    ]);
    // §4.7.10 global: 1000/min per client IP before forwardAuth; §4.7.2 100/min per user and
    // 5/min per IP; each of the 2 Traefik replicas enforces ⌊limit / 2⌋.
    expect(find(objects, 'Middleware', 'social-backend-gateway-rate-limit').spec.rateLimit).toEqual({
      average: 500,
      burst: 100,
      period: '1m',
      sourceCriterion: { ipStrategy: { depth: 1 } },
    });
    expect(find(objects, 'Middleware', 'social-backend-gateway-posts-rate-limit').spec.rateLimit).toMatchObject({
      average: 50,
      period: '1m',
      sourceCriterion: { requestHeaderName: 'X-User-Id' },
    });
    expect(find(objects, 'Middleware', 'social-backend-gateway-auth-rate-limit').spec.rateLimit).toMatchObject({
      average: 2,
      period: '1m',
      sourceCriterion: { ipStrategy: { depth: 1 } },
    });
    expect(find(objects, 'Middleware', 'social-backend-gateway-security-headers').spec.headers).toMatchObject({
      frameDeny: true,
      contentTypeNosniff: true,
      browserXssFilter: true,
      forceSTSHeader: true,
    });
    expect(find(objects, 'Middleware', 'social-backend-gateway-cors').spec.headers.accessControlAllowOriginList).toEqual([
      'https://social.lucena.cloud',
    ]);
    // Traefik reaches each service on its routed port only.
    expect(find(objects, 'NetworkPolicy', 'social-backend-realtime').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
      ports: [{ protocol: 'TCP', port: 8082 }],
    });
  });

  test('success metrics: horizontal scaling to 3+ instances (HPA 3–10 on CPU 70 %)', () => {
    for (const name of SERVICES) {
      const hpa = find(objects, 'HorizontalPodAutoscaler', name).spec;
      expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([3, 10]);
      expect(hpa.metrics[0]).toEqual({
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      });
      expect(hpa.behavior.scaleUp).toEqual({
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      });
      expect(find(objects, 'Deployment', name).spec.replicas).toBeUndefined();
    }
    for (const name of ['social-backend-auth', 'social-backend-posts']) {
      expect(find(objects, 'HorizontalPodAutoscaler', name).spec.behavior.scaleDown).toEqual({
        stabilizationWindowSeconds: 300,
        policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
      });
    }
  });

  test('realtime scales on memory too and scales down one pod at a time (each removal drops WebSockets)', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'social-backend-realtime').spec;
    expect(hpa.metrics.map((m: Manifest) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([
      ['cpu', 70],
      ['memory', 80],
    ]);
    expect(hpa.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 180 }] });
  });

  test('resources: requests and memory limits, no CPU limit, GOMEMLIMIT at 90 % of the limit', () => {
    for (const name of ['social-backend-auth', 'social-backend-posts']) {
      const c = container(find(objects, 'Deployment', name));
      expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } });
      expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: '460MiB' });
    }
    const realtime = container(find(objects, 'Deployment', 'social-backend-realtime'));
    expect(realtime.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } });
    expect(realtime.env).toContainEqual({ name: 'GOMEMLIMIT', value: '920MiB' });
  });

  test('PostgreSQL: primary and two standbys, WAL on its own volume, 200 connections', () => {
    expect(find(objects, 'Cluster', 'social-backend-postgres').spec).toMatchObject({
      instances: 3,
      enablePDB: true,
      storage: { size: '20Gi' },
      walStorage: { size: '10Gi' },
      bootstrap: { initdb: { database: 'social', owner: 'social' } },
      postgresql: { parameters: { max_connections: '200' } },
    });
  });

  test('§4.7.1 Redis with Sentinel: 3 pods, services connected through the sentinels', () => {
    expect(find(objects, 'StatefulSet', 'social-backend-redis').spec.replicas).toBe(3);
    expect(find(objects, 'PodDisruptionBudget', 'social-backend-redis')).toBeDefined();
    for (const name of SERVICES) {
      const vars = container(find(objects, 'Deployment', name)).env;
      expect(vars.filter((e: Manifest) => e.name.startsWith('REDIS_'))).toEqual([
        { name: 'REDIS_HOST', value: 'social-backend-redis.social-backend.svc' },
        { name: 'REDIS_PORT', value: '26379' },
        { name: 'REDIS_SENTINEL_MASTER', value: 'mymaster' },
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'social-backend-redis-password', key: 'password' } } },
      ]);
    }
  });

  test('§4.7.8 realtime drains WebSockets for 45 s, inside the 60 s maximum', () => {
    // 5 s preStop + 45 s drain leaves 10 s of the 60 s grace period for closing DB and Redis.
    const d = find(objects, 'Deployment', 'social-backend-realtime');
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
  });
});

test('Success metrics as SLOs: 99.9 % availability per service, p95 < 200 ms for auth and posts, P1 pages and P2 tickets', () => {
  const objects = socialBackend(Environment.PROD);
  const rules = find(objects, 'PrometheusRule', 'social-backend-slos').spec.groups.flatMap((g: Manifest) => g.rules);
  const burn = rules.filter((r: Manifest) => r.alert === 'ErrorBudgetBurn');
  expect([...new Set(burn.map((r: Manifest) => `${r.labels.service}/${r.labels.slo}`))]).toEqual([
    'social-backend-auth/availability',
    'social-backend-auth/latency-p95',
    'social-backend-posts/availability',
    'social-backend-posts/latency-p95',
    'social-backend-realtime/availability',
  ]);
  const page = burn.find(
    (r: Manifest) => r.labels.service === 'social-backend-auth' && r.labels.slo === 'availability' && r.labels.severity === 'critical',
  );
  expect(page.labels).toMatchObject({ severity: 'critical', priority: 'P1', namespace: 'social-backend', team: 'social' });
  expect(page.expr).toContain('> 0.0144');
  const ticket = burn.find((r: Manifest) => r.labels.slo === 'latency-p95' && r.labels.severity === 'warning');
  expect(ticket.labels).toMatchObject({ severity: 'warning', priority: 'P2' });
  expect(
    rules
      .filter((r: Manifest) => r.record)
      .map((r: Manifest) => r.expr)
      .join('\n'),
  ).toContain('http_request_duration_seconds_bucket{namespace="social-backend",job="social-backend-posts",le="0.2"}');
});

test('every Secret is synced from the secret manager (§4.7.11), the off-site credentials from the entry Pulumi writes', () => {
  const objects = socialBackend(Environment.PROD);
  expect(
    objects
      .filter((o) => o.kind === 'ExternalSecret')
      .map((o) => [o.metadata.name, o.spec.data.map((d: Manifest) => `${d.secretKey}←${d.remoteRef.key}#${d.remoteRef.property}`)]),
  ).toEqual([
    [
      'social-backend-backup-s3',
      ['access-key←social-backend/prod/offsite-backup#access-key', 'secret-key←social-backend/prod/offsite-backup#secret-key'],
    ],
    ['social-backend-jwt', ['private-key←social-backend/prod/jwt#private-key', 'public-key←social-backend/prod/jwt#public-key']],
    ['social-backend-redis-password', ['password←social-backend/prod/redis#password']],
    ['social-backend-backup-encryption', ['passphrase←social-backend/prod/backup-encryption#passphrase']],
    [
      'social-backend-alerting',
      [
        'slack-webhook-url←social-backend/prod/alerting#slack-webhook-url',
        'pagerduty-routing-key←social-backend/prod/alerting#pagerduty-routing-key',
        'smtp-password←social-backend/prod/alerting#smtp-password',
      ],
    ],
    // The read-only role dumps run as (production review 5).
    ['social-backend-postgres-backup-role', ['password←social-backend/prod/postgres-backup-role#password']],
  ]);
});

test('dev is smaller but has the same shape', () => {
  const prod = socialBackend(Environment.PROD);
  const dev = socialBackend(Environment.DEV);
  // One database instance in dev, so CNPG's PDB is off there.
  expect(find(dev, 'Cluster', 'social-backend-postgres').spec).toMatchObject({ instances: 1, enablePDB: false });
  // The apps have the same objects but the chaos experiments (dev only, Notes); the data layer is
  // smaller (one Redis pod, so no PDB there).
  // The engines, their RBAC and the ChaosExperiments they run (dev only).
  const chaos = (o: Manifest) => /-chaos(-|$)/.test(o.metadata.name) || o.kind === 'ChaosExperiment';
  const shape = (objects: Manifest[]) =>
    objects
      .filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] !== 'redis' && !chaos(o))
      .map((o) => `${o.kind}/${o.metadata.name}`);
  expect(shape(dev)).toEqual(shape(prod));
  expect(prod.filter(chaos)).toEqual([]);
  expect(
    dev.filter((o) => o.kind === 'ChaosEngine').map((o) => [o.metadata.name, o.spec.appinfo.applabel, o.spec.experiments[0].name]),
  ).toEqual(
    SERVICES.map((name) => [
      `${name}-chaos-pod-delete`,
      `app.kubernetes.io/name=${name},app.kubernetes.io/instance=${name}-dev`,
      'pod-delete',
    ]),
  );
  expect(find(dev, 'StatefulSet', 'social-backend-redis').spec.replicas).toBe(1);
  for (const name of SERVICES) {
    expect(find(dev, 'HorizontalPodAutoscaler', name).spec).toMatchObject({ minReplicas: 2, maxReplicas: 3 });
    expect(container(find(dev, 'Deployment', name)).resources.requests.cpu).toBe('100m');
  }
});

test('§4.7.18 dashboards: service overview (RED, saturation, restarts, replicas per service) and the SLOs, for the Grafana sidecar', () => {
  const objects = socialBackend(Environment.PROD);
  const dashboard = (name: string) => {
    const cm = find(objects, 'ConfigMap', name);
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    expect(cm.metadata.annotations.grafana_folder).toBe('social-backend');
    return JSON.parse(cm.data[`${name}.json`]);
  };
  const titles = (d: Manifest) => d.panels.filter((p: Manifest) => p.type === 'row').map((p: Manifest) => p.title);
  expect(titles(dashboard('social-backend-service-dashboard'))).toEqual(SERVICES);
  expect(dashboard('social-backend-slo-dashboard').title).toBe('social-backend — SLOs and error budgets');
});

test('§4.7.18 Dashboard 4 "Database": query performance, cache hit rate and replication lag of PostgreSQL, and the Redis cache\'s hit rate', () => {
  const cm = find(socialBackend(Environment.PROD), 'ConfigMap', 'social-backend-database-dashboard');
  expect(cm.metadata.labels.grafana_dashboard).toBe('1');
  expect(cm.metadata.annotations.grafana_folder).toBe('social-backend');
  const json = JSON.parse(cm.data['social-backend-database-dashboard.json']);
  expect(json.title).toBe('social-backend — database and cache');
  const panels = json.panels as Manifest[];
  expect(panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
    'social-backend-postgres (PostgreSQL)',
    'social-backend-redis (Redis)',
  ]);
  const exprs = (title: string) => panels.filter((p) => p.title === title).flatMap((p) => p.targets.map((t: Manifest) => t.expr));
  const pods = 'namespace="social-backend",pod=~"social-backend-postgres-[0-9]+"';
  expect(exprs('Replication lag')).toEqual([
    `max by (pod) (cnpg_pg_replication_lag{${pods}})\nand on (pod)\nmax by (pod) (cnpg_pg_replication_in_recovery{${pods}}) == 1`,
  ]);
  expect(exprs('Cache hit ratio')[0]).toContain(`cnpg_pg_stat_database_blks_hit{${pods},datname=`);
  expect(exprs('Hit ratio')[0]).toContain('redis_keyspace_hits_total{namespace="social-backend",pod=~"social-backend-redis-[0-9]+"}');
  expect(exprs('Transactions').join('\n')).toContain('cnpg_pg_stat_database_xact_rollback');
  expect(exprs('Connection pool (PgBouncer)')).toHaveLength(4);
});
