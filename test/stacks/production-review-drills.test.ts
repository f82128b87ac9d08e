/**
 * Production review, finding 5: restore drills that never touch the primary. They used to restore
 * into a scratch database on the production primary (the application owner held CREATEDB for it),
 * on a fixed 8Gi work volume, and the dumps read the primary as its owner — llm-data-vault's
 * database could never have been drilled. In every environment's tree:
 * - no backup or drill job connects to a `-rw` Service, and no role has CREATEDB;
 * - dumps read the replicas (`-ro`) where the cluster has any, else any instance (`-r`), as a
 *   role in `pg_read_all_data` that is not the application owner;
 * - a logical drill's NetworkPolicy lets it reach no database at all (it restores in its own pod),
 *   and its work volume holds at least the database's declared size;
 * - every CNPG Cluster archiving to an ObjectStore has a physical drill: a CronJob whose embedded
 *   recovery Cluster validates against the CNPG CRD and recovers from that ObjectStore, alerted
 *   on both a failed (or missing) drill and one slower than the plan's RTO.
 */
import { parse } from 'yaml';
import { buildApp } from '../../stacks/main';
import { formatViolations, SchemaValidator } from '../../cli/audit/schema-validator';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

const bySystem = objectsBySystem(buildApp().render());

const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';
const isCluster = (o: Manifest) => o.kind === 'Cluster' && String(o.apiVersion).startsWith('postgresql.cnpg.io/');
const podSpecOf = (cronJob: Manifest): Manifest => cronJob.spec.jobTemplate.spec.template.spec;
const containersOf = (cronJob: Manifest): Manifest[] => [...(podSpecOf(cronJob).initContainers ?? []), ...podSpecOf(cronJob).containers];
const envOf = (cronJob: Manifest): Manifest[] => containersOf(cronJob).flatMap((c) => c.env ?? []);
const envValue = (cronJob: Manifest, name: string): string | undefined => envOf(cronJob).find((e) => e.name === name)?.value;
const secretOf = (cronJob: Manifest, name: string): string | undefined =>
  envOf(cronJob).find((e) => e.name === name)?.valueFrom?.secretKeyRef?.name;

/** Bytes of a Kubernetes quantity with a binary suffix (what the tree writes). */
function bytes(quantity: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(quantity ?? '');
  if (!m) return 0;
  return Number(m[1]) * 1024 ** ['', 'Ki', 'Mi', 'Gi', 'Ti'].indexOf(m[2] ?? '');
}

/** The size of a pod's `work` volume: a generic ephemeral claim's request or an emptyDir's limit. */
function workVolumeBytes(cronJob: Manifest): number {
  const work = (podSpecOf(cronJob).volumes ?? []).find((v: Manifest) => v.name === 'work');
  return bytes(work?.ephemeral?.volumeClaimTemplate?.spec?.resources?.requests?.storage ?? work?.emptyDir?.sizeLimit);
}

/** The CNPG Clusters a CronJob carries in its mounted ConfigMaps (a physical drill applies them). */
function embeddedClusters(cronJob: Manifest, objects: Manifest[]): Manifest[] {
  const names = (podSpecOf(cronJob).volumes ?? []).map((v: Manifest) => v.configMap?.name).filter(Boolean);
  return objects
    .filter((o) => o.kind === 'ConfigMap' && names.includes(o.metadata.name))
    .flatMap((cm) => Object.values((cm.data ?? {}) as Record<string, string>))
    .map((text) => {
      try {
        return parse(text) as Manifest;
      } catch {
        return undefined;
      }
    })
    .filter((m): m is Manifest => typeof m === 'object' && m !== null && isCluster(m));
}

/** The backup CronJobs dumping `cluster` (their PGHOST names its Services), with what they read. */
function dumpsOf(cluster: Manifest, objects: Manifest[]): Array<{ job: Manifest; host: string }> {
  const service = new RegExp(`^${cluster.metadata.name}(-pooler)?-(rw|ro|r)\\.`);
  return objects
    .filter((o) => o.kind === 'CronJob' && o.metadata.name.endsWith('-backup'))
    .flatMap((job) => {
      const host = envValue(job, 'PGHOST');
      return host && service.test(host) ? [{ job, host }] : [];
    });
}

