import { shape } from './fixture';
import { redisRow, RedisPanelsInput } from '../../../../lib/observability/dashboards/panels/database-redis';
import { promqlSyntaxError } from '../../../../lib/observability/promql';

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
