import { Environment } from '../../lib';
import { buildApp } from '../../stacks/main';
import { container, find, Manifest, ofKind } from '../support/synth';
import { promtoolTestRules } from '../support/promtool-rules';
import { hasTool } from '../support/tools';

/** The vault's objects in `env`: its data layer (namespace, database, cache) and its apps. */
function vault(env: Environment): Manifest[] {
  const dirs = buildApp()
    .render()
    .filter((d) => d.path === `apps/${env.name}/llm-data-vault-data` || d.path === `apps/${env.name}/llm-data-vault`);
  expect(dirs).toHaveLength(2);
  return dirs.flatMap((d) => d.files.flatMap((f) => f.objects));
}

const API = 'llm-data-vault-api';

describe.each(Environment.ALL)('llm-data-vault ($name)', (env) => {
  const objects = vault(env);

  // The snapshot of the whole chart, per environment, is in snapshots.test.ts (over the system list).

  test('names: the API is deploy/llm-data-vault-api in namespace llm-data-vault', () => {
    expect(find(objects, 'Namespace', 'llm-data-vault')).toBeDefined();
    expect(find(objects, 'Deployment', API).metadata.namespace).toBe('llm-data-vault');
  });

  test('§4.2–4.4, §5.3 the API listens on http 8080, exposed by its Service', () => {
    expect(container(find(objects, 'Deployment', API)).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(find(objects, 'Service', API).spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
    ]);
  });

  test('§4.2 liveness /health/live: initial 30, period 10, timeout 5, failures 3', () => {
    expect(container(find(objects, 'Deployment', API)).livenessProbe).toEqual({
      httpGet: { path: '/health/live', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 30,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
      successThreshold: 1,
    });
  });

  test('§4.3 readiness /health/ready: initial 10, period 5, timeout 3, failures 2', () => {
    expect(container(find(objects, 'Deployment', API)).readinessProbe).toEqual({
      httpGet: { path: '/health/ready', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 2,
      successThreshold: 1,
    });
  });

  test('§4.4 startup /health/startup: period 5, failures 12 (60 s); timeout 4 s, below the period', () => {
    const startup = container(find(objects, 'Deployment', API)).startupProbe;
    expect(startup).toEqual({
      httpGet: { path: '/health/startup', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 4,
      failureThreshold: 12,
      successThreshold: 1,
    });
    expect(startup.periodSeconds * startup.failureThreshold).toBe(60);
  });

  test('§5.3 shutdown: preStop sleep 5, terminationGracePeriodSeconds 60', () => {
    const d = find(objects, 'Deployment', API);
    expect(container(d).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
  });

  test('§5.3 PDB: maxUnavailable 1 only (minAvailable and maxUnavailable together are invalid)', () => {
    const pdb = find(objects, 'PodDisruptionBudget', API).spec;
    expect(pdb.maxUnavailable).toBe(1);
    expect(pdb.minAvailable).toBeUndefined();
  });

  test('§7.3 HPA metrics: CPU 70 %, memory 80 %, vault_requests_per_second 2000 per pod; behaviour as planned', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', API).spec;
    expect(hpa.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'vault_requests_per_second' }, target: { type: 'AverageValue', averageValue: '2000' } } },
    ]);
    expect(hpa.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 300,
      policies: [
        { type: 'Percent', value: 50, periodSeconds: 60 },
        { type: 'Pods', value: 2, periodSeconds: 60 },
      ],
      selectPolicy: 'Min',
    });
    expect(hpa.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 60,
      policies: [
        { type: 'Percent', value: 100, periodSeconds: 30 },
        { type: 'Pods', value: 4, periodSeconds: 30 },
      ],
      selectPolicy: 'Max',
    });
    expect(find(objects, 'Deployment', API).spec.replicas).toBeUndefined();
  });

  test('§6.1/§9.3 ServiceMonitor: /metrics on the metrics port (deviation: not 8080, which the gateway routes) every 30 s', () => {
    expect(find(objects, 'ServiceMonitor', API).spec.endpoints).toEqual([
      { port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
  });

  test('the API reaches PostgreSQL through the pooler, §7.2 20 connections per pod, credentials only from Secrets', () => {
    const vars = container(find(objects, 'Deployment', API)).env as Manifest[];
    expect(vars.filter((e) => e.name.startsWith('DB_'))).toEqual([
      { name: 'DB_MAX_CONNECTIONS', value: '20' },
      { name: 'DB_HOST', value: 'llm-data-vault-postgres-pooler-rw.llm-data-vault.svc' },
      { name: 'DB_PORT', value: '5432' },
      { name: 'DB_NAME', value: 'vault' },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'llm-data-vault-postgres-app', key: 'username' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'llm-data-vault-postgres-app', key: 'password' } } },
    ]);
    expect(vars.filter((e) => e.name.startsWith('AWS_'))).toEqual([
      { name: 'AWS_REGION', value: 'us-east-1' },
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'llm-data-vault-aws', key: 'access-key-id' } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'llm-data-vault-aws', key: 'secret-access-key' } } },
    ]);
    expect(vars.find((e) => e.name === 'REDIS_PASSWORD')).toEqual({
      name: 'REDIS_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'llm-data-vault-redis', key: 'password' } },
    });
  });

  test('network: the gateway namespace on 8080 in; KMS/S3 on 443, tracing, Kafka, pooler and Redis out', () => {
    const np = find(objects, 'NetworkPolicy', API).spec;
    expect(np.ingress).toEqual(
      expect.arrayContaining([
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ]),
    );
    expect(np.egress).toEqual(
      expect.arrayContaining([
        {
          to: [
            {
              ipBlock: {
                cidr: '0.0.0.0/0',
                except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8'],
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 443 }],
        },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tracing' } } }],
          ports: [
            { protocol: 'TCP', port: 14268 },
            { protocol: 'TCP', port: 9411 },
          ],
        },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kafka' } } }],
          ports: [{ protocol: 'TCP', port: 9092 }],
        },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'llm-data-vault' } },
              podSelector: { matchLabels: { 'cnpg.io/poolerName': 'llm-data-vault-postgres-pooler-rw' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ]),
    );
  });

  test('§1.2 continuous backup to S3: WAL archiving within the 1-minute RPO, daily base backups, SSE-KMS', () => {
    const cluster = find(objects, 'Cluster', 'llm-data-vault-postgres').spec;
    expect(cluster.plugins).toEqual([
      { name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'llm-data-vault-postgres' } },
    ]);
    expect(cluster.postgresql.parameters.archive_timeout).toBe('30s');
    const store = find(objects, 'ObjectStore', 'llm-data-vault-postgres').spec;
    expect(store.configuration).toMatchObject({
      // Each environment has its own bucket: dev's credentials never reach prod's backups.
      destinationPath: `s3://llm-data-vault-backups-${env.name}/postgres`,
      endpointURL: 'https://s3.us-east-1.amazonaws.com',
      s3Credentials: {
        accessKeyId: { name: 'llm-data-vault-backup-s3', key: 'access-key' },
        secretAccessKey: { name: 'llm-data-vault-backup-s3', key: 'secret-key' },
      },
      wal: { compression: 'gzip', encryption: 'aws:kms' },
      data: { encryption: 'aws:kms' },
    });
    expect(store.retentionPolicy).toBe(env.pick({ prod: '30d', dev: '7d' }));
    expect(find(objects, 'ScheduledBackup', 'llm-data-vault-postgres').spec).toMatchObject({
      schedule: '0 0 3 * * *',
      method: 'plugin',
      immediate: true,
    });
  });

  test('§7.2 database: database vault through a transaction-mode PgBouncer pooler', () => {
    const cluster = find(objects, 'Cluster', 'llm-data-vault-postgres').spec;
    expect(cluster.bootstrap.initdb).toMatchObject({ database: 'vault', owner: 'vault' });
    expect(cluster.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:15.18-standard-trixie');
    expect(find(objects, 'Pooler', 'llm-data-vault-postgres-pooler-rw').spec).toMatchObject({
      type: 'rw',
      pgbouncer: { poolMode: 'transaction' },
    });
  });
});

