import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AlertingRuleset,
  HAPostgres,
  PgBouncerAlertPack,
  PoolMode,
  Probe,
  RedisAlertPack,
  RedisCache,
  ReliableService,
  Severity,
} from '../../../lib';
import { find, synth, testChart } from '../../support/synth';
import { Expected, promtoolTestRules } from '../../support/promtool-rules';
import { hasTool } from '../../support/tools';

const RUNBOOK = 'https://runbooks.example.com/shop';
const RESOURCES = { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } };

/** A shop with a Sentinel Redis (3 pods, quorum 2), a database with a 20-connection pooler and an autoscaled API on a Pods metric. */
function fixture(options: { sentinel?: boolean; pooler?: boolean } = {}) {
  const chart = testChart(undefined, 'shop');
  const redis = new RedisCache(chart, 'cache', {
    image: 'redis:7.4.2',
    resources: RESOURCES,
    ...(options.sentinel === false
      ? { singleInstance: true }
      : { sentinel: { replicas: 3 }, persistence: { size: Size.gibibytes(1), appendOnly: true } }),
  });
  const db = new HAPostgres(chart, 'db', {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.10',
    instances: 2,
    storage: { size: Size.gibibytes(10) },
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
    database: 'app',
    owner: 'app',
    pooler:
      options.pooler === false
        ? undefined
        : { instances: 2, poolMode: PoolMode.TRANSACTION, defaultPoolSize: 20, maxClientConnections: 200 },
  });
  const api = new ReliableService(chart, 'api', {
    image: 'registry.example.com/api:1.0.0',
    ports: { http: 8080 },
    resources: RESOURCES,
    probes: { readiness: Probe.http('/readyz') },
    autoscaling: {
      minReplicas: 2,
      maxReplicas: 6,
      cpuUtilizationPercent: 70,
      podsMetrics: [{ name: 'shop_requests_per_second', averageValue: '100', fromCounter: 'shop_requests_total' }],
    },
    monitoring: {},
  });
  const ruleset = new AlertingRuleset(chart, 'alerts', { team: 'shop' });
  return { chart, redis, db, api, ruleset };
}

const NS = 'namespace="shop"';
const REDIS = `${NS},pod=~"shop-cache-[0-9]+"`;
const POOLER = `${NS},pod=~"shop-db-pooler-rw-[a-z0-9]+-[a-z0-9]+",database="app"`;

describe('RedisAlertPack', () => {
  test('with Sentinel: up, memory, evictions, master, quorum, master link and replicas, each reading the cache', () => {
    const { redis } = fixture();
    const pack = new RedisAlertPack(redis, { runbookUrl: `${RUNBOOK}/redis`, downSeverity: Severity.P1, ticketSeverity: Severity.P3 });
    expect(pack.groupName).toBe('shop-cache-redis');
    const rules = pack.alerts().map((a) => a.toRule('shop'));
    expect(rules.map((r) => [r.alert, r.for, r.labels?.priority])).toEqual([
      ['RedisDown', '2m', 'P1'],
      ['RedisMemoryNearMax', '15m', 'P3'],
      ['RedisEvictingKeys', '15m', 'P3'],
      ['RedisNoMaster', '2m', 'P1'],
      ['RedisSentinelQuorumLost', '2m', 'P1'],
      ['RedisMasterLinkDown', '5m', 'P3'],
      ['RedisReplicasUnavailable', '10m', 'P3'],
    ]);
    const expr = Object.fromEntries(rules.map((r) => [r.alert, r.expr]));
    expect(expr.RedisDown).toBe(`sum by (namespace) (redis_up{${REDIS}}) == 0\nor\nabsent(redis_up{${REDIS}})`);
    expect(expr.RedisMemoryNearMax).toBe(
      `max by (namespace, pod) (redis_memory_used_bytes{${REDIS}})\n/\nmax by (namespace, pod) (redis_memory_max_bytes{${REDIS}} > 0)\n> 0.9`,
    );
    expect(expr.RedisSentinelQuorumLost).toBe(
      `sum by (namespace) (kube_pod_container_status_ready{${REDIS},container="sentinel"}) < 2\nor\nabsent(kube_pod_container_status_ready{${REDIS},container="sentinel"})`,
    );
    expect(expr.RedisReplicasUnavailable).toBe(
      'max by (namespace, statefulset) (kube_statefulset_status_replicas_ready{namespace="shop",statefulset="shop-cache"}) < 3',
    );
    expect(rules[0].labels).toEqual({ team: 'shop', namespace: 'shop', service: 'shop-cache', severity: 'critical', priority: 'P1' });
    expect(rules[0].annotations?.runbook_url).toBe(`${RUNBOOK}/redis#redisdown`);
  });

  test('a single instance: no master, quorum, link or replica alerts; severities default to page and ticket', () => {
    const { redis } = fixture({ sentinel: false });
    const alerts = new RedisAlertPack(redis, { runbookUrl: RUNBOOK }).alerts();
    expect(alerts.map((a) => [a.name, a.severity])).toEqual([
      ['RedisDown', Severity.PAGE],
      ['RedisMemoryNearMax', Severity.TICKET],
      ['RedisEvictingKeys', Severity.TICKET],
    ]);
  });

  test('throws for a memory share that is no percentage', () => {
    const { redis } = fixture();
    expect(() => new RedisAlertPack(redis, { runbookUrl: RUNBOOK, memoryWarningPercent: 100 })).toThrow(
      "prod/shop/cache: 'alerts.memoryWarningPercent' (100) is not a percentage strictly between 0 and 100 — give a share in percent, e.g. 90",
    );
  });
});

