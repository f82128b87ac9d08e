import * as units from '@grafana/grafana-foundation-sdk/units';
import { labelEq, labelRe, Matcher, selectorOf } from '../../promql';
import { PanelSpec, RowSpec } from './model';
import { RATE_WINDOW } from './queries';

/** What the panels of one Redis cache need. */
export interface RedisPanelsInput {
  /** The cache's name (StatefulSet). */
  readonly name: string;
  readonly namespace: string;
  /** Redis pods. */
  readonly replicas: number;
  /** The pods' names as an anchored regex (`<name>-[0-9]+`). */
  readonly pods: string;
  /** Whether Sentinel replicates it (a master and replicas). */
  readonly sentinel: boolean;
}

/**
 * One row per Redis cache, from its redis_exporter (see `REDIS_EXPORTER_METRICS`): instances
 * up, masters (in Sentinel mode), the keyspace hit ratio, memory against maxmemory, connected
 * clients, evictions and, in Sentinel mode, the replicas connected to the master and their links.
 */
export function redisRow(input: RedisPanelsInput): RowSpec {
  const redis = (metric: string, ...extra: Matcher[]) =>
    selectorOf(metric, labelEq('namespace', input.namespace), labelRe('pod', input.pods), ...extra);
  const rate = (metric: string) => `sum(rate(${redis(metric)}[${RATE_WINDOW}]))`;
  const master = redis('redis_instance_info', labelEq('role', 'master'));
  const stats: Array<Omit<PanelSpec, 'width'>> = [
    {
      kind: 'stat',
      title: 'Instances up',
      description: `Redis pods whose exporter reaches Redis (redis_up), of the cache's ${input.replicas}.`,
      unit: units.Short,
      decimals: 0,
      queries: [{ expr: `sum(${redis('redis_up')})`, legend: 'up' }],
      thresholds: [
        { value: null, color: 'red' },
        { value: input.replicas, color: 'green' },
      ],
      height: 6,
    },
  ];
  if (input.sentinel) {
    stats.push({
      kind: 'stat',
      title: 'Masters',
      description:
        'Pods that report the master role (redis_instance_info): exactly one. None means writes fail until Sentinel fails over; two means a split brain.',
      unit: units.Short,
      decimals: 0,
      queries: [{ expr: `count(${master})`, legend: 'masters' }],
      thresholds: [
        { value: null, color: 'red' },
        { value: 1, color: 'green' },
        { value: 2, color: 'red' },
      ],
      height: 6,
    });
  }
  const panels: PanelSpec[] = stats.map((p) => ({ ...p, width: 24 / stats.length }));
  panels.push(
    {
      kind: 'timeseries',
      title: 'Hit ratio',
      description: `Share of key lookups that found their key (keyspace hits / (hits + misses), over ${RATE_WINDOW}): how much the cache spares the database.`,
      unit: units.PercentUnit,
      decimals: 1,
      min: 0,
      max: 1,
      queries: [
        {
          expr: `${rate('redis_keyspace_hits_total')}\n/\n(\n  ${rate('redis_keyspace_hits_total')}\n  +\n  ${rate('redis_keyspace_misses_total')}\n)`,
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
      unit: units.BytesIEC,
      min: 0,
      queries: [
        { expr: `sum by (pod) (${redis('redis_memory_used_bytes')})`, legend: '{{pod}}' },
        { expr: `max(${redis('redis_memory_max_bytes')})`, legend: 'maxmemory' },
      ],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Connected clients',
      description: "Client connections of each pod (connected_clients), the exporter's and the replicas' included.",
      unit: units.Short,
      decimals: 0,
      min: 0,
      queries: [{ expr: `sum by (pod) (${redis('redis_connected_clients')})`, legend: '{{pod}}' }],
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Evictions',
      description: `Keys evicted per second on each pod to stay under maxmemory (over ${RATE_WINDOW}): a steady rate means the cache is too small for its working set.`,
      unit: units.Short,
      min: 0,
      queries: [{ expr: `sum by (pod) (rate(${redis('redis_evicted_keys_total')}[${RATE_WINDOW}]))`, legend: '{{pod}}' }],
      width: 12,
      height: 8,
    },
  );
  if (input.sentinel) {
    panels.push({
      kind: 'timeseries',
      title: 'Replication',
      description: `Replicas connected to the master (its connected_slaves) and replicas whose link to the master is up (master_link_up): both ${input.replicas - 1} when healthy.`,
      unit: units.Short,
      decimals: 0,
      min: 0,
      queries: [
        { expr: `max(${redis('redis_connected_slaves')} and on (pod) ${master})`, legend: 'replicas connected' },
        { expr: `sum(${redis('redis_master_link_up')})`, legend: 'replica links up' },
      ],
      width: 24,
      height: 8,
    });
  }
  return { title: `${input.name} (Redis)`, panels };
}
