import { Duration } from 'cdk8s';
import { CircuitBreakerExpression, Middleware, SourceCriterion } from '../../../lib/gateway/gateway-middleware';
import { GatewayRouteProps, GatewayTls, RouteProtocol, TraefikGatewayProps } from '../../../lib/gateway/traefik-gateway/props';
import { TraefikPlatform } from '../../../lib/gateway/traefik-platform';
import {
  GatewaySpec,
  mergeMiddlewares,
  resolveGateway,
  resolveRoute,
  routeMiddlewareNames,
  RouteSpec,
} from '../../../lib/gateway/traefik-gateway/spec';

const TLS = GatewayTls.certManager('letsencrypt');
const TRAEFIK = new TraefikPlatform({ replicas: 2, trustedProxies: { hops: 0, cidrs: [] } });
const INGRESS = new TraefikPlatform({ namespace: 'ingress', replicas: 3, trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8'] } });
const cors = Middleware.cors({ allowOrigins: ['https://app.example.com'] });
const headers = Middleware.securityHeaders();
const gatewayRetry = Middleware.retry(3);
const perIp = Middleware.rateLimit({
  average: 100,
  period: Duration.minutes(1),
  sourceCriterion: SourceCriterion.clientIp(),
  perReplica: true,
});
const routeRetry = Middleware.retry(2);
const breaker = Middleware.circuitBreaker(CircuitBreakerExpression.networkErrorRatio(0.3));

describe('resolveGateway', () => {
  test.each<[string, TraefikGatewayProps, GatewaySpec]>([
    [
      'defaults',
      { hosts: ['api.example.com'], tls: TLS, traefik: TRAEFIK },
      {
        name: 'test-gateway',
        hosts: ['api.example.com'],
        tls: TLS,
        traefik: TRAEFIK,
        entryPoints: ['websecure'],
        middlewares: [],
        allowCrossNamespace: false,
      },
    ],
    [
      'every prop set',
      {
        hosts: ['a.example.com', 'b.example.com'],
        tls: TLS,
        traefik: INGRESS,
        entryPoints: ['web', 'websecure'],
        middlewares: [cors, headers],
        allowCrossNamespace: true,
      },
      {
        name: 'test-gateway',
        hosts: ['a.example.com', 'b.example.com'],
        tls: TLS,
        traefik: INGRESS,
        entryPoints: ['web', 'websecure'],
        middlewares: [cors, headers],
        allowCrossNamespace: true,
      },
    ],
  ])('%s', (_name, props, expected) => {
    expect(resolveGateway('test', 'gateway', props)).toStrictEqual(expected);
  });
});

describe('resolveRoute', () => {
  test.each<[string, Omit<GatewayRouteProps, 'to'>, RouteSpec]>([
    [
      'HTTP by default',
      {},
      { id: 'api', protocol: RouteProtocol.HTTP, port: 'http', paths: ['/'], idempotent: false, publicGrpc: false, middlewares: [] },
    ],
    [
      'gRPC on the grpc port',
      { protocol: RouteProtocol.GRPC, pathPrefixes: ['/listings.v1.Listings'] },
      {
        id: 'api',
        protocol: RouteProtocol.GRPC,
        port: 'grpc',
        paths: ['/listings.v1.Listings'],
        idempotent: false,
        publicGrpc: false,
        middlewares: [],
      },
    ],
    [
      'WebSocket on the http port',
      { protocol: RouteProtocol.WEBSOCKET, pathPrefixes: ['/ws', '/realtime'], middlewares: [perIp] },
      {
        id: 'api',
        protocol: RouteProtocol.WEBSOCKET,
        port: 'http',
        paths: ['/ws', '/realtime'],
        idempotent: false,
        publicGrpc: false,
        middlewares: [perIp],
      },
    ],
    [
      'an explicit port, idempotent',
      { port: 'metrics', idempotent: true, publicGrpc: false, middlewares: [routeRetry] },
      {
        id: 'api',
        protocol: RouteProtocol.HTTP,
        port: 'metrics',
        paths: ['/'],
        idempotent: true,
        publicGrpc: false,
        middlewares: [routeRetry],
      },
    ],
  ])('%s', (_name, props, expected) => {
    expect(resolveRoute('api', props)).toStrictEqual(expected);
  });
});

describe('mergeMiddlewares', () => {
  test.each<[string, Middleware[], Middleware[], Middleware[]]>([
    ['none', [], [], []],
    ['the gateway only', [cors, headers], [], [cors, headers]],
    ['the route only', [], [perIp, breaker], [perIp, breaker]],
    ["the route's retry replaces the gateway's", [cors, gatewayRetry, headers], [perIp, routeRetry], [cors, headers, perIp, routeRetry]],
  ])('%s', (_name, gateway, route, expected) => {
    expect(mergeMiddlewares(gateway, route)).toStrictEqual(expected);
  });
});

describe('routeMiddlewareNames', () => {
  test.each<[string, Middleware[], Middleware[], string[]]>([
    ['none', [], [], []],
    ['the gateway only, in the fixed order', [cors, headers], [], ['test-gateway-security-headers', 'test-gateway-cors']],
    [
      'the route only, in the fixed order',
      [],
      [routeRetry, breaker, perIp],
      ['test-gateway-auth-rate-limit', 'test-gateway-auth-circuit-breaker', 'test-gateway-auth-retry'],
    ],
    [
      "both, the route's retry replacing the gateway's",
      [gatewayRetry, cors, headers],
      [breaker, routeRetry, perIp],
      [
        'test-gateway-security-headers',
        'test-gateway-cors',
        'test-gateway-auth-rate-limit',
        'test-gateway-auth-circuit-breaker',
        'test-gateway-auth-retry',
      ],
    ],
  ])('%s', (_name, gateway, route, expected) => {
    expect(routeMiddlewareNames('test-gateway', gateway, 'auth', route)).toStrictEqual(expected);
  });
});
