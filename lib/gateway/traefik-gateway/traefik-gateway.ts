import { PolarisExemption, polarisAnnotations, polarisExemptionFacts } from '../../core/polaris-exemption';
import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate } from '../../../imports/certmanager-certificate-cert-manager.io';
import {
  IngressRoute,
  IngressRouteSpecRoutesKind,
  IngressRouteSpecRoutesServicesKind,
} from '../../../imports/traefik-ingressroute-traefik.io';
import { Middleware as MiddlewareObject } from '../../../imports/traefik-middleware-traefik.io';
import { recommendedLabels, RELIAKIT_VERSION } from '../../core/conventions';
import { NetworkPeer } from '../../core/network-peer';
import { IReliabilityFacts, RateLimitFact, ReliabilityFacts } from '../../core/reliability-facts';
import { SystemChart } from '../../core/system-chart';
import { Violations } from '../../core/validation';
import { ReliableService } from '../../workload/reliable-service/reliable-service';
import { Middleware, RateLimitProps } from '../gateway-middleware';
import { TraefikPlatform } from '../traefik-platform';
import { middlewareObjects, MiddlewareObjectSpec, rateLimitShare } from './middleware-spec';
import { GatewayRouteProps, TraefikGatewayProps } from './props';
import { renderRoute, RenderableRoute } from './route';
import { gatewayViolations, HTTP_ENTRY_POINT, middlewareViolations, RouteTarget, routeViolations, Violation } from './rules';
import { GatewaySpec, mergeMiddlewares, resolveGateway, resolveRoute, routeMiddlewareNames, RouteSpec } from './spec';
import { certificateSecretName, certificateSpec, ingressRouteTls } from './tls';

/** A route as added: its spec and what rendering it needs. */
type Route = RouteSpec & RenderableRoute;

/**
 * A Traefik v3 gateway (traefik.io/v1alpha1) for one system: an IngressRoute over its hosts with
 * TLS, routes by path prefix to ReliableService ports (typed references, never name strings),
 * gRPC (h2c) and WebSocket routes, and typed middlewares applied in a fixed, documented order.
 * Routed services admit the Traefik namespace on the routed port only. Plain HTTP on the hosts is
 * answered by a permanent redirect to HTTPS (an IngressRoute on Traefik's `web` entry point).
 */
export class TraefikGateway extends Construct implements IReliabilityFacts {
  /** `<system>-<id>`: the IngressRoute and the Middleware prefix. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The hosts. */
  public readonly hosts: readonly string[];
  /** The Traefik deployment it runs on. */
  public readonly traefik: TraefikPlatform;

  private readonly spec: GatewaySpec;
  private readonly routes: Route[] = [];
  private readonly labels: Record<string, string>;
  private readonly chart: SystemChart;

  constructor(scope: Construct, id: string, props: TraefikGatewayProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.spec = resolveGateway(this.chart.system, id, props);
    this.namespace = this.chart.namespaceName;
    this.name = this.spec.name;
    this.hosts = this.spec.hosts;
    this.traefik = this.spec.traefik;
    this.labels = recommendedLabels({
      system: this.chart.system,
      component: id,
      environment: this.chart.environment.name,
      version: RELIAKIT_VERSION,
    });

    this.throwIfAny([...gatewayViolations(id, this.spec), ...middlewareViolations('middlewares', this.spec.middlewares, this.traefik)]);

    const certificate = certificateSpec(this.name, this.hosts, this.spec.tls);
    if (certificate) new Certificate(this, 'Certificate', { metadata: this.metadata(certificateSecretName(this.name)), spec: certificate });
    this.createMiddlewares(middlewareObjects(this.name, '', this.spec.middlewares, this.traefik));
    new IngressRoute(this, 'IngressRoute', {
      metadata: this.metadata(this.name),
      spec: {
        entryPoints: [...this.spec.entryPoints],
        tls: ingressRouteTls(this.name, this.spec.tls),
        // Lazy: routes are added after construction.
        routes: Lazy.any({ produce: () => this.routes.map((r) => renderRoute(r, this.hosts, this.namespace)) }),
      },
    });
    this.redirectHttp();
  }

  /** Adds a route named `id` (used in Middleware names). Throws listing every broken rule. */
  public addRoute(id: string, props: GatewayRouteProps): void {
    const route = resolveRoute(id, props);
    const to = props.to;
    this.throwIfAny([
      ...routeViolations(route, routeTarget(to), {
        namespace: this.namespace,
        environment: this.chart.environment,
        allowCrossNamespace: this.spec.allowCrossNamespace,
        routes: this.routes,
      }),
      ...middlewareViolations(`routes.${id}.middlewares`, route.middlewares, this.traefik, {
        protocol: route.protocol,
        idempotent: route.idempotent,
        publicGrpc: route.publicGrpc,
        merged: mergeMiddlewares(this.spec.middlewares, route.middlewares),
      }),
    ]);

    this.createMiddlewares(middlewareObjects(this.name, `${id}-`, route.middlewares, this.traefik));
    this.routes.push({
      ...route,
      service: { name: to.name, namespace: to.namespace, port: to.ports[route.port] as number },
      middlewareNames: routeMiddlewareNames(this.name, this.spec.middlewares, id, route.middlewares),
    });

    // The routed port admits Traefik, and only that port.
    to.addIngress({ from: NetworkPeer.namespace(this.traefik.namespace), ports: [route.port] });
  }

