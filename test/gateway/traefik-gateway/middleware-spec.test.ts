import { Duration } from 'cdk8s';
import {
  MiddlewareSpec,
  MiddlewareSpecCircuitBreakerCheckPeriod,
  MiddlewareSpecCircuitBreakerFallbackDuration,
  MiddlewareSpecCircuitBreakerRecoveryDuration,
  MiddlewareSpecRateLimitPeriod,
  MiddlewareSpecRetryInitialInterval,
} from '../../../imports/traefik-middleware-traefik.io';
import { CircuitBreakerExpression, Middleware, SourceCriterion } from '../../../lib/gateway/gateway-middleware';
import {
  middlewareObjects,
  MiddlewareObjectSpec,
  middlewareSpec,
  RateLimitShare,
  rateLimitShare,
} from '../../../lib/gateway/traefik-gateway/middleware-spec';
import { TraefikPlatform } from '../../../lib/gateway/traefik-platform';

/** Three replicas with no proxy in front: the client IP is the connection's. */
const THREE = new TraefikPlatform({ replicas: 3, trustedProxies: { hops: 0, cidrs: [] } });
/** Two replicas behind two proxies (a CDN and a load balancer). */
const BEHIND_TWO = new TraefikPlatform({ replicas: 2, trustedProxies: { hops: 2, cidrs: ['10.0.0.0/8', '192.0.2.0/24'] } });

const rateLimit = (
  average: number,
  period: string,
  burst: number,
  sourceCriterion: object,
  redis?: { endpoints: string[] },
): MiddlewareSpec => ({
  rateLimit: { average, burst, period: MiddlewareSpecRateLimitPeriod.fromString(period), sourceCriterion, redis },
});

describe('middlewareSpec', () => {
  test.each<[string, Middleware, MiddlewareSpec]>([
    [
      'ipAllowList',
      Middleware.ipAllowList(['10.0.0.0/8', '192.168.0.0/16']),
      { ipAllowList: { sourceRange: ['10.0.0.0/8', '192.168.0.0/16'], ipStrategy: {} } },
    ],
    [
      'headers',
      Middleware.securityHeaders(),
      {
        headers: {
          stsSeconds: 31536000,
          stsIncludeSubdomains: true,
          forceStsHeader: true,
          contentTypeNosniff: true,
          frameDeny: true,
          browserXssFilter: true,
          contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'",
          referrerPolicy: 'strict-origin-when-cross-origin',
        },
      },
    ],
    [
      'cors',
      Middleware.cors({ allowOrigins: ['https://app.example.com'], allowCredentials: true }),
      {
        headers: {
          accessControlAllowOriginList: ['https://app.example.com'],
          accessControlAllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
          accessControlAllowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
          accessControlAllowCredentials: true,
          accessControlMaxAge: 600,
          addVaryHeader: true,
        },
      },
    ],
    [
      'rateLimit:ip, per replica: average and burst divided by the 3 replicas',
      Middleware.rateLimit({
        average: 100,
        burst: 200,
        period: Duration.minutes(1),
        sourceCriterion: SourceCriterion.clientIp(),
        perReplica: true,
      }),
      rateLimit(33, '1m', 66, { ipStrategy: {} }),
    ],
    [
      'rateLimit:ip, per replica below the replica count: a burst of at least 1',
      Middleware.rateLimit({ average: 2, sourceCriterion: SourceCriterion.clientIp(), perReplica: true }),
      rateLimit(0, '1s', 1, { ipStrategy: {} }),
    ],
    [
      'rateLimit:header, shared in Redis: not divided',
      Middleware.rateLimit({
        average: 10,
        burst: 20,
        sourceCriterion: SourceCriterion.header('X-User-Id'),
        redisEndpoints: ['redis:6379'],
        perReplica: true,
      }),
      rateLimit(10, '1s', 20, { requestHeaderName: 'X-User-Id' }, { endpoints: ['redis:6379'] }),
    ],
    [
      'rateLimit:header, local: as given, the burst defaulting to the average',
      Middleware.rateLimit({ average: 50, period: Duration.seconds(10), sourceCriterion: SourceCriterion.header('X-User-Id') }),
      rateLimit(50, '10s', 50, { requestHeaderName: 'X-User-Id' }),
    ],
    [
      'forwardAuth',
      Middleware.forwardAuth('http://test-auth.test.svc:8080/verify', ['X-User-Id']),
      { forwardAuth: { address: 'http://test-auth.test.svc:8080/verify', trustForwardHeader: false, authResponseHeaders: ['X-User-Id'] } },
    ],
    [
      'forwardAuth without response headers',
      Middleware.forwardAuth('http://test-auth.test.svc:8080/verify'),
      { forwardAuth: { address: 'http://test-auth.test.svc:8080/verify', trustForwardHeader: false, authResponseHeaders: undefined } },
    ],
    ['inFlightReq', Middleware.inFlightRequests(50), { inFlightReq: { amount: 50, sourceCriterion: { ipStrategy: {} } } }],
    ['buffering', Middleware.buffering(1048576), { buffering: { maxRequestBodyBytes: 1048576 } }],
    [
      'circuitBreaker',
      Middleware.circuitBreaker(
        CircuitBreakerExpression.networkErrorRatio(0.3).or(CircuitBreakerExpression.responseCodeRatio(500, 600, 0.25)),
      ),
      {
        circuitBreaker: {
          expression: 'NetworkErrorRatio() > 0.3 || ResponseCodeRatio(500, 600, 0, 600) > 0.25',
          checkPeriod: MiddlewareSpecCircuitBreakerCheckPeriod.fromString('10s'),
          fallbackDuration: MiddlewareSpecCircuitBreakerFallbackDuration.fromString('30s'),
          recoveryDuration: MiddlewareSpecCircuitBreakerRecoveryDuration.fromString('30s'),
        },
      },
    ],
    ['retry', Middleware.retry(3), { retry: { attempts: 3, initialInterval: MiddlewareSpecRetryInitialInterval.fromString('100ms') } }],
  ])('%s', (_name, middleware, expected) => {
    expect(middlewareSpec(middleware, THREE)).toStrictEqual(expected);
  });

  test.each<[string, Middleware, MiddlewareSpec]>([
    [
      'rateLimit:ip',
      Middleware.rateLimit({ average: 10, sourceCriterion: SourceCriterion.clientIp(), perReplica: true }),
      rateLimit(5, '1s', 5, { ipStrategy: { depth: 2 } }),
    ],
    ['inFlightReq', Middleware.inFlightRequests(50), { inFlightReq: { amount: 50, sourceCriterion: { ipStrategy: { depth: 2 } } } }],
    ['ipAllowList', Middleware.ipAllowList(['192.0.2.0/24']), { ipAllowList: { sourceRange: ['192.0.2.0/24'], ipStrategy: { depth: 2 } } }],
    [
      'a header criterion has no depth',
      Middleware.inFlightRequests(5, SourceCriterion.header('X-User-Id')),
      { inFlightReq: { amount: 5, sourceCriterion: { requestHeaderName: 'X-User-Id' } } },
    ],
  ])("behind trusted proxies, %s takes the client IP at the platform's depth", (_name, middleware, expected) => {
    expect(middlewareSpec(middleware, BEHIND_TWO)).toStrictEqual(expected);
  });
});

