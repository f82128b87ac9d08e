import { PriorityClass } from '../../../lib/core/priority-class';
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Environment,
  EnvValue,
  NetworkPeer,
  PostStartHook,
  PreStopHook,
  Probe,
  ReliableService,
  ReliableServiceProps,
  ScalingPolicy,
  SelectPolicy,
  UnhealthyPodEvictionPolicy,
} from '../../../lib';
import { container, find, Manifest, ofKind, synth, testChart } from '../../support/synth';

/** The smallest valid props; tests override what they exercise. */
function baseProps(overrides: Partial<ReliableServiceProps> = {}): ReliableServiceProps {
  return {
    image: 'registry.example.com/api:1.2.3',
    ports: { http: 8080 },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
    ...overrides,
  };
}

function build(overrides: Partial<ReliableServiceProps> = {}) {
  const chart = testChart();
  const service = new ReliableService(chart, 'api', baseProps(overrides));
  return { chart, service, objects: synth(chart) };
}

/** The message thrown for `overrides`, for exact matching. */
function errorOf(overrides: Partial<ReliableServiceProps>): string {
  try {
    build(overrides);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

describe('ReliableService defaults', () => {
  const { service, objects } = build();

  test('emits the full object set, named <system>-<component>', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/test',
      'NetworkPolicy/test-default-deny',
      'NetworkPolicy/test-allow-dns',
      'ServiceAccount/test-api',
      'Service/test-api',
      'Deployment/test-api',
      'PodDisruptionBudget/test-api',
      'NetworkPolicy/test-api',
    ]);
    expect(objects).toMatchSnapshot();
  });

  test('labels every object with the recommended labels', () => {
    // The namespace and its namespace-wide policies belong to the system chart.
    for (const o of objects.filter((x) => x.kind !== 'Namespace' && !/^test-(default-deny|allow-dns)$/.test(x.metadata.name))) {
      expect(o.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'test-api',
        'app.kubernetes.io/instance': 'test-api-prod',
        'app.kubernetes.io/component': 'api',
        'app.kubernetes.io/part-of': 'test',
        'app.kubernetes.io/managed-by': 'reliakit',
        'app.kubernetes.io/version': '1.2.3',
        'reliakit.dev/environment': 'prod',
      });
      expect(o.metadata.namespace).toBe('test');
    }
  });

  test('deployment: 2 replicas, zero-downtime rollout, history and deadline', () => {
    const d = find(objects, 'Deployment', 'test-api');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
    expect(d.spec.revisionHistoryLimit).toBe(5);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    expect(d.spec.minReadySeconds).toBe(5);
    expect(d.spec.selector.matchLabels).toEqual(service.selector);
  });

  test('hardened pod and container security', () => {
    const pod = find(objects, 'Deployment', 'test-api').spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('test-api');
    expect(container({ spec: { template: { spec: pod } } }).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(find(objects, 'ServiceAccount', 'test-api').automountServiceAccountToken).toBe(false);
  });

  test('graceful shutdown: preStop sleep 5 s, grace 35 s', () => {
    const d = find(objects, 'Deployment', 'test-api');
    expect(container(d).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(35);
    expect(service.terminationGracePeriod.toSeconds()).toBe(35);
  });

  test('spreads across zones and nodes without blocking scheduling', () => {
    const tsc = find(objects, 'Deployment', 'test-api').spec.template.spec.topologySpreadConstraints;
    expect(tsc.map((c: Manifest) => [c.topologyKey, c.whenUnsatisfiable, c.maxSkew])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 1],
      ['kubernetes.io/hostname', 'ScheduleAnyway', 1],
    ]);
    expect(find(objects, 'Deployment', 'test-api').spec.template.spec.affinity).toBeUndefined();
  });

  test('PDB: maxUnavailable 1, AlwaysAllow', () => {
    expect(find(objects, 'PodDisruptionBudget', 'test-api').spec).toEqual({
      selector: { matchLabels: service.selector },
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('service exposes the named ports by name', () => {
    expect(find(objects, 'Service', 'test-api').spec).toEqual({
      type: 'ClusterIP',
      selector: service.selector,
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
    });
  });

  test('network policy: deny by default, DNS egress only', () => {
    const np = find(objects, 'NetworkPolicy', 'test-api');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toBeUndefined();
    expect(np.spec.egress).toHaveLength(1);
    expect(np.spec.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
  });

  test('no HPA and no ServiceMonitor unless asked', () => {
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(ofKind(objects, 'ServiceMonitor')).toHaveLength(0);
  });
});

describe('ReliableService behaviour', () => {
  test('ports: grpc gets h2c, metrics gets a ServiceMonitor by default, gRPC probe resolves the number', () => {
    const { objects } = build({
      ports: { http: 8080, grpc: 50053, metrics: 9093 },
      probes: { readiness: Probe.grpc(), liveness: Probe.tcp({ port: 'grpc' }) },
    });
    const svc = find(objects, 'Service', 'test-api');
    expect(svc.spec.ports.map((p: Manifest) => [p.name, p.port, p.appProtocol])).toEqual([
      ['http', 8080, 'http'],
      ['grpc', 50053, 'kubernetes.io/h2c'],
      ['metrics', 9093, 'http'],
    ]);
    expect(container(find(objects, 'Deployment', 'test-api')).readinessProbe.grpc).toEqual({ port: 50053 });
    const sm = find(objects, 'ServiceMonitor', 'test-api');
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['test'] });
    // Prometheus may reach the metrics port and nothing else.
    const ingress = find(objects, 'NetworkPolicy', 'test-api').spec.ingress;
    expect(ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 9093 }],
      },
    ]);
  });

  test('env: literals, ConfigMap and Secret keys, pod fields', () => {
    const { objects } = build({
      env: {
        MODE: EnvValue.literal('release'),
        FEATURES: EnvValue.fromConfigMap('flags', 'features'),
        DB_PASSWORD: EnvValue.fromSecret('db', 'password'),
        POD_NAME: EnvValue.fromField('metadata.name'),
      },
    });
    expect(container(find(objects, 'Deployment', 'test-api')).env).toEqual([
      { name: 'MODE', value: 'release' },
      { name: 'FEATURES', valueFrom: { configMapKeyRef: { name: 'flags', key: 'features' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
  });

  test('resources: requests and the memory limit rendered as quantities, never a CPU limit', () => {
    const { objects } = build();
    expect(container(find(objects, 'Deployment', 'test-api')).resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '256Mi' },
    });
  });

  test('priorityClass: services by default, overridable', () => {
    expect(find(build().objects, 'Deployment', 'test-api').spec.template.spec.priorityClassName).toBe('reliakit-service');
    const batch = build({ priorityClass: PriorityClass.BATCH });
    expect(find(batch.objects, 'Deployment', 'test-api').spec.template.spec.priorityClassName).toBe('reliakit-batch');
  });

  test('probes: HTTP, TCP, exec; startup derived from maxStartupTime', () => {
    const { objects, service } = build({
      probes: {
        readiness: Probe.exec(['/bin/check', '--ready'], {
          period: Duration.seconds(5),
          timeout: Duration.seconds(3),
          successThreshold: 2,
        }),
        liveness: Probe.http('/livez', { timeout: Duration.seconds(4) }),
        maxStartupTime: Duration.seconds(62),
      },
    });
    const c = container(find(objects, 'Deployment', 'test-api'));
    expect(c.readinessProbe).toEqual({
      exec: { command: ['/bin/check', '--ready'] },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
      successThreshold: 2,
    });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http', scheme: 'HTTP' });
    // 62 s at a 5 s period needs 13 failures (65 s ≥ 62 s); it reuses the liveness check.
    expect(c.startupProbe).toEqual({
      httpGet: { path: '/livez', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 4,
      failureThreshold: 13,
      successThreshold: 1,
    });
    expect(service.startupProbe?.timing.failureThreshold).toBe(13);
  });

  test('probes: an explicit startup probe is used as given', () => {
    const { objects } = build({
      probes: {
        readiness: Probe.http('/readyz'),
        liveness: Probe.http('/livez'),
        startup: Probe.http('/startup', { period: Duration.seconds(5), failureThreshold: 12 }),
        maxStartupTime: Duration.seconds(60),
      },
    });
    expect(container(find(objects, 'Deployment', 'test-api')).startupProbe.httpGet.path).toBe('/startup');
  });

  test('shutdown: explicit grace period and exec preStop', () => {
    const { objects } = build({
      shutdown: {
        preStop: PreStopHook.exec(['/bin/drain'], Duration.seconds(10)),
        drainTimeout: Duration.seconds(20),
        terminationGracePeriod: Duration.seconds(60),
      },
    });
    const d = find(objects, 'Deployment', 'test-api');
    expect(container(d).lifecycle.preStop).toEqual({ exec: { command: ['/bin/drain'] } });
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
  });

  test('postStart: exec hook rendered beside the preStop, none by default', () => {
    const command = ['sh', '-c', 'until /bin/ready; do sleep 1; done; /bin/warm-up'];
    const hook = PostStartHook.exec(command);
    const { objects, service } = build({ postStart: hook });
    expect(container(find(objects, 'Deployment', 'test-api')).lifecycle).toEqual({
      postStart: { exec: { command } },
      preStop: { exec: { command: ['sleep', '5'] } },
    });
    expect(service.postStart).toBe(hook);
    expect(hook.toString()).toBe('exec ["sh","-c","until /bin/ready; do sleep 1; done; /bin/warm-up"]');
    // The hook keeps its own copy: later changes to the caller's array do not leak into it.
    command.push('--mutated');
    expect(hook.command).toEqual(['sh', '-c', 'until /bin/ready; do sleep 1; done; /bin/warm-up']);
    // Without a preStop, the lifecycle holds the postStart alone.
    const alone = build({
      postStart: PostStartHook.exec(['/bin/warm-up']),
      shutdown: { preStop: PreStopHook.none(), drainTimeout: Duration.seconds(5) },
    });
    expect(container(find(alone.objects, 'Deployment', 'test-api')).lifecycle).toEqual({
      postStart: { exec: { command: ['/bin/warm-up'] } },
    });
    expect(build().service.postStart).toBeUndefined();
  });

  test('autoscaling: HPA v2 with all metric kinds and behavior; Deployment omits replicas', () => {
    const { objects, service } = build({
      monitoring: {},
      autoscaling: {
        minReplicas: 5,
        maxReplicas: 50,
        cpuUtilizationPercent: 70,
        memoryUtilizationPercent: 80,
        podsMetrics: [{ name: 'vault_requests_per_second', averageValue: '2000', fromCounter: 'vault_requests_total' }],
        externalMetrics: [{ name: 'queue_depth', selector: { queue: 'index' }, averageValue: '30' }],
        scaleDown: {
          stabilizationWindow: Duration.seconds(300),
          policies: [ScalingPolicy.percent(50, Duration.seconds(60)), ScalingPolicy.pods(2, Duration.seconds(60))],
          selectPolicy: SelectPolicy.MIN,
        },
        scaleUp: {
          stabilizationWindow: Duration.seconds(60),
          policies: [ScalingPolicy.percent(100, Duration.seconds(30)), ScalingPolicy.pods(4, Duration.seconds(30))],
          selectPolicy: SelectPolicy.MAX,
        },
      },
    });
    expect(find(objects, 'Deployment', 'test-api').spec.replicas).toBeUndefined();
    expect(service.minReplicas).toBe(5);
    expect(service.maxReplicas).toBe(50);
    expect(service.podsMetrics).toEqual([{ name: 'vault_requests_per_second', fromCounter: 'vault_requests_total' }]);
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'test-api').spec;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'test-api' });
    expect(hpa.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'vault_requests_per_second' }, target: { type: 'AverageValue', averageValue: '2000' } } },
      {
        type: 'External',
        external: {
          metric: { name: 'queue_depth', selector: { matchLabels: { queue: 'index' } } },
          target: { type: 'AverageValue', averageValue: '30' },
        },
      },
    ]);
    expect(hpa.behavior).toEqual({
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Min',
        policies: [
          { type: 'Percent', value: 50, periodSeconds: 60 },
          { type: 'Pods', value: 2, periodSeconds: 60 },
        ],
      },
      scaleUp: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 30 },
          { type: 'Pods', value: 4, periodSeconds: 30 },
        ],
      },
    });
  });

  test('rollout: surge, history, deadline, minReady, command and args', () => {
    const { objects } = build({
      maxSurge: 1,
      revisionHistoryLimit: 10,
      progressDeadline: Duration.minutes(5),
      minReady: Duration.seconds(10),
      command: ['/app/server'],
      args: ['--port=8080'],
    });
    const d = find(objects, 'Deployment', 'test-api');
    expect(d.spec).toMatchObject({ revisionHistoryLimit: 10, progressDeadlineSeconds: 300, minReadySeconds: 10 });
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect([container(d).command, container(d).args]).toEqual([['/app/server'], ['--port=8080']]);
  });

  test('singleReplica: one replica and no PDB', () => {
    const { objects, service } = build({ replicas: 1, singleReplica: true });
    expect(find(objects, 'Deployment', 'test-api').spec.replicas).toBe(1);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(service.hasDisruptionBudget).toBe(false);
  });

  test('PDB: minAvailable and IfHealthyBudget when asked', () => {
    const { objects } = build({
      replicas: 3,
      disruptionBudget: { minAvailable: '50%', unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET },
    });
    expect(find(objects, 'PodDisruptionBudget', 'test-api').spec).toMatchObject({
      minAvailable: '50%',
      unhealthyPodEvictionPolicy: 'IfHealthyBudget',
    });
    expect(find(objects, 'PodDisruptionBudget', 'test-api').spec.maxUnavailable).toBeUndefined();
  });

  test('spread can be narrowed to nodes only', () => {
    const { objects } = build({ spread: { zones: false } });
    const tsc = find(objects, 'Deployment', 'test-api').spec.template.spec.topologySpreadConstraints;
    expect(tsc.map((c: Manifest) => c.topologyKey)).toEqual(['kubernetes.io/hostname']);
  });

  test('writable directories become size-limited emptyDirs', () => {
    const { objects } = build({ writableDirectories: [{ path: '/tmp' }, { path: '/var/cache/nginx', sizeLimit: Size.mebibytes(128) }] });
    const d = find(objects, 'Deployment', 'test-api');
    expect(d.spec.template.spec.volumes).toEqual([
      { name: 'writable-0', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'writable-1', emptyDir: { sizeLimit: '128Mi' } },
    ]);
    expect(container(d).volumeMounts).toEqual([
      { name: 'writable-0', mountPath: '/tmp' },
      { name: 'writable-1', mountPath: '/var/cache/nginx' },
    ]);
  });

  test('monitoring: custom port, path, interval and Prometheus namespace', () => {
    const { objects } = build({
      monitoring: {
        port: 'http',
        path: '/internal/metrics',
        interval: Duration.seconds(15),
        scrapeTimeout: Duration.seconds(15),
        prometheusNamespace: 'observability',
      },
    });
    expect(find(objects, 'ServiceMonitor', 'test-api').spec.endpoints).toEqual([
      { port: 'http', path: '/internal/metrics', interval: '15s', scrapeTimeout: '15s' },
    ]);
    expect(find(objects, 'NetworkPolicy', 'test-api').spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({
      'kubernetes.io/metadata.name': 'observability',
    });
  });

  test('network: a dependency on another service opens egress here and ingress there, on that port only', () => {
    const chart = testChart();
    const api = new ReliableService(chart, 'api', baseProps({ ports: { http: 8080, grpc: 9090 } }));
    const web = new ReliableService(
      chart,
      'web',
      baseProps({
        image: 'registry.example.com/web:2.0.0',
        ingress: [{ from: NetworkPeer.namespace('traefik'), ports: ['http'] }],
        dependencies: [
          { to: api, port: 'grpc' },
          { to: NetworkPeer.cidr('10.20.0.0/16'), ports: [5432] },
        ],
      }),
    );
    const objects = synth(chart);
    const webPolicy = find(objects, 'NetworkPolicy', 'test-web').spec;
    expect(webPolicy.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(webPolicy.egress.slice(1)).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } }, podSelector: { matchLabels: api.selector } }],
        ports: [{ protocol: 'TCP', port: 9090 }],
      },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
    expect(find(objects, 'NetworkPolicy', 'test-api').spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } }, podSelector: { matchLabels: web.selector } },
        ],
        ports: [{ protocol: 'TCP', port: 9090 }],
      },
    ]);
  });

  test('a service without ports has no Service (a worker) but keeps its PDB', () => {
    const { objects } = build({ ports: {}, probes: { readiness: Probe.exec(['/bin/ready']), liveness: Probe.exec(['/bin/alive']) } });
    expect(ofKind(objects, 'Service')).toHaveLength(0);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(1);
    expect(container(find(objects, 'Deployment', 'test-api')).ports).toBeUndefined();
  });

  test('version label from a digest-pinned image', () => {
    const { service } = build({
      image: 'registry.example.com/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    });
    expect(service.version).toBe('0123456789ab');
  });

  test('dev environment labels and instance', () => {
    const chart = testChart(Environment.DEV);
    const s = new ReliableService(chart, 'api', baseProps());
    expect(s.labels['app.kubernetes.io/instance']).toBe('test-api-dev');
    expect(s.labels['reliakit.dev/environment']).toBe('dev');
  });
});

