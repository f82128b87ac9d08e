import {
  IngressRouteSpecRoutes,
  IngressRouteSpecRoutesKind,
  IngressRouteSpecRoutesServicesPort,
} from '../../../imports/traefik-ingressroute-traefik.io';
import { RouteProtocol } from '../../../lib/gateway/traefik-gateway/props';
import { RenderableRoute, renderRoute, routeMatch } from '../../../lib/gateway/traefik-gateway/route';

describe('routeMatch', () => {
  test.each<[string, string[], string[], RouteProtocol, string]>([
    ['one host, one prefix', ['api.example.com'], ['/'], RouteProtocol.HTTP, 'Host(`api.example.com`) && PathPrefix(`/`)'],
    [
      'several hosts and prefixes are grouped',
      ['a.example.com', 'b.example.com'],
      ['/api/v1/realtime', '/ws'],
      RouteProtocol.WEBSOCKET,
      '(Host(`a.example.com`) || Host(`b.example.com`)) && (PathPrefix(`/api/v1/realtime`) || PathPrefix(`/ws`))',
    ],
    [
      'gRPC also by content type',
      ['api.example.com'],
      ['/listings.v1.Listings'],
      RouteProtocol.GRPC,
      'Host(`api.example.com`) && PathPrefix(`/listings.v1.Listings`) && HeaderRegexp(`Content-Type`, `^application/grpc`)',
    ],
  ])('%s', (_name, hosts, paths, protocol, expected) => {
    expect(routeMatch(hosts, paths, protocol)).toBe(expected);
  });
});

describe('renderRoute', () => {
  test.each<[string, RenderableRoute, IngressRouteSpecRoutes]>([
    [
      'HTTP with middlewares',
      {
        protocol: RouteProtocol.HTTP,
        paths: ['/api/v1/auth'],
        service: { name: 'test-auth', namespace: 'test', port: 8080 },
        middlewareNames: ['test-gateway-security-headers', 'test-gateway-auth-rate-limit'],
      },
      {
        kind: IngressRouteSpecRoutesKind.RULE,
        match: 'Host(`api.example.com`) && PathPrefix(`/api/v1/auth`)',
        middlewares: [
          { name: 'test-gateway-security-headers', namespace: 'test' },
          { name: 'test-gateway-auth-rate-limit', namespace: 'test' },
        ],
        services: [{ name: 'test-auth', namespace: 'test', port: IngressRouteSpecRoutesServicesPort.fromNumber(8080), scheme: undefined }],
      },
    ],
    [
      'gRPC to another namespace, h2c, no middlewares',
      {
        protocol: RouteProtocol.GRPC,
        paths: ['/listings.v1.Listings'],
        service: { name: 'listings-api', namespace: 'listings', port: 9090 },
        middlewareNames: [],
      },
      {
        kind: IngressRouteSpecRoutesKind.RULE,
        match: 'Host(`api.example.com`) && PathPrefix(`/listings.v1.Listings`) && HeaderRegexp(`Content-Type`, `^application/grpc`)',
        middlewares: undefined,
        services: [
          { name: 'listings-api', namespace: 'listings', port: IngressRouteSpecRoutesServicesPort.fromNumber(9090), scheme: 'h2c' },
        ],
      },
    ],
    [
      'WebSocket on two prefixes',
      {
        protocol: RouteProtocol.WEBSOCKET,
        paths: ['/api/v1/realtime', '/ws'],
        service: { name: 'test-realtime', namespace: 'test', port: 8080 },
        middlewareNames: ['test-gateway-cors'],
      },
      {
        kind: IngressRouteSpecRoutesKind.RULE,
        match: 'Host(`api.example.com`) && (PathPrefix(`/api/v1/realtime`) || PathPrefix(`/ws`))',
        middlewares: [{ name: 'test-gateway-cors', namespace: 'test' }],
        services: [
          { name: 'test-realtime', namespace: 'test', port: IngressRouteSpecRoutesServicesPort.fromNumber(8080), scheme: undefined },
        ],
      },
    ],
  ])('%s', (_name, route, expected) => {
    expect(renderRoute(route, ['api.example.com'], 'test')).toStrictEqual(expected);
  });
});