describe('PgBouncerAlertPack', () => {
  test("down, pool saturation at 90 % of default_pool_size and clients waiting, on the read-write pooler's pods", () => {
    const { db } = fixture();
    const pack = new PgBouncerAlertPack(db, { runbookUrl: `${RUNBOOK}/pgbouncer` });
    expect(pack.groupName).toBe('shop-db-pgbouncer');
    const rules = pack.alerts().map((a) => a.toRule('shop'));
    const m = `${NS},pod=~"shop-db-pooler-rw-[a-z0-9]+-[a-z0-9]+"`;
    expect(rules.map((r) => [r.alert, r.expr, r.for, r.labels?.severity])).toEqual([
      [
        'PgBouncerDown',
        `sum by (namespace) (1 - cnpg_pgbouncer_last_collection_error{${m}}) == 0\nor\nabsent(cnpg_pgbouncer_last_collection_error{${m}})`,
        '2m',
        'critical',
      ],
      [
        'PgBouncerPoolSaturated',
        `max by (namespace, pod, database, user) (cnpg_pgbouncer_pools_sv_active{${POOLER}}) >= 18`,
        '10m',
        'warning',
      ],
      [
        'PgBouncerClientsWaiting',
        `max by (namespace, pod, database, user) (cnpg_pgbouncer_pools_maxwait{${POOLER}}) >= 1\nand on (namespace, pod, database, user)\ncnpg_pgbouncer_pools_cl_waiting{${POOLER}} > 0`,
        '5m',
        'warning',
      ],
    ]);
    expect(rules[0].labels).toEqual({ team: 'shop', namespace: 'shop', cnpg_cluster: 'shop-db', service: 'shop-db', severity: 'critical' });
  });

  test('throws for a database without a pooler', () => {
    const { db } = fixture({ pooler: false });
    expect(() => new PgBouncerAlertPack(db, { runbookUrl: RUNBOOK })).toThrow(
      'prod/shop/db: has no pooler, so there is no PgBouncer to alert on — set its pooler prop, or remove the PgBouncerAlertPack',
    );
  });

  test('throws for invalid thresholds, listing every one', () => {
    const { db } = fixture();
    expect(() => new PgBouncerAlertPack(db, { runbookUrl: RUNBOOK, poolSaturationPercent: 0, maxWait: Duration.millis(500) })).toThrow(
      [
        'prod/shop/db: 2 invalid settings',
        "  - prod/shop/db: 'alerts.poolSaturationPercent' (0) is not a percentage above 0 and at most 100 — give a share in percent, e.g. 90",
        "  - prod/shop/db: 'alerts.maxWait' ('500ms') is not whole seconds of at least one — use e.g. Duration.seconds(1)",
      ].join('\n'),
    );
  });
});

