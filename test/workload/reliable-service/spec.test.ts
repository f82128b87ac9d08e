import { PolarisExemption, WORKLOAD_EXEMPTIONS } from '../../../lib/core/polaris-exemption';
import { PriorityClass } from '../../../lib/core/priority-class';
import { Duration } from 'cdk8s';
import { Environment } from '../../../lib/core/environment';
import { EnvValue } from '../../../lib/core/env-value';
import { PreStopHook } from '../../../lib/workload/pre-stop-hook';
import { Probe } from '../../../lib/workload/probe';
import { ServiceSpecProps, UnhealthyPodEvictionPolicy } from '../../../lib/workload/reliable-service/props';
import { ResolvedServiceSpec, resolveServiceSpec } from '../../../lib/workload/reliable-service/spec';
import { baseProps, CONTEXT, messagesOf, PATH, violations } from './support';

function resolve(props: ServiceSpecProps, context = CONTEXT): { spec: ResolvedServiceSpec; messages: string[] } {
  const v = violations();
  const spec = resolveServiceSpec(props, context, v);
  return { spec, messages: messagesOf(v) };
}

const DEFAULTS: ResolvedServiceSpec = {
  name: 'test-api',
  system: 'test',
  component: 'api',
  namespace: 'test',
  environment: Environment.PROD,
  image: 'registry.example.com/api:1.2.3',
  version: '1.2.3',
  labels: {
    'app.kubernetes.io/name': 'test-api',
    'app.kubernetes.io/instance': 'test-api-prod',
    'app.kubernetes.io/component': 'api',
    'app.kubernetes.io/part-of': 'test',
    'app.kubernetes.io/managed-by': 'reliakit',
    'app.kubernetes.io/version': '1.2.3',
    'reliakit.dev/environment': 'prod',
  },
  selector: { 'app.kubernetes.io/name': 'test-api', 'app.kubernetes.io/instance': 'test-api-prod' },
  ports: { http: 8080 },
  command: undefined,
  args: undefined,
  env: new Map(),
  resources: baseProps().resources,
  probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez'), startup: undefined },
  lifecycle: {
    postStart: undefined,
    preStop: PreStopHook.sleep(Duration.seconds(5)),
    drainTimeout: Duration.seconds(25),
    terminationGracePeriod: Duration.seconds(35),
  },
  scaling: { replicas: 2, minReplicas: 2, maxReplicas: 2, autoscaling: undefined },
  disruptionBudget: { maxUnavailable: 1, unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
  hasDisruptionBudget: true,
  topologyKeys: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'],
  rollout: { revisionHistoryLimit: 5, progressDeadline: Duration.minutes(10), minReady: Duration.seconds(5), maxSurge: '25%' },
  identity: { runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
  writableDirectories: [],
  monitoring: undefined,
  priorityClass: PriorityClass.SERVICE,
  polarisExemptions: WORKLOAD_EXEMPTIONS,
};

describe('resolveServiceSpec: defaults decided', () => {
  const autoscaling = { minReplicas: 3, maxReplicas: 10, cpuUtilizationPercent: 70 };
  const rows: Array<[string, Partial<ServiceSpecProps>, Partial<ResolvedServiceSpec>]> = [
    ['the smallest valid props', {}, {}],
    [
      'HPA instead of fixed replicas',
      { autoscaling },
      {
        scaling: { replicas: undefined, minReplicas: 3, maxReplicas: 10, autoscaling },
        polarisExemptions: [...WORKLOAD_EXEMPTIONS, PolarisExemption.HPA_OWNS_REPLICAS],
      },
    ],
    [
      'single replica without PDB',
      { singleReplica: true },
      {
        scaling: { replicas: 1, minReplicas: 1, maxReplicas: 1, autoscaling: undefined },
        disruptionBudget: undefined,
        hasDisruptionBudget: false,
        polarisExemptions: [...WORKLOAD_EXEMPTIONS, PolarisExemption.SINGLE_REPLICA, PolarisExemption.SINGLE_REPLICA_NO_PDB],
      },
    ],
    [
      'a metrics port brings a ServiceMonitor on it',
      { ports: { http: 8080, metrics: 9090 } },
      {
        ports: { http: 8080, metrics: 9090 },
        monitoring: {
          port: 'metrics',
          path: '/metrics',
          interval: Duration.seconds(30),
          scrapeTimeout: Duration.seconds(10),
          prometheusNamespace: 'monitoring',
        },
      },
    ],
    [
      'startup probe derived from maxStartupTime',
      { probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez'), maxStartupTime: Duration.minutes(2) } },
      {
        probes: {
          readiness: Probe.http('/readyz'),
          liveness: Probe.http('/livez'),
          startup: Probe.http('/livez', {
            initialDelay: Duration.seconds(0),
            period: Duration.seconds(5),
            timeout: Duration.seconds(2),
            failureThreshold: 24,
          }),
        },
      },
    ],
    [
      'digest-pinned image, spread off, identity and env given',
      {
        image: `registry.example.com/api@sha256:${'ab'.repeat(32)}`,
        spread: { zones: false, nodes: false },
        podIdentity: { runAsUser: 1000 },
        env: { LOG_LEVEL: EnvValue.literal('info') },
      },
      {
        image: `registry.example.com/api@sha256:${'ab'.repeat(32)}`,
        version: 'abababababab',
        labels: { ...DEFAULTS.labels, 'app.kubernetes.io/version': 'abababababab' },
        topologyKeys: [],
        identity: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
        env: new Map([['LOG_LEVEL', EnvValue.literal('info')]]),
      },
    ],
    [
      'dev environment',
      {},
      {
        environment: Environment.DEV,
        labels: { ...DEFAULTS.labels, 'app.kubernetes.io/instance': 'test-api-dev', 'reliakit.dev/environment': 'dev' },
        selector: { 'app.kubernetes.io/name': 'test-api', 'app.kubernetes.io/instance': 'test-api-dev' },
      },
    ],
  ];

  test.each(rows)('%s', (name, overrides, expected) => {
    const context = name === 'dev environment' ? { ...CONTEXT, environment: Environment.DEV } : CONTEXT;
    expect(resolve(baseProps(overrides), context)).toEqual({ spec: { ...DEFAULTS, ...expected }, messages: [] });
  });
});

describe('resolveServiceSpec: violations, in the order the props are documented', () => {
  const rows: Array<[string, Partial<ServiceSpecProps>, string[]]> = [
    [
      'latest image and a duplicate port',
      { image: 'registry.example.com/api:latest', ports: { http: 8080, grpc: 8080 } },
      [
        `${PATH}: 'image' ('registry.example.com/api:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest`,
        `${PATH}: 'ports.grpc' (8080) is also used by ports.http — give each named port its own number`,
      ],
    ],
    [
      'a literal credential',
      { env: { DB_PASSWORD: EnvValue.literal('hunter2') } },
      [
        `${PATH}: 'env.DB_PASSWORD' ('<redacted>') looks like a credential but is a literal, which would put a secret in Git — use EnvValue.fromSecret('<secret>', '<key>')`,
      ],
    ],
    [
      'one replica without singleReplica, and a zero surge',
      { replicas: 1, maxSurge: 0 },
      [
        `${PATH}: 'replicas' (1) leaves no redundancy: one pod failure or node drain takes the service down — use at least 2 replicas, or set singleReplica: true to accept the outage risk explicitly`,
        `${PATH}: 'maxSurge' (0) allows no extra pod, and maxUnavailable is 0, so a rollout could never replace a pod — use at least 1 or a non-zero percentage such as '25%'`,
      ],
    ],
    [
      'a budget with singleReplica, root identity, a relative writable directory',
      {
        singleReplica: true,
        disruptionBudget: { maxUnavailable: 1 },
        podIdentity: { runAsUser: 0 },
        writableDirectories: [{ path: 'tmp' }],
      },
      [
        `${PATH}: 'disruptionBudget' ({"maxUnavailable":1}) is set although singleReplica drops the PDB — remove disruptionBudget, or remove singleReplica and run at least 2 replicas`,
        `${PATH}: 'podIdentity' ({"runAsUser":0}) runs as root (UID or GID 0) — use a non-root UID/GID the image supports, e.g. 65532`,
        `${PATH}: 'writableDirectories[0].path' ('tmp') is not an absolute path below / — use a directory such as '/tmp'`,
      ],
    ],
    [
      'monitoring on an undeclared port',
      { monitoring: { port: 'metrics', scrapeTimeout: Duration.minutes(1) } },
      [
        `${PATH}: 'monitoring.port' ('metrics') is not a declared port (declared: http=8080) — declare ports.metrics or use a declared port`,
        `${PATH}: 'monitoring.scrapeTimeout' ('1m') is longer than monitoring.interval (30s), so scrapes overlap — lower scrapeTimeout to at most the interval`,
      ],
    ],
  ];

  test.each(rows)('%s', (_name, overrides, expected) => {
    expect(resolve(baseProps(overrides)).messages).toEqual(expected);
  });
});
