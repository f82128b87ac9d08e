/**
 * Invariants from the production review II (issue #13), finding 6, over each environment's whole
 * tree: every system namespace denies by default in both directions, every dependency the objects
 * declare still connects under that default-deny, and undeclared pairs do not. Connections are
 * evaluated with the NetworkPolicy semantics of test/support/network-policy-eval.ts; the pods are
 * modelled from the objects (workload templates, CNPG instances and poolers, Litmus pods) plus
 * the platform pods the tree installs through Helm (Prometheus, Traefik, the CNPG operator) and
 * kube-dns.
 */
import { buildApp } from '../../stacks/main';
import {
  evaluateConnection,
  Endpoint,
  IpEndpoint,
  NetworkPolicyObject,
  peerMatches,
  PodEndpoint,
  PolicyWorld,
  selectorMatches,
} from '../support/network-policy-eval';
import { Manifest } from '../support/synth';
import { environmentTrees } from '../support/tree';

const app = buildApp();
const dirs = app.render();
const trees = [...environmentTrees(dirs).entries()];

/** Addresses standing for endpoints outside the pods: kubeadm's and a managed control plane's API server, a public S3 address. */
const API_SERVERS: Array<{ ip: IpEndpoint; port: number }> = [
  { ip: { ip: '10.96.0.10', name: 'API server (kubeadm)' }, port: 6443 },
  { ip: { ip: '172.20.0.5', name: 'API server (managed)' }, port: 443 },
];
const PUBLIC_ADDRESS = '52.216.8.1';
const DNS: PodEndpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, name: 'kube-dns' };

interface ModelPod extends PodEndpoint {
  readonly name: string;
  /** The object it comes from. */
  readonly owner: Manifest;
  readonly role: 'workload' | 'cnpg-instance' | 'cnpg-pooler' | 'litmus-runner' | 'litmus-experiment' | 'platform';
}

const templateOf = (o: Manifest): Manifest | undefined =>
  o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : ['Deployment', 'StatefulSet'].includes(o.kind) ? o.spec.template : undefined;

/** The namespace a Helm chart of the tree installs into. */
function chartNamespace(objects: readonly Manifest[], chart: string): string {
  const release = objects.find((o) => o.kind === 'HelmRelease' && o.spec.chart.spec.chart === chart);
  if (!release) throw new Error(`no HelmRelease of chart ${chart}`);
  return release.spec.targetNamespace ?? release.metadata.namespace;
}