describe('HPA alerts of the service pack', () => {
  test('an autoscaled service gets the maxed-out, scaling-inactive, unable-to-scale and metric-unavailable alerts', () => {
    const { api, ruleset } = fixture();
    const alerts = ruleset.addServiceAlerts(api, { runbookUrl: RUNBOOK, severities: { hpaScaling: Severity.P3 } });
    const hpa = 'namespace="shop",horizontalpodautoscaler="shop-api"';
    expect(alerts.filter((a) => a.name.startsWith('Hpa')).map((a) => [a.name, a.expr, a.severity])).toEqual([
      [
        'HpaMaxedOut',
        `max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{${hpa}})\n>=\nmax by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{${hpa}})`,
        Severity.TICKET,
      ],
      [
        'HpaScalingInactive',
        `max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_condition{${hpa},condition="ScalingActive",status="false"}) == 1`,
        Severity.P3,
      ],
      [
        'HpaUnableToScale',
        `max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_condition{${hpa},condition="AbleToScale",status="false"}) == 1`,
        Severity.P3,
      ],
      [
        'HpaMetricUnavailable',
        `max by (namespace, horizontalpodautoscaler, metric_name) (kube_horizontalpodautoscaler_spec_target_metric{${hpa}})\n` +
          `unless on (namespace, horizontalpodautoscaler, metric_name)\nkube_horizontalpodautoscaler_status_target_metric{${hpa}}`,
        Severity.P3,
      ],
    ]);
  });

  test('the down alert waits downFor; the latency alert takes further matchers', () => {
    const { api, ruleset } = fixture();
    const alerts = ruleset.addServiceAlerts(api, {
      runbookUrl: RUNBOOK,
      downFor: Duration.minutes(1),
      latency: { histogram: 'http_request_duration_seconds', threshold: Duration.millis(500), matchers: 'route!="/ws"' },
    });
    expect(alerts.find((a) => a.name === 'TargetDown')?.for?.toMinutes()).toBe(1);
    expect(alerts.find((a) => a.name === 'HighLatency')?.expr).toContain(
      'http_request_duration_seconds_bucket{namespace="shop",job="shop-api",route!="/ws"}',
    );
  });
});

