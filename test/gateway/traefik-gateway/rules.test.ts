import { Duration } from 'cdk8s';
import { Environment } from '../../../lib/core/environment';
import { CircuitBreakerExpression, Middleware, RateLimitProps, SourceCriterion } from '../../../lib/gateway/gateway-middleware';
import { RouteProtocol } from '../../../lib/gateway/traefik-gateway/props';
import {
  gatewayViolations,
  middlewareViolations,
  rateLimitViolations,
  RouteContext,
  RouteMiddlewareContext,
  RouteTarget,
  routeViolations,
} from '../../../lib/gateway/traefik-gateway/rules';
import { RouteSpec } from '../../../lib/gateway/traefik-gateway/spec';
import { TraefikPlatform } from '../../../lib/gateway/traefik-platform';
import { messagesOf } from './support';

describe('gatewayViolations', () => {
  test.each<[string, string, string[], string[], string[]]>([
    ['valid', 'gateway', ['api.example.com', '*.example.com'], ['websecure'], []],
    [
      'a name that is not a DNS label, hosts that are not host names, routes on plain HTTP',
      'Gateway',
      ['API.example', 'x'],
      ['web', 'websecure'],
      [
        "test/gateway: 'id' ('Gateway') gives the name 'test-Gateway', which is not a DNS label — use a short lowercase id",
        "test/gateway: 'hosts' ('API.example') is not a host name — use e.g. 'api.example.com'",
        "test/gateway: 'hosts' ('x') is not a host name — use e.g. 'api.example.com'",
        "test/gateway: 'entryPoints' ([\"web\",\"websecure\"]) serves the routes on plain HTTP ('web'), where anyone on the path can read and change them — drop 'web': the gateway answers HTTP with a permanent redirect to HTTPS",
      ],
    ],
    ['no hosts', 'gateway', [], ['websecure'], ["test/gateway: 'hosts' ([]) is empty — list the host names the gateway serves"]],
  ])('%s', (_name, id, hosts, entryPoints, expected) => {
    expect(messagesOf(gatewayViolations(id, { name: `test-${id}`, hosts, entryPoints }))).toStrictEqual(expected);
  });
});

