/**
 * Invariants from the production review (issue #12) over each environment's whole Flux tree:
 * what a Flux-only rollout needs to exist, exist in the tree itself — nothing written by another
 * delivery path (Pulumi) or assumed to be in the cluster.
 */
import { SystemChart } from '../../lib';
import { buildApp } from '../../stacks/main';
import { formatViolations, SchemaValidator } from '../../cli/audit/schema-validator';
import { Manifest } from '../support/synth';
import { environmentTrees, unproducedSecretReferences } from '../support/tree';
import { runRules } from '../../cli/audit/rules';

const app = buildApp();
const dirs = app.render();
const trees = [...environmentTrees(dirs).entries()];
const dataDirs = new Set(
  dirs.filter((d) => SystemChart.isSystemChart(d.chart) && d.path === app.dataDirectory(d.environment, d.chart)).map((d) => d.path),
);

/** Seconds of a Go duration as Flux writes it (`1h2m3s`, `5m`). */
function goSeconds(d: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  const parts = [...d.matchAll(/(\d+)([hms])/g)];
  if (parts.map((p) => p[0]).join('') !== d) throw new Error(`not a whole-second Go duration: ${d}`);
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * units[u], 0);
}

/** `namespace/name` of every object of `kind` in the tree. */
function names(objects: Manifest[], kind: string, apiGroup: string): Set<string> {
  return new Set(
    objects
      .filter((o) => o.kind === kind && String(o.apiVersion).startsWith(`${apiGroup}/`))
      .map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`),
  );
}

/** Every `priorityClassName` anywhere in an object (pod specs, Helm values), with where. */
function priorityClassNames(value: unknown, at: string): Array<{ at: string; name: string }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => priorityClassNames(v, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'priorityClassName' && typeof v === 'string' && v !== '' ? [{ at: `${at}/${k}`, name: v }] : priorityClassNames(v, `${at}/${k}`),
  );
}

/** Objects whose deletion by Flux loses data: the namespace (it takes everything in it), databases, volumes and their owners. */
function holdsData(o: Manifest): boolean {
  return (
    o.kind === 'Namespace' ||
    o.kind === 'PersistentVolumeClaim' ||
    (o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/')) ||
    (o.kind === 'StatefulSet' && (o.spec.volumeClaimTemplates ?? []).length > 0)
  );
}

describe.each(trees)('%s tree', (_env, entries) => {
  const objects = entries.map((e) => e.object);

  // Finding 1: the social-backend and listings backup credentials were written only by Pulumi.
  test('every Secret an object reads is produced in the same tree (synced, issued or operator-generated)', () => {
    expect(unproducedSecretReferences(objects)).toEqual([]);
  });

  test("the audit's rules find nothing over the whole tree, Flux dependencies included", () => {
    expect(runRules(entries.map((e, index) => ({ file: e.dir, index, object: e.object })))).toEqual([]);
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
    const tooShort = kustomizations.flatMap((k) =>
      entries
        .filter((e) => `./${e.dir}` === k.spec.path && e.object.kind === 'Deployment')
        .map((e) => ({ k, deployment: e.object.metadata.name, deadline: e.object.spec.progressDeadlineSeconds ?? 600 }))
        .filter(({ deadline }) => goSeconds(k.spec.timeout) < deadline)
        .map(
          ({ deployment, deadline }) =>
            `${k.metadata.name} (timeout ${k.spec.timeout}) < ${deployment} (progressDeadlineSeconds ${deadline})`,
        ),
    );
    expect(tooShort).toEqual([]);
  });

  // Finding 7: every system depended on a Kustomization `infrastructure` nothing in the tree defined.
  test('every Flux reference resolves in the tree: Kustomization dependsOn, path and source; HelmRelease dependsOn and chart source', () => {
    const kustomizations = names(objects, 'Kustomization', 'kustomize.toolkit.fluxcd.io');
    const releases = names(objects, 'HelmRelease', 'helm.toolkit.fluxcd.io');
    const sources = {
      GitRepository: names(objects, 'GitRepository', 'source.toolkit.fluxcd.io'),
      HelmRepository: names(objects, 'HelmRepository', 'source.toolkit.fluxcd.io'),
    };
    const treeDirs = new Set(entries.map((e) => `./${e.dir}`));
    const missing: string[] = [];
    for (const o of objects) {
      const ns = o.metadata.namespace;
      const at = `${o.kind}/${o.metadata.name}`;
      if (o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
        for (const d of o.spec.dependsOn ?? [])
          if (!kustomizations.has(`${d.namespace ?? ns}/${d.name}`)) missing.push(`${at} dependsOn ${d.name}`);
        if (!treeDirs.has(o.spec.path)) missing.push(`${at} path ${o.spec.path}`);
        const ref = o.spec.sourceRef;
        if (!(sources as Record<string, Set<string>>)[ref.kind]?.has(`${ref.namespace ?? ns}/${ref.name}`))
          missing.push(`${at} sourceRef ${ref.kind}/${ref.name}`);
      }
      if (o.kind === 'HelmRelease' && o.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
        for (const d of o.spec.dependsOn ?? [])
          if (!releases.has(`${d.namespace ?? ns}/${d.name}`)) missing.push(`${at} dependsOn ${d.name}`);
        const ref = o.spec.chart.spec.sourceRef;
        if (!sources.HelmRepository.has(`${ref.namespace ?? ns}/${ref.name}`))
          missing.push(`${at} chart sourceRef ${ref.kind}/${ref.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('every HelmRelease pins an exact chart version', () => {
    const releases = objects.filter((o) => o.kind === 'HelmRelease');
    expect(
      releases
        .filter((o) => !/^v?\d+\.\d+\.\d+$/.test(o.spec.chart.spec.version ?? ''))
        .map((o) => `${o.metadata.name}: ${o.spec.chart.spec.version}`),
    ).toEqual([]);
  });

  test('every secret store an ExternalSecret reads from exists in the tree', () => {
    const stores = {
      ClusterSecretStore: names(objects, 'ClusterSecretStore', 'external-secrets.io'),
      SecretStore: names(objects, 'SecretStore', 'external-secrets.io'),
    };
    const missing = objects
      .filter((o) => o.kind === 'ExternalSecret')
      .filter((o) => {
        const ref = o.spec.secretStoreRef;
        return ref.kind === 'ClusterSecretStore'
          ? !stores.ClusterSecretStore.has(`/${ref.name}`)
          : !stores.SecretStore.has(`${o.metadata.namespace}/${ref.name}`);
      })
      .map((o) => `${o.metadata.namespace}/${o.metadata.name} → ${o.spec.secretStoreRef.kind}/${o.spec.secretStoreRef.name}`);
    expect(missing).toEqual([]);
  });

  // The chaos runner reads a ChaosExperiment from the ChaosEngine's namespace.
  test('every experiment a ChaosEngine runs is a ChaosExperiment in its namespace, with a pinned image', () => {
    const experiments = objects.filter((o) => o.kind === 'ChaosExperiment');
    const missing = objects
      .filter((o) => o.kind === 'ChaosEngine')
      .flatMap((e) =>
        e.spec.experiments
          .filter((x: Manifest) => !experiments.some((c) => c.metadata.namespace === e.metadata.namespace && c.metadata.name === x.name))
          .map((x: Manifest) => `${e.metadata.namespace}/${e.metadata.name} → ChaosExperiment ${x.name}`),
      );
    expect(missing).toEqual([]);
    for (const c of experiments)
      expect([c.metadata.name, c.spec.definition.image]).toEqual([c.metadata.name, expect.stringMatching(/:\d+\.\d+\.\d+$/)]);
  });

  test('every PriorityClass an object names exists in the tree', () => {
    const classes = names(objects, 'PriorityClass', 'scheduling.k8s.io');
    const missing = objects
      .flatMap((o) => priorityClassNames(o.spec, `${o.kind}/${o.metadata.name}`))
      .filter((r) => !classes.has(`/${r.name}`))
      .map((r) => `${r.at} → ${r.name}`);
    expect(missing).toEqual([]);
  });

  test("every ServiceMonitor, PodMonitor and PrometheusRule carries the label the tree's Prometheus selects", () => {
    const prometheus = objects.filter((o) => o.kind === 'HelmRelease' && o.spec.chart.spec.chart === 'kube-prometheus-stack');
    expect(prometheus.map((o) => o.spec.chart.spec.chart)).toEqual(['kube-prometheus-stack']);
    const release = prometheus[0]?.spec.releaseName ?? prometheus[0]?.metadata.name;
    const unselected = objects
      .filter((o) => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind) && o.metadata.labels?.release !== release)
      .map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(unselected).toEqual([]);
  });

  // The apps' objects are validated per system in invariants.test.ts.
  test('the infrastructure and Flux objects validate strictly against the Kubernetes 1.28 / CRD schemas', () => {
    const platform = entries.filter((e) => !e.dir.startsWith('apps/')).map((e) => e.object);
    expect(platform.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['HelmRepository', 'HelmRelease', 'ClusterSecretStore', 'PriorityClass', 'Kustomization']),
    );
    expect(formatViolations(SchemaValidator.load().validateAll(platform))).toBe('');
  });

  // The protection is applied per data layer, so a database or volume in an app directory would
  // escape it.
  test('no app directory holds a database or volume claims (they belong to the data layer)', () => {
    const misplaced = entries.filter(
      (e) => e.dir.startsWith('apps/') && !dataDirs.has(e.dir) && e.object.kind !== 'Namespace' && holdsData(e.object),
    );
    expect(misplaced.map((e) => `${e.dir}: ${e.object.kind}/${e.object.metadata.name}`)).toEqual([]);
  });
});