  /** The route ids, in order (a copy). */
  public get routeIds(): string[] {
    return this.routes.map((r) => r.id);
  }

  /** Hosts, routes, Traefik replicas and what each replica enforces of each rate limit, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      gateways: [
        {
          name: this.name,
          hosts: this.hosts,
          routes: this.routeIds,
          traefikReplicas: this.traefik.replicas,
          trustedProxyHops: this.traefik.trustedProxies.hops,
          rateLimits: this.rateLimitFacts(),
        },
      ],
      policyExemptions: polarisExemptionFacts(`IngressRoute ${this.name}-http`, [PolarisExemption.HTTPS_REDIRECT_ROUTE]),
    };
  }

  /** Every rate limit once (a gateway's is shared by the routes that do not replace it), in route order. */
  private rateLimitFacts(): RateLimitFact[] {
    const byName = new Map<string, { props: RateLimitProps; routes: string[] }>();
    for (const route of this.routes) {
      const own = new Set(route.middlewares.map((m) => m.kind));
      const applied: Array<[string, Middleware]> = [
        ...this.spec.middlewares.filter((m) => !own.has(m.kind)).map((m): [string, Middleware] => [`${this.name}-${m.nameSuffix}`, m]),
        ...route.middlewares.map((m): [string, Middleware] => [`${this.name}-${route.id}-${m.nameSuffix}`, m]),
      ];
      for (const [name, m] of applied.filter(([, x]) => x.kind === 'rateLimit:ip' || x.kind === 'rateLimit:header')) {
        const entry = byName.get(name) ?? { props: m._props as unknown as RateLimitProps, routes: [] };
        entry.routes.push(route.id);
        byName.set(name, entry);
      }
    }
    return [...byName.entries()].map(([middleware, { props, routes }]) => {
      const share = rateLimitShare(props, this.traefik.replicas);
      return {
        middleware,
        routes,
        countedPer: props.sourceCriterion.describe(this.traefik.trustedProxies.hops),
        limit: { average: props.average, burst: props.burst ?? props.average, period: props.period ?? Duration.seconds(1) },
        perReplica: { average: share.average, burst: share.burst },
        shared: share.shared,
        fleetAverage: share.fleetAverage,
      };
    });
  }

  /**
   * Answers plain HTTP on the hosts with a permanent redirect to HTTPS: the hosts promise HTTPS
   * (HSTS), and a browser's first visit by `http://` must not be served in the clear. A route on
   * Traefik's `web` entry point for the gateway's own hosts — not a redirect of the whole entry
   * point — so the HTTP-01 solvers of cert-manager (longer rules, which Traefik prefers) still
   * answer on HTTP. The route reaches no service (Traefik's `noop@internal`).
   */
  private redirectHttp(): void {
    const middleware = `${this.name}-https-redirect`;
    new MiddlewareObject(this, 'Middleware-https-redirect', {
      metadata: this.metadata(middleware),
      spec: { redirectScheme: { scheme: 'https', permanent: true } },
    });
    const anyHost = this.hosts.map((h) => `Host(\`${h}\`)`).join(' || ');
    new IngressRoute(this, 'IngressRoute-http', {
      metadata: { ...this.metadata(`${this.name}-http`), annotations: polarisAnnotations([PolarisExemption.HTTPS_REDIRECT_ROUTE]) },
      spec: {
        entryPoints: [HTTP_ENTRY_POINT],
        routes: [
          {
            kind: IngressRouteSpecRoutesKind.RULE,
            match: anyHost,
            middlewares: [{ name: middleware, namespace: this.namespace }],
            services: [{ name: 'noop@internal', kind: IngressRouteSpecRoutesServicesKind.TRAEFIK_SERVICE }],
          },
        ],
      },
    });
  }

  private metadata(name: string): { name: string; namespace: string; labels: Record<string, string> } {
    return { name, namespace: this.namespace, labels: { ...this.labels } };
  }

  private createMiddlewares(objects: readonly MiddlewareObjectSpec[]): void {
    for (const o of objects) new MiddlewareObject(this, o.id, { metadata: this.metadata(o.name), spec: o.spec });
  }

  private throwIfAny(violations: readonly Violation[]): void {
    const v = new Violations(this);
    for (const x of violations) v.add(x.prop, x.value, x.problem, x.fix);
    v.throwIfAny();
  }
}

/** A routed service as the route rules see it: its ports, HTTP probe paths and metrics endpoint. */
function routeTarget(to: ReliableService): RouteTarget {
  const probes = [
    ['readiness', to.readinessProbe],
    ['liveness', to.livenessProbe],
    ['startup', to.startupProbe],
  ] as const;
  return {
    name: to.name,
    namespace: to.namespace,
    path: to.node.path,
    ports: to.ports,
    environment: to.environment,
    probes: probes.flatMap(([probe, p]) => (p?.check.kind === 'http' ? [{ probe, path: p.check.path, port: p.check.port }] : [])),
    metrics: to.metrics,
  };
}
