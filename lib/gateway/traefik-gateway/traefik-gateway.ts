import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate } from '../../../imports/certmanager-certificate-cert-manager.io';
import { IngressRoute, IngressRouteSpecRoutesKind, IngressRouteSpecRoutesServicesPort } from '../../../imports/traefik-ingressroute-traefik.io';
import { Middleware as MiddlewareObject, MiddlewareSpec, MiddlewareSpecRateLimitPeriod } from '../../../imports/traefik-middleware-traefik.io';
import { isDnsLabel, recommendedLabels, resourceName, RELIAKIT_VERSION } from '../../core/conventions';
import { MIDDLEWARE_ORDER, Middleware, RateLimitProps } from '../gateway-middleware';
import { NetworkPeer } from '../../core/network-peer';
import { goDuration } from '../../core/units';
import { Violations } from '../../core/validation';
import { PortName } from '../../workload/probe';
import { SystemChart } from '../../core/system-chart';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';
import { GatewayRouteProps, RouteProtocol, TraefikGatewayProps } from './props';

const HOSTNAME = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const ORIGIN = /^https?:\/\/[^/\s*]+$/;

/** A resolved route. */
interface Route {
  readonly id: string;
  readonly props: GatewayRouteProps;
  readonly port: PortName;
  readonly protocol: RouteProtocol;
  readonly paths: readonly string[];
  readonly middlewareNames: readonly string[];
}

/**
 * A Traefik v3 gateway (traefik.io/v1alpha1) for one system: an IngressRoute over its hosts with
 * TLS, routes by path prefix to ReliableService ports (typed references, never name strings),
 * gRPC (h2c) and WebSocket routes, and typed middlewares applied in a fixed, documented order.
 * Routed services admit the Traefik namespace on the routed port only.
 */
export class TraefikGateway extends Construct implements IReliabilityFacts {
  /** `<system>-<id>`: the IngressRoute and the Middleware prefix. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The hosts. */
  public readonly hosts: readonly string[];
  /** Where Traefik runs. */
  public readonly traefikNamespace: string;
  /** Traefik replicas. */
  public readonly traefikReplicas: number;

  private readonly props: TraefikGatewayProps;
  private readonly routes: Route[] = [];
  private readonly labels: Record<string, string>;
  private readonly chart: SystemChart;

  constructor(scope: Construct, id: string, props: TraefikGatewayProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.namespace = this.chart.namespaceName;
    this.name = resourceName(this.chart.system, id);
    this.hosts = [...props.hosts];
    this.traefikNamespace = props.traefikNamespace ?? 'traefik';
    this.traefikReplicas = props.traefikReplicas;
    this.props = props;
    this.labels = recommendedLabels({ system: this.chart.system, component: id, environment: this.chart.environment.name, version: RELIAKIT_VERSION });

    const v = new Violations(this);
    v.check(!isDnsLabel(this.name), 'id', id, `gives the name '${this.name}', which is not a DNS label`, 'use a short lowercase id');
    v.check(this.hosts.length === 0, 'hosts', this.hosts, 'is empty', 'list the host names the gateway serves');
    for (const host of this.hosts) v.check(!HOSTNAME.test(host), 'hosts', host, 'is not a host name', "use e.g. 'api.example.com'");
    v.check(!Number.isInteger(props.traefikReplicas) || props.traefikReplicas < 1, 'traefikReplicas', props.traefikReplicas, 'is not a positive integer',
      'give the replica count of the Traefik deployment');
    this.checkMiddlewares(v, 'middlewares', props.middlewares ?? [], undefined);
    v.throwIfAny();

    const tls = props.tls._issuer ? { secretName: `${this.name}-tls` } : props.tls._tls;
    if (props.tls._issuer) {
      new Certificate(this, 'Certificate', {
        metadata: { name: `${this.name}-tls`, namespace: this.namespace, labels: { ...this.labels } },
        spec: {
          secretName: `${this.name}-tls`,
          dnsNames: [...this.hosts],
          issuerRef: { name: props.tls._issuer.issuerName, kind: props.tls._issuer.issuerKind, group: 'cert-manager.io' },
          privateKey: { rotationPolicy: 'Always' as never },
        },
      });
    }
    this.createMiddlewares('', props.middlewares ?? []);
    new IngressRoute(this, 'IngressRoute', {
      metadata: { name: this.name, namespace: this.namespace, labels: { ...this.labels } },
      spec: {
        entryPoints: [...(props.entryPoints ?? ['websecure'])],
        tls,
        // Lazy: routes are added after construction.
        routes: Lazy.any({ produce: () => this.routes.map((r) => this.renderRoute(r)) }),
      },
    });
  }