/** Every pod the tree runs (or the operators it installs run for it), with labels and ports. */
function modelPods(objects: readonly Manifest[]): ModelPod[] {
  const pods: ModelPod[] = [];
  for (const o of objects) {
    const t = templateOf(o);
    if (t) {
      pods.push({
        name: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
        namespace: o.metadata.namespace,
        labels: t.metadata.labels,
        ports: (t.spec.containers as Manifest[]).flatMap((c) => c.ports ?? []),
        owner: o,
        role: 'workload',
      });
    } else if (o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io')) {
      // CNPG's instance pods: labels and ports as the operator sets them.
      for (const role of o.spec.instances > 1 ? ['primary', 'replica'] : ['primary']) {
        pods.push({
          name: `CNPG ${role} ${o.metadata.namespace}/${o.metadata.name}`,
          namespace: o.metadata.namespace,
          labels: { 'cnpg.io/cluster': o.metadata.name, 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceRole': role, role },
          ports: [
            { name: 'postgresql', containerPort: 5432 },
            { name: 'metrics', containerPort: 9187 },
            { name: 'status', containerPort: 8000 },
          ],
          owner: o,
          role: 'cnpg-instance',
        });
      }
    } else if (o.kind === 'Pooler' && o.apiVersion.startsWith('postgresql.cnpg.io')) {
      pods.push({
        name: `CNPG pooler ${o.metadata.namespace}/${o.metadata.name}`,
        namespace: o.metadata.namespace,
        labels: { 'cnpg.io/poolerName': o.metadata.name, 'cnpg.io/podRole': 'pooler', 'cnpg.io/cluster': o.spec.cluster.name },
        ports: [
          { name: 'pgbouncer', containerPort: 5432 },
          { name: 'metrics', containerPort: 9127 },
        ],
        owner: o,
        role: 'cnpg-pooler',
      });
    } else if (o.kind === 'ChaosEngine') {
      // The runner carries the operator's `app` label and the engine's runnerLabels; the experiment
      // (and its helper) pods the hub definition's labels.
      pods.push({
        name: `Litmus runner ${o.metadata.namespace}/${o.metadata.name}`,
        namespace: o.metadata.namespace,
        labels: { app: o.metadata.name, ...(o.spec.components?.runner?.runnerLabels ?? {}) },
        owner: o,
        role: 'litmus-runner',
      });
      for (const e of o.spec.experiments as Manifest[]) {
        const definition = objects.find(
          (d) => d.kind === 'ChaosExperiment' && d.metadata.name === e.name && d.metadata.namespace === o.metadata.namespace,
        );
        if (!definition) throw new Error(`ChaosEngine ${o.metadata.name}: no ChaosExperiment ${e.name} in its namespace`);
        pods.push({
          name: `Litmus experiment ${o.metadata.namespace}/${o.metadata.name}`,
          namespace: o.metadata.namespace,
          labels: { ...definition.spec.definition.labels, 'job-name': `${e.name}-x` },
          owner: o,
          role: 'litmus-experiment',
        });
      }
    }
  }
  const platform = (namespace: string, labels: Record<string, string>, name: string): ModelPod => ({
    name,
    namespace,
    labels,
    owner: {},
    role: 'platform',
  });
  pods.push(platform(chartNamespace(objects, 'kube-prometheus-stack'), { 'app.kubernetes.io/name': 'prometheus' }, 'Prometheus'));
  pods.push(platform(chartNamespace(objects, 'traefik'), { 'app.kubernetes.io/name': 'traefik' }, 'Traefik'));
  pods.push(platform(chartNamespace(objects, 'cloudnative-pg'), { 'app.kubernetes.io/name': 'cloudnative-pg' }, 'CNPG operator'));
  return pods;
}

/** The namespaces the system charts create (Reliakit's namespace component). */
const systemNamespaces = (objects: readonly Manifest[]): string[] =>
  objects
    .filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['app.kubernetes.io/component'] === 'namespace')
    .map((o) => o.metadata.name);

/** One connection a declaration in the tree needs. */
interface Edge {
  readonly why: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol?: string;
}

function selectedBy(pods: readonly ModelPod[], namespace: string, selector: Manifest | undefined): ModelPod[] {
  return pods.filter((p) => p.namespace === namespace && Object.entries(selector ?? {}).every(([k, v]) => p.labels[k] === v));
}

/** The container port a Service port (by number or name) reaches in `pod`. */
function containerPort(service: Manifest, port: number | string, pod: ModelPod): number | undefined {
  const sp = (service.spec.ports as Manifest[]).find((p) => p.port === port || p.name === port);
  if (!sp) return undefined;
  const target = sp.targetPort ?? sp.port;
  return typeof target === 'number' ? target : pod.ports?.find((c) => c.name === target)?.containerPort;
}

/**
 * Where a host (`svc.ns[.svc…]`, or a URL's host) leads: the pods of a Service of the tree, of a CNPG
 * Service (`<cluster>-rw|ro|r`, a Pooler's name), a pod of a namespace outside the tree (labels
 * unknown: only namespace-wide rules reach it), or a public address.
 */
