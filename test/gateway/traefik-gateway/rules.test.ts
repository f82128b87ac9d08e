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
import { messagesOf } from './support';

describe('gatewayViolations', () => {
  test.each<[string, string, string[], number, string[]]>([
    ['valid', 'gateway', ['api.example.com', '*.example.com'], 2, []],
    [
      'a name that is not a DNS label, hosts that are not host names, no replicas',
      'Gateway',
      ['API.example', 'x'],
      0,
      [
        "test/gateway: 'id' ('Gateway') gives the name 'test-Gateway', which is not a DNS label — use a short lowercase id",
        "test/gateway: 'hosts' ('API.example') is not a host name — use e.g. 'api.example.com'",
        "test/gateway: 'hosts' ('x') is not a host name — use e.g. 'api.example.com'",
        "test/gateway: 'traefikReplicas' (0) is not a positive integer — give the replica count of the Traefik deployment",
      ],
    ],
    [
      'no hosts, a fractional replica count',
      'gateway',
      [],
      1.5,
      [
        "test/gateway: 'hosts' ([]) is empty — list the host names the gateway serves",
        "test/gateway: 'traefikReplicas' (1.5) is not a positive integer — give the replica count of the Traefik deployment",
      ],
    ],
  ])('%s', (_name, id, hosts, traefikReplicas, expected) => {
    expect(messagesOf(gatewayViolations(id, { name: `test-${id}`, hosts, traefikReplicas }))).toStrictEqual(expected);
  });
});

describe('routeViolations', () => {
  const api: RouteTarget = {
    name: 'test-api',
    namespace: 'test',
    path: 'prod/test/api',
    ports: { http: 8080, grpc: 9090 },
    environment: Environment.PROD,
  };
  const other: RouteTarget = {
    name: 'other-api',
    namespace: 'other',
    path: 'dev/other/api',
    ports: { http: 8080 },
    environment: Environment.DEV,
  };
  const gateway: RouteContext = {
    namespace: 'test',
    environment: Environment.PROD,
    allowCrossNamespace: false,
    routes: [{ id: 'auth', protocol: RouteProtocol.HTTP, paths: ['/api/v1/auth'] }],
  };
  const route = (id: string, protocol: RouteProtocol, port: RouteSpec['port'], paths: string[]) => ({ id, protocol, port, paths });
  test.each<[string, ReturnType<typeof route>, RouteTarget, RouteContext, string[]]>([
    ['valid HTTP', route('api', RouteProtocol.HTTP, 'http', ['/api/v1/listings']), api, gateway, []],
    ['gRPC may share a prefix with HTTP', route('grpc', RouteProtocol.GRPC, 'grpc', ['/api/v1/auth']), api, gateway, []],
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
      route('Bad_Id', RouteProtocol.GRPC, 'metrics', ['/']),
      api,
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

describe('middlewareViolations', () => {
  const retry = Middleware.retry(3);
  const buffering = Middleware.buffering(1024);
  const http = (idempotent: boolean, merged: Middleware[]): RouteMiddlewareContext => ({
    protocol: RouteProtocol.HTTP,
    idempotent,
    merged,
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
      { protocol: RouteProtocol.WEBSOCKET, idempotent: true, merged: [retry, buffering] },
      [
        "test/gateway: 'routes.ws.middlewares.retry' ('retry') breaks WebSocket upgrades and long-lived connections — remove retry from WebSocket routes",
        "test/gateway: 'routes.ws.middlewares.buffering' ('buffering') breaks WebSocket upgrades and long-lived connections — remove buffering from WebSocket routes",
      ],
    ],
  ])('%s', (_name, prop, middlewares, route, expected) => {
    expect(messagesOf(middlewareViolations(prop, middlewares, 2, route))).toStrictEqual(expected);
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
