import { shape } from './fixture';
import { redisRow, RedisPanelsInput } from '../../../../lib/observability/dashboards/panels/database-redis';
import { RowSpec } from '../../../../lib/observability/dashboards/panels/model';
import { promqlSyntaxError } from '../../../../lib/observability/promql';

const REDIS: RedisPanelsInput = { name: 'shop-redis', namespace: 'shop', replicas: 1, pods: 'shop-redis-[0-9]+', sentinel: false };
const R_PODS = 'namespace="shop",pod=~"shop-redis-[0-9]+"';

describe('redisRow', () => {
  test('a single instance: up, hit ratio, memory against maxmemory, clients, evictions', () => {
    const row = redisRow(REDIS);
    expect(row.title).toBe('shop-redis (Redis)');
    expect(shape(row.panels)).toEqual([
      ['stat', 'Instances up', 'short', [['up', `sum(redis_up{${R_PODS}})`]]],
      [
        'timeseries',
        'Hit ratio',
        'percentunit',
        [
          [
            'hit ratio',
            `sum(rate(redis_keyspace_hits_total{${R_PODS}}[5m]))\n/\n(\n` +
              `  sum(rate(redis_keyspace_hits_total{${R_PODS}}[5m]))\n  +\n  sum(rate(redis_keyspace_misses_total{${R_PODS}}[5m]))\n)`,
          ],
        ],
      ],
      [
        'timeseries',
        'Memory',
        'bytes',
        [
          ['{{pod}}', `sum by (pod) (redis_memory_used_bytes{${R_PODS}})`],
          ['maxmemory', `max(redis_memory_max_bytes{${R_PODS}})`],
        ],
      ],
      ['timeseries', 'Connected clients', 'short', [['{{pod}}', `sum by (pod) (redis_connected_clients{${R_PODS}})`]]],
      ['timeseries', 'Evictions', 'short', [['{{pod}}', `sum by (pod) (rate(redis_evicted_keys_total{${R_PODS}}[5m]))`]]],
    ]);
    expect(row.panels.map((p) => p.width)).toEqual([24, 12, 12, 12, 12]);
    expect(row.panels[0].thresholds).toEqual([
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
    ]);
  });

  test('Sentinel mode: exactly one master, and the replicas connected to it and their links', () => {
    const row = redisRow({ ...REDIS, replicas: 3, sentinel: true });
    expect(row.panels.map((p) => [p.title, p.width])).toEqual([
      ['Instances up', 12],
      ['Masters', 12],
      ['Hit ratio', 12],
      ['Memory', 12],
      ['Connected clients', 12],
      ['Evictions', 12],
      ['Replication', 24],
    ]);
    const master = `redis_instance_info{${R_PODS},role="master"}`;
    expect(shape([row.panels[1], row.panels[6]])).toEqual([
      ['stat', 'Masters', 'short', [['masters', `count(${master})`]]],
      [
        'timeseries',
        'Replication',
        'short',
        [
          ['replicas connected', `max(redis_connected_slaves{${R_PODS}} and on (pod) ${master})`],
          ['replica links up', `sum(redis_master_link_up{${R_PODS}})`],
        ],
      ],
    ]);
    expect(row.panels[0].thresholds).toEqual([
      { value: null, color: 'red' },
      { value: 3, color: 'green' },
    ]);
    expect(row.panels[1].thresholds).toEqual([
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
      { value: 2, color: 'red' },
    ]);
    for (const q of row.panels.flatMap((p) => p.queries)) expect(promqlSyntaxError(q.expr)).toBeUndefined();
  });
});

