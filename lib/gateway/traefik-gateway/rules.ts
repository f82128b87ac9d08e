import { Duration } from 'cdk8s';
import { isDnsLabel } from '../../core/conventions';
import { Environment } from '../../core/environment';
import { goDuration } from '../../core/units';
import { PortName } from '../../workload/probe';
import { Middleware, RateLimitProps } from '../gateway-middleware';
import { TraefikPlatform } from '../traefik-platform';
import { RouteProtocol } from './props';
import { GatewaySpec, RouteSpec } from './spec';

const HOSTNAME = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const ORIGIN = /^https?:\/\/[^/\s*]+$/;
/** Traefik's plain-HTTP entry point, which the gateway only redirects to HTTPS. */
export const HTTP_ENTRY_POINT = 'web';

/** A broken rule; the construct reports it through `Violations`, which adds its path. */
export interface Violation {
  readonly prop: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

/** The service a route sends to, as the rules see it. */
export interface RouteTarget {
  readonly name: string;
  readonly namespace: string;
  /** The construct path, to name a service of another environment. */
  readonly path: string;
  readonly ports: Readonly<Partial<Record<PortName, number>>>;
  readonly environment: Environment;
  /** The HTTP paths its probes check, on which port. */
  readonly probes: readonly { readonly probe: string; readonly path: string; readonly port: PortName }[];
  /** Where Prometheus scrapes it, if it does. */
  readonly metrics?: { readonly port: PortName; readonly path: string };
}

/** The gateway a route is added to, as the rules see it. */
export interface RouteContext {
  readonly namespace: string;
  readonly environment: Environment;
  readonly allowCrossNamespace: boolean;
  readonly routes: readonly Pick<RouteSpec, 'id' | 'protocol' | 'paths'>[];
}

/** What the middleware rules of a route need beyond its own middlewares. */
export interface RouteMiddlewareContext {
  readonly protocol: RouteProtocol;
  readonly idempotent: boolean;
  readonly publicGrpc: boolean;
  /** The gateway's and the route's middlewares, merged. */
  readonly merged: readonly Middleware[];
}

type Check = (broken: boolean, prop: string, value: unknown, problem: string, fix: string) => void;

function checker(out: Violation[]): Check {
  return (broken, prop, value, problem, fix) => {
    if (broken) out.push({ prop, value, problem, fix });
  };
}

/** The rules of the gateway's own props (its middlewares: {@link middlewareViolations}). */
export function gatewayViolations(id: string, spec: Pick<GatewaySpec, 'name' | 'hosts' | 'entryPoints'>): Violation[] {
  const out: Violation[] = [];
  const check = checker(out);
  check(!isDnsLabel(spec.name), 'id', id, `gives the name '${spec.name}', which is not a DNS label`, 'use a short lowercase id');
  check(spec.hosts.length === 0, 'hosts', spec.hosts, 'is empty', 'list the host names the gateway serves');
  for (const host of spec.hosts) check(!HOSTNAME.test(host), 'hosts', host, 'is not a host name', "use e.g. 'api.example.com'");
  check(
    spec.entryPoints.includes(HTTP_ENTRY_POINT),
    'entryPoints',
    spec.entryPoints,
    `serves the routes on plain HTTP ('${HTTP_ENTRY_POINT}'), where anyone on the path can read and change them`,
    `drop '${HTTP_ENTRY_POINT}': the gateway answers HTTP with a permanent redirect to HTTPS`,
  );
  return out;
}

/** The rules of a route against its target and the routes already added (its middlewares: {@link middlewareViolations}). */
export function routeViolations(
  route: Pick<RouteSpec, 'id' | 'protocol' | 'port' | 'paths' | 'publicGrpc'>,
  to: RouteTarget,
  gateway: RouteContext,
): Violation[] {
  const out: Violation[] = [];
  const check = checker(out);
  const { id, protocol, port } = route;
  const prefix = `routes.${id}`;
  check(!isDnsLabel(id), `${prefix}`, id, 'is not a DNS label', 'use a short lowercase route id');
  check(
    gateway.routes.some((r) => r.id === id),
    prefix,
    id,
    'is already a route',
    'give each route its own id',
  );
  check(
    to.ports[port] === undefined,
    `${prefix}.port`,
    port,
    `is not a port of ${to.name}`,
    "route to one of the service's declared ports",
  );
  check(
    protocol === RouteProtocol.GRPC && port !== 'grpc',
    `${prefix}.port`,
    port,
    'carries gRPC but is not the grpc port',
    "use port 'grpc' for gRPC routes",
  );
  check(
    to.namespace !== gateway.namespace && !gateway.allowCrossNamespace,
    `${prefix}.to`,
    to.name,
    `is in namespace '${to.namespace}', not the gateway's '${gateway.namespace}', and Traefik ignores cross-namespace references by default`,
    'route to a service of this system, or set allowCrossNamespace (and enable it in Traefik)',
  );
  check(
    to.environment !== gateway.environment,
    `${prefix}.to`,
    to.path,
    `is in environment '${to.environment.name}'`,
    'route to a service of the same environment',
  );
  check(
    protocol === RouteProtocol.GRPC && !route.publicGrpc,
    `${prefix}.publicGrpc`,
    false,
    'publishes gRPC, an internal protocol, on the internet',
    "let in-cluster callers reach the grpc port through the service's ingress, or set publicGrpc: true (with forwardAuth and a rate limit)",
  );
  check(
    to.metrics !== undefined && to.metrics.port === port,
    `${prefix}.port`,
    port,
    `is where Prometheus scrapes ${to.name} (${to.metrics?.path}), so the route publishes its metrics`,
    'serve metrics on a port of their own (ports.metrics) that no route targets',
  );
  for (const path of route.paths) {
    for (const probe of to.probes.filter((p) => p.port === port && p.path.startsWith(path))) {
      check(
        true,
        `${prefix}.pathPrefixes`,
        path,
        `reaches the ${probe.probe} probe path '${probe.path}' of ${to.name} on port '${port}'`,
        "route only the API's own prefixes (e.g. '/api/v1')",
      );
    }
  }
  for (const path of route.paths) {
    check(
      !path.startsWith('/') || /[`\s]/.test(path),
      `${prefix}.pathPrefixes`,
      path,
      'is not an absolute path',
      "start it with '/', e.g. '/api/v1/auth'",
    );
    const clash = gateway.routes.find((r) => r.protocol === protocol && r.paths.includes(path));
    check(clash !== undefined, `${prefix}.pathPrefixes`, path, `is already routed by '${clash?.id}'`, 'give each path prefix one route');
  }
  return out;
}

/**
 * The rules of a list of middlewares under `prop`: one per kind, valid settings, and, for a route
 * (`route` given), what its protocol and idempotency allow of the merged list.
 */
export function middlewareViolations(
  prop: string,
  middlewares: readonly Middleware[],
  traefik: TraefikPlatform,
  route?: RouteMiddlewareContext,
): Violation[] {
  const out: Violation[] = [];
  const check = checker(out);
  const seen = new Set<string>();
  for (const m of middlewares) {
    check(seen.has(m.kind), prop, m.kind, 'is listed twice', 'keep one middleware of each kind');
    seen.add(m.kind);
  }
  for (const m of middlewares) {
    const p = m._props as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    switch (m.kind) {
      case 'rateLimit:ip':
      case 'rateLimit:header':
        out.push(...rateLimitViolations(prop, p as RateLimitProps, traefik.replicas));
        break;
      case 'cors': {
        const origins: string[] = p.allowOrigins;
        check(
          origins.includes('*') && p.allowCredentials === true,
          `${prop}.cors`,
          origins,
          'allows any origin with credentials, so any site can act as a logged-in user',
          'list the exact origins, or drop allowCredentials',
        );
        for (const o of origins) {
          check(
            o !== '*' && !ORIGIN.test(o),
            `${prop}.cors.allowOrigins`,
            o,
            'is not an origin',
            "use 'https://app.example.com' (scheme and host, no path)",
          );
        }
        break;
      }
      case 'circuitBreaker':
        check(
          p.expression.invalidRatios.length > 0,
          `${prop}.circuitBreaker`,
          p.expression.expression,
          'has a ratio outside (0, 1]',
          'use ratios such as 0.3',
        );
        break;
      case 'retry':
        check(
          !Number.isInteger(p.attempts) || p.attempts < 1 || p.attempts > 10,
          `${prop}.retry`,
          p.attempts,
          'is not between 1 and 10 attempts',
          'use e.g. 3',
        );
        break;
      case 'buffering':
        check(
          !Number.isInteger(p.maxRequestBodyBytes) || p.maxRequestBodyBytes < 1,
          `${prop}.buffering`,
          p.maxRequestBodyBytes,
          'is not a positive byte count',
          'use e.g. 10 * 1024 * 1024',
        );
        break;
      case 'inFlightReq':
        check(
          !Number.isInteger(p.amount) || p.amount < 1,
          `${prop}.inFlightRequests`,
          p.amount,
          'is not a positive integer',
          'use e.g. 100',
        );
        break;
      case 'forwardAuth':
        check(
          !/^https?:\/\/\S+$/.test(p.address),
          `${prop}.forwardAuth`,
          p.address,
          'is not an http(s) URL',
          "use e.g. 'http://auth.ns.svc:8080/verify'",
        );
        break;
      case 'ipAllowList':
        check(
          p.sourceRanges.length === 0,
          `${prop}.ipAllowList`,
          p.sourceRanges,
          'is empty, which blocks everyone',
          'list the allowed CIDRs',
        );
        break;
      default:
        break;
    }
  }
  if (!route) return out;
  const kinds = new Set(route.merged.map((m) => m.kind));
  check(
    !kinds.has('rateLimit:ip') && !kinds.has('rateLimit:header'),
    prop,
    [...kinds],
    'has no rate limit, so one client can flood the service',
    "add Middleware.rateLimit (on the route, or the gateway's for every route)",
  );
  check(
    kinds.has('forwardAuth') && !kinds.has('rateLimit:ip'),
    `${prop}.forwardAuth`,
    'forwardAuth',
    'asks the auth service on every request with no client-IP limit before it, so a flood reaches the auth service',
    'add a client-IP Middleware.rateLimit (it runs before forwardAuth), e.g. on the gateway',
  );
  check(
    route.protocol === RouteProtocol.GRPC && route.publicGrpc && !kinds.has('forwardAuth'),
    `${prop}.forwardAuth`,
    'none',
    'is missing on a public gRPC route, so anyone on the internet can call it',
    'add Middleware.forwardAuth, or keep gRPC internal',
  );
  check(
    kinds.has('retry') && !route.idempotent,
    `${prop}.retry`,
    'retry',
    'is on a route not marked idempotent, so a POST could be applied twice',
    'mark the route idempotent: true, or remove retry',
  );
  if (route.protocol === RouteProtocol.WEBSOCKET) {
    for (const kind of ['retry', 'buffering'] as const) {
      check(
        kinds.has(kind),
        `${prop}.${kind}`,
        kind,
        'breaks WebSocket upgrades and long-lived connections',
        `remove ${kind} from WebSocket routes`,
      );
    }
  }
  return out;
}

/** A rate limit's rules: a local limit is enforced by each Traefik replica, so it must say how it accounts for them. */
export function rateLimitViolations(prop: string, p: RateLimitProps, traefikReplicas: number): Violation[] {
  const out: Violation[] = [];
  const check = checker(out);
  check(
    !Number.isInteger(p.average) || p.average < 1,
    `${prop}.rateLimit.average`,
    p.average,
    'is not a positive integer',
    'use requests per period, e.g. 100',
  );
  check(
    p.burst !== undefined && (!Number.isInteger(p.burst) || p.burst < 1),
    `${prop}.rateLimit.burst`,
    p.burst,
    'is not a positive integer',
    'use e.g. the average',
  );
  const distributed = (p.redisEndpoints ?? []).length > 0;
  check(
    !distributed && !p.perReplica && traefikReplicas > 1,
    `${prop}.rateLimit`,
    `${p.average}/${goDuration(p.period ?? Duration.seconds(1))}`,
    `is enforced by each of the ${traefikReplicas} Traefik replicas, so the real limit is ${traefikReplicas} × higher`,
    'set redisEndpoints for a shared limit, or perReplica: true to divide the limit across replicas',
  );
  if (p.perReplica && !distributed) {
    check(
      Math.floor(p.average / traefikReplicas) < 1,
      `${prop}.rateLimit.average`,
      p.average,
      `is below the ${traefikReplicas} replicas it is divided across`,
      'use a longer period or a shared store (redisEndpoints)',
    );
  }
  return out;
}
