/**
 * Production review II, finding 5 (alert coverage), over every system and environment:
 * - every Deployment and StatefulSet has an alert that fires when it is down — one that reads its
 *   kube-state-metrics availability (`kube_deployment_status_replicas_available`,
 *   `kube_statefulset_status_replicas_ready`) or the `up` / `<exporter>_up` series of its pods'
 *   scrape target, and fires when that series is gone too (`absent`);
 * - every Redis StatefulSet has the Redis pack (up, memory against maxmemory, evictions; with
 *   Sentinel the master, the replicas' master link and the sentinel quorum), every CNPG Pooler the
 *   PgBouncer pack (up, pool saturation, waiting clients), each alert reading that object's pods;
 * - no latency quantile alert of a service the gateway sends WebSocket upgrades (`/ws`) to counts
 *   them: a held-open connection's duration is no latency.
 */
import { Selector, selects, vectorSelectors } from '../../lib/observability/promql';
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

const bySystem = objectsBySystem(buildApp().render());
const cases = [...bySystem.entries()];

interface Alert {
  readonly name: string;
  readonly expr: string;
  readonly namespace: string;
  readonly selectors: Selector[];
}

function alertsOf(objects: Manifest[]): Alert[] {
  return objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) =>
      r.spec.groups.flatMap((g: Manifest) =>
        g.rules
          .filter((x: Manifest) => x.alert)
          .map((x: Manifest) => ({
            name: x.alert,
            expr: String(x.expr),
            namespace: r.metadata.namespace,
            selectors: vectorSelectors(String(x.expr)),
          })),
      ),
    );
}

const selectsAll = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** A pod name of the workload, as its controller names them. */
const samplePod = (w: Manifest) => (w.kind === 'StatefulSet' ? `${w.metadata.name}-0` : `${w.metadata.name}-7d4b9c8f5-x2x9q`);

/** The series that say whether a workload is up: its kube-state-metrics availability and its scrape targets' `up` / `*_up`. */
function upSeries(w: Manifest, objects: Manifest[]): Array<{ metric: RegExp; labels: Record<string, string> }> {
  const namespace = w.metadata.namespace;
  const pod = samplePod(w);
  const services = objects.filter(
    (o) =>
      o.kind === 'Service' &&
      o.metadata.namespace === namespace &&
      o.spec.selector &&
      selectsAll(o.spec.selector, w.spec.template.metadata.labels),
  );
  return [
    w.kind === 'Deployment'
      ? { metric: /^kube_deployment_status_replicas_available$/, labels: { namespace, deployment: w.metadata.name } }
      : { metric: /^kube_statefulset_status_replicas_ready$/, labels: { namespace, statefulset: w.metadata.name } },
    ...services.map((s) => ({ metric: /^(.+_)?up$/, labels: { namespace, pod, job: s.metadata.name, service: s.metadata.name } })),
  ];
}

