import type { KubeJson } from '../core/json';
/** An object as rendered (JSON). */
type RenderedObject = KubeJson;

/** The kinds a Prometheus (prometheus-operator) selects by label. */
export const SELECTED_MONITORING_KINDS: readonly string[] = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];

/** Whether `o` is a monitoring object the Prometheus selects by label. */
export function isSelectedMonitoringObject(o: RenderedObject): boolean {
  return String(o.apiVersion).startsWith('monitoring.coreos.com/') && SELECTED_MONITORING_KINDS.includes(o.kind);
}

/**
 * `o` with `labels` added when it is a ServiceMonitor, PodMonitor or PrometheusRule; any other
 * object is returned as it is. kube-prometheus-stack's Prometheus selects these kinds by its
 * release label only, so one without it is silently never scraped or evaluated. The delivery
 * layer adds it to every system's objects as they are rendered, from the one infrastructure prop
 * (`monitoringRelease`) that also names the release, so the two cannot disagree.
 */
export function withMonitoringLabels(o: RenderedObject, labels: Readonly<Record<string, string>>): RenderedObject {
  if (!isSelectedMonitoringObject(o) || Object.entries(labels).every(([k, v]) => o.metadata?.labels?.[k] === v)) return o;
  return { ...o, metadata: { ...o.metadata, labels: { ...o.metadata?.labels, ...labels } } };
}
