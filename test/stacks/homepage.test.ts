import { Environment } from '../../lib';
import { buildApp } from '../../stacks/main';
import { promtoolTestRules } from '../support/promtool-rules';
import { container, find, jobEnv, Manifest, ofKind } from '../support/synth';
import { hasTool } from '../support/tools';

/** The homepage's objects in `env`: its data layer (namespace, database) and its apps. */
function homepage(env: Environment): Manifest[] {
  const dirs = buildApp()
    .render()
    .filter((d) => d.path === `apps/${env.name}/homepage-data` || d.path === `apps/${env.name}/homepage`);
  expect(dirs).toHaveLength(2);
  return dirs.flatMap((d) => d.files.flatMap((f) => f.objects));
}

describe.each(Environment.ALL)('homepage ($name)', (env) => {
  const objects = homepage(env);

  // The snapshot of the whole chart, per environment, is in snapshots.test.ts (over the system list).

  test('names the runbooks use (§7: deploy/homepage-api in namespace homepage)', () => {
    expect(find(objects, 'Deployment', 'homepage-api').metadata.namespace).toBe('homepage');
    expect(find(objects, 'Deployment', 'homepage-frontend').metadata.namespace).toBe('homepage');
    expect(find(objects, 'Namespace', 'homepage')).toBeDefined();
  });

  test('§3.2 PDB minAvailable 1 for both tiers', () => {
    for (const name of ['homepage-api', 'homepage-frontend']) {
      expect(find(objects, 'PodDisruptionBudget', name).spec.minAvailable).toBe(1);
    }
  });

  test('§3.9 graceful shutdown: 30 s drain after a 5 s preStop', () => {
    for (const name of ['homepage-api', 'homepage-frontend']) {
      const d = find(objects, 'Deployment', name);
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(40);
      expect(container(d).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    }
  });

  test('§3.5 separate liveness and readiness on the API', () => {
    const c = container(find(objects, 'Deployment', 'homepage-api'));
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/livez');
    // The readiness handler pings DB and Redis under a 5 s context: the probe must wait longer.
    expect(c.readinessProbe.timeoutSeconds).toBeGreaterThan(5);
  });

  test('§4.1 ServiceMonitor: /metrics on http every 30 s, timeout 10 s', () => {
    expect(find(objects, 'ServiceMonitor', 'homepage-api').spec.endpoints).toEqual([
      { port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
  });

  test('the API reaches PostgreSQL through the pooler with credentials from the CNPG Secret', () => {
    const env = container(find(objects, 'Deployment', 'homepage-api')).env;
    expect(env.filter((e: Manifest) => e.name.startsWith('DB_'))).toEqual([
      { name: 'DB_HOST', value: 'homepage-postgres-pooler-rw.homepage.svc' },
      { name: 'DB_PORT', value: '5432' },
      { name: 'DB_NAME', value: 'homepage' },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'homepage-postgres-app', key: 'username' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'homepage-postgres-app', key: 'password' } } },
    ]);
  });

  test('§3.1 PostgreSQL on CloudNativePG: 10Gi local-path, WAL to MinIO with gzip, 7d retention', () => {
    const cluster = find(objects, 'Cluster', 'homepage-postgres');
    expect(cluster.spec.storage.storageClass).toBe('local-path');
    expect(cluster.spec.plugins[0].isWALArchiver).toBe(true);
    const store = find(objects, 'ObjectStore', 'homepage-postgres').spec;
    expect(store.retentionPolicy).toBe('7d');
    expect(store.configuration).toMatchObject({
      // dev archives beside prod, never into the same path.
      destinationPath: env.isProduction ? 's3://homepage-backups/postgres' : 's3://homepage-backups/postgres/dev',
      endpointURL: 'http://minio.minio:9000',
      s3Credentials: {
        accessKeyId: { name: 'minio-credentials', key: 'access-key' },
        secretAccessKey: { name: 'minio-credentials', key: 'secret-key' },
      },
      wal: { compression: 'gzip' },
    });
    expect(find(objects, 'PodMonitor', 'homepage-postgres')).toBeDefined();
  });

  test('§1 Ollama runs in the homepage namespace: pinned image, port 11434, probes that never load a model', () => {
    const d = find(objects, 'Deployment', 'homepage-ollama');
    expect(d.metadata.namespace).toBe('homepage');
    const c = container(d);
    expect(c.image).toBe('ollama/ollama:0.5.7');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 11434, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/api/version', port: 'http', scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/', port: 'http', scheme: 'HTTP' });
    expect(c.startupProbe.httpGet.path).toBe('/');
    expect(find(objects, 'Service', 'homepage-ollama').spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 11434 })]);
  });

  test('Ollama runs as non-root with HOME and OLLAMA_MODELS in its writable directory', () => {
    const d = find(objects, 'Deployment', 'homepage-ollama');
    const c = container(d);
    expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const env = Object.fromEntries(c.env.map((e: Manifest) => [e.name, e.value]));
    expect(env).toMatchObject({
      OLLAMA_HOST: '0.0.0.0:11434',
      HOME: '/var/lib/ollama',
      OLLAMA_MODELS: '/var/lib/ollama/models',
      OLLAMA_KEEP_ALIVE: '-1',
    });
    const mount = c.volumeMounts.find((m: Manifest) => m.mountPath === '/var/lib/ollama');
    expect(d.spec.template.spec.volumes.find((v: Manifest) => v.name === mount.name).emptyDir).toEqual({ sizeLimit: '8Gi' });
  });

  test('Ollama pulls its model in a postStart hook, so a pod is ready only with the model in its store', () => {
    const c = container(find(objects, 'Deployment', 'homepage-ollama'));
    expect(c.lifecycle.postStart).toEqual({
      exec: {
        command: [
          'sh',
          '-c',
          'export OLLAMA_HOST=127.0.0.1:11434; until ollama list >/dev/null 2>&1; do sleep 1; done; ' +
            'ollama show llama3.2:3b >/dev/null 2>&1 || ollama pull llama3.2:3b',
        ],
      },
    });
    // The model store the hook pulls into survives container restarts (an emptyDir, per pod).
    expect(c.env).toContainEqual({ name: 'OLLAMA_MODELS', value: '/var/lib/ollama/models' });
    // The startup probe runs only after the hook, so its budget covers just the server's start.
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(60);
    // No other service gets a postStart hook.
    for (const name of ['homepage-api', 'homepage-frontend'])
      expect(container(find(objects, 'Deployment', name)).lifecycle.postStart).toBeUndefined();
    // The pull counts against the rollout's progress deadline: 30 minutes, not the default 10.
    expect(find(objects, 'Deployment', 'homepage-ollama').spec.progressDeadlineSeconds).toBe(1800);
    // The API asks Ollama for the model it pulls.
    expect(container(find(objects, 'Deployment', 'homepage-api')).env).toContainEqual({ name: 'OLLAMA_MODEL', value: 'llama3.2:3b' });
  });

  test("Ollama shuts down gracefully: the preStop covers the API's 120 s generation timeout plus endpoint removal (its SIGTERM does not drain)", () => {
    const d = find(objects, 'Deployment', 'homepage-ollama');
    expect(container(d).lifecycle.preStop.exec.command).toEqual(['sleep', '125']);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(135);
    const api = container(find(objects, 'Deployment', 'homepage-api'));
    expect(api.env.find((e: { name: string }) => e.name === 'OLLAMA_REQUEST_TIMEOUT')).toEqual({
      name: 'OLLAMA_REQUEST_TIMEOUT',
      value: '120s',
    });
  });

  test('only the API reaches Ollama; the API is pointed at the in-namespace Service', () => {
    const policy = find(objects, 'NetworkPolicy', 'homepage-ollama').spec;
    const apiPods = find(objects, 'Deployment', 'homepage-api').spec.selector.matchLabels;
    expect(policy.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'homepage' } }, podSelector: { matchLabels: apiPods } },
        ],
        ports: [{ protocol: 'TCP', port: 11434 }],
      },
    ]);
    // Model pulls: public 443 only, never the cluster's ranges.
    expect(policy.egress).toContainEqual({
      to: [{ ipBlock: expect.objectContaining({ cidr: '0.0.0.0/0', except: expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16']) }) }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    expect(ofKind(objects, 'ServiceMonitor').map((m) => m.metadata.name)).not.toContain('homepage-ollama');
    const apiPolicy = find(objects, 'NetworkPolicy', 'homepage-api').spec;
    const ollamaPods = find(objects, 'Deployment', 'homepage-ollama').spec.selector.matchLabels;
    expect(apiPolicy.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'homepage' } }, podSelector: { matchLabels: ollamaPods } }],
      ports: [{ protocol: 'TCP', port: 11434 }],
    });
    // Nothing points at the old external namespace any more.
    expect(JSON.stringify(apiPolicy)).not.toContain('"ollama"');
    expect(container(find(objects, 'Deployment', 'homepage-api')).env).toContainEqual({
      name: 'OLLAMA_HOST',
      value: 'http://homepage-ollama.homepage.svc:11434',
    });
  });

  test('Ollama alerts from kube-state-metrics and cAdvisor (it has no /metrics): down, crash looping, not ready, memory', () => {
    const group = find(objects, 'PrometheusRule', 'homepage-alerts').spec.groups.find(
      (g: Manifest) => g.name === 'homepage-ollama-symptoms',
    );
    expect(group.rules.map((r: Manifest) => r.alert)).toEqual([
      'DeploymentUnavailable',
      'PodCrashLooping',
      'PodNotReady',
      'MemoryNearLimit',
    ]);
    const down = group.rules[0];
    expect(down.expr).toBe(
      'sum by (namespace, deployment) (kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-ollama"}) == 0\n' +
        'or\nabsent(kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-ollama"})',
    );
    for (const r of group.rules) {
      expect([r.alert, r.labels.severity, r.labels.service, r.labels.namespace, r.annotations.runbook_url]).toEqual([
        r.alert,
        'warning',
        'homepage-ollama',
        'homepage',
        `https://runbooks.lucena.cloud/homepage/ollama#${r.alert.toLowerCase()}`,
      ]);
    }
  });

  test('§3.1/§5.2 minio-credentials is synced from the secret manager with access-key and secret-key', () => {
    const es = find(objects, 'ExternalSecret', 'minio-credentials').spec;
    expect(es.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'secret-manager' });
    expect(es.target).toMatchObject({ name: 'minio-credentials', deletionPolicy: 'Retain' });
    expect(es.data).toEqual([
      { secretKey: 'access-key', remoteRef: { key: `homepage/${env.name}/minio-backup`, property: 'access-key' } },
      { secretKey: 'secret-key', remoteRef: { key: `homepage/${env.name}/minio-backup`, property: 'secret-key' } },
    ]);
    // The data layer reads it, so it is applied with the data layer.
    const data = buildApp()
      .render()
      .find((d) => d.path === `apps/${env.name}/homepage-data`)!;
    expect(data.files.flatMap((f) => f.objects).map((o) => `${o.kind}/${o.metadata.name}`)).toContain('ExternalSecret/minio-credentials');
  });

  test('§6 phase 2 dashboards: the SLOs with their budgets, and the API on the service dashboard', () => {
    const json = (name: string) => JSON.parse(Object.values(find(objects, 'ConfigMap', name).data as Record<string, string>)[0]);
    const exprs = (name: string) => JSON.stringify(json(name).panels);
    expect(exprs('homepage-slo-dashboard')).toContain('slo=\\"availability\\"');
    expect(exprs('homepage-slo-dashboard')).toContain('slo=\\"latency-p99\\"');
    expect(exprs('homepage-service-dashboard')).toContain(
      'http_requests_total{namespace=\\"homepage\\",job=\\"homepage-api\\",status=~\\"5..\\"}',
    );
    expect(exprs('homepage-service-dashboard')).not.toContain('homepage-ollama');
  });

  test('alert routing: every alert to Slack, credentials from a synced Secret', () => {
    const routing = find(objects, 'AlertmanagerConfig', 'homepage-alert-routing').spec;
    const slack = routing.receivers.find((r: Manifest) => r.name === 'slack').slackConfigs[0];
    expect([slack.apiURL, slack.channel]).toEqual([
      { name: 'homepage-alerting', key: 'slack-webhook-url' },
      env.isProduction ? '#homepage-alerts' : '#homepage-alerts-dev',
    ]);
    expect(routing.route.receiver).toBe('slack');
    const es = find(objects, 'ExternalSecret', 'homepage-alerting').spec;
    expect(es.data.map((d: Manifest) => [d.secretKey, d.remoteRef.key])).toEqual([
      ['slack-webhook-url', `homepage/${env.name}/alerting`],
      ...(env.isProduction ? [['pagerduty-routing-key', `homepage/${env.name}/alerting`]] : []),
    ]);
  });
});

