import { PriorityClass } from '../../core/priority-class';
import { Size } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-28';
import { SecretKeyReference } from '../backup-target';
import { StorageClass } from '../../core/storage-class';

/** On-disk persistence. Without it the cache starts empty after every restart. */
export interface RedisPersistenceProps {
  /** Volume size per pod. */
  readonly size: Size;
  /**
   * Storage class. A node-local one (`StorageClass.localPath()`) makes the pods' anti-affinity
   * required: each volume pins its pod to its node for good.
   * @default - the cluster's default class, taken to follow its pods across nodes
   */
  readonly storageClass?: StorageClass;
  /**
   * RDB snapshot rules, `"<seconds> <changes>"` each (redis.conf `save`).
   * @default ['3600 1', '300 100', '60 10000']
   */
  readonly snapshots?: readonly string[];
  /**
   * The append-only file (every write logged; slower, loses at most a second).
   * @default false
   */
  readonly appendOnly?: boolean;
}

/** Replication with Redis Sentinel: a master, replicas, and automatic failover. */
export interface SentinelProps {
  /**
   * Redis pods (one master, the rest replicas), each with a sentinel. At least 3, so a majority
   * of sentinels survives one pod's loss.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Sentinels that must agree the master is down.
   * @default - a majority of the replicas
   */
  readonly quorum?: number;
  /**
   * The master set name clients ask the sentinels for.
   * @default 'mymaster'
   */
  readonly masterSet?: string;
  /**
   * How long the master must be unreachable before failover, in milliseconds.
   * @default 5000
   */
  readonly downAfterMilliseconds?: number;
}

/** Props of a {@link RedisCache}. */
export interface RedisCacheProps {
  /** Pinned Redis image, e.g. `Images.REDIS` (a tag, a digest, or `tag@sha256:…`); also the sentinels'. */
  readonly image: string;
  /**
   * Pinned redis_exporter image (the metrics sidecar).
   * @default Images.REDIS_EXPORTER
   */
  readonly exporterImage?: string;
  /** Redis container resources: requests and a memory limit are required. */
  readonly resources: ContainerResources;
  /**
   * `maxmemory`: the cache's size. Must leave room under the memory limit for replication
   * buffers and fragmentation.
   * @default - 75 % of the memory limit
   */
  readonly maxMemory?: Size;
  /**
   * `maxmemory-policy`.
   * @default 'allkeys-lru' (a cache evicts instead of failing writes)
   */
  readonly evictionPolicy?: string;
  /**
   * On-disk persistence. Required with `sentinel`: a master that restarts faster than the
   * sentinels notice comes back empty and its replicas copy the empty dataset.
   * @default - none: a pure cache (single instance only)
   */
  readonly persistence?: RedisPersistenceProps;
  /**
   * Replicated mode with Sentinel failover (requires `persistence`).
   * @default - a single instance (requires singleInstance)
   */
  readonly sentinel?: SentinelProps;
  /**
   * Explicitly accept a single Redis pod (no replica, no failover).
   * @default false
   */
  readonly singleInstance?: boolean;
  /**
   * The PriorityClass of the Redis pods: evicting one fails over every service that uses it.
   * @default PriorityClass.DATA
   */
  readonly priorityClass?: PriorityClass;
  /**
   * The password (`requirepass`), from a Secret key.
   * @default - no authentication (the NetworkPolicy still admits only clients)
   */
  readonly password?: SecretKeyReference;
  /**
   * The namespace Prometheus runs in (admitted on the exporter's port).
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
}
