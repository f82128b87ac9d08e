import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  BackupSchedule,
  BackupTarget,
  Environment,
  Probe,
  RedisCache,
  RedisCacheProps,
  ReliableService,
  ReliakitApp,
  Retention,
  StorageClass,
} from '../../../lib';
import { redisConf, redisInitScript } from '../../../lib/data/redis-cache/redis-config';
import { container, find, jobEnv, Manifest, ofKind, synth, testChart } from '../../support/synth';

function cacheProps(overrides: Partial<RedisCacheProps> = {}): RedisCacheProps {
  return {
    image: 'redis:7.4.1-alpine',
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    singleInstance: true,
    ...overrides,
  };
}

function errorOf(overrides: Partial<RedisCacheProps>): string {
  try {
    new RedisCache(testChart(), 'redis', cacheProps(overrides));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

function podSpec(objects: Manifest[], name = 'test-redis'): Manifest {
  return find(objects, 'StatefulSet', name).spec.template.spec;
}

describe('RedisCache defaults (single instance, no persistence)', () => {
  const chart = testChart();
  const cache = new RedisCache(chart, 'redis', cacheProps());
  const objects = synth(chart);

  test('object set and snapshot', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/test',
      'NetworkPolicy/test-default-deny',
      'NetworkPolicy/test-allow-dns',
      'ServiceAccount/test-redis',
      'ConfigMap/test-redis',
      'Service/test-redis-headless',
      'Service/test-redis',
      'StatefulSet/test-redis',
      'ServiceMonitor/test-redis',
      'NetworkPolicy/test-redis',
    ]);
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('a cache: maxmemory 75 % of the limit, allkeys-lru, no snapshots', () => {
    expect(cache.maxMemoryBytes).toBe(402653184);
    const conf = find(objects, 'ConfigMap', 'test-redis').data['redis.conf'];
    expect(conf).toContain('maxmemory 402653184\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\n');
  });

  test('hardened pod: redis user, read-only root, config and data on emptyDirs', () => {
    const pod = podSpec(objects);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of [...pod.containers, ...pod.initContainers]) expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes.map((v: Manifest) => v.name)).toEqual(['config', 'work', 'data']);
    expect(pod.volumes[1].emptyDir.medium).toBe('Memory');
  });

  test('probes and the metrics exporter scraped by the ServiceMonitor', () => {
    const pod = podSpec(objects);
    expect(pod.containers.map((c: Manifest) => c.name)).toEqual(['redis', 'exporter']);
    expect(pod.containers[0].readinessProbe.exec.command).toEqual(['sh', '-c', 'redis-cli -p 6379 ping | grep -q PONG']);
    expect(pod.containers[0].livenessProbe.tcpSocket.port).toBe('redis');
    expect(find(objects, 'ServiceMonitor', 'test-redis').spec.endpoints).toEqual([
      { port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
    expect(find(objects, 'Service', 'test-redis').spec.ports.map((p: Manifest) => p.name)).toEqual(['redis', 'metrics']);
  });

  test('a data component: applied with the namespace before the apps', () => {
    const dirs = ReliakitApp.of(chart).render();
    expect(dirs.find((d) => d.path === 'apps/prod/test-data')!.files.map((f) => f.name)).toEqual(['namespace.yaml', 'redis.yaml']);
  });
});

describe('RedisCache behaviour', () => {
  test('sentinel mode: 3 pods with sentinels, PDB, spread, sentinel Service', () => {
    const chart = testChart();
    const cache = new RedisCache(
      chart,
      'redis',
      cacheProps({ singleInstance: undefined, sentinel: {}, persistence: { size: Size.gibibytes(1) } }),
    );
    const objects = synth(chart);
    expect(cache.sentinel).toEqual({ replicas: 3, quorum: 2, masterSet: 'mymaster', downAfterMilliseconds: 5000 });
    const sts = find(objects, 'StatefulSet', 'test-redis').spec;
    expect(sts.replicas).toBe(3);
    expect(sts.template.spec.containers.map((c: Manifest) => c.name)).toEqual(['redis', 'sentinel', 'exporter']);
    expect(sts.template.spec.topologySpreadConstraints.map((c: Manifest) => c.topologyKey)).toEqual([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);
    expect(find(objects, 'PodDisruptionBudget', 'test-redis').spec).toMatchObject({
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(find(objects, 'Service', 'test-redis').spec.ports[0]).toMatchObject({ name: 'sentinel', port: 26379 });
    expect(find(objects, 'Service', 'test-redis-headless').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(find(objects, 'ConfigMap', 'test-redis').data['init.sh']).toContain('sentinel monitor mymaster $MASTER 6379 2');
    // Pods replicate and gossip with each other.
    const np = find(objects, 'NetworkPolicy', 'test-redis').spec;
    expect(np.egress[1].ports.map((p: Manifest) => p.port)).toEqual([6379, 26379]);
  });

  test('persistence: volume claims kept on delete and scale-down, RDB snapshots, prune protection', () => {
    const chart = testChart();
    const cache = new RedisCache(
      chart,
      'redis',
      cacheProps({ persistence: { size: Size.gibibytes(2), storageClass: StorageClass.localPath(), appendOnly: true } }),
    );
    const objects = synth(chart);
    const sts = find(objects, 'StatefulSet', 'test-redis');
    expect(sts.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'local-path',
      resources: { requests: { storage: '2Gi' } },
    });
    expect(podSpec(objects).volumes.map((v: Manifest) => v.name)).toEqual(['config', 'work']);
    expect(find(objects, 'ConfigMap', 'test-redis').data['redis.conf']).toContain(
      'save 3600 1\nsave 300 100\nsave 60 10000\nappendonly yes\n',
    );
    expect(cache.persistent).toBe(true);
  });

  test('password from a Secret: never in the ConfigMap, REDISCLI_AUTH for probes', () => {
    const chart = testChart();
    new RedisCache(chart, 'redis', cacheProps({ password: { name: 'redis-auth', key: 'password' } }));
    const objects = synth(chart);
    const redis = container(find(objects, 'StatefulSet', 'test-redis'));
    expect(redis.env).toEqual([
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } },
      { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } },
    ]);
    const data = find(objects, 'ConfigMap', 'test-redis').data;
    expect(data['init.sh']).toContain('"$REDIS_PASSWORD" "$REDIS_PASSWORD" >> /work/redis.conf');
    expect(data['redis.conf']).not.toContain('requirepass');
  });

  test('addClient: env, egress to the cache and ingress from the client', () => {
    const chart = testChart();
    const cache = new RedisCache(
      chart,
      'redis',
      cacheProps({
        singleInstance: undefined,
        sentinel: { masterSet: 'cache' },
        persistence: { size: Size.gibibytes(1) },
        password: { name: 'redis-auth', key: 'password' },
      }),
    );
    const api = new ReliableService(chart, 'api', {
      image: 'registry.example.com/api:1.0.0',
      ports: { http: 8080 },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
    });
    cache.addClient(api);
    const objects = synth(chart);
    expect(container(find(objects, 'Deployment', 'test-api')).env).toEqual([
      { name: 'REDIS_HOST', value: 'test-redis.test.svc' },
      { name: 'REDIS_PORT', value: '26379' },
      { name: 'REDIS_SENTINEL_MASTER', value: 'cache' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } },
    ]);
    expect(find(objects, 'NetworkPolicy', 'test-api').spec.egress[1].ports.map((p: Manifest) => p.port)).toEqual([26379, 6379]);
    const ingress = find(objects, 'NetworkPolicy', 'test-redis').spec.ingress;
    expect(ingress[2]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'test' } }, podSelector: { matchLabels: api.selector } }],
      ports: [
        { protocol: 'TCP', port: 6379 },
        { protocol: 'TCP', port: 26379 },
      ],
    });
    expect(cache.clientNames).toEqual(['test-api']);
    expect(() => cache.addClient(api)).toThrow("prod/test/redis: 'addClient' ('test-api') is already a client — add each service once");
  });

  test('addClient across environments is an error', () => {
    const cache = new RedisCache(testChart(), 'redis', cacheProps());
    const dev = new ReliableService(testChart(Environment.DEV), 'api', {
      image: 'registry.example.com/api:1.0.0',
      ports: { http: 8080 },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      probes: { readiness: Probe.http('/readyz') },
    });
    expect(() => cache.addClient(dev)).toThrow(
      "prod/test/redis: 'addClient' ('dev/test/api') is in environment 'dev', not 'prod' — connect services of the same environment",
    );
  });
});

