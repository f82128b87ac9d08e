/**
 * The checks of Fairwinds Polaris's default configuration (pkg/config/default.yaml, Polaris 10.x)
 * over plain manifests, for the stack invariants (and later the CLI's audit command): Polaris is a Go
 * binary this project cannot install, so its semantics are re-implemented here from its check
 * definitions (pkg/config/checks/<id>.yaml, JSON schemas with a target) and its validator.
 *
 * What Polaris does, and so this module:
 * - A **controller** is any object with a pod spec, found by walking `jobTemplate`, `spec`,
 *   `template` down to an object with `containers` (Deployment, StatefulSet, DaemonSet, Job,
 *   CronJob, and also a CNPG Pooler). Checks target the controller, its pod spec (or pod template),
 *   each container (init containers included unless the check excludes them), or a kind
 *   (`policy/PodDisruptionBudget`, `autoscaling/HorizontalPodAutoscaler`, `/ConfigMap`, RBAC,
 *   `networking.k8s.io/Ingress`). `controllers.include/exclude` filter by the controller's kind.
 * - A check that looks at other objects (`additionalSchemaStrings`: the ServiceAccount, the
 *   NetworkPolicy, the PodDisruptionBudget) passes when one object of that kind in the namespace
 *   (or cluster-scoped) satisfies it; the PDB/HPA custom check looks at every object.
 * - The annotation `polaris.fairwinds.com/exempt: "true"` or `polaris.fairwinds.com/<check>-exempt:
 *   "true"` on the object (a pod's top controller, in a live audit) skips the check: an exempted
 *   check counts neither as a success nor as a failure.
 * - Score: ⌊100 · 2·successes / (2·successes + warnings + 2·dangers)⌋ (pkg/validator/summary.go).
 * - The default configuration's `exemptions` name third-party controllers by name prefix
 *   (`coredns`, `cert-manager`, `datadog`, …); none applies to a Reliakit object, and they are not
 *   modelled.
 *
 * Where this module goes beyond a file audit, to judge what a live audit of the cluster would see:
 * - A CNPG **Pooler** is audited as the Deployment CNPG makes of it (kind `Deployment`, replicas =
 *   `spec.instances`): its `spec.template` merged with what CNPG adds (pkg/specs/pgbouncer/
 *   deployments.go: the pod and `pgbouncer` container security contexts, a TCP readiness probe on
 *   5432 unless the template has one, the ServiceAccount named after the Pooler, the label
 *   `cnpg.io/poolerName`). Polaris resolves a pod to its top controller, the Pooler, so the Pooler's
 *   annotations are the exemptions that count.
 * - A CNPG **Cluster** is audited as its instance pods (kind `Cluster`): what the Cluster spec
 *   controls (`priorityClassName`, `topologySpreadConstraints`, `resources`, `imageName`,
 *   `imagePullPolicy`, `inheritedMetadata.labels`) plus what CNPG sets on every instance
 *   (pkg/specs: the restricted security contexts, liveness, readiness and startup probes, the
 *   ServiceAccount named after the Cluster, the `cnpg.io/cluster` and `cnpg.io/podRole` labels).
 * - A Traefik **IngressRoute** must have `spec.tls`, as `tlsSettingsMissing` asks of an Ingress.
 */
import { Manifest } from './synth';

export type PolarisSeverity = 'warning' | 'danger';

