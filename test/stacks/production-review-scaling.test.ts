/**
 * Production review II, finding 4: llm-data-vault's HPA scaled on the Pods metric
 * `vault_requests_per_second`, which nothing in the tree served, so the HPA could never read it.
 * Over each environment's whole tree:
 * - every custom metric an HPA scales on (Pods, Object: the custom metrics API; External: the
 *   external metrics API) has a server in the tree: a prometheus-adapter HelmRelease whose rules
 *   produce that name for the HPA's namespace (a Pods/Object rule from a scraped series);
 * - every HPA has alerts, from kube-state-metrics, that fire when it stops scaling: ScalingActive
 *   false, AbleToScale false, and a metric of its spec without a current value.
 */
import { selects, vectorSelectors } from '../../lib/observability/promql';
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { environmentTrees } from '../support/tree';

const trees = [...environmentTrees(buildApp().render()).entries()].map(([env, entries]) => [env, entries.map((e) => e.object)] as const);

/** The adapter rules of the tree's prometheus-adapter releases, by kind of API. */
function adapterRules(objects: Manifest[]): { custom: Manifest[]; external: Manifest[] } {
  const releases = objects.filter((o) => o.kind === 'HelmRelease' && o.spec.chart?.spec?.chart === 'prometheus-adapter');
  return {
    custom: releases.flatMap((r) => r.spec.values?.rules?.custom ?? []),
    external: releases.flatMap((r) => r.spec.values?.rules?.external ?? []),
  };
}

/** Whether a rule serves metric `name` for pods in `namespace`: its seriesQuery admits the namespace, its name template yields `name`. */
function serves(rule: Manifest, name: string, namespace: string): boolean {
  const [series] = vectorSelectors(String(rule.seriesQuery));
  if (!series?.metric) return false;
  const produced = rule.name?.as ? String(series.metric).replace(new RegExp(rule.name.matches ?? '^(.*)$'), rule.name.as) : series.metric;
  return produced === name && selects(series, series.metric, { namespace, pod: 'p' });
}

function unservedMetrics(objects: Manifest[]): string[] {
  const rules = adapterRules(objects);
  return objects
    .filter((o) => o.kind === 'HorizontalPodAutoscaler')
    .flatMap((hpa) =>
      (hpa.spec.metrics as Manifest[])
        .filter((m) => ['Pods', 'Object', 'External'].includes(m.type))
        .map((m) => ({ type: m.type as string, name: String((m.pods ?? m.object ?? m.external).metric.name) }))
        .filter(
          ({ type, name }) => !(type === 'External' ? rules.external : rules.custom).some((r) => serves(r, name, hpa.metadata.namespace)),
        )
        .map(({ type, name }) => `HPA ${hpa.metadata.namespace}/${hpa.metadata.name}: nothing serves its ${type} metric ${name}`),
    );
}

function missingHpaAlerts(objects: Manifest[]): string[] {
  const alerts = objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules.filter((x: Manifest) => x.alert)))
    .map((a: Manifest) => ({ name: a.alert as string, selectors: vectorSelectors(String(a.expr)) }));
  const watching = (metric: string, labels: Record<string, string>) =>
    alerts.some((a) => a.selectors.some((s) => s.metric === metric && selects(s, metric, labels)));
  return objects
    .filter((o) => o.kind === 'HorizontalPodAutoscaler')
    .flatMap((hpa) => {
      const at = { namespace: hpa.metadata.namespace, horizontalpodautoscaler: hpa.metadata.name };
      const condition = (c: string) => ({ ...at, condition: c, status: 'false' });
      return [
        ['ScalingActive=false', watching('kube_horizontalpodautoscaler_status_condition', condition('ScalingActive'))],
        ['AbleToScale=false', watching('kube_horizontalpodautoscaler_status_condition', condition('AbleToScale'))],
        [
          'a metric without a current value',
          watching('kube_horizontalpodautoscaler_spec_target_metric', { ...at, metric_name: 'm' }) &&
            watching('kube_horizontalpodautoscaler_status_target_metric', { ...at, metric_name: 'm' }),
        ],
      ]
        .filter(([, ok]) => !ok)
        .map(([what]) => `HPA ${hpa.metadata.namespace}/${hpa.metadata.name}: no alert on ${what}`);
    });
}

test('the trees hold HPAs, some on a Pods metric', () => {
  const all = trees.flatMap(([, objects]) => objects);
  expect(all.filter((o) => o.kind === 'HorizontalPodAutoscaler').length).toBeGreaterThanOrEqual(16);
  expect(
    all.filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.metrics.some((m: Manifest) => m.type === 'Pods')).length,
  ).toBeGreaterThanOrEqual(2);
});

describe.each(trees)('%s tree', (_env, objects) => {
  test('every custom or external metric an HPA scales on is served in the tree', () => {
    expect(unservedMetrics(objects)).toEqual([]);
  });

  test('every HPA has alerts on ScalingActive, AbleToScale and a metric without a value', () => {
    expect(missingHpaAlerts(objects)).toEqual([]);
  });
});