function drillProblems(objects: Manifest[]): string[] {
  const problems: string[] = [];
  const clusters = objects.filter(isCluster);
  const cronJobs = objects.filter((o) => o.kind === 'CronJob');
  const alerts = objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules))
    .filter((r: Manifest) => r.alert);

  // No job connects to a primary's Service, through a pooler or not.
  for (const job of cronJobs) {
    for (const e of envOf(job)) {
      if (typeof e.value === 'string' && /-rw(\.|$)/.test(e.value))
        problems.push(`CronJob ${job.metadata.name}: ${e.name} ${e.value} is a primary's Service`);
    }
  }

  for (const cluster of clusters) {
    const at = `Cluster ${cluster.metadata.name}`;
    const roles: Manifest[] = cluster.spec.managed?.roles ?? [];
    for (const role of roles.filter((r) => r.createdb === true)) problems.push(`${at}: role ${role.name} has CREATEDB`);
    const owner = cluster.spec.bootstrap?.initdb?.owner;
    const instances: number = cluster.spec.instances;

    for (const { job, host } of dumpsOf(cluster, objects)) {
      const name = `CronJob ${job.metadata.name}`;
      const expected = instances > 1 ? '-ro' : '-r';
      if (!host.startsWith(`${cluster.metadata.name}${expected}.`))
        problems.push(`${name}: reads ${host}, not the ${expected} Service of ${cluster.metadata.name} (${instances} instances)`);
      const secret = secretOf(job, 'PGUSER') ?? secretOf(job, 'PGPASSWORD');
      const role = roles.find((r) => r.passwordSecret?.name !== undefined && r.passwordSecret.name === secretOf(job, 'PGPASSWORD'));
      if (!role) problems.push(`${name}: dumps with the credentials of Secret ${secret}, which is no managed role's of ${at}`);
      else {
        if (!(role.inRoles ?? []).includes('pg_read_all_data')) problems.push(`${name}: role ${role.name} is not in pg_read_all_data`);
        if (role.name === owner) problems.push(`${name}: dumps as the application owner ${owner}`);
      }
    }

    // The logical drills of this cluster's dumps: no way to the database, room for its declared size.
    const declared = bytes(cluster.spec.storage?.size);
    const dumps = dumpsOf(cluster, objects).map((j) => j.job.metadata.name.replace(/-backup$/, ''));
    for (const prefix of dumps) {
      const drill = cronJobs.find((j) => j.metadata.name === `${prefix}-restore-drill`);
      if (!drill) {
        problems.push(`${at}: dump ${prefix}-backup has no logical restore drill`);
        continue;
      }
      const name = `CronJob ${drill.metadata.name}`;
      if (envValue(drill, 'PGHOST') !== undefined && !envValue(drill, 'PGHOST')?.startsWith('/'))
        problems.push(`${name}: connects to PostgreSQL at ${envValue(drill, 'PGHOST')}`);
      const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === drill.metadata.name);
      const reaches = (policy?.spec.egress ?? []).some(
        (rule: Manifest) =>
          (rule.ports ?? []).some((p: Manifest) => p.port === 5432) ||
          (rule.to ?? []).some((peer: Manifest) => peer.podSelector?.matchLabels?.['cnpg.io/cluster'] !== undefined),
      );
      if (!policy) problems.push(`${name}: has no NetworkPolicy`);
      else if (reaches) problems.push(`${name}: its NetworkPolicy lets it reach the database`);
      const work = workVolumeBytes(drill);
      if (!(work >= declared))
        problems.push(`${name}: work volume of ${work} bytes is smaller than the database's declared ${cluster.spec.storage?.size}`);
    }

    // The physical drill of a cluster archiving to an ObjectStore.
    const plugin = (cluster.spec.plugins ?? []).find((p: Manifest) => p.name === BARMAN_PLUGIN && p.isWALArchiver);
    const store = plugin?.parameters?.barmanObjectName;
    if (!store) continue;
    const drills = cronJobs.filter((job) =>
      embeddedClusters(job, objects).some((c) =>
        (c.spec.externalClusters ?? []).some(
          (e: Manifest) =>
            e.name === c.spec.bootstrap?.recovery?.source &&
            e.plugin?.name === BARMAN_PLUGIN &&
            e.plugin.parameters?.barmanObjectName === store &&
            e.plugin.parameters?.serverName === cluster.metadata.name,
        ),
      ),
    );
    if (!objects.some((o) => o.kind === 'ObjectStore' && o.metadata.name === store))
      problems.push(`${at}: ObjectStore ${store} is not in the tree`);
    if (drills.length === 0) problems.push(`${at}: archives to ObjectStore ${store} but has no physical restore drill`);
    for (const drill of drills) {
      const name = `CronJob ${drill.metadata.name}`;
      for (const embedded of embeddedClusters(drill, objects)) {
        const violations = formatViolations(SchemaValidator.load().validateAll([embedded]));
        if (violations) problems.push(`${name}: its Cluster ${embedded.metadata.name} does not validate: ${violations}`);
        if (embedded.metadata.name === cluster.metadata.name) problems.push(`${name}: restores over the production Cluster's name`);
        if ((embedded.spec.plugins ?? []).some((p: Manifest) => p.isWALArchiver))
          problems.push(`${name}: its Cluster archives WAL, into the production archive`);
      }
      for (const alert of ['PostgresRestoreDrillOverRto', 'PostgresRestoreDrillFailed']) {
        if (!alerts.some((a: Manifest) => a.alert === alert && a.labels?.cronjob === drill.metadata.name))
          problems.push(`${name}: no ${alert} alert`);
      }
    }
  }
  return problems;
}

test('every environment has dumps and archiving clusters to check', () => {
  const all = [...bySystem.values()].flat();
  expect(all.filter((o) => isCluster(o) && o.spec.plugins !== undefined).length).toBeGreaterThanOrEqual(10);
  expect(all.filter((o) => o.kind === 'CronJob' && /-postgres-dump-backup$/.test(o.metadata.name)).length).toBeGreaterThanOrEqual(10);
});

test.each([...bySystem.entries()])(
  '%s: drills never touch the primary, dumps read replicas as a read-only role, and every archive has a physical drill with its alerts',
  (_key, objects) => {
    expect(drillProblems(objects)).toEqual([]);
  },
);
