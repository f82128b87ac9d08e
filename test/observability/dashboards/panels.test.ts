import { Construct } from 'constructs';
import {
  checkQuantiles, DashboardSpec, dashboardQueries, dashboardSyntaxErrors, metricNames, PanelSpec, postgresRow, PostgresPanelsInput, quantileExpr, quantileLegend,
  redisRow, RedisPanelsInput, renderDashboard, serviceRow, ServicePanelsInput, sloRow, SloPanelsInput, stableJson,
} from '../../../lib/observability/dashboards/panels';
import { parseSelector, promqlSyntaxError, Selector } from '../../../lib/observability/promql';
import { Violations } from '../../../lib/core/validation';

const selector = (text: string) => parseSelector(text) as Selector;
const shape = (panels: readonly PanelSpec[]) => panels.map((p) => [p.kind, p.title, p.unit, p.queries.map((q) => [q.legend, q.expr])]);

describe('metricNames', () => {
  test.each<[string, string, string[]]>([
    ['a bare metric', 'up', ['up']],
    ['inside functions and aggregations, not the function or label names', 'sum by (pod) (rate(http_requests_total{job="api",code=~"5.."}[5m]))', ['http_requests_total']],
    ['both sides of a binary operation, sorted, once each', 'b_total / on (pod) group_left a_total + b_total', ['a_total', 'b_total']],
    ['recording-rule names with colons', 'sum_over_time(slo:sli_errors:rate5m{slo="a"}[30d]) / slo:sli_requests:rate5m', ['slo:sli_errors:rate5m', 'slo:sli_requests:rate5m']],
    ['an exact __name__ matcher', '{__name__="kube_pod_info",namespace="x"}', ['kube_pod_info']],
    ['a regex __name__ matcher names no single metric', '{__name__=~"kube_.*"}', []],
    ['a quoted (UTF-8) name', '{"my.metric", job="a"}', ['my.metric']],
    ['a histogram quantile', 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="a"}[5m])))', ['h_seconds_bucket']],
    ['a subquery and offset', 'max_over_time(rate(x_total[5m])[1h:1m] offset 1d)', ['x_total']],
    ['string arguments are not metrics', 'label_replace(up, "dst", "$1", "src", "(.*)")', ['up']],
    ['no metric', 'vector(1) + time()', []],
  ])('%s', (_, expr, expected) => {
    expect(metricNames(expr)).toEqual(expected);
  });

  test('throws for an expression that does not parse', () => {
    expect(() => metricNames('sum(rate(x[5m])')).toThrow(`expression 'sum(rate(x[5m])' ${promqlSyntaxError('sum(rate(x[5m])')}`);
  });
});

describe('stableJson', () => {
  test.each<[string, unknown, string]>([
    ['keys sorted at every level, arrays kept in order', { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}'],
    ['undefined and functions dropped, as JSON.stringify does', { b: undefined, a: () => 1, c: 'x' }, '{"c":"x"}'],
    ['scalars', 'text', '"text"'],
  ])('%s', (_, value, compact) => {
    expect(JSON.stringify(JSON.parse(stableJson(value)))).toBe(compact);
    expect(stableJson(value)).toBe(JSON.stringify(JSON.parse(compact), null, 2));
  });

  test('the same object built in another key order gives the same bytes', () => {
    expect(stableJson({ x: 1, y: { a: 1, b: 2 } })).toBe(stableJson({ y: { b: 2, a: 1 }, x: 1 }));
  });
});

describe('quantiles', () => {
  test.each<[number, string, string]>([
    [0.5, 'p50', 'histogram_quantile(0.5, sum by (le) (rate(h_seconds_bucket{job="a"}[5m])))'],
    [0.99, 'p99', 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="a"}[5m])))'],
    [0.999, 'p99.9', 'histogram_quantile(0.999, sum by (le) (rate(h_seconds_bucket{job="a"}[5m])))'],
  ])('%s', (q, legend, expr) => {
    expect(quantileLegend(q)).toBe(legend);
    expect(quantileExpr('h_seconds', selector('{job="a"}'), q, '5m')).toBe(expr);
  });

  test.each<[string, number[], string[]]>([
    ['valid', [0.5, 0.99], []],
    ['empty', [], ["x: 'q' ([]) is empty — list the quantiles to plot, e.g. [0.5, 0.95, 0.99]"]],
    ['out of range', [0, 1.5], [
      "x: 'q' (0) is not strictly between 0 and 1 — use e.g. 0.99 for p99",
      "x: 'q' (1.5) is not strictly between 0 and 1 — use e.g. 0.99 for p99",
    ]],
    ['repeated', [0.9, 0.9], ["x: 'q' ([0.9,0.9]) lists a quantile twice — list each quantile once"]],
  ])('checkQuantiles: %s', (_, quantiles, messages) => {
    const v = new Violations(new Construct(undefined as unknown as Construct, 'x'));
    checkQuantiles(v, 'q', quantiles);
    if (messages.length === 0) {
      expect(() => v.throwIfAny()).not.toThrow();
    } else {
      expect(() => v.throwIfAny()).toThrow([`x: ${messages.length} invalid setting${messages.length === 1 ? '' : 's'}`, ...messages.map((m) => `  - ${m}`)].join('\n'));
    }
  });
});