test("images pinned as tag@digest: the Redis image (also the sentinels') and the exporter; the version label from the tag", () => {
  const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  const chart = testChart();
  new RedisCache(
    chart,
    'redis',
    cacheProps({
      image: `redis:7.4.6-alpine@${digest}`,
      exporterImage: `oliver006/redis_exporter:v1.66.0@${digest}`,
      singleInstance: undefined,
      sentinel: {},
      persistence: { size: Size.gibibytes(1) },
    }),
  );
  const sts = find(synth(chart), 'StatefulSet', 'test-redis');
  expect(sts.spec.template.spec.containers.map((c: Manifest) => [c.name, c.image])).toEqual([
    ['redis', `redis:7.4.6-alpine@${digest}`],
    ['sentinel', `redis:7.4.6-alpine@${digest}`],
    ['exporter', `oliver006/redis_exporter:v1.66.0@${digest}`],
  ]);
  expect(sts.metadata.labels['app.kubernetes.io/version']).toBe('7.4.6-alpine');
});

describe('RedisCache validation', () => {
  const rules: Array<[string, Partial<RedisCacheProps>, string]> = [
    [
      'unpinned image',
      { image: 'redis' },
      "prod/test/redis: 'image' ('redis') has no tag or digest, so every pull may run different code — pin a version tag (app:1.4.2) or a digest (app@sha256:...)",
    ],
    [
      'image with a short digest',
      { image: 'redis:7.4.6-alpine@sha256:abc' },
      "prod/test/redis: 'image' ('redis:7.4.6-alpine@sha256:abc') has the digest 'sha256:abc', which is not sha256: and 64 lowercase hex digits, so the pull fails — " +
        'copy the whole digest from the registry (app:1.4.2@sha256:<64 hex>), or pin the tag alone',
    ],
    [
      'exporter :latest',
      { exporterImage: 'oliver006/redis_exporter:latest' },
      "prod/test/redis: 'exporterImage' ('oliver006/redis_exporter:latest') uses the mutable tag latest, so a rollback cannot return to the previous code — pin a version tag (app:1.4.2) or a digest",
    ],
    [
      'missing memory limit',
      { resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256) } } },
      "prod/test/redis: 'resources.memory.limit' (undefined) is missing, so a leak can exhaust the node — set resources.memory.limit, e.g. Size.mebibytes(512)",
    ],
    [
      'maxMemory too close to the limit',
      { maxMemory: Size.mebibytes(500) },
      "prod/test/redis: 'maxMemory' ('500Mi') leaves less than 10 % of the memory limit (512Mi) for buffers and forks, so the pod is OOM-killed before it evicts — lower maxMemory to at most 90 % of the limit (75 % is the default)",
    ],
    [
      'unknown eviction policy',
      { evictionPolicy: 'lru' },
      "prod/test/redis: 'evictionPolicy' ('lru') is not a Redis maxmemory-policy — use one of noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl",
    ],
    [
      'single pod without opt-out',
      { singleInstance: undefined },
      "prod/test/redis: 'sentinel' (undefined) is not set, so one pod failure takes the cache down — add sentinel: {} for replication with failover, or set singleInstance: true to accept it explicitly",
    ],
    ['sentinel and singleInstance', { sentinel: {} }, "prod/test/redis: 'singleInstance' (true) contradicts sentinel — remove one of them"],
    [
      'two sentinels',
      { singleInstance: undefined, sentinel: { replicas: 2 } },
      "prod/test/redis: 'sentinel.replicas' (2) cannot keep a sentinel majority when one pod is lost — use at least 3",
    ],
    [
      'quorum above replicas',
      { singleInstance: undefined, sentinel: { replicas: 3, quorum: 4 } },
      "prod/test/redis: 'sentinel.quorum' (4) must be between 2 and the replicas (3) — leave it unset for a majority",
    ],
    [
      'bad master set',
      { singleInstance: undefined, sentinel: { masterSet: 'my master' } },
      "prod/test/redis: 'sentinel.masterSet' ('my master') is not a simple name — use letters, digits, _ and -",
    ],
    [
      'volume too small',
      { persistence: { size: Size.mebibytes(512) } },
      "prod/test/redis: 'persistence.size' ('512Mi') is less than twice maxmemory (384 MiB), so an RDB rewrite can fill the volume — size the volume at least 2 × maxMemory",
    ],
    [
      'sentinel without persistence',
      { singleInstance: undefined, sentinel: {} },
      "prod/test/redis: 'persistence' (undefined) is not set while Sentinel manages failover: a restarted master comes back empty within down-after-milliseconds (5000 ms), " +
        'still the master, and its replicas copy the empty dataset — add persistence: { size: Size.gibibytes(1), appendOnly: true } (the AOF loses at most a second of writes)',
    ],
    [
      'sentinel without persistence, volume sized from maxmemory',
      {
        singleInstance: undefined,
        sentinel: { downAfterMilliseconds: 10000 },
        resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) } },
      },
      "prod/test/redis: 'persistence' (undefined) is not set while Sentinel manages failover: a restarted master comes back empty within down-after-milliseconds (10000 ms), " +
        'still the master, and its replicas copy the empty dataset — add persistence: { size: Size.gibibytes(12), appendOnly: true } (the AOF loses at most a second of writes)',
    ],
    [
      'sentinel with a volume that nothing is written to',
      { singleInstance: undefined, sentinel: {}, persistence: { size: Size.gibibytes(1), snapshots: [] } },
      "prod/test/redis: 'persistence.snapshots' ([]) with appendOnly false writes nothing to the volume, so under Sentinel a restarted master comes back empty within " +
        'down-after-milliseconds (5000 ms), still the master, and its replicas copy the empty dataset — set appendOnly: true, or keep RDB snapshot rules',
    ],
    [
      'bad snapshot rule',
      { persistence: { size: Size.gibibytes(1), snapshots: ['every hour'] } },
      "prod/test/redis: 'persistence.snapshots' ('every hour') is not \"<seconds> <changes>\" — write e.g. '300 100'",
    ],
  ];

  test.each(rules)('throws for %s', (_name, overrides, message) => {
    expect(errorOf(overrides)).toContain(`  - ${message}`);
  });
});

