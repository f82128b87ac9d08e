import { PriorityClass } from '../../../lib/core/priority-class';
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { RedisSpec } from '../../../lib/data/redis-cache/spec';

/** Resolved specs shared by the render-function tables. */
export const SINGLE: RedisSpec = {
  name: 'shop-cache',
  namespace: 'shop',
  labels: { 'app.kubernetes.io/name': 'shop-cache', 'app.kubernetes.io/version': '7.4.1-alpine' },
  selector: { 'app.kubernetes.io/name': 'shop-cache' },
  image: 'redis:7.4.1-alpine',
  exporterImage: 'oliver006/redis_exporter:v1.66.0',
  resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) } },
  maxMemoryBytes: 201326592,
  evictionPolicy: 'allkeys-lru',
  replicas: 1,
  sentinel: undefined,
  persistence: undefined,
  password: undefined,
  priorityClass: PriorityClass.DATA,
  prometheusNamespace: 'monitoring',
};

/** Sentinel mode with persistence and a password. */
export const REPLICATED: RedisSpec = {
  ...SINGLE,
  exporterImage: 'oliver006/redis_exporter:v1.67.0',
  maxMemoryBytes: 25165824,
  evictionPolicy: 'volatile-ttl',
  replicas: 3,
  sentinel: { replicas: 3, quorum: 2, masterSet: 'mymaster', downAfterMilliseconds: 5000 },
  persistence: { size: '2Gi', storageClass: 'local-path', nodeLocal: true, snapshots: ['900 1'], appendOnly: true },
  password: { name: 'cache-auth', key: 'password' },
  priorityClass: PriorityClass.DATA,
  prometheusNamespace: 'observability',
};
