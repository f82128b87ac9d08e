import { Duration } from 'cdk8s';
import { AlertPack, AlertRule, Severity } from './alert-rule';
import { AlertLabelKeys } from '../../core/conventions';
import { show } from '../../core/validation';
import type { RedisCache } from '../../data/redis-cache/redis-cache';
import { promNumber } from '../promql';
import { escapeRegex } from './symptoms/symptom-builder';

import { AlertPackProps, base } from './alert-pack-base';

/** Props of a {@link RedisAlertPack}. */
export interface RedisAlertsProps extends AlertPackProps {
  /**
   * Severity of the cache being down (no Redis up) and, with Sentinel, of no master or fewer
   * sentinels than the quorum. A cache whose clients degrade without it may make this a ticket.
   * @default Severity.PAGE
   */
  readonly downSeverity?: Severity;
  /**
   * Severity of the other alerts: a replica missing or not replicating, memory near maxmemory,
   * evictions.
   * @default Severity.TICKET
   */
  readonly ticketSeverity?: Severity;
  /**
   * Memory used, in percent of maxmemory, above which a ticket is raised.
   * @default 90
   */
  readonly memoryWarningPercent?: number;
}

/**
 * The alerts of a {@link RedisCache} (group `<name>-redis`), from its redis_exporter sidecar
 * (scraped by the cache's ServiceMonitor; `redis_up` is 0 when the exporter cannot reach Redis)
 * and kube-state-metrics: no Redis up; with Sentinel, no master, a replica's link to the master
 * down, fewer ready sentinels than the quorum (no failover can be agreed) and a pod of the
 * StatefulSet not ready; memory above a share of maxmemory, and keys evicted for 15 minutes (the
 * working set no longer fits).
 *
 * Sentinel is watched through its containers' readiness (kube-state-metrics), not through
 * redis_exporter's `redis_sentinel_*` series: the exporter sidecar talks to Redis on 6379 only.
 */
export class RedisAlertPack implements AlertPack {
  public readonly groupName: string;
  private readonly rules: AlertRule[];