describe('redis configuration rendering', () => {
  test('redis.conf', () => {
    expect(redisConf({ maxMemoryBytes: 1024, evictionPolicy: 'allkeys-lfu', snapshots: ['300 100'], appendOnly: false })).toBe(
      [
        'bind 0.0.0.0 ::',
        'port 6379',
        'protected-mode no',
        'dir /data',
        'maxmemory 1024',
        'maxmemory-policy allkeys-lfu',
        'save 300 100',
        'appendonly no',
        'replica-serve-stale-data yes',
        'replica-read-only yes',
        'rename-command FLUSHALL ""',
        'rename-command DEBUG ""',
        '',
      ].join('\n'),
    );
  });

  test('init script, single instance with password', () => {
    expect(redisInitScript({ name: 'x-redis', password: true })).toBe(
      [
        'set -eu',
        'cp /config/redis.conf /work/redis.conf',
        'printf \'requirepass "%s"\\nmasterauth "%s"\\n\' "$REDIS_PASSWORD" "$REDIS_PASSWORD" >> /work/redis.conf',
        '',
      ].join('\n'),
    );
  });

  test('init script, sentinel: asks the sentinels for the master before defaulting to pod 0', () => {
    const script = redisInitScript({
      name: 'x-redis',
      password: false,
      sentinel: { masterSet: 'm', quorum: 2, downAfterMilliseconds: 5000, failoverTimeoutMilliseconds: 60000 },
    });
    const lines = script.split('\n');
    expect(
      lines.indexOf(
        'MASTER="$(redis-cli -h x-redis.$POD_NAMESPACE.svc -p 26379 --raw SENTINEL get-master-addr-by-name m 2>/dev/null | head -n 1 || true)"',
      ),
    ).toBeLessThan(lines.indexOf('[ -n "$MASTER" ] || MASTER="x-redis-0.$HEADLESS"'));
    expect(script).toContain('[ "$MASTER" = "$SELF" ] || echo "replicaof $MASTER 6379" >> /work/redis.conf');
    expect(script).toContain('  echo "sentinel down-after-milliseconds m 5000"');
    expect(script).not.toContain('auth-pass');
  });
});

