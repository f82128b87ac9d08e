/**
 * Invariants from the production review II (issue #13), the edge half, over each environment's
 * whole Flux tree: what the internet reaches through Traefik, and how it is limited.
 */
import { buildApp } from '../../stacks/main';
import { TRAEFIK } from '../../stacks/shared';
import { Manifest } from '../support/synth';
import { environmentTrees } from '../support/tree';

const app = buildApp();
const files = app.synthTree();
const dirs = app.render();
const trees = [...environmentTrees(dirs).entries()];

/** The path prefixes of a Traefik rule (`/` when it matches no path). */
function pathPrefixes(match: string): string[] {
  const found = [...match.matchAll(/PathPrefix\(`([^`]*)`\)/g)].map((m) => m[1]);
  return found.length > 0 ? found : ['/'];
}

/** The hosts of a Traefik rule. */
function hostsOf(match: string): string[] {
  return [...match.matchAll(/Host\(`([^`]*)`\)/g)].map((m) => m[1]);
}

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => (labels ?? {})[k] === v);
}

/** One route of an IngressRoute to a Service, with its Middleware objects in order. */
interface PublicRoute {
  readonly at: string;
  readonly entryPoints: string[];
  readonly match: string;
  readonly service: Manifest | undefined;
  readonly servicePort: number;
  readonly middlewares: Manifest[];
}

function publicRoutes(objects: readonly Manifest[]): PublicRoute[] {
  const byName = (kind: string, ns: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? '') === ns);
  return objects
    .filter((o) => o.kind === 'IngressRoute')
    .flatMap((ir) =>
      (ir.spec.routes as Manifest[]).flatMap((r, i) =>
        (r.services as Manifest[])
          .filter((s) => (s.kind ?? 'Service') === 'Service')
          .map((s) => ({
            at: `IngressRoute ${ir.metadata.namespace}/${ir.metadata.name} route ${i} (${r.match})`,
            entryPoints: ir.spec.entryPoints,
            match: r.match,
            service: byName('Service', s.namespace ?? ir.metadata.namespace, s.name),
            servicePort: s.port,
            middlewares: ((r.middlewares ?? []) as Manifest[]).map(
              (m) => byName('Middleware', m.namespace ?? ir.metadata.namespace, m.name) ?? { missing: m.name },
            ),
          })),
      ),
    );
}

/** The pod templates of the workloads a Service selects. */
function podsOf(objects: readonly Manifest[], service: Manifest): Manifest[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.namespace === service.metadata.namespace)
    .map((o) => o.spec.template)
    .filter((t) => labelsMatch(service.spec.selector, t.metadata.labels));
}

/** The container port number a Service port reaches in `pod`. */
function targetContainerPort(service: Manifest, servicePort: number, pod: Manifest): number | undefined {
  const port = (service.spec.ports as Manifest[]).find((p) => p.port === servicePort);
  if (!port) return undefined;
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const named = (pod.spec.containers as Manifest[]).flatMap((c) => c.ports ?? []).find((p: Manifest) => p.name === target);
  return named?.containerPort;
}

/** Probe paths and their container ports. */
function probePaths(pod: Manifest): Array<{ path: string; port: number; probe: string }> {
  return (pod.spec.containers as Manifest[]).flatMap((c) =>
    ['readinessProbe', 'livenessProbe', 'startupProbe'].flatMap((probe) => {
      const get = c[probe]?.httpGet;
      if (!get) return [];
      const port = typeof get.port === 'number' ? get.port : (c.ports ?? []).find((p: Manifest) => p.name === get.port)?.containerPort;
      return [{ path: get.path, port, probe: `${c.name} ${probe}` }];
    }),
  );
}

