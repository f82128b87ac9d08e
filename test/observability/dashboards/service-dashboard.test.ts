import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Probe,
  ReliableService,
  ReliakitApp,
  ServiceDashboard,
  ServiceDashboardProps,
  ServiceMetricsProps,
  SystemChart,
} from '../../../lib';
import { find, Manifest, synth, testChart } from '../../support/synth';

function services(chart: SystemChart) {
  const common = {
    image: 'registry.example.com/shop:1.0.0',
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz') },
  };
  const api = new ReliableService(chart, 'api', {
    ...common,
    ports: { http: 8080 },
    monitoring: {},
    autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 70 },
  });
  const web = new ReliableService(chart, 'web', { ...common, ports: { http: 8080, metrics: 9090 }, replicas: 2 });
  const worker = new ReliableService(chart, 'worker', { ...common, ports: { http: 8080 }, replicas: 2 });
  return { api, web, worker };
}

type Services = ReturnType<typeof services>;

function build(
  props: (s: Services) => ServiceDashboardProps = (s) => ({ services: [s.api, s.web] }),
  add?: (d: ServiceDashboard, s: Services) => void,
) {
  const chart = testChart(undefined, 'shop');
  const s = services(chart);
  const dashboard = new ServiceDashboard(chart, 'service-dashboard', props(s));
  add?.(dashboard, s);
  const configMap = find(synth(chart), 'ConfigMap', 'shop-service-dashboard');
  return { ...s, chart, dashboard, configMap, json: JSON.parse(configMap.data['shop-service-dashboard.json']) as Manifest };
}

