import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  CircuitBreakerExpression,
  Environment,
  GatewayRouteProps,
  GatewayTls,
  Middleware,
  Probe,
  ReliableService,
  ReliableServiceProps,
  RouteProtocol,
  SourceCriterion,
  SystemChart,
  TraefikGateway,
  TraefikGatewayProps,
  TraefikPlatform,
} from '../../../lib';
import { MIDDLEWARE_ORDER } from '../../../lib/gateway/gateway-middleware';
import { find, Manifest, ofKind, synth, testChart } from '../../support/synth';

function service(chart: SystemChart, id: string, overrides: Partial<ReliableServiceProps> = {}): ReliableService {
  return new ReliableService(chart, id, {
    image: `registry.example.com/${id}:1.0.0`,
    ports: { http: 8080 },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
    ...overrides,
  });
}

/** Two replicas behind one load balancer in 10.0.0.0/8. */
const TRAEFIK = new TraefikPlatform({ replicas: 2, trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8'] } });

const perIp = (average: number) =>
  Middleware.rateLimit({ average, period: Duration.minutes(1), sourceCriterion: SourceCriterion.clientIp(), perReplica: true });

/** A gateway-wide client-IP limit (every route must be rate-limited), then the test's own middlewares. */
function gatewayProps(overrides: Partial<TraefikGatewayProps> = {}): TraefikGatewayProps {
  return {
    hosts: ['api.example.com'],
    tls: GatewayTls.certManager('letsencrypt'),
    traefik: TRAEFIK,
    ...overrides,
    middlewares: [perIp(600), ...(overrides.middlewares ?? [])],
  };
}

describe('TraefikGateway', () => {
  test('routes, TLS from cert-manager, middlewares in the fixed order, and the snapshot', () => {
    const chart = testChart();
    const auth = service(chart, 'auth');
    const realtime = service(chart, 'realtime');
    const gw = new TraefikGateway(
      chart,
      'gateway',
      gatewayProps({
        middlewares: [Middleware.cors({ allowOrigins: ['https://app.example.com'], allowCredentials: true }), Middleware.securityHeaders()],
      }),
    );
    gw.addRoute('auth', {
      to: auth,
      pathPrefixes: ['/api/v1/auth'],
      // Listed out of order on purpose: the gateway sorts them.
      middlewares: [
        Middleware.circuitBreaker(CircuitBreakerExpression.networkErrorRatio(0.3)),
        perIp(5),
        Middleware.buffering(1024 * 1024),
      ],
    });
    gw.addRoute('realtime', { to: realtime, pathPrefixes: ['/api/v1/realtime', '/ws'], protocol: RouteProtocol.WEBSOCKET });
    const objects = synth(chart);
    expect(objects.filter((o) => o.kind !== 'Deployment' && o.kind !== 'Service' && o.kind !== 'ServiceAccount')).toMatchSnapshot();

    const route = find(objects, 'IngressRoute', 'test-gateway').spec;
    expect(route.entryPoints).toEqual(['websecure']);
    expect(route.tls).toEqual({ secretName: 'test-gateway-tls' });
    expect(route.routes[0]).toEqual({
      kind: 'Rule',
      match: 'Host(`api.example.com`) && PathPrefix(`/api/v1/auth`)',
      middlewares: [
        'test-gateway-security-headers',
        'test-gateway-cors',
        'test-gateway-auth-rate-limit',
        'test-gateway-auth-buffering',
        'test-gateway-auth-circuit-breaker',
      ].map((name) => ({ name, namespace: 'test' })),
      services: [{ name: 'test-auth', namespace: 'test', port: 8080 }],
    });
    expect(route.routes[1].match).toBe('Host(`api.example.com`) && (PathPrefix(`/api/v1/realtime`) || PathPrefix(`/ws`))');
    expect(find(objects, 'Certificate', 'test-gateway-tls').spec).toEqual({
      secretName: 'test-gateway-tls',
      dnsNames: ['api.example.com'],
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      privateKey: { rotationPolicy: 'Always' },
    });
    // Routed services admit the Traefik namespace on the routed port only.
    expect(find(objects, 'NetworkPolicy', 'test-auth').spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(gw.routeIds).toEqual(['auth', 'realtime']);
  });

  test('middleware specs: security headers, CORS, per-replica rate limit, circuit breaker', () => {
    const chart = testChart();
    const api = service(chart, 'api');
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps({ tls: GatewayTls.secret('api-tls') }));
    gw.addRoute('api', {
      to: api,
      pathPrefixes: ['/api'],
      middlewares: [
        Middleware.securityHeaders(),
        Middleware.cors({ allowOrigins: ['https://app.example.com'] }),
        Middleware.rateLimit({
          average: 100,
          period: Duration.minutes(1),
          sourceCriterion: SourceCriterion.header('X-User-Id'),
          perReplica: true,
        }),
        Middleware.circuitBreaker(
          CircuitBreakerExpression.networkErrorRatio(0.3)
            .or(CircuitBreakerExpression.responseCodeRatio(500, 600, 0.25))
            .or(CircuitBreakerExpression.latencyAtQuantile(50, Duration.millis(100))),
        ),
        Middleware.inFlightRequests(50),
        Middleware.forwardAuth('http://test-auth.test.svc:8080/verify', ['X-User-Id']),
        Middleware.ipAllowList(['10.0.0.0/8']),
      ],
    });
    const objects = synth(chart);
    const spec = (name: string) => find(objects, 'Middleware', `test-gateway-api-${name}`).spec;
    expect(find(objects, 'IngressRoute', 'test-gateway').spec.tls).toEqual({ secretName: 'api-tls' });
    expect(spec('security-headers').headers).toEqual({
      stsSeconds: 31536000,
      stsIncludeSubdomains: true,
      forceSTSHeader: true,
      contentTypeNosniff: true,
      frameDeny: true,
      browserXssFilter: true,
      contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'",
      referrerPolicy: 'strict-origin-when-cross-origin',
    });
    expect(spec('cors').headers).toMatchObject({
      accessControlAllowOriginList: ['https://app.example.com'],
      accessControlAllowCredentials: false,
      accessControlMaxAge: 600,
    });
    // 100/min per user across 2 replicas without a shared store: 50 per replica.
    expect(spec('rate-limit').rateLimit).toEqual({
      average: 50,
      burst: 50,
      period: '1m',
      sourceCriterion: { requestHeaderName: 'X-User-Id' },
    });
    // Client-IP criteria take the X-Forwarded-For depth of the platform's trusted proxies.
    expect(spec('in-flight').inFlightReq).toEqual({ amount: 50, sourceCriterion: { ipStrategy: { depth: 1 } } });
    expect(spec('ip-allow-list').ipAllowList).toEqual({ sourceRange: ['10.0.0.0/8'], ipStrategy: { depth: 1 } });
    expect(find(objects, 'Middleware', 'test-gateway-rate-limit').spec.rateLimit).toEqual({
      average: 300,
      burst: 300,
      period: '1m',
      sourceCriterion: { ipStrategy: { depth: 1 } },
    });
    expect(spec('circuit-breaker').circuitBreaker).toEqual({
      expression: 'NetworkErrorRatio() > 0.3 || ResponseCodeRatio(500, 600, 0, 600) > 0.25 || LatencyAtQuantileMS(50.0) > 100',
      checkPeriod: '10s',
      fallbackDuration: '30s',
      recoveryDuration: '30s',
    });
    expect(find(objects, 'IngressRoute', 'test-gateway').spec.routes[0].middlewares.map((m: Manifest) => m.name)).toEqual([
      'test-gateway-api-ip-allow-list',
      'test-gateway-api-security-headers',
      'test-gateway-api-cors',
      'test-gateway-rate-limit',
      'test-gateway-api-forward-auth',
      'test-gateway-api-rate-limit',
      'test-gateway-api-in-flight',
      'test-gateway-api-circuit-breaker',
    ]);
  });

  test("a shared Redis store keeps the plan's limit as is", () => {
    const chart = testChart();
    const traefik = new TraefikPlatform({ replicas: 3, trustedProxies: { hops: 0, cidrs: [] } });
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps({ traefik, tls: GatewayTls.certResolver('le') }));
    gw.addRoute('api', {
      to: service(chart, 'api'),
      pathPrefixes: ['/api'],
      middlewares: [
        Middleware.rateLimit({
          average: 5,
          period: Duration.minutes(1),
          sourceCriterion: SourceCriterion.clientIp(),
          redisEndpoints: ['redis.traefik.svc:6379'],
        }),
      ],
    });
    const objects = synth(chart);
    expect(find(objects, 'Middleware', 'test-gateway-api-rate-limit').spec.rateLimit).toEqual({
      average: 5,
      burst: 5,
      period: '1m',
      sourceCriterion: { ipStrategy: {} },
      redis: { endpoints: ['redis.traefik.svc:6379'] },
    });
    expect(find(objects, 'IngressRoute', 'test-gateway').spec.tls).toEqual({ certResolver: 'le' });
  });

  test('public gRPC routes go h2c to the grpc port and match gRPC content types; retry on idempotent routes', () => {
    const chart = testChart();
    const listings = service(chart, 'listings', { ports: { http: 8086, grpc: 50053 } });
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps({ hosts: ['listings.example.com', 'api.example.com'] }));
    gw.addRoute('grpc', {
      to: listings,
      protocol: RouteProtocol.GRPC,
      publicGrpc: true,
      middlewares: [Middleware.retry(3), Middleware.forwardAuth('http://test-auth.test.svc:8080/verify')],
      idempotent: true,
    });
    gw.addRoute('rest', { to: listings, pathPrefixes: ['/api'] });
    const objects = synth(chart);
    const routes = find(objects, 'IngressRoute', 'test-gateway').spec.routes;
    expect(routes[0]).toMatchObject({
      match:
        '(Host(`listings.example.com`) || Host(`api.example.com`)) && PathPrefix(`/`) && HeaderRegexp(`Content-Type`, `^application/grpc`)',
      services: [{ name: 'test-listings', namespace: 'test', port: 50053, scheme: 'h2c' }],
    });
    expect(find(objects, 'Middleware', 'test-gateway-grpc-retry').spec.retry).toEqual({ attempts: 3, initialInterval: '100ms' });
    expect(find(objects, 'NetworkPolicy', 'test-listings').spec.ingress.map((r: Manifest) => r.ports[0].port)).toEqual([50053, 8086]);
    expect(ofKind(objects, 'Certificate')).toHaveLength(1);
  });

  test('plain HTTP on every host is a permanent redirect to HTTPS, reaching no service', () => {
    const chart = testChart();
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps({ hosts: ['api.example.com', 'www.example.com'] }));
    gw.addRoute('api', { to: service(chart, 'api'), pathPrefixes: ['/api'] });
    const objects = synth(chart);
    expect(find(objects, 'IngressRoute', 'test-gateway-http').spec).toEqual({
      entryPoints: ['web'],
      routes: [
        {
          kind: 'Rule',
          match: 'Host(`api.example.com`) || Host(`www.example.com`)',
          middlewares: [{ name: 'test-gateway-https-redirect', namespace: 'test' }],
          services: [{ name: 'noop@internal', kind: 'TraefikService' }],
        },
      ],
    });
    expect(find(objects, 'Middleware', 'test-gateway-https-redirect').spec).toEqual({
      redirectScheme: { scheme: 'https', permanent: true },
    });
    expect(find(objects, 'IngressRoute', 'test-gateway').spec.entryPoints).toEqual(['websecure']);
  });

  test("the report facts state each rate limit's share per replica, once, with the routes applying it", () => {
    const chart = testChart();
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps());
    gw.addRoute('auth', { to: service(chart, 'auth'), pathPrefixes: ['/auth'], middlewares: [perIp(5)] });
    gw.addRoute('posts', { to: service(chart, 'posts'), pathPrefixes: ['/posts'] });
    gw.addRoute('feed', { to: service(chart, 'feed'), pathPrefixes: ['/feed'] });
    expect(gw.reliabilityFacts().gateways?.[0]).toEqual({
      name: 'test-gateway',
      hosts: ['api.example.com'],
      routes: ['auth', 'posts', 'feed'],
      traefikReplicas: 2,
      trustedProxyHops: 1,
      rateLimits: [
        {
          middleware: 'test-gateway-auth-rate-limit',
          routes: ['auth'],
          countedPer: 'client IP (X-Forwarded-For depth 1)',
          limit: { average: 5, burst: 5, period: Duration.minutes(1) },
          perReplica: { average: 2, burst: 2 },
          shared: false,
          fleetAverage: 4,
        },
        {
          middleware: 'test-gateway-rate-limit',
          routes: ['posts', 'feed'],
          countedPer: 'client IP (X-Forwarded-For depth 1)',
          limit: { average: 600, burst: 600, period: Duration.minutes(1) },
          perReplica: { average: 300, burst: 300 },
          shared: false,
          fleetAverage: 600,
        },
      ],
    });
  });

  test('the middleware order is documented and complete', () => {
    expect(MIDDLEWARE_ORDER).toEqual([
      'ipAllowList',
      'headers',
      'cors',
      'rateLimit:ip',
      'forwardAuth',
      'rateLimit:header',
      'inFlightReq',
      'buffering',
      'circuitBreaker',
      'retry',
    ]);
  });
});