/** Every rule of a PrometheusRule, by group. */
function rules(objects: Manifest[], name: string): Manifest[] {
  return find(objects, 'PrometheusRule', name).spec.groups.flatMap((g: Manifest) => g.rules);
}

/** The one alert `alert` (of `service`, when given) of a PrometheusRule. */
function alertOf(objects: Manifest[], ruleset: string, alert: string, service?: string): Manifest {
  const found = rules(objects, ruleset).filter((r) => r.alert === alert && (service === undefined || r.labels.service === service));
  expect(found).toHaveLength(1);
  return found[0];
}

describe.each(Environment.ALL)('llm-data-vault alerting and secrets ($name)', (env) => {
  const objects = vault(env);
  const JOB = 'namespace="llm-data-vault",job="llm-data-vault-api"';
  const of = (alert: string, service: string = API) => alertOf(objects, 'llm-data-vault-alerts', alert, service);
  const PLAN = 'https://wiki.company.com/runbooks';

  test('§6.5 HighErrorRate: 5xx above 1 % for 5m, critical (P1), team platform', () => {
    const rule = of('HighErrorRate');
    expect(rule.expr).toBe(
      `sum by (namespace, job) (rate(vault_requests_total{${JOB},status=~"5.."}[5m]))\n/\nsum by (namespace, job) (rate(vault_requests_total{${JOB}}[5m]))\n> 0.01`,
    );
    expect(rule.for).toBe('5m');
    expect(rule.labels).toMatchObject({
      severity: 'critical',
      priority: 'P1',
      team: 'platform',
      namespace: 'llm-data-vault',
      service: API,
    });
    expect(rule.annotations.runbook_url).toBe(`${PLAN}/high-error-rate#higherrorrate`);
  });

  test('§6.5 HighLatency: p99 above 200 ms for 5m, warning (P2), the buckets summed by le', () => {
    const rule = of('HighLatency');
    expect(rule.expr).toBe(
      `histogram_quantile(0.99, sum by (namespace, job, le) (rate(vault_request_duration_seconds_bucket{${JOB}}[5m])))\n> 0.2`,
    );
    expect(rule.for).toBe('5m');
    expect(rule.labels).toMatchObject({ severity: 'warning', priority: 'P2', team: 'platform', namespace: 'llm-data-vault' });
    expect(rule.annotations.runbook_url).toBe(`${PLAN}/high-latency`);
  });

  test('§6.5 ServiceDegraded: §6.2 vault_circuit_breaker_state{state="open"} == 1 for 2m, warning (P2)', () => {
    const rule = of('ServiceDegraded');
    expect(rule.expr).toBe(`vault_circuit_breaker_state{${JOB},state="open"} == 1`);
    expect(rule.for).toBe('2m');
    expect(rule.labels).toMatchObject({ severity: 'warning', priority: 'P2' });
    expect(rule.annotations.runbook_url).toBe(`${PLAN}/circuit-breaker`);
    expect(rule.annotations.summary).toContain('{{ $labels.dependency }}');
  });

  test('§6.5 DatabaseConnectionPoolExhausted: §6.2 vault_active_connections{type="database"} above 90 % of the 20 per pod (§7.2) for 5m, critical (P1)', () => {
    const rule = of('DatabaseConnectionPoolExhausted');
    expect(rule.expr).toBe(`vault_active_connections{${JOB},type="database"} / 20 > 0.9`);
    expect(rule.for).toBe('5m');
    expect(rule.labels).toMatchObject({ severity: 'critical', priority: 'P1' });
    expect(rule.annotations.runbook_url).toBe(`${PLAN}/connection-pool`);
  });

  test('API down pages (P1); pod symptoms are P3', () => {
    expect(of('TargetDown').labels).toMatchObject({ severity: 'critical', priority: 'P1' });
    for (const alert of ['PodCrashLooping', 'PodNotReady', 'MemoryNearLimit', 'HpaMaxedOut'])
      expect([alert, of(alert).labels.priority]).toEqual([alert, 'P3']);
    expect(of('MemoryNearLimit').expr).toMatch(/> 0\.95$/);
  });

  test("§11.3 error budget policy: one P3 alert per step, from the availability SLO's 30-day ratio", () => {
    const selector = '{namespace="llm-data-vault",service="llm-data-vault-api",slo="availability"}';
    for (const [alert, threshold] of [
      ['ErrorBudgetPolicyCautious', '0.00025'],
      ['ErrorBudgetPolicySlow', '0.0005'],
      ['ErrorBudgetPolicyFreeze', '0.00075'],
    ]) {
      const rule = of(alert);
      expect(rule.expr).toBe(
        `sum_over_time(slo:sli_errors:rate5m${selector}[30d])\n/\nsum_over_time(slo:sli_requests:rate5m${selector}[30d])\n> ${threshold}`,
      );
      expect(rule.labels).toMatchObject({ priority: 'P3', slo: 'availability', namespace: 'llm-data-vault' });
      expect(rule.annotations.runbook_url).toBe(`${PLAN}/error-budget`);
    }
  });

  test('§11.4 multi-window burn rates: 14.4× (1h/5m) or 6× (6h/30m) page P1, 3× or 1× are P3; runbooks of §6.5', () => {
    const burn = rules(objects, 'llm-data-vault-slos').filter((r) => r.alert === 'ErrorBudgetBurn' && r.labels.slo === 'availability');
    const pairs = (expr: string) =>
      [...expr.matchAll(/"long_window", "(\w+)", "", ""\), "short_window", "(\w+)"/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(burn.map((r) => [pairs(r.expr), r.for, r.labels.priority, r.labels.team])).toEqual([
      [['1h/5m', '6h/30m'], undefined, 'P1', 'platform'],
      [['1d/2h', '3d/6h'], undefined, 'P3', 'platform'],
    ]);
    // §6.5's ErrorBudgetBurnRateTooFast: (1 - 0.999) × 14.4.
    expect(burn[0].expr).toContain(
      'slo:sli_error:ratio_rate1h{namespace="llm-data-vault",service="llm-data-vault-api",slo="availability"} > 0.0144',
    );
    expect(burn[0].expr).toContain(
      'last_over_time(slo:sli_error:ratio_rate5m{namespace="llm-data-vault",service="llm-data-vault-api",slo="availability"}[1h]) > 0.0144',
    );
    expect(burn[0].annotations.runbook_url).toBe(`${PLAN}/error-budget`);
    const latency = rules(objects, 'llm-data-vault-slos').find((r) => r.alert === 'ErrorBudgetBurn' && r.labels.slo === 'latency-p99');
    expect(latency?.annotations.runbook_url).toBe(`${PLAN}/high-latency`);
  });

  test('PostgreSQL pack: down, no primary, out of connections or disk page (P1), the rest P3; backups P3', () => {
    const pg = (alert: string) => alertOf(objects, 'llm-data-vault-alerts', alert, 'llm-data-vault-postgres');
    for (const alert of ['PostgresOffline', 'PostgresNoPrimary', 'PostgresConnectionsCritical', 'PostgresDiskSpaceCritical']) {
      expect([alert, pg(alert).labels.priority, pg(alert).labels.severity]).toEqual([alert, 'P1', 'critical']);
    }
    expect(pg('PostgresOffline').annotations.runbook_url).toBe(`${PLAN}/database-failure#postgresoffline`);
    expect(pg('PostgresConnectionsHigh').labels.priority).toBe('P3');
    expect(alertOf(objects, 'llm-data-vault-alerts', 'BackupFailed').labels).toMatchObject({
      priority: 'P3',
      service: 'llm-data-vault-postgres-dump',
    });
    // Every alert carries a priority, the label Appendix D routes on.
    for (const name of ['llm-data-vault-alerts', 'llm-data-vault-slos']) {
      expect(
        rules(objects, name)
          .filter((r) => r.alert && !r.labels.priority)
          .map((r) => r.alert),
      ).toEqual([]);
    }
  });

  test('Appendix D: Slack for every alert, PagerDuty for P1 and P2, credentials from the synced Secret', () => {
    const config = find(objects, 'AlertmanagerConfig', 'llm-data-vault-alert-routing').spec;
    expect(config.receivers.map((r: Manifest) => r.name)).toEqual(['pagerduty', 'slack']);
    expect(config.route.routes).toEqual([
      { receiver: 'pagerduty', matchers: [{ name: 'priority', value: 'P1|P2', matchType: '=~' }], continue: true },
      { receiver: 'slack' },
    ]);
    const [pagerduty, slack] = config.receivers;
    expect(pagerduty.pagerdutyConfigs[0].routingKey).toEqual({ name: 'llm-data-vault-alerting', key: 'pagerduty-routing-key' });
    expect(slack.slackConfigs[0]).toMatchObject({
      apiURL: { name: 'llm-data-vault-alerting', key: 'slack-webhook-url' },
      channel: '#llm-data-vault-alerts',
    });
  });

  test('every Secret the vault reads is synced from the secret manager under llm-data-vault/<env>/', () => {
    const secrets = ofKind(objects, 'ExternalSecret');
    expect(
      secrets.map((o) => [o.metadata.name, o.spec.data.map((d: Manifest) => `${d.secretKey}←${d.remoteRef.key}#${d.remoteRef.property}`)]),
    ).toEqual([
      [
        'llm-data-vault-backup-s3',
        [`access-key←llm-data-vault/${env.name}/backup-s3#access-key`, `secret-key←llm-data-vault/${env.name}/backup-s3#secret-key`],
      ],
      ['llm-data-vault-redis', [`password←llm-data-vault/${env.name}/redis#password`]],
      [
        'llm-data-vault-aws',
        [
          `access-key-id←llm-data-vault/${env.name}/aws#access-key-id`,
          `secret-access-key←llm-data-vault/${env.name}/aws#secret-access-key`,
        ],
      ],
      [
        'llm-data-vault-alerting',
        [
          `slack-webhook-url←llm-data-vault/${env.name}/alerting#slack-webhook-url`,
          `pagerduty-routing-key←llm-data-vault/${env.name}/alerting#pagerduty-routing-key`,
        ],
      ],
      // The read-only role dumps run as (production review 5).
      ['llm-data-vault-postgres-backup-role', [`password←llm-data-vault/${env.name}/postgres-backup-role#password`]],
    ]);
    for (const o of secrets) {
      expect(o.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'secret-manager' });
      expect(o.spec.target).toMatchObject({ name: o.metadata.name, deletionPolicy: 'Retain' });
    }
  });
});

