/**
 * Production review, finding 2: WAL archiving is the continuous half of a database's backup, and
 * the only thing that makes its RPO true. Every CNPG Cluster that archives WAL (Barman Cloud
 * plugin or in-tree barmanObjectStore), in every environment's tree, must be alerted on both
 * failing archiving and the age of its newest archived WAL, at a threshold within its declared
 * RPO and beyond its archive_timeout (a quiet database archives only that often).
 */
import { HAPostgres } from '../../lib';
import { cnpgInstancePods } from '../../lib/observability/cnpg';
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

const app = buildApp();
const bySystem = objectsBySystem(app.render());
const databases = app.node.findAll().filter((c): c is HAPostgres => c instanceof HAPostgres);

const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';
const archives = (o: Manifest) =>
  o.kind === 'Cluster' &&
  o.apiVersion.startsWith('postgresql.cnpg.io') &&
  ((o.spec.plugins ?? []).some((p: Manifest) => p.name === BARMAN_PLUGIN && p.isWALArchiver) ||
    o.spec.backup?.barmanObjectStore !== undefined);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What is missing for each archiving cluster of a system's objects, as `<cluster>: <problem>`. */
function walAlertProblems(environment: string, objects: Manifest[]): string[] {
  const alerts = objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules))
    .filter((r: Manifest) => r.alert);
  return objects.filter(archives).flatMap((cluster) => {
    const { name, namespace } = cluster.metadata;
    const at = `${namespace}/${name}`;
    const db = databases.find((d) => d.name === name && d.namespace === namespace && d.environment.name === environment);
    const rpo = db?.backup?.rpo?.toSeconds();
    if (rpo === undefined) return [`${at}: archives WAL but declares no RPO`];
    const archiveTimeout = Number(/^(\d+)s$/.exec(cluster.spec.postgresql.parameters.archive_timeout)?.[1]);
    const selector = escape(`{namespace="${namespace}",pod=~"${cnpgInstancePods(name)}"}`);
    const reads = (metric: string) => alerts.filter((a: Manifest) => new RegExp(`${metric}${selector}`).test(a.expr));
    const problems: string[] = [];
    if (reads('cnpg_pg_stat_archiver_(last_failed_time|failed_count)').length === 0)
      problems.push(`${at}: no alert on failing WAL archiving`);
    const thresholds = reads('cnpg_pg_stat_archiver_seconds_since_last_archival').map((a: Manifest) =>
      Number(new RegExp(`cnpg_pg_stat_archiver_seconds_since_last_archival${selector}\\s*>\\s*([0-9.]+)`).exec(a.expr)?.[1]),
    );
    if (thresholds.length === 0) problems.push(`${at}: no alert on the age of the last archived WAL (RPO ${rpo}s)`);
    for (const t of thresholds) {
      if (!(t <= rpo)) problems.push(`${at}: WAL age alert threshold ${t}s exceeds the RPO ${rpo}s`);
      if (!(t > archiveTimeout))
        problems.push(
          `${at}: WAL age alert threshold ${t}s does not exceed archive_timeout ${archiveTimeout}s, so a quiet database would fire it`,
        );
    }
    return problems;
  });
}

test('every environment has archiving clusters to check', () => {
  const clusters = [...bySystem.values()]
    .flat()
    .filter(archives)
    .map((c) => `${c.metadata.namespace}/${c.metadata.name}`);
  expect(clusters.length).toBeGreaterThanOrEqual(10);
});

test.each([...bySystem.entries()])(
  '%s: every WAL-archiving CNPG Cluster is alerted on failing archiving and on its last archived WAL against the RPO',
  (key, objects) => {
    expect(walAlertProblems(key.split('/')[0], objects)).toEqual([]);
  },
);
