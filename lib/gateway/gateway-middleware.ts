import { Duration } from 'cdk8s';
import {
  MiddlewareSpec,
  MiddlewareSpecCircuitBreakerCheckPeriod,
  MiddlewareSpecCircuitBreakerFallbackDuration,
  MiddlewareSpecCircuitBreakerRecoveryDuration,
  MiddlewareSpecRateLimitSourceCriterion,
  MiddlewareSpecRetryInitialInterval,
} from '../../imports/traefik-middleware-traefik.io';
import { goDuration } from '../core/units';

/** Whose requests a rate or in-flight limit counts together. */
export class SourceCriterion {
  /**
   * The client IP. Behind proxies (load balancers, CDN edges) the gateway picks it from
   * X-Forwarded-For at the depth of its TraefikPlatform's trusted-proxy contract
   * (`trustedProxies.hops`), never a depth of its own: a depth that does not match the proxies in
   * front either counts every client as the proxy or lets clients forge their address.
   */
  public static clientIp(): SourceCriterion {
    return new SourceCriterion();
  }

  /** A request header, e.g. the user ID a forwardAuth middleware sets. */
  public static header(name: string): SourceCriterion {
    return new SourceCriterion(name);
  }

  private constructor(
    /** The header of a header criterion. */
    public readonly headerName?: string,
  ) {}

  /** @internal Traefik's sourceCriterion, with the X-Forwarded-For depth of the platform's `hops`. */
  public _resolve(hops: number): MiddlewareSpecRateLimitSourceCriterion {
    if (this.headerName) return { requestHeaderName: this.headerName };
    return { ipStrategy: hops > 0 ? { depth: hops } : {} };
  }

  /** What is counted, for reports: `client IP (X-Forwarded-For depth 1)`. */
  public describe(hops: number): string {
    if (this.headerName) return `header ${this.headerName}`;
    return hops > 0 ? `client IP (X-Forwarded-For depth ${hops})` : 'client IP';
  }

  public toString(): string {
    return this.headerName ? `header ${this.headerName}` : 'client IP';
  }
}

/** A circuit breaker trip condition (Traefik's expression language), built from typed terms. */
export class CircuitBreakerExpression {
  /** The share of requests failing with a network error is above `ratio` (0–1). */
  public static networkErrorRatio(ratio: number): CircuitBreakerExpression {
    return new CircuitBreakerExpression(`NetworkErrorRatio() > ${ratio}`, [ratio]);
  }

  /** The share of responses with a status in [from, to) among those in [dividedFrom, dividedTo) is above `ratio`. */
  public static responseCodeRatio(from: number, to: number, ratio: number, dividedFrom = 0, dividedTo = 600): CircuitBreakerExpression {
    return new CircuitBreakerExpression(`ResponseCodeRatio(${from}, ${to}, ${dividedFrom}, ${dividedTo}) > ${ratio}`, [ratio]);
  }

  /** The `quantile` (e.g. 50) latency is above `threshold`. */
  public static latencyAtQuantile(quantile: number, threshold: Duration): CircuitBreakerExpression {
    return new CircuitBreakerExpression(`LatencyAtQuantileMS(${quantile.toFixed(1)}) > ${threshold.toMilliseconds()}`, []);
  }

  private constructor(
    public readonly expression: string,
    private readonly ratios: number[],
  ) {}

  /** Trips when either condition holds. */
  public or(other: CircuitBreakerExpression): CircuitBreakerExpression {
    return new CircuitBreakerExpression(`${this.expression} || ${other.expression}`, [...this.ratios, ...other.ratios]);
  }

  /** Trips when both conditions hold. */
  public and(other: CircuitBreakerExpression): CircuitBreakerExpression {
    return new CircuitBreakerExpression(`(${this.expression}) && (${other.expression})`, [...this.ratios, ...other.ratios]);
  }

  /** Ratios outside (0, 1], for validation. */
  public get invalidRatios(): number[] {
    return this.ratios.filter((r) => !(r > 0 && r <= 1));
  }

  public toString(): string {
    return this.expression;
  }
}