describe('routeViolations', () => {
  const api: RouteTarget = {
    name: 'test-api',
    namespace: 'test',
    path: 'prod/test/api',
    ports: { http: 8080, grpc: 9090, metrics: 9091 },
    environment: Environment.PROD,
    probes: [
      { probe: 'readiness', path: '/health/ready', port: 'http' },
      { probe: 'liveness', path: '/health/live', port: 'http' },
    ],
    metrics: { port: 'metrics', path: '/metrics' },
  };
  const metricsOnHttp: RouteTarget = { ...api, ports: { http: 8080 }, metrics: { port: 'http', path: '/metrics' } };
  const other: RouteTarget = {
    name: 'other-api',
    namespace: 'other',
    path: 'dev/other/api',
    ports: { http: 8080 },
    environment: Environment.DEV,
    probes: [],
  };
  const gateway: RouteContext = {
    namespace: 'test',
    environment: Environment.PROD,
    allowCrossNamespace: false,
    routes: [{ id: 'auth', protocol: RouteProtocol.HTTP, paths: ['/api/v1/auth'] }],
  };
  const route = (id: string, protocol: RouteProtocol, port: RouteSpec['port'], paths: string[], publicGrpc = false) => ({
    id,
    protocol,
    port,
    paths,
    publicGrpc,
  });
  test.each<[string, ReturnType<typeof route>, RouteTarget, RouteContext, string[]]>([
    ['valid HTTP', route('api', RouteProtocol.HTTP, 'http', ['/api/v1/listings']), api, gateway, []],
    ['public gRPC may share a prefix with HTTP', route('grpc', RouteProtocol.GRPC, 'grpc', ['/api/v1/auth'], true), api, gateway, []],
    [
      'gRPC without publicGrpc',
      route('grpc', RouteProtocol.GRPC, 'grpc', ['/']),
      api,
      gateway,
      [
        "test/gateway: 'routes.grpc.publicGrpc' (false) publishes gRPC, an internal protocol, on the internet — let in-cluster callers reach the grpc port through the service's ingress, or set publicGrpc: true (with forwardAuth and a rate limit)",
      ],
    ],
    [
      'a prefix that reaches the probe paths',
      route('api', RouteProtocol.HTTP, 'http', ['/', '/health']),
      api,
      gateway,
      [
        "test/gateway: 'routes.api.pathPrefixes' ('/') reaches the readiness probe path '/health/ready' of test-api on port 'http' — route only the API's own prefixes (e.g. '/api/v1')",
        "test/gateway: 'routes.api.pathPrefixes' ('/') reaches the liveness probe path '/health/live' of test-api on port 'http' — route only the API's own prefixes (e.g. '/api/v1')",
        "test/gateway: 'routes.api.pathPrefixes' ('/health') reaches the readiness probe path '/health/ready' of test-api on port 'http' — route only the API's own prefixes (e.g. '/api/v1')",
        "test/gateway: 'routes.api.pathPrefixes' ('/health') reaches the liveness probe path '/health/live' of test-api on port 'http' — route only the API's own prefixes (e.g. '/api/v1')",
      ],
    ],
    [
      'the port Prometheus scrapes',
      route('api', RouteProtocol.HTTP, 'http', ['/api/v1']),
      metricsOnHttp,
      gateway,
      [
        "test/gateway: 'routes.api.port' ('http') is where Prometheus scrapes test-api (/metrics), so the route publishes its metrics — serve metrics on a port of their own (ports.metrics) that no route targets",
      ],
    ],
    [
      'a taken id and prefix, paths that are not absolute',
      route('auth', RouteProtocol.HTTP, 'http', ['/api/v1/auth', 'api', '/a b']),
      api,
      gateway,
      [
        "test/gateway: 'routes.auth' ('auth') is already a route — give each route its own id",
        "test/gateway: 'routes.auth.pathPrefixes' ('/api/v1/auth') is already routed by 'auth' — give each path prefix one route",
        "test/gateway: 'routes.auth.pathPrefixes' ('api') is not an absolute path — start it with '/', e.g. '/api/v1/auth'",
        "test/gateway: 'routes.auth.pathPrefixes' ('/a b') is not an absolute path — start it with '/', e.g. '/api/v1/auth'",
      ],
    ],
    [
      'an id that is not a DNS label, gRPC to an undeclared port',
      route('Bad_Id', RouteProtocol.GRPC, 'metrics', ['/'], true),
      { ...api, ports: { http: 8080 }, metrics: undefined },
      gateway,
      [
        "test/gateway: 'routes.Bad_Id' ('Bad_Id') is not a DNS label — use a short lowercase route id",
        "test/gateway: 'routes.Bad_Id.port' ('metrics') is not a port of test-api — route to one of the service's declared ports",
        "test/gateway: 'routes.Bad_Id.port' ('metrics') carries gRPC but is not the grpc port — use port 'grpc' for gRPC routes",
      ],
    ],
    [
      'a service of another namespace and environment',
      route('api', RouteProtocol.WEBSOCKET, 'http', ['/ws']),
      other,
      gateway,
      [
        "test/gateway: 'routes.api.to' ('other-api') is in namespace 'other', not the gateway's 'test', and Traefik ignores cross-namespace references by default — route to a service of this system, or set allowCrossNamespace (and enable it in Traefik)",
        "test/gateway: 'routes.api.to' ('dev/other/api') is in environment 'dev' — route to a service of the same environment",
      ],
    ],
    [
      'another namespace with allowCrossNamespace: the environment still counts',
      route('api', RouteProtocol.HTTP, 'http', ['/']),
      other,
      { ...gateway, allowCrossNamespace: true },
      ["test/gateway: 'routes.api.to' ('dev/other/api') is in environment 'dev' — route to a service of the same environment"],
    ],
  ])('%s', (_name, r, to, context, expected) => {
    expect(messagesOf(routeViolations(r, to, context))).toStrictEqual(expected);
  });
});

