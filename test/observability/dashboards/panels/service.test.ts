import { selector, shape } from './fixture';
import { serviceRow, ServicePanelsInput } from '../../../../lib/observability/dashboards/panels/service';
import { RowSpec } from '../../../../lib/observability/dashboards/panels/model';

const POD = 'shop-api-[a-z0-9]+-[a-z0-9]+';
const SERVICE: ServicePanelsInput = {
  name: 'shop-api',
  namespace: 'shop',
  pods: POD,
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
      [
        'timeseries',
        'Error ratio',
        'percentunit',
        [
          [
            'errors',
            '(\n  sum(rate(http_requests_total{namespace="shop",job="shop-api",code=~"5.."}[5m]))\n  or\n  vector(0)\n)\n/\nsum(rate(http_requests_total{namespace="shop",job="shop-api"}[5m]))',
          ],
        ],
      ],
      [
        'timeseries',
        'CPU',
        'short',
        [
          ['{{pod}}', `sum by (pod) (rate(container_cpu_usage_seconds_total{${CONTAINERS}}[5m]))`],
          ['request', `max(sum by (pod) (kube_pod_container_resource_requests{${PODS},resource="cpu"}))`],
          ['limit', `max(sum by (pod) (kube_pod_container_resource_limits{${PODS},resource="cpu"}))`],
        ],
      ],
      [
        'timeseries',
        'Memory',
        'bytes',
        [
          ['{{pod}}', `sum by (pod) (container_memory_working_set_bytes{${CONTAINERS}})`],
          ['request', `max(sum by (pod) (kube_pod_container_resource_requests{${PODS},resource="memory"}))`],
          ['limit', `max(sum by (pod) (kube_pod_container_resource_limits{${PODS},resource="memory"}))`],
        ],
      ],
      [
        'timeseries',
        'Container restarts (1h)',
        'short',
        [['{{pod}}', `sum by (pod) (increase(kube_pod_container_status_restarts_total{${PODS}}[1h]))`]],
      ],
      [
        'timeseries',
        'Replicas',
        'short',
        [
          ['available', 'sum(kube_deployment_status_replicas_available{namespace="shop",deployment="shop-api"})'],
          ['desired', 'max(kube_deployment_spec_replicas{namespace="shop",deployment="shop-api"})'],
        ],
      ],
    ]);
    expect(row.panels.slice(0, 2).map((p) => p.width)).toEqual([12, 12]);
  });

  test("an autoscaled service with a histogram: latency quantiles, and the HPA's current, min and max replicas", () => {
    const row = serviceRow({ ...SERVICE, autoscaled: true, latency: { histogram: 'h_seconds', selector: selector('{job="shop-api"}') } });
    expect(row.panels.map((p) => p.title)).toEqual([
      'Request rate',
      'Error ratio',
      'Latency',
      'CPU',
      'Memory',
      'Container restarts (1h)',
      'Replicas',
    ]);
    expect(row.panels.slice(0, 3).map((p) => p.width)).toEqual([8, 8, 8]);
    expect(shape([row.panels[2], row.panels[6]])).toEqual([
      ['timeseries', 'Latency', 's', [['p95', 'histogram_quantile(0.95, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))']]],
      [
        'timeseries',
        'Replicas',
        'short',
        [
          ['available', 'sum(kube_deployment_status_replicas_available{namespace="shop",deployment="shop-api"})'],
          [
            'current (HPA)',
            'max(kube_horizontalpodautoscaler_status_current_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})',
          ],
          ['min', 'max(kube_horizontalpodautoscaler_spec_min_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})'],
          ['max', 'max(kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})'],
        ],
      ],
    ]);
  });
});

