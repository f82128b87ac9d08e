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
import { middlewareObjects, MiddlewareObjectSpec, middlewareSpec } from '../../../lib/gateway/traefik-gateway/middleware-spec';

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
      Middleware.ipAllowList(['10.0.0.0/8', '192.168.0.0/16'], SourceCriterion.clientIp(1)),
      { ipAllowList: { sourceRange: ['10.0.0.0/8', '192.168.0.0/16'], ipStrategy: { depth: 1 } } },
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
      Middleware.rateLimit({ average: 2, sourceCriterion: SourceCriterion.clientIp(2), perReplica: true }),
      rateLimit(0, '1s', 1, { ipStrategy: { depth: 2 } }),
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
    expect(middlewareSpec(middleware, 3)).toStrictEqual(expected);
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
    expect(middlewareObjects('test-gateway', prefix, middlewares, 2)).toStrictEqual(expected);
  });
});
