import { selector, shape } from './fixture';
import { serviceRow, ServicePanelsInput } from '../../../../lib/observability/dashboards/panels/service';

const POD = 'shop-api-[a-z0-9]+-[a-z0-9]+';
const SERVICE: ServicePanelsInput = {
  name: 'shop-api', namespace: 'shop', pods: POD,
  requests: selector('http_requests_total{namespace="shop",job="shop-api"}'),
  errors: selector('http_requests_total{namespace="shop",job="shop-api",code=~"5.."}'),
  quantiles: [0.95],
  autoscaled: false,
};
const PODS = `namespace="shop",pod=~"${POD}"`;
const CONTAINERS = `${PODS},container!="",container!="POD"`;

describe('serviceRow', () => {
  test('a fixed-size service without a histogram: rate, errors, CPU, memory, restarts, replicas against the desired count', () => {
    const row = serviceRow(SERVICE);
    expect(row.title).toBe('shop-api');
    expect(shape(row.panels)).toEqual([
      ['timeseries', 'Request rate', 'reqps', [['requests', 'sum(rate(http_requests_total{namespace="shop",job="shop-api"}[5m]))']]],
      ['timeseries', 'Error ratio', 'percentunit', [['errors',
        '(\n  sum(rate(http_requests_total{namespace="shop",job="shop-api",code=~"5.."}[5m]))\n  or\n  vector(0)\n)\n/\nsum(rate(http_requests_total{namespace="shop",job="shop-api"}[5m]))']]],
      ['timeseries', 'CPU', 'short', [
        ['{{pod}}', `sum by (pod) (rate(container_cpu_usage_seconds_total{${CONTAINERS}}[5m]))`],
        ['request', `max(sum by (pod) (kube_pod_container_resource_requests{${PODS},resource="cpu"}))`],
        ['limit', `max(sum by (pod) (kube_pod_container_resource_limits{${PODS},resource="cpu"}))`],
      ]],
      ['timeseries', 'Memory', 'bytes', [
        ['{{pod}}', `sum by (pod) (container_memory_working_set_bytes{${CONTAINERS}})`],
        ['request', `max(sum by (pod) (kube_pod_container_resource_requests{${PODS},resource="memory"}))`],
        ['limit', `max(sum by (pod) (kube_pod_container_resource_limits{${PODS},resource="memory"}))`],
      ]],
      ['timeseries', 'Container restarts (1h)', 'short', [['{{pod}}', `sum by (pod) (increase(kube_pod_container_status_restarts_total{${PODS}}[1h]))`]]],
      ['timeseries', 'Replicas', 'short', [
        ['available', 'sum(kube_deployment_status_replicas_available{namespace="shop",deployment="shop-api"})'],
        ['desired', 'max(kube_deployment_spec_replicas{namespace="shop",deployment="shop-api"})'],
      ]],
    ]);
    expect(row.panels.slice(0, 2).map((p) => p.width)).toEqual([12, 12]);
  });

  test('an autoscaled service with a histogram: latency quantiles, and the HPA\'s current, min and max replicas', () => {
    const row = serviceRow({ ...SERVICE, autoscaled: true, latency: { histogram: 'h_seconds', selector: selector('{job="shop-api"}') } });
    expect(row.panels.map((p) => p.title)).toEqual(['Request rate', 'Error ratio', 'Latency', 'CPU', 'Memory', 'Container restarts (1h)', 'Replicas']);
    expect(row.panels.slice(0, 3).map((p) => p.width)).toEqual([8, 8, 8]);
    expect(shape([row.panels[2], row.panels[6]])).toEqual([
      ['timeseries', 'Latency', 's', [['p95', 'histogram_quantile(0.95, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))']]],
      ['timeseries', 'Replicas', 'short', [
        ['available', 'sum(kube_deployment_status_replicas_available{namespace="shop",deployment="shop-api"})'],
        ['current (HPA)', 'max(kube_horizontalpodautoscaler_status_current_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})'],
        ['min', 'max(kube_horizontalpodautoscaler_spec_min_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})'],
        ['max', 'max(kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})'],
      ]],
    ]);
  });
});
