/**
 * What serves the HPAs' per-pod custom metrics: prometheus-adapter rules derived from the
 * services' `podsMetrics` (pure; rendered into the prometheus-adapter HelmRelease of the
 * infrastructure, see infrastructure-charts.ts).
 *
 * Why prometheus-adapter and not KEDA: the plans write HorizontalPodAutoscalers with `Pods`
 * metrics (llm-data-vault §7.3: `vault_requests_per_second`, average 2000), and the adapter serves
 * exactly that metric, by that name, in the custom metrics API — the HPA stays the plan's (its
 * behaviour, its name in the runbooks, kube-state-metrics' HPA series the alerts read). KEDA would
 * replace it with a ScaledObject that generates its own HPA (`keda-hpa-<name>`) on External
 * metrics named by KEDA, and add an operator and its CRDs for a single Prometheus query.
 */

/** A per-pod custom metric one service's HPA scales on. */
export interface PodsMetricUse {
  /** Where it is declared (the service's construct path), for error messages. */
  readonly path: string;
  readonly namespace: string;
  /** The metric's name in the custom metrics API. */
  readonly name: string;
  /** The counter it is the per-second rate of. */
  readonly fromCounter: string;
}

/** One prometheus-adapter discovery rule (`rules.custom[]` of the chart's values). */
export interface PrometheusAdapterRule {
  readonly seriesQuery: string;
  readonly resources: { readonly overrides: Record<string, { readonly resource: string }> };
  readonly name: { readonly matches: string; readonly as: string };
  readonly metricsQuery: string;
}

/** The window the served rate is taken over: at least four scrapes at the stacks' 30 s interval. */
export const ADAPTER_RATE_WINDOW = '2m';

/**
 * One rule per metric name, restricted to the namespaces whose services scale on it; the same
 * name derived from two different counters is an error (the custom metrics API has one value per
 * pod and name).
 */
export function prometheusAdapterRules(uses: readonly PodsMetricUse[]): { rules: PrometheusAdapterRule[]; errors: string[] } {
  const byName = new Map<string, PodsMetricUse[]>();
  for (const use of uses) byName.set(use.name, [...(byName.get(use.name) ?? []), use]);
  const errors: string[] = [];
  const rules: PrometheusAdapterRule[] = [];
  for (const [name, list] of [...byName.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const counters = [...new Set(list.map((u) => u.fromCounter))];
    if (counters.length > 1) {
      errors.push(
        `custom metric '${name}' is derived from different counters (${list.map((u) => `${u.path}: ${u.fromCounter}`).join(', ')}), ` +
          'but the custom metrics API serves one value per pod and name — give the metrics different names',
      );
      continue;
    }
    const namespaces = [...new Set(list.map((u) => u.namespace))].sort();
    const namespace = namespaces.length === 1 ? `namespace="${namespaces[0]}"` : `namespace=~"${namespaces.join('|')}"`;
    rules.push({
      seriesQuery: `${counters[0]}{${namespace},pod!=""}`,
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: `^${counters[0]}$`, as: name },
      metricsQuery: `sum(rate(<<.Series>>{<<.LabelMatchers>>}[${ADAPTER_RATE_WINDOW}])) by (<<.GroupBy>>)`,
    });
  }
  return { rules, errors };
}
