import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  ChaosExperiment,
  ChaosExperimentProps,
  ChaosFault,
  Environment,
  JobCleanUpPolicy,
  Probe,
  ProbeMode,
  ReliableService,
  ReliableServiceProps,
  Slo,
  Sli,
  SteadyStateProbe,
} from '../../lib';
import { CHAOS_RBAC_RULES } from '../../lib/chaos/chaos-experiment';
import { find, Manifest, ofKind, synth, testChart } from '../support/synth';

const serviceProps: ReliableServiceProps = {
  image: 'registry.example.com/api:1.2.3',
  ports: { http: 8080 },
  resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
  probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
  replicas: 2,
};

const allFaults = () => [
  ChaosFault.podDelete({ interval: Duration.seconds(10), force: false, podsAffectedPercent: 50, duration: Duration.seconds(60) }),
  ChaosFault.networkLatency({ latency: Duration.millis(2000), jitter: Duration.millis(500), duration: Duration.seconds(120) }),
  ChaosFault.cpuHog({ cores: 2, loadPercent: 100, duration: Duration.seconds(180) }),
  ChaosFault.dependencyFailure({ hosts: ['test-db-rw.test.svc.cluster.local'], duration: Duration.seconds(300) }),
];

function build(overrides: Partial<ChaosExperimentProps> = {}, environment = Environment.DEV) {
  const chart = testChart(environment);
  const target = new ReliableService(chart, 'api', serviceProps);
  const chaos = new ChaosExperiment(chart, 'api-chaos', {
    target,
    experiments: allFaults(),
    steadyState: SteadyStateProbe.http({ path: '/readyz', timeout: Duration.seconds(2), interval: Duration.seconds(5) }),
    ...overrides,
  });
  return { chart, target, chaos, objects: synth(chart) };
}

/** The message thrown for `overrides`, for exact matching. */
function errorOf(overrides: Partial<ChaosExperimentProps>): string {
  try {
    build(overrides);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

const envOf = (engine: Manifest) =>
  Object.fromEntries(engine.spec.experiments[0].spec.components.env.map((e: Manifest) => [e.name, e.value]));

describe('ChaosExperiment defaults (dev)', () => {
  const { objects, chaos } = build();

  test("helper-pod faults lift the namespace's Pod Security enforcement (warn and audit stay restricted)", () => {
    const labels = find(objects, 'Namespace', 'test').metadata.labels;
    expect([labels['pod-security.kubernetes.io/enforce'], labels['pod-security.kubernetes.io/warn']]).toEqual(['privileged', 'restricted']);
  });

  test('emits the chaos RBAC and one ChaosEngine per fault, all strictly schema-valid', () => {
    const chaosObjects = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'api-chaos');
    expect(chaosObjects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/test-api-chaos',
      'Role/test-api-chaos',
      'RoleBinding/test-api-chaos',
      'ChaosEngine/test-api-chaos-pod-delete',
      'ChaosEngine/test-api-chaos-pod-network-latency',
      'ChaosEngine/test-api-chaos-pod-cpu-hog',
      'ChaosEngine/test-api-chaos-pod-network-loss',
      'NetworkPolicy/test-api-chaos',
      'NetworkPolicy/test-api-chaos-probe',
    ]);
    expect(chaos.enabled).toBe(true);
    expect(chaosObjects).toMatchSnapshot();
  });

  test('engine: targets the Deployment by its selector, created stopped (the schedule starts it), created once by Flux', () => {
    const engine = find(objects, 'ChaosEngine', 'test-api-chaos-pod-delete');
    expect(engine.metadata.namespace).toBe('test');
    expect(engine.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' });
    expect(engine.spec).toMatchObject({
      engineState: 'stop',
      appinfo: {
        appns: 'test',
        applabel: 'app.kubernetes.io/name=test-api,app.kubernetes.io/instance=test-api-dev',
        appkind: 'deployment',
      },
      chaosServiceAccount: 'test-api-chaos',
      jobCleanUpPolicy: 'delete',
    });
    expect(engine.spec.experiments[0].name).toBe('pod-delete');
    expect(engine.spec).not.toHaveProperty('annotationCheck');
  });

  test('faults: typed tunables become the litmus environment', () => {
    expect(envOf(find(objects, 'ChaosEngine', 'test-api-chaos-pod-delete'))).toEqual({
      TOTAL_CHAOS_DURATION: '60',
      PODS_AFFECTED_PERC: '50',
      CHAOS_INTERVAL: '10',
      FORCE: 'false',
    });
    expect(envOf(find(objects, 'ChaosEngine', 'test-api-chaos-pod-network-latency'))).toEqual({
      TOTAL_CHAOS_DURATION: '120',
      TARGET_CONTAINER: 'api',
      NETWORK_LATENCY: '2000',
      JITTER: '500',
    });
    expect(envOf(find(objects, 'ChaosEngine', 'test-api-chaos-pod-cpu-hog'))).toEqual({
      TOTAL_CHAOS_DURATION: '180',
      TARGET_CONTAINER: 'api',
      CPU_CORES: '2',
      CPU_LOAD: '100',
    });
    expect(envOf(find(objects, 'ChaosEngine', 'test-api-chaos-pod-network-loss'))).toEqual({
      TOTAL_CHAOS_DURATION: '300',
      TARGET_CONTAINER: 'api',
      NETWORK_PACKET_LOSS_PERCENTAGE: '100',
      DESTINATION_HOSTS: 'test-db-rw.test.svc.cluster.local',
    });
  });

  test('steady state: HTTP probe on the service, continuous, on every engine', () => {
    for (const engine of ofKind(objects, 'ChaosEngine')) {
      expect(engine.spec.experiments[0].spec.probe).toEqual([
        {
          name: 'steady-state-http',
          type: 'httpProbe',
          mode: 'Continuous',
          'httpProbe/inputs': {
            url: 'http://test-api.test.svc.cluster.local:8080/readyz',
            method: { get: { criteria: '==', responseCode: '200' } },
          },
          runProperties: { probeTimeout: '2s', interval: '5s', attempt: 1 },
        },
      ]);
    }
  });

  test('RBAC: namespaced Role with the litmus rules, bound to the chaos ServiceAccount', () => {
    expect(find(objects, 'Role', 'test-api-chaos').rules).toEqual(CHAOS_RBAC_RULES);
    expect(find(objects, 'RoleBinding', 'test-api-chaos')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'test-api-chaos' },
      subjects: [{ kind: 'ServiceAccount', name: 'test-api-chaos', namespace: 'test' }],
    });
    expect(ofKind(objects, 'ClusterRole')).toHaveLength(0);
  });

  test("the target's NetworkPolicy admits the experiment pods on the probed port", () => {
    expect(find(objects, 'NetworkPolicy', 'test-api').spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'litmus', 'app.kubernetes.io/component': 'experiment-job' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });
});