function downAlertProblems(objects: Manifest[]): string[] {
  const alerts = alertsOf(objects).filter((a) => a.expr.includes('absent('));
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .filter((w) => {
      const series = upSeries(w, objects);
      return !alerts.some((a) =>
        a.selectors.some(
          (s) =>
            s.metric !== undefined && series.some((x) => x.metric.test(s.metric as string) && selects(s, s.metric as string, x.labels)),
        ),
      );
    })
    .map((w) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}: no alert fires when it is down (or gone)`);
}

/** The alerts reading a metric of `pod` in `namespace` (whatever their other matchers: the pool's database, the container). */
function alertsOnPod(alerts: Alert[], namespace: string, pod: string, metric: RegExp): Set<string> {
  const onPod = (s: Selector): Selector => ({ ...s, matchers: s.matchers.filter((m) => m.name === 'namespace' || m.name === 'pod') });
  return new Set(
    alerts
      .filter((a) =>
        a.selectors.some((s) => s.metric !== undefined && metric.test(s.metric) && selects(onPod(s), s.metric, { namespace, pod })),
      )
      .map((a) => a.name),
  );
}

function packProblems(objects: Manifest[]): string[] {
  const alerts = alertsOf(objects);
  const problems: string[] = [];
  for (const sts of objects.filter(
    (o) => o.kind === 'StatefulSet' && o.spec.template.spec.containers.some((c: Manifest) => c.name === 'redis'),
  )) {
    const sentinel = sts.spec.template.spec.containers.some((c: Manifest) => c.name === 'sentinel');
    const expected = [
      'RedisDown',
      'RedisMemoryNearMax',
      'RedisEvictingKeys',
      ...(sentinel ? ['RedisNoMaster', 'RedisMasterLinkDown', 'RedisSentinelQuorumLost'] : []),
    ];
    const found = alertsOnPod(alerts, sts.metadata.namespace, `${sts.metadata.name}-0`, /^(redis_|kube_pod_container_status_ready$)/);
    for (const name of expected.filter((n) => !found.has(n)))
      problems.push(`Redis ${sts.metadata.namespace}/${sts.metadata.name}: no ${name} alert reads its pods`);
  }
  for (const pooler of objects.filter((o) => o.kind === 'Pooler')) {
    const found = alertsOnPod(alerts, pooler.metadata.namespace, `${pooler.metadata.name}-6c9f8d7b5-k2x8p`, /^cnpg_pgbouncer_/);
    for (const name of ['PgBouncerDown', 'PgBouncerPoolSaturated', 'PgBouncerClientsWaiting'].filter((n) => !found.has(n)))
      problems.push(`Pooler ${pooler.metadata.namespace}/${pooler.metadata.name}: no ${name} alert reads its pods`);
  }
  return problems;
}

/** Services the gateway routes WebSocket upgrades (`/ws`) to. */
function webSocketServices(objects: Manifest[]): Array<{ namespace: string; name: string }> {
  return objects
    .filter((o) => o.kind === 'IngressRoute')
    .flatMap((r) =>
      r.spec.routes
        .filter((route: Manifest) => /PathPrefix\(`\/ws`\)/.test(route.match))
        .flatMap((route: Manifest) =>
          route.services.map((s: Manifest) => ({ namespace: s.namespace ?? r.metadata.namespace, name: s.name })),
        ),
    );
}

function webSocketLatencyProblems(objects: Manifest[]): string[] {
  const latency = alertsOf(objects).filter((a) => a.expr.includes('histogram_quantile('));
  return webSocketServices(objects).flatMap(({ namespace, name }) =>
    latency
      .filter((a) =>
        a.selectors.some(
          (s) =>
            s.metric?.endsWith('_bucket') &&
            selects(s, s.metric, { namespace, job: name, service: name, le: '0.5', route: '/api/v1/realtime/x' }),
        ),
      )
      .filter((a) =>
        a.selectors.some(
          (s) => s.metric?.endsWith('_bucket') && selects(s, s.metric, { namespace, job: name, service: name, le: '0.5', route: '/ws' }),
        ),
      )
      .map((a) => `${a.name} (${namespace}/${name}): counts WebSocket upgrades (route="/ws") as requests`),
  );
}

test('the trees hold Deployments, Redis StatefulSets, Poolers and a WebSocket route to check', () => {
  const all = [...bySystem.values()].flat();
  expect(all.filter((o) => o.kind === 'Deployment').length).toBeGreaterThanOrEqual(20);
  expect(all.filter((o) => o.kind === 'StatefulSet').length).toBeGreaterThanOrEqual(8);
  expect(all.filter((o) => o.kind === 'Pooler').length).toBeGreaterThanOrEqual(8);
  expect(webSocketServices(all).length).toBeGreaterThanOrEqual(2);
});

test.each(cases)('%s: every Deployment and StatefulSet has an alert that fires when it is down', (_key, objects) => {
  expect(downAlertProblems(objects)).toEqual([]);
});

test.each(cases)('%s: every Redis has the Redis pack, every Pooler the PgBouncer pack', (_key, objects) => {
  expect(packProblems(objects)).toEqual([]);
});

test.each(cases)('%s: no latency alert counts WebSocket upgrades', (_key, objects) => {
  expect(webSocketLatencyProblems(objects)).toEqual([]);
});