function resolveHost(
  objects: readonly Manifest[],
  pods: readonly ModelPod[],
  host: string,
  port: number,
): Array<{ to: Endpoint; port: number }> {
  const labels = host.split('.');
  const inCluster = labels.length === 2 || (labels.length >= 3 && labels[2] === 'svc');
  if (!inCluster) return [{ to: { ip: PUBLIC_ADDRESS, name: host }, port }];
  const [name, namespace] = labels;
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace);
  if (service) {
    return selectedBy(pods, namespace, service.spec.selector).flatMap((p) => {
      const cp = containerPort(service, port, p);
      return cp === undefined ? [] : [{ to: p, port: cp }];
    });
  }
  const cluster = pods.find(
    (p) =>
      p.role === 'cnpg-instance' && p.namespace === namespace && [`-rw`, `-ro`, `-r`].some((s) => `${p.owner.metadata.name}${s}` === name),
  );
  if (cluster) return pods.filter((p) => p.owner === cluster.owner).map((p) => ({ to: p, port }));
  const pooler = pods.filter((p) => p.role === 'cnpg-pooler' && p.namespace === namespace && p.owner.metadata.name === name);
  if (pooler.length > 0) return pooler.map((p) => ({ to: p, port }));
  // A Service an operator makes in a platform namespace (prometheus-operated): its platform pod.
  const platform = pods.filter((p) => p.role === 'platform' && p.namespace === namespace);
  if (platform.length > 0) return platform.map((p) => ({ to: p, port }));
  if (systemNamespaces(objects).includes(namespace)) {
    throw new Error(`host ${host}: no Service ${name} in namespace ${namespace} of the tree`);
  }
  return [{ to: { namespace, labels: {}, name: `a pod of namespace ${namespace} (outside the tree)` }, port }];
}

/** The hosts pods dial, from their env: `*_HOST` with its `*_PORT`, and URLs or `host:port` values. */
function envEdges(objects: readonly Manifest[], pods: readonly ModelPod[]): Edge[] {
  const edges: Edge[] = [];
  for (const pod of pods.filter((p) => p.role === 'workload')) {
    const t = templateOf(pod.owner) as Manifest;
    for (const c of t.spec.containers as Manifest[]) {
      const env = (c.env ?? []) as Manifest[];
      for (const e of env.filter((x) => typeof x.value === 'string')) {
        let host: string | undefined;
        let port: number | undefined;
        const url = /^([a-z][a-z0-9+.-]*):\/\/([^/:]+)(?::(\d+))?/i.exec(e.value);
        const hostPort = /^([a-z0-9-]+(?:\.[a-z0-9-]+)+):(\d+)$/i.exec(e.value);
        if (url && !['localhost', '0.0.0.0'].includes(url[2])) {
          host = url[2];
          port = url[3] ? Number(url[3]) : url[1] === 'https' ? 443 : 80;
        } else if (hostPort && !/^\d/.test(hostPort[1])) {
          host = hostPort[1];
          port = Number(hostPort[2]);
        } else if (/HOST$/.test(e.name) && /^[a-z0-9-]+\.[a-z0-9-]+(\.svc.*)?$/.test(e.value)) {
          host = e.value;
          const sibling = env.find((x) => x.name === e.name.replace(/HOST$/, 'PORT'));
          port = sibling ? Number(sibling.value) : undefined;
        }
        if (!host || port === undefined) continue;
        for (const r of resolveHost(objects, pods, host, port)) {
          edges.push({ why: `${pod.name} env ${e.name}=${e.value}`, from: pod, to: r.to, port: r.port });
        }
      }
    }
  }
  return edges;
}

