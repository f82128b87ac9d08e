import { PolarisExemption, polarisExemptionFacts } from '../../core/polaris-exemption';
import { PriorityClass } from '../../core/priority-class';
import { Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceMonitor } from '../../../imports/prometheus-servicemonitor-monitoring.coreos.com';
import { EnvValue } from '../../core/env-value';
import { Environment } from '../../core/environment';
import { NetworkPeer } from '../../core/network-peer';
import { IReliabilityFacts, probeFact, ReliabilityFacts } from '../../core/reliability-facts';
import { IScrapeTargets, ScrapeTarget, serviceMonitorTarget } from '../../core/scrape-targets';
import { SystemChart } from '../../core/system-chart';
import { Violations } from '../../core/validation';
import { PortName, Probe } from '../probe';
import { PostStartHook } from '../post-start-hook';
import { PreStopHook } from '../pre-stop-hook';
import { renderAutoscaler } from './autoscaling';
import { renderDeployment } from './deployment';
import { renderDisruptionBudget } from './disruption-budget';
import { checkEnv, renderEnv } from './env';
import { renderServiceMonitor } from './monitoring';
import { PeerRule, renderEgressRules, renderIngressRules, renderNetworkPolicy } from './network';
import { declaredPortList, declaredPorts, validPort } from './ports';
import { DisruptionBudgetProps, ServicePorts, ServiceSpecProps } from './props';
import { renderService } from './service';
import { resolveServiceSpec } from './spec';

/** A source admitted to this service's ports. */
export interface IngressRuleProps {
  /** Another ReliableService, or a namespace / pods / IP block. */
  readonly from: ReliableService | NetworkPeer;
  /**
   * The named ports it may reach.
   * @default - every declared port except `metrics`
   */
  readonly ports?: readonly PortName[];
}

/** Something this service calls: egress is opened to it (and, for a ReliableService, its ingress from this one). */
export interface DependencyProps {
  /** Another ReliableService, or a namespace / pods / IP block. */
  readonly to: ReliableService | NetworkPeer;
  /**
   * The named port of a ReliableService target.
   * @default 'http' for a ReliableService target
   */
  readonly port?: PortName;
  /**
   * TCP ports of a NetworkPeer target (required for one).
   * @default - none
   */
  readonly ports?: readonly number[];
}

/** Props of a {@link ReliableService}. */
export interface ReliableServiceProps extends ServiceSpecProps {
  /**
   * Sources admitted to the service (besides Prometheus on the metrics port).
   * @default - none: nothing may connect
   */
  readonly ingress?: readonly IngressRuleProps[];
  /**
   * What the service calls; DNS is always allowed.
   * @default - none: no egress besides DNS
   */
  readonly dependencies?: readonly DependencyProps[];
}

/** A resolved ingress rule. */
interface IngressRule {
  readonly from: ReliableService | NetworkPeer;
  readonly ports: readonly PortName[];
}

/**
 * One production-ready stateless service: Deployment, ServiceAccount, Service,
 * PodDisruptionBudget, HorizontalPodAutoscaler, ServiceMonitor and NetworkPolicy, all named
 * `<system>-<component>` and labelled with the recommended `app.kubernetes.io/*` labels.
 *
 * Every rule is checked in the constructor; one Error lists every broken rule.
 */
