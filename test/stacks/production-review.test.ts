/**
 * Invariants from the production review (issue #12) over each environment's whole Flux tree:
 * what a Flux-only rollout needs to exist, exist in the tree itself — nothing written by another
 * delivery path (Pulumi) or assumed to be in the cluster.
 */
import { SystemChart } from '../../lib';
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { environmentTrees, unproducedSecretReferences } from '../support/tree';

const app = buildApp();
const dirs = app.render();
const trees = [...environmentTrees(dirs).entries()];
const dataDirs = new Set(dirs.filter((d) => SystemChart.isSystemChart(d.chart) && d.path === app.dataDirectory(d.environment, d.chart)).map((d) => d.path));

/** Seconds of a Go duration as Flux writes it (`1h2m3s`, `5m`). */
function goSeconds(d: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  const parts = [...d.matchAll(/(\d+)([hms])/g)];
  if (parts.map((p) => p[0]).join('') !== d) throw new Error(`not a whole-second Go duration: ${d}`);
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * units[u], 0);
}

/** Objects whose deletion by Flux loses data: the namespace (it takes everything in it), databases, volumes and their owners. */
function holdsData(o: Manifest): boolean {
  return o.kind === 'Namespace' || o.kind === 'PersistentVolumeClaim'
    || (o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/'))
    || (o.kind === 'StatefulSet' && (o.spec.volumeClaimTemplates ?? []).length > 0);
}

describe.each(trees)('%s tree', (_env, entries) => {
  const objects = entries.map((e) => e.object);

  // Finding 1: the social-backend and listings backup credentials were written only by Pulumi.
  test('every Secret an object reads is produced in the same tree (synced, issued or operator-generated)', () => {
    expect(unproducedSecretReferences(objects)).toEqual([]);
  });

  // Finding 3: deleting or renaming a data Kustomization pruned the Namespace, and with it the
  // CNPG Cluster and its volumes.
  test('every Namespace, CNPG Cluster and PVC owner of a data layer is protected from Flux pruning', () => {
    const data = entries.filter((e) => dataDirs.has(e.dir) && holdsData(e.object));
    expect(data.length).toBeGreaterThan(0);
    const unprotected = data.filter((e) => e.object.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] !== 'disabled');
    expect(unprotected.map((e) => `${e.dir}: ${e.object.kind}/${e.object.metadata.name}`)).toEqual([]);
  });

  // Finding 9: homepage's Kustomization timed out after 5 min while Ollama's rollout may take 30.
  // A Deployment without progressDeadlineSeconds gets Kubernetes' default, 600 s.
  test('every Kustomization waits at least as long as every rollout in its directory may take (progressDeadlineSeconds)', () => {
    const kustomizations = objects.filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/'));
    expect(kustomizations.length).toBeGreaterThan(0);
    const tooShort = kustomizations.flatMap((k) => entries
      .filter((e) => `./${e.dir}` === k.spec.path && e.object.kind === 'Deployment')
      .map((e) => ({ k, deployment: e.object.metadata.name, deadline: e.object.spec.progressDeadlineSeconds ?? 600 }))
      .filter(({ deadline }) => goSeconds(k.spec.timeout) < deadline)
      .map(({ deployment, deadline }) => `${k.metadata.name} (timeout ${k.spec.timeout}) < ${deployment} (progressDeadlineSeconds ${deadline})`));
    expect(tooShort).toEqual([]);
  });

  // The protection is applied per data layer, so a database or volume in an app directory would
  // escape it.
  test('no app directory holds a database or volume claims (they belong to the data layer)', () => {
    const misplaced = entries.filter((e) => e.dir.startsWith('apps/') && !dataDirs.has(e.dir) && e.object.kind !== 'Namespace' && holdsData(e.object));
    expect(misplaced.map((e) => `${e.dir}: ${e.object.kind}/${e.object.metadata.name}`)).toEqual([]);
  });
});
