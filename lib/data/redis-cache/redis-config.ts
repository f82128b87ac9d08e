/** Settings the Redis configuration is rendered from. */
export interface RedisConfigOptions {
  /** `maxmemory` in bytes (0: unlimited). */
  readonly maxMemoryBytes: number;
  /** `maxmemory-policy`, e.g. `allkeys-lru`. */
  readonly evictionPolicy: string;
  /** RDB snapshot rules (`save` lines), empty for none. */
  readonly snapshots: readonly string[];
  /** Append-only file. */
  readonly appendOnly: boolean;
}

/**
 * The static part of redis.conf (a ConfigMap). Credentials and replication settings are added at
 * pod start by the init script, so no secret ever lands in the ConfigMap.
 */
export function redisConf(o: RedisConfigOptions): string {
  return [
    'bind 0.0.0.0 ::',
    'port 6379',
    'protected-mode no',
    'dir /data',
    `maxmemory ${o.maxMemoryBytes}`,
    `maxmemory-policy ${o.evictionPolicy}`,
    ...(o.snapshots.length > 0 ? o.snapshots.map((s) => `save ${s}`) : ['save ""']),
    `appendonly ${o.appendOnly ? 'yes' : 'no'}`,
    // A replica that lost its master keeps serving reads of possibly stale cache data.
    'replica-serve-stale-data yes',
    'replica-read-only yes',
    // Renaming away the footguns a cache client never needs.
    'rename-command FLUSHALL ""',
    'rename-command DEBUG ""',
    '',
  ].join('\n');
}

/** Settings of the init script that finishes the configuration in the pod. */
export interface RedisInitOptions {
  /** The StatefulSet (and headless Service prefix). */
  readonly name: string;
  /** Sentinel mode: the master set name and quorum; undefined for a single instance. */
  readonly sentinel?: {
    readonly masterSet: string;
    readonly quorum: number;
    readonly downAfterMilliseconds: number;
    readonly failoverTimeoutMilliseconds: number;
  };
  /** Whether `REDIS_PASSWORD` is set in the environment. */
  readonly password: boolean;
}

/**
 * The init container's script (POSIX sh): copies redis.conf into the writable config volume,
 * adds the password from the environment, and in sentinel mode finds the current master (asking
 * the running sentinels first, so a restarted pod never promotes itself over a failed-over
 * master), points this pod at it and writes sentinel.conf.
 */
export function redisInitScript(o: RedisInitOptions): string {
  const lines = ['set -eu', 'cp /config/redis.conf /work/redis.conf'];
  if (o.password) {
    lines.push('printf \'requirepass "%s"\\nmasterauth "%s"\\n\' "$REDIS_PASSWORD" "$REDIS_PASSWORD" >> /work/redis.conf');
  }
  if (o.sentinel) {
    const s = o.sentinel;
    lines.push(
      `HEADLESS="${o.name}-headless.$POD_NAMESPACE.svc.cluster.local"`,
      'SELF="$HOSTNAME.$HEADLESS"',
      `MASTER="$(redis-cli -h ${o.name}.$POD_NAMESPACE.svc -p 26379 --raw SENTINEL get-master-addr-by-name ${s.masterSet} 2>/dev/null | head -n 1 || true)"`,
      '# No sentinel answers on first start: the first pod starts as master.',
      `[ -n "$MASTER" ] || MASTER="${o.name}-0.$HEADLESS"`,
      'echo "replica-announce-ip $SELF" >> /work/redis.conf',
      '[ "$MASTER" = "$SELF" ] || echo "replicaof $MASTER 6379" >> /work/redis.conf',
      '{',
      '  echo "port 26379"',
      '  echo "sentinel resolve-hostnames yes"',
      '  echo "sentinel announce-hostnames yes"',
      '  echo "sentinel announce-ip $SELF"',
      `  echo "sentinel monitor ${s.masterSet} $MASTER 6379 ${s.quorum}"`,
      `  echo "sentinel down-after-milliseconds ${s.masterSet} ${s.downAfterMilliseconds}"`,
      `  echo "sentinel failover-timeout ${s.masterSet} ${s.failoverTimeoutMilliseconds}"`,
      `  echo "sentinel parallel-syncs ${s.masterSet} 1"`,
      ...(o.password ? [`  printf 'sentinel auth-pass ${s.masterSet} "%s"\\n' "$REDIS_PASSWORD"`] : []),
      '} > /work/sentinel.conf',
    );
  }
  return `${lines.join('\n')}\n`;
}
