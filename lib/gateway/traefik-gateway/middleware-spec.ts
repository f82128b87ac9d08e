import { Duration } from 'cdk8s';
import { MiddlewareSpec, MiddlewareSpecRateLimitPeriod } from '../../../imports/traefik-middleware-traefik.io';
import { goDuration } from '../../core/units';
import { Middleware, RateLimitProps, SourceCriterion } from '../gateway-middleware';
import { TraefikPlatform } from '../traefik-platform';

/** One Middleware object to create: its construct id, metadata name and spec. */
export interface MiddlewareObjectSpec {
  readonly id: string;
  readonly name: string;
  readonly spec: MiddlewareSpec;
}

/** What each Traefik replica enforces of a rate limit, and what the fleet admits. */
export interface RateLimitShare {
  /** Requests per period each replica admits on average (the whole limit when shared through Redis). */
  readonly average: number;
  /** Each replica's burst. */
  readonly burst: number;
  /** Whether the replicas share one count (Redis), so the limit holds exactly. */
  readonly shared: boolean;
  /**
   * The most the fleet admits per period while the load balancer spreads a client evenly:
   * replicas × the per-replica average (never above the plan's limit), or the limit when shared.
   */
  readonly fleetAverage: number;
}

/**
 * The share of a rate limit each of `replicas` Traefik replicas enforces. Traefik counts in each
 * replica's memory, so a `perReplica` limit L is divided: each replica enforces ⌊L/R⌋ — the fleet
 * then admits at most R × ⌊L/R⌋ ≤ L under an even spread, and a client pinned to one replica gets
 * ⌊L/R⌋, stricter than the plan, never looser. Redis endpoints make one shared count instead.
 */
export function rateLimitShare(p: RateLimitProps, replicas: number): RateLimitShare {
  const shared = (p.redisEndpoints ?? []).length > 0;
  const burst = p.burst ?? p.average;
  if (shared || !p.perReplica) return { average: p.average, burst, shared, fleetAverage: shared ? p.average : p.average * replicas };
  const average = Math.floor(p.average / replicas);
  return { average, burst: Math.max(1, Math.floor(burst / replicas)), shared, fleetAverage: average * replicas };
}

/**
 * The spec of a middleware. A rate limit is only complete here, where the Traefik platform is
 * known: `perReplica` divides it across the replicas, Redis endpoints make it shared; a client-IP
 * criterion takes the X-Forwarded-For depth of the platform's trusted proxies.
 */
export function middlewareSpec(m: Middleware, traefik: TraefikPlatform): MiddlewareSpec {
  const hops = traefik.trustedProxies.hops;
  const criterion = (m._props as { sourceCriterion?: SourceCriterion }).sourceCriterion;
  switch (m.kind) {
    case 'rateLimit:ip':
    case 'rateLimit:header': {
      const p = m._props as unknown as RateLimitProps;
      const share = rateLimitShare(p, traefik.replicas);
      return {
        rateLimit: {
          average: share.average,
          burst: share.burst,
          period: MiddlewareSpecRateLimitPeriod.fromString(goDuration(p.period ?? Duration.seconds(1))),
          sourceCriterion: p.sourceCriterion._resolve(hops),
          redis: share.shared ? { endpoints: [...(p.redisEndpoints ?? [])] } : undefined,
        },
      };
    }
    case 'inFlightReq':
      return { inFlightReq: { ...m._spec.inFlightReq, sourceCriterion: criterion?._resolve(hops) } };
    case 'ipAllowList':
      return { ipAllowList: { ...m._spec.ipAllowList, ipStrategy: criterion?._resolve(hops).ipStrategy } };
    default:
      return m._spec;
  }
}

/** The Middleware objects of a gateway (`prefix` '') or of one route (`prefix` `<route>-`). */
export function middlewareObjects(
  gatewayName: string,
  prefix: string,
  middlewares: readonly Middleware[],
  traefik: TraefikPlatform,
): MiddlewareObjectSpec[] {
  return middlewares.map((m) => ({
    id: `Middleware-${prefix}${m.nameSuffix}`,
    name: `${gatewayName}-${prefix}${m.nameSuffix}`,
    spec: middlewareSpec(m, traefik),
  }));
}
