import { infrastructureComponents } from '../../lib/delivery/infrastructure-charts';
import { prometheusAdapterRules } from '../../lib/delivery/custom-metrics';
import { priorityClasses } from '../../lib/delivery/priority-classes';
import { TraefikPlatform } from '../../lib/gateway/traefik-platform';

const TRAEFIK = new TraefikPlatform({ namespace: 'edge', replicas: 3, trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8', '192.0.2.0/24'] } });

test('every chart is pinned to the release of the CRDs in imports/crds, from its repository, after what it needs', () => {
  const components = infrastructureComponents({
    monitoringRelease: 'kps',
    platformPriorityClass: 'platform',
    traefik: TRAEFIK,
    customMetricRules: [],
  });
  expect(
    components.map((c) => [
      c.name,
      c.namespace,
      c.podSecurity,
      `${c.repository.name}=${c.repository.url}`,
      `${c.chart}@${c.version}`,
      c.dependsOn,
    ]),
  ).toEqual([
    ['cert-manager', 'cert-manager', 'restricted', 'jetstack=https://charts.jetstack.io', 'cert-manager@v1.21.1', []],
    [
      'kps',
      'monitoring',
      'privileged',
      'prometheus-community=https://prometheus-community.github.io/helm-charts',
      'kube-prometheus-stack@88.3.0',
      [],
    ],
    [
      'prometheus-adapter',
      'monitoring',
      'privileged',
      'prometheus-community=https://prometheus-community.github.io/helm-charts',
      'prometheus-adapter@4.11.0',
      ['kps'],
    ],
    ['cloudnative-pg', 'cnpg-system', 'restricted', 'cloudnative-pg=https://cloudnative-pg.github.io/charts', 'cloudnative-pg@0.29.0', []],
    [
      'plugin-barman-cloud',
      'cnpg-system',
      'restricted',
      'cloudnative-pg=https://cloudnative-pg.github.io/charts',
      'plugin-barman-cloud@0.7.0',
      ['cert-manager', 'cloudnative-pg'],
    ],
    ['traefik', 'edge', 'baseline', 'traefik=https://traefik.github.io/charts', 'traefik@41.1.1', []],
    [
      'external-secrets',
      'external-secrets',
      'restricted',
      'external-secrets=https://charts.external-secrets.io',
      'external-secrets@2.9.0',
      [],
    ],
    ['litmus-core', 'litmus', 'baseline', 'litmuschaos=https://litmuschaos.github.io/litmus-helm/', 'litmus-core@3.18.0', []],
  ]);
  expect(Object.fromEntries(components.map((c) => [c.name, c.values]))).toEqual({
    'cert-manager': { crds: { enabled: true, keep: true }, global: { priorityClassName: 'platform' } },
    kps: {
      prometheus: { prometheusSpec: { priorityClassName: 'platform' } },
      alertmanager: { alertmanagerSpec: { priorityClassName: 'platform' } },
    },
    'prometheus-adapter': {
      prometheus: { url: 'http://prometheus-operated.monitoring.svc', port: 9090 },
      replicas: 2,
      podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
      priorityClassName: 'platform',
      rules: { default: false, custom: [], external: [], resource: {} },
    },
    'cloudnative-pg': { crds: { create: true }, priorityClassName: 'platform' },
    'plugin-barman-cloud': { crds: { create: true }, priorityClassName: 'platform' },
    // The app's TraefikPlatform: its replicas, and the proxies trusted on both entry points.
    traefik: {
      deployment: { replicas: 3 },
      ports: {
        web: { forwardedHeaders: { trustedIPs: ['10.0.0.0/8', '192.0.2.0/24'] } },
        websecure: { forwardedHeaders: { trustedIPs: ['10.0.0.0/8', '192.0.2.0/24'] } },
      },
      priorityClassName: 'platform',
    },
    'external-secrets': { installCRDs: true, priorityClassName: 'platform' },
    'litmus-core': {},
  });
});

test("PriorityClasses: one global default, batch never preempts, all below Kubernetes' system classes", () => {
  expect(priorityClasses().map((c) => [c.name, c.value, c.globalDefault, c.preemptionPolicy])).toEqual([
    ['reliakit-platform', 1_000_000, false, 'PreemptLowerPriority'],
    ['reliakit-data', 500_000, false, 'PreemptLowerPriority'],
    ['reliakit-service', 100_000, true, 'PreemptLowerPriority'],
    ['reliakit-batch', 1_000, false, 'Never'],
  ]);
});

describe("prometheus-adapter rules from the services' Pods metrics", () => {
  const use = (path: string, namespace: string, name: string, fromCounter: string) => ({ path, namespace, name, fromCounter });

  test.each([
    ['none', [], []],
    [
      'one metric: the per-second rate of its counter, per pod, in its namespace',
      [use('prod/vault/api', 'vault', 'vault_requests_per_second', 'vault_requests_total')],
      [
        {
          seriesQuery: 'vault_requests_total{namespace="vault",pod!=""}',
          resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
          name: { matches: '^vault_requests_total$', as: 'vault_requests_per_second' },
          metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
        },
      ],
    ],
    [
      'the same metric in two namespaces: one rule over both, sorted by name',
      [use('prod/b/api', 'b', 'rps', 'http_requests_total'), use('prod/a/api', 'a', 'rps', 'http_requests_total')],
      [
        {
          seriesQuery: 'http_requests_total{namespace=~"a|b",pod!=""}',
          resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
          name: { matches: '^http_requests_total$', as: 'rps' },
          metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
        },
      ],
    ],
  ])('%s', (_name, uses, rules) => {
    expect(prometheusAdapterRules(uses)).toEqual({ rules, errors: [] });
  });

  test('one name from two counters is an error naming both', () => {
    expect(prometheusAdapterRules([use('prod/a/api', 'a', 'rps', 'a_total'), use('prod/b/api', 'b', 'rps', 'b_total')])).toEqual({
      rules: [],
      errors: [
        "custom metric 'rps' is derived from different counters (prod/a/api: a_total, prod/b/api: b_total), but the custom metrics API serves one value per pod and name — give the metrics different names",
      ],
    });
  });
});
