/**
 * A Kubernetes NetworkPolicy evaluator: would the cluster's policies let one endpoint open a
 * connection to another? Hand-written because no npm library evaluates NetworkPolicies (the
 * `kubectl`-side tools — cyclonus, np-viewer — are Go programs); pure functions over plain
 * manifests, so the stack invariants and, later, the CLI audit can share it.
 *
 * Semantics (networking.k8s.io/v1, https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * - a pod is isolated for ingress (egress) iff some policy in its namespace selects it with that
 *   policy type (`policyTypes` defaults to Ingress, plus Egress when the policy has egress rules);
 *   an isolated pod accepts (opens) only what the union of those policies' rules allows;
 * - a connection needs both the source's egress and the destination's ingress to allow it;
 * - a rule without `from`/`to` admits every peer, without `ports` every port; a peer with both
 *   `namespaceSelector` and `podSelector` requires both (AND), `podSelector` alone means the
 *   policy's own namespace, `namespaceSelector` alone every pod of the matching namespaces;
 * - `ipBlock` (IPv4 here) matches addresses outside the cluster's pods: an IP endpoint, never a pod;
 *   `except` cuts holes;
 * - a port is a number (with `endPort`, a range) or a name resolved against the destination
 *   pod's container ports; `protocol` defaults to TCP.
 * Endpoints outside the cluster (IPs) have no policies: their side always allows.
 */

/** A label selector (`matchLabels` AND every `matchExpressions` requirement); `{}` selects everything. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: readonly string[] }>;
}

export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface PolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** The parts of a NetworkPolicy manifest the evaluator reads. */
export interface NetworkPolicyObject {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: ReadonlyArray<{ readonly from?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }>;
    readonly egress?: ReadonlyArray<{ readonly to?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }>;
  };
}

/** A container port, for named-port resolution. */
export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

/** A pod: its namespace, labels and (for named ports) container ports. */
export interface PodEndpoint {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports?: readonly ContainerPort[];
  /** What to call it in messages. */
  readonly name?: string;
}

/** An address outside the cluster's pods (the API server, a cloud endpoint). */
export interface IpEndpoint {
  readonly ip: string;
  readonly name?: string;
}

export type Endpoint = PodEndpoint | IpEndpoint;

/** A connection attempt: `from` opens `protocol`/`port` on `to`. */
export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** Everything the evaluation reads: the policies, and the labels of each namespace by name. */
export interface PolicyWorld {
  readonly policies: readonly NetworkPolicyObject[];
  /** Namespace labels by name; a namespace not listed has just `kubernetes.io/metadata.name`. */
  readonly namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface Verdict {
  readonly allowed: boolean;
  /** Why: which side denied it, or the policies that admit it on each side. */
  readonly reason: string;
}

export function isPod(e: Endpoint): e is PodEndpoint {
  return 'namespace' in e;
}

/** Whether `labels` satisfy `selector` (Kubernetes label-selector semantics). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  const labelsOk = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const exprsOk = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        throw new Error(`unknown label selector operator '${e.operator}'`);
    }
  });
  return labelsOk && exprsOk;
}

function ipv4(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`'${address}' is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/** Whether `ip` lies in the IPv4 `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText ?? '32');
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`'${cidr}' is not an IPv4 CIDR`);
  const size = 2 ** (32 - bits);
  const start = Math.floor(ipv4(base) / size) * size;
  const addr = ipv4(ip);
  return addr >= start && addr < start + size;
}

function namespaceLabels(world: PolicyWorld, name: string): Record<string, string> {
  return { ...(world.namespaceLabels?.[name] ?? {}), 'kubernetes.io/metadata.name': name };
}

/** Whether `peer` of a policy in `policyNamespace` matches endpoint `e`. */
export function peerMatches(world: PolicyWorld, policyNamespace: string, peer: PolicyPeer, e: Endpoint): boolean {
  if (peer.ipBlock) {
    if (isPod(e)) return false;
    return cidrContains(peer.ipBlock.cidr, e.ip) && !(peer.ipBlock.except ?? []).some((x) => cidrContains(x, e.ip));
  }
  if (!isPod(e)) return false;
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  const nsOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, namespaceLabels(world, e.namespace))
    : e.namespace === policyNamespace;
  return nsOk && selectorMatches(peer.podSelector, e.labels);
}

/** Whether `p` admits `port`/`protocol` on `destination` (named ports resolve against its containers). */
export function portMatches(p: PolicyPort, port: number, protocol: string, destination: Endpoint): boolean {
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'string') {
    if (!isPod(destination)) return false;
    return (destination.ports ?? []).some((c) => c.name === p.port && c.containerPort === port && (c.protocol ?? 'TCP') === protocol);
  }
  return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
}

function policyTypes(policy: NetworkPolicyObject): readonly string[] {
  return policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** The policies of `pod`'s namespace that select it for `direction`. */
export function selectingPolicies(world: PolicyWorld, pod: PodEndpoint, direction: 'Ingress' | 'Egress'): NetworkPolicyObject[] {
  return world.policies.filter(
    (p) =>
      (p.metadata.namespace ?? '') === pod.namespace &&
      policyTypes(p).includes(direction) &&
      selectorMatches(p.spec.podSelector, pod.labels),
  );
}

function sideAllows(
  world: PolicyWorld,
  self: Endpoint,
  other: Endpoint,
  direction: 'Ingress' | 'Egress',
  port: number,
  protocol: string,
  destination: Endpoint,
): { allowed: boolean; by: string[]; isolated: boolean } {
  if (!isPod(self)) return { allowed: true, by: [], isolated: false };
  const policies = selectingPolicies(world, self, direction);
  if (policies.length === 0) return { allowed: true, by: [], isolated: false };
  const by = policies.filter((policy) => {
    const rules =
      direction === 'Ingress'
        ? (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))
        : (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    return rules.some(
      (r) =>
        (r.peers === undefined || r.peers.length === 0 || r.peers.some((peer) => peerMatches(world, self.namespace, peer, other))) &&
        (r.ports === undefined || r.ports.length === 0 || r.ports.some((p) => portMatches(p, port, protocol, destination))),
    );
  });
  return { allowed: by.length > 0, by: by.map((p) => p.metadata.name), isolated: true };
}

function describe(e: Endpoint): string {
  if (e.name) return e.name;
  return isPod(e) ? `pod ${JSON.stringify(e.labels)} in ${e.namespace}` : e.ip;
}

/** Whether the policies let `c.from` open `c.protocol`/`c.port` on `c.to`, and why. */
export function evaluateConnection(world: PolicyWorld, c: Connection): Verdict {
  const protocol = c.protocol ?? 'TCP';
  const egress = sideAllows(world, c.from, c.to, 'Egress', c.port, protocol, c.to);
  const ingress = sideAllows(world, c.to, c.from, 'Ingress', c.port, protocol, c.to);
  const what = `${describe(c.from)} → ${describe(c.to)} ${protocol}/${c.port}`;
  if (!egress.allowed) return { allowed: false, reason: `${what}: no egress rule of the source's policies allows it` };
  if (!ingress.allowed) return { allowed: false, reason: `${what}: no ingress rule of the destination's policies admits it` };
  const side = (s: { by: string[]; isolated: boolean }) => (s.isolated ? s.by.join(', ') : 'not isolated');
  return { allowed: true, reason: `${what}: egress ${side(egress)}; ingress ${side(ingress)}` };
}