/** The checks of Polaris's default configuration and their severities. */
export const POLARIS_DEFAULT_CHECKS: Readonly<Record<string, PolarisSeverity>> = {
  deploymentMissingReplicas: 'warning',
  priorityClassNotSet: 'warning',
  tagNotSpecified: 'danger',
  pullPolicyNotAlways: 'warning',
  readinessProbeMissing: 'warning',
  livenessProbeMissing: 'warning',
  metadataAndInstanceMismatched: 'warning',
  pdbDisruptionsIsZero: 'warning',
  missingPodDisruptionBudget: 'warning',
  topologySpreadConstraint: 'warning',
  hpaMaxAvailability: 'warning',
  hpaMinAvailability: 'warning',
  pdbMinAvailableGreaterThanHPAMinReplicas: 'warning',
  cpuRequestsMissing: 'warning',
  cpuLimitsMissing: 'warning',
  memoryRequestsMissing: 'warning',
  memoryLimitsMissing: 'warning',
  automountServiceAccountToken: 'warning',
  hostIPCSet: 'danger',
  hostPathSet: 'warning',
  hostProcess: 'warning',
  hostPIDSet: 'danger',
  linuxHardening: 'warning',
  missingNetworkPolicy: 'warning',
  notReadOnlyRootFilesystem: 'warning',
  privilegeEscalationAllowed: 'danger',
  procMount: 'warning',
  runAsRootAllowed: 'danger',
  runAsPrivileged: 'danger',
  dangerousCapabilities: 'danger',
  insecureCapabilities: 'warning',
  hostNetworkSet: 'danger',
  hostPortSet: 'warning',
  tlsSettingsMissing: 'warning',
  sensitiveContainerEnvVar: 'danger',
  sensitiveConfigmapContent: 'danger',
  clusterrolePodExecAttach: 'danger',
  rolePodExecAttach: 'danger',
  clusterrolebindingPodExecAttach: 'danger',
  rolebindingClusterRolePodExecAttach: 'danger',
  rolebindingRolePodExecAttach: 'danger',
  clusterrolebindingClusterAdmin: 'danger',
  rolebindingClusterAdminClusterRole: 'danger',
  rolebindingClusterAdminRole: 'danger',
};

export type PolarisCheckId = keyof typeof POLARIS_DEFAULT_CHECKS;

/** The annotation that exempts an object from one check. */
export const polarisExemption = (check: string): string => `polaris.fairwinds.com/${check}-exempt`;

/** One check's verdict on one object (and container). */
export interface PolarisResult {
  readonly check: string;
  readonly severity: PolarisSeverity;
  /** `Kind namespace/name`, with ` container <name>` for a container check. */
  readonly target: string;
  readonly success: boolean;
}

export interface PolarisAudit {
  /** Every check that ran (exempted ones did not). */
  readonly results: readonly PolarisResult[];
  /** `check: target` of every failed check. */
  readonly failures: readonly string[];
  /** `check: Kind namespace/name` of every check an annotation skipped. */
  readonly exempted: readonly string[];
  readonly successes: number;
  readonly warnings: number;
  readonly dangers: number;
  readonly score: number;
}

/** Polaris's score of a set of results (pkg/validator/summary.go). */
export function polarisScore(successes: number, warnings: number, dangers: number): number {
  const total = successes * 2 + warnings + dangers * 2;
  return total === 0 ? 100 : Math.floor(((successes * 2) / total) * 100);
}

type Obj = Manifest;
/** A JSON value of a manifest (KubeJson's values). */
type Json = Manifest[string];
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const nameOf = (o: Obj): string => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

/** A controller as the checks see it. */
interface Workload {
  /** The kind checks filter on (`controllers.include/exclude`). */
  readonly kind: string;
  readonly source: Obj;
  readonly replicas: unknown;
  readonly template: Obj;
  readonly pod: Obj;
}

/** Polaris's GetPodTemplate/GetPodSpec: down `jobTemplate`, `spec`, `template` to the object with `containers`. */
function podTemplateOf(o: Obj): Obj | undefined {
  let at: Obj | undefined = o;
  while (at) {
    if (Array.isArray(obj(at.spec).containers)) return at;
    const next: string | undefined = ['jobTemplate', 'spec', 'template'].find((k) => typeof obj(at)[k] === 'object');
    at = next ? obj(at[next]) : undefined;
  }
  return undefined;
}