export class ReliableService extends Construct implements IReliabilityFacts, IScrapeTargets {
  /** `<system>-<component>`: the name of every object. */
  public readonly name: string;
  /** The component (the construct id). */
  public readonly component: string;
  /** The system chart the service belongs to. */
  public readonly chart: SystemChart;
  /** The namespace. */
  public readonly namespace: string;
  /** The environment. */
  public readonly environment: Environment;
  /** The image. */
  public readonly image: string;
  /** app.kubernetes.io/version. */
  public readonly version: string;
  /** Labels of every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The pod selector. */
  public readonly selector: Readonly<Record<string, string>>;
  /** Declared ports. */
  public readonly ports: ServicePorts;
  /** Fixed replica count, or undefined when an HPA owns it. */
  public readonly replicas: number | undefined;
  /** Lowest replica count (fixed count or HPA minimum). */
  public readonly minReplicas: number;
  /** Highest replica count (fixed count or HPA maximum). */
  public readonly maxReplicas: number;
  /** The postStart hook, if any. */
  public readonly postStart: PostStartHook | undefined;
  /** The preStop hook. */
  public readonly preStop: PreStopHook;
  /** The drain time after SIGTERM. */
  public readonly drainTimeout: Duration;
  /** terminationGracePeriodSeconds. */
  public readonly terminationGracePeriod: Duration;
  /** The readiness probe. */
  public readonly readinessProbe: Probe;
  /** The liveness probe, if any. */
  public readonly livenessProbe: Probe | undefined;
  /** The startup probe (explicit or derived), if any. */
  public readonly startupProbe: Probe | undefined;
  /** Whether a PodDisruptionBudget is emitted. */
  public readonly hasDisruptionBudget: boolean;
  /** Whether a ServiceMonitor is emitted. */
  public readonly isMonitored: boolean;
  /** Where Prometheus scrapes the pods (the named port and path), when a ServiceMonitor is emitted. */
  public readonly metrics: { readonly port: PortName; readonly path: string } | undefined;
  /**
   * The per-pod custom metrics its HPA scales on, each with the counter it is the per-second rate
   * of: what the custom metrics API must serve (ReliakitApp's infrastructure installs
   * prometheus-adapter with a rule for each).
   */
  public readonly podsMetrics: ReadonlyArray<{ readonly name: string; readonly fromCounter: string }>;

  /** The resolved PodDisruptionBudget, when there is one. */
  public readonly disruptionBudget: Readonly<DisruptionBudgetProps> | undefined;
  /** The pods' PriorityClass. */
  public readonly priorityClass: PriorityClass;
  /** The Polaris checks the Deployment is exempt from on purpose, each with its reason. */
  public readonly polarisExemptions: readonly PolarisExemption[];
  private readonly targets: ScrapeTarget[] = [];
  private readonly ingressRules: IngressRule[] = [];
  private readonly envVars: Map<string, EnvValue>;
  /** Who set each variable not given in the props (the rest are the stack's). */
  private readonly envSources = new Map<string, string>();
  private readonly dependencies: DependencyProps[] = [];
  private readonly violations: Violations;
  private constructed = false;