const SEL = '{namespace="shop",service="shop-api",slo="availability"}';
const E = `slo:sli_errors:rate5m${SEL}`;
const R = `slo:sli_requests:rate5m${SEL}`;
const ratio = (w: string) => `sum_over_time(${E}[${w}])\n/\nsum_over_time(${R}[${w}])`;
const SLO: SloPanelsInput = {
  service: 'shop-api', slo: 'availability', objective: 99.9, windowMinutes: 30 * 1440, errorBudget: 0.001, recordSelector: SEL,
  sli: 'requests(e / t)', quantiles: [0.5, 0.99],
};

describe('sloRow', () => {
  test('a request SLO over 30 days: window availability and budget from the 5m rates, burn per recorded window, traffic', () => {
    const row = sloRow(SLO);
    expect(row.title).toBe('shop-api / availability: 99.9% over 30d');
    expect(shape(row.panels)).toEqual([
      ['stat', 'Availability (30d)', 'percentunit', [['availability', `1 - (\n${ratio('30d')}\n)`]]],
      ['gauge', 'Error budget remaining (30d)', 'percentunit', [['budget remaining', `1 - (\n${ratio('30d')}\n) / 0.001`]]],
      ['timeseries', 'Availability vs objective', 'percentunit', [['30d', `1 - (\n${ratio('30d')}\n)`], ['1h', `1 - slo:sli_error:ratio_rate1h${SEL}`]]],
      ['timeseries', 'Burn rate', 'short', ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => [w, `slo:sli_error:ratio_rate${w}${SEL} / 0.001`])],
      ['timeseries', 'Traffic', 'reqps', [['requests', R], ['errors', E]]],
    ]);
    expect(row.panels[0].thresholds).toEqual([{ value: null, color: 'red' }, { value: 0.999, color: 'green' }]);
    expect(row.panels[2]).toMatchObject({ thresholds: [{ value: null, color: 'red' }, { value: 0.999, color: 'green' }], minInterval: '1h' });
    expect(row.panels[3].thresholds).toEqual([{ value: null, color: 'green' }, { value: 1, color: 'red' }]);
  });

  test('a latency SLO over 28 days adds the quantiles of its histogram with the threshold line', () => {
    const row = sloRow({ ...SLO, objective: 99, errorBudget: 0.01, windowMinutes: 28 * 1440, latency: { histogram: 'h_seconds', selector: selector('{job="shop-api"}'), thresholdSeconds: 0.25 } });
    expect(row.title).toBe('shop-api / availability: 99% over 28d');
    expect(row.panels.map((p) => p.title)).toEqual(['Availability (28d)', 'Error budget remaining (28d)', 'Availability vs objective', 'Burn rate', 'Traffic', 'Latency quantiles']);
    expect(row.panels[1].queries[0].expr).toBe(`1 - (\n${ratio('28d')}\n) / 0.01`);
    expect(shape([row.panels[5]])).toEqual([['timeseries', 'Latency quantiles', 's', [
      ['p50', 'histogram_quantile(0.5, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))'],
      ['p99', 'histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket{job="shop-api"}[5m])))'],
    ]]]);
    expect(row.panels[5].thresholds).toEqual([{ value: null, color: 'green' }, { value: 0.25, color: 'red' }]);
  });

  test('every query parses', () => {
    const row = sloRow({ ...SLO, latency: { histogram: 'h', selector: selector('{}'), thresholdSeconds: 1 } });
    for (const q of row.panels.flatMap((p) => p.queries)) expect(promqlSyntaxError(q.expr)).toBeUndefined();
  });
});

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

const PG: PostgresPanelsInput = { name: 'shop-postgres', namespace: 'shop', database: 'shop', instances: 1, pods: 'shop-postgres-[0-9]+', claims: 'shop-postgres-[0-9]+(-wal)?' };
const PG_PODS = 'namespace="shop",pod=~"shop-postgres-[0-9]+"';
const PG_DB = `${PG_PODS},datname="shop"`;
const PG_VOLUMES = 'namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"';
const POOL = 'namespace="shop",pod=~"shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+",database="shop"';

