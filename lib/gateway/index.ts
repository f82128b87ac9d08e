// The public API of lib/gateway/: TraefikGateway and its middlewares.
// Explicit lists: what is not named here is internal to the library.

export { CircuitBreakerExpression, Middleware, SourceCriterion } from './gateway-middleware';
export type { CorsProps, MiddlewareKind, RateLimitProps, SecurityHeadersProps } from './gateway-middleware';
export { GatewayTls, RouteProtocol } from './traefik-gateway/props';
export type { GatewayRouteProps, TraefikGatewayProps } from './traefik-gateway/props';
export { TraefikGateway } from './traefik-gateway/traefik-gateway';
export { TraefikPlatform } from './traefik-platform';
export type { TraefikPlatformProps, TrustedProxies } from './traefik-platform';