const TRAEFIK = new TraefikPlatform({ replicas: 2, trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8'] } });

describe('middlewareViolations', () => {
  const retry = Middleware.retry(3);
  const buffering = Middleware.buffering(1024);
  const limit = Middleware.rateLimit({ average: 100, sourceCriterion: SourceCriterion.clientIp(), perReplica: true });
  const perUser = Middleware.rateLimit({ average: 100, sourceCriterion: SourceCriterion.header('X-User-Id'), perReplica: true });
  const auth = Middleware.forwardAuth('http://auth.test.svc:8080/verify');
  const http = (idempotent: boolean, merged: Middleware[]): RouteMiddlewareContext => ({
    protocol: RouteProtocol.HTTP,
    idempotent,
    publicGrpc: false,
    merged: [limit, ...merged],
  });
  test.each<[string, string, Middleware[], RouteMiddlewareContext | undefined, string[]]>([
    [
      'valid',
      'middlewares',
      [
        Middleware.securityHeaders(),
        Middleware.cors({ allowOrigins: ['https://app.example.com'], allowCredentials: true }),
        Middleware.rateLimit({ average: 100, sourceCriterion: SourceCriterion.clientIp(), perReplica: true }),
      ],
      undefined,
      [],
    ],
    [
      'the same kind twice',
      'middlewares',
      [Middleware.retry(3), Middleware.retry(2)],
      undefined,
      ["test/gateway: 'middlewares' ('retry') is listed twice — keep one middleware of each kind"],
    ],
    [
      'every kind with a broken setting',
      'middlewares',
      [
        Middleware.cors({ allowOrigins: ['*', 'app.example.com'], allowCredentials: true }),
        Middleware.circuitBreaker(CircuitBreakerExpression.networkErrorRatio(1.5)),
        Middleware.retry(11),
        Middleware.buffering(0),
        Middleware.inFlightRequests(0),
        Middleware.forwardAuth('auth:8080'),
        Middleware.ipAllowList([]),
        Middleware.rateLimit({ average: 100, sourceCriterion: SourceCriterion.clientIp() }),
      ],
      undefined,
      [
        'test/gateway: \'middlewares.cors\' (["*","app.example.com"]) allows any origin with credentials, so any site can act as a logged-in user — list the exact origins, or drop allowCredentials',
        "test/gateway: 'middlewares.cors.allowOrigins' ('app.example.com') is not an origin — use 'https://app.example.com' (scheme and host, no path)",
        "test/gateway: 'middlewares.circuitBreaker' ('NetworkErrorRatio() > 1.5') has a ratio outside (0, 1] — use ratios such as 0.3",
        "test/gateway: 'middlewares.retry' (11) is not between 1 and 10 attempts — use e.g. 3",
        "test/gateway: 'middlewares.buffering' (0) is not a positive byte count — use e.g. 10 * 1024 * 1024",
        "test/gateway: 'middlewares.inFlightRequests' (0) is not a positive integer — use e.g. 100",
        "test/gateway: 'middlewares.forwardAuth' ('auth:8080') is not an http(s) URL — use e.g. 'http://auth.ns.svc:8080/verify'",
        "test/gateway: 'middlewares.ipAllowList' ([]) is empty, which blocks everyone — list the allowed CIDRs",
        "test/gateway: 'middlewares.rateLimit' ('100/1s') is enforced by each of the 2 Traefik replicas, so the real limit is 2 × higher — set redisEndpoints for a shared limit, or perReplica: true to divide the limit across replicas",
      ],
    ],
    ['retry on an idempotent route', 'routes.api.middlewares', [retry], http(true, [retry]), []],
    [
      "the gateway's retry on a route not marked idempotent",
      'routes.api.middlewares',
      [],
      http(false, [retry]),
      [
        "test/gateway: 'routes.api.middlewares.retry' ('retry') is on a route not marked idempotent, so a POST could be applied twice — mark the route idempotent: true, or remove retry",
      ],
    ],
    [
      'retry and buffering on a WebSocket route',
      'routes.ws.middlewares',
      [retry, buffering],
      { protocol: RouteProtocol.WEBSOCKET, idempotent: true, publicGrpc: false, merged: [limit, retry, buffering] },
      [
        "test/gateway: 'routes.ws.middlewares.retry' ('retry') breaks WebSocket upgrades and long-lived connections — remove retry from WebSocket routes",
        "test/gateway: 'routes.ws.middlewares.buffering' ('buffering') breaks WebSocket upgrades and long-lived connections — remove buffering from WebSocket routes",
      ],
    ],
    [
      'a route without a rate limit',
      'routes.api.middlewares',
      [],
      { protocol: RouteProtocol.HTTP, idempotent: false, publicGrpc: false, merged: [Middleware.securityHeaders()] },
      [
        "test/gateway: 'routes.api.middlewares' ([\"headers\"]) has no rate limit, so one client can flood the service — add Middleware.rateLimit (on the route, or the gateway's for every route)",
      ],
    ],
    [
      'forwardAuth with only a per-user limit after it',
      'routes.api.middlewares',
      [auth, perUser],
      { protocol: RouteProtocol.HTTP, idempotent: false, publicGrpc: false, merged: [auth, perUser] },
      [
        "test/gateway: 'routes.api.middlewares.forwardAuth' ('forwardAuth') asks the auth service on every request with no client-IP limit before it, so a flood reaches the auth service — add a client-IP Middleware.rateLimit (it runs before forwardAuth), e.g. on the gateway",
      ],
    ],
    ['forwardAuth behind a client-IP limit', 'routes.api.middlewares', [auth, perUser], http(false, [auth, perUser]), []],
    [
      'a public gRPC route without forwardAuth',
      'routes.grpc.middlewares',
      [],
      { protocol: RouteProtocol.GRPC, idempotent: false, publicGrpc: true, merged: [limit] },
      [
        "test/gateway: 'routes.grpc.middlewares.forwardAuth' ('none') is missing on a public gRPC route, so anyone on the internet can call it — add Middleware.forwardAuth, or keep gRPC internal",
      ],
    ],
  ])('%s', (_name, prop, middlewares, route, expected) => {
    expect(messagesOf(middlewareViolations(prop, middlewares, TRAEFIK, route))).toStrictEqual(expected);
  });
});

describe('rateLimitViolations', () => {
  const ip = SourceCriterion.clientIp();
  test.each<[string, RateLimitProps, number, string[]]>([
    ['per replica', { average: 100, sourceCriterion: ip, perReplica: true }, 2, []],
    ['shared in Redis', { average: 100, sourceCriterion: ip, redisEndpoints: ['redis:6379'] }, 3, []],
    ['one Traefik replica', { average: 100, sourceCriterion: ip }, 1, []],
    [
      'no rate, no burst',
      { average: 0, burst: 0, sourceCriterion: ip },
      1,
      [
        "test/gateway: 'middlewares.rateLimit.average' (0) is not a positive integer — use requests per period, e.g. 100",
        "test/gateway: 'middlewares.rateLimit.burst' (0) is not a positive integer — use e.g. the average",
      ],
    ],
    [
      'local on several replicas',
      { average: 100, period: Duration.minutes(1), sourceCriterion: ip },
      3,
      [
        "test/gateway: 'middlewares.rateLimit' ('100/1m') is enforced by each of the 3 Traefik replicas, so the real limit is 3 × higher — set redisEndpoints for a shared limit, or perReplica: true to divide the limit across replicas",
      ],
    ],
    [
      'per replica below the replica count',
      { average: 2, sourceCriterion: ip, perReplica: true },
      3,
      [
        "test/gateway: 'middlewares.rateLimit.average' (2) is below the 3 replicas it is divided across — use a longer period or a shared store (redisEndpoints)",
      ],
    ],
  ])('%s', (_name, props, traefikReplicas, expected) => {
    expect(messagesOf(rateLimitViolations('middlewares', props, traefikReplicas))).toStrictEqual(expected);
  });
});