  /** Adds a route named `id` (used in Middleware names). Throws listing every broken rule. */
  public addRoute(id: string, props: GatewayRouteProps): void {
    const v = new Violations(this);
    const protocol = props.protocol ?? RouteProtocol.HTTP;
    const port = props.port ?? (protocol === RouteProtocol.GRPC ? 'grpc' : 'http');
    const paths = [...(props.pathPrefixes ?? ['/'])];
    const prefix = `routes.${id}`;
    v.check(!isDnsLabel(id), `${prefix}`, id, 'is not a DNS label', 'use a short lowercase route id');
    v.check(this.routes.some((r) => r.id === id), prefix, id, 'is already a route', 'give each route its own id');
    v.check(props.to.ports[port] === undefined, `${prefix}.port`, port, `is not a port of ${props.to.name}`, "route to one of the service's declared ports");
    v.check(protocol === RouteProtocol.GRPC && port !== 'grpc', `${prefix}.port`, port, 'carries gRPC but is not the grpc port', "use port 'grpc' for gRPC routes");
    v.check(props.to.namespace !== this.namespace && !this.props.allowCrossNamespace, `${prefix}.to`, props.to.name,
      `is in namespace '${props.to.namespace}', not the gateway's '${this.namespace}', and Traefik ignores cross-namespace references by default`,
      'route to a service of this system, or set allowCrossNamespace (and enable it in Traefik)');
    v.check(props.to.environment !== this.chart.environment, `${prefix}.to`, props.to.node.path, `is in environment '${props.to.environment.name}'`, 'route to a service of the same environment');
    for (const path of paths) {
      v.check(!path.startsWith('/') || /[`\s]/.test(path), `${prefix}.pathPrefixes`, path, 'is not an absolute path', "start it with '/', e.g. '/api/v1/auth'");
      const clash = this.routes.find((r) => r.protocol === protocol && r.paths.includes(path));
      v.check(clash !== undefined, `${prefix}.pathPrefixes`, path, `is already routed by '${clash?.id}'`, 'give each path prefix one route');
    }
    const merged = this.mergeMiddlewares(props.middlewares ?? []);
    this.checkMiddlewares(v, `${prefix}.middlewares`, props.middlewares ?? [], { protocol, idempotent: props.idempotent ?? false, merged });
    v.throwIfAny();

    const own = this.createMiddlewares(`${id}-`, props.middlewares ?? []);
    const gatewayKinds = new Set((props.middlewares ?? []).map((m) => m.kind));
    const names = [
      ...(this.props.middlewares ?? []).filter((m) => !gatewayKinds.has(m.kind)).map((m) => ({ kind: m.kind, name: `${this.name}-${m.nameSuffix}` })),
      ...own,
    ].sort((a, b) => MIDDLEWARE_ORDER.indexOf(a.kind) - MIDDLEWARE_ORDER.indexOf(b.kind)).map((m) => m.name);
    this.routes.push({ id, props, port, protocol, paths, middlewareNames: names });

    // The routed port admits Traefik, and only that port.
    props.to.addIngress({ from: NetworkPeer.namespace(this.traefikNamespace), ports: [port] });
  }

  /** The route ids, in order (a copy). */
  public get routeIds(): string[] {
    return this.routes.map((r) => r.id);
  }

  private mergeMiddlewares(route: readonly Middleware[]): Middleware[] {
    const kinds = new Set(route.map((m) => m.kind));
    return [...(this.props.middlewares ?? []).filter((m) => !kinds.has(m.kind)), ...route];
  }

  private checkMiddlewares(v: Violations, prop: string, middlewares: readonly Middleware[], route: { protocol: RouteProtocol; idempotent: boolean; merged: Middleware[] } | undefined): void {
    const seen = new Set<string>();
    for (const m of middlewares) {
      v.check(seen.has(m.kind), prop, m.kind, 'is listed twice', 'keep one middleware of each kind');
      seen.add(m.kind);
    }
    for (const m of middlewares) {
      const p = m._props as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      switch (m.kind) {
        case 'rateLimit:ip':
        case 'rateLimit:header':
          this.checkRateLimit(v, prop, p as RateLimitProps);
          break;
        case 'cors': {
          const origins: string[] = p.allowOrigins;
          v.check(origins.includes('*') && p.allowCredentials === true, `${prop}.cors`, origins, 'allows any origin with credentials, so any site can act as a logged-in user',
            'list the exact origins, or drop allowCredentials');
          for (const o of origins) v.check(o !== '*' && !ORIGIN.test(o), `${prop}.cors.allowOrigins`, o, 'is not an origin', "use 'https://app.example.com' (scheme and host, no path)");
          break;
        }
        case 'circuitBreaker':
          v.check(p.expression.invalidRatios.length > 0, `${prop}.circuitBreaker`, p.expression.expression, 'has a ratio outside (0, 1]', 'use ratios such as 0.3');
          break;
        case 'retry':
          v.check(!Number.isInteger(p.attempts) || p.attempts < 1 || p.attempts > 10, `${prop}.retry`, p.attempts, 'is not between 1 and 10 attempts', 'use e.g. 3');
          break;
        case 'buffering':
          v.check(!Number.isInteger(p.maxRequestBodyBytes) || p.maxRequestBodyBytes < 1, `${prop}.buffering`, p.maxRequestBodyBytes, 'is not a positive byte count', 'use e.g. 10 * 1024 * 1024');
          break;
        case 'inFlightReq':
          v.check(!Number.isInteger(p.amount) || p.amount < 1, `${prop}.inFlightRequests`, p.amount, 'is not a positive integer', 'use e.g. 100');
          break;
        case 'forwardAuth':
          v.check(!/^https?:\/\/\S+$/.test(p.address), `${prop}.forwardAuth`, p.address, 'is not an http(s) URL', "use e.g. 'http://auth.ns.svc:8080/verify'");
          break;
        case 'ipAllowList':
          v.check(p.sourceRanges.length === 0, `${prop}.ipAllowList`, p.sourceRanges, 'is empty, which blocks everyone', 'list the allowed CIDRs');
          break;
        default:
          break;
      }
    }
    if (!route) return;
    const kinds = new Set(route.merged.map((m) => m.kind));
    v.check(kinds.has('retry') && !route.idempotent, `${prop}.retry`, 'retry', 'is on a route not marked idempotent, so a POST could be applied twice',
      'mark the route idempotent: true, or remove retry');
    if (route.protocol === RouteProtocol.WEBSOCKET) {
      for (const kind of ['retry', 'buffering'] as const) {
        v.check(kinds.has(kind), `${prop}.${kind}`, kind, 'breaks WebSocket upgrades and long-lived connections', `remove ${kind} from WebSocket routes`);
      }
    }
  }

  private checkRateLimit(v: Violations, prop: string, p: RateLimitProps): void {
    v.check(!Number.isInteger(p.average) || p.average < 1, `${prop}.rateLimit.average`, p.average, 'is not a positive integer', 'use requests per period, e.g. 100');
    v.check(p.burst !== undefined && (!Number.isInteger(p.burst) || p.burst < 1), `${prop}.rateLimit.burst`, p.burst, 'is not a positive integer', 'use e.g. the average');
    const distributed = (p.redisEndpoints ?? []).length > 0;
    v.check(!distributed && !p.perReplica && this.traefikReplicas > 1, `${prop}.rateLimit`, `${p.average}/${goDuration(p.period ?? Duration.seconds(1))}`,
      `is enforced by each of the ${this.traefikReplicas} Traefik replicas, so the real limit is ${this.traefikReplicas} × higher`,
      'set redisEndpoints for a shared limit, or perReplica: true to divide the limit across replicas');
    if (p.perReplica && !distributed) {
      v.check(Math.floor(p.average / this.traefikReplicas) < 1, `${prop}.rateLimit.average`, p.average, `is below the ${this.traefikReplicas} replicas it is divided across`,
        'use a longer period or a shared store (redisEndpoints)');
    }
  }

  private createMiddlewares(prefix: string, middlewares: readonly Middleware[]): Array<{ kind: Middleware['kind']; name: string }> {
    return middlewares.map((m) => {
      const name = `${this.name}-${prefix}${m.nameSuffix}`;
      new MiddlewareObject(this, `Middleware-${prefix}${m.nameSuffix}`, {
        metadata: { name, namespace: this.namespace, labels: { ...this.labels } },
        spec: this.middlewareSpec(m),
      });
      return { kind: m.kind, name };
    });
  }

  private middlewareSpec(m: Middleware): MiddlewareSpec {
    if (m.kind !== 'rateLimit:ip' && m.kind !== 'rateLimit:header') return m._spec;
    const p = m._props as unknown as RateLimitProps;
    const distributed = (p.redisEndpoints ?? []).length > 0;
    const average = p.perReplica && !distributed ? Math.floor(p.average / this.traefikReplicas) : p.average;
    return {
      rateLimit: {
        average,
        burst: p.perReplica && !distributed ? Math.max(1, Math.floor((p.burst ?? p.average) / this.traefikReplicas)) : p.burst ?? p.average,
        period: MiddlewareSpecRateLimitPeriod.fromString(goDuration(p.period ?? Duration.seconds(1))),
        sourceCriterion: p.sourceCriterion._spec,
        redis: distributed ? { endpoints: [...(p.redisEndpoints ?? [])] } : undefined,
      },
    };
  }

  private renderRoute(r: Route): Record<string, unknown> {
    const hosts = this.hosts.map((h) => `Host(\`${h}\`)`).join(' || ');
    const paths = r.paths.map((p) => `PathPrefix(\`${p}\`)`).join(' || ');
    const parts = [this.hosts.length > 1 ? `(${hosts})` : hosts, r.paths.length > 1 ? `(${paths})` : paths];
    if (r.protocol === RouteProtocol.GRPC) parts.push('HeaderRegexp(`Content-Type`, `^application/grpc`)');
    return {
      kind: IngressRouteSpecRoutesKind.RULE,
      match: parts.join(' && '),
      middlewares: r.middlewareNames.length > 0 ? r.middlewareNames.map((name) => ({ name, namespace: this.namespace })) : undefined,
      services: [{
        name: r.props.to.name,
        namespace: r.props.to.namespace,
        port: IngressRouteSpecRoutesServicesPort.fromNumber(r.props.to.ports[r.port] as number),
        scheme: r.protocol === RouteProtocol.GRPC ? 'h2c' : undefined,
      }],
    };
  }

  /** Hosts, routes and Traefik replicas, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return { gateways: [{ name: this.name, hosts: this.hosts, routes: this.routeIds, traefikReplicas: this.traefikReplicas }] };
  }
}
