/**
 * Object-level diff of two manifest trees, grouped by system, with the changes a reviewer must not
 * miss flagged: objects Kubernetes must replace (an immutable field such as a workload's selector
 * changed, or a rename: one object removed and another of its kind added), protections removed
 * (PodDisruptionBudgets, NetworkPolicies, alerts by name) and reliability settings changed
 * (replicas, disruption budgets, probes, resources, autoscaling bounds). Pure: parsed objects in,
 * a diff out.
 */
import type { KubeJson } from '../../lib';
import type { LocatedObject } from '../manifests';

export type FlagKind = 'replace' | 'protection' | 'reliability';

/** A change a reviewer must look at. */
export interface Flag {
  readonly kind: FlagKind;
  readonly message: string;
}

/** One changed field: a dotted path (list items by `name` where they have one), before and after. */
export interface FieldChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** One object added, removed or changed. */
export interface ObjectChange {
  readonly status: 'added' | 'removed' | 'changed';
  /** `Kind namespace/name`. */
  readonly object: string;
  readonly file: string;
  readonly fields: readonly FieldChange[];
  readonly flags: readonly Flag[];
}

/** The changes of one system (or one shared directory), in file order. */
export interface SystemDiff {
  /** `<env>/<system>` for `apps/<env>/<system>[-data]/…`, else the file's directory. */
  readonly system: string;
  readonly objects: readonly ObjectChange[];
  /** Flags about the system as a whole: alerts removed from it. */
  readonly flags: readonly Flag[];
}

/** The system a file belongs to: a system's apps and data layer together. */
export function systemOf(file: string): string {
  const app = /^apps\/([^/]+)\/([^/]+?)(-data)?\//.exec(file);
  if (app) return `${app[1]}/${app[2]}`;
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '.' : file.slice(0, slash);
}

const group = (o: KubeJson) => (typeof o.apiVersion === 'string' && o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'core');
/**
 * The environment of a file in the Flux layout (`apps/<env>/…`, `clusters/<env>/…`,
 * `infrastructure/<env>/…`): every environment has the same object names, in its own cluster.
 */
export function environmentOf(file: string): string {
  return /^(?:apps|clusters|infrastructure)\/([^/]+)\//.exec(file)?.[1] ?? '';
}

/**
 * Identity across versions of the tree: environment, API group, kind, namespace and name — an
 * API version bump or a move to another file is a change, not a replacement.
 */
const identity = (l: LocatedObject) =>
  `${environmentOf(l.file)}|${group(l.object)}|${l.object.kind}|${l.object.metadata?.namespace ?? ''}|${l.object.metadata?.name}`;
const label = (o: KubeJson) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

const isObject = (v: unknown): v is KubeJson => typeof v === 'object' && v !== null && !Array.isArray(v);
const byName = (list: unknown[]) =>
  list.every((x) => isObject(x) && typeof x.name === 'string') && new Set(list.map((x) => (x as KubeJson).name)).size === list.length;

/** Every leaf that differs between `a` and `b`. */
export function fieldChanges(a: unknown, b: unknown, at = ''): FieldChange[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (byName(a) && byName(b)) {
      const names = [...new Set([...a, ...b].map((x) => (x as KubeJson).name as string))];
      return names.flatMap((n) =>
        fieldChanges(
          a.find((x) => (x as KubeJson).name === n),
          b.find((x) => (x as KubeJson).name === n),
          `${at}[${n}]`,
        ),
      );
    }
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => fieldChanges(a[i], b[i], `${at}[${i}]`)).flat();
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => fieldChanges(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: at, before: a, after: b }];
}

/** Fields of `spec` Kubernetes refuses to change in place, by kind: changing one replaces the object. */
const IMMUTABLE: Record<string, readonly string[]> = {
  Deployment: ['selector'],
  ReplicaSet: ['selector'],
  DaemonSet: ['selector'],
  StatefulSet: ['selector', 'volumeClaimTemplates', 'serviceName', 'podManagementPolicy'],
  Job: ['selector', 'template'],
  PersistentVolumeClaim: ['storageClassName', 'accessModes', 'volumeName', 'volumeMode'],
  Service: ['clusterIP', 'clusterIPs'],
};

const under = (fieldPath: string, prefix: string) =>
  fieldPath === prefix || fieldPath.startsWith(`${prefix}.`) || fieldPath.startsWith(`${prefix}[`);

/** Reliability settings, by kind (`*` for every kind). */
const RELIABILITY: Array<[RegExp, RegExp, string]> = [
  [/^(Deployment|StatefulSet|ReplicaSet)$/, /^spec\.replicas$/, 'replicas'],
  [/^PodDisruptionBudget$/, /^spec\.(minAvailable|maxUnavailable)$/, 'disruption budget'],
  [/^HorizontalPodAutoscaler$/, /^spec\.(minReplicas|maxReplicas)$/, 'autoscaling bounds'],
  [/./, /\.(readinessProbe|livenessProbe|startupProbe)(\.|$)/, 'probe'],
  [/./, /\.resources(\.|$)/, 'resources'],
  [/./, /\.terminationGracePeriodSeconds$/, 'shutdown grace period'],
];

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