/** Every edge the tree's objects declare. */
function declaredEdges(objects: readonly Manifest[], pods: readonly ModelPod[], world: PolicyWorld, namespaces: readonly string[]): Edge[] {
  const edges: Edge[] = [];
  const inSystem = pods.filter((p) => namespaces.includes(p.namespace));
  const prometheus = pods.find((p) => p.name === 'Prometheus') as ModelPod;
  const traefik = pods.find((p) => p.name === 'Traefik') as ModelPod;
  const operator = pods.find((p) => p.name === 'CNPG operator') as ModelPod;

  // Every pod resolves names.
  for (const p of inSystem) {
    edges.push({ why: 'DNS (UDP)', from: p, to: DNS, port: 53, protocol: 'UDP' });
    edges.push({ why: 'DNS (TCP)', from: p, to: DNS, port: 53 });
  }
  // Each side of every NetworkPolicy rule naming pods is honoured by the other side: what a
  // workload's egress names admits it, and whoever a workload admits may reach it (ReliableService
  // dependencies and ingressFrom, database and cache clients, backup jobs, sentinels, probes).
  const policies = world.policies as NetworkPolicyObject[];
  for (const np of policies.filter((x) => namespaces.includes(x.metadata.namespace ?? ''))) {
    const own = inSystem.filter((p) => p.namespace === np.metadata.namespace && selectorMatches(np.spec.podSelector, p.labels));
    const numbered = (ports: readonly Manifest[] | undefined) =>
      (ports ?? []).filter((p) => typeof p.port === 'number' && (p.protocol ?? 'TCP') === 'TCP');
    for (const rule of np.spec.egress ?? []) {
      for (const peer of (rule.to ?? []).filter((x) => !x.ipBlock)) {
        for (const dst of pods.filter((p) => peerMatches(world, np.metadata.namespace as string, peer, p))) {
          for (const port of numbered(rule.ports as Manifest[])) {
            for (const src of own) edges.push({ why: `egress of NetworkPolicy ${np.metadata.name}`, from: src, to: dst, port: port.port });
          }
        }
      }
    }
    for (const rule of np.spec.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        for (const src of pods.filter((p) => peerMatches(world, np.metadata.namespace as string, peer, p))) {
          for (const port of numbered(rule.ports as Manifest[])) {
            for (const dst of own) edges.push({ why: `ingress of NetworkPolicy ${np.metadata.name}`, from: src, to: dst, port: port.port });
          }
        }
      }
    }
  }
  // Clients reach what their env names (database, pooler, cache, object store, other services).
  edges.push(...envEdges(objects, pods));
  // Traefik reaches each routed Service's pods.
  for (const ir of objects.filter((o) => o.kind === 'IngressRoute')) {
    for (const route of ir.spec.routes as Manifest[]) {
      for (const s of (route.services as Manifest[]).filter((x) => (x.kind ?? 'Service') === 'Service')) {
        for (const r of resolveHost(objects, pods, `${s.name}.${s.namespace ?? ir.metadata.namespace}`, s.port)) {
          edges.push({ why: `IngressRoute ${ir.metadata.name} → ${s.name}:${s.port}`, from: traefik, to: r.to, port: r.port });
        }
      }
    }
  }
  // Prometheus scrapes every ServiceMonitor and PodMonitor port.
  for (const m of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    for (const ns of m.spec.namespaceSelector?.matchNames ?? [m.metadata.namespace]) {
      const services = objects.filter(
        (s) =>
          s.kind === 'Service' &&
          s.metadata.namespace === ns &&
          Object.entries(m.spec.selector.matchLabels ?? {}).every(([k, v]) => s.metadata.labels?.[k] === v) &&
          (m.spec.selector.matchExpressions ?? []).every(
            (e: Manifest) => e.operator !== 'DoesNotExist' || !(e.key in (s.metadata.labels ?? {})),
          ),
      );
      for (const s of services) {
        for (const ep of m.spec.endpoints as Manifest[]) {
          for (const p of selectedBy(pods, ns, s.spec.selector)) {
            const port = containerPort(s, ep.port, p);
            if (port === undefined) throw new Error(`ServiceMonitor ${m.metadata.name}: Service ${s.metadata.name} has no port ${ep.port}`);
            edges.push({ why: `ServiceMonitor ${m.metadata.name}`, from: prometheus, to: p, port });
          }
        }
      }
    }
  }
  for (const m of objects.filter((o) => o.kind === 'PodMonitor')) {
    for (const p of selectedBy(pods, m.metadata.namespace, m.spec.selector.matchLabels)) {
      for (const ep of m.spec.podMetricsEndpoints as Manifest[]) {
        const port = p.ports?.find((c) => c.name === ep.port)?.containerPort;
        if (port === undefined) throw new Error(`PodMonitor ${m.metadata.name}: pod ${p.name} has no port ${ep.port}`);
        edges.push({ why: `PodMonitor ${m.metadata.name}`, from: prometheus, to: p, port });
      }
    }
  }
  // CNPG: replication and status between instances, the operator to each instance manager,
  // instances and poolers to the API server, poolers to the instances, WAL archiving.
  for (const a of inSystem.filter((p) => p.role === 'cnpg-instance')) {
    for (const b of inSystem.filter((p) => p.role === 'cnpg-instance' && p.owner === a.owner && p !== a)) {
      edges.push({ why: 'CNPG streaming replication', from: a, to: b, port: 5432 });
      edges.push({ why: 'CNPG instance status', from: a, to: b, port: 8000 });
    }
    edges.push({ why: 'CNPG operator → instance manager', from: operator, to: a, port: 8000 });
    const store = objects.find(
      (o) =>
        o.kind === 'ObjectStore' &&
        o.metadata.namespace === a.namespace &&
        a.owner.spec.plugins?.some((p: Manifest) => p.parameters?.barmanObjectName === o.metadata.name),
    );
    const endpoint = store?.spec.configuration.endpointURL ?? a.owner.spec.backup?.barmanObjectStore?.endpointURL;
    if (store || a.owner.spec.backup?.barmanObjectStore) {
      const url = new URL(endpoint ?? 'https://s3.amazonaws.com');
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      for (const r of resolveHost(objects, pods, url.hostname, port))
        edges.push({ why: `WAL archive to ${url.host}`, from: a, to: r.to, port: r.port });
    }
  }
  for (const p of inSystem.filter((x) => x.role === 'cnpg-pooler')) {
    for (const i of inSystem.filter(
      (x) => x.role === 'cnpg-instance' && x.owner.metadata.name === p.owner.spec.cluster.name && x.labels.role === 'primary',
    )) {
      edges.push({ why: 'PgBouncer → primary', from: p, to: i, port: 5432 });
    }
  }
  // Everything that talks to the API server: CNPG's instance managers, the chaos schedule, Litmus.
  const apiClients = inSystem.filter(
    (p) =>
      ['cnpg-instance', 'cnpg-pooler', 'litmus-runner', 'litmus-experiment'].includes(p.role) ||
      p.labels['app.kubernetes.io/component'] === 'chaos-schedule',
  );
  for (const p of apiClients) for (const a of API_SERVERS) edges.push({ why: 'API server', from: p, to: a.ip, port: a.port });
  // Litmus steady-state probes, from the experiment pods.
  for (const p of inSystem.filter((x) => x.role === 'litmus-experiment')) {
    for (const e of p.owner.spec.experiments as Manifest[]) {
      for (const probe of (e.spec.probe ?? []) as Manifest[]) {
        const address = probe['httpProbe/inputs']?.url ?? probe['promProbe/inputs']?.endpoint;
        const url = new URL(address);
        const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
        for (const r of resolveHost(objects, pods, url.hostname, port))
          edges.push({ why: `probe ${probe.name} → ${address}`, from: p, to: r.to, port: r.port });
      }
    }
  }
  return edges;
}