describe('serviceRow: the whole row', () => {
  test.each<[string, ServicePanelsInput, RowSpec]>([
    [
      'a fixed-size service without a histogram',
      SERVICE,
      {
        title: 'shop-api',
        panels: [
          {
            kind: 'timeseries',
            title: 'Request rate',
            description: 'Requests per second (http_requests_total{namespace="shop",job="shop-api"}, over 5m).',
            unit: 'reqps',
            queries: [{ expr: 'sum(rate(http_requests_total{namespace="shop",job="shop-api"}[5m]))', legend: 'requests' }],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Error ratio',
            description:
              'Share of failed requests (http_requests_total{namespace="shop",job="shop-api",code=~"5.."} / http_requests_total{namespace="shop",job="shop-api"}, over 5m); no failed series counts as none.',
            unit: 'percentunit',
            queries: [
              {
                expr: '(\n  sum(rate(http_requests_total{namespace="shop",job="shop-api",code=~"5.."}[5m]))\n  or\n  vector(0)\n)\n/\nsum(rate(http_requests_total{namespace="shop",job="shop-api"}[5m]))',
                legend: 'errors',
              },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'CPU',
            description:
              "CPU used by each pod (cAdvisor, cores over 5 minutes) against the pod's CPU request and limit (kube-state-metrics).",
            unit: 'short',
            queries: [
              {
                expr: 'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",container!="",container!="POD"}[5m]))',
                legend: '{{pod}}',
              },
              {
                expr: 'max(sum by (pod) (kube_pod_container_resource_requests{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",resource="cpu"}))',
                legend: 'request',
              },
              {
                expr: 'max(sum by (pod) (kube_pod_container_resource_limits{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",resource="cpu"}))',
                legend: 'limit',
              },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Memory',
            description:
              "Working set of each pod (cAdvisor; what the OOM killer compares with the limit) against the pod's memory request and limit (kube-state-metrics).",
            unit: 'bytes',
            queries: [
              {
                expr: 'sum by (pod) (container_memory_working_set_bytes{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",container!="",container!="POD"})',
                legend: '{{pod}}',
              },
              {
                expr: 'max(sum by (pod) (kube_pod_container_resource_requests{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",resource="memory"}))',
                legend: 'request',
              },
              {
                expr: 'max(sum by (pod) (kube_pod_container_resource_limits{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",resource="memory"}))',
                legend: 'limit',
              },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Container restarts (1h)',
            description:
              'Container restarts of each pod over the last hour (kube-state-metrics): crashes, OOM kills and failed liveness probes.',
            unit: 'short',
            queries: [
              {
                expr: 'sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+"}[1h]))',
                legend: '{{pod}}',
              },
            ],
            min: 0,
            decimals: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Replicas',
            description: 'Available pods of the Deployment against its fixed replica count (kube-state-metrics).',
            unit: 'short',
            queries: [
              { expr: 'sum(kube_deployment_status_replicas_available{namespace="shop",deployment="shop-api"})', legend: 'available' },
              { expr: 'max(kube_deployment_spec_replicas{namespace="shop",deployment="shop-api"})', legend: 'desired' },
            ],
            min: 0,
            decimals: 0,
            width: 12,
            height: 8,
          },
        ],
      },
    ],
    [
      'an autoscaled service with a histogram',
      { ...SERVICE, autoscaled: true, quantiles: [0.5, 0.99], latency: { histogram: 'h_seconds', selector: selector('{job="shop-api"}') } },
      {
        title: 'shop-api',
        panels: [
          {
            kind: 'timeseries',
            title: 'Request rate',
            description: 'Requests per second (http_requests_total{namespace="shop",job="shop-api"}, over 5m).',
            unit: 'reqps',
            queries: [{ expr: 'sum(rate(http_requests_total{namespace="shop",job="shop-api"}[5m]))', legend: 'requests' }],
            min: 0,
            width: 8,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Error ratio',
            description:
              'Share of failed requests (http_requests_total{namespace="shop",job="shop-api",code=~"5.."} / http_requests_total{namespace="shop",job="shop-api"}, over 5m); no failed series counts as none.',
            unit: 'percentunit',
            queries: [
              {
                expr: '(\n  sum(rate(http_requests_total{namespace="shop",job="shop-api",code=~"5.."}[5m]))\n  or\n  vector(0)\n)\n/\nsum(rate(http_requests_total{namespace="shop",job="shop-api"}[5m]))',
                legend: 'errors',
              },
            ],
            min: 0,
            width: 8,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Latency',
            description: 'Request latency quantiles from h_seconds over 5m.',
            unit: 's',
            queries: [
              { expr: 'histogram_quantile(0.5, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))', legend: 'p50' },
              { expr: 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))', legend: 'p99' },
            ],
            min: 0,
            width: 8,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'CPU',
            description:
              "CPU used by each pod (cAdvisor, cores over 5 minutes) against the pod's CPU request and limit (kube-state-metrics).",
            unit: 'short',
            queries: [
              {
                expr: 'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",container!="",container!="POD"}[5m]))',
                legend: '{{pod}}',
              },
              {
                expr: 'max(sum by (pod) (kube_pod_container_resource_requests{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",resource="cpu"}))',
                legend: 'request',
              },
              {
                expr: 'max(sum by (pod) (kube_pod_container_resource_limits{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",resource="cpu"}))',
                legend: 'limit',
              },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Memory',
            description:
              "Working set of each pod (cAdvisor; what the OOM killer compares with the limit) against the pod's memory request and limit (kube-state-metrics).",
            unit: 'bytes',
            queries: [
              {
                expr: 'sum by (pod) (container_memory_working_set_bytes{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",container!="",container!="POD"})',
                legend: '{{pod}}',
              },
              {
                expr: 'max(sum by (pod) (kube_pod_container_resource_requests{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",resource="memory"}))',
                legend: 'request',
              },
              {
                expr: 'max(sum by (pod) (kube_pod_container_resource_limits{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+",resource="memory"}))',
                legend: 'limit',
              },
            ],
            min: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Container restarts (1h)',
            description:
              'Container restarts of each pod over the last hour (kube-state-metrics): crashes, OOM kills and failed liveness probes.',
            unit: 'short',
            queries: [
              {
                expr: 'sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="shop",pod=~"shop-api-[a-z0-9]+-[a-z0-9]+"}[1h]))',
                legend: '{{pod}}',
              },
            ],
            min: 0,
            decimals: 0,
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Replicas',
            description:
              "Available pods of the Deployment and the HorizontalPodAutoscaler's current, minimum and maximum replicas (kube-state-metrics): at the maximum it cannot add capacity.",
            unit: 'short',
            queries: [
              { expr: 'sum(kube_deployment_status_replicas_available{namespace="shop",deployment="shop-api"})', legend: 'available' },
              {
                expr: 'max(kube_horizontalpodautoscaler_status_current_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})',
                legend: 'current (HPA)',
              },
              {
                expr: 'max(kube_horizontalpodautoscaler_spec_min_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})',
                legend: 'min',
              },
              {
                expr: 'max(kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop",horizontalpodautoscaler="shop-api"})',
                legend: 'max',
              },
            ],
            min: 0,
            decimals: 0,
            width: 12,
            height: 8,
          },
        ],
      },
    ],
  ])('%s', (_, input, expected) => {
    expect(serviceRow(input)).toEqual(expected);
  });
});