/** Props of {@link Middleware.rateLimit}. */
export interface RateLimitProps {
  /** Requests allowed per `period` on average. */
  readonly average: number;
  /**
   * @default Duration.seconds(1)
   */
  readonly period?: Duration;
  /**
   * Requests allowed in a burst above the average.
   * @default - the average
   */
  readonly burst?: number;
  /** Whose requests are counted together. */
  readonly sourceCriterion: SourceCriterion;
  /**
   * Redis endpoints (`host:port`) shared by all Traefik replicas, so the limit is global.
   * @default - none: each replica counts alone (set perReplica to accept that)
   */
  readonly redisEndpoints?: readonly string[];
  /**
   * Accept that every Traefik replica enforces the limit on its own, so the effective limit is
   * `average × replicas`; `average` is then divided by the replica count to keep the plan's total.
   * @default false
   */
  readonly perReplica?: boolean;
}

/** Props of {@link Middleware.cors}. */
export interface CorsProps {
  /** Allowed origins (`https://app.example.com`); `*` only without credentials. */
  readonly allowOrigins: readonly string[];
  /**
   * @default ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
   */
  readonly allowMethods?: readonly string[];
  /**
   * @default ['Authorization', 'Content-Type', 'X-Request-Id']
   */
  readonly allowHeaders?: readonly string[];
  /**
   * Whether browsers may send cookies/credentials.
   * @default false
   */
  readonly allowCredentials?: boolean;
  /**
   * How long browsers cache a preflight.
   * @default Duration.minutes(10)
   */
  readonly maxAge?: Duration;
}

/** Props of {@link Middleware.securityHeaders}. */
export interface SecurityHeadersProps {
  /**
   * HSTS max-age.
   * @default Duration.days(365)
   */
  readonly hstsMaxAge?: Duration;
  /**
   * @default "default-src 'self'; frame-ancestors 'none'"
   */
  readonly contentSecurityPolicy?: string;
  /**
   * @default 'strict-origin-when-cross-origin'
   */
  readonly referrerPolicy?: string;
}

/** The middleware kinds, in the fixed order a route applies them. */
export const MIDDLEWARE_ORDER = [
  'ipAllowList', // reject unknown networks before doing any work
  'headers', // security headers on every response, even errors
  'cors', // answer preflights before auth and limits reject them
  'rateLimit:ip', // per-IP limits (a gateway-wide limit too) run first, so floods never reach the auth service
  'forwardAuth', // verify the caller; sets the user header
  'rateLimit:header', // per-user limits need the header forwardAuth set
  'inFlightReq', // cap concurrency per caller
  'buffering', // bound request bodies before they reach the service
  'circuitBreaker', // stop calling a failing service
  'retry', // retry last, closest to the service (idempotent routes only)
] as const;

/** A middleware kind, in {@link MIDDLEWARE_ORDER}. */
export type MiddlewareKind = (typeof MIDDLEWARE_ORDER)[number];

/**
 * A typed Traefik middleware (traefik.io/v1alpha1 Middleware). A route applies its middlewares in
 * the fixed {@link MIDDLEWARE_ORDER}, whatever order they are listed in.
 */
export class Middleware {
  /** A rate limit; see {@link RateLimitProps} for the replica rule. */
  public static rateLimit(props: RateLimitProps): Middleware {
    const kind = props.sourceCriterion.headerName ? 'rateLimit:header' : 'rateLimit:ip';
    // The spec is completed by the gateway, which knows the Traefik replica count.
    return new Middleware(kind, 'rate-limit', {}, props);
  }

  /** At most `amount` requests in flight per source. */
  public static inFlightRequests(amount: number, sourceCriterion: SourceCriterion = SourceCriterion.clientIp()): Middleware {
    // The criterion is completed by the gateway, which knows the trusted-proxy depth.
    return new Middleware('inFlightReq', 'in-flight', { inFlightReq: { amount } }, { amount, sourceCriterion });
  }