describe('rateLimitShare', () => {
  const ip = SourceCriterion.clientIp();
  test.each<[string, Parameters<typeof rateLimitShare>[0], number, RateLimitShare]>([
    [
      'auth 5/min over 2 replicas: 2 each, 4 at most',
      { average: 5, sourceCriterion: ip, perReplica: true },
      2,
      { average: 2, burst: 2, shared: false, fleetAverage: 4 },
    ],
    [
      '100 over 3 replicas, burst 200',
      { average: 100, burst: 200, sourceCriterion: ip, perReplica: true },
      3,
      { average: 33, burst: 66, shared: false, fleetAverage: 99 },
    ],
    [
      'a multiple of the replicas: exact',
      { average: 1000, burst: 200, sourceCriterion: ip, perReplica: true },
      2,
      { average: 500, burst: 100, shared: false, fleetAverage: 1000 },
    ],
    [
      'shared through Redis: the whole limit',
      { average: 10, sourceCriterion: ip, redisEndpoints: ['redis:6379'], perReplica: true },
      3,
      { average: 10, burst: 10, shared: true, fleetAverage: 10 },
    ],
    [
      'local, not divided: replicas × the limit',
      { average: 10, sourceCriterion: ip },
      3,
      { average: 10, burst: 10, shared: false, fleetAverage: 30 },
    ],
  ])('%s', (_name, props, replicas, expected) => {
    expect(rateLimitShare(props, replicas)).toStrictEqual(expected);
  });
});

describe('middlewareObjects', () => {
  const headers = Middleware.securityHeaders();
  const perIp = Middleware.rateLimit({ average: 100, sourceCriterion: SourceCriterion.clientIp(), perReplica: true });
  test.each<[string, string, Middleware[], MiddlewareObjectSpec[]]>([
    ['none', '', [], []],
    [
      "the gateway's, in the order listed",
      '',
      [perIp, headers],
      [
        { id: 'Middleware-rate-limit', name: 'test-gateway-rate-limit', spec: rateLimit(50, '1s', 50, { ipStrategy: {} }) },
        { id: 'Middleware-security-headers', name: 'test-gateway-security-headers', spec: headers._spec },
      ],
    ],
    [
      "a route's, named after it",
      'auth-',
      [headers, perIp],
      [
        { id: 'Middleware-auth-security-headers', name: 'test-gateway-auth-security-headers', spec: headers._spec },
        { id: 'Middleware-auth-rate-limit', name: 'test-gateway-auth-rate-limit', spec: rateLimit(50, '1s', 50, { ipStrategy: {} }) },
      ],
    ],
  ])('%s', (_name, prefix, middlewares, expected) => {
    expect(
      middlewareObjects('test-gateway', prefix, middlewares, new TraefikPlatform({ replicas: 2, trustedProxies: { hops: 0, cidrs: [] } })),
    ).toStrictEqual(expected);
  });
});
