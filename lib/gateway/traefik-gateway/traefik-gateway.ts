import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate } from '../../../imports/certmanager-certificate-cert-manager.io';
import { IngressRoute } from '../../../imports/traefik-ingressroute-traefik.io';
import { Middleware as MiddlewareObject } from '../../../imports/traefik-middleware-traefik.io';
import { recommendedLabels, RELIAKIT_VERSION } from '../../core/conventions';
import { NetworkPeer } from '../../core/network-peer';
import { IReliabilityFacts, ReliabilityFacts } from '../../core/reliability-facts';
import { SystemChart } from '../../core/system-chart';
import { Violations } from '../../core/validation';
import { middlewareObjects, MiddlewareObjectSpec } from './middleware-spec';
import { GatewayRouteProps, TraefikGatewayProps } from './props';
import { renderRoute, RenderableRoute } from './route';
import { gatewayViolations, middlewareViolations, routeViolations, Violation } from './rules';
import { GatewaySpec, mergeMiddlewares, resolveGateway, resolveRoute, routeMiddlewareNames, RouteSpec } from './spec';
import { certificateSecretName, certificateSpec, ingressRouteTls } from './tls';

/** A route as added: its spec and what rendering it needs. */
type Route = RouteSpec & RenderableRoute;

/**
 * A Traefik v3 gateway (traefik.io/v1alpha1) for one system: an IngressRoute over its hosts with
 * TLS, routes by path prefix to ReliableService ports (typed references, never name strings),
 * gRPC (h2c) and WebSocket routes, and typed middlewares applied in a fixed, documented order.
 * Routed services admit the Traefik namespace on the routed port only.
 */
export class TraefikGateway extends Construct implements IReliabilityFacts {
  /** `<system>-<id>`: the IngressRoute and the Middleware prefix. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The hosts. */
  public readonly hosts: readonly string[];
  /** Where Traefik runs. */
  public readonly traefikNamespace: string;
  /** Traefik replicas. */
  public readonly traefikReplicas: number;

  private readonly spec: GatewaySpec;
  private readonly routes: Route[] = [];
  private readonly labels: Record<string, string>;
  private readonly chart: SystemChart;

  constructor(scope: Construct, id: string, props: TraefikGatewayProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.spec = resolveGateway(this.chart.system, id, props);
    this.namespace = this.chart.namespaceName;
    this.name = this.spec.name;
    this.hosts = this.spec.hosts;
    this.traefikNamespace = this.spec.traefikNamespace;
    this.traefikReplicas = this.spec.traefikReplicas;
    this.labels = recommendedLabels({
      system: this.chart.system,
      component: id,
      environment: this.chart.environment.name,
      version: RELIAKIT_VERSION,
    });

    this.throwIfAny([
      ...gatewayViolations(id, this.spec),
      ...middlewareViolations('middlewares', this.spec.middlewares, this.traefikReplicas),
    ]);

    const certificate = certificateSpec(this.name, this.hosts, this.spec.tls);
    if (certificate) new Certificate(this, 'Certificate', { metadata: this.metadata(certificateSecretName(this.name)), spec: certificate });
    this.createMiddlewares(middlewareObjects(this.name, '', this.spec.middlewares, this.traefikReplicas));
    new IngressRoute(this, 'IngressRoute', {
      metadata: this.metadata(this.name),
      spec: {
        entryPoints: [...this.spec.entryPoints],
        tls: ingressRouteTls(this.name, this.spec.tls),
        // Lazy: routes are added after construction.
        routes: Lazy.any({ produce: () => this.routes.map((r) => renderRoute(r, this.hosts, this.namespace)) }),
      },
    });
  }

  /** Adds a route named `id` (used in Middleware names). Throws listing every broken rule. */
  public addRoute(id: string, props: GatewayRouteProps): void {
    const route = resolveRoute(id, props);
    const to = props.to;
    this.throwIfAny([
      ...routeViolations(
        route,
        { name: to.name, namespace: to.namespace, path: to.node.path, ports: to.ports, environment: to.environment },
        {
          namespace: this.namespace,
          environment: this.chart.environment,
          allowCrossNamespace: this.spec.allowCrossNamespace,
          routes: this.routes,
        },
      ),
      ...middlewareViolations(`routes.${id}.middlewares`, route.middlewares, this.traefikReplicas, {
        protocol: route.protocol,
        idempotent: route.idempotent,
        merged: mergeMiddlewares(this.spec.middlewares, route.middlewares),
      }),
    ]);

    this.createMiddlewares(middlewareObjects(this.name, `${id}-`, route.middlewares, this.traefikReplicas));
    this.routes.push({
      ...route,
      service: { name: to.name, namespace: to.namespace, port: to.ports[route.port] as number },
      middlewareNames: routeMiddlewareNames(this.name, this.spec.middlewares, id, route.middlewares),
    });

    // The routed port admits Traefik, and only that port.
    to.addIngress({ from: NetworkPeer.namespace(this.traefikNamespace), ports: [route.port] });
  }

  /** The route ids, in order (a copy). */
  public get routeIds(): string[] {
    return this.routes.map((r) => r.id);
  }

  /** Hosts, routes and Traefik replicas, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return { gateways: [{ name: this.name, hosts: this.hosts, routes: this.routeIds, traefikReplicas: this.traefikReplicas }] };
  }

  private metadata(name: string): { name: string; namespace: string; labels: Record<string, string> } {
    return { name, namespace: this.namespace, labels: { ...this.labels } };
  }

  private createMiddlewares(objects: readonly MiddlewareObjectSpec[]): void {
    for (const o of objects) new MiddlewareObject(this, o.id, { metadata: this.metadata(o.name), spec: o.spec });
  }

  private throwIfAny(violations: readonly Violation[]): void {
    const v = new Violations(this);
    for (const x of violations) v.add(x.prop, x.value, x.problem, x.fix);
    v.throwIfAny();
  }
}