/** The restricted contexts CNPG puts on its pods and containers (pkg/specs CreatePodSecurityContext / CreateContainerSecurityContext). */
const cnpgPodSecurity = (uid: number, gid: number): Obj => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: gid,
  fsGroup: gid,
  seccompProfile: { type: 'RuntimeDefault' },
});
const CNPG_CONTAINER_SECURITY: Obj = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The Deployment CNPG makes of a Pooler (pkg/specs/pgbouncer/deployments.go). */
function poolerWorkload(p: Obj): Workload {
  const template = obj(p.spec?.template);
  const spec = obj(template.spec);
  const containers = arr(spec.containers).some((c) => c.name === 'pgbouncer')
    ? arr(spec.containers)
    : [...arr(spec.containers), { name: 'pgbouncer' }];
  const merged = containers.map((c) =>
    c.name !== 'pgbouncer'
      ? c
      : {
          image: 'ghcr.io/cloudnative-pg/pgbouncer',
          readinessProbe: { tcpSocket: { port: 5432 }, timeoutSeconds: 5 },
          ...c,
          securityContext: CNPG_CONTAINER_SECURITY,
        },
  );
  const pod = { ...spec, containers: merged, securityContext: cnpgPodSecurity(998, 996), serviceAccountName: p.metadata.name };
  const labels = { ...obj(template.metadata?.labels), 'cnpg.io/poolerName': p.metadata.name };
  return { kind: 'Deployment', source: p, replicas: p.spec?.instances, template: { metadata: { labels }, spec: pod }, pod };
}

/** The instance pods CNPG makes of a Cluster (pkg/specs/pods.go), as far as the Cluster spec decides them. */
function clusterWorkload(c: Obj): Workload {
  const s = obj(c.spec);
  const probe = { httpGet: { path: '/healthz', port: 8000 } };
  const pod: Obj = {
    containers: [
      {
        name: 'postgres',
        image: s.imageName ?? 'ghcr.io/cloudnative-pg/postgresql',
        imagePullPolicy: s.imagePullPolicy ?? 'IfNotPresent',
        resources: s.resources ?? {},
        livenessProbe: probe,
        readinessProbe: probe,
        startupProbe: probe,
        securityContext: CNPG_CONTAINER_SECURITY,
      },
    ],
    securityContext: cnpgPodSecurity(26, 26),
    serviceAccountName: c.metadata.name,
    ...(s.priorityClassName ? { priorityClassName: s.priorityClassName } : {}),
    ...(s.topologySpreadConstraints ? { topologySpreadConstraints: s.topologySpreadConstraints } : {}),
  };
  const labels = { ...obj(s.inheritedMetadata?.labels), 'cnpg.io/cluster': c.metadata.name, 'cnpg.io/podRole': 'instance' };
  return { kind: 'Cluster', source: c, replicas: s.instances, template: { metadata: { labels }, spec: pod }, pod };
}

