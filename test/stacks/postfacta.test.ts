import { Environment } from '../../lib';
import { buildApp } from '../../stacks/main';
import { container, find, Manifest } from '../support/synth';

/** postfacta's objects in `env`: its data layer (namespace, database) and its apps. */
function postfacta(env: Environment): Manifest[] {
  const dirs = buildApp()
    .render()
    .filter((d) => d.path === `apps/${env.name}/postfacta-data` || d.path === `apps/${env.name}/postfacta`);
  expect(dirs).toHaveLength(2);
  return dirs.flatMap((d) => d.files.flatMap((f) => f.objects));
}

/** The API container's environment as name → value or valueFrom. */
function envOf(objects: Manifest[]): Manifest {
  const vars: Manifest[] = container(find(objects, 'Deployment', 'postfacta-api')).env;
  return Object.fromEntries(vars.map((e) => [e.name, e.value ?? e.valueFrom]));
}

describe.each(Environment.ALL)('postfacta ($name)', (env) => {
  const objects = postfacta(env);

  // The snapshot of the whole chart, per environment, is in snapshots.test.ts (over the system list).

  test('one API and its database in namespace postfacta; no Redis (§1 has none)', () => {
    expect(find(objects, 'Namespace', 'postfacta')).toBeDefined();
    expect(find(objects, 'Deployment', 'postfacta-api').metadata.namespace).toBe('postfacta');
    expect(find(objects, 'Cluster', 'postfacta-postgres').metadata.namespace).toBe('postfacta');
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
  });

  test('§1 the API serves HTTP on 8080', () => {
    const c = container(find(objects, 'Deployment', 'postfacta-api'));
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(find(objects, 'Service', 'postfacta-api').spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
    ]);
  });

  test('§4.11 separate liveness /healthz/live and readiness /healthz/ready, startup budget 30 s', () => {
    const c = container(find(objects, 'Deployment', 'postfacta-api'));
    expect(c.readinessProbe).toMatchObject({
      httpGet: { path: '/healthz/ready', port: 'http' },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    expect(c.livenessProbe).toMatchObject({
      httpGet: { path: '/healthz/live', port: 'http' },
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    // The startup probe holds liveness off for 6 × 5 s.
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/healthz/live' }, periodSeconds: 5, failureThreshold: 6 });
  });

  test('§10.2 graceful shutdown: 10 s drain after a 5 s preStop, grace 20 s', () => {
    const d = find(objects, 'Deployment', 'postfacta-api');
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(20);
    expect(container(d).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    expect(envOf(objects).SHUTDOWN_TIMEOUT).toBe('10s');
    // Zero-downtime rollouts: no pod leaves before its replacement is ready (§4.1).
    expect(d.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  test('§10.8 server timeouts 10 s / 10 s / 120 s; §10.1 request timeout fits inside write and shutdown', () => {
    const vars = envOf(objects);
    expect([vars.HTTP_READ_TIMEOUT, vars.HTTP_WRITE_TIMEOUT, vars.HTTP_IDLE_TIMEOUT]).toEqual(['10s', '10s', '120s']);
    // §10.1 says 30 s, which the 10 s WriteTimeout and the 10 s shutdown would cut off.
    expect(vars.HTTP_REQUEST_TIMEOUT).toBe('8s');
    const seconds = (s: string) => Number(s.replace(/s$/, ''));
    expect(seconds(vars.HTTP_REQUEST_TIMEOUT)).toBeLessThan(seconds(vars.HTTP_WRITE_TIMEOUT));
    expect(seconds(vars.HTTP_REQUEST_TIMEOUT)).toBeLessThan(seconds(vars.SHUTDOWN_TIMEOUT));
  });

  test('§5 ServiceMonitor: /metrics on the metrics port (no route targets it) every 30 s, timeout 10 s', () => {
    expect(find(objects, 'ServiceMonitor', 'postfacta-api').spec.endpoints).toEqual([
      { port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
  });

  test('PDB maxUnavailable 1 over at least 2 replicas', () => {
    expect(find(objects, 'PodDisruptionBudget', 'postfacta-api').spec).toMatchObject({
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(find(objects, 'HorizontalPodAutoscaler', 'postfacta-api').spec.minReplicas).toBe(2);
  });

  test('§4.8/§6 secrets only by reference: Supabase settings from the external-secrets Secret', () => {
    const vars = envOf(objects);
    expect(vars.SUPABASE_URL).toEqual({ secretKeyRef: { name: 'postfacta-supabase', key: 'url' } });
    expect(vars.SUPABASE_KEY).toEqual({ secretKeyRef: { name: 'postfacta-supabase', key: 'api-key' } });
    expect(vars.SUPABASE_JWT_SECRET).toEqual({ secretKeyRef: { name: 'postfacta-supabase', key: 'jwt-secret' } });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('§4.2 the API reaches PostgreSQL on the primary with credentials from the CNPG Secret', () => {
    const vars: Manifest[] = container(find(objects, 'Deployment', 'postfacta-api')).env;
    expect(vars.filter((e) => ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD'].includes(e.name))).toEqual([
      { name: 'DB_HOST', value: 'postfacta-postgres-rw.postfacta.svc' },
      { name: 'DB_PORT', value: '5432' },
      { name: 'DB_NAME', value: 'postfacta' },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'postfacta-postgres-app', key: 'username' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'postfacta-postgres-app', key: 'password' } } },
    ]);
  });

  test('§4.5 explicit pool settings whose worst case fits max_connections', () => {
    const vars = envOf(objects);
    expect([vars.DB_MAX_OPEN_CONNS, vars.DB_MAX_IDLE_CONNS, vars.DB_CONN_MAX_LIFETIME, vars.DB_CONN_MAX_IDLE_TIME]).toEqual([
      '10',
      '5',
      '30m',
      '5m',
    ]);
    const cluster = find(objects, 'Cluster', 'postfacta-postgres').spec;
    const maxConnections = Number(cluster.postgresql.parameters.max_connections);
    expect(maxConnections).toBe(100);
    const maxReplicas = find(objects, 'HorizontalPodAutoscaler', 'postfacta-api').spec.maxReplicas;
    // 3 superuser-reserved connections, one per standby for replication.
    expect(maxReplicas * Number(vars.DB_MAX_OPEN_CONNS)).toBeLessThanOrEqual(maxConnections - 3 - (cluster.instances - 1));
  });

  test('§4.2 continuous backups: WAL archiving and daily base backups to MinIO, gzip, archive_timeout 3 min inside the 5-min RPO', () => {
    const cluster = find(objects, 'Cluster', 'postfacta-postgres').spec;
    expect(cluster.plugins).toEqual([
      { name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'postfacta-postgres' } },
    ]);
    expect(cluster.postgresql.parameters.archive_timeout).toBe('180s');
    expect(cluster.bootstrap.initdb).toMatchObject({ database: 'postfacta', owner: 'postfacta' });
    const store = find(objects, 'ObjectStore', 'postfacta-postgres').spec;
    expect(store.retentionPolicy).toBe(env.isProduction ? '30d' : '7d');
    expect(store.configuration).toMatchObject({
      // dev archives beside prod, never into the same path.
      destinationPath: env.isProduction ? 's3://postfacta-backups/postgres' : 's3://postfacta-backups/postgres/dev',
      endpointURL: 'http://minio.minio:9000',
      s3Credentials: {
        accessKeyId: { name: 'minio-credentials', key: 'access-key' },
        secretAccessKey: { name: 'minio-credentials', key: 'secret-key' },
      },
      wal: { compression: 'gzip' },
    });
    expect(find(objects, 'ScheduledBackup', 'postfacta-postgres').spec).toMatchObject({
      schedule: '0 0 2 * * *',
      method: 'plugin',
      cluster: { name: 'postfacta-postgres' },
    });
    expect(find(objects, 'PodMonitor', 'postfacta-postgres')).toBeDefined();
  });

  test('network: the gateway namespace on 8080 in; DNS, PostgreSQL and Supabase Auth (public 443) out', () => {
    const np = find(objects, 'NetworkPolicy', 'postfacta-api').spec;
    expect(np.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
    expect(np.egress).toContainEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'postfacta' } },
          podSelector: { matchLabels: { 'cnpg.io/cluster': 'postfacta-postgres' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    const internet = np.egress.find((r: Manifest) => r.to[0].ipBlock);
    expect(internet.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(internet.to[0].ipBlock.cidr).toBe('0.0.0.0/0');
    // Nothing inside the cluster or the cloud metadata endpoint is reachable through it.
    expect(internet.to[0].ipBlock.except).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
    );
  });
});

describe("postfacta prod carries the plan's values", () => {
  const objects = postfacta(Environment.PROD);

  test('§4.8/§6 secrets come from the secret manager through external-secrets, never from the repository', () => {
    const supabase = find(objects, 'ExternalSecret', 'postfacta-supabase').spec;
    expect(supabase.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'secret-manager' });
    expect(supabase.data.map((d: Manifest) => d.secretKey)).toEqual(['url', 'api-key', 'jwt-secret']);
    expect(find(objects, 'ExternalSecret', 'minio-credentials').spec.data.map((d: Manifest) => d.secretKey)).toEqual([
      'access-key',
      'secret-key',
    ]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('§4.7 CORS fixed, §4.6 rate limit, §4.14 backpressure and §6 size limit at the gateway; only /api/v0 is public', () => {
    const route = find(objects, 'IngressRoute', 'postfacta-gateway').spec.routes[0];
    expect(route.match).toBe('Host(`api.postfacta.lucena.cloud`) && PathPrefix(`/api/v0`)');
    const cors = find(objects, 'Middleware', 'postfacta-gateway-api-cors').spec.headers;
    expect([cors.accessControlAllowOriginList, cors.accessControlAllowCredentials]).toEqual([['https://postfacta.lucena.cloud'], true]);
    expect(find(objects, 'Middleware', 'postfacta-gateway-api-rate-limit').spec.rateLimit).toMatchObject({
      average: 300,
      burst: 50,
      period: '1m',
    });
    expect(find(objects, 'Middleware', 'postfacta-gateway-api-in-flight').spec.inFlightReq.amount).toBe(100);
    expect(find(objects, 'Middleware', 'postfacta-gateway-api-buffering').spec.buffering.maxRequestBodyBytes).toBe(1048576);
  });

  test('§4.2 two PostgreSQL instances (primary + standby): the availability §2 expected from Supabase', () => {
    expect(find(objects, 'Cluster', 'postfacta-postgres').spec).toMatchObject({ instances: 2, enablePDB: true, storage: { size: '10Gi' } });
  });

  test('resources: requests 200m/256Mi, memory limit 512Mi, no CPU limit; GOMEMLIMIT below the limit', () => {
    expect(container(find(objects, 'Deployment', 'postfacta-api')).resources).toEqual({
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { memory: '512Mi' },
    });
    expect(envOf(objects).GOMEMLIMIT).toBe('460MiB');
  });

  test('HPA 2–6 on CPU 70 %, scale up at once, down one pod a minute after 300 s', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'postfacta-api').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([2, 6]);
    expect(hpa.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(hpa.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }],
    });
    expect(hpa.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] });
    expect(find(objects, 'Deployment', 'postfacta-api').spec.replicas).toBeUndefined();
  });
});

describe('postfacta prod: §3 SLOs and §5 alerting', () => {
  const objects = postfacta(Environment.PROD);
  const rulesOf = (name: string) => find(objects, 'PrometheusRule', name).spec.groups.flatMap((g: Manifest) => g.rules);

  test('§3 availability 99.0 % over 30 days, p95 < 200 ms and p99 < 500 ms as burn-rate SLOs', () => {
    const burn = rulesOf('postfacta-slos').filter((r: Manifest) => r.alert === 'ErrorBudgetBurn' && r.labels.severity === 'critical');
    // The page alert's first pair: 1h/5m at 14.4 × the budget.
    expect(burn.map((r: Manifest) => [r.labels.slo, r.labels.severity, r.expr.split('\n')[1]])).toEqual([
      ['availability', 'critical', 'slo:sli_error:ratio_rate1h{namespace="postfacta",service="postfacta-api",slo="availability"} > 0.144'],
      ['latency-p95', 'critical', 'slo:sli_error:ratio_rate1h{namespace="postfacta",service="postfacta-api",slo="latency-p95"} > 0.72'],
      ['latency-p99', 'critical', 'slo:sli_error:ratio_rate1h{namespace="postfacta",service="postfacta-api",slo="latency-p99"} > 0.144'],
    ]);
  });

  test('§3 "99.5 % per hour" is its own ticket on the recorded 1-hour error ratio, with the traffic guard', () => {
    const hourly = rulesOf('postfacta-alerts').find((r: Manifest) => r.alert === 'HourlySuccessRateBelowTarget');
    expect(hourly).toMatchObject({
      expr:
        'slo:sli_error:ratio_rate1h{namespace="postfacta",service="postfacta-api",slo="availability"} > 0.005\nand\n' +
        'avg_over_time(slo:sli_requests:rate5m{namespace="postfacta",service="postfacta-api",slo="availability"}[1h]) >= 1',
      for: '5m',
      labels: { severity: 'warning', team: 'postfacta', namespace: 'postfacta', service: 'postfacta-api' },
    });
    expect(hourly.annotations.runbook_url).toBe('https://runbooks.lucena.cloud/postfacta/availability');
  });

  test('§5 symptom alerts for the API, CloudNativePG and the dumps', () => {
    const names = rulesOf('postfacta-alerts').map((r: Manifest) => r.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'TargetDown',
        'HighErrorRate',
        'HighLatency',
        'PodCrashLooping',
        'PostgresInstancesOnSameNode',
        'PostgresBackupFailed',
        'PostgresWalArchivingFailing',
        'PostgresWalArchiveBehindRpo',
        'BackupFailed',
        'BackupStale',
        'RestoreDrillFailed',
      ]),
    );
    for (const r of rulesOf('postfacta-alerts').filter((x: Manifest) => x.alert))
      expect(Object.keys(r.annotations).sort()).toEqual(expect.arrayContaining(['description', 'runbook_url', 'summary']));
  });

  test('§5 "integrate with PagerDuty": pages to PagerDuty, everything to Slack, credentials synced', () => {
    const routing = find(objects, 'AlertmanagerConfig', 'postfacta-alert-routing').spec;
    expect(routing.receivers.map((r: Manifest) => r.name).sort()).toEqual(['pagerduty', 'slack']);
    expect(JSON.stringify(routing.receivers)).toContain('"name":"postfacta-alerting"');
    expect(find(objects, 'ExternalSecret', 'postfacta-alerting').spec.data.map((d: Manifest) => d.secretKey)).toEqual([
      'slack-webhook-url',
      'pagerduty-routing-key',
    ]);
  });
});

test('dev is smaller but has the same shape', () => {
  const prod = postfacta(Environment.PROD);
  const dev = postfacta(Environment.DEV);
  // The same objects, but the chaos experiment, which runs in dev only.
  // The engine, its RBAC and the ChaosExperiment it runs (dev only).
  const chaos = (o: Manifest) => /-chaos(-|$)/.test(o.metadata.name) || o.kind === 'ChaosExperiment';
  const shape = (objects: Manifest[]) => objects.filter((o) => !chaos(o)).map((o) => `${o.kind}/${o.metadata.name}`);
  expect(shape(dev)).toEqual(shape(prod));
  expect(prod.filter(chaos)).toEqual([]);
  expect(dev.filter((o) => o.kind === 'ChaosEngine').map((o) => o.metadata.name)).toEqual(['postfacta-api-chaos-pod-delete']);
  // One database instance in dev, so CNPG's PDB is off there.
  expect(find(dev, 'Cluster', 'postfacta-postgres').spec).toMatchObject({ instances: 1, enablePDB: false, storage: { size: '2Gi' } });
  expect(container(find(dev, 'Deployment', 'postfacta-api')).resources).toEqual({
    requests: { cpu: '50m', memory: '128Mi' },
    limits: { memory: '256Mi' },
  });
  expect(find(dev, 'HorizontalPodAutoscaler', 'postfacta-api').spec.maxReplicas).toBeLessThan(
    find(prod, 'HorizontalPodAutoscaler', 'postfacta-api').spec.maxReplicas,
  );
});
