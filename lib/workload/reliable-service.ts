import { Duration, Lazy, Size } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceMonitor } from '../../imports/prometheus-servicemonitor-monitoring.coreos.com';
import { isDnsLabel, isLabelValue, recommendedLabels, resourceName, selectorLabels, toLabelValue } from '../core/conventions';
import { EnvValue } from '../core/env-value';
import { Environment } from '../core/environment';
import { NetworkPeer } from '../core/network-peer';
import { PostStartHook } from './post-start-hook';
import { PreStopHook } from './pre-stop-hook';
import { imagePinningProblem, parseImage } from '../core/image';
import { dnsEgressRule } from '../core/network';
import { checkResources, renderResources } from '../core/resources';
import { DEFAULT_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { goDuration, isQuantity, seconds, wholeSeconds } from '../core/units';
import { Violations } from '../core/validation';
import { PortName, Probe } from './probe';
import { SystemChart } from '../core/system-chart';
import { IReliabilityFacts, probeFact, ReliabilityFacts } from '../core/reliability-facts';

/** Container ports by name. The Service exposes each under the same number. */
export interface ServicePorts {
  /**
   * The HTTP port (REST, web, WebSocket).
   * @default - none
   */
  readonly http?: number;
  /**
   * The gRPC port (exposed with appProtocol `kubernetes.io/h2c`).
   * @default - none
   */
  readonly grpc?: number;
  /**
   * A separate Prometheus metrics port.
   * @default - none: metrics, if any, are scraped from `http`
   */
  readonly metrics?: number;
}

/** Liveness, readiness and startup probes. */
export interface ProbesProps {
  /** Whether the pod may receive traffic: check the dependencies it cannot serve without. */
  readonly readiness: Probe;
  /**
   * Whether the process is wedged and must be restarted: check the process only, never its
   * dependencies (a database outage must not restart every pod). Must differ from readiness.
   * @default - no liveness probe
   */
  readonly liveness?: Probe;
  /**
   * An explicit startup probe, which holds off liveness until the process has started.
   * @default - derived from `maxStartupTime` when that is set, else none
   */
  readonly startup?: Probe;
  /**
   * The longest the process may take to start. A startup probe with the liveness (or readiness)
   * check is derived so that failureThreshold × period ≥ this; an explicit `startup` is checked
   * against it.
   * @default - no startup budget
   */
  readonly maxStartupTime?: Duration;
}

/** How a pod stops. */
export interface ShutdownProps {
  /**
   * How long the process needs after SIGTERM to finish in-flight requests (its server's
   * shutdown timeout).
   */
  readonly drainTimeout: Duration;
  /**
   * Runs before SIGTERM so endpoint removal propagates first.
   * @default PreStopHook.sleep(Duration.seconds(5))
   */
  readonly preStop?: PreStopHook;
  /**
   * terminationGracePeriodSeconds: after it, the kubelet sends SIGKILL. Must be longer than
   * preStop + drainTimeout.
   * @default - preStop + drainTimeout + 5 s
   */
  readonly terminationGracePeriod?: Duration;
}

/** Kubernetes `unhealthyPodEvictionPolicy` of a PodDisruptionBudget. */
export enum UnhealthyPodEvictionPolicy {
  /** Unready pods may always be evicted, so a crash-looping pod never blocks a node drain. */
  ALWAYS_ALLOW = 'AlwaysAllow',
  /** Unready pods are evicted only while the budget is met. */
  IF_HEALTHY_BUDGET = 'IfHealthyBudget',
}

/** The PodDisruptionBudget: exactly one of minAvailable / maxUnavailable. */
export interface DisruptionBudgetProps {
  /**
   * Pods that must stay available during voluntary disruptions: a count or a percentage (`'50%'`).
   * @default - unset (maxUnavailable 1 is used when neither is set)
   */
  readonly minAvailable?: number | string;
  /**
   * Pods that may be down during voluntary disruptions: a count or a percentage.
   * @default 1 when minAvailable is unset
   */
  readonly maxUnavailable?: number | string;
  /**
   * @default UnhealthyPodEvictionPolicy.ALWAYS_ALLOW
   * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy
   */
  readonly unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
}

/** HPA `selectPolicy`: which of several scaling policies wins. */
export enum SelectPolicy {
  /** The policy allowing the biggest change. */
  MAX = 'Max',
  /** The policy allowing the smallest change. */
  MIN = 'Min',
  /** No scaling in this direction. */
  DISABLED = 'Disabled',
}

/** One HPA scaling policy: at most `value` pods or percent per `period`. */
export class ScalingPolicy {
  /** At most `percent` % of the current replicas per period. */
  public static percent(percent: number, period: Duration): ScalingPolicy {
    return new ScalingPolicy('Percent', percent, period);
  }

  /** At most `pods` pods per period. */
  public static pods(pods: number, period: Duration): ScalingPolicy {
    return new ScalingPolicy('Pods', pods, period);
  }

  private constructor(public readonly type: 'Percent' | 'Pods', public readonly value: number, public readonly period: Duration) {}

  public toString(): string {
    return `${this.value}${this.type === 'Percent' ? '%' : ' pods'}/${goDuration(this.period)}`;
  }
}

/** Scaling behaviour in one direction. */
export interface ScalingBehaviorProps {
  /**
   * How long past recommendations are considered (the largest/smallest wins) before scaling.
   * @default - Kubernetes: 0 for scale-up, 300 s for scale-down
   */
  readonly stabilizationWindow?: Duration;
  /**
   * Rate limits.
   * @default - Kubernetes' defaults
   */
  readonly policies?: readonly ScalingPolicy[];
  /**
   * @default - Kubernetes: SelectPolicy.MAX
   */
  readonly selectPolicy?: SelectPolicy;
}

/** A per-pod custom metric (HPA `Pods` metric), e.g. requests per second. */
export interface PodsMetricProps {
  /** The metric's name in the custom metrics API. */
  readonly name: string;
  /** The target average per pod, as a Kubernetes quantity (`'2000'`, `'500m'`). */
  readonly averageValue: string;
}

/** A metric from outside the cluster (HPA `External` metric), e.g. a queue length. */
export interface ExternalMetricProps {
  /** The metric's name in the external metrics API. */
  readonly name: string;
  /**
   * Labels selecting the series.
   * @default - all series of the metric
   */
  readonly selector?: Readonly<Record<string, string>>;
  /**
   * Target value per pod (quantity). Exactly one of averageValue / value.
   * @default - none
   */
  readonly averageValue?: string;
  /**
   * Target total value (quantity).
   * @default - none
   */
  readonly value?: string;
}

/** A HorizontalPodAutoscaler (autoscaling/v2). The Deployment then omits `replicas`. */
export interface AutoscalingProps {
  /** Lowest replica count (≥ 2 unless `singleReplica`). */
  readonly minReplicas: number;
  /** Highest replica count. */
  readonly maxReplicas: number;
  /**
   * Target average CPU use as a percentage of the CPU request.
   * @default - no CPU target
   */
  readonly cpuUtilizationPercent?: number;
  /**
   * Target average memory use as a percentage of the memory request.
   * @default - no memory target
   */
  readonly memoryUtilizationPercent?: number;
  /**
   * Per-pod custom metrics.
   * @default - none
   */
  readonly podsMetrics?: readonly PodsMetricProps[];
  /**
   * External metrics.
   * @default - none
   */
  readonly externalMetrics?: readonly ExternalMetricProps[];
  /**
   * @default - Kubernetes' defaults
   */
  readonly scaleUp?: ScalingBehaviorProps;
  /**
   * @default - Kubernetes' defaults
   */
  readonly scaleDown?: ScalingBehaviorProps;
}

/** Pod spreading across failure domains. */
export interface SpreadProps {
  /**
   * Spread across `topology.kubernetes.io/zone` (ScheduleAnyway: never blocks scheduling).
   * @default true
   */
  readonly zones?: boolean;
  /**
   * Spread across `kubernetes.io/hostname` (ScheduleAnyway).
   * @default true
   */
  readonly nodes?: boolean;
}

/** Prometheus scraping through a ServiceMonitor. */
export interface MonitoringProps {
  /**
   * The named port serving metrics.
   * @default - 'metrics' when declared, else 'http'
   */
  readonly port?: PortName;
  /**
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Must not exceed `interval`.
   * @default Duration.seconds(10)
   */
  readonly scrapeTimeout?: Duration;
  /**
   * The namespace Prometheus runs in; the NetworkPolicy admits it on the metrics port.
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
}

/** A writable directory in an otherwise read-only root filesystem (an emptyDir). */
export interface WritableDirectory {
  /** Absolute mount path, e.g. `/tmp`. */
  readonly path: string;
  /**
   * Size limit of the emptyDir (counts against ephemeral storage; eviction beyond it).
   * @default Size.mebibytes(64)
   */
  readonly sizeLimit?: Size;
}

/** The pod's user and group. */
export interface PodIdentityProps {
  /**
   * UID the container runs as (must not be 0).
   * @default 65532 (the distroless `nonroot` user)
   */
  readonly runAsUser?: number;
  /**
   * GID the container runs as.
   * @default - same as runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Group owning mounted volumes.
   * @default - same as runAsGroup
   */
  readonly fsGroup?: number;
}

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
export interface ReliableServiceProps {
  /**
   * Container image with a tag or digest (`repo/app:1.4.2`, `repo/app@sha256:...`); `latest` and
   * untagged images are rejected.
   */
  readonly image: string;
  /**
   * app.kubernetes.io/version.
   * @default - the image tag (or the first 12 digits of its digest)
   */
  readonly version?: string;
  /** Container ports by name. */
  readonly ports: ServicePorts;
  /**
   * Container command (entrypoint).
   * @default - the image's entrypoint
   */
  readonly command?: readonly string[];
  /**
   * Container arguments.
   * @default - the image's cmd
   */
  readonly args?: readonly string[];
  /**
   * Environment variables. Credentials only through `EnvValue.fromSecret`.
   * @default - none
   */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /**
   * Requests and limits (cdk8s-plus-28 units). Required: cpu.request, memory.request and
   * memory.limit. cpu.limit is optional: without it the pod may use idle CPU and is never
   * throttled; set it to cap a noisy neighbour.
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly resources: ContainerResources;
  /** Liveness, readiness and startup probes. */
  readonly probes: ProbesProps;
  /**
   * A hook run right after the container starts, concurrently with the entrypoint. Until it
   * completes the container is not Running and no probe runs (the pod stays unready); if it
   * fails, the container is killed and restarted. See {@link PostStartHook}.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  readonly postStart?: PostStartHook;
  /**
   * Graceful shutdown.
   * @default - preStop sleep 5 s, drainTimeout 25 s, grace period 35 s
   */
  readonly shutdown?: ShutdownProps;
  /**
   * Fixed replica count (≥ 2 unless `singleReplica`). Mutually exclusive with `autoscaling`.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler instead of fixed replicas.
   * @default - fixed replicas
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Explicitly accept a single replica (no redundancy): allows replicas 1 and drops the PDB,
   * which would otherwise block every node drain.
   * @default false
   */
  readonly singleReplica?: boolean;
  /**
   * The PodDisruptionBudget.
   * @default { maxUnavailable: 1, unhealthyPodEvictionPolicy: ALWAYS_ALLOW }
   */
  readonly disruptionBudget?: DisruptionBudgetProps;
  /**
   * Topology spread.
   * @default - across zones and nodes, ScheduleAnyway
   */
  readonly spread?: SpreadProps;
  /**
   * Prometheus scraping.
   * @default - a ServiceMonitor when a `metrics` port is declared, else none
   */
  readonly monitoring?: MonitoringProps;
  /**
   * Writable emptyDir mounts (the root filesystem is read-only).
   * @default - none
   */
  readonly writableDirectories?: readonly WritableDirectory[];
  /**
   * The pod's UID/GID.
   * @default - 65532 for all
   */
  readonly podIdentity?: PodIdentityProps;
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
  /**
   * Old ReplicaSets kept for rollback.
   * @default 5
   */
  readonly revisionHistoryLimit?: number;
  /**
   * How long a rollout may make no progress before it is marked failed.
   * @default Duration.minutes(10)
   */
  readonly progressDeadline?: Duration;
  /**
   * How long a new pod must be ready before it counts as available (catches instant crashes).
   * @default Duration.seconds(5)
   */
  readonly minReady?: Duration;
  /**
   * The rollout's surge: extra pods during an update (a count or a percentage).
   * maxUnavailable is always 0.
   * @default '25%'
   */
  readonly maxSurge?: number | string;
}

const DEFAULT_PRE_STOP = Duration.seconds(5);
const DEFAULT_DRAIN = Duration.seconds(25);
const GRACE_MARGIN = Duration.seconds(5);
const PERCENT = /^(\d{1,3})%$/;
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_STABILIZATION_SECONDS = 3600;
const MAX_POLICY_PERIOD_SECONDS = 1800;
const PORT_ORDER: readonly PortName[] = ['http', 'grpc', 'metrics'];
const APP_PROTOCOL: Record<PortName, string> = { http: 'http', grpc: 'kubernetes.io/h2c', metrics: 'http' };

/** Rollout settings with defaults applied. */
interface ResolvedRollout {
  readonly revisionHistoryLimit: number;
  readonly progressDeadline: Duration;
  readonly minReady: Duration;
  readonly maxSurge: number | string;
}

/** Monitoring settings with defaults applied. */
interface ResolvedMonitoring {
  readonly port: PortName;
  readonly path: string;
  readonly interval: Duration;
  readonly scrapeTimeout: Duration;
  readonly prometheusNamespace: string;
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
export class ReliableService extends Construct implements IReliabilityFacts {
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

  /** The resolved PodDisruptionBudget, when there is one. */
  public readonly disruptionBudget: Readonly<DisruptionBudgetProps> | undefined;
  private readonly rollout: ResolvedRollout;
  private readonly identity: Required<PodIdentityProps>;
  private readonly writableDirectories: readonly WritableDirectory[];
  private readonly monitoring: ResolvedMonitoring | undefined;
  private readonly ingressRules: IngressRule[] = [];
  private readonly envVars = new Map<string, EnvValue>();
  private readonly dependencies: DependencyProps[] = [];
  private readonly violations: Violations;
  private constructed = false;

  constructor(scope: Construct, id: string, props: ReliableServiceProps) {
    super(scope, id);
    this.chart = SystemChart.of(this);
    this.component = id;
    this.namespace = this.chart.namespaceName;
    this.environment = this.chart.environment;
    this.name = resourceName(this.chart.system, id);
    this.image = props.image;
    this.ports = { ...props.ports };
    this.violations = new Violations(this);

    this.version = this.resolveVersion(props);
    this.validatePorts();
    for (const [name, value] of Object.entries(props.env ?? {})) this.addEnv(name, value);
    checkResources(this.violations, props.resources);

    const probes = props.probes ?? ({} as ProbesProps);
    this.readinessProbe = probes.readiness;
    this.livenessProbe = probes.liveness;
    this.startupProbe = this.resolveStartupProbe(probes);
    this.validateProbes(probes);

    this.postStart = props.postStart;
    if (this.postStart) this.validatePostStart(this.postStart);
    this.preStop = props.shutdown?.preStop ?? PreStopHook.sleep(DEFAULT_PRE_STOP);
    this.drainTimeout = props.shutdown?.drainTimeout ?? DEFAULT_DRAIN;
    this.terminationGracePeriod = this.resolveGracePeriod(props.shutdown);

    const singleReplica = props.singleReplica ?? false;
    if (props.autoscaling) {
      this.violations.check(props.replicas !== undefined, 'replicas', props.replicas, 'is set together with autoscaling, which owns the replica count',
        'remove replicas or autoscaling');
      this.replicas = undefined;
      this.minReplicas = props.autoscaling.minReplicas;
      this.maxReplicas = props.autoscaling.maxReplicas;
      this.validateAutoscaling(props.autoscaling, props.resources, singleReplica);
    } else {
      this.replicas = props.replicas ?? (singleReplica ? 1 : 2);
      this.minReplicas = this.maxReplicas = this.replicas;
      this.validateReplicas(this.replicas, singleReplica);
    }
    this.violations.check(singleReplica && props.disruptionBudget !== undefined, 'disruptionBudget', props.disruptionBudget,
      'is set although singleReplica drops the PDB', 'remove disruptionBudget, or remove singleReplica and run at least 2 replicas');
    this.hasDisruptionBudget = !singleReplica;
    this.disruptionBudget = this.hasDisruptionBudget ? this.resolveDisruptionBudget(props.disruptionBudget) : undefined;

    this.rollout = this.resolveRollout(props);
    this.identity = this.resolveIdentity(props.podIdentity ?? {});
    this.writableDirectories = this.resolveWritableDirectories(props.writableDirectories ?? []);
    this.monitoring = this.resolveMonitoring(props.monitoring);
    this.isMonitored = this.monitoring !== undefined;

    for (const rule of props.ingress ?? []) this.addIngress(rule);
    for (const dep of props.dependencies ?? []) this.addDependency(dep);

    this.violations.throwIfAny();
    this.constructed = true;

    this.labels = recommendedLabels({ system: this.chart.system, component: id, environment: this.environment.name, version: this.version });
    this.selector = selectorLabels({ system: this.chart.system, component: id, environment: this.environment.name });
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.labels } };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    if (this.declaredPorts().length > 0) this.createService(metadata);
    this.createDeployment(metadata, props);
    if (this.disruptionBudget) this.createDisruptionBudget(metadata, this.disruptionBudget);
    if (props.autoscaling) this.createAutoscaler(metadata, props.autoscaling);
    if (this.monitoring) this.createServiceMonitor(metadata, this.monitoring);
    this.createNetworkPolicy(metadata);
  }

  /**
   * Adds an environment variable (e.g. a database's connection settings). Names must be unique;
   * credentials only through `EnvValue.fromSecret`.
   */
  public addEnv(name: string, value: EnvValue): void {
    const v = this.addViolations();
    v.check(!ENV_NAME.test(name), `env.${name}`, name, 'is not a valid environment variable name', 'use letters, digits and underscores, not starting with a digit');
    v.check(value.isLiteral && SECRET_NAME.test(name), `env.${name}`, '<redacted>', 'looks like a credential but is a literal, which would put a secret in Git',
      `use EnvValue.fromSecret('<secret>', '<key>')`);
    v.check(this.envVars.has(name), `env.${name}`, name, 'is set twice', 'set each variable once (a backing service may already set it)');
    this.report(v);
    if (!this.envVars.has(name)) this.envVars.set(name, value);
  }

  /** The environment variables (a copy). */
  public get env(): Record<string, EnvValue> {
    return Object.fromEntries(this.envVars);
  }

  /**
   * Admits `rule.from` on `rule.ports`. Throws naming the service when a port is not declared.
   */
  public addIngress(rule: IngressRuleProps): void {
    const ports = rule.ports ?? this.declaredPorts().map(([name]) => name).filter((name) => name !== 'metrics');
    const v = this.addViolations();
    for (const port of ports) {
      v.check(this.ports[port] === undefined, 'ingress.ports', port, `is not a declared port (declared: ${this.declaredPortList()})`, 'declare it in ports or admit a declared one');
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
      v.check(dep.ports !== undefined, 'dependencies.ports', dep.ports, `is set for the ReliableService ${dep.to.name}, whose ports are known`, "name the target's port with 'port' instead");
      v.check(dep.to.ports[port] === undefined, 'dependencies.port', port, `is not a port of ${dep.to.name} (declared: ${dep.to.declaredPortList()})`, "use one of the target's declared ports");
      this.checkSameEnvironment(v, 'dependencies.to', dep.to);
      this.report(v);
      this.dependencies.push({ to: dep.to, port });
      dep.to.ingressRules.push({ from: this, ports: [port] });
    } else {
      const ports = dep.ports ?? [];
      v.check(ports.length === 0, 'dependencies.ports', dep.ports, `is empty for ${dep.to}`, 'list the TCP ports the service calls there');
      for (const p of ports) v.check(!validPort(p), 'dependencies.ports', p, 'is not a port number (1–65535)', 'use the port the dependency listens on');
      v.check(dep.port !== undefined, 'dependencies.port', dep.port, `is a named port, but ${dep.to} is not a ReliableService`, 'give numeric ports in ports');
      this.report(v);
      this.dependencies.push({ to: dep.to, ports: [...ports] });
    }
  }

  private resolveVersion(props: ReliableServiceProps): string {
    const v = this.violations;
    v.check(!isDnsLabel(this.component) || !isDnsLabel(this.name), 'id', this.component,
      `gives the object name '${this.name}', which is not a DNS label of at most 63 characters`, 'use a short lowercase id of letters, digits and dashes');
    const pinning = imagePinningProblem(props.image);
    if (pinning) v.add('image', props.image, ...pinning);
    const image = parseImage(props.image);
    const version = props.version
      ?? (image.tag && image.tag !== 'latest' ? toLabelValue(image.tag) : toLabelValue((image.digest ?? 'unknown').replace(/^sha256:/, '').slice(0, 12)));
    v.check(!isLabelValue(version), 'version', version, 'is not a valid label value', 'use at most 63 letters, digits, dots, dashes and underscores');
    return version;
  }

  private validatePostStart(hook: PostStartHook): void {
    const command = hook.command;
    this.violations.check(command.length === 0 || command[0].trim() === '', 'postStart', hook.toString(),
      'has an empty command, which Kubernetes rejects or fails at every container start',
      "pass the command to run, e.g. PostStartHook.exec(['sh', '-c', '...']), or remove postStart");
  }

  private resolveGracePeriod(shutdown: ShutdownProps | undefined): Duration {
    const v = this.violations;
    const minimumGrace = seconds(this.preStop.duration) + seconds(this.drainTimeout);
    const grace = shutdown?.terminationGracePeriod ?? Duration.seconds(Math.ceil(minimumGrace + seconds(GRACE_MARGIN)));
    if (shutdown?.terminationGracePeriod !== undefined) {
      v.check(seconds(grace) <= minimumGrace, 'shutdown.terminationGracePeriod', goDuration(grace),
        `is not longer than preStop (${goDuration(this.preStop.duration)}) + drainTimeout (${goDuration(this.drainTimeout)}) = ${minimumGrace} s, so in-flight requests are killed`,
        `raise terminationGracePeriod above ${minimumGrace} s or shorten preStop/drainTimeout`);
    }
    for (const [prop, d] of [['shutdown.preStop', this.preStop.duration], ['shutdown.drainTimeout', this.drainTimeout], ['shutdown.terminationGracePeriod', grace]] as const) {
      v.check(wholeSeconds(d) === undefined, prop, goDuration(d), 'is not a whole number of seconds', 'use whole seconds (Kubernetes counts in seconds)');
    }
    return grace;
  }

  private validateReplicas(replicas: number, singleReplica: boolean): void {
    const v = this.violations;
    if (v.check(!Number.isInteger(replicas) || replicas < 1, 'replicas', replicas, 'is not a positive integer', 'use a whole number ≥ 2')) return;
    v.check(replicas < (singleReplica ? 1 : 2), 'replicas', replicas, 'leaves no redundancy: one pod failure or node drain takes the service down',
      'use at least 2 replicas, or set singleReplica: true to accept the outage risk explicitly');
  }

  private resolveRollout(props: ReliableServiceProps): ResolvedRollout {
    const v = this.violations;
    const rollout: ResolvedRollout = {
      revisionHistoryLimit: props.revisionHistoryLimit ?? 5,
      progressDeadline: props.progressDeadline ?? Duration.minutes(10),
      minReady: props.minReady ?? Duration.seconds(5),
      maxSurge: props.maxSurge ?? '25%',
    };
    v.check(!Number.isInteger(rollout.revisionHistoryLimit) || rollout.revisionHistoryLimit < 0, 'revisionHistoryLimit', rollout.revisionHistoryLimit,
      'is not a non-negative integer', 'use e.g. 5 (0 makes rollbacks impossible)');
    const surge = countAt(rollout.maxSurge, Math.max(this.maxReplicas, 1));
    v.check(surge === undefined || surge === 0, 'maxSurge', rollout.maxSurge,
      'allows no extra pod, and maxUnavailable is 0, so a rollout could never replace a pod', "use at least 1 or a non-zero percentage such as '25%'");
    for (const [prop, d] of [['minReady', rollout.minReady], ['progressDeadline', rollout.progressDeadline]] as const) {
      v.check(wholeSeconds(d) === undefined, prop, goDuration(d), 'is not a whole number of seconds', 'use whole seconds (Kubernetes counts in seconds)');
    }
    v.check(seconds(rollout.progressDeadline) <= seconds(rollout.minReady), 'progressDeadline', goDuration(rollout.progressDeadline),
      `is not longer than minReady (${goDuration(rollout.minReady)}), which Kubernetes rejects`, 'make progressDeadline longer than minReady');
    return rollout;
  }

  private resolveIdentity(identity: PodIdentityProps): Required<PodIdentityProps> {
    const runAsUser = identity.runAsUser ?? DEFAULT_UID;
    const runAsGroup = identity.runAsGroup ?? runAsUser;
    const fsGroup = identity.fsGroup ?? runAsGroup;
    this.violations.check(runAsUser === 0 || runAsGroup === 0, 'podIdentity', identity, 'runs as root (UID or GID 0)',
      'use a non-root UID/GID the image supports, e.g. 65532');
    return { runAsUser, runAsGroup, fsGroup };
  }

  private resolveWritableDirectories(dirs: readonly WritableDirectory[]): readonly WritableDirectory[] {
    const seen = new Set<string>();
    for (const [i, dir] of dirs.entries()) {
      this.violations.check(!dir.path.startsWith('/') || dir.path === '/', `writableDirectories[${i}].path`, dir.path, 'is not an absolute path below /',
        "use a directory such as '/tmp'");
      this.violations.check(seen.has(dir.path), `writableDirectories[${i}].path`, dir.path, 'is listed twice', 'list each directory once');
      seen.add(dir.path);
    }
    return [...dirs];
  }

  private resolveMonitoring(props: MonitoringProps | undefined): ResolvedMonitoring | undefined {
    if (props === undefined && this.ports.metrics === undefined) return undefined;
    const v = this.violations;
    const m: ResolvedMonitoring = {
      port: props?.port ?? (this.ports.metrics !== undefined ? 'metrics' : 'http'),
      path: props?.path ?? '/metrics',
      interval: props?.interval ?? Duration.seconds(30),
      scrapeTimeout: props?.scrapeTimeout ?? Duration.seconds(10),
      prometheusNamespace: props?.prometheusNamespace ?? 'monitoring',
    };
    this.checkPortDeclared('monitoring.port', m.port);
    v.check(seconds(m.scrapeTimeout) > seconds(m.interval), 'monitoring.scrapeTimeout', goDuration(m.scrapeTimeout),
      `is longer than monitoring.interval (${goDuration(m.interval)}), so scrapes overlap`, 'lower scrapeTimeout to at most the interval');
    v.check(!m.path.startsWith('/'), 'monitoring.path', m.path, 'is not an absolute URL path', "start it with '/', e.g. '/metrics'");
    return m;
  }

  private createService(metadata: k8s.ObjectMeta): void {
    new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selector },
        ports: this.declaredPorts().map(([name, port]) => ({
          name, port, targetPort: k8s.IntOrString.fromString(name), protocol: 'TCP', appProtocol: APP_PROTOCOL[name],
        })),
      },
    });
  }

  private createDeployment(metadata: k8s.ObjectMeta, props: ReliableServiceProps): void {
    const ports = this.declaredPorts();
    const portNumbers = this.ports as Partial<Record<PortName, number>>;
    const volumes = this.writableDirectories.map((dir, i) => ({
      name: `writable-${i}`,
      emptyDir: { sizeLimit: k8s.Quantity.fromString((dir.sizeLimit ?? Size.mebibytes(64)).asString()) },
    }));
    const preStop = this.preStop._toKube();
    const postStart = this.postStart?._toKube();
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...this.selector } },
        revisionHistoryLimit: this.rollout.revisionHistoryLimit,
        progressDeadlineSeconds: wholeSeconds(this.rollout.progressDeadline),
        minReadySeconds: wholeSeconds(this.rollout.minReady),
        strategy: {
          type: 'RollingUpdate',
          // Never remove a serving pod before its replacement is ready.
          rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: intOrString(this.rollout.maxSurge) },
        },
        template: {
          metadata: { labels: { ...this.labels } },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: wholeSeconds(this.terminationGracePeriod),
            securityContext: restrictedPodSecurityContext(this.identity),
            topologySpreadConstraints: this.spreadConstraints(props.spread),
            containers: [{
              name: this.component,
              image: this.image,
              imagePullPolicy: 'IfNotPresent',
              command: props.command ? [...props.command] : undefined,
              args: props.args ? [...props.args] : undefined,
              ports: ports.length > 0 ? ports.map(([name, containerPort]) => ({ name, containerPort, protocol: 'TCP' })) : undefined,
              // Lazy: backing services (addEnv) may add variables after construction.
              env: Lazy.any({ produce: () => (this.envVars.size > 0 ? [...this.envVars].map(([name, value]) => value._toKube(name)) : undefined) }),
              resources: renderResources(props.resources),
              readinessProbe: this.readinessProbe._toKube(portNumbers),
              livenessProbe: this.livenessProbe?._toKube(portNumbers),
              startupProbe: this.startupProbe?._toKube(portNumbers),
              lifecycle: preStop || postStart ? { postStart, preStop } : undefined,
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: volumes.length > 0 ? this.writableDirectories.map((dir, i) => ({ name: `writable-${i}`, mountPath: dir.path })) : undefined,
              terminationMessagePolicy: 'FallbackToLogsOnError',
            }],
            volumes: volumes.length > 0 ? volumes : undefined,
          },
        },
      },
    });
  }

  private createDisruptionBudget(metadata: k8s.ObjectMeta, budget: DisruptionBudgetProps): void {
    new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata,
      spec: {
        selector: { matchLabels: { ...this.selector } },
        minAvailable: budget.minAvailable === undefined ? undefined : intOrString(budget.minAvailable),
        maxUnavailable: budget.maxUnavailable === undefined ? undefined : intOrString(budget.maxUnavailable),
        unhealthyPodEvictionPolicy: budget.unhealthyPodEvictionPolicy,
      },
    });
  }

  private createAutoscaler(metadata: k8s.ObjectMeta, a: AutoscalingProps): void {
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'HorizontalPodAutoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: renderMetrics(a),
        behavior: a.scaleUp || a.scaleDown ? { scaleUp: renderBehavior(a.scaleUp), scaleDown: renderBehavior(a.scaleDown) } : undefined,
      },
    });
  }

  private createServiceMonitor(metadata: k8s.ObjectMeta, m: ResolvedMonitoring): void {
    new ServiceMonitor(this, 'ServiceMonitor', {
      metadata,
      spec: {
        selector: { matchLabels: { ...this.selector } },
        namespaceSelector: { matchNames: [this.namespace] },
        endpoints: [{ port: m.port, path: m.path, interval: goDuration(m.interval), scrapeTimeout: goDuration(m.scrapeTimeout) }],
      },
    });
    this.ingressRules.push({ from: NetworkPeer.namespace(m.prometheusNamespace), ports: [m.port] });
  }

  private createNetworkPolicy(metadata: k8s.ObjectMeta): void {
    // Rendered lazily: services created later may still add ingress rules (addDependency).
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata,
      spec: {
        podSelector: { matchLabels: { ...this.selector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({ produce: () => this.renderIngress() }),
        egress: Lazy.any({ produce: () => this.renderEgress() }),
      },
    });
  }

  /** The declared ports as `[name, number]`, in a fixed order. */
  public declaredPorts(): Array<[PortName, number]> {
    return PORT_ORDER.filter((name) => this.ports[name] !== undefined).map((name) => [name, this.ports[name] as number]);
  }

  /** The pods of this service as a NetworkPolicy peer. */
  public asNetworkPeer(): NetworkPeer {
    return NetworkPeer.podsInNamespace(this.namespace, this.selector);
  }

  private declaredPortList(): string {
    const ports = this.declaredPorts().map(([n, p]) => `${n}=${p}`);
    return ports.length > 0 ? ports.join(', ') : 'none';
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
    v.check(other.environment !== this.environment, prop, other.node.path, `is in environment '${other.environment.name}', not '${this.environment.name}'`,
      'connect services of the same environment');
  }

  private checkPortDeclared(prop: string, port: PortName): void {
    if (this.ports[port] !== undefined) return;
    this.violations.add(prop, port, `is not a declared port (declared: ${this.declaredPortList()})`, `declare ports.${port} or use a declared port`);
  }

  private validatePorts(): void {
    const seen = new Map<number, string>();
    for (const [name, port] of Object.entries(this.ports)) {
      if (port === undefined) continue;
      if (this.violations.check(!validPort(port), `ports.${name}`, port, 'is not a port number (1–65535)', 'use the port the process listens on')) continue;
      this.violations.check(seen.has(port), `ports.${name}`, port, `is also used by ports.${seen.get(port)}`, 'give each named port its own number');
      seen.set(port, name);
    }
  }

  private resolveStartupProbe(probes: ProbesProps): Probe | undefined {
    if (probes.startup || probes.maxStartupTime === undefined) return probes.startup;
    const base = probes.liveness ?? probes.readiness;
    if (!base) return undefined;
    const period = Duration.seconds(5);
    const failureThreshold = Math.max(1, Math.ceil(seconds(probes.maxStartupTime) / seconds(period)));
    return base.withTiming({
      initialDelay: Duration.seconds(0),
      period,
      timeout: seconds(base.timing.timeout) < seconds(period) ? base.timing.timeout : Duration.seconds(seconds(period) - 1),
      failureThreshold,
      successThreshold: 1,
    });
  }

  private validateProbes(probes: ProbesProps): void {
    const v = this.violations;
    const readiness = this.readinessProbe;
    if (!readiness) {
      v.add('probes.readiness', undefined, 'is missing, so pods receive traffic before they can serve it',
        "add a readiness probe that checks the service's dependencies, e.g. Probe.http('/readyz')");
    }
    if (readiness && this.livenessProbe?.sameCheckAs(readiness)) {
      v.add('probes.liveness', this.livenessProbe.toString(), 'checks the same endpoint as readiness, so a dependency outage restarts every pod',
        'point liveness at an endpoint that checks only the process itself (e.g. /healthz/live)');
    }
    const named: Array<[string, Probe | undefined]> = [['probes.readiness', readiness], ['probes.liveness', this.livenessProbe], ['probes.startup', this.startupProbe]];
    for (const [prop, probe] of named) {
      if (!probe) continue;
      const t = probe.timing;
      v.check(seconds(t.timeout) >= seconds(t.period), `${prop}.timeout`, goDuration(t.timeout),
        `is not shorter than the period (${goDuration(t.period)}), so checks overlap`, 'lower the timeout below the period');
      for (const [field, d] of [['initialDelay', t.initialDelay], ['period', t.period], ['timeout', t.timeout]] as const) {
        v.check(wholeSeconds(d) === undefined || seconds(d) < (field === 'initialDelay' ? 0 : 1), `${prop}.${field}`, goDuration(d),
          'is not a whole number of seconds (≥ 1 s for period and timeout)', 'use whole seconds');
      }
      v.check(!Number.isInteger(t.failureThreshold) || t.failureThreshold < 1, `${prop}.failureThreshold`, t.failureThreshold, 'is not a positive integer', 'use 1 or more');
      if (prop !== 'probes.readiness') {
        v.check(t.successThreshold !== 1, `${prop}.successThreshold`, t.successThreshold, 'must be 1 for liveness and startup probes (the API rejects anything else)',
          'remove successThreshold or set it to 1');
      } else {
        v.check(!Number.isInteger(t.successThreshold) || t.successThreshold < 1, `${prop}.successThreshold`, t.successThreshold, 'is not a positive integer', 'use 1 or more');
      }
      if (probe.port) this.checkPortDeclared(`${prop}.port`, probe.port);
    }
    if (!probes.startup || probes.maxStartupTime === undefined) return;
    const t = probes.startup.timing;
    const budget = t.failureThreshold * seconds(t.period);
    this.violations.check(budget < seconds(probes.maxStartupTime), 'probes.startup', `${t.failureThreshold} × ${goDuration(t.period)}`,
      `allows ${budget} s, less than maxStartupTime (${goDuration(probes.maxStartupTime)}), so slow starts are killed`,
      `raise failureThreshold to at least ${Math.ceil(seconds(probes.maxStartupTime) / seconds(t.period))}, or omit startup to derive it`);
  }

  private validateAutoscaling(a: AutoscalingProps, resources: ContainerResources | undefined, singleReplica: boolean): void {
    const v = this.violations;
    const minimum = singleReplica ? 1 : 2;
    v.check(!Number.isInteger(a.minReplicas) || a.minReplicas < 1, 'autoscaling.minReplicas', a.minReplicas, 'is not a positive integer', 'use a whole number ≥ 2');
    v.check(!Number.isInteger(a.maxReplicas) || a.maxReplicas < 1, 'autoscaling.maxReplicas', a.maxReplicas, 'is not a positive integer', 'use a whole number ≥ minReplicas');
    v.check(a.minReplicas > a.maxReplicas, 'autoscaling.minReplicas', a.minReplicas, `is greater than autoscaling.maxReplicas (${a.maxReplicas})`,
      'lower minReplicas or raise maxReplicas');
    v.check(a.minReplicas >= 1 && a.minReplicas < minimum, 'autoscaling.minReplicas', a.minReplicas,
      'leaves no redundancy at the minimum: one pod failure or node drain takes the service down',
      singleReplica ? 'use at least 1' : 'use at least 2, or set singleReplica: true to accept the outage risk explicitly');
    const metricCount = (a.cpuUtilizationPercent !== undefined ? 1 : 0) + (a.memoryUtilizationPercent !== undefined ? 1 : 0)
      + (a.podsMetrics?.length ?? 0) + (a.externalMetrics?.length ?? 0);
    v.check(metricCount === 0, 'autoscaling', 'no metrics', 'has nothing to scale on', 'set cpuUtilizationPercent, memoryUtilizationPercent, podsMetrics or externalMetrics');
    for (const [prop, value, request] of [
      ['cpuUtilizationPercent', a.cpuUtilizationPercent, resources?.cpu?.request, 'cpu'],
      ['memoryUtilizationPercent', a.memoryUtilizationPercent, resources?.memory?.request, 'memory'],
    ] as const) {
      if (value === undefined) continue;
      v.check(!(value > 0), `autoscaling.${prop}`, value, 'is not a positive percentage', 'use e.g. 70');
      v.check(request === undefined, `autoscaling.${prop}`, value, `is a utilization target, but resources.${prop.startsWith('cpu') ? 'cpu' : 'memory'}.request is not set and utilization is a share of the request`,
        `set resources.${prop.startsWith('cpu') ? 'cpu' : 'memory'}.request`);
    }
    for (const [i, m] of (a.podsMetrics ?? []).entries()) {
      v.check(!isQuantity(m.averageValue), `autoscaling.podsMetrics[${i}].averageValue`, m.averageValue, 'is not a Kubernetes quantity',
        "use a number with an optional SI suffix, e.g. '2000' or '500m'");
    }
    for (const [i, m] of (a.externalMetrics ?? []).entries()) {
      v.check((m.averageValue === undefined) === (m.value === undefined), `autoscaling.externalMetrics[${i}]`, m.name, 'needs exactly one of averageValue and value',
        'set averageValue (per pod) or value (total)');
      for (const [field, value] of [['averageValue', m.averageValue], ['value', m.value]] as const) {
        v.check(value !== undefined && !isQuantity(value), `autoscaling.externalMetrics[${i}].${field}`, value, 'is not a Kubernetes quantity',
          "use a number with an optional SI suffix, e.g. '30' or '1.5k'");
      }
    }
    for (const [dir, b] of [['scaleUp', a.scaleUp], ['scaleDown', a.scaleDown]] as const) {
      if (!b) continue;
      if (b.stabilizationWindow) {
        const s = wholeSeconds(b.stabilizationWindow);
        v.check(s === undefined || s < 0 || s > MAX_STABILIZATION_SECONDS, `autoscaling.${dir}.stabilizationWindow`, goDuration(b.stabilizationWindow),
          'is not whole seconds between 0 and 3600', 'use at most one hour');
      }
      for (const [j, p] of (b.policies ?? []).entries()) {
        const s = wholeSeconds(p.period);
        v.check(s === undefined || s < 1 || s > MAX_POLICY_PERIOD_SECONDS, `autoscaling.${dir}.policies[${j}].period`, goDuration(p.period),
          'is not whole seconds between 1 and 1800', 'use a period of at most 30 minutes');
        v.check(!Number.isInteger(p.value) || p.value < 1, `autoscaling.${dir}.policies[${j}].value`, p.value, 'is not a positive integer', 'use 1 or more');
      }
    }
  }

  private resolveDisruptionBudget(props: DisruptionBudgetProps | undefined): DisruptionBudgetProps | undefined {
    const v = this.violations;
    const policy = props?.unhealthyPodEvictionPolicy ?? UnhealthyPodEvictionPolicy.ALWAYS_ALLOW;
    if (props?.minAvailable !== undefined && props.maxUnavailable !== undefined) {
      v.add('disruptionBudget', props, 'sets both minAvailable and maxUnavailable, which Kubernetes rejects', 'keep exactly one of them');
      return undefined;
    }
    const min = this.minReplicas;
    const fix = `lower the budget or raise the minimum replica count (${min})`;
    if (props?.minAvailable !== undefined) {
      const required = countAt(props.minAvailable, min);
      if (required === undefined) {
        v.add('disruptionBudget.minAvailable', props.minAvailable, 'is neither a non-negative integer nor a percentage', "use e.g. 1 or '50%'");
      } else {
        v.check(required >= min, 'disruptionBudget.minAvailable', props.minAvailable,
          `requires ${required} of ${min} pods at the minimum replica count, so no node can ever be drained`, fix);
      }
      return { minAvailable: props.minAvailable, unhealthyPodEvictionPolicy: policy };
    }
    const maxUnavailable = props?.maxUnavailable ?? 1;
    const allowed = countAt(maxUnavailable, min);
    if (allowed === undefined) {
      v.add('disruptionBudget.maxUnavailable', maxUnavailable, 'is neither a non-negative integer nor a percentage', "use e.g. 1 or '25%'");
    } else {
      v.check(allowed === 0, 'disruptionBudget.maxUnavailable', maxUnavailable, 'allows no pod to be evicted, so no node can ever be drained',
        'allow at least 1 (or a non-zero percentage)');
    }
    return { maxUnavailable, unhealthyPodEvictionPolicy: policy };
  }

  private spreadConstraints(spread: SpreadProps | undefined): k8s.TopologySpreadConstraint[] | undefined {
    const keys = [
      ...(spread?.zones ?? true ? ['topology.kubernetes.io/zone'] : []),
      ...(spread?.nodes ?? true ? ['kubernetes.io/hostname'] : []),
    ];
    if (keys.length === 0) return undefined;
    // ScheduleAnyway: a required constraint (or zone anti-affinity) can leave a surge pod
    // Pending forever on a small cluster and stall the rollout. matchLabelKeys scopes the skew
    // to one ReplicaSet, so old pods do not distort the new revision's spread.
    return keys.map((topologyKey) => ({
      topologyKey,
      maxSkew: 1,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...this.selector } },
      matchLabelKeys: ['pod-template-hash'],
    }));
  }

  private renderIngress(): k8s.NetworkPolicyIngressRule[] | undefined {
    const rules = this.ingressRules.map((rule) => ({
      from: [rule.from instanceof ReliableService ? rule.from.asNetworkPeer()._toKube() : rule.from._toKube()],
      ports: rule.ports.map((name) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(this.ports[name] as number) })),
    }));
    return rules.length > 0 ? rules : undefined;
  }

  private renderEgress(): k8s.NetworkPolicyEgressRule[] {
    return [dnsEgressRule(), ...this.dependencies.map((dep) => {
      if (dep.to instanceof ReliableService) {
        return {
          to: [dep.to.asNetworkPeer()._toKube()],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(dep.to.ports[dep.port as PortName] as number) }],
        };
      }
      return { to: [dep.to._toKube()], ports: (dep.ports ?? []).map((p) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p) })) };
    })];
  }

  /** Replicas, disruption budget, probes and shutdown timing, for the reliability report. */
  public reliabilityFacts(): ReliabilityFacts {
    return {
      services: [{
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
      }],
    };
  }
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** The pod count an int-or-percent budget means at `replicas` (Kubernetes rounds percentages up), or undefined if malformed. */
function countAt(value: number | string, replicas: number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const m = PERCENT.exec(value);
  if (!m || Number(m[1]) > 100) return undefined;
  return Math.ceil((Number(m[1]) * replicas) / 100);
}

function intOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

function renderMetrics(a: AutoscalingProps): k8s.MetricSpecV2[] {
  const metrics: k8s.MetricSpecV2[] = [];
  if (a.cpuUtilizationPercent !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuUtilizationPercent } } });
  }
  if (a.memoryUtilizationPercent !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: a.memoryUtilizationPercent } } });
  }
  for (const m of a.podsMetrics ?? []) {
    metrics.push({ type: 'Pods', pods: { metric: { name: m.name }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(m.averageValue) } } });
  }
  for (const m of a.externalMetrics ?? []) {
    metrics.push({
      type: 'External',
      external: {
        metric: { name: m.name, selector: m.selector ? { matchLabels: { ...m.selector } } : undefined },
        target: m.averageValue !== undefined
          ? { type: 'AverageValue', averageValue: k8s.Quantity.fromString(m.averageValue) }
          : { type: 'Value', value: k8s.Quantity.fromString(m.value as string) },
      },
    });
  }
  return metrics;
}

function renderBehavior(b: ScalingBehaviorProps | undefined): k8s.HpaScalingRulesV2 | undefined {
  if (!b) return undefined;
  return {
    stabilizationWindowSeconds: b.stabilizationWindow ? wholeSeconds(b.stabilizationWindow) : undefined,
    policies: b.policies?.map((p) => ({ type: p.type, value: p.value, periodSeconds: wholeSeconds(p.period) as number })),
    selectPolicy: b.selectPolicy,
  };
}