  /** Opens when `expression` holds; checks every `checkPeriod`, stays open `fallbackDuration`. */
  public static circuitBreaker(
    expression: CircuitBreakerExpression,
    options: { checkPeriod?: Duration; fallbackDuration?: Duration; recoveryDuration?: Duration } = {},
  ): Middleware {
    return new Middleware(
      'circuitBreaker',
      'circuit-breaker',
      {
        circuitBreaker: {
          expression: expression.expression,
          checkPeriod: MiddlewareSpecCircuitBreakerCheckPeriod.fromString(goDuration(options.checkPeriod ?? Duration.seconds(10))),
          fallbackDuration: MiddlewareSpecCircuitBreakerFallbackDuration.fromString(
            goDuration(options.fallbackDuration ?? Duration.seconds(30)),
          ),
          recoveryDuration: MiddlewareSpecCircuitBreakerRecoveryDuration.fromString(
            goDuration(options.recoveryDuration ?? Duration.seconds(30)),
          ),
        },
      },
      { expression },
    );
  }

  /** Retries failed requests (network errors) up to `attempts` times with backoff; idempotent routes only. */
  public static retry(attempts: number, initialInterval: Duration = Duration.millis(100)): Middleware {
    return new Middleware(
      'retry',
      'retry',
      { retry: { attempts, initialInterval: MiddlewareSpecRetryInitialInterval.fromString(goDuration(initialInterval)) } },
      { attempts },
    );
  }

  /** Bounds request bodies (`maxRequestBody`): larger requests get 413 before reaching the service. */
  public static buffering(maxRequestBodyBytes: number): Middleware {
    return new Middleware('buffering', 'buffering', { buffering: { maxRequestBodyBytes } }, { maxRequestBodyBytes });
  }

  /** HSTS, nosniff, frame DENY, XSS filter, CSP and referrer policy. */
  public static securityHeaders(props: SecurityHeadersProps = {}): Middleware {
    return new Middleware(
      'headers',
      'security-headers',
      {
        headers: {
          stsSeconds: Math.round((props.hstsMaxAge ?? Duration.days(365)).toSeconds()),
          stsIncludeSubdomains: true,
          forceStsHeader: true,
          contentTypeNosniff: true,
          frameDeny: true,
          browserXssFilter: true,
          contentSecurityPolicy: props.contentSecurityPolicy ?? "default-src 'self'; frame-ancestors 'none'",
          referrerPolicy: props.referrerPolicy ?? 'strict-origin-when-cross-origin',
        },
      },
      {},
    );
  }

  /** CORS. A wildcard origin together with credentials is rejected at synth. */
  public static cors(props: CorsProps): Middleware {
    return new Middleware(
      'cors',
      'cors',
      {
        headers: {
          accessControlAllowOriginList: [...props.allowOrigins],
          accessControlAllowMethods: [...(props.allowMethods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])],
          accessControlAllowHeaders: [...(props.allowHeaders ?? ['Authorization', 'Content-Type', 'X-Request-Id'])],
          accessControlAllowCredentials: props.allowCredentials ?? false,
          accessControlMaxAge: Math.round((props.maxAge ?? Duration.minutes(10)).toSeconds()),
          addVaryHeader: true,
        },
      },
      props,
    );
  }

  /** Only these source ranges may call. */
  public static ipAllowList(sourceRanges: readonly string[]): Middleware {
    const sourceCriterion = SourceCriterion.clientIp();
    return new Middleware(
      'ipAllowList',
      'ip-allow-list',
      { ipAllowList: { sourceRange: [...sourceRanges] } },
      { sourceRanges, sourceCriterion },
    );
  }

  /** Verifies every request with an auth service; `responseHeaders` (e.g. X-User-Id) are passed on. */
  public static forwardAuth(address: string, responseHeaders: readonly string[] = []): Middleware {
    return new Middleware(
      'forwardAuth',
      'forward-auth',
      {
        forwardAuth: {
          address,
          trustForwardHeader: false,
          authResponseHeaders: responseHeaders.length > 0 ? [...responseHeaders] : undefined,
        },
      },
      { address },
    );
  }

  private constructor(
    /** The kind, deciding the position in a route. */
    public readonly kind: MiddlewareKind,
    /** Name suffix of the Middleware object. */
    public readonly nameSuffix: string,
    /** @internal the Middleware spec (rate limits are completed by the gateway) */
    public readonly _spec: MiddlewareSpec,
    /** @internal the typed props, for validation */
    public readonly _props: object,
  ) {}
}