function workloadOf(o: Obj): Workload | undefined {
  if (o.kind === 'Pooler' && /^postgresql\.cnpg\.io\//.test(o.apiVersion)) return poolerWorkload(o);
  if (o.kind === 'Cluster' && /^postgresql\.cnpg\.io\//.test(o.apiVersion)) return clusterWorkload(o);
  const template = podTemplateOf(o);
  if (!template) return undefined;
  return { kind: o.kind, source: o, replicas: o.spec?.replicas, template, pod: obj(template.spec) };
}

// --- check semantics, one small predicate per check ----------------------------------------------

const SENSITIVE_NAMES = [
  /^AWS_SECRET_ACCESS_KEY$/i,
  /^GOOGLE_APPLICATION_CREDENTIALS$/i,
  /^AZURE_.+KEY$/i,
  /^OCI_CLI_KEY_CONTENT$/i,
  /password/i,
  /token/i,
  /bearer/i,
  /secret/i,
];
const PRIVATE_KEY = /\s*-BEGIN\s+.*PRIVATE KEY-\s*/i;
const sensitiveName = (name: string): boolean => SENSITIVE_NAMES.some((p) => p.test(name));
const has = (list: unknown, name: string): boolean => arr(list).some((x) => typeof x === 'string' && x.toUpperCase() === name);
const INSECURE_CAPS = [
  'NET_ADMIN',
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v !== '';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** runAsRootAllowed, notReadOnlyRootFilesystem, privilegeEscalationAllowed: the pod's context is good and the container's not bad, or the container's is good. */
function podOrContainer(pod: Obj, c: Obj, good: (sc: Obj) => boolean, notBad: (sc: Obj) => boolean): boolean {
  const podSc = pod.securityContext;
  const cSc = c.securityContext;
  return (podSc !== undefined && good(obj(podSc)) && (cSc === undefined || notBad(obj(cSc)))) || (cSc !== undefined && good(obj(cSc)));
}

function linuxHardened(w: Workload, c: Obj): boolean {
  if (obj(w.template.metadata?.annotations)[`container.apparmor.security.beta.kubernetes.io/${c.name}`]) return true;
  const sc = obj(c.securityContext);
  const podSeccomp = w.pod.securityContext?.seccompProfile?.type;
  const seccomp =
    podSeccomp && podSeccomp !== 'Unconfined'
      ? sc.seccompProfile?.type !== 'Unconfined'
      : nonEmpty(sc.seccompProfile?.type) && sc.seccompProfile.type !== 'Unconfined';
  const selinux = w.pod.securityContext?.seLinuxOptions ? true : Object.keys(obj(sc.seLinuxOptions)).length > 0;
  const drops = arr(sc.capabilities?.drop).length > 0 && !has(sc.capabilities?.add, 'ALL');
  return seccomp || selinux || drops;
}

function envSafe(e: Obj): boolean {
  if (!nonEmpty(e.value)) return true;
  if (typeof e.valueFrom === 'object') return true;
  return !sensitiveName(String(e.name)) && !PRIVATE_KEY.test(e.value);
}

type ContainerCheck = (c: Obj, w: Workload) => boolean;
interface ContainerCheckDef {
  readonly test: ContainerCheck;
  readonly skipInit?: boolean;
  readonly excludeKinds?: readonly string[];
}
const CONTAINER_CHECKS: Record<string, ContainerCheckDef> = {
  memoryLimitsMissing: { skipInit: true, test: (c) => nonEmpty(c.resources?.limits?.memory) },
  memoryRequestsMissing: { skipInit: true, test: (c) => nonEmpty(c.resources?.requests?.memory) },
  cpuLimitsMissing: { skipInit: true, test: (c) => nonEmpty(c.resources?.limits?.cpu) },
  cpuRequestsMissing: { skipInit: true, test: (c) => nonEmpty(c.resources?.requests?.cpu) },
  readinessProbeMissing: {
    skipInit: true,
    excludeKinds: ['Job', 'CronJob'],
    test: (c) => typeof c.readinessProbe === 'object' && c.readinessProbe !== null,
  },
  livenessProbeMissing: {
    skipInit: true,
    excludeKinds: ['Job', 'CronJob'],
    test: (c) => typeof c.livenessProbe === 'object' && c.livenessProbe !== null,
  },
  pullPolicyNotAlways: { test: (c) => c.imagePullPolicy === 'Always' },
  tagNotSpecified: { test: (c) => typeof c.image === 'string' && /^.+:.+$/.test(c.image) && !/^.+:latest$/.test(c.image) },
  hostPortSet: { test: (c) => arr(c.ports).every((p) => p.hostPort === undefined || p.hostPort === 0) },
  runAsRootAllowed: {
    test: (c, w) =>
      podOrContainer(
        w.pod,
        c,
        (sc) => (isInt(sc.runAsUser) && sc.runAsUser >= 1) || sc.runAsNonRoot === true,
        (sc) => (sc.runAsUser === undefined || sc.runAsUser >= 1) && (sc.runAsNonRoot === undefined || sc.runAsNonRoot === true),
      ),
  },
  runAsPrivileged: { test: (c, w) => w.pod.securityContext?.privileged !== true && c.securityContext?.privileged !== true },
  notReadOnlyRootFilesystem: {
    test: (c, w) =>
      podOrContainer(
        w.pod,
        c,
        (sc) => sc.readOnlyRootFilesystem === true,
        (sc) => sc.readOnlyRootFilesystem === undefined || sc.readOnlyRootFilesystem === true,
      ),
  },
  privilegeEscalationAllowed: {
    test: (c, w) =>
      podOrContainer(
        w.pod,
        c,
        (sc) => sc.allowPrivilegeEscalation === false,
        (sc) => sc.allowPrivilegeEscalation === undefined || sc.allowPrivilegeEscalation === false,
      ),
  },
  dangerousCapabilities: { test: (c) => !['ALL', 'SYS_ADMIN', 'NET_ADMIN'].some((cap) => has(c.securityContext?.capabilities?.add, cap)) },
  insecureCapabilities: {
    test: (c) => {
      const drop = c.securityContext?.capabilities?.drop;
      if (!Array.isArray(drop)) return false;
      return has(drop, 'ALL') !== INSECURE_CAPS.every((cap) => has(drop, cap));
    },
  },
  linuxHardening: { test: (c, w) => linuxHardened(w, c) },
  sensitiveContainerEnvVar: { test: (c) => arr(c.env).every(envSafe) },
};

type PodCheck = (w: Workload, all: readonly Obj[]) => boolean;
const sameNamespace = (all: readonly Obj[], kind: string, ns: string | undefined): Obj[] =>
  all.filter((o) => o.kind === kind && (o.metadata?.namespace === undefined || o.metadata.namespace === ns));

const POD_CHECKS: Record<string, { readonly test: PodCheck; readonly excludeKinds?: readonly string[] }> = {
  hostIPCSet: { test: (w) => w.pod.hostIPC !== true },
  hostPIDSet: { test: (w) => w.pod.hostPID !== true },
  hostNetworkSet: { test: (w) => w.pod.hostNetwork !== true },
  hostPathSet: { test: (w) => arr(w.pod.volumes).every((v) => v.hostPath === undefined) },
  hostProcess: {
    test: (w) =>
      [w.pod, ...arr(w.pod.containers)].every((x) => {
        const hp = x.securityContext?.windowsOptions?.hostProcess;
        return hp === undefined || hp === false;
      }),
  },
  procMount: {
    test: (w) =>
      arr(w.pod.containers).every((c) => c.securityContext?.procMount === undefined || c.securityContext.procMount === 'Default'),
  },
  priorityClassNotSet: { test: (w) => w.pod.priorityClassName !== undefined },
  topologySpreadConstraint: { excludeKinds: ['Job', 'CronJob'], test: (w) => arr(w.pod.topologySpreadConstraints).length >= 1 },
  automountServiceAccountToken: {
    test: (w, all) => {
      if (w.pod.automountServiceAccountToken === true) return false;
      if (w.pod.automountServiceAccountToken === false) return true;
      const name = w.pod.serviceAccountName ?? '';
      return sameNamespace(all, 'ServiceAccount', w.source.metadata.namespace).some(
        (sa) => sa.metadata.name === name && sa.automountServiceAccountToken === false,
      );
    },
  },
  // A NetworkPolicy whose podSelector.matchLabels names exactly one of the pod's labels (JSON
  // schema `oneOf` over the labels) and that has ingress and egress rules and both policy types.
  missingNetworkPolicy: {
    test: (w, all) => {
      const labels = obj(w.template.metadata?.labels);
      if (Object.keys(labels).length === 0) return false;
      return sameNamespace(all, 'NetworkPolicy', w.source.metadata.namespace).some((np) => {
        const s = obj(np.spec);
        const match = s.podSelector?.matchLabels;
        if (typeof match !== 'object' || match === null) return false;
        const named = Object.entries(labels).filter(([k, v]) => match[k] === v).length;
        return (
          named === 1 &&
          arr(s.egress).length >= 1 &&
          arr(s.ingress).length >= 1 &&
          arr(s.policyTypes).some((t) => /^egress$/i.test(t)) &&
          arr(s.policyTypes).some((t) => /^ingress$/i.test(t))
        );
      });
    },
  },
};

/** The first PDB (in any namespace, as Polaris's custom check looks) one of whose matchLabels the pod template carries. */
const attachedPdb = (w: Workload, all: readonly Obj[]): Obj | undefined => {
  const labels = obj(w.template.metadata?.labels);
  return all.find(
    (p) => p.kind === 'PodDisruptionBudget' && Object.entries(obj(p.spec?.selector?.matchLabels)).some(([k, v]) => labels[k] === v),
  );
};

const CONTROLLER_CHECKS: Record<string, { readonly test: PodCheck; readonly includeKinds?: readonly string[] }> = {
  deploymentMissingReplicas: { includeKinds: ['Deployment'], test: (w) => isInt(w.replicas) && w.replicas >= 2 },
  metadataAndInstanceMismatched: { test: (w) => obj(w.source.metadata.labels)['app.kubernetes.io/instance'] === w.source.metadata.name },
  missingPodDisruptionBudget: {
    includeKinds: ['Deployment'],
    test: (w, all) => {
      const labels = obj(w.template.metadata?.labels);
      if (Object.keys(labels).length === 0) return false;
      return sameNamespace(all, 'PodDisruptionBudget', w.source.metadata.namespace).some((p) =>
        Object.entries(obj(p.spec?.selector?.matchLabels)).some(([k, v]) => labels[k] === v),
      );
    },
  },
  pdbMinAvailableGreaterThanHPAMinReplicas: {
    includeKinds: ['Deployment'],
    test: (w, all) => {
      const pdb = attachedPdb(w, all);
      const hpa = all.find(
        (h) =>
          h.kind === 'HorizontalPodAutoscaler' &&
          h.spec?.scaleTargetRef?.kind === 'Deployment' &&
          h.spec.scaleTargetRef.name === w.source.metadata.name,
      );
      const min = pdb?.spec?.minAvailable;
      const hpaMin = hpa?.spec?.minReplicas;
      if (min === undefined || !isInt(hpaMin)) return true;
      const needed = typeof min === 'string' ? (/^\d+%$/.test(min) ? Math.ceil((parseInt(min, 10) * hpaMin) / 100) : 0) : min;
      return needed <= hpaMin;
    },
  },
};

/** pods/exec or pods/attach reachable by a rule: core or `*` group, exec/attach or `*` resource, get/create or `*` verb. */
const allowsExec = (rule: Obj): boolean =>
  arr(rule.apiGroups).some((g) => g === '' || g === '*') &&
  arr(rule.resources).some((r) => r === '*' || r === 'pods/exec' || r === 'pods/attach') &&
  arr(rule.verbs).some((v) => v === '*' || v === 'get' || v === 'create');
const WILDCARD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const isWildcard = (rule: Obj): boolean => {
  if (!has(rule.apiGroups, '*') || !arr(rule.resources).includes('*')) return false;
  const verbs = arr(rule.verbs);
  const star = verbs.includes('*');
  const all7 = verbs.length >= 7 && new Set(verbs).size === verbs.length && verbs.every((v) => WILDCARD_VERBS.includes(String(v)));
  return star !== all7;
};
const systemName = (n: string): boolean => n.startsWith('system:') || n === 'gce:podsecuritypolicy:calico-sa';
const roleRefTo = (b: Obj, kind: string, all: readonly Obj[]): Obj[] =>
  (kind === 'ClusterRole' ? all.filter((o) => o.kind === kind) : sameNamespace(all, kind, b.metadata.namespace)).filter(
    (r) => r.metadata.name === b.roleRef?.name,
  );
const refIs = (b: Obj, kind: string): boolean =>
  b.roleRef?.kind === kind && b.roleRef?.apiGroup === 'rbac.authorization.k8s.io' && nonEmpty(b.roleRef?.name);

type KindCheck = (o: Obj, all: readonly Obj[]) => boolean;
const KIND_CHECKS: Record<string, { readonly kind: string; readonly test: KindCheck }> = {
  tlsSettingsMissing: { kind: 'Ingress', test: (o) => Array.isArray(o.spec?.tls) },
  pdbDisruptionsIsZero: {
    kind: 'PodDisruptionBudget',
    test: (o) => o.spec !== undefined && o.spec.minAvailable !== '100%' && o.spec.maxUnavailable !== 0 && o.spec.maxUnavailable !== '0%',
  },
  hpaMaxAvailability: {
    kind: 'HorizontalPodAutoscaler',
    test: (o) => {
      const { minReplicas: min, maxReplicas: max } = obj(o.spec);
      if (!isInt(max) || max < 1 || (min !== undefined && (!isInt(min) || min < 1))) return false;
      return min ? max > min : true;
    },
  },
  hpaMinAvailability: {
    kind: 'HorizontalPodAutoscaler',
    test: (o) => o.spec?.minReplicas === undefined || (isInt(o.spec.minReplicas) && o.spec.minReplicas >= 2),
  },
  sensitiveConfigmapContent: {
    kind: 'ConfigMap',
    test: (o) => Object.entries(obj(o.data)).every(([k, v]) => !sensitiveName(k) && !PRIVATE_KEY.test(String(v))),
  },
  clusterrolePodExecAttach: {
    kind: 'ClusterRole',
    test: (o) =>
      ['admin', 'cluster-admin', 'edit'].includes(o.metadata.name) ||
      systemName(o.metadata.name) ||
      (Array.isArray(o.rules) && !o.rules.some(allowsExec)),
  },
  rolePodExecAttach: { kind: 'Role', test: (o) => systemName(o.metadata.name) || (Array.isArray(o.rules) && !o.rules.some(allowsExec)) },
  clusterrolebindingPodExecAttach: {
    kind: 'ClusterRoleBinding',
    test: (o, all) =>
      o.metadata.name === 'cluster-admin' ||
      systemName(o.metadata.name) ||
      (refIs(o, 'ClusterRole') &&
        (o.roleRef.name === 'view' || roleRefTo(o, 'ClusterRole', all).some((r) => !arr(r.rules).some(allowsExec)))),
  },
  clusterrolebindingClusterAdmin: {
    kind: 'ClusterRoleBinding',
    test: (o, all) =>
      o.metadata.name === 'cluster-admin' ||
      systemName(o.metadata.name) ||
      (refIs(o, 'ClusterRole') &&
        o.roleRef.name !== 'cluster-admin' &&
        (o.roleRef.name === 'view' || roleRefTo(o, 'ClusterRole', all).some((r) => !arr(r.rules).some(isWildcard)))),
  },
  rolebindingClusterRolePodExecAttach: {
    kind: 'RoleBinding',
    test: (o, all) =>
      o.roleRef?.kind === 'Role' ||
      systemName(o.metadata.name) ||
      (refIs(o, 'ClusterRole') && roleRefTo(o, 'ClusterRole', all).some((r) => !arr(r.rules).some(allowsExec))),
  },
  rolebindingRolePodExecAttach: {
    kind: 'RoleBinding',
    test: (o, all) => {
      if (refIs(o, 'ClusterRole') || systemName(o.metadata.name)) return sameNamespace(all, 'Role', o.metadata.namespace).length > 0;
      return refIs(o, 'Role') && roleRefTo(o, 'Role', all).some((r) => !arr(r.rules).some(allowsExec));
    },
  },
  rolebindingClusterAdminClusterRole: {
    kind: 'RoleBinding',
    test: (o, all) =>
      o.roleRef?.kind === 'Role' ||
      systemName(o.metadata.name) ||
      (refIs(o, 'ClusterRole') &&
        o.roleRef.name !== 'cluster-admin' &&
        roleRefTo(o, 'ClusterRole', all).some((r) => !arr(r.rules).some(isWildcard))),
  },
  rolebindingClusterAdminRole: {
    kind: 'RoleBinding',
    test: (o, all) => {
      if (o.roleRef?.kind === 'ClusterRole' || systemName(o.metadata.name))
        return sameNamespace(all, 'Role', o.metadata.namespace).length > 0;
      return refIs(o, 'Role') && roleRefTo(o, 'Role', all).some((r) => !arr(r.rules).some(isWildcard));
    },
  },
};

/** Reliakit's addition: a Traefik IngressRoute terminates TLS, as tlsSettingsMissing asks of an Ingress. */
const ingressRouteTls = (o: Obj): boolean => o.kind === 'IngressRoute' && /^traefik\./.test(o.apiVersion);

function exempt(o: Obj, check: string): boolean {
  const a = obj(o.metadata?.annotations);
  return String(a['polaris.fairwinds.com/exempt']).toLowerCase() === 'true' || String(a[polarisExemption(check)]).toLowerCase() === 'true';
}

/** Runs every default check over `objects` (one environment's tree, or one system's apps and data layer). */
export function polarisAudit(objects: readonly Manifest[]): PolarisAudit {
  const results: PolarisResult[] = [];
  const exempted: string[] = [];
  const run = (o: Obj, check: string, target: string, test: () => boolean): void => {
    if (exempt(o, check)) {
      if (!exempted.includes(`${check}: ${nameOf(o)}`)) exempted.push(`${check}: ${nameOf(o)}`);
      return;
    }
    results.push({ check, severity: POLARIS_DEFAULT_CHECKS[check], target, success: test() });
  };
  for (const o of objects) {
    const w = workloadOf(o);
    if (w) {
      for (const [id, def] of Object.entries(CONTROLLER_CHECKS)) {
        if (!def.includeKinds || def.includeKinds.includes(w.kind)) run(o, id, nameOf(o), () => def.test(w, objects));
      }
      for (const [id, def] of Object.entries(POD_CHECKS)) {
        if (!def.excludeKinds?.includes(w.kind)) run(o, id, nameOf(o), () => def.test(w, objects));
      }
      const containers = [
        ...arr(w.pod.initContainers).map((c) => ({ c, init: true })),
        ...arr(w.pod.containers).map((c) => ({ c, init: false })),
      ];
      for (const { c, init } of containers) {
        for (const [id, def] of Object.entries(CONTAINER_CHECKS)) {
          if ((init && def.skipInit) || def.excludeKinds?.includes(w.kind)) continue;
          run(o, id, `${nameOf(o)} container ${c.name}`, () => def.test(c, w));
        }
      }
    }
    for (const [id, def] of Object.entries(KIND_CHECKS)) {
      if (o.kind === def.kind) run(o, id, nameOf(o), () => def.test(o, objects));
    }
    if (ingressRouteTls(o)) run(o, 'tlsSettingsMissing', nameOf(o), () => typeof o.spec?.tls === 'object' && o.spec.tls !== null);
  }
  const failed = results.filter((r) => !r.success);
  const successes = results.length - failed.length;
  const warnings = failed.filter((r) => r.severity === 'warning').length;
  const dangers = failed.length - warnings;
  return {
    results,
    failures: failed.map((r) => `${r.check}: ${r.target}`),
    exempted,
    successes,
    warnings,
    dangers,
    score: polarisScore(successes, warnings, dangers),
  };
}