function errorOf(props: (s: Services) => ServiceDashboardProps, add?: (d: ServiceDashboard, s: Services) => void): string {
  try {
    const chart = testChart(undefined, 'shop');
    const s = services(chart);
    const dashboard = new ServiceDashboard(chart, 'service-dashboard', props(s));
    add?.(dashboard, s);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

const one = (message: string) => `prod/shop/service-dashboard: 1 invalid setting\n  - prod/shop/service-dashboard: ${message}`;
const rowsOf = (json: Manifest) => (json.panels as Manifest[]).filter((p) => p.type === 'row').map((p) => p.title);
const POD = 'pod=~"shop-api-[a-z0-9]+-[a-z0-9]+"';

describe('ServiceDashboard defaults', () => {
  const { dashboard, configMap, json } = build();

  test('snapshot', () => {
    expect({ ...configMap, data: { 'shop-service-dashboard.json': json } }).toMatchSnapshot();
  });

  test('a ConfigMap in the system namespace, labelled for the Grafana sidecar, with the dashboard JSON', () => {
    expect(configMap.metadata).toMatchObject({
      name: 'shop-service-dashboard',
      namespace: 'shop',
      labels: {
        'app.kubernetes.io/name': 'shop-service-dashboard',
        'app.kubernetes.io/component': 'service-dashboard',
        'app.kubernetes.io/part-of': 'shop',
        grafana_dashboard: '1',
      },
      annotations: { grafana_folder: 'shop' },
    });
    expect(Object.keys(configMap.data)).toEqual(['shop-service-dashboard.json']);
    expect(json).toMatchObject({
      uid: 'shop-service-dashboard',
      id: null,
      title: 'shop: services',
      tags: ['shop', 'reliakit', 'service'],
      time: { from: 'now-6h', to: 'now' },
    });
    expect(json.templating.list).toEqual([expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })]);
    for (const p of (json.panels as Manifest[]).filter((x) => x.type !== 'row')) {
      for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  test('one row per service: RED, saturation, restarts, replicas; HPA replicas only for the autoscaled one', () => {
    expect(rowsOf(json)).toEqual(['shop-api', 'shop-web']);
    const panels = (row: string) => [...new Set(dashboard.queries.filter((q) => q.row === row).map((q) => q.panel))];
    expect(panels('shop-api')).toEqual(['Request rate', 'Error ratio', 'CPU', 'Memory', 'Container restarts (1h)', 'Replicas']);
    expect(panels('shop-web')).toEqual(panels('shop-api'));
    const replicas = (row: string) => dashboard.queries.filter((q) => q.row === row && q.panel === 'Replicas').map((q) => q.expr);
    expect(replicas('shop-api').join('\n')).toContain(
      'kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop",horizontalpodautoscaler="shop-api"}',
    );
    expect(replicas('shop-web').join('\n')).not.toContain('horizontalpodautoscaler');
  });

  test("RED from the ServiceAlertPack conventions: http_requests_total of the service's scrape job, 5xx as errors", () => {
    const api = dashboard.queries.filter((q) => q.row === 'shop-api');
    expect(api.find((q) => q.panel === 'Request rate')?.expr).toBe('sum(rate(http_requests_total{namespace="shop",job="shop-api"}[5m]))');
    expect(api.find((q) => q.panel === 'Error ratio')?.expr).toContain(
      'sum(rate(http_requests_total{namespace="shop",job="shop-api",code=~"5.."}[5m]))',
    );
    expect(api.find((q) => q.panel === 'CPU')?.expr).toBe(
      `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="shop",${POD},container!="",container!="POD"}[5m]))`,
    );
  });

  test("every metric queried: the application's counter, cAdvisor and kube-state-metrics", () => {
    expect(dashboard.metrics).toEqual([
      'container_cpu_usage_seconds_total',
      'container_memory_working_set_bytes',
      'http_requests_total',
      'kube_deployment_spec_replicas',
      'kube_deployment_status_replicas_available',
      'kube_horizontalpodautoscaler_spec_max_replicas',
      'kube_horizontalpodautoscaler_spec_min_replicas',
      'kube_horizontalpodautoscaler_status_current_replicas',
      'kube_pod_container_resource_limits',
      'kube_pod_container_resource_requests',
      'kube_pod_container_status_restarts_total',
    ]);
  });
});

describe('ServiceDashboard options', () => {
  test('addService: own request and error counters and a latency histogram (default selector: the scrape job)', () => {
    const { json, dashboard } = build(
      (s) => ({ services: [s.web] }),
      (d, s) =>
        d.addService(s.api, {
          requests: 'shop_requests_total{job="shop-api"}',
          errors: 'shop_requests_total{job="shop-api",status="error"}',
          latency: { histogram: 'shop_request_duration_seconds' },
        }),
    );
    expect(rowsOf(json)).toEqual(['shop-web', 'shop-api']);
    const api = dashboard.queries.filter((q) => q.row === 'shop-api');
    expect(api.find((q) => q.panel === 'Request rate')?.expr).toBe('sum(rate(shop_requests_total{job="shop-api"}[5m]))');
    expect(api.find((q) => q.panel === 'Error ratio')?.expr).toContain('sum(rate(shop_requests_total{job="shop-api",status="error"}[5m]))');
    expect(api.filter((q) => q.panel === 'Latency').map((q) => q.expr)).toEqual(
      [0.5, 0.95, 0.99].map(
        (p) => `histogram_quantile(${p}, sum by (le) (rate(shop_request_duration_seconds_bucket{namespace="shop",job="shop-api"}[5m])))`,
      ),
    );
    expect(dashboard.services.map((s) => s.name)).toEqual(['shop-web', 'shop-api']);
  });

  test('a latency selector, quantiles, title and folder', () => {
    const { json, dashboard, configMap } = build(
      () => ({ latencyQuantiles: [0.99], title: 'Shop services', folder: 'Services' }),
      (d, s) => d.addService(s.api, { latency: { histogram: 'h_seconds', selector: '{job="shop-api",handler!="/healthz"}' } }),
    );
    expect(json.title).toBe('Shop services');
    expect(configMap.metadata.annotations).toEqual({ grafana_folder: 'Services' });
    expect(dashboard.queries.filter((q) => q.panel === 'Latency').map((q) => q.expr)).toEqual([
      'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="shop-api",handler!="/healthz"}[5m])))',
    ]);
  });

  test('same input, byte-identical output', () => {
    expect(build().configMap.data['shop-service-dashboard.json']).toBe(build().configMap.data['shop-service-dashboard.json']);
  });
});

describe('ServiceDashboard validation', () => {
  test.each<[string, (s: Services) => ServiceDashboardProps, string]>([
    [
      'a service without a ServiceMonitor',
      (s) => ({ services: [s.worker] }),
      "'services[0]' ('shop-worker') has no ServiceMonitor, so its request, error and latency panels would read series nobody scrapes — set the monitoring prop (or a metrics port) of the service, or leave it off the dashboard",
    ],
    [
      'a service listed twice',
      (s) => ({ services: [s.api, s.api] }),
      "'services[1]' ('shop-api') is already on the dashboard — show each service once",
    ],
    ['an empty title', () => ({ title: '' }), "'title' ('') is empty — omit it for the default title, or name the dashboard"],
    [
      'a quantile of 0',
      () => ({ latencyQuantiles: [0] }),
      "'latencyQuantiles' (0) is not strictly between 0 and 1 — use e.g. 0.99 for p99",
    ],
  ])('throws for %s', (_, props, message) => {
    expect(errorOf(props)).toBe(one(message));
  });

  test.each<[string, ServiceMetricsProps, string]>([
    [
      'a requests expression instead of a selector',
      { requests: 'sum(rate(http_requests_total[5m]))' },
      "'addService.requests' ('sum(rate(http_requests_total[5m]))') is not a PromQL vector selector with a metric name — give the counter and its label matchers, e.g. 'http_requests_total{namespace=\"homepage\",job=\"homepage-api\"}'",
    ],
    [
      'errors without a metric name',
      { errors: '{code=~"5.."}' },
      '\'addService.errors\' (\'{code=~"5.."}\') is not a PromQL vector selector with a metric name — give the counter and its label matchers, e.g. \'http_requests_total{namespace="homepage",job="homepage-api"}\'',
    ],
    [
      'a histogram with its _bucket suffix',
      { latency: { histogram: 'http_request_duration_seconds_bucket' } },
      "'addService.latency.histogram' ('http_request_duration_seconds_bucket') is not a histogram base name — give the name without _bucket, e.g. 'http_request_duration_seconds'",
    ],
    [
      'a latency selector with a metric',
      { latency: { histogram: 'h_seconds', selector: 'h_seconds_bucket{job="x"}' } },
      "'addService.latency.selector' ('h_seconds_bucket{job=\"x\"}') is not a set of label matchers — give matchers only, e.g. '{job=\"api\"}'",
    ],
  ])('addService throws for %s', (_, metrics, message) => {
    expect(
      errorOf(
        () => ({}),
        (d, s) => d.addService(s.api, metrics),
      ),
    ).toBe(one(message));
  });

  test('addService throws for a service without a ServiceMonitor, and one already shown', () => {
    expect(
      errorOf(
        () => ({}),
        (d, s) => d.addService(s.worker),
      ),
    ).toBe(
      one(
        "'addService' ('shop-worker') has no ServiceMonitor, so its request, error and latency " +
          'panels would read series nobody scrapes — set the monitoring prop (or a metrics port) of the service, or leave it off the dashboard',
      ),
    );
    expect(
      errorOf(
        (s) => ({ services: [s.api] }),
        (d, s) => d.addService(s.api),
      ),
    ).toBe(one("'addService' ('shop-api') is already on the dashboard — show each service once"));
  });

  test('fails synth without services', () => {
    const chart = testChart(undefined, 'shop');
    const dashboard = new ServiceDashboard(chart, 'service-dashboard');
    expect(() => ReliakitApp.of(chart).render()).toThrow(
      'prod/shop/service-dashboard: has no services — give them in the services prop or add them with addService, or remove the dashboard',
    );
    dashboard.addService(services(chart).api);
    expect(() => ReliakitApp.of(chart).render()).not.toThrow();
  });
});
