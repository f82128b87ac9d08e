/**
 * Which pods a manifest set runs, and which of them a selector picks: the ground truth for the
 * rules that check Services, PDBs, NetworkPolicies and HPAs point at something.
 */
import type { KubeJson } from '../../lib';

type Labels = Readonly<Record<string, string>>;

/** The kinds whose pod template is `spec.template`. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

/** One kind of pod the objects create. */
export interface PodTemplate {
  /** The object that creates the pods. */
  readonly owner: KubeJson;
  readonly namespace: string;
  readonly labels: Labels;
  /** The pod spec, when the manifest holds it (not for operator-managed pods). */
  readonly spec?: KubeJson;
}

/** The namespace of `o` as written (`''` when unset: whatever namespace it is applied to). */
export function namespaceOf(o: KubeJson): string {
  return typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : '';
}

/**
 * The pods `o` creates: workloads' templates, CronJobs' job templates, bare Pods, and the pods of
 * operators whose labels are documented: CloudNativePG instances (`cnpg.io/cluster`,
 * `cnpg.io/podRole: instance`) and PgBouncer poolers (`cnpg.io/poolerName`), LitmusChaos runner
 * and experiment pods.
 */
export function podTemplatesOf(o: KubeJson): PodTemplate[] {
  const namespace = namespaceOf(o);
  const group = typeof o.apiVersion === 'string' ? o.apiVersion.split('/')[0] : '';
  const template = (t: KubeJson | undefined): PodTemplate[] =>
    t ? [{ owner: o, namespace, labels: t.metadata?.labels ?? {}, spec: t.spec }] : [];
  if (WORKLOAD_KINDS.includes(o.kind) && !group.includes('.')) return template(o.spec?.template);
  if (o.kind === 'CronJob' && !group.includes('.')) return template(o.spec?.jobTemplate?.spec?.template);
  if (o.kind === 'Pod' && o.apiVersion === 'v1') return [{ owner: o, namespace, labels: o.metadata?.labels ?? {}, spec: o.spec }];
  if (group === 'postgresql.cnpg.io' && o.kind === 'Cluster') {
    return [{ owner: o, namespace, labels: { 'cnpg.io/cluster': o.metadata?.name, 'cnpg.io/podRole': 'instance' } }];
  }
  if (group === 'postgresql.cnpg.io' && o.kind === 'Pooler') {
    return [{ owner: o, namespace, labels: { 'cnpg.io/poolerName': o.metadata?.name, 'cnpg.io/cluster': o.spec?.cluster?.name } }];
  }
  // LitmusChaos: the runner pod the operator starts for an engine (its `app: <engine>` label plus
  // the engine's runnerLabels), and the experiment pods of a ChaosExperiment (its definition's labels).
  if (group === 'litmuschaos.io' && o.kind === 'ChaosEngine') {
    return [{ owner: o, namespace, labels: { app: o.metadata?.name, ...(o.spec?.components?.runner?.runnerLabels ?? {}) } }];
  }
  if (group === 'litmuschaos.io' && o.kind === 'ChaosExperiment') {
    return [{ owner: o, namespace, labels: o.spec?.definition?.labels ?? {} }];
  }
  return [];
}

/** Whether a map selector (a Service's `spec.selector`) selects `labels`. */
export function mapSelects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Whether a LabelSelector (`matchLabels` and `matchExpressions`) selects `labels`. */
export function labelSelectorMatches(selector: KubeJson | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const expressions: KubeJson[] = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return (
    mapSelects(selector.matchLabels ?? {}, labels) &&
    expressions.every((e) => {
      const values: string[] = Array.isArray(e.values) ? e.values : [];
      switch (e.operator) {
        case 'In':
          return e.key in labels && values.includes(labels[e.key]);
        case 'NotIn':
          return !(e.key in labels) || !values.includes(labels[e.key]);
        case 'Exists':
          return e.key in labels;
        case 'DoesNotExist':
          return !(e.key in labels);
        default:
          return false;
      }
    })
  );
}