describe("homepage prod carries the plan's values", () => {
  const objects = homepage(Environment.PROD);

  test('§4.2 alerts: API down pages, 5xx > 1 % for 5m, p99 > 500 ms for 5m, PostgreSQL down pages, crash looping', () => {
    const rules = find(objects, 'PrometheusRule', 'homepage-alerts').spec.groups.flatMap((g: Manifest) => g.rules);
    const rule = (name: string) => rules.find((r: Manifest) => r.alert === name);
    expect(rule('TargetDown').labels.severity).toBe('critical');
    expect([rule('HighErrorRate').for, rule('HighErrorRate').expr]).toEqual(['5m', expect.stringContaining('status=~"5.."')]);
    expect([rule('HighLatency').for, rule('HighLatency').expr]).toEqual(['5m', expect.stringContaining('histogram_quantile(0.99')]);
    expect(rule('PostgresOffline').labels.severity).toBe('critical');
    expect(rule('PodCrashLooping')).toBeDefined();
    for (const r of rules.filter((x: Manifest) => x.alert))
      expect([r.alert, typeof r.annotations.runbook_url, typeof r.labels.severity]).toEqual([r.alert, 'string', 'string']);
  });

  test('§2.1 SLOs: 99.9 % availability and p99 < 500 ms, with burn-rate alerts paging at 14.4×', () => {
    const groups = find(objects, 'PrometheusRule', 'homepage-slos').spec.groups;
    const alerts = groups.flatMap((g: Manifest) => g.rules).filter((r: Manifest) => r.alert === 'ErrorBudgetBurn');
    const page = alerts.find((r: Manifest) => r.labels.slo === 'availability' && r.labels.severity === 'critical');
    expect(page.labels.severity).toBe('critical');
    expect(page.expr).toContain('slo:sli_error:ratio_rate1h{namespace="homepage",service="homepage-api",slo="availability"} > 0.0144');
    const latency = alerts.find((r: Manifest) => r.labels.slo === 'latency-p99' && r.labels.severity === 'critical');
    expect(latency.expr).toContain('> 0.144');
    expect(
      groups
        .flatMap((g: Manifest) => g.rules)
        .filter((r: Manifest) => r.record)
        .map((r: Manifest) => r.expr)
        .join('\n'),
    ).toContain('http_request_duration_seconds_bucket{job="homepage-api",le="0.5"}');
  });

  test('§5.1/§5.2 hourly pg_dump kept 7 days, Redis RDB every 6 h kept 3 days, each with a restore drill', () => {
    const dump = find(objects, 'CronJob', 'homepage-postgres-dump-backup').spec;
    expect([dump.schedule, dump.concurrencyPolicy]).toEqual(['0 * * * *', 'Forbid']);
    const dumpEnv = jobEnv({ spec: dump });
    expect(dumpEnv).toEqual(
      expect.arrayContaining([
        { name: 'RETENTION_DAYS', value: '7' },
        { name: 'S3_BUCKET', value: 'homepage-backups' },
        // Production review 5: as the read-only backup role, from a standby.
        { name: 'PGHOST', value: 'homepage-postgres-ro.homepage.svc' },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'homepage-postgres-backup-role', key: 'password' } } },
      ]),
    );
    expect(find(objects, 'CronJob', 'homepage-postgres-dump-restore-drill').spec.schedule).toBe('30 3 * * *');
    const rdb = find(objects, 'CronJob', 'homepage-redis-snapshot-backup').spec;
    expect(rdb.schedule).toBe('0 */6 * * *');
    expect(jobEnv({ spec: rdb })).toEqual(expect.arrayContaining([{ name: 'RETENTION_DAYS', value: '3' }]));
  });

  test('Redis with Sentinel in prod (no single point of failure), the API connected to it', () => {
    expect(find(objects, 'StatefulSet', 'homepage-redis').spec.replicas).toBe(3);
    const env = container(find(objects, 'Deployment', 'homepage-api')).env;
    expect(env.filter((e: Manifest) => e.name.startsWith('REDIS_'))).toEqual([
      { name: 'REDIS_HOST', value: 'homepage-redis.homepage.svc' },
      { name: 'REDIS_PORT', value: '26379' },
      { name: 'REDIS_SENTINEL_MASTER', value: 'mymaster' },
    ]);
  });

  test('§3.1 two PostgreSQL instances (primary + standby)', () => {
    expect(find(objects, 'Cluster', 'homepage-postgres').spec).toMatchObject({ instances: 2, enablePDB: true, storage: { size: '10Gi' } });
  });

  // The plan's CPU limit (500m) is deliberately not set: Reliakit sets no CPU limits (RELIABILITY.md).
  test('§3.3 resources: requests 100m/256Mi, memory limit 512Mi, no CPU limit', () => {
    for (const name of ['homepage-api', 'homepage-frontend']) {
      expect(container(find(objects, 'Deployment', name)).resources).toEqual({
        requests: { cpu: '100m', memory: '256Mi' },
        limits: { memory: '512Mi' },
      });
    }
  });

  test('§3.4 API HPA: 2–5, CPU 70 %, memory 80 %, scale-down 300 s at 50 %/60 s, scale-up 0 s at 100 %/15 s', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'homepage-api').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([2, 5]);
    expect(hpa.metrics.map((m: Manifest) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([
      ['cpu', 70],
      ['memory', 80],
    ]);
    expect(hpa.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 300,
      policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
    });
    expect(hpa.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    expect(find(objects, 'Deployment', 'homepage-api').spec.replicas).toBeUndefined();
  });

  test('§3.4 frontend HPA: 2–4 on CPU 70 %', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'homepage-frontend').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([2, 4]);
    expect(hpa.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  });

  test('Ollama: 2 replicas with a PDB (minAvailable 1), sized for a CPU LLM without a CPU limit', () => {
    expect(find(objects, 'Deployment', 'homepage-ollama').spec.replicas).toBe(2);
    expect(find(objects, 'PodDisruptionBudget', 'homepage-ollama').spec.minAvailable).toBe(1);
    expect(container(find(objects, 'Deployment', 'homepage-ollama')).resources).toEqual({
      requests: { cpu: '2', memory: '4Gi', 'ephemeral-storage': '8Gi' },
      limits: { memory: '6Gi', 'ephemeral-storage': '10Gi' },
    });
  });

  test('alert routing: pages (critical) also go to PagerDuty, tickets are muted during a page', () => {
    const routing = find(objects, 'AlertmanagerConfig', 'homepage-alert-routing').spec;
    expect(routing.receivers.map((r: Manifest) => r.name)).toEqual(['pagerduty', 'slack']);
    expect(routing.route.routes[0]).toEqual({
      receiver: 'pagerduty',
      matchers: [{ name: 'severity', value: 'critical', matchType: '=' }],
      continue: true,
    });
    expect(routing.receivers[0].pagerdutyConfigs[0].routingKey).toEqual({ name: 'homepage-alerting', key: 'pagerduty-routing-key' });
    expect(routing.inhibitRules).toHaveLength(1);
  });

  test('no chaos in prod', () => {
    expect(ofKind(objects, 'ChaosEngine')).toEqual([]);
    expect(objects.filter((o) => o.metadata.name.includes('chaos'))).toEqual([]);
  });
});