  constructor(scope: Construct, id: string, props: ReliableServiceProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.violations = new Violations(this);
    const spec = resolveServiceSpec(
      props,
      {
        system: this.chart.system,
        component: id,
        namespace: this.chart.namespaceName,
        environment: this.chart.environment,
      },
      this.violations,
    );
    this.name = spec.name;
    this.component = spec.component;
    this.namespace = spec.namespace;
    this.environment = spec.environment;
    this.image = spec.image;
    this.version = spec.version;
    this.labels = spec.labels;
    this.selector = spec.selector;
    this.ports = spec.ports;
    this.envVars = new Map(spec.env);
    this.readinessProbe = spec.probes.readiness;
    this.livenessProbe = spec.probes.liveness;
    this.startupProbe = spec.probes.startup;
    this.postStart = spec.lifecycle.postStart;
    this.preStop = spec.lifecycle.preStop;
    this.drainTimeout = spec.lifecycle.drainTimeout;
    this.terminationGracePeriod = spec.lifecycle.terminationGracePeriod;
    this.replicas = spec.scaling.replicas;
    this.minReplicas = spec.scaling.minReplicas;
    this.maxReplicas = spec.scaling.maxReplicas;
    this.hasDisruptionBudget = spec.hasDisruptionBudget;
    this.disruptionBudget = spec.disruptionBudget;
    this.priorityClass = spec.priorityClass;
    this.polarisExemptions = spec.polarisExemptions;
    this.isMonitored = spec.monitoring !== undefined;
    this.metrics = spec.monitoring && { port: spec.monitoring.port, path: spec.monitoring.path };
    this.podsMetrics = (spec.scaling.autoscaling?.podsMetrics ?? []).map((m) => ({ name: m.name, fromCounter: m.fromCounter }));

    // Connections name other constructs, so they are checked here, after the spec's own rules.
    for (const rule of props.ingress ?? []) this.addIngress(rule);
    for (const dep of props.dependencies ?? []) this.addDependency(dep);

    this.violations.throwIfAny();
    this.constructed = true;

    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.labels } };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    const service = renderService(metadata, this.selector, this.ports);
    if (service) new k8s.KubeService(this, 'Service', service);
    // Lazy: backing services (addEnv) may add variables after construction.
    new k8s.KubeDeployment(this, 'Deployment', renderDeployment(spec, metadata, Lazy.any({ produce: () => renderEnv(this.envVars) })));
    if (spec.disruptionBudget) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', renderDisruptionBudget(metadata, this.selector, spec.disruptionBudget));
    }
    if (spec.scaling.autoscaling) {
      new k8s.KubeHorizontalPodAutoscalerV2(
        this,
        'HorizontalPodAutoscaler',
        renderAutoscaler(this.name, metadata, spec.scaling.autoscaling),
      );
    }
    if (spec.monitoring) {
      const monitor = renderServiceMonitor(metadata, this.selector, this.namespace, spec.monitoring);
      new ServiceMonitor(this, 'ServiceMonitor', monitor);
      // It selects this service's Service alone (by the selector labels, in its namespace).
      if (service)
        this.targets.push(
          serviceMonitorTarget(
            { name: this.name, namespace: this.namespace, jobLabel: monitor.spec.jobLabel },
            { name: this.name, namespace: this.namespace, labels: this.labels },
          ),
        );
      this.ingressRules.push({ from: NetworkPeer.namespace(spec.monitoring.prometheusNamespace), ports: [spec.monitoring.port] });
    }
    // Rendered lazily: services created later may still add ingress rules (addDependency).
    new k8s.KubeNetworkPolicy(
      this,
      'NetworkPolicy',
      renderNetworkPolicy(
        metadata,
        this.selector,
        Lazy.any({ produce: () => renderIngressRules(this.ingressRules.map((rule) => this.ingressPeerRule(rule))) }),
        Lazy.any({ produce: () => renderEgressRules(this.dependencies.map((dep) => egressPeerRule(dep))) }),
      ),
    );
  }

  /**
   * Adds an environment variable (e.g. a database's connection settings). Names must be unique;
   * credentials only through `EnvValue.fromSecret`. `from` says who sets it, for the app contract
   * in the reliability report (e.g. `HAPostgres shop-postgres`).
   */
  public addEnv(name: string, value: EnvValue, from = 'the stack'): void {
    const v = this.addViolations();
    checkEnv(v, this.envVars, name, value);
    this.report(v);
    if (!this.envVars.has(name)) {
      this.envVars.set(name, value);
      this.envSources.set(name, from);
    }
  }

  /** The environment variables (a copy). */
  public get env(): Record<string, EnvValue> {
    return Object.fromEntries(this.envVars);
  }

  /**
   * Admits `rule.from` on `rule.ports`. Throws naming the service when a port is not declared.
   */
  public addIngress(rule: IngressRuleProps): void {
    const ports =
      rule.ports ??
      this.declaredPorts()
        .map(([name]) => name)
        .filter((name) => name !== 'metrics');
    const v = this.addViolations();
    for (const port of ports) {
      v.check(
        this.ports[port] === undefined,
        'ingress.ports',
        port,
        `is not a declared port (declared: ${declaredPortList(this.ports)})`,
        'declare it in ports or admit a declared one',
      );
    }
    if (rule.from instanceof ReliableService) this.checkSameEnvironment(v, 'ingress.from', rule.from);
    this.report(v);
    this.ingressRules.push({ from: rule.from, ports: [...ports] });
  }

  /**
   * Opens egress to `dep.to`; for a ReliableService target, also admits this service on the
   * target's port, so both sides of the connection are declared once.
   */
  public addDependency(dep: DependencyProps): void {
    const v = this.addViolations();
    if (dep.to instanceof ReliableService) {
      const port = dep.port ?? 'http';
      v.check(
        dep.ports !== undefined,
        'dependencies.ports',
        dep.ports,
        `is set for the ReliableService ${dep.to.name}, whose ports are known`,
        "name the target's port with 'port' instead",
      );
      v.check(
        dep.to.ports[port] === undefined,
        'dependencies.port',
        port,
        `is not a port of ${dep.to.name} (declared: ${declaredPortList(dep.to.ports)})`,
        "use one of the target's declared ports",
      );
      this.checkSameEnvironment(v, 'dependencies.to', dep.to);
      this.report(v);
      this.dependencies.push({ to: dep.to, port });
      dep.to.ingressRules.push({ from: this, ports: [port] });
    } else {
      const ports = dep.ports ?? [];
      v.check(ports.length === 0, 'dependencies.ports', dep.ports, `is empty for ${dep.to}`, 'list the TCP ports the service calls there');
      for (const p of ports)
        v.check(!validPort(p), 'dependencies.ports', p, 'is not a port number (1–65535)', 'use the port the dependency listens on');
      v.check(
        dep.port !== undefined,
        'dependencies.port',
        dep.port,
        `is a named port, but ${dep.to} is not a ReliableService`,
        'give numeric ports in ports',
      );
      this.report(v);
      this.dependencies.push({ to: dep.to, ports: [...ports] });
    }
  }

  /** The target of its ServiceMonitor, if any: `job` and `service` are the Service's name (`<system>-<component>`). */
  public scrapeTargets(): ScrapeTarget[] {
    return this.targets.map((t) => ({ ...t }));
  }

  /** The declared ports as `[name, number]`, in a fixed order. */
  public declaredPorts(): Array<[PortName, number]> {
    return declaredPorts(this.ports);
  }

  /** The pods of this service as a NetworkPolicy peer. */
  public asNetworkPeer(): NetworkPeer {
    return NetworkPeer.podsInNamespace(this.namespace, this.selector);
  }

  /**
   * Violations of an add* call: collected with the constructor's while constructing (one Error
   * lists everything), thrown at once when called later.
   */
  private addViolations(): Violations {
    return this.constructed ? new Violations(this) : this.violations;
  }

  private report(v: Violations): void {
    if (this.constructed) v.throwIfAny();
  }

  private checkSameEnvironment(v: Violations, prop: string, other: ReliableService): void {
    v.check(
      other.environment !== this.environment,
      prop,
      other.node.path,
      `is in environment '${other.environment.name}', not '${this.environment.name}'`,
      'connect services of the same environment',
    );
  }

  private ingressPeerRule(rule: IngressRule): PeerRule {
    const peer = rule.from instanceof ReliableService ? rule.from.asNetworkPeer() : rule.from;
    return { peer, ports: rule.ports.map((name) => this.ports[name] as number) };
  }

  /** Replicas, disruption budget, probes and shutdown timing, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      services: [
        {
          name: this.name,
          replicas: this.replicas,
          minReplicas: this.minReplicas,
          maxReplicas: this.maxReplicas,
          disruptionBudget: this.disruptionBudget,
          readinessProbe: probeFact(this.readinessProbe),
          livenessProbe: this.livenessProbe && probeFact(this.livenessProbe),
          startupProbe: this.startupProbe && probeFact(this.startupProbe),
          preStop: this.preStop.duration,
          drainTimeout: this.drainTimeout,
          terminationGracePeriod: this.terminationGracePeriod,
          ...(this.podsMetrics.length > 0 ? { podsMetrics: this.podsMetrics.map((m) => ({ ...m })) } : {}),
          ...(this.metrics ? { metricsEndpoint: { port: this.metrics.port, path: this.metrics.path } } : {}),
          env: [...this.envVars.keys()].map((name) => ({ name, from: this.envSources.get(name) ?? 'the stack' })),
        },
      ],
      policyExemptions: polarisExemptionFacts(`Deployment ${this.name}`, this.polarisExemptions),
    };
  }
}

/** A dependency as a NetworkPolicy egress rule: a ReliableService target on its named port's number. */
function egressPeerRule(dep: DependencyProps): PeerRule {
  if (dep.to instanceof ReliableService) return { peer: dep.to.asNetworkPeer(), ports: [dep.to.ports[dep.port as PortName] as number] };
  return { peer: dep.to, ports: dep.ports ?? [] };
}