describe('postgresRow', () => {
  test('a single instance without backups or pooler: no standby, backup or pool panels', () => {
    const row = postgresRow(PG);
    expect(row.title).toBe('shop-postgres (PostgreSQL)');
    expect(shape(row.panels)).toEqual([
      ['stat', 'Instances up', 'short', [['up', `sum(cnpg_collector_up{${PG_PODS}})`]]],
      ['gauge', 'Connections used', 'percentunit', [['{{pod}}',
        `sum by (pod) (cnpg_backends_total{${PG_PODS}})\n/\nmax by (pod) (cnpg_pg_settings_setting{${PG_PODS},name="max_connections"})`]]],
      ['timeseries', 'Connections', 'short', [
        ['{{pod}}', `sum by (pod) (cnpg_backends_total{${PG_PODS}})`],
        ['max_connections', `max(cnpg_pg_settings_setting{${PG_PODS},name="max_connections"})`],
      ]],
      ['timeseries', 'Transactions', 'ops', [
        ['commits {{pod}}', `sum by (pod) (rate(cnpg_pg_stat_database_xact_commit{${PG_DB}}[5m]))`],
        ['rollbacks {{pod}}', `sum by (pod) (rate(cnpg_pg_stat_database_xact_rollback{${PG_DB}}[5m]))`],
      ]],
      ['timeseries', 'Cache hit ratio', 'percentunit', [['{{pod}}', `sum by (pod) (rate(cnpg_pg_stat_database_blks_hit{${PG_DB}}[5m]))\n/\n(\n`
        + `  sum by (pod) (rate(cnpg_pg_stat_database_blks_hit{${PG_DB}}[5m]))\n  +\n  sum by (pod) (rate(cnpg_pg_stat_database_blks_read{${PG_DB}}[5m]))\n)`]]],
      ['timeseries', 'Deadlocks and temp files (5m)', 'short', [
        ['deadlocks {{pod}}', `sum by (pod) (increase(cnpg_pg_stat_database_deadlocks{${PG_DB}}[5m]))`],
        ['temp files {{pod}}', `sum by (pod) (increase(cnpg_pg_stat_database_temp_files{${PG_DB}}[5m]))`],
      ]],
      ['timeseries', 'Volume usage', 'percentunit', [['{{persistentvolumeclaim}}',
        `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${PG_VOLUMES}})\n/\nmax by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${PG_VOLUMES}})`]]],
    ]);
    expect(row.panels.map((p) => p.width)).toEqual([12, 12, 12, 12, 12, 12, 12]);
    expect(row.panels[0].thresholds).toEqual([{ value: null, color: 'red' }, { value: 1, color: 'green' }]);
    expect(row.panels[1].thresholds).toEqual([{ value: null, color: 'green' }, { value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }]);
    expect(row.panels[4].thresholds).toEqual([{ value: null, color: 'red' }, { value: 0.9, color: 'orange' }, { value: 0.99, color: 'green' }]);
    expect(row.panels[6].thresholds).toEqual([{ value: null, color: 'green' }, { value: 0.7, color: 'orange' }, { value: 0.9, color: 'red' }]);
  });

  test('three instances with backups and a pooler: standbys, backup age, the pool and each standby\'s lag', () => {
    const row = postgresRow({
      ...PG, instances: 3,
      backup: { lastAvailable: 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', staleAfterSeconds: 172800, schedule: '0 2 * * *' },
      pooler: { pods: 'shop-postgres-pooler-rw-[a-z0-9]+-[a-z0-9]+', serverConnections: 40 },
    });
    expect(row.panels.map((p) => [p.title, p.width])).toEqual([
      ['Instances up', 6], ['Streaming standbys', 6], ['Connections used', 6], ['Last base backup', 6],
      ['Connections', 12], ['Connection pool (PgBouncer)', 12], ['Transactions', 12], ['Cache hit ratio', 12], ['Replication lag', 12],
      ['Deadlocks and temp files (5m)', 12], ['Volume usage', 12],
    ]);
    const byTitle = (title: string) => row.panels.find((p) => p.title === title)!;
    expect(shape([byTitle('Streaming standbys'), byTitle('Last base backup'), byTitle('Connection pool (PgBouncer)'), byTitle('Replication lag')])).toEqual([
      ['stat', 'Streaming standbys', 'short', [['streaming', `max(cnpg_pg_replication_streaming_replicas{${PG_PODS}})`]]],
      ['stat', 'Last base backup', 's', [['age', `time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${PG_PODS}})`]]],
      ['timeseries', 'Connection pool (PgBouncer)', 'short', [
        ['clients active', `sum(cnpg_pgbouncer_pools_cl_active{${POOL}})`],
        ['clients waiting', `sum(cnpg_pgbouncer_pools_cl_waiting{${POOL}})`],
        ['server active', `sum(cnpg_pgbouncer_pools_sv_active{${POOL}})`],
        ['server idle', `sum(cnpg_pgbouncer_pools_sv_idle{${POOL}})`],
      ]],
      ['timeseries', 'Replication lag', 's', [['{{pod}}',
        `max by (pod) (cnpg_pg_replication_lag{${PG_PODS}})\nand on (pod)\nmax by (pod) (cnpg_pg_replication_in_recovery{${PG_PODS}}) == 1`]]],
    ]);
    expect(byTitle('Streaming standbys').thresholds).toEqual([{ value: null, color: 'red' }, { value: 1, color: 'orange' }, { value: 2, color: 'green' }]);
    expect(byTitle('Last base backup').thresholds).toEqual([{ value: null, color: 'green' }, { value: 172800, color: 'red' }]);
    expect(byTitle('Last base backup').description).toContain('red from 2d, twice the longest gap of the schedule \'0 2 * * *\'');
    expect(byTitle('Connection pool (PgBouncer)').thresholds).toEqual([{ value: null, color: 'green' }, { value: 40, color: 'red' }]);
  });

  test('two instances: one standby is the whole HA, no orange step', () => {
    const row = postgresRow({ ...PG, instances: 2 });
    expect(row.panels.map((p) => [p.title, p.width]).slice(0, 3)).toEqual([['Instances up', 8], ['Streaming standbys', 8], ['Connections used', 8]]);
    expect(row.panels[1].thresholds).toEqual([{ value: null, color: 'red' }, { value: 1, color: 'green' }]);
  });

  test('every query parses', () => {
    const row = postgresRow({ ...PG, instances: 3, backup: { lastAvailable: 'x_timestamp', staleAfterSeconds: 60, schedule: '* * * * *' }, pooler: { pods: 'p', serverConnections: 1 } });
    for (const q of row.panels.flatMap((p) => p.queries)) expect(promqlSyntaxError(q.expr)).toBeUndefined();
  });
});

const REDIS: RedisPanelsInput = { name: 'shop-redis', namespace: 'shop', replicas: 1, pods: 'shop-redis-[0-9]+', sentinel: false };
const R_PODS = 'namespace="shop",pod=~"shop-redis-[0-9]+"';

describe('redisRow', () => {
  test('a single instance: up, hit ratio, memory against maxmemory, clients, evictions', () => {
    const row = redisRow(REDIS);
    expect(row.title).toBe('shop-redis (Redis)');
    expect(shape(row.panels)).toEqual([
      ['stat', 'Instances up', 'short', [['up', `sum(redis_up{${R_PODS}})`]]],
      ['timeseries', 'Hit ratio', 'percentunit', [['hit ratio', `sum(rate(redis_keyspace_hits_total{${R_PODS}}[5m]))\n/\n(\n`
        + `  sum(rate(redis_keyspace_hits_total{${R_PODS}}[5m]))\n  +\n  sum(rate(redis_keyspace_misses_total{${R_PODS}}[5m]))\n)`]]],
      ['timeseries', 'Memory', 'bytes', [
        ['{{pod}}', `sum by (pod) (redis_memory_used_bytes{${R_PODS}})`],
        ['maxmemory', `max(redis_memory_max_bytes{${R_PODS}})`],
      ]],
      ['timeseries', 'Connected clients', 'short', [['{{pod}}', `sum by (pod) (redis_connected_clients{${R_PODS}})`]]],
      ['timeseries', 'Evictions', 'short', [['{{pod}}', `sum by (pod) (rate(redis_evicted_keys_total{${R_PODS}}[5m]))`]]],
    ]);
    expect(row.panels.map((p) => p.width)).toEqual([24, 12, 12, 12, 12]);
    expect(row.panels[0].thresholds).toEqual([{ value: null, color: 'red' }, { value: 1, color: 'green' }]);
  });

  test('Sentinel mode: exactly one master, and the replicas connected to it and their links', () => {
    const row = redisRow({ ...REDIS, replicas: 3, sentinel: true });
    expect(row.panels.map((p) => [p.title, p.width])).toEqual([
      ['Instances up', 12], ['Masters', 12], ['Hit ratio', 12], ['Memory', 12], ['Connected clients', 12], ['Evictions', 12], ['Replication', 24],
    ]);
    const master = `redis_instance_info{${R_PODS},role="master"}`;
    expect(shape([row.panels[1], row.panels[6]])).toEqual([
      ['stat', 'Masters', 'short', [['masters', `count(${master})`]]],
      ['timeseries', 'Replication', 'short', [
        ['replicas connected', `max(redis_connected_slaves{${R_PODS}} and on (pod) ${master})`],
        ['replica links up', `sum(redis_master_link_up{${R_PODS}})`],
      ]],
    ]);
    expect(row.panels[0].thresholds).toEqual([{ value: null, color: 'red' }, { value: 3, color: 'green' }]);
    expect(row.panels[1].thresholds).toEqual([{ value: null, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'red' }]);
    for (const q of row.panels.flatMap((p) => p.queries)) expect(promqlSyntaxError(q.expr)).toBeUndefined();
  });
});

const panel = (title: string, kind: PanelSpec['kind'], ...exprs: string[]): PanelSpec => ({
  kind, title, description: `${title}.`, unit: 'short', width: 12, height: 8, queries: exprs.map((expr, i) => ({ expr, legend: `q${i}` })),
});
const SPEC: DashboardSpec = {
  uid: 'shop-slo-dashboard', title: 'shop: SLOs', description: 'd', tags: ['shop', 'reliakit'], from: 'now-7d',
  rows: [
    { title: 'one', panels: [panel('A', 'stat', 'up'), panel('B', 'timeseries', 'rate(x_total[5m])', 'y')] },
    { title: 'two', panels: [panel('C', 'gauge', 'z')] },
  ],
};

describe('dashboard', () => {
  test('queries in panel order, with their row and panel', () => {
    expect(dashboardQueries(SPEC)).toEqual([
      { row: 'one', panel: 'A', expr: 'up' },
      { row: 'one', panel: 'B', expr: 'rate(x_total[5m])' },
      { row: 'one', panel: 'B', expr: 'y' },
      { row: 'two', panel: 'C', expr: 'z' },
    ]);
  });

  test('a syntax error names the dashboard, the panel and the expression', () => {
    expect(dashboardSyntaxErrors(SPEC)).toEqual([]);
    const broken: DashboardSpec = { ...SPEC, rows: [SPEC.rows[0], { title: 'two', panels: [panel('C', 'gauge', 'sum(rate(x[5m])', 'ok')] }] };
    expect(dashboardSyntaxErrors(broken)).toEqual([
      `dashboard 'shop-slo-dashboard', panel 'two › C': expression 'sum(rate(x[5m])' ${promqlSyntaxError('sum(rate(x[5m])')}`,
    ]);
  });

  test('rendered with the SDK: rows then their panels at the top level, unique ids, a prometheus datasource variable on every query', () => {
    const d = renderDashboard(SPEC);
    expect(d).toMatchObject({ id: null, uid: 'shop-slo-dashboard', title: 'shop: SLOs', editable: false, tags: ['shop', 'reliakit'], time: { from: 'now-7d', to: 'now' } });
    expect(d.templating.list).toEqual([expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' })]);
    expect(d.links).toEqual([expect.objectContaining({ type: 'dashboards', tags: ['shop'], asDropdown: true, includeVars: true, keepTime: true })]);
    const panels = (d.panels ?? []) as Array<Record<string, any>>;
    expect(panels.map((p) => [p.id, p.type, p.title, p.gridPos])).toEqual([
      [1, 'row', 'one', { x: 0, y: 0, w: 24, h: 1 }],
      [2, 'stat', 'A', { x: 0, y: 1, w: 12, h: 8 }],
      [3, 'timeseries', 'B', { x: 12, y: 1, w: 12, h: 8 }],
      [4, 'row', 'two', { x: 0, y: 9, w: 24, h: 1 }],
      [5, 'gauge', 'C', { x: 0, y: 10, w: 12, h: 8 }],
    ]);
    expect(panels[0].panels).toEqual([]);
    const targets = panels.flatMap((p) => p.targets ?? []);
    expect(targets.map((t) => [t.refId, t.expr, t.instant, t.range])).toEqual([
      ['A', 'up', true, false], ['A', 'rate(x_total[5m])', false, true], ['B', 'y', false, true], ['A', 'z', true, false],
    ]);
    for (const p of panels.filter((x) => x.type !== 'row')) expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    for (const t of targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });
});