  constructor(cache: RedisCache, props: RedisAlertsProps) {
    const where = cache.node.path;
    const memory = props.memoryWarningPercent ?? 90;
    if (!(memory > 0 && memory < 100)) {
      throw new Error(
        `${where}: 'alerts.memoryWarningPercent' (${show(memory)}) is not a percentage strictly between 0 and 100 — give a share in percent, e.g. 90`,
      );
    }
    const downSeverity = props.downSeverity ?? Severity.PAGE;
    const ticketSeverity = props.ticketSeverity ?? Severity.TICKET;
    this.groupName = `${cache.name}-redis`;
    const ns = JSON.stringify(cache.namespace);
    const m = `namespace=${ns},pod=~${JSON.stringify(`${escapeRegex(cache.name)}-[0-9]+`)}`;
    const subject = `Redis ${cache.name} (${cache.namespace})`;
    const rule = (
      name: string,
      severity: Severity,
      expr: string,
      forTime: Duration | undefined,
      summary: string,
      description: string,
    ): AlertRule => {
      const b = base(props, cache.name, this.groupName, name, severity);
      return new AlertRule({
        name,
        expr,
        for: forTime,
        severity,
        summary,
        description,
        runbookUrl: b.runbookUrl,
        group: b.group,
        labels: {
          namespace: cache.namespace,
          [AlertLabelKeys.SERVICE]: cache.name,
          ...(props.team !== undefined ? { [AlertLabelKeys.TEAM]: props.team } : {}),
        },
      });
    };
    const rules: AlertRule[] = [
      rule(
        'RedisDown',
        downSeverity,
        `sum by (namespace) (redis_up{${m}}) == 0\nor\nabsent(redis_up{${m}})`,
        Duration.minutes(2),
        `${cache.name}: no Redis instance is up`,
        `No pod of ${subject} answers its exporter (redis_up), or none is scraped at all: every client of the cache fails or runs without it. ` +
          `Check the pods (kubectl get pods -n ${cache.namespace} -l app.kubernetes.io/name=${cache.name}) and their redis container's logs.`,
      ),
      rule(
        'RedisMemoryNearMax',
        ticketSeverity,
        `max by (namespace, pod) (redis_memory_used_bytes{${m}})\n/\nmax by (namespace, pod) (redis_memory_max_bytes{${m}} > 0)\n> ${promNumber(memory / 100)}`,
        Duration.minutes(15),
        `${cache.name}: {{ $labels.pod }} uses more than ${memory}% of maxmemory`,
        `Redis {{ $labels.pod }} of ${subject} holds more than ${memory}% of its maxmemory (${Math.round(cache.maxMemoryBytes / 1024 / 1024)} MiB): ` +
          'it evicts keys by its maxmemory-policy from here on (or refuses writes under noeviction). Check what grows, or raise maxMemory with the memory limit.',
      ),
      rule(
        'RedisEvictingKeys',
        ticketSeverity,
        `sum by (namespace, pod) (rate(redis_evicted_keys_total{${m}}[5m])) > 0`,
        Duration.minutes(15),
        `${cache.name}: {{ $labels.pod }} keeps evicting keys`,
        `Redis {{ $labels.pod }} of ${subject} has evicted keys for 15 minutes: its working set no longer fits in maxmemory, so the hit ratio falls and what the cache holds ` +
          '(sessions, rate-limit counters) disappears before it expires. Raise maxMemory with the memory limit, or shorten TTLs.',
      ),
    ];
    if (cache.sentinel) {
      const quorum = cache.sentinel.quorum;
      const sts = `namespace=${ns},statefulset=${JSON.stringify(cache.name)}`;
      rules.push(
        rule(
          'RedisNoMaster',
          downSeverity,
          `sum by (namespace) (redis_up{${m}}) > 0\nunless on (namespace)\nredis_instance_info{${m},role="master"}`,
          Duration.minutes(2),
          `${cache.name}: Redis has no master`,
          `No pod of ${subject} reports the master role while Redis is up: every write fails until Sentinel promotes a replica. ` +
            `Ask a sentinel (redis-cli -p 26379 SENTINEL get-master-addr-by-name ${cache.sentinel.masterSet}) and check the sentinels' logs.`,
        ),
        rule(
          'RedisSentinelQuorumLost',
          downSeverity,
          `sum by (namespace) (kube_pod_container_status_ready{${m},container="sentinel"}) < ${quorum}\nor\nabsent(kube_pod_container_status_ready{${m},container="sentinel"})`,
          Duration.minutes(2),
          `${cache.name}: fewer than ${quorum} sentinels are ready`,
          `Fewer sentinels of ${subject} are ready than its quorum of ${quorum}: if the master fails now, no failover can be agreed and writes fail until it returns.`,
        ),
        rule(
          'RedisMasterLinkDown',
          ticketSeverity,
          `max by (namespace, pod) (redis_master_link_up{${m}}) == 0`,
          Duration.minutes(5),
          `${cache.name}: replica {{ $labels.pod }} is not replicating`,
          `Replica {{ $labels.pod }} of ${subject} has lost its link to the master for 5 minutes: it serves stale data and a failover to it loses writes. ` +
            "Check the replica's logs (full resync, authentication, network).",
        ),
        rule(
          'RedisReplicasUnavailable',
          ticketSeverity,
          `max by (namespace, statefulset) (kube_statefulset_status_replicas_ready{${sts}}) < ${cache.replicas}`,
          Duration.minutes(10),
          `${cache.name}: fewer than ${cache.replicas} Redis pods are ready`,
          `StatefulSet ${cache.name} (${cache.namespace}) has fewer than its ${cache.replicas} pods ready for 10 minutes: one more failure may leave no replica to fail over to.`,
        ),
      );
    }
    this.rules = rules;
  }

  public alerts(): AlertRule[] {
    return [...this.rules];
  }
}
