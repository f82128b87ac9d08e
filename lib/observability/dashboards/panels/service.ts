import * as units from '@grafana/grafana-foundation-sdk/units';
import { formatSelector, labelEq, labelRe, Matcher, Selector, selectorOf } from '../../promql';
import { PanelSpec, RowSpec } from './model';
import { quantileExpr, quantileLegend, RATE_WINDOW } from './queries';

/** What the panels of one service need. */
export interface ServicePanelsInput {
  /** The workload's name (Deployment, Service, HPA, scrape job). */
  readonly name: string;
  readonly namespace: string;
  /** The pods' names as an anchored regex. */
  readonly pods: string;
  /** The request counter. */
  readonly requests: Selector;
  /** The failed-request counter. */
  readonly errors: Selector;
  /** The request-latency histogram, if any. */
  readonly latency?: { readonly histogram: string; readonly selector: Selector };
  readonly quantiles: readonly number[];
  /** Whether an HPA owns the replica count. */
  readonly autoscaled: boolean;
}

/**
 * One row per service: RED (request rate, error ratio, latency quantiles) from the application's
 * metrics, saturation (CPU and memory of each pod against its requests and limits, from cAdvisor
 * and kube-state-metrics), container restarts, and replicas (with the HPA's bounds when it
 * autoscales).
 */
export function serviceRow(input: ServicePanelsInput): RowSpec {
  const ns = labelEq('namespace', input.namespace);
  const pods = [ns, labelRe('pod', input.pods)];
  const containers: Matcher[] = [...pods, { name: 'container', op: '!=', value: '' }, { name: 'container', op: '!=', value: 'POD' }];
  const rate = (s: Selector) => `sum(rate(${formatSelector(s)}[${RATE_WINDOW}]))`;
  // A pod's request (or limit) is the sum over its containers; every pod of a Deployment has the same.
  const perPod = (metric: string, resource: string) => `max(sum by (pod) (${selectorOf(metric, ...pods, labelEq('resource', resource))}))`;
  const red = input.latency ? 8 : 12;
  const panels: PanelSpec[] = [
    {
      kind: 'timeseries',
      title: 'Request rate',
      description: `Requests per second (${formatSelector(input.requests)}, over ${RATE_WINDOW}).`,
      unit: units.RequestsPerSecond,
      queries: [{ expr: rate(input.requests), legend: 'requests' }],
      min: 0,
      width: red,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Error ratio',
      description: `Share of failed requests (${formatSelector(input.errors)} / ${formatSelector(input.requests)}, over ${RATE_WINDOW}); no failed series counts as none.`,
      unit: units.PercentUnit,
      queries: [{ expr: `(\n  ${rate(input.errors)}\n  or\n  vector(0)\n)\n/\n${rate(input.requests)}`, legend: 'errors' }],
      min: 0,
      width: red,
      height: 8,
    },
  ];
  if (input.latency) {
    const l = input.latency;
    panels.push({
      kind: 'timeseries',
      title: 'Latency',
      description: `Request latency quantiles from ${l.histogram} over ${RATE_WINDOW}.`,
      unit: units.Seconds,
      queries: input.quantiles.map((q) => ({ expr: quantileExpr(l.histogram, l.selector, q, RATE_WINDOW), legend: quantileLegend(q) })),
      min: 0,
      width: red,
      height: 8,
    });
  }
  panels.push(
    {
      kind: 'timeseries',
      title: 'CPU',
      description: "CPU used by each pod (cAdvisor, cores over 5 minutes) against the pod's CPU request and limit (kube-state-metrics).",
      unit: units.Short,
      queries: [
        {
          expr: `sum by (pod) (rate(${selectorOf('container_cpu_usage_seconds_total', ...containers)}[${RATE_WINDOW}]))`,
          legend: '{{pod}}',
        },
        { expr: perPod('kube_pod_container_resource_requests', 'cpu'), legend: 'request' },
        { expr: perPod('kube_pod_container_resource_limits', 'cpu'), legend: 'limit' },
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
      unit: units.BytesIEC,
      queries: [
        { expr: `sum by (pod) (${selectorOf('container_memory_working_set_bytes', ...containers)})`, legend: '{{pod}}' },
        { expr: perPod('kube_pod_container_resource_requests', 'memory'), legend: 'request' },
        { expr: perPod('kube_pod_container_resource_limits', 'memory'), legend: 'limit' },
      ],
      min: 0,
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Container restarts (1h)',
      description: 'Container restarts of each pod over the last hour (kube-state-metrics): crashes, OOM kills and failed liveness probes.',
      unit: units.Short,
      queries: [
        { expr: `sum by (pod) (increase(${selectorOf('kube_pod_container_status_restarts_total', ...pods)}[1h]))`, legend: '{{pod}}' },
      ],
      min: 0,
      decimals: 0,
      width: 12,
      height: 8,
    },
  );
  const deployment = [ns, labelEq('deployment', input.name)];
  const hpa = [ns, labelEq('horizontalpodautoscaler', input.name)];
  const available = { expr: `sum(${selectorOf('kube_deployment_status_replicas_available', ...deployment)})`, legend: 'available' };
  panels.push({
    kind: 'timeseries',
    title: 'Replicas',
    description: input.autoscaled
      ? "Available pods of the Deployment and the HorizontalPodAutoscaler's current, minimum and maximum replicas (kube-state-metrics): at the maximum it cannot add capacity."
      : 'Available pods of the Deployment against its fixed replica count (kube-state-metrics).',
    unit: units.Short,
    queries: input.autoscaled
      ? [
          available,
          { expr: `max(${selectorOf('kube_horizontalpodautoscaler_status_current_replicas', ...hpa)})`, legend: 'current (HPA)' },
          { expr: `max(${selectorOf('kube_horizontalpodautoscaler_spec_min_replicas', ...hpa)})`, legend: 'min' },
          { expr: `max(${selectorOf('kube_horizontalpodautoscaler_spec_max_replicas', ...hpa)})`, legend: 'max' },
        ]
      : [available, { expr: `max(${selectorOf('kube_deployment_spec_replicas', ...deployment)})`, legend: 'desired' }],
    min: 0,
    decimals: 0,
    width: 12,
    height: 8,
  });
  return { title: input.name, panels };
}