describe('redisRow: the whole row', () => {
  test.each<[string, RedisPanelsInput, RowSpec]>([
    [
      'a single instance',
      REDIS,
      {
        title: 'shop-redis (Redis)',
        panels: [
          {
            kind: 'stat',
            title: 'Instances up',
            description: "Redis pods whose exporter reaches Redis (redis_up), of the cache's 1.",
            unit: 'short',
            decimals: 0,
            queries: [{ expr: 'sum(redis_up{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: 'up' }],
            thresholds: [
              { value: null, color: 'red' },
              { value: 1, color: 'green' },
            ],
            height: 6,
            width: 24,
          },
          {
            kind: 'timeseries',
            title: 'Hit ratio',
            description:
              'Share of key lookups that found their key (keyspace hits / (hits + misses), over 5m): how much the cache spares the database.',
            unit: 'percentunit',
            decimals: 1,
            min: 0,
            max: 1,
            queries: [
              {
                expr: 'sum(rate(redis_keyspace_hits_total{namespace="shop",pod=~"shop-redis-[0-9]+"}[5m]))\n/\n(\n  sum(rate(redis_keyspace_hits_total{namespace="shop",pod=~"shop-redis-[0-9]+"}[5m]))\n  +\n  sum(rate(redis_keyspace_misses_total{namespace="shop",pod=~"shop-redis-[0-9]+"}[5m]))\n)',
                legend: 'hit ratio',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Memory',
            description:
              'Memory Redis has allocated on each pod (used_memory) against maxmemory: at maxmemory Redis evicts keys by its eviction policy.',
            unit: 'bytes',
            min: 0,
            queries: [
              { expr: 'sum by (pod) (redis_memory_used_bytes{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: '{{pod}}' },
              { expr: 'max(redis_memory_max_bytes{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: 'maxmemory' },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Connected clients',
            description: "Client connections of each pod (connected_clients), the exporter's and the replicas' included.",
            unit: 'short',
            decimals: 0,
            min: 0,
            queries: [{ expr: 'sum by (pod) (redis_connected_clients{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: '{{pod}}' }],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Evictions',
            description:
              'Keys evicted per second on each pod to stay under maxmemory (over 5m): a steady rate means the cache is too small for its working set.',
            unit: 'short',
            min: 0,
            queries: [
              { expr: 'sum by (pod) (rate(redis_evicted_keys_total{namespace="shop",pod=~"shop-redis-[0-9]+"}[5m]))', legend: '{{pod}}' },
            ],
            width: 12,
            height: 8,
          },
        ],
      },
    ],
    [
      'three pods under Sentinel',
      { ...REDIS, replicas: 3, sentinel: true },
      {
        title: 'shop-redis (Redis)',
        panels: [
          {
            kind: 'stat',
            title: 'Instances up',
            description: "Redis pods whose exporter reaches Redis (redis_up), of the cache's 3.",
            unit: 'short',
            decimals: 0,
            queries: [{ expr: 'sum(redis_up{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: 'up' }],
            thresholds: [
              { value: null, color: 'red' },
              { value: 3, color: 'green' },
            ],
            height: 6,
            width: 12,
          },
          {
            kind: 'stat',
            title: 'Masters',
            description:
              'Pods that report the master role (redis_instance_info): exactly one. None means writes fail until Sentinel fails over; two means a split brain.',
            unit: 'short',
            decimals: 0,
            queries: [{ expr: 'count(redis_instance_info{namespace="shop",pod=~"shop-redis-[0-9]+",role="master"})', legend: 'masters' }],
            thresholds: [
              { value: null, color: 'red' },
              { value: 1, color: 'green' },
              { value: 2, color: 'red' },
            ],
            height: 6,
            width: 12,
          },
          {
            kind: 'timeseries',
            title: 'Hit ratio',
            description:
              'Share of key lookups that found their key (keyspace hits / (hits + misses), over 5m): how much the cache spares the database.',
            unit: 'percentunit',
            decimals: 1,
            min: 0,
            max: 1,
            queries: [
              {
                expr: 'sum(rate(redis_keyspace_hits_total{namespace="shop",pod=~"shop-redis-[0-9]+"}[5m]))\n/\n(\n  sum(rate(redis_keyspace_hits_total{namespace="shop",pod=~"shop-redis-[0-9]+"}[5m]))\n  +\n  sum(rate(redis_keyspace_misses_total{namespace="shop",pod=~"shop-redis-[0-9]+"}[5m]))\n)',
                legend: 'hit ratio',
              },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Memory',
            description:
              'Memory Redis has allocated on each pod (used_memory) against maxmemory: at maxmemory Redis evicts keys by its eviction policy.',
            unit: 'bytes',
            min: 0,
            queries: [
              { expr: 'sum by (pod) (redis_memory_used_bytes{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: '{{pod}}' },
              { expr: 'max(redis_memory_max_bytes{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: 'maxmemory' },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Connected clients',
            description: "Client connections of each pod (connected_clients), the exporter's and the replicas' included.",
            unit: 'short',
            decimals: 0,
            min: 0,
            queries: [{ expr: 'sum by (pod) (redis_connected_clients{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: '{{pod}}' }],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Evictions',
            description:
              'Keys evicted per second on each pod to stay under maxmemory (over 5m): a steady rate means the cache is too small for its working set.',
            unit: 'short',
            min: 0,
            queries: [
              { expr: 'sum by (pod) (rate(redis_evicted_keys_total{namespace="shop",pod=~"shop-redis-[0-9]+"}[5m]))', legend: '{{pod}}' },
            ],
            width: 12,
            height: 8,
          },
          {
            kind: 'timeseries',
            title: 'Replication',
            description:
              'Replicas connected to the master (its connected_slaves) and replicas whose link to the master is up (master_link_up): both 2 when healthy.',
            unit: 'short',
            decimals: 0,
            min: 0,
            queries: [
              {
                expr: 'max(redis_connected_slaves{namespace="shop",pod=~"shop-redis-[0-9]+"} and on (pod) redis_instance_info{namespace="shop",pod=~"shop-redis-[0-9]+",role="master"})',
                legend: 'replicas connected',
              },
              { expr: 'sum(redis_master_link_up{namespace="shop",pod=~"shop-redis-[0-9]+"})', legend: 'replica links up' },
            ],
            width: 24,
            height: 8,
          },
        ],
      },
    ],
  ])('%s', (_, input, expected) => {
    expect(redisRow(input)).toEqual(expected);
  });
});