describe('ChaosExperiment environment gate', () => {
  test('production: nothing is emitted unless enabledInProduction', () => {
    const { objects, chaos } = build({}, Environment.PROD);
    expect(chaos.enabled).toBe(false);
    expect(ofKind(objects, 'ChaosEngine')).toHaveLength(0);
    expect(objects.filter((o) => ['Role', 'RoleBinding'].includes(o.kind) || o.metadata.name === 'test-api-chaos')).toHaveLength(0);
    expect(find(objects, 'NetworkPolicy', 'test-api').spec.ingress).toBeUndefined();
  });

  test('production with enabledInProduction: scheduled engines and RBAC', () => {
    const { objects, chaos } = build({ enabledInProduction: true }, Environment.PROD);
    expect(chaos.enabled).toBe(true);
    expect(ofKind(objects, 'ChaosEngine').map((e) => e.spec.engineState)).toEqual(['stop', 'stop', 'stop', 'stop']);
    expect(find(objects, 'CronJob', 'test-chaos-schedule').metadata.labels['reliakit.dev/environment']).toBe('prod');
    expect(find(objects, 'Role', 'test-api-chaos').metadata.labels['reliakit.dev/environment']).toBe('prod');
  });
});

describe('ChaosExperiment behaviour', () => {
  test('SLO probe: the recorded 5m error ratio stays below the page burn rate', () => {
    const chart = testChart(Environment.DEV);
    const target = new ReliableService(chart, 'api', serviceProps);
    const slo = new Slo(chart, 'availability', {
      service: target,
      team: 'vault',
      objective: 99.9,
      runbookUrl: 'https://runbooks.example.com/api',
      sli: Sli.requests({ total: 'http_requests_total{job="api"}', errors: 'http_requests_total{job="api",code=~"5.."}' }),
    });
    new ChaosExperiment(chart, 'api-chaos', {
      target,
      experiments: [ChaosFault.podDelete({ duration: Duration.seconds(60) })],
      steadyState: SteadyStateProbe.slo({ slo, endpoint: 'http://prometheus-operated.monitoring.svc:9090', mode: ProbeMode.EDGE }),
      jobCleanUpPolicy: JobCleanUpPolicy.RETAIN,
    });
    const engine = find(synth(chart), 'ChaosEngine', 'test-api-chaos-pod-delete');
    expect(engine.spec.jobCleanUpPolicy).toBe('retain');
    expect(engine.spec.experiments[0].spec.probe).toEqual([
      {
        name: `slo-${slo.name}`,
        type: 'promProbe',
        mode: 'Edge',
        'promProbe/inputs': {
          endpoint: 'http://prometheus-operated.monitoring.svc:9090',
          query: `slo:sli_error:ratio_rate5m${slo.recordSelector}`,
          comparator: { criteria: '<=', value: '0.0144' },
        },
        runProperties: { probeTimeout: '5s', interval: '10s', attempt: 1 },
      },
    ]);
  });

  test('Prometheus probe and a renamed second fault of the same kind', () => {
    const { objects } = build({
      experiments: [
        ChaosFault.dependencyFailure({ hosts: ['db.test.svc'], duration: Duration.seconds(60) }),
        ChaosFault.dependencyFailure({ name: 'cache-loss', ips: ['10.0.0.0/24'], lossPercent: 50, duration: Duration.seconds(60) }),
      ],
      steadyState: SteadyStateProbe.prometheus({
        endpoint: 'http://prom:9090',
        query: 'up{job="api"}',
        criteria: '>=',
        value: 1,
        interval: Duration.seconds(5),
        timeout: Duration.seconds(1),
      }),
    });
    const second = find(objects, 'ChaosEngine', 'test-api-chaos-cache-loss');
    expect(envOf(second)).toMatchObject({ NETWORK_PACKET_LOSS_PERCENTAGE: '50', DESTINATION_IPS: '10.0.0.0/24' });
    expect(second.spec.experiments[0].spec.probe[0]['promProbe/inputs']).toEqual({
      endpoint: 'http://prom:9090',
      query: 'up{job="api"}',
      comparator: { criteria: '>=', value: '1' },
    });
    // A probe that does not call the service opens nothing.
    expect(find(objects, 'NetworkPolicy', 'test-api').spec.ingress).toBeUndefined();
  });
});