describe('TraefikGateway validation', () => {
  function routeError(route: Partial<GatewayRouteProps>, props: Partial<TraefikGatewayProps> = {}): string {
    const chart = testChart();
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps(props));
    try {
      gw.addRoute('api', { to: service(chart, 'api'), ...route });
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected addRoute to throw');
  }

  test.each<[string, Partial<GatewayRouteProps>, string]>([
    [
      'a prefix that reaches the probes',
      { pathPrefixes: ['/'] },
      "prod/test/gateway: 'routes.api.pathPrefixes' ('/') reaches the readiness probe path '/readyz' of test-api on port 'http' — route only the API's own prefixes (e.g. '/api/v1')",
    ],
    [
      'gRPC without publicGrpc',
      { protocol: RouteProtocol.GRPC, port: 'http', pathPrefixes: ['/grpc'] },
      "prod/test/gateway: 'routes.api.publicGrpc' (false) publishes gRPC, an internal protocol, on the internet — let in-cluster callers reach the grpc port through the service's ingress, or set publicGrpc: true (with forwardAuth and a rate limit)",
    ],
    [
      'a local rate limit multiplied by replicas',
      { middlewares: [Middleware.rateLimit({ average: 100, period: Duration.minutes(1), sourceCriterion: SourceCriterion.clientIp() })] },
      "prod/test/gateway: 'routes.api.middlewares.rateLimit' ('100/1m') is enforced by each of the 2 Traefik replicas, so the real limit is 2 × higher — set redisEndpoints for a shared limit, or perReplica: true to divide the limit across replicas",
    ],
    [
      'a per-replica limit below one request',
      { middlewares: [Middleware.rateLimit({ average: 1, sourceCriterion: SourceCriterion.clientIp(), perReplica: true })] },
      "prod/test/gateway: 'routes.api.middlewares.rateLimit.average' (1) is below the 2 replicas it is divided across — use a longer period or a shared store (redisEndpoints)",
    ],
    [
      'CORS wildcard with credentials (seed 001 §4.7)',
      { middlewares: [Middleware.cors({ allowOrigins: ['*'], allowCredentials: true })] },
      'prod/test/gateway: \'routes.api.middlewares.cors\' (["*"]) allows any origin with credentials, so any site can act as a logged-in user — list the exact origins, or drop allowCredentials',
    ],
    [
      'a CORS origin with a path',
      { middlewares: [Middleware.cors({ allowOrigins: ['https://app.example.com/login'] })] },
      "prod/test/gateway: 'routes.api.middlewares.cors.allowOrigins' ('https://app.example.com/login') is not an origin — use 'https://app.example.com' (scheme and host, no path)",
    ],
    [
      'retry on a non-idempotent route',
      { middlewares: [Middleware.retry(3)] },
      "prod/test/gateway: 'routes.api.middlewares.retry' ('retry') is on a route not marked idempotent, so a POST could be applied twice — mark the route idempotent: true, or remove retry",
    ],
    [
      'buffering on a WebSocket route',
      { protocol: RouteProtocol.WEBSOCKET, middlewares: [Middleware.buffering(1024)] },
      "prod/test/gateway: 'routes.api.middlewares.buffering' ('buffering') breaks WebSocket upgrades and long-lived connections — remove buffering from WebSocket routes",
    ],
    [
      'an undeclared port',
      { port: 'grpc' },
      "prod/test/gateway: 'routes.api.port' ('grpc') is not a port of test-api — route to one of the service's declared ports",
    ],
    [
      'gRPC on the http port',
      { protocol: RouteProtocol.GRPC, port: 'http' },
      "prod/test/gateway: 'routes.api.port' ('http') carries gRPC but is not the grpc port — use port 'grpc' for gRPC routes",
    ],
    [
      'a relative path',
      { pathPrefixes: ['api'] },
      "prod/test/gateway: 'routes.api.pathPrefixes' ('api') is not an absolute path — start it with '/', e.g. '/api/v1/auth'",
    ],
    [
      'a circuit breaker ratio above 1',
      { middlewares: [Middleware.circuitBreaker(CircuitBreakerExpression.networkErrorRatio(30))] },
      "prod/test/gateway: 'routes.api.middlewares.circuitBreaker' ('NetworkErrorRatio() > 30') has a ratio outside (0, 1] — use ratios such as 0.3",
    ],
    [
      'too many retries',
      { idempotent: true, middlewares: [Middleware.retry(50)] },
      "prod/test/gateway: 'routes.api.middlewares.retry' (50) is not between 1 and 10 attempts — use e.g. 3",
    ],
    [
      'zero buffering',
      { middlewares: [Middleware.buffering(0)] },
      "prod/test/gateway: 'routes.api.middlewares.buffering' (0) is not a positive byte count — use e.g. 10 * 1024 * 1024",
    ],
    [
      'zero in-flight',
      { middlewares: [Middleware.inFlightRequests(0)] },
      "prod/test/gateway: 'routes.api.middlewares.inFlightRequests' (0) is not a positive integer — use e.g. 100",
    ],
    [
      'a forwardAuth address that is not a URL',
      { middlewares: [Middleware.forwardAuth('auth:8080')] },
      "prod/test/gateway: 'routes.api.middlewares.forwardAuth' ('auth:8080') is not an http(s) URL — use e.g. 'http://auth.ns.svc:8080/verify'",
    ],
    [
      'an empty allow list',
      { middlewares: [Middleware.ipAllowList([])] },
      "prod/test/gateway: 'routes.api.middlewares.ipAllowList' ([]) is empty, which blocks everyone — list the allowed CIDRs",
    ],
    [
      'the same kind twice',
      { middlewares: [Middleware.securityHeaders(), Middleware.securityHeaders()] },
      "prod/test/gateway: 'routes.api.middlewares' ('headers') is listed twice — keep one middleware of each kind",
    ],
    [
      'a zero rate',
      { middlewares: [Middleware.rateLimit({ average: 0, sourceCriterion: SourceCriterion.clientIp(), redisEndpoints: ['r:6379'] })] },
      "prod/test/gateway: 'routes.api.middlewares.rateLimit.average' (0) is not a positive integer — use requests per period, e.g. 100",
    ],
  ])('throws for %s', (_name, route, message) => {
    expect(routeError({ pathPrefixes: ['/api'], ...route })).toContain(message);
  });

  test('forwardAuth with only a per-user limit after it, no client-IP limit before', () => {
    const chart = testChart();
    const gw = new TraefikGateway(chart, 'gateway', { hosts: ['api.example.com'], tls: GatewayTls.certManager('le'), traefik: TRAEFIK });
    const verified = [
      Middleware.forwardAuth('http://test-auth.test.svc:8080/verify', ['X-User-Id']),
      Middleware.rateLimit({ average: 100, sourceCriterion: SourceCriterion.header('X-User-Id'), perReplica: true }),
    ];
    expect(() => gw.addRoute('api', { to: service(chart, 'api'), pathPrefixes: ['/api'], middlewares: verified })).toThrow(
      "prod/test/gateway: 'routes.api.middlewares.forwardAuth' ('forwardAuth') asks the auth service on every request with no client-IP limit before it, so a flood reaches the auth service — add a client-IP Middleware.rateLimit (it runs before forwardAuth), e.g. on the gateway",
    );
  });

  test('a route without any rate limit, to the port Prometheus scrapes', () => {
    const chart = testChart();
    const gw = new TraefikGateway(chart, 'gateway', { hosts: ['api.example.com'], tls: GatewayTls.certManager('le'), traefik: TRAEFIK });
    expect(() => gw.addRoute('api', { to: service(chart, 'api', { monitoring: { port: 'http' } }), pathPrefixes: ['/api'] })).toThrow(
      [
        'prod/test/gateway: 2 invalid settings',
        "  - prod/test/gateway: 'routes.api.port' ('http') is where Prometheus scrapes test-api (/metrics), so the route publishes its metrics — serve metrics on a port of their own (ports.metrics) that no route targets",
        "  - prod/test/gateway: 'routes.api.middlewares' ([]) has no rate limit, so one client can flood the service — add Middleware.rateLimit (on the route, or the gateway's for every route)",
      ].join('\n'),
    );
  });

  test('a route to another namespace without allowCrossNamespace', () => {
    const chart = testChart();
    const other = new SystemChart(chart.node.scope as never, 'other');
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps());
    expect(() => gw.addRoute('api', { to: service(other, 'api') })).toThrow(
      "prod/test/gateway: 'routes.api.to' ('other-api') is in namespace 'other', not the gateway's 'test', and Traefik ignores cross-namespace references by default — route to a service of this system, or set allowCrossNamespace (and enable it in Traefik)",
    );
  });

  test('a route to another environment', () => {
    const chart = testChart();
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps({ allowCrossNamespace: true }));
    expect(() => gw.addRoute('api', { to: service(testChart(Environment.DEV), 'api') })).toThrow(
      "prod/test/gateway: 'routes.api.to' ('dev/test/api') is in environment 'dev' — route to a service of the same environment",
    );
  });

  test('duplicate route ids and path prefixes', () => {
    const chart = testChart();
    const api = service(chart, 'api');
    const gw = new TraefikGateway(chart, 'gateway', gatewayProps());
    gw.addRoute('api', { to: api, pathPrefixes: ['/api'] });
    expect(() => gw.addRoute('api', { to: api, pathPrefixes: ['/api'] })).toThrow(
      [
        'prod/test/gateway: 2 invalid settings',
        "  - prod/test/gateway: 'routes.api' ('api') is already a route — give each route its own id",
        "  - prod/test/gateway: 'routes.api.pathPrefixes' ('/api') is already routed by 'api' — give each path prefix one route",
      ].join('\n'),
    );
  });

  test('gateway props', () => {
    expect(() => new TraefikGateway(testChart(), 'gateway', gatewayProps({ hosts: ['API.example', 'x'], entryPoints: ['web'] }))).toThrow(
      [
        'prod/test/gateway: 3 invalid settings',
        "  - prod/test/gateway: 'hosts' ('API.example') is not a host name — use e.g. 'api.example.com'",
        "  - prod/test/gateway: 'hosts' ('x') is not a host name — use e.g. 'api.example.com'",
        "  - prod/test/gateway: 'entryPoints' ([\"web\"]) serves the routes on plain HTTP ('web'), where anyone on the path can read and change them — drop 'web': the gateway answers HTTP with a permanent redirect to HTTPS",
      ].join('\n'),
    );
    expect(() => new TraefikGateway(testChart(), 'gateway', gatewayProps({ hosts: [] }))).toThrow(
      "prod/test/gateway: 'hosts' ([]) is empty — list the host names the gateway serves",
    );
  });
});
