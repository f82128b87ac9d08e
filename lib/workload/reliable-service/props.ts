import { PriorityClass } from '../../core/priority-class';
import { Duration, Size } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-28';
import { EnvValue } from '../../core/env-value';
import { goDuration } from '../../core/units';
import { PortName, Probe } from '../probe';
import { PostStartHook } from '../post-start-hook';
import { PreStopHook } from '../pre-stop-hook';

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
   * The longest request the service serves: the timeout its clients wait for a response (an LLM
   * generation, an export). A request accepted just before the pod left the endpoints must still
   * finish, so preStop + drainTimeout must cover endpoint removal (5 s) plus this. A server
   * that stops at SIGTERM without draining must cover it in preStop alone — declare its
   * drainTimeout as what it really does after SIGTERM.
   * @default - not checked
   */
  readonly longestRequest?: Duration;
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

  private constructor(
    public readonly type: 'Percent' | 'Pods',
    public readonly value: number,
    public readonly period: Duration,
  ) {}

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

/**
 * A per-pod custom metric (HPA `Pods` metric), e.g. requests per second, and what serves it: the
 * per-second rate of a counter the service exports, which prometheus-adapter (installed with
 * ReliakitApp's `infrastructure`) serves in the custom metrics API under `name`.
 */
export interface PodsMetricProps {
  /** The metric's name in the custom metrics API (`vault_requests_per_second`). */
  readonly name: string;
  /** The target average per pod, as a Kubernetes quantity (`'2000'`, `'500m'`). */
  readonly averageValue: string;
  /**
   * The counter, scraped from the service's pods (its ServiceMonitor), whose per-second rate per
   * pod is the metric (`vault_requests_total`): prometheus-adapter serves
   * `sum by (namespace, pod) (rate(<counter>[2m]))` as `name`. Without a server the HPA reports
   * ScalingActive=false or scales on its other metrics only.
   */
  readonly fromCounter: string;
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

/**
 * The props of a {@link ReliableService} that describe the service itself, without its
 * connections to other services (`ingress`, `dependencies`): everything `resolveServiceSpec`
 * decides from. Split from ReliableServiceProps because those connections name the construct
 * class, which this module must not import.
 */
export interface ServiceSpecProps {
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
   * The PriorityClass of the pods: under node pressure the scheduler evicts lower classes first.
   * @default PriorityClass.SERVICE
   */
  readonly priorityClass?: PriorityClass;
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