function changedFlags(o: KubeJson, fields: readonly FieldChange[]): Flag[] {
  const flags: Flag[] = [];
  const immutable = (IMMUTABLE[o.kind] ?? []).map((f) => `spec.${f}`).filter((f) => fields.some((c) => under(c.path, f)));
  if (immutable.length > 0) {
    flags.push({
      kind: 'replace',
      message: `${immutable.join(', ')} ${immutable.length === 1 ? 'is' : 'are'} immutable: Kubernetes rejects the update, so the object must be deleted and recreated — plan the migration`,
    });
  }
  if (o.kind === 'Service' && fields.some((f) => under(f.path, 'spec.selector'))) {
    flags.push({
      kind: 'replace',
      message: 'spec.selector changed: the Service sends traffic to other pods from the moment it is applied',
    });
  }
  for (const f of fields) {
    const rule = RELIABILITY.find(([kind, p]) => kind.test(o.kind) && p.test(f.path));
    if (rule) flags.push({ kind: 'reliability', message: `${rule[2]}: ${f.path} ${show(f.before)} → ${show(f.after)}` });
  }
  return flags;
}

const PROTECTIONS: Record<string, string> = {
  PodDisruptionBudget: 'a node drain may now evict all of its pods at once',
  NetworkPolicy: 'the pods it selected may now accept traffic it denied',
};

/** Alert names of a system's PrometheusRules, with the rule object that defines each. */
function alertsOf(objects: readonly LocatedObject[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of objects.filter((x) => x.object.kind === 'PrometheusRule')) {
    for (const g of l.object.spec?.groups ?? []) {
      for (const r of g.rules ?? []) if (typeof r.alert === 'string') out.set(r.alert, label(l.object));
    }
  }
  return out;
}

/** The diff of two trees, grouped by system (sorted), objects in file order. */
export function diffTrees(before: readonly LocatedObject[], after: readonly LocatedObject[]): SystemDiff[] {
  const beforeById = new Map(before.map((l) => [identity(l), l]));
  const afterById = new Map(after.map((l) => [identity(l), l]));
  const systems = [...new Set([...before, ...after].map((l) => systemOf(l.file)))].sort();
  return systems
    .map((system): SystemDiff => {
      const inSystem = (l: LocatedObject) => systemOf(l.file) === system;
      const was = before.filter(inSystem);
      const now = after.filter(inSystem);
      const removed = was.filter((l) => !afterById.has(identity(l)));
      const added = now.filter((l) => !beforeById.has(identity(l)));
      const renamed = (l: LocatedObject, others: readonly LocatedObject[], verb: string): Flag[] => {
        const other = others.filter((o) => o.object.kind === l.object.kind);
        return other.length > 0
          ? [
              {
                kind: 'replace',
                message: `${verb} ${other.map((o) => label(o.object)).join(', ')}? A rename deletes the old object and creates a new one`,
              },
            ]
          : [];
      };
      const objects: ObjectChange[] = [
        ...now.flatMap((l): ObjectChange[] => {
          const old = beforeById.get(identity(l));
          if (!old)
            return [{ status: 'added', object: label(l.object), file: l.file, fields: [], flags: renamed(l, removed, 'renamed from') }];
          const fields = fieldChanges(old.object, l.object);
          return fields.length === 0
            ? []
            : [{ status: 'changed', object: label(l.object), file: l.file, fields, flags: changedFlags(l.object, fields) }];
        }),
        ...removed.map((l): ObjectChange => ({
          status: 'removed',
          object: label(l.object),
          file: l.file,
          fields: [],
          flags: [
            ...(PROTECTIONS[l.object.kind]
              ? [{ kind: 'protection' as const, message: `${l.object.kind} removed: ${PROTECTIONS[l.object.kind]}` }]
              : []),
            ...renamed(l, added, 'renamed to'),
          ],
        })),
      ];
      const alertsNow = alertsOf(now);
      const flags: Flag[] = [...alertsOf(was).entries()]
        .filter(([alert]) => !alertsNow.has(alert))
        .map(([alert, rule]) => ({ kind: 'protection', message: `alert ${alert} removed (was in ${rule})` }));
      return { system, objects, flags };
    })
    .filter((d) => d.objects.length > 0 || d.flags.length > 0);
}

const MAX_FIELDS = 12;
const SIGN = { added: '+', removed: '-', changed: '~' } as const;

/** The diff as text, one block per system, and a count line. */
export function formatDiff(diffs: readonly SystemDiff[], against: string): string {
  if (diffs.length === 0) return `no changes against ${against}\n`;
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(d.system);
    for (const f of d.flags) lines.push(`  ! ${f.kind}: ${f.message}`);
    for (const o of d.objects) {
      lines.push(`  ${SIGN[o.status]} ${o.object}  (${o.file})`);
      for (const f of o.flags) lines.push(`      ! ${f.kind}: ${f.message}`);
      for (const f of o.fields.slice(0, MAX_FIELDS)) lines.push(`      ${f.path}: ${show(f.before)} → ${show(f.after)}`);
      if (o.fields.length > MAX_FIELDS) lines.push(`      … and ${o.fields.length - MAX_FIELDS} more fields`);
    }
    lines.push('');
  }
  const all = diffs.flatMap((d) => d.objects);
  const flags = [...diffs.flatMap((d) => d.flags), ...all.flatMap((o) => o.flags)];
  const n = (status: ObjectChange['status']) => all.filter((o) => o.status === status).length;
  const k = (kind: FlagKind) => flags.filter((f) => f.kind === kind).length;
  lines.push(
    `against ${against}: ${diffs.length} system${diffs.length === 1 ? '' : 's'} changed — ${n('changed')} changed, ${n('added')} added, ${n('removed')} removed; ` +
      `flagged: ${k('replace')} replace, ${k('protection')} protection removed, ${k('reliability')} reliability`,
  );
  return `${lines.join('\n')}\n`;
}
