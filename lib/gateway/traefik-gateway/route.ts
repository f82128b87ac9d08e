import {
  IngressRouteSpecRoutes,
  IngressRouteSpecRoutesKind,
  IngressRouteSpecRoutesServicesPort,
} from '../../../imports/traefik-ingressroute-traefik.io';
import { RouteProtocol } from './props';

/** A route ready to render: its service resolved to a port number, its Middleware names in order. */
export interface RenderableRoute {
  readonly protocol: RouteProtocol;
  readonly paths: readonly string[];
  readonly service: { readonly name: string; readonly namespace: string; readonly port: number };
  readonly middlewareNames: readonly string[];
}

/** Traefik's rule: any of the hosts and any of the path prefixes; gRPC also by its content type. */
export function routeMatch(hosts: readonly string[], paths: readonly string[], protocol: RouteProtocol): string {
  const anyHost = hosts.map((h) => `Host(\`${h}\`)`).join(' || ');
  const anyPath = paths.map((p) => `PathPrefix(\`${p}\`)`).join(' || ');
  const parts = [hosts.length > 1 ? `(${anyHost})` : anyHost, paths.length > 1 ? `(${anyPath})` : anyPath];
  // A gRPC and an HTTP route may share a prefix: the content type tells them apart.
  if (protocol === RouteProtocol.GRPC) parts.push('HeaderRegexp(`Content-Type`, `^application/grpc`)');
  return parts.join(' && ');
}

/** One entry of the IngressRoute's routes; Middlewares live in the gateway's namespace. */
export function renderRoute(route: RenderableRoute, hosts: readonly string[], namespace: string): IngressRouteSpecRoutes {
  return {
    kind: IngressRouteSpecRoutesKind.RULE,
    match: routeMatch(hosts, route.paths, route.protocol),
    middlewares: route.middlewareNames.length > 0 ? route.middlewareNames.map((name) => ({ name, namespace })) : undefined,
    services: [
      {
        name: route.service.name,
        namespace: route.service.namespace,
        port: IngressRouteSpecRoutesServicesPort.fromNumber(route.service.port),
        // Traefik speaks cleartext HTTP/2 to gRPC backends only when told.
        scheme: route.protocol === RouteProtocol.GRPC ? 'h2c' : undefined,
      },
    ],
  };
}