/** The ServiceMonitor endpoints scraping `service`, as Service port numbers and paths. */
function metricsEndpoints(objects: readonly Manifest[], service: Manifest): Array<{ port: number; path: string; at: string }> {
  return objects
    .filter(
      (o) =>
        o.kind === 'ServiceMonitor' &&
        (o.spec.namespaceSelector?.matchNames ?? [o.metadata.namespace]).includes(service.metadata.namespace) &&
        labelsMatch(o.spec.selector.matchLabels, service.metadata.labels),
    )
    .flatMap((sm) =>
      (sm.spec.endpoints as Manifest[]).map((e) => ({
        port: (service.spec.ports as Manifest[]).find((p) => p.name === e.port)?.port,
        path: e.path ?? '/metrics',
        at: `ServiceMonitor ${sm.metadata.name}`,
      })),
    );
}

const isRateLimit = (m: Manifest) => m.spec?.rateLimit !== undefined;
const isForwardAuth = (m: Manifest) => m.spec?.forwardAuth !== undefined;
const isIpRateLimit = (m: Manifest) => isRateLimit(m) && m.spec.rateLimit.sourceCriterion?.requestHeaderName === undefined;
const traefikRelease = (objects: readonly Manifest[]) =>
  objects.find((o) => o.kind === 'HelmRelease' && o.spec.chart.spec.chart === 'traefik');