describe('homepage dev', () => {
  const objects = homepage(Environment.DEV);

  test('chaos: pod-delete (not forced) on the API with the availability SLO as steady state, and on the frontend', () => {
    const api = find(objects, 'ChaosEngine', 'homepage-api-chaos-pod-delete').spec;
    expect(api.appinfo).toMatchObject({ appns: 'homepage', appkind: 'deployment' });
    expect(api.appinfo.applabel).toBe('app.kubernetes.io/name=homepage-api,app.kubernetes.io/instance=homepage-api-dev');
    const [experiment] = api.experiments;
    expect(experiment.name).toBe('pod-delete');
    expect(experiment.spec.components.env).toEqual(
      expect.arrayContaining([
        { name: 'TOTAL_CHAOS_DURATION', value: '90' },
        { name: 'CHAOS_INTERVAL', value: '30' },
        { name: 'FORCE', value: 'false' },
        { name: 'PODS_AFFECTED_PERC', value: '50' },
      ]),
    );
    expect(experiment.spec.probe[0]['promProbe/inputs'].query).toBe(
      'slo:sli_error:ratio_rate5m{namespace="homepage",service="homepage-api",slo="availability"}',
    );
    expect(experiment.spec.probe[0]['promProbe/inputs'].comparator).toEqual({ criteria: '<=', value: '0.0144' });
    const frontend = find(objects, 'ChaosEngine', 'homepage-frontend-chaos-pod-delete').spec;
    expect(frontend.experiments[0].spec.probe[0]['httpProbe/inputs'].url).toBe('http://homepage-frontend.homepage.svc.cluster.local:8080/');
  });

  test('one Ollama replica, so no PDB (it would block every drain)', () => {
    expect(find(objects, 'Deployment', 'homepage-ollama').spec.replicas).toBe(1);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'homepage-ollama')).toEqual([]);
  });

  test('alert routing pages nobody in dev: Slack only', () => {
    expect(find(objects, 'AlertmanagerConfig', 'homepage-alert-routing').spec.receivers.map((r: Manifest) => r.name)).toEqual(['slack']);
  });
});

