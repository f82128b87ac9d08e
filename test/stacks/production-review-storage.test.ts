/**
 * Production review, finding 4: volumes of a node-local storage class (local-path and the like,
 * a directory on one node) report no `kubelet_volume_stats_*` — the kubelet measures only
 * volumes it mounts through a CSI driver or a block device — so a disk alert on them can never
 * fire; and they pin their pod to that node for good, so two replicas that once landed together
 * stay together. In every environment's tree: no disk alert reads `kubelet_volume_stats_*` for a
 * node-local claim, and every workload with node-local volumes (a CNPG Cluster, a StatefulSet)
 * requires its pods on different nodes.
 */
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

/** Storage classes whose volumes live on one node's disk (rancher local-path, OpenEBS hostpath, static local PVs). */
const NODE_LOCAL_CLASSES = new Set(['local-path', 'openebs-hostpath', 'local-storage']);
const HOSTNAME = 'kubernetes.io/hostname';

const bySystem = objectsBySystem(buildApp().render());

/** A workload with node-local volumes: where it is, and one claim name of each node-local volume. */
interface NodeLocalWorkload {
  readonly at: string;
  readonly namespace: string;
  readonly claims: string[];
  readonly requiresSeparateNodes: boolean;
}

const isCnpgCluster = (o: Manifest) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io');

function nodeLocalWorkloads(objects: Manifest[]): NodeLocalWorkload[] {
  const found: NodeLocalWorkload[] = [];
  for (const o of objects) {
    const { name, namespace } = o.metadata;
    if (isCnpgCluster(o)) {
      // CNPG names an instance's claims after its pod: `<cluster>-<n>` and `<cluster>-<n>-wal`.
      const claims = [
        ...(NODE_LOCAL_CLASSES.has(o.spec.storage?.storageClass) ? [`${name}-1`] : []),
        ...(NODE_LOCAL_CLASSES.has(o.spec.walStorage?.storageClass) ? [`${name}-1-wal`] : []),
      ];
      if (claims.length > 0)
        found.push({
          at: `Cluster ${namespace}/${name}`,
          namespace,
          claims,
          requiresSeparateNodes: o.spec.affinity?.podAntiAffinityType === 'required',
        });
    }
    if (o.kind === 'StatefulSet') {
      const claims = (o.spec.volumeClaimTemplates ?? [])
        .filter((t: Manifest) => NODE_LOCAL_CLASSES.has(t.spec.storageClassName))
        .map((t: Manifest) => `${t.metadata.name}-${name}-0`);
      const required = o.spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
      const own = o.spec.selector.matchLabels;
      const separates = required.some(
        (term: Manifest) =>
          term.topologyKey === HOSTNAME && Object.entries(own).every(([k, v]) => term.labelSelector?.matchLabels?.[k] === v),
      );
      if (claims.length > 0) found.push({ at: `StatefulSet ${namespace}/${name}`, namespace, claims, requiresSeparateNodes: separates });
    }
  }
  return found;
}

/** The `persistentvolumeclaim` and `namespace` matchers of every kubelet_volume_stats selector in `expr`. */
function kubeletSelectors(expr: string): Array<{ namespace?: string; claim: RegExp }> {
  return [...expr.matchAll(/kubelet_volume_stats_\w+\{([^}]*)\}/g)].map((m) => {
    const matchers = Object.fromEntries([...m[1].matchAll(/(\w+)\s*(=~|=)\s*"([^"]*)"/g)].map((x) => [x[1], { op: x[2], value: x[3] }]));
    const claim = matchers.persistentvolumeclaim;
    return {
      namespace: matchers.namespace?.value,
      claim:
        claim === undefined
          ? /.*/
          : new RegExp(`^(?:${claim.op === '=~' ? claim.value : claim.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})$`),
    };
  });
}

function storageProblems(objects: Manifest[]): string[] {
  const workloads = nodeLocalWorkloads(objects);
  const alerts: Manifest[] = objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules))
    .filter((r: Manifest) => r.alert);
  const problems: string[] = [];
  for (const w of workloads) {
    if (!w.requiresSeparateNodes) problems.push(`${w.at}: node-local volumes without required pod anti-affinity on ${HOSTNAME}`);
    for (const alert of alerts) {
      const blind = kubeletSelectors(alert.expr).some(
        (s) => (s.namespace === undefined || s.namespace === w.namespace) && w.claims.some((c) => s.claim.test(c)),
      );
      if (blind)
        problems.push(
          `${w.at}: alert ${alert.alert} reads kubelet_volume_stats_* for node-local claims (${w.claims.join(', ')}), which never report them`,
        );
    }
  }
  return problems;
}

test('some environment has node-local volumes to check (homepage runs on local-path)', () => {
  expect([...bySystem.values()].flatMap(nodeLocalWorkloads).length).toBeGreaterThanOrEqual(2);
});

test.each([...bySystem.entries()])(
  '%s: no disk alert reads kubelet volume stats of node-local volumes, and their workloads require separate nodes',
  (_key, objects) => {
    expect(storageProblems(objects)).toEqual([]);
  },
);