describe('ReliableService validation', () => {
  const rules: Array<[string, Partial<ReliableServiceProps>, string]> = [
    [
      'image without tag',
      { image: 'localhost:5001/api' },
      "prod/test/api: 'image' ('localhost:5001/api') has no tag or digest, so every pull may run different code — pin a version tag (app:1.4.2) or a digest (app@sha256:...)",
    ],
    [
      'image :latest',
      { image: 'registry.example.com/api:latest' },
      "prod/test/api: 'image' ('registry.example.com/api:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest",
    ],
    [
      'invalid version label',
      { version: 'v 1' },
      "prod/test/api: 'version' ('v 1') is not a valid label value — use at most 63 letters, digits, dots, dashes and underscores",
    ],
    [
      'port out of range',
      { ports: { http: 70000 } },
      "prod/test/api: 'ports.http' (70000) is not a port number (1–65535) — use the port the process listens on",
    ],
    [
      'port reused',
      { ports: { http: 8080, metrics: 8080 } },
      "prod/test/api: 'ports.metrics' (8080) is also used by ports.http — give each named port its own number",
    ],
    [
      'secret literal',
      { env: { DB_PASSWORD: EnvValue.literal('hunter2') } },
      "prod/test/api: 'env.DB_PASSWORD' ('<redacted>') looks like a credential but is a literal, which would put a secret in Git — use EnvValue.fromSecret('<secret>', '<key>')",
    ],
    [
      'bad env name',
      { env: { 'my-var': EnvValue.literal('x') } },
      "prod/test/api: 'env.my-var' ('my-var') is not a valid environment variable name — use letters, digits and underscores, not starting with a digit",
    ],
    [
      'missing CPU request',
      { resources: { memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } } },
      "prod/test/api: 'resources.cpu.request' (undefined) is missing, so the scheduler cannot place the pod and it gets BestEffort QoS — set resources.cpu.request, e.g. Cpu.millis(100)",
    ],
    [
      'missing memory request',
      { resources: { cpu: { request: Cpu.millis(100) }, memory: { limit: Size.mebibytes(256) } } },
      "prod/test/api: 'resources.memory.request' (undefined) is missing, so the scheduler cannot place the pod — set resources.memory.request, e.g. Size.mebibytes(256)",
    ],
    [
      'missing memory limit',
      { resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128) } } },
      "prod/test/api: 'resources.memory.limit' (undefined) is missing, so a leak can exhaust the node — set resources.memory.limit, e.g. Size.mebibytes(512)",
    ],
    [
      'memory limit below request',
      { resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(512), limit: Size.mebibytes(256) } } },
      "prod/test/api: 'resources.memory.limit' ('256Mi') is below resources.memory.request (512Mi) — raise the limit to at least the request",
    ],
    [
      'any cpu limit',
      {
        resources: {
          cpu: { request: Cpu.millis(500), limit: Cpu.millis(250) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
        },
      },
      "prod/test/api: 'resources.cpu.limit' ('250m') is set, but Reliakit sets no CPU limits: a CFS quota throttles the container even on an idle node — remove resources.cpu.limit; raise resources.cpu.request if the container needs a guaranteed share",
    ],
    [
      'missing readiness',
      { probes: { liveness: Probe.http('/livez') } as never },
      "prod/test/api: 'probes.readiness' (undefined) is missing, so pods receive traffic before they can serve it — add a readiness probe that checks the service's dependencies, e.g. Probe.http('/readyz')",
    ],
    [
      'liveness equals readiness',
      { probes: { readiness: Probe.http('/healthz'), liveness: Probe.http('/healthz', { period: Duration.seconds(20) }) } },
      "prod/test/api: 'probes.liveness' ('HTTP GET :http/healthz') checks the same endpoint as readiness, so a dependency outage restarts every pod — point liveness at an endpoint that checks only the process itself (e.g. /healthz/live)",
    ],
    [
      'timeout not below period',
      { probes: { readiness: Probe.http('/readyz', { period: Duration.seconds(5), timeout: Duration.seconds(5) }) } },
      "prod/test/api: 'probes.readiness.timeout' ('5s') is not shorter than the period (5s), so checks overlap — lower the timeout below the period",
    ],
    [
      'fractional probe period',
      { probes: { readiness: Probe.http('/readyz', { period: Duration.millis(1500), timeout: Duration.seconds(1) }) } },
      "prod/test/api: 'probes.readiness.period' ('1500ms') is not a whole number of seconds (≥ 1 s for period and timeout) — use whole seconds",
    ],
    [
      'zero failure threshold',
      { probes: { readiness: Probe.http('/readyz', { failureThreshold: 0 }) } },
      "prod/test/api: 'probes.readiness.failureThreshold' (0) is not a positive integer — use 1 or more",
    ],
    [
      'liveness successThreshold',
      { probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez', { successThreshold: 2 }) } },
      "prod/test/api: 'probes.liveness.successThreshold' (2) must be 1 for liveness and startup probes (the API rejects anything else) — remove successThreshold or set it to 1",
    ],
    [
      'readiness successThreshold',
      { probes: { readiness: Probe.http('/readyz', { successThreshold: 0 }) } },
      "prod/test/api: 'probes.readiness.successThreshold' (0) is not a positive integer — use 1 or more",
    ],
    [
      'probe on undeclared port',
      { probes: { readiness: Probe.grpc() } },
      "prod/test/api: 'probes.readiness.port' ('grpc') is not a declared port (declared: http=8080) — declare ports.grpc or use a declared port",
    ],
    [
      'startup budget too small',
      {
        probes: {
          readiness: Probe.http('/readyz'),
          startup: Probe.http('/livez', { period: Duration.seconds(5), failureThreshold: 6 }),
          maxStartupTime: Duration.seconds(60),
        },
      },
      "prod/test/api: 'probes.startup' ('6 × 5s') allows 30 s, less than maxStartupTime (1m), so slow starts are killed — raise failureThreshold to at least 12, or omit startup to derive it",
    ],
    [
      'postStart without a command',
      { postStart: PostStartHook.exec([]) },
      "prod/test/api: 'postStart' ('exec []') has an empty command, which Kubernetes rejects or fails at every container start — pass the command to run, e.g. PostStartHook.exec(['sh', '-c', '...']), or remove postStart",
    ],
    [
      'postStart with an empty executable',
      { postStart: PostStartHook.exec(['', 'pull']) },
      "prod/test/api: 'postStart' ('exec [\"\",\"pull\"]') has an empty command, which Kubernetes rejects or fails at every container start — pass the command to run, e.g. PostStartHook.exec(['sh', '-c', '...']), or remove postStart",
    ],
    [
      'grace not longer than preStop + drain',
      {
        shutdown: {
          preStop: PreStopHook.sleep(Duration.seconds(5)),
          drainTimeout: Duration.seconds(30),
          terminationGracePeriod: Duration.seconds(35),
        },
      },
      "prod/test/api: 'shutdown.terminationGracePeriod' ('35s') is not longer than preStop (5s) + drainTimeout (30s) = 35 s, so in-flight requests are killed — raise terminationGracePeriod above 35 s or shorten preStop/drainTimeout",
    ],
    [
      'fractional drain',
      { shutdown: { drainTimeout: Duration.millis(2500) } },
      "prod/test/api: 'shutdown.drainTimeout' ('2500ms') is not a whole number of seconds — use whole seconds (Kubernetes counts in seconds)",
    ],
    [
      'one replica without opt-out',
      { replicas: 1 },
      "prod/test/api: 'replicas' (1) leaves no redundancy: one pod failure or node drain takes the service down — use at least 2 replicas, or set singleReplica: true to accept the outage risk explicitly",
    ],
    ['zero replicas', { replicas: 0 }, "prod/test/api: 'replicas' (0) is not a positive integer — use a whole number ≥ 2"],
    [
      'replicas with autoscaling',
      { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilizationPercent: 70 } },
      "prod/test/api: 'replicas' (3) is set together with autoscaling, which owns the replica count — remove replicas or autoscaling",
    ],
    [
      'min > max',
      { autoscaling: { minReplicas: 5, maxReplicas: 3, cpuUtilizationPercent: 70 } },
      "prod/test/api: 'autoscaling.minReplicas' (5) is greater than autoscaling.maxReplicas (3) — lower minReplicas or raise maxReplicas",
    ],
    [
      'min < 2 without opt-out',
      { autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilizationPercent: 70 } },
      "prod/test/api: 'autoscaling.minReplicas' (1) leaves no redundancy at the minimum: one pod failure or node drain takes the service down — use at least 2, or set singleReplica: true to accept the outage risk explicitly",
    ],
    [
      'non-integer maxReplicas',
      { autoscaling: { minReplicas: 2, maxReplicas: 2.5, cpuUtilizationPercent: 70 } },
      "prod/test/api: 'autoscaling.maxReplicas' (2.5) is not a positive integer — use a whole number ≥ minReplicas",
    ],
    [
      'HPA without metrics',
      { autoscaling: { minReplicas: 2, maxReplicas: 4 } },
      "prod/test/api: 'autoscaling' ('no metrics') has nothing to scale on — set cpuUtilizationPercent, memoryUtilizationPercent, podsMetrics or externalMetrics",
    ],
    [
      'utilization without request',
      {
        resources: { memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
        autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilizationPercent: 70 },
      },
      "prod/test/api: 'autoscaling.cpuUtilizationPercent' (70) is a utilization target, but resources.cpu.request is not set and utilization is a share of the request — set resources.cpu.request",
    ],
    [
      'non-positive utilization',
      { autoscaling: { minReplicas: 2, maxReplicas: 4, memoryUtilizationPercent: 0 } },
      "prod/test/api: 'autoscaling.memoryUtilizationPercent' (0) is not a positive percentage — use e.g. 70",
    ],
    [
      'external metric target',
      { autoscaling: { minReplicas: 2, maxReplicas: 4, externalMetrics: [{ name: 'queue', averageValue: '1', value: '2' }] } },
      "prod/test/api: 'autoscaling.externalMetrics[0]' ('queue') needs exactly one of averageValue and value — set averageValue (per pod) or value (total)",
    ],
    [
      'pods metric not a quantity',
      {
        monitoring: {},
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          podsMetrics: [{ name: 'rps', averageValue: '2k rps', fromCounter: 'requests_total' }],
        },
      },
      "prod/test/api: 'autoscaling.podsMetrics[0].averageValue' ('2k rps') is not a Kubernetes quantity — use a number with an optional SI suffix, e.g. '2000' or '500m'",
    ],
    [
      'pods metric from no metric name',
      {
        monitoring: {},
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          podsMetrics: [{ name: 'rps', averageValue: '2000', fromCounter: 'requests-total' }],
        },
      },
      "prod/test/api: 'autoscaling.podsMetrics[0].fromCounter' ('requests-total') is not a Prometheus metric name — name the counter the service exports, e.g. 'vault_requests_total'",
    ],
    [
      'pods metric of an unscraped service',
      {
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          podsMetrics: [{ name: 'rps', averageValue: '2000', fromCounter: 'requests_total' }],
        },
      },
      "prod/test/api: 'autoscaling.podsMetrics' ('rps') is served from counters Prometheus scrapes from the pods, but the service has no ServiceMonitor — set the monitoring prop",
    ],
    [
      'external metric not a quantity',
      { autoscaling: { minReplicas: 2, maxReplicas: 4, externalMetrics: [{ name: 'queue', value: 'ten' }] } },
      "prod/test/api: 'autoscaling.externalMetrics[0].value' ('ten') is not a Kubernetes quantity — use a number with an optional SI suffix, e.g. '30' or '1.5k'",
    ],
    [
      'stabilization window too long',
      { autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilizationPercent: 70, scaleDown: { stabilizationWindow: Duration.hours(2) } } },
      "prod/test/api: 'autoscaling.scaleDown.stabilizationWindow' ('2h') is not whole seconds between 0 and 3600 — use at most one hour",
    ],
    [
      'policy period too long',
      {
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          cpuUtilizationPercent: 70,
          scaleUp: { policies: [ScalingPolicy.pods(4, Duration.hours(1))] },
        },
      },
      "prod/test/api: 'autoscaling.scaleUp.policies[0].period' ('1h') is not whole seconds between 1 and 1800 — use a period of at most 30 minutes",
    ],
    [
      'policy value',
      {
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          cpuUtilizationPercent: 70,
          scaleUp: { policies: [ScalingPolicy.pods(0, Duration.seconds(30))] },
        },
      },
      "prod/test/api: 'autoscaling.scaleUp.policies[0].value' (0) is not a positive integer — use 1 or more",
    ],
    [
      'negative revision history',
      { revisionHistoryLimit: -1 },
      "prod/test/api: 'revisionHistoryLimit' (-1) is not a non-negative integer — use e.g. 5 (0 makes rollbacks impossible)",
    ],
    [
      'zero surge',
      { maxSurge: 0 },
      "prod/test/api: 'maxSurge' (0) allows no extra pod, and maxUnavailable is 0, so a rollout could never replace a pod — use at least 1 or a non-zero percentage such as '25%'",
    ],
    [
      'malformed surge',
      { maxSurge: 'lots' },
      "prod/test/api: 'maxSurge' ('lots') allows no extra pod, and maxUnavailable is 0, so a rollout could never replace a pod — use at least 1 or a non-zero percentage such as '25%'",
    ],
    [
      'fractional minReady',
      { minReady: Duration.millis(500) },
      "prod/test/api: 'minReady' ('500ms') is not a whole number of seconds — use whole seconds (Kubernetes counts in seconds)",
    ],
    [
      'progress deadline not above minReady',
      { minReady: Duration.seconds(30), progressDeadline: Duration.seconds(30) },
      "prod/test/api: 'progressDeadline' ('30s') is not longer than minReady (30s), which Kubernetes rejects — make progressDeadline longer than minReady",
    ],
    [
      'PDB with both fields',
      { disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } },
      'prod/test/api: \'disruptionBudget\' ({"minAvailable":1,"maxUnavailable":1}) sets both minAvailable and maxUnavailable, which Kubernetes rejects — keep exactly one of them',
    ],
    [
      'minAvailable ≥ min replicas',
      { autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilizationPercent: 70 }, disruptionBudget: { minAvailable: 2 } },
      "prod/test/api: 'disruptionBudget.minAvailable' (2) requires 2 of 2 pods at the minimum replica count, so no node can ever be drained — lower the budget or raise the minimum replica count (2)",
    ],
    [
      'minAvailable 100%',
      { replicas: 3, disruptionBudget: { minAvailable: '100%' } },
      "prod/test/api: 'disruptionBudget.minAvailable' ('100%') requires 3 of 3 pods at the minimum replica count, so no node can ever be drained — lower the budget or raise the minimum replica count (3)",
    ],
    [
      'maxUnavailable 0',
      { disruptionBudget: { maxUnavailable: 0 } },
      "prod/test/api: 'disruptionBudget.maxUnavailable' (0) allows no pod to be evicted, so no node can ever be drained — allow at least 1 (or a non-zero percentage)",
    ],
    [
      'malformed minAvailable',
      { disruptionBudget: { minAvailable: 'half' } },
      "prod/test/api: 'disruptionBudget.minAvailable' ('half') is neither a non-negative integer nor a percentage — use e.g. 1 or '50%'",
    ],
    [
      'malformed maxUnavailable',
      { disruptionBudget: { maxUnavailable: '150%' } },
      "prod/test/api: 'disruptionBudget.maxUnavailable' ('150%') is neither a non-negative integer nor a percentage — use e.g. 1 or '25%'",
    ],
    [
      'PDB with singleReplica',
      { singleReplica: true, disruptionBudget: { maxUnavailable: 1 } },
      'prod/test/api: \'disruptionBudget\' ({"maxUnavailable":1}) is set although singleReplica drops the PDB — remove disruptionBudget, or remove singleReplica and run at least 2 replicas',
    ],
    [
      'root user',
      { podIdentity: { runAsUser: 0 } },
      'prod/test/api: \'podIdentity\' ({"runAsUser":0}) runs as root (UID or GID 0) — use a non-root UID/GID the image supports, e.g. 65532',
    ],
    [
      'relative writable path',
      { writableDirectories: [{ path: 'tmp' }] },
      "prod/test/api: 'writableDirectories[0].path' ('tmp') is not an absolute path below / — use a directory such as '/tmp'",
    ],
    [
      'duplicate writable path',
      { writableDirectories: [{ path: '/tmp' }, { path: '/tmp' }] },
      "prod/test/api: 'writableDirectories[1].path' ('/tmp') is listed twice — list each directory once",
    ],
    [
      'scrape timeout above interval',
      { monitoring: { interval: Duration.seconds(10), scrapeTimeout: Duration.seconds(15) } },
      "prod/test/api: 'monitoring.scrapeTimeout' ('15s') is longer than monitoring.interval (10s), so scrapes overlap — lower scrapeTimeout to at most the interval",
    ],
    [
      'metrics port undeclared',
      { monitoring: { port: 'metrics' } },
      "prod/test/api: 'monitoring.port' ('metrics') is not a declared port (declared: http=8080) — declare ports.metrics or use a declared port",
    ],
    [
      'relative metrics path',
      { monitoring: { path: 'metrics' } },
      "prod/test/api: 'monitoring.path' ('metrics') is not an absolute URL path — start it with '/', e.g. '/metrics'",
    ],
    [
      'ingress on undeclared port',
      { ingress: [{ from: NetworkPeer.namespace('traefik'), ports: ['grpc'] }] },
      "prod/test/api: 'ingress.ports' ('grpc') is not a declared port (declared: http=8080) — declare it in ports or admit a declared one",
    ],
    [
      'dependency peer without ports',
      { dependencies: [{ to: NetworkPeer.namespace('postgres') }] },
      "prod/test/api: 'dependencies.ports' (undefined) is empty for namespace postgres — list the TCP ports the service calls there",
    ],
    [
      'dependency peer with bad port',
      { dependencies: [{ to: NetworkPeer.cidr('10.0.0.0/8'), ports: [0] }] },
      "prod/test/api: 'dependencies.ports' (0) is not a port number (1–65535) — use the port the dependency listens on",
    ],
    [
      'dependency peer with a named port',
      { dependencies: [{ to: NetworkPeer.namespace('redis'), port: 'http', ports: [6379] }] },
      "prod/test/api: 'dependencies.port' ('http') is a named port, but namespace redis is not a ReliableService — give numeric ports in ports",
    ],
  ];

  test.each(rules)('throws for %s', (_name, overrides, message) => {
    expect(errorOf(overrides)).toContain(`  - ${message}`);
  });

  test('id that makes an invalid object name', () => {
    const chart = testChart();
    expect(() => new ReliableService(chart, 'API_v2', baseProps())).toThrow(
      "prod/test/API_v2: 'id' ('API_v2') gives the object name 'test-API_v2', which is not a DNS label of at most 63 characters — use a short lowercase id of letters, digits and dashes",
    );
  });

  test('dependency on a service: wrong port and numeric ports', () => {
    const chart = testChart();
    const db = new ReliableService(chart, 'db', baseProps());
    expect(() => new ReliableService(chart, 'api', baseProps({ dependencies: [{ to: db, port: 'grpc', ports: [8080] }] }))).toThrow(
      [
        'prod/test/api: 2 invalid settings',
        "  - prod/test/api: 'dependencies.ports' ([8080]) is set for the ReliableService test-db, whose ports are known — name the target's port with 'port' instead",
        "  - prod/test/api: 'dependencies.port' ('grpc') is not a port of test-db (declared: http=8080) — use one of the target's declared ports",
      ].join('\n'),
    );
  });

  test('dependency across environments', () => {
    const prod = testChart(Environment.PROD);
    const devChart = testChart(Environment.DEV);
    const db = new ReliableService(devChart, 'db', baseProps());
    expect(() => new ReliableService(prod, 'api', baseProps({ dependencies: [{ to: db }] }))).toThrow(
      "prod/test/api: 'dependencies.to' ('dev/test/db') is in environment 'dev', not 'prod' — connect services of the same environment",
    );
  });

  test('reports every broken rule at once', () => {
    const message = errorOf({ image: 'api', replicas: 1, probes: { readiness: Probe.http('/x', { timeout: Duration.seconds(20) }) } });
    expect(message.split('\n')[0]).toBe('prod/test/api: 3 invalid settings');
    expect(message.split('\n')).toHaveLength(4);
  });

  test('add* after construction throws at once', () => {
    const chart = testChart();
    const s = new ReliableService(chart, 'api', baseProps());
    expect(() => s.addIngress({ from: NetworkPeer.namespace('x'), ports: ['metrics'] })).toThrow(
      "prod/test/api: 'ingress.ports' ('metrics') is not a declared port (declared: http=8080) — declare it in ports or admit a declared one",
    );
  });
});
