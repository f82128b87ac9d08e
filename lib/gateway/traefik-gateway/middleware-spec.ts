import { Duration } from 'cdk8s';
import { MiddlewareSpec, MiddlewareSpecRateLimitPeriod } from '../../../imports/traefik-middleware-traefik.io';
import { goDuration } from '../../core/units';
import { Middleware, RateLimitProps } from '../gateway-middleware';

/** One Middleware object to create: its construct id, metadata name and spec. */
export interface MiddlewareObjectSpec {
  readonly id: string;
  readonly name: string;
  readonly spec: MiddlewareSpec;
}

/**
 * The spec of a middleware. A rate limit is only complete here, where the Traefik replica count is
 * known: `perReplica` divides it across the replicas, Redis endpoints make it shared.
 */
export function middlewareSpec(m: Middleware, traefikReplicas: number): MiddlewareSpec {
  if (m.kind !== 'rateLimit:ip' && m.kind !== 'rateLimit:header') return m._spec;
  const p = m._props as unknown as RateLimitProps;
  const distributed = (p.redisEndpoints ?? []).length > 0;
  const average = p.perReplica && !distributed ? Math.floor(p.average / traefikReplicas) : p.average;
  return {
    rateLimit: {
      average,
      burst: p.perReplica && !distributed ? Math.max(1, Math.floor((p.burst ?? p.average) / traefikReplicas)) : (p.burst ?? p.average),
      period: MiddlewareSpecRateLimitPeriod.fromString(goDuration(p.period ?? Duration.seconds(1))),
      sourceCriterion: p.sourceCriterion._spec,
      redis: distributed ? { endpoints: [...(p.redisEndpoints ?? [])] } : undefined,
    },
  };
}

/** The Middleware objects of a gateway (`prefix` '') or of one route (`prefix` `<route>-`). */
export function middlewareObjects(
  gatewayName: string,
  prefix: string,
  middlewares: readonly Middleware[],
  traefikReplicas: number,
): MiddlewareObjectSpec[] {
  return middlewares.map((m) => ({
    id: `Middleware-${prefix}${m.nameSuffix}`,
    name: `${gatewayName}-${prefix}${m.nameSuffix}`,
    spec: middlewareSpec(m, traefikReplicas),
  }));
}