/** Cases for `promtool test rules`: each new alert fires, and stays quiet. */
const CASES: Array<{ name: string; series: Record<string, string>; expect: Expected[] }> = [
  {
    name: 'Redis down: quiet while one pod is up, fires 2 minutes after the last one stops answering',
    series: {
      [`redis_up{${NS},pod="shop-cache-0"}`]: '1x5 0x10',
      [`redis_up{${NS},pod="shop-cache-1"}`]: '1x15',
      [`redis_up{${NS},pod="shop-cache-2"}`]: '1x8 0x7',
    },
    expect: [
      ['7m', 'RedisDown', []],
      ['15m', 'RedisDown', []],
    ],
  },
  {
    name: 'Redis down: every pod down, or not scraped at all',
    series: { [`redis_up{${NS},pod="shop-cache-0"}`]: '1x3 0x10', 'up{job="other"}': '1x13' },
    expect: [
      ['4m', 'RedisDown', []],
      ['7m', 'RedisDown', [{ namespace: 'shop' }]],
    ],
  },
  {
    name: 'Redis memory above 90 % of maxmemory for 15 minutes; 80 % quiet',
    series: {
      [`redis_memory_used_bytes{${NS},pod="shop-cache-0"}`]: '80x10 95x20',
      [`redis_memory_max_bytes{${NS},pod="shop-cache-0"}`]: '100x30',
    },
    expect: [
      ['10m', 'RedisMemoryNearMax', []],
      ['20m', 'RedisMemoryNearMax', []],
      ['27m', 'RedisMemoryNearMax', [{ namespace: 'shop', pod: 'shop-cache-0' }]],
    ],
  },
  {
    name: 'Redis evicting keys for 15 minutes; no evictions quiet',
    series: { [`redis_evicted_keys_total{${NS},pod="shop-cache-0"}`]: '0x10 0+50x25' },
    expect: [
      ['10m', 'RedisEvictingKeys', []],
      ['32m', 'RedisEvictingKeys', [{ namespace: 'shop', pod: 'shop-cache-0' }]],
    ],
  },
  {
    name: 'Redis up without a master fires; with one quiet',
    series: {
      [`redis_up{${NS},pod="shop-cache-0"}`]: '1x15',
      [`redis_instance_info{${NS},pod="shop-cache-0",role="master"}`]: '1x5',
      [`redis_instance_info{${NS},pod="shop-cache-1",role="slave"}`]: '1x15',
    },
    expect: [
      ['5m', 'RedisNoMaster', []],
      ['15m', 'RedisNoMaster', [{ namespace: 'shop' }]],
    ],
  },
  {
    name: 'Sentinel quorum (2): two ready sentinels quiet, one fires',
    series: {
      [`kube_pod_container_status_ready{${NS},pod="shop-cache-0",container="sentinel"}`]: '1x15',
      [`kube_pod_container_status_ready{${NS},pod="shop-cache-1",container="sentinel"}`]: '1x5 0x10',
      [`kube_pod_container_status_ready{${NS},pod="shop-cache-2",container="sentinel"}`]: '0x15',
    },
    expect: [
      ['5m', 'RedisSentinelQuorumLost', []],
      ['10m', 'RedisSentinelQuorumLost', [{ namespace: 'shop' }]],
    ],
  },
  {
    name: "a replica's master link down for 5 minutes fires; up quiet",
    series: {
      [`redis_master_link_up{${NS},pod="shop-cache-1"}`]: '1x15',
      [`redis_master_link_up{${NS},pod="shop-cache-2"}`]: '1x5 0x10',
    },
    expect: [
      ['8m', 'RedisMasterLinkDown', []],
      ['12m', 'RedisMasterLinkDown', [{ namespace: 'shop', pod: 'shop-cache-2' }]],
    ],
  },
  {
    name: 'Redis StatefulSet with fewer ready pods than 3 for 10 minutes',
    series: { [`kube_statefulset_status_replicas_ready{${NS},statefulset="shop-cache"}`]: '3x5 2x15' },
    expect: [
      ['5m', 'RedisReplicasUnavailable', []],
      ['17m', 'RedisReplicasUnavailable', [{ namespace: 'shop', statefulset: 'shop-cache' }]],
    ],
  },
  {
    name: 'PgBouncer: one pod failing its collection is quiet; both failing (from 9m) fire 2 minutes later',
    series: {
      [`cnpg_pgbouncer_last_collection_error{${NS},pod="shop-db-pooler-rw-6c9f8d7b5-k2x8p"}`]: '0x5 1x10',
      [`cnpg_pgbouncer_last_collection_error{${NS},pod="shop-db-pooler-rw-6c9f8d7b5-q7r4t"}`]: '0x8 1x7',
    },
    expect: [
      ['10m', 'PgBouncerDown', []],
      ['12m', 'PgBouncerDown', [{ namespace: 'shop' }]],
    ],
  },
  {
    name: 'PgBouncer gone: no series at all',
    series: { 'up{job="other"}': '1x5' },
    expect: [['5m', 'PgBouncerDown', [{ namespace: 'shop' }]]],
  },
  {
    name: 'PgBouncer pool at 18 of 20 server connections for 10 minutes; 15 quiet',
    series: { [`cnpg_pgbouncer_pools_sv_active{${NS},pod="shop-db-pooler-rw-6c9f8d7b5-k2x8p",database="app",user="app"}`]: '15x10 18x15' },
    expect: [
      ['10m', 'PgBouncerPoolSaturated', []],
      ['21m', 'PgBouncerPoolSaturated', [{ namespace: 'shop', pod: 'shop-db-pooler-rw-6c9f8d7b5-k2x8p', database: 'app', user: 'app' }]],
    ],
  },
  {
    name: 'PgBouncer clients waiting 2 s for 5 minutes fire; waiting under a second quiet',
    series: {
      [`cnpg_pgbouncer_pools_maxwait{${NS},pod="shop-db-pooler-rw-6c9f8d7b5-k2x8p",database="app",user="app"}`]: '0x10 2x10',
      [`cnpg_pgbouncer_pools_cl_waiting{${NS},pod="shop-db-pooler-rw-6c9f8d7b5-k2x8p",database="app",user="app"}`]: '3x20',
    },
    expect: [
      ['10m', 'PgBouncerClientsWaiting', []],
      ['16m', 'PgBouncerClientsWaiting', [{ namespace: 'shop', pod: 'shop-db-pooler-rw-6c9f8d7b5-k2x8p', database: 'app', user: 'app' }]],
    ],
  },
  {
    name: 'HPA ScalingActive false for 10 minutes fires; true quiet',
    series: {
      [`kube_horizontalpodautoscaler_status_condition{${NS},horizontalpodautoscaler="shop-api",condition="ScalingActive",status="false"}`]:
        '0x5 1x15',
      [`kube_horizontalpodautoscaler_status_condition{${NS},horizontalpodautoscaler="shop-api",condition="ScalingActive",status="true"}`]:
        '1x5 0x15',
    },
    expect: [
      ['10m', 'HpaScalingInactive', []],
      ['16m', 'HpaScalingInactive', [{ namespace: 'shop', horizontalpodautoscaler: 'shop-api' }]],
    ],
  },
  {
    name: 'HPA AbleToScale false for 10 minutes fires',
    series: {
      [`kube_horizontalpodautoscaler_status_condition{${NS},horizontalpodautoscaler="shop-api",condition="AbleToScale",status="false"}`]:
        '0x5 1x15',
    },
    expect: [
      ['10m', 'HpaUnableToScale', []],
      ['16m', 'HpaUnableToScale', [{ namespace: 'shop', horizontalpodautoscaler: 'shop-api' }]],
    ],
  },
  {
    name: 'HPA metric whose value stops at 5m (stale from 10m) fires 10 minutes later, for that metric only; cpu with its value quiet',
    series: {
      [`kube_horizontalpodautoscaler_spec_target_metric{${NS},horizontalpodautoscaler="shop-api",metric_name="cpu",metric_target_type="utilization"}`]:
        '70x25',
      [`kube_horizontalpodautoscaler_status_target_metric{${NS},horizontalpodautoscaler="shop-api",metric_name="cpu",metric_target_type="utilization"}`]:
        '40x25',
      [`kube_horizontalpodautoscaler_spec_target_metric{${NS},horizontalpodautoscaler="shop-api",metric_name="shop_requests_per_second",metric_target_type="average"}`]:
        '100x25',
      [`kube_horizontalpodautoscaler_status_target_metric{${NS},horizontalpodautoscaler="shop-api",metric_name="shop_requests_per_second",metric_target_type="average"}`]:
        '80x5',
    },
    expect: [
      ['5m', 'HpaMetricUnavailable', []],
      ['15m', 'HpaMetricUnavailable', []],
      [
        '22m',
        'HpaMetricUnavailable',
        [{ namespace: 'shop', horizontalpodautoscaler: 'shop-api', metric_name: 'shop_requests_per_second' }],
      ],
    ],
  },
];

const PROMTOOL = hasTool('promtool');
(PROMTOOL ? test : test.skip)(
  'promtool: every Redis, PgBouncer and HPA alert fires, and stays quiet',
  () => {
    const { chart, redis, db, api, ruleset } = fixture();
    ruleset.addRedisAlerts(redis, { runbookUrl: RUNBOOK });
    ruleset.addPgBouncerAlerts(db, { runbookUrl: RUNBOOK });
    ruleset.addServiceAlerts(api, { runbookUrl: RUNBOOK });
    const rule = find(synth(chart), 'PrometheusRule', 'shop-alerts');
    const tested = new Set(CASES.flatMap((c) => c.expect.map(([, alert]) => alert)));
    const fired = new Set(CASES.flatMap((c) => c.expect.filter(([, , r]) => r.length > 0).map(([, alert]) => alert)));
    const newAlerts = ruleset.alerts
      .map((a) => a.name)
      .filter((n) => /^(Redis|PgBouncer)/.test(n) || ['HpaScalingInactive', 'HpaUnableToScale', 'HpaMetricUnavailable'].includes(n));
    expect(newAlerts.filter((n) => !tested.has(n) || !fired.has(n))).toEqual([]);
    promtoolTestRules(rule, CASES);
  },
  120_000,
);