describe("llm-data-vault prod carries the plan's values", () => {
  const objects = vault(Environment.PROD);

  test('§7.3 HPA: 5–50 replicas', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', API).spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([5, 50]);
  });

  test('§7.2 API resources: 4 vCPU and 8 GiB per instance', () => {
    expect(container(find(objects, 'Deployment', API)).resources).toEqual({
      requests: { cpu: '4', memory: '8Gi' },
      limits: { memory: '8Gi' },
    });
  });

  test('§7.2 PostgreSQL: max_connections 300, db.r5.xlarge (4 vCPU, 32 GB), 60 GB minimum / 200 GB in two years (WAL 50 GB)', () => {
    const cluster = find(objects, 'Cluster', 'llm-data-vault-postgres').spec;
    expect(cluster.postgresql.parameters.max_connections).toBe('300');
    expect(cluster).toMatchObject({ instances: 3, enablePDB: true, storage: { size: '150Gi' }, walStorage: { size: '50Gi' } });
    expect(cluster.resources).toEqual({ requests: { cpu: '4', memory: '32Gi' }, limits: { memory: '32Gi' } });
  });

  test('§7.2 connection budget: 50 pods × 20 clients multiplexed onto 3 × 60 = 180 server connections of 300', () => {
    const pgbouncer = find(objects, 'Pooler', 'llm-data-vault-postgres-pooler-rw').spec;
    expect(pgbouncer.instances).toBe(3);
    // Transaction pooling with drivers that prepare statements: PgBouncer tracks them (200 per connection).
    expect(pgbouncer.pgbouncer.parameters).toEqual({ max_prepared_statements: '200', default_pool_size: '60', max_client_conn: '1000' });
    const server = pgbouncer.instances * Number(pgbouncer.pgbouncer.parameters.default_pool_size);
    expect(server).toBe(180);
    // 300 minus 3 superuser slots and 2 replication connections.
    expect(server).toBeLessThanOrEqual(300 - 3 - 2);
    // All 50 × 20 clients fit even with one PgBouncer pod down.
    expect((pgbouncer.instances - 1) * Number(pgbouncer.pgbouncer.parameters.max_client_conn)).toBeGreaterThanOrEqual(50 * 20);
  });

  test('§7.2 Redis: Sentinel with replicas for HA, 6 GB of data in 8 GiB', () => {
    const sts = find(objects, 'StatefulSet', 'llm-data-vault-redis');
    expect(sts.spec.replicas).toBe(3);
    const redis = sts.spec.template.spec.containers.find((c: Manifest) => c.name === 'redis');
    expect(redis.resources).toEqual({ requests: { cpu: '1', memory: '8Gi' }, limits: { memory: '8Gi' } });
    const vars = container(find(objects, 'Deployment', API)).env as Manifest[];
    expect(vars.filter((e) => e.name.startsWith('REDIS_')).map((e) => e.name)).toEqual([
      'REDIS_HOST',
      'REDIS_PORT',
      'REDIS_SENTINEL_MASTER',
      'REDIS_PASSWORD',
    ]);
  });
});

