import { Middleware } from '../gateway-middleware';
import { PortName } from '../../workload/probe';
import { ReliableService } from '../../workload/reliable-service/reliable-service';
import { TraefikPlatform } from '../traefik-platform';

/** How the gateway terminates TLS. */
export class GatewayTls {
  /** A kubernetes.io/tls Secret in the system's namespace. */
  public static secret(secretName: string): GatewayTls {
    return new GatewayTls({ secretName });
  }

  /** A Traefik certificate resolver (ACME), e.g. `letsencrypt`. */
  public static certResolver(name: string): GatewayTls {
    return new GatewayTls({ certResolver: name });
  }

  /** A cert-manager Certificate for the gateway's hosts from an (Cluster)Issuer. */
  public static certManager(issuerName: string, issuerKind: 'ClusterIssuer' | 'Issuer' = 'ClusterIssuer'): GatewayTls {
    return new GatewayTls({}, { issuerName, issuerKind });
  }

  private constructor(
    /** @internal */ public readonly _tls: { secretName?: string; certResolver?: string },
    /** @internal */ public readonly _issuer?: { issuerName: string; issuerKind: string },
  ) {}
}

/** What a route carries. */
export enum RouteProtocol {
  /** HTTP/1.1 and HTTP/2 requests. */
  HTTP = 'http',
  /** gRPC, forwarded as cleartext HTTP/2 (h2c) to the service's grpc port. */
  GRPC = 'grpc',
  /** WebSocket upgrades: long-lived connections, never buffered or retried. */
  WEBSOCKET = 'websocket',
}

/** Props of a {@link TraefikGateway}. */
export interface TraefikGatewayProps {
  /** Host names the gateway serves, e.g. `api.example.com`. */
  readonly hosts: readonly string[];
  /** TLS termination. */
  readonly tls: GatewayTls;
  /**
   * The Traefik deployment the gateway runs on (the one the app's infrastructure installs): its
   * namespace is admitted by routed services, its replica count divides local rate limits, its
   * trusted proxies decide the X-Forwarded-For depth of client-IP criteria.
   */
  readonly traefik: TraefikPlatform;
  /**
   * Traefik entry points of the routes. Plain HTTP (`web`) is answered by a permanent redirect
   * to HTTPS for every host (an IngressRoute of its own), never by a route.
   * @default ['websecure']
   */
  readonly entryPoints?: readonly string[];
  /**
   * Middlewares every route applies (in the fixed order, merged with the route's own).
   * @default - none
   */
  readonly middlewares?: readonly Middleware[];
  /**
   * Allow routes to services in other namespaces (needs Traefik's allowCrossNamespace).
   * @default false
   */
  readonly allowCrossNamespace?: boolean;
}

/** One route of a gateway. */
export interface GatewayRouteProps {
  /** The service the route sends to. */
  readonly to: ReliableService;
  /**
   * Path prefixes the route matches.
   * @default ['/']
   */
  readonly pathPrefixes?: readonly string[];
  /**
   * @default RouteProtocol.HTTP
   */
  readonly protocol?: RouteProtocol;
  /**
   * The service's named port.
   * @default 'grpc' for gRPC routes, else 'http'
   */
  readonly port?: PortName;
  /**
   * Middlewares of this route, after the gateway's (same kind: the route's wins).
   * @default - none
   */
  readonly middlewares?: readonly Middleware[];
  /**
   * Whether requests on this route may safely be sent twice (required for retry).
   * @default false
   */
  readonly idempotent?: boolean;
  /**
   * Publish a gRPC route. gRPC is taken to be an internal protocol: in-cluster callers reach the
   * service's grpc port through its NetworkPolicy (`ingress`), not through the gateway. A public
   * gRPC route must verify its callers (forwardAuth) and be rate-limited.
   * @default false
   */
  readonly publicGrpc?: boolean;
}
