/**
 * Production review, finding 6: a Sentinel-managed Redis without persistence loses everything
 * when its master restarts faster than `down-after-milliseconds`: it comes back empty, still the
 * master, and its replicas copy the empty dataset (redis.io, "Safety of replication when master
 * has persistence turned off"). In every environment's tree: every Redis StatefulSet with
 * sentinels keeps its data on a volume claim and writes it there (appendonly or RDB `save`
 * rules), and no Job or CronJob names one fixed Redis pod — after a failover that pod is a
 * replica, or gone.
 */
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

const bySystem = objectsBySystem(buildApp().render());

const containersOf = (o: Manifest): Manifest[] => o.spec.template.spec.containers;
const isRedis = (o: Manifest) => o.kind === 'StatefulSet' && containersOf(o).some((c) => c.name === 'redis');
const hasSentinel = (o: Manifest) => containersOf(o).some((c) => (c.command ?? []).includes('--sentinel'));

/** Whether the redis.conf a StatefulSet's pods read (from its ConfigMap) persists anything. */
function persistsToDisk(sts: Manifest, objects: Manifest[]): boolean {
  const configMaps = (sts.spec.template.spec.volumes ?? []).map((v: Manifest) => v.configMap?.name).filter(Boolean);
  const conf: string = objects
    .filter((o) => o.kind === 'ConfigMap' && configMaps.includes(o.metadata.name))
    .map((c) => c.data?.['redis.conf'] ?? '')
    .join('\n');
  return /^appendonly yes$/m.test(conf) || /^save \d+ \d+$/m.test(conf);
}

function redisProblems(objects: Manifest[]): string[] {
  const problems: string[] = [];
  const redis = objects.filter(isRedis);
  for (const sts of redis.filter(hasSentinel)) {
    const at = `StatefulSet ${sts.metadata.namespace}/${sts.metadata.name}`;
    const data = containersOf(sts)
      .find((c) => c.name === 'redis')
      ?.volumeMounts?.find((m: Manifest) => m.mountPath === '/data')?.name;
    const claimed = (sts.spec.volumeClaimTemplates ?? []).some((t: Manifest) => t.metadata.name === data);
    if (!claimed) problems.push(`${at}: Sentinel manages failover but /data is no volume claim (a restarted master comes back empty)`);
    if (!persistsToDisk(sts, objects))
      problems.push(`${at}: Sentinel manages failover but redis.conf writes neither an AOF nor RDB snapshots`);
  }
  for (const job of objects.filter((o) => o.kind === 'CronJob' || o.kind === 'Job')) {
    const text = JSON.stringify(job.spec);
    for (const sts of redis) {
      const pod = new RegExp(`\\b${sts.metadata.name}-[0-9]+\\b`);
      const hit = pod.exec(text);
      if (hit)
        problems.push(
          `${job.kind} ${job.metadata.namespace}/${job.metadata.name}: names the fixed Redis pod ${hit[0]}, which need not be the master`,
        );
    }
  }
  return problems;
}

test('some environment runs Redis with Sentinel to check', () => {
  expect([...bySystem.values()].flat().filter((o) => isRedis(o) && hasSentinel(o)).length).toBeGreaterThanOrEqual(4);
});

test.each([...bySystem.entries()])(
  '%s: every Sentinel-managed Redis persists to a volume, and no job names a fixed Redis pod',
  (_key, objects) => {
    expect(redisProblems(objects)).toEqual([]);
  },
);
