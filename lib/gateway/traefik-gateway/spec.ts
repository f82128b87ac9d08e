import { resourceName } from '../../core/conventions';
import { PortName } from '../../workload/probe';
import { MIDDLEWARE_ORDER, Middleware } from '../gateway-middleware';
import { TraefikPlatform } from '../traefik-platform';
import { GatewayRouteProps, GatewayTls, RouteProtocol, TraefikGatewayProps } from './props';

/** A gateway's props with every default decided. */
export interface GatewaySpec {
  /** `<system>-<id>`: the IngressRoute and the Middleware prefix. */
  readonly name: string;
  readonly hosts: readonly string[];
  readonly tls: GatewayTls;
  readonly traefik: TraefikPlatform;
  readonly entryPoints: readonly string[];
  readonly middlewares: readonly Middleware[];
  readonly allowCrossNamespace: boolean;
}

/** A route's props with every default decided. */
export interface RouteSpec {
  readonly id: string;
  readonly protocol: RouteProtocol;
  readonly port: PortName;
  readonly paths: readonly string[];
  readonly idempotent: boolean;
  readonly publicGrpc: boolean;
  readonly middlewares: readonly Middleware[];
}

export function resolveGateway(system: string, id: string, props: TraefikGatewayProps): GatewaySpec {
  return {
    name: resourceName(system, id),
    hosts: [...props.hosts],
    tls: props.tls,
    traefik: props.traefik,
    entryPoints: [...(props.entryPoints ?? ['websecure'])],
    middlewares: [...(props.middlewares ?? [])],
    allowCrossNamespace: props.allowCrossNamespace ?? false,
  };
}

export function resolveRoute(id: string, props: Omit<GatewayRouteProps, 'to'>): RouteSpec {
  const protocol = props.protocol ?? RouteProtocol.HTTP;
  return {
    id,
    protocol,
    port: props.port ?? (protocol === RouteProtocol.GRPC ? 'grpc' : 'http'),
    paths: [...(props.pathPrefixes ?? ['/'])],
    idempotent: props.idempotent ?? false,
    publicGrpc: props.publicGrpc ?? false,
    middlewares: [...(props.middlewares ?? [])],
  };
}

/** The middlewares a route applies: the gateway's, unless the route has one of the same kind. */
export function mergeMiddlewares(gateway: readonly Middleware[], route: readonly Middleware[]): Middleware[] {
  const kinds = new Set(route.map((m) => m.kind));
  return [...gateway.filter((m) => !kinds.has(m.kind)), ...route];
}

/** The Middleware object names a route references, in {@link MIDDLEWARE_ORDER}. */
export function routeMiddlewareNames(
  gatewayName: string,
  gateway: readonly Middleware[],
  routeId: string,
  route: readonly Middleware[],
): string[] {
  const kinds = new Set(route.map((m) => m.kind));
  // Gateway middlewares are shared objects (`<gateway>-<suffix>`); a route's own carry its id.
  return [
    ...gateway.filter((m) => !kinds.has(m.kind)).map((m) => ({ kind: m.kind, name: `${gatewayName}-${m.nameSuffix}` })),
    ...route.map((m) => ({ kind: m.kind, name: `${gatewayName}-${routeId}-${m.nameSuffix}` })),
  ]
    .sort((a, b) => MIDDLEWARE_ORDER.indexOf(a.kind) - MIDDLEWARE_ORDER.indexOf(b.kind))
    .map((m) => m.name);
}