describe.each(trees)('%s tree', (env, entries) => {
  const objects = entries.map((e) => e.object);
  const routes = publicRoutes(objects);

  test('the tree has public routes to check', () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  // Finding 1: llm-data-vault routed `/` to the API port, publishing /metrics and /health/*.
  test('no public route reaches a probe or metrics path on the port it routes to', () => {
    const reached = routes.flatMap((r) => {
      if (!r.service) return [`${r.at}: no such Service`];
      const prefixes = pathPrefixes(r.match);
      const covers = (path: string) => prefixes.filter((p) => path.startsWith(p));
      const probes = podsOf(objects, r.service).flatMap((pod) => {
        const port = targetContainerPort(r.service as Manifest, r.servicePort, pod);
        return probePaths(pod)
          .filter((p) => p.port === port && covers(p.path).length > 0)
          .map((p) => `${r.at} reaches the ${p.probe} path ${p.path}`);
      });
      const metrics = metricsEndpoints(objects, r.service)
        .filter((m) => m.port === r.servicePort && covers(m.path).length > 0)
        .map((m) => `${r.at} reaches the metrics path ${m.path} of ${m.at}`);
      return [...probes, ...metrics];
    });
    expect(reached).toEqual([]);
  });

  test('metrics are served on a port no public route targets', () => {
    const routed = routes.flatMap((r) =>
      r.service
        ? metricsEndpoints(objects, r.service)
            .filter((m) => m.port === r.servicePort)
            .map((m) => `${r.at}: ${m.at} scrapes port ${m.port}`)
        : [],
    );
    expect(routed).toEqual([]);
  });

  // Finding 2: listings' gRPC (internal per its plan) was public without auth or rate limit.
  test('a public gRPC route verifies the caller and is rate-limited', () => {
    const open = routes
      .filter((r) => /application\/grpc/.test(r.match))
      .filter((r) => !r.middlewares.some(isForwardAuth) || !r.middlewares.some(isRateLimit))
      .map((r) => r.at);
    expect(open).toEqual([]);
  });

  test('every grpc port admits an in-cluster caller besides Traefik and Prometheus', () => {
    const unreachable = objects
      .filter((o) => o.kind === 'Service')
      .flatMap((svc) => (svc.spec.ports as Manifest[]).filter((p) => p.name === 'grpc').map((p) => ({ svc, port: p })))
      .filter(({ svc, port }) => {
        const policies = objects.filter(
          (o) =>
            o.kind === 'NetworkPolicy' &&
            o.metadata.namespace === svc.metadata.namespace &&
            labelsMatch(o.spec.podSelector.matchLabels, svc.spec.selector),
        );
        const peers = policies.flatMap((np) =>
          ((np.spec.ingress ?? []) as Manifest[])
            .filter((rule) => (rule.ports ?? []).some((p: Manifest) => p.port === port.targetPort || p.port === port.port))
            .flatMap((rule) => rule.from ?? []),
        );
        const namespaceOf = (peer: Manifest) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
        return !peers.some((peer: Manifest) => ![TRAEFIK.namespace, 'monitoring'].includes(namespaceOf(peer)));
      })
      .map(({ svc, port }) => `${svc.metadata.namespace}/${svc.metadata.name}:${port.port}`);
    expect(unreachable).toEqual([]);
  });

  // Finding 3: rate limits.
  test('every public route is rate-limited', () => {
    expect(routes.filter((r) => !r.middlewares.some(isRateLimit)).map((r) => r.at)).toEqual([]);
  });

  test('a route that asks an auth service limits by client IP before it does', () => {
    const late = routes
      .filter((r) => r.middlewares.some(isForwardAuth))
      .filter((r) => {
        const auth = r.middlewares.findIndex(isForwardAuth);
        const ip = r.middlewares.findIndex(isIpRateLimit);
        return ip === -1 || ip > auth;
      })
      .map((r) => r.at);
    expect(late).toEqual([]);
  });

  test("every X-Forwarded-For depth is the declared trusted-proxy hops, and Traefik trusts those proxies' headers", () => {
    const release = traefikRelease(objects);
    const values = release?.spec.values ?? {};
    const depths = objects
      .filter((o) => o.kind === 'Middleware')
      .flatMap((m) => {
        const s = m.spec;
        const strategy =
          s.rateLimit?.sourceCriterion?.ipStrategy ?? s.inFlightReq?.sourceCriterion?.ipStrategy ?? s.ipAllowList?.ipStrategy;
        return strategy ? [{ name: m.metadata.name, depth: strategy.depth ?? 0 }] : [];
      });
    expect(depths.filter((d) => d.depth !== TRAEFIK.trustedProxies.hops)).toEqual([]);
    for (const entryPoint of ['web', 'websecure']) {
      expect([entryPoint, values.ports?.[entryPoint]?.forwardedHeaders?.trustedIPs]).toEqual([
        entryPoint,
        [...TRAEFIK.trustedProxies.cidrs],
      ]);
    }
    expect(values.deployment?.replicas).toBe(TRAEFIK.replicas);
  });

  test("RELIABILITY.md states each rate limit's per-replica arithmetic", () => {
    const missing = objects
      .filter((o) => o.kind === 'Middleware' && isRateLimit(o))
      .filter((m) => {
        const report = files.find((f) => f.path === `apps/${env}/${m.metadata.namespace}/RELIABILITY.md`)?.content ?? '';
        const row = report.split('\n').find((line) => line.startsWith(`| ${m.metadata.name} |`));
        const r = m.spec.rateLimit;
        return !row || !row.includes(`${r.average}/${r.period}`) || !row.includes(`× ${TRAEFIK.replicas} replicas`);
      })
      .map((m) => `${m.metadata.namespace}/${m.metadata.name}`);
    expect(missing).toEqual([]);
  });

  // Finding 7: hosts that send HSTS must answer plain HTTP with a redirect to HTTPS.
  test('every host that sends HSTS redirects HTTP to HTTPS (permanently)', () => {
    const hsts = new Set(
      routes.filter((r) => r.middlewares.some((m) => (m.spec?.headers?.stsSeconds ?? 0) > 0)).flatMap((r) => hostsOf(r.match)),
    );
    expect(hsts.size).toBeGreaterThan(0);
    const redirected = new Set(
      objects
        .filter((o) => o.kind === 'IngressRoute' && (o.spec.entryPoints as string[]).includes('web'))
        .flatMap((ir) =>
          (ir.spec.routes as Manifest[])
            .filter((r) =>
              ((r.middlewares ?? []) as Manifest[]).some((ref) => {
                const m = objects.find((o) => o.kind === 'Middleware' && o.metadata.name === ref.name);
                return m?.spec.redirectScheme?.scheme === 'https' && m.spec.redirectScheme.permanent === true;
              }),
            )
            .flatMap((r) => hostsOf(r.match)),
        ),
    );
    expect([...hsts].filter((h) => !redirected.has(h))).toEqual([]);
  });
});