const label = (e: Endpoint) => e.name ?? JSON.stringify(e);

describe.each(trees)('%s tree', (env, entries) => {
  const objects = entries.map((e) => e.object);
  const pods = modelPods(objects);
  const namespaces = systemNamespaces(objects);
  const world: PolicyWorld = { policies: objects.filter((o) => o.kind === 'NetworkPolicy') as NetworkPolicyObject[] };
  const connects = (from: Endpoint, to: Endpoint, port: number, protocol?: string) =>
    evaluateConnection(world, { from, to, port, protocol });
  const pod = (name: string): ModelPod => {
    const found = pods.find((p) => p.name === name);
    if (!found) throw new Error(`no pod ${name} in the ${env} tree`);
    return found;
  };

  test('every system namespace denies ingress and egress by default', () => {
    expect(namespaces.length).toBeGreaterThanOrEqual(5);
    for (const ns of namespaces) {
      const stranger: PodEndpoint = { namespace: ns, labels: { run: 'debug' }, name: `an unlabelled pod in ${ns}` };
      const denyAll = world.policies.filter(
        (p) =>
          p.metadata.namespace === ns &&
          Object.keys(p.spec.podSelector).length === 0 &&
          p.spec.policyTypes?.includes('Ingress') &&
          p.spec.policyTypes?.includes('Egress') &&
          !p.spec.ingress &&
          !p.spec.egress,
      );
      expect([ns, denyAll.length]).toEqual([ns, 1]);
      // Nothing reaches a pod no workload policy opens, and it reaches nothing but DNS.
      expect([ns, connects(pod('Traefik'), stranger, 8080).allowed]).toEqual([ns, false]);
      expect([ns, connects(pod('Prometheus'), stranger, 9090).allowed]).toEqual([ns, false]);
      expect([ns, connects(stranger, { ip: PUBLIC_ADDRESS }, 443).allowed]).toEqual([ns, false]);
      expect([ns, connects(stranger, API_SERVERS[0].ip, API_SERVERS[0].port).allowed]).toEqual([ns, false]);
      expect([ns, connects(stranger, DNS, 53, 'UDP').allowed]).toEqual([ns, true]);
    }
  });

  test('every declared dependency connects', () => {
    const edges = declaredEdges(objects, pods, world, namespaces);
    expect(edges.length).toBeGreaterThan(200);
    const broken = edges
      .map((e) => ({ e, verdict: connects(e.from, e.to, e.port, e.protocol) }))
      .filter((x) => !x.verdict.allowed)
      .map((x) => `${x.e.why}: ${x.verdict.reason}`);
    expect([...new Set(broken)]).toEqual([]);
  });

  test('undeclared pairs are denied', () => {
    const instances = pods.filter((p) => p.role === 'cnpg-instance' && namespaces.includes(p.namespace));
    const poolers = pods.filter((p) => p.role === 'cnpg-pooler');
    const litmus = pods.filter((p) => p.role.startsWith('litmus'));
    const pairs: Array<[Endpoint, Endpoint, number]> = [
      // The frontend never talks to the database.
      [pod('Deployment homepage/homepage-frontend'), instances.find((p) => p.namespace === 'homepage') as ModelPod, 5432],
      [pod('Deployment homepage/homepage-frontend'), poolers.find((p) => p.namespace === 'homepage') as ModelPod, 5432],
      // A service does not reach another system's pods.
      [pod('Deployment homepage/homepage-api'), pod('Deployment postfacta/postfacta-api'), 8080],
      [pod('Deployment social-backend/social-backend-auth'), pod('StatefulSet listings/listings-redis'), 6379],
      // Workloads do not reach the API server, and the data pods not the public internet unless they archive there.
      [pod('Deployment homepage/homepage-api'), API_SERVERS[1].ip, API_SERVERS[1].port],
      [instances.find((p) => p.namespace === 'homepage') as ModelPod, { ip: PUBLIC_ADDRESS }, 443],
      // The platform reaches only the ports it is admitted on.
      [pod('Traefik'), instances[0], 5432],
      [pod('Prometheus'), instances[0], 5432],
      // Chaos pods reach the API server and the probe, not the data.
      ...litmus.map((l): [Endpoint, Endpoint, number] => [l, instances.find((i) => i.namespace === l.namespace) as ModelPod, 5432]),
    ];
    for (const [from, to, port] of pairs) {
      expect([label(from), label(to), port, connects(from, to, port).allowed]).toEqual([label(from), label(to), port, false]);
    }
  });
});