describe('ChaosExperiment validation', () => {
  const P = 'dev/test/api-chaos';
  const one = (m: string) => `${P}: 1 invalid setting\n  - ${m}`;

  test('throws if the experiment list is empty', () => {
    expect(errorOf({ experiments: [] })).toBe(
      one(`${P}: 'experiments' ([]) is empty — add at least one fault, e.g. ChaosFault.podDelete({...})`),
    );
  });

  test('throws if a percentage is outside 1–100', () => {
    expect(errorOf({ experiments: [ChaosFault.cpuHog({ cores: 1, loadPercent: 150, duration: Duration.seconds(60) })] })).toBe(
      one(`${P}: 'experiments[0].loadPercent' (150) is not a whole percentage between 1 and 100 — use e.g. 50`),
    );
    expect(errorOf({ experiments: [ChaosFault.podDelete({ podsAffectedPercent: 0, duration: Duration.seconds(60) })] })).toBe(
      one(`${P}: 'experiments[0].podsAffectedPercent' (0) is not a whole percentage between 1 and 100 — use e.g. 50`),
    );
  });

  test('throws if a duration is not positive', () => {
    expect(errorOf({ experiments: [ChaosFault.cpuHog({ cores: 1, duration: Duration.seconds(0) })] })).toBe(
      one(`${P}: 'experiments[0].duration' ('0s') is not a positive whole number of seconds — use e.g. Duration.seconds(60)`),
    );
    expect(errorOf({ experiments: [ChaosFault.networkLatency({ latency: Duration.millis(0), duration: Duration.seconds(60) })] })).toBe(
      one(`${P}: 'experiments[0].latency' ('0s') is not a positive whole number of milliseconds — use e.g. Duration.millis(200)`),
    );
  });

  test('throws if the chaos duration is shorter than the interval', () => {
    expect(errorOf({ experiments: [ChaosFault.podDelete({ interval: Duration.seconds(30), duration: Duration.seconds(20) })] })).toBe(
      one(
        `${P}: 'experiments[0].duration' ('20s') is shorter than the interval (30s), so at most one round of deletions runs — make duration at least the interval`,
      ),
    );
  });

  test('throws if pod-delete would delete every pod at the minimum replica count', () => {
    expect(errorOf({ experiments: [ChaosFault.podDelete({ podsAffectedPercent: 100, duration: Duration.seconds(60) })] })).toBe(
      one(
        `${P}: 'experiments[0].podsAffectedPercent' (100) deletes 2 of 2 pods at the target's minimum replica count, an outage rather than a pod failure — lower podsAffectedPercent or raise the minimum replica count`,
      ),
    );
  });

  test('throws if a dependency failure names no dependency', () => {
    expect(errorOf({ experiments: [ChaosFault.dependencyFailure({ duration: Duration.seconds(60) })] })).toBe(
      one(
        `${P}: 'experiments[0].hosts' (undefined) and ips are both empty and no dependency is given, so all egress traffic would be dropped, not one dependency — pass the backing service as dependency, or name the external dependency's hosts or IPs`,
      ),
    );
  });

  test('throws if two faults get the same engine name', () => {
    const f = () => ChaosFault.cpuHog({ cores: 1, duration: Duration.seconds(60) });
    expect(errorOf({ experiments: [f(), f()] })).toBe(
      one(
        `${P}: 'experiments[1].name' ('pod-cpu-hog') is used by another fault, so their ChaosEngines would have the same name — give one of them a distinct name`,
      ),
    );
  });

  test('throws if the probe timeout is not shorter than its interval', () => {
    expect(
      errorOf({ steadyState: SteadyStateProbe.http({ path: '/readyz', timeout: Duration.seconds(5), interval: Duration.seconds(5) }) }),
    ).toBe(
      one(
        `${P}: 'steadyState.timeout' ('5s') is not shorter than the interval (5s), so evaluations overlap — lower the timeout below the interval`,
      ),
    );
  });

  test('throws if a continuous probe is not evaluated during the chaos', () => {
    expect(
      errorOf({
        experiments: [ChaosFault.cpuHog({ cores: 1, duration: Duration.seconds(10) })],
        steadyState: SteadyStateProbe.http({ path: '/readyz', interval: Duration.seconds(10) }),
      }),
    ).toBe(
      one(
        `${P}: 'steadyState.interval' ('10s') is not shorter than pod-cpu-hog's duration (10s), so the probe is not evaluated during the chaos — lower the probe interval or lengthen the chaos`,
      ),
    );
  });

  test('throws if the HTTP probe calls an undeclared port', () => {
    expect(errorOf({ steadyState: SteadyStateProbe.http({ path: '/readyz', port: 'grpc' }) })).toBe(
      one(
        `${P}: 'steadyState.port' ('grpc') is not a declared port of the target — declare it on the ReliableService or use a declared port`,
      ),
    );
  });

  test('throws if the target is in another environment or namespace', () => {
    const other = testChart(Environment.PROD, 'other');
    const foreign = new ReliableService(other, 'api', serviceProps);
    const chart = testChart(Environment.DEV);
    new ReliableService(chart, 'api', serviceProps);
    expect(
      () =>
        new ChaosExperiment(chart, 'api-chaos', {
          target: foreign,
          experiments: [ChaosFault.podDelete({ duration: Duration.seconds(60) })],
          steadyState: SteadyStateProbe.http({ path: '/readyz' }),
        }),
    ).toThrow(
      [
        `${P}: 2 invalid settings`,
        `  - ${P}: 'target' ('prod/other/api') is in environment 'prod', not 'dev' — target the service of the same environment`,
        `  - ${P}: 'target' ('prod/other/api') is in namespace 'other', not 'test' — create the experiment in the target's system chart (the chaos ServiceAccount and Role are namespaced)`,
      ].join('\n'),
    );
  });

  test('reports every broken rule at once', () => {
    const message = errorOf({
      experiments: [ChaosFault.podDelete({ podsAffectedPercent: 101, interval: Duration.seconds(0), duration: Duration.millis(1500) })],
    });
    expect(message).toBe(
      [
        `${P}: 4 invalid settings`,
        `  - ${P}: 'experiments[0].duration' ('1500ms') is not a positive whole number of seconds — use e.g. Duration.seconds(60)`,
        `  - ${P}: 'experiments[0].podsAffectedPercent' (101) is not a whole percentage between 1 and 100 — use e.g. 50`,
        `  - ${P}: 'experiments[0].interval' ('0s') is not a positive whole number of seconds — use e.g. Duration.seconds(60)`,
        `  - ${P}: 'steadyState.interval' ('5s') is not shorter than pod-delete's duration (1500ms), so the probe is not evaluated during the chaos — lower the probe interval or lengthen the chaos`,
      ].join('\n'),
    );
  });
});