test('dev is smaller but has the same shape', () => {
  const prod = homepage(Environment.PROD);
  const dev = homepage(Environment.DEV);
  // One database instance in dev, so CNPG's PDB is off there.
  expect(find(dev, 'Cluster', 'homepage-postgres').spec).toMatchObject({ instances: 1, enablePDB: false });
  // The apps have the same objects; the data layer is smaller (one Redis pod, so no PDB there),
  // dev runs one Ollama pod (so no PDB there either) and adds the chaos experiments and the
  // ChaosExperiment definitions their engines run.
  const devOnly = ['api-chaos', 'frontend-chaos', 'chaos-experiments', 'chaos-schedule'];
  const shape = (objects: Manifest[]) =>
    objects
      .filter((o) => !['redis', ...devOnly].includes(o.metadata.labels?.['app.kubernetes.io/component']))
      .filter((o) => !(o.kind === 'PodDisruptionBudget' && o.metadata.name === 'homepage-ollama'))
      .map((o) => `${o.kind}/${o.metadata.name}`);
  expect(shape(dev)).toEqual(shape(prod));
  // Ollama: two replicas with a PDB in prod, a single replica without one in dev.
  expect(find(prod, 'PodDisruptionBudget', 'homepage-ollama').spec.minAvailable).toBe(1);
  expect(dev.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'homepage-ollama')).toEqual([]);
  expect(
    dev.filter((o) => devOnly.includes(o.metadata.labels?.['app.kubernetes.io/component'])).map((o) => `${o.kind}/${o.metadata.name}`),
  ).toEqual([
    'ServiceAccount/homepage-api-chaos',
    'Role/homepage-api-chaos',
    'RoleBinding/homepage-api-chaos',
    'ChaosEngine/homepage-api-chaos-pod-delete',
    'NetworkPolicy/homepage-api-chaos',
    'NetworkPolicy/homepage-api-chaos-probe',
    // One definition for both engines, created with the first.
    'ChaosExperiment/pod-delete',
    'ServiceAccount/homepage-chaos-schedule',
    'Role/homepage-chaos-schedule',
    'RoleBinding/homepage-chaos-schedule',
    'NetworkPolicy/homepage-chaos-schedule',
    'CronJob/homepage-chaos-schedule',
    'ServiceAccount/homepage-frontend-chaos',
    'Role/homepage-frontend-chaos',
    'RoleBinding/homepage-frontend-chaos',
    'ChaosEngine/homepage-frontend-chaos-pod-delete',
    'NetworkPolicy/homepage-frontend-chaos',
    'NetworkPolicy/homepage-frontend-chaos-probe',
  ]);
  expect(find(dev, 'StatefulSet', 'homepage-redis').spec.replicas).toBe(1);
  expect(container(find(dev, 'Deployment', 'homepage-api')).resources.requests).toEqual({ cpu: '50m', memory: '128Mi' });
  expect(find(dev, 'HorizontalPodAutoscaler', 'homepage-api').spec.maxReplicas).toBeLessThan(
    find(prod, 'HorizontalPodAutoscaler', 'homepage-api').spec.maxReplicas,
  );
});