test('dev is smaller but has the same shape', () => {
  const prod = vault(Environment.PROD);
  const dev = vault(Environment.DEV);
  // One database instance in dev, so CNPG's PDB is off there.
  expect(find(dev, 'Cluster', 'llm-data-vault-postgres').spec).toMatchObject({ instances: 1, enablePDB: false });
  // The apps have the same objects; the data layer is smaller (one Redis pod, so no PDB there).
  // Chaos (§8.2) runs in dev only, with the ChaosExperiment definitions its engines run.
  const shape = (objects: Manifest[]) =>
    objects
      .filter(
        (o) => !['redis', 'api-chaos', 'chaos-experiments', 'chaos-schedule'].includes(o.metadata.labels?.['app.kubernetes.io/component']),
      )
      .map((o) => `${o.kind}/${o.metadata.name}`);
  expect(shape(dev)).toEqual(shape(prod));
  expect(ofKind(prod, 'ChaosEngine')).toEqual([]);
  expect(ofKind(prod, 'ChaosExperiment')).toEqual([]);
  expect(ofKind(dev, 'ChaosExperiment').map((e) => [e.metadata.name, e.spec.definition.image])).toEqual(
    ['pod-delete', 'pod-network-latency', 'pod-cpu-hog', 'pod-network-loss'].map((n) => [
      n,
      'litmuschaos.docker.scarf.sh/litmuschaos/go-runner:3.18.0',
    ]),
  );
  expect(ofKind(dev, 'ChaosEngine').map((e) => e.metadata.name)).toEqual([
    'llm-data-vault-api-chaos-pod-delete',
    'llm-data-vault-api-chaos-pod-network-latency',
    'llm-data-vault-api-chaos-pod-cpu-hog',
    'llm-data-vault-api-chaos-database-failure',
  ]);
  const podDelete = find(dev, 'ChaosEngine', 'llm-data-vault-api-chaos-pod-delete').spec.experiments[0].spec.components.env;
  expect(podDelete).toEqual(
    expect.arrayContaining([
      { name: 'TOTAL_CHAOS_DURATION', value: '60' },
      { name: 'PODS_AFFECTED_PERC', value: '20' },
      { name: 'FORCE', value: 'true' },
    ]),
  );
  expect(find(dev, 'StatefulSet', 'llm-data-vault-redis').spec.replicas).toBe(1);
  // The pooler runs 2 PgBouncers in dev too, so it keeps its budget.
  expect(ofKind(dev, 'PodDisruptionBudget').map((p) => p.metadata.name)).toEqual(['llm-data-vault-postgres-pooler-rw', API]);
  const hpa = find(dev, 'HorizontalPodAutoscaler', API).spec;
  expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([2, 4]);
  expect(container(find(dev, 'Deployment', API)).resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
});

(hasTool('promtool') ? test : test.skip)(
  'promtool test rules: §6.5 pool and circuit breaker, §11.3 budget policy fire when they should and stay quiet otherwise',
  () => {
    const objects = vault(Environment.PROD);
    const api = 'namespace="llm-data-vault",job="llm-data-vault-api"';
    const slo = 'namespace="llm-data-vault",service="llm-data-vault-api",slo="availability"';
    promtoolTestRules(find(objects, 'PrometheusRule', 'llm-data-vault-alerts'), [
      {
        name: 'pool at 90 % is fine; at 95 % it fires after 5 minutes',
        series: {
          [`vault_active_connections{${api},pod="api-1",type="database"}`]: '18x10 19x20',
          [`vault_active_connections{${api},pod="api-1",type="cache"}`]: '20x30',
        },
        expect: [
          ['10m', 'DatabaseConnectionPoolExhausted', []],
          ['14m', 'DatabaseConnectionPoolExhausted', []],
          [
            '17m',
            'DatabaseConnectionPoolExhausted',
            [{ namespace: 'llm-data-vault', job: 'llm-data-vault-api', pod: 'api-1', type: 'database' }],
          ],
        ],
      },
      {
        name: 'a breaker open for 2 minutes degrades the service; closed again it resolves',
        series: {
          [`vault_circuit_breaker_state{${api},pod="api-1",dependency="kms",state="open"}`]: '0x5 1x5 0x5',
          [`vault_circuit_breaker_state{${api},pod="api-1",dependency="kms",state="closed"}`]: '1x5 0x5 1x5',
        },
        expect: [
          ['5m', 'ServiceDegraded', []],
          ['6m', 'ServiceDegraded', []],
          [
            '9m',
            'ServiceDegraded',
            [{ namespace: 'llm-data-vault', job: 'llm-data-vault-api', pod: 'api-1', dependency: 'kms', state: 'open' }],
          ],
          ['13m', 'ServiceDegraded', []],
        ],
      },
      {
        name: '60 % of the budget spent: the cautious and slow policies apply, not the freeze',
        series: { [`slo:sli_errors:rate5m{${slo}}`]: '0.6x60', [`slo:sli_requests:rate5m{${slo}}`]: '1000x60' },
        expect: [
          ['10m', 'ErrorBudgetPolicySlow', []],
          ['30m', 'ErrorBudgetPolicyCautious', [{}]],
          ['30m', 'ErrorBudgetPolicySlow', [{}]],
          ['30m', 'ErrorBudgetPolicyFreeze', []],
        ],
      },
    ]);
  },
  60_000,
);
