import { infrastructureComponents } from '../../lib/delivery/infrastructure-charts';
import { priorityClasses } from '../../lib/delivery/priority-classes';
import { TraefikPlatform } from '../../lib/gateway/traefik-platform';

const TRAEFIK = new TraefikPlatform({ namespace: 'edge', replicas: 3, trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8', '192.0.2.0/24'] } });

test('every chart is pinned to the release of the CRDs in imports/crds, from its repository, after what it needs', () => {
  const components = infrastructureComponents({ monitoringRelease: 'kps', platformPriorityClass: 'platform', traefik: TRAEFIK });
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
