/**
 * The audit's rules over a manifest set, each a pure function of the parsed objects: wiring that
 * points at nothing (a Service or PDB selecting no pod, an HPA scaling a missing Deployment, a
 * Secret nobody produces, a Flux dependency that does not exist) and the reliability basics
 * (probes, requests and limits, a PDB for every replicated workload). Schema validation is the
 * other half of `reliakit audit` (./schema-validator.ts).
 */
import type { KubeJson } from '../../lib';
import { LocatedObject, objectLabel } from '../manifests';
import { labelSelectorMatches, mapSelects, namespaceOf, PodTemplate, podTemplatesOf } from './pods';
import { configMapReferences, providedKeys, secretReferences } from './references';

export type Severity = 'error' | 'warning';

/** One finding of the audit, about one object. */
export interface Finding {
  /** The rule's id, e.g. `pdb-for-replicas`. */
  readonly rule: string;
  readonly severity: Severity;
  /** The file of the object, relative to the audited directory. */
  readonly file: string;
  /** `Kind namespace/name`. */
  readonly object: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** A rule of the audit. */
export interface AuditRule {
  readonly id: string;
  /** One line for `reliakit audit --rules` and the docs. */
  readonly description: string;
  check(objects: readonly LocatedObject[]): Finding[];
}

const finding = (rule: string, at: LocatedObject, message: string, severity: Severity = 'error'): Finding => ({
  rule,
  severity,
  file: at.file,
  object: objectLabel(at.object),
  message,
});

const isCore = (o: KubeJson, apiVersion: string, kind: string) => o.apiVersion === apiVersion && o.kind === kind;

/** Every pod template of the set, with the located object that creates it. */
function pods(objects: readonly LocatedObject[]): PodTemplate[] {
  return objects.flatMap((l) => podTemplatesOf(l.object));
}

const describePods = (list: readonly PodTemplate[]) =>
  list.length === 0 ? 'none' : [...new Set(list.map((p) => `${p.owner.kind}/${p.owner.metadata?.name}`))].join(', ');

const servicesSelectPods: AuditRule = {
  id: 'service-selects-pods',
  description: 'every Service with a selector selects pods in its namespace, and its named target ports are ports they declare',
  check(objects) {
    const all = pods(objects);
    return objects
      .filter((l) => isCore(l.object, 'v1', 'Service') && l.object.spec?.selector && Object.keys(l.object.spec.selector).length > 0)
      .flatMap((l) => {
        const svc = l.object;
        const ns = namespaceOf(svc);
        const selected = all.filter((p) => p.namespace === ns && mapSelects(svc.spec.selector, p.labels));
        if (selected.length === 0) {
          const inNamespace = all.filter((p) => p.namespace === ns);
          return [
            finding(
              this.id,
              l,
              `selector ${JSON.stringify(svc.spec.selector)} selects no pod (pods in its namespace: ${describePods(inNamespace)}) — make the selector match the workload's pod template labels`,
            ),
          ];
        }
        const declared = new Set(
          selected.flatMap((p) => (p.spec?.containers ?? []).flatMap((c: KubeJson) => (c.ports ?? []).map((port: KubeJson) => port.name))),
        );
        if (selected.every((p) => !p.spec)) return []; // operator-managed pods: their ports are not in the manifests
        return (svc.spec.ports ?? [])
          .filter((port: KubeJson) => typeof port.targetPort === 'string' && !declared.has(port.targetPort))
          .map((port: KubeJson) =>
            finding(
              this.id,
              l,
              `port ${port.name ?? port.port} targets the named port '${port.targetPort}', which no selected container declares (${[...declared].join(', ') || 'no named ports'}) — name the container port or target a number`,
            ),
          );
      });
  },
};

const pdbSelectsPods: AuditRule = {
  id: 'pdb-selects-pods',
  description: 'every PodDisruptionBudget selects pods in its namespace',
  check(objects) {
    const all = pods(objects);
    return objects
      .filter((l) => l.object.kind === 'PodDisruptionBudget')
      .filter((l) => !all.some((p) => p.namespace === namespaceOf(l.object) && labelSelectorMatches(l.object.spec?.selector, p.labels)))
      .map((l) =>
        finding(
          this.id,
          l,
          `selector ${JSON.stringify(l.object.spec?.selector ?? null)} selects no pod, so it protects nothing (pods in its namespace: ${describePods(all.filter((p) => p.namespace === namespaceOf(l.object)))}) — select the workload's pod template labels`,
        ),
      );
  },
};

const hpaTargetExists: AuditRule = {
  id: 'hpa-target-exists',
  description: 'every HorizontalPodAutoscaler scales a workload of the set, which leaves `replicas` to it',
  check(objects) {
    return objects
      .filter((l) => l.object.kind === 'HorizontalPodAutoscaler')
      .flatMap((l) => {
        const ref = l.object.spec?.scaleTargetRef ?? {};
        const target = objects.find(
          (t) => t.object.kind === ref.kind && t.object.metadata?.name === ref.name && namespaceOf(t.object) === namespaceOf(l.object),
        );
        if (!target) {
          return [
            finding(this.id, l, `scaleTargetRef ${ref.kind}/${ref.name} does not exist in the manifests — name an existing workload`),
          ];
        }
        if (target.object.spec?.replicas !== undefined) {
          return [
            finding(
              this.id,
              l,
              `its target ${ref.kind}/${ref.name} also sets replicas (${target.object.spec.replicas}): every apply resets what the autoscaler chose — remove spec.replicas from the workload`,
              'warning',
            ),
          ];
        }
        return [];
      });
  },
};

const networkPolicySelectsPods: AuditRule = {
  id: 'networkpolicy-selects-pods',
  description: 'every NetworkPolicy selects pods in its namespace',
  check(objects) {
    const all = pods(objects);
    return objects
      .filter((l) => l.object.kind === 'NetworkPolicy')
      .filter(
        (l) => !all.some((p) => p.namespace === namespaceOf(l.object) && labelSelectorMatches(l.object.spec?.podSelector ?? {}, p.labels)),
      )
      .map((l) =>
        finding(
          this.id,
          l,
          `podSelector ${JSON.stringify(l.object.spec?.podSelector ?? {})} selects no pod of the manifests — select the pods it should protect`,
        ),
      );
  },
};

const referencesResolved: AuditRule = {
  id: 'references-resolved',
  description:
    'every Secret and ConfigMap an object reads is in the manifests or produced by them (ExternalSecret, cert-manager Certificate, CloudNativePG)',
  check(objects) {
    const provided = providedKeys(objects.map((l) => l.object));
    return objects.flatMap((l) =>
      [...secretReferences(l.object), ...configMapReferences(l.object)]
        .filter((r) => !provided.has(`${r.kind} ${r.namespace}/${r.name}`))
        .map((r) =>
          finding(
            this.id,
            l,
            `reads ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} (${r.at.split('/').slice(2).join('/')}), which nothing in the manifests provides — ` +
              (r.kind === 'Secret'
                ? 'sync it with an ExternalSecret (or issue it with a Certificate) in the same tree'
                : 'add the ConfigMap to the manifests, or mark the reference optional'),
          ),
        ),
    );
  },
};

const PROBED_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

const workloadProbes: AuditRule = {
  id: 'probes',
  description:
    'every container of a Deployment, StatefulSet or DaemonSet has a readiness probe (and a liveness or startup probe, or a warning)',
  check(objects) {
    return objects
      .filter((l) => PROBED_KINDS.includes(l.object.kind))
      .flatMap((l) =>
        (l.object.spec?.template?.spec?.containers ?? []).flatMap((c: KubeJson) => [
          ...(c.readinessProbe
            ? []
            : [
                finding(
                  this.id,
                  l,
                  `container '${c.name}' has no readinessProbe, so it receives traffic before it can serve and during a rollout — add one that checks the server can answer`,
                ),
              ]),
          ...(c.livenessProbe || c.startupProbe
            ? []
            : [
                finding(
                  this.id,
                  l,
                  `container '${c.name}' has no livenessProbe, so a hung process is never restarted — add one that checks only the process`,
                  'warning',
                ),
              ]),
        ]),
      );
  },
};

const workloadResources: AuditRule = {
  id: 'resources',
  description: 'every container of a workload requests CPU and memory and limits memory',
  check(objects) {
    return objects.flatMap((l) =>
      podTemplatesOf(l.object)
        .filter((p) => p.spec)
        .flatMap((p) => [...(p.spec!.initContainers ?? []), ...(p.spec!.containers ?? [])])
        .flatMap((c: KubeJson) => {
          const missing = [
            c.resources?.requests?.cpu === undefined ? 'requests.cpu' : '',
            c.resources?.requests?.memory === undefined ? 'requests.memory' : '',
            c.resources?.limits?.memory === undefined ? 'limits.memory' : '',
          ].filter(Boolean);
          return missing.length === 0
            ? []
            : [
                finding(
                  this.id,
                  l,
                  `container '${c.name}' has no ${missing.join(', ')}: the scheduler cannot place it safely and the node may kill a neighbour — set requests from measured use and a memory limit`,
                ),
              ];
        }),
    );
  },
};

const pdbForReplicas: AuditRule = {
  id: 'pdb-for-replicas',
  description:
    'every Deployment or StatefulSet with more than one replica (or an HPA minimum above one) is selected by a PodDisruptionBudget',
  check(objects) {
    const pdbs = objects.filter((l) => l.object.kind === 'PodDisruptionBudget').map((l) => l.object);
    const hpaMin = (o: KubeJson) =>
      objects.find(
        (h) =>
          h.object.kind === 'HorizontalPodAutoscaler' &&
          h.object.spec?.scaleTargetRef?.kind === o.kind &&
          h.object.spec?.scaleTargetRef?.name === o.metadata?.name &&
          namespaceOf(h.object) === namespaceOf(o),
      )?.object.spec?.minReplicas;
    return objects
      .filter((l) => ['Deployment', 'StatefulSet'].includes(l.object.kind) && l.object.apiVersion === 'apps/v1')
      .flatMap((l) => {
        const replicas = l.object.spec?.replicas ?? hpaMin(l.object) ?? 1;
        if (typeof replicas !== 'number' || replicas <= 1) return [];
        const labels = l.object.spec?.template?.metadata?.labels ?? {};
        const covered = pdbs.some((p) => namespaceOf(p) === namespaceOf(l.object) && labelSelectorMatches(p.spec?.selector, labels));
        return covered
          ? []
          : [
              finding(
                this.id,
                l,
                `${replicas} replicas but no PodDisruptionBudget selects its pods, so a node drain may evict all of them at once — add a PDB (minAvailable ${replicas - 1} or maxUnavailable 1) selecting ${JSON.stringify(l.object.spec?.selector?.matchLabels ?? labels)}`,
              ),
            ];
      });
  },
};

const FLUX_DEPENDENT_GROUPS = ['kustomize.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io'];

const fluxDependsOnExists: AuditRule = {
  id: 'flux-depends-on',
  description: "every Flux Kustomization's and HelmRelease's dependsOn names an object of the same kind in the manifests",
  check(objects) {
    const group = (o: KubeJson) => (typeof o.apiVersion === 'string' ? o.apiVersion.split('/')[0] : '');
    const flux = objects.filter(
      (l) => FLUX_DEPENDENT_GROUPS.includes(group(l.object)) && ['Kustomization', 'HelmRelease'].includes(l.object.kind),
    );
    return flux.flatMap((l) =>
      (l.object.spec?.dependsOn ?? [])
        .filter((d: KubeJson) => {
          const ns = d.namespace ?? namespaceOf(l.object);
          return !flux.some((f) => f.object.kind === l.object.kind && f.object.metadata?.name === d.name && namespaceOf(f.object) === ns);
        })
        .map((d: KubeJson) =>
          finding(
            this.id,
            l,
            `dependsOn ${d.namespace ? `${d.namespace}/` : ''}${d.name} is no ${l.object.kind} of the manifests, so Flux waits for it forever — fix the name or add it`,
          ),
        ),
    );
  },
};

/** Every rule of the audit besides the schema, in report order. */
export const AUDIT_RULES: readonly AuditRule[] = [
  servicesSelectPods,
  pdbSelectsPods,
  hpaTargetExists,
  networkPolicySelectsPods,
  referencesResolved,
  workloadProbes,
  workloadResources,
  pdbForReplicas,
  fluxDependsOnExists,
];

/** The findings of every rule over `objects`. */
export function runRules(objects: readonly LocatedObject[], rules: readonly AuditRule[] = AUDIT_RULES): Finding[] {
  return rules.flatMap((r) => r.check(objects));
}