(hasTool('promtool') ? test : test.skip)(
  'promtool test rules: DeploymentUnavailable fires for the frontend after 1 minute (page), for Ollama after 5 (ticket), without an available replica or without the series, and not before',
  () => {
    const rule = find(homepage(Environment.PROD), 'PrometheusRule', 'homepage-alerts');
    const available = (d: string) => `kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-${d}"}`;
    const down = (d: string) => ({ namespace: 'homepage', deployment: `homepage-${d}` });
    promtoolTestRules(rule, [
      {
        name: 'two replicas each; then none of Ollama',
        series: { [available('ollama')]: '2x10 0x10', [available('frontend')]: '2x20' },
        expect: [
          ['10m', 'DeploymentUnavailable', []],
          ['14m', 'DeploymentUnavailable', []],
          ['17m', 'DeploymentUnavailable', [down('ollama')]],
        ],
      },
      {
        name: 'two replicas each; then none of the frontend',
        series: { [available('ollama')]: '2x20', [available('frontend')]: '2x10 0x10' },
        expect: [
          ['10m', 'DeploymentUnavailable', []],
          ['12m', 'DeploymentUnavailable', [down('frontend')]],
        ],
      },
      {
        name: 'kube-state-metrics reports neither Deployment',
        series: { 'up{job="unrelated"}': '1x10' },
        expect: [
          ['0m', 'DeploymentUnavailable', []],
          ['3m', 'DeploymentUnavailable', [down('frontend')]],
          ['6m', 'DeploymentUnavailable', [down('frontend'), down('ollama')]],
        ],
      },
    ]);
  },
);

(hasTool('promtool') ? test : test.skip)('promtool test rules: §4.2 API down and PostgreSQL down fire after 1 minute, not before', () => {
  const rule = find(homepage(Environment.PROD), 'PrometheusRule', 'homepage-alerts');
  const up = 'up{namespace="homepage",job="homepage-api",instance="10.0.0.1:8080"}';
  const postgres = 'cnpg_collector_up{namespace="homepage",pod="homepage-postgres-1"}';
  promtoolTestRules(rule, [
    {
      name: 'the API target and the database stop at 5m',
      series: { [up]: '1x5 0x5', [postgres]: '1x5 0x5' },
      expect: [
        ['6m', 'TargetDown', []],
        ['6m', 'PostgresOffline', []],
        ['7m', 'TargetDown', [{ namespace: 'homepage', job: 'homepage-api' }]],
        ['7m', 'PostgresOffline', [{ namespace: 'homepage' }]],
      ],
    },
  ]);
});