test('backupSource under Sentinel: the master the sentinels name at each run, with the cache image; the jobs reach both ports', () => {
  const chart = testChart();
  const cache = new RedisCache(
    chart,
    'redis',
    cacheProps({
      singleInstance: undefined,
      sentinel: {},
      persistence: { size: Size.gibibytes(1) },
      password: { name: 'redis-auth', key: 'password' },
    }),
  );
  const source = cache.backupSource();
  expect([source.engine, source.host, source.port, source.sentinel, source.image, source.password]).toEqual([
    'redis',
    'test-redis.test.svc',
    26379,
    { masterSet: 'mymaster', masterPort: 6379 },
    'redis:7.4.1-alpine',
    { name: 'redis-auth', key: 'password' },
  ]);
  new BackupSchedule(chart, 'redis-snapshot', {
    source,
    target: BackupTarget.minio({ endpoint: 'http://minio.minio:9000', bucket: 'cache-backups', credentials: { secretName: 'minio' } }),
    schedule: '0 */6 * * *',
    retention: Retention.days(3),
    restoreDrill: { schedule: '0 5 * * *' },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
  });
  const objects = synth(chart);
  const rules = find(objects, 'NetworkPolicy', 'test-redis').spec.ingress;
  expect(rules.at(-1).ports).toEqual([
    { protocol: 'TCP', port: 6379 },
    { protocol: 'TCP', port: 26379 },
  ]);
  expect(rules.at(-1).from.map((p: Manifest) => p.podSelector.matchLabels['app.kubernetes.io/name'])).toEqual([
    'test-redis-snapshot-backup',
  ]);
  const egress = find(objects, 'NetworkPolicy', 'test-redis-snapshot-backup').spec.egress;
  expect(egress[1].ports).toEqual([
    { protocol: 'TCP', port: 26379 },
    { protocol: 'TCP', port: 6379 },
  ]);
  expect(jobEnv(find(objects, 'CronJob', 'test-redis-snapshot-backup')).filter((e) => e.name.startsWith('REDIS_'))).toEqual([
    { name: 'REDIS_HOST', value: 'test-redis.test.svc' },
    { name: 'REDIS_PORT', value: '26379' },
    { name: 'REDIS_SENTINEL_MASTER', value: 'mymaster' },
  ]);
});

test('backupSource of a single instance: through the client Service, no sentinel', () => {
  const source = new RedisCache(testChart(), 'redis', cacheProps()).backupSource();
  expect([source.host, source.port, source.sentinel]).toEqual(['test-redis.test.svc', 6379, undefined]);
});
