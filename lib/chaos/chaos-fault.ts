import { Duration } from 'cdk8s';
import { goDuration, seconds } from '../core/units';
import { Violations } from '../core/validation';
import { ReliableService } from '../workload/reliable-service/reliable-service';

/**
 * A backing service a {@link ChaosFault.dependencyFailure} cuts a client off from. It names the
 * hosts that client really connects to — a database reached through its pooler is cut at the
 * pooler's Service, not at the primary's, which the client never dials. HAPostgres implements it.
 */
export interface IChaosDependency {
  /** For messages: the construct path. */
  readonly node: { readonly path: string };
  /** The Service host names `client` connects to; empty when it is not a client. */
  clientHosts(client: ReliableService): readonly string[];
}

/** Settings every fault shares. */
export interface ChaosFaultBaseProps {
  /** How long chaos is injected (`TOTAL_CHAOS_DURATION`, whole seconds). */
  readonly duration: Duration;
  /**
   * Share of the target's pods affected (`PODS_AFFECTED_PERC`, 1–100). Litmus affects
   * max(1, ⌊percent × pods / 100⌋) pods.
   * @default - one pod (litmus' behaviour when unset)
   */
  readonly podsAffectedPercent?: number;
  /**
   * The ChaosEngine's name suffix: the engine is `<system>-<experiment id>-<name>`.
   * @default - the litmus experiment name (`pod-delete`, `pod-network-latency`, ...)
   */
  readonly name?: string;
}

/** {@link ChaosFault.podDelete}. */
export interface PodDeleteProps extends ChaosFaultBaseProps {
  /**
   * Time between deletion rounds (`CHAOS_INTERVAL`). Must not exceed `duration`.
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;
  /**
   * Delete with grace period 0 (`FORCE`). false exercises the preStop hook and graceful drain.
   * @default false
   */
  readonly force?: boolean;
}

/** {@link ChaosFault.networkLatency}. */
export interface NetworkLatencyProps extends ChaosFaultBaseProps {
  /** Added egress delay (`NETWORK_LATENCY`, whole milliseconds ≥ 1). */
  readonly latency: Duration;
  /**
   * Random variation of the delay (`JITTER`, whole milliseconds).
   * @default Duration.millis(0)
   */
  readonly jitter?: Duration;
  /**
   * Only traffic to these hosts is delayed (`DESTINATION_HOSTS`).
   * @default - all egress traffic
   */
  readonly destinationHosts?: readonly string[];
}

/** {@link ChaosFault.cpuHog}. */
export interface CpuHogProps extends ChaosFaultBaseProps {
  /** CPU cores stressed in each affected container (`CPU_CORES`, a positive integer). */
  readonly cores: number;
  /**
   * Load per stressed core in percent (`CPU_LOAD`, 1–100).
   * @default 100
   */
  readonly loadPercent?: number;
}

/** {@link ChaosFault.dependencyFailure}. */
export interface DependencyFailureProps extends ChaosFaultBaseProps {
  /**
   * A backing service of the target (e.g. an HAPostgres the target is a client of): the hosts
   * are the ones the target connects to (its pooler's Service when it goes through the pooler),
   * resolved when the experiment is created. Use this for in-cluster dependencies; `hosts` / `ips`
   * for the rest. At least one of dependency / hosts / ips.
   * @default - none
   */
  readonly dependency?: IChaosDependency;
  /**
   * Host names of an external dependency (`DESTINATION_HOSTS`), e.g. an API outside the cluster.
   * Litmus resolves them when chaos starts. For a dependency in the stack prefer `dependency`:
   * a host the target never dials makes the fault a no-op.
   * @default - none
   */
  readonly hosts?: readonly string[];
  /**
   * IPs or CIDRs of the dependency (`DESTINATION_IPS`). At least one of hosts / ips.
   * @default - none
   */
  readonly ips?: readonly string[];
  /**
   * Share of packets to the dependency dropped (`NETWORK_PACKET_LOSS_PERCENTAGE`, 1–100).
   * @default 100 (the dependency is unreachable)
   */
  readonly lossPercent?: number;
}

/** One litmus environment variable of an experiment. */
export interface ChaosFaultEnv {
  readonly name: string;
  readonly value: string;
}

type Check = (v: Violations, prop: string, target?: ReliableService) => void;

/**
 * One LitmusChaos fault (a chaos-hub experiment) with typed tunables. Each fault becomes one
 * ChaosEngine; the hub's `ChaosExperiment` it runs (litmuschaos.io/v1alpha1) is emitted beside it
 * in the system's namespace (ChaosExperimentDefinitions, from lib/chaos/litmus-hub.ts).
 *
 * @see https://github.com/litmuschaos/chaos-charts/tree/master/faults/kubernetes
 */
export class ChaosFault {
  /**
   * Deletes the target's pods (`pod-delete`): remaining pods must absorb the load and new pods
   * must start and become ready.
   */
  public static podDelete(props: PodDeleteProps): ChaosFault {
    const interval = props.interval ?? Duration.seconds(10);
    return new ChaosFault(
      'pod-delete',
      props,
      {
        CHAOS_INTERVAL: wholeSeconds(interval),
        FORCE: String(props.force ?? false),
      },
      (v, prop) => {
        checkDuration(v, `${prop}.interval`, interval, 1000);
        if (seconds(props.duration) < seconds(interval)) {
          v.add(
            `${prop}.duration`,
            goDuration(props.duration),
            `is shorter than the interval (${goDuration(interval)}), so at most one round of deletions runs`,
            'make duration at least the interval',
          );
        }
      },
    );
  }

  /** Delays the target's egress traffic (`pod-network-latency`, tc netem in the pod's network namespace). */
  public static networkLatency(props: NetworkLatencyProps): ChaosFault {
    const jitter = props.jitter ?? Duration.millis(0);
    return new ChaosFault(
      'pod-network-latency',
      props,
      {
        NETWORK_LATENCY: String(props.latency.toMilliseconds()),
        JITTER: String(jitter.toMilliseconds()),
        DESTINATION_HOSTS: props.destinationHosts?.join(','),
      },
      (v, prop) => {
        checkDuration(v, `${prop}.latency`, props.latency, 1);
        const ms = jitter.toMilliseconds();
        v.check(
          !Number.isInteger(ms) || ms < 0,
          `${prop}.jitter`,
          goDuration(jitter),
          'is not a whole, non-negative number of milliseconds',
          'use e.g. Duration.millis(50)',
        );
        checkHosts(v, `${prop}.destinationHosts`, props.destinationHosts ?? []);
      },
      true,
    );
  }

  /** Stresses CPU in the target's containers (`pod-cpu-hog`): the HPA should scale out. */
  public static cpuHog(props: CpuHogProps): ChaosFault {
    const load = props.loadPercent ?? 100;
    return new ChaosFault(
      'pod-cpu-hog',
      props,
      { CPU_CORES: String(props.cores), CPU_LOAD: String(load) },
      (v, prop) => {
        v.check(
          !Number.isInteger(props.cores) || props.cores < 1,
          `${prop}.cores`,
          props.cores,
          'is not a positive integer',
          'use 1 or more',
        );
        checkPercent(v, `${prop}.loadPercent`, load);
      },
      true,
    );
  }

  /**
   * Cuts the target off from one dependency (`pod-network-loss` to its hosts/IPs): the service
   * must degrade gracefully and recover when the dependency returns. Packet loss is used rather
   * than `pod-network-partition`, whose deny NetworkPolicy cannot override the allow rules
   * ReliableService already declares for its dependencies (NetworkPolicies only add up).
   */
  public static dependencyFailure(props: DependencyFailureProps): ChaosFault {
    const loss = props.lossPercent ?? 100;
    const fault = new ChaosFault(
      'pod-network-loss',
      props,
      {
        NETWORK_PACKET_LOSS_PERCENTAGE: String(loss),
        DESTINATION_IPS: props.ips && props.ips.length > 0 ? props.ips.join(',') : undefined,
      },
      (v, prop, target) => {
        checkPercent(v, `${prop}.lossPercent`, loss);
        const targets = [...(props.hosts ?? []), ...(props.ips ?? [])];
        v.check(
          targets.length === 0 && !props.dependency,
          `${prop}.hosts`,
          props.hosts,
          'and ips are both empty and no dependency is given, so all egress traffic would be dropped, not one dependency',
          "pass the backing service as dependency, or name the external dependency's hosts or IPs",
        );
        if (props.dependency && target) {
          v.check(
            props.dependency.clientHosts(target).length === 0,
            `${prop}.dependency`,
            props.dependency.node.path,
            `has no connection from the target ${target.name}, so cutting it off tests nothing`,
            'connect the target first (addClient) or choose the dependency it uses',
          );
        }
        checkHosts(v, `${prop}.hosts`, props.hosts ?? []);
        for (const ip of props.ips ?? []) {
          v.check(!IP_OR_CIDR.test(ip), `${prop}.ips`, ip, 'is not an IPv4 address or CIDR', "use e.g. '10.0.0.5' or '10.0.0.0/24'");
        }
      },
      true,
    );
    fault.destinationHosts = (target) => [...(props.dependency?.clientHosts(target) ?? []), ...(props.hosts ?? [])];
    return fault;
  }

  /** The ChaosEngine name suffix. */
  public readonly name: string;
  /** How long chaos is injected. */
  public readonly duration: Duration;
  /** Share of pods affected, if set. */
  public readonly podsAffectedPercent: number | undefined;
  /** The hosts a dependency failure cuts the target off from (`DESTINATION_HOSTS`). */
  private destinationHosts?: (target: ReliableService) => readonly string[];

  private constructor(
    /** The chaos-hub experiment name (`pod-delete`, ...). */
    public readonly experiment: string,
    props: ChaosFaultBaseProps,
    private readonly tunables: Readonly<Record<string, string | undefined>>,
    private readonly checkSpecific: Check,
    /** Whether the experiment targets one container (`TARGET_CONTAINER`) through a privileged helper pod. */
    public readonly usesHelperPod = false,
  ) {
    this.name = props.name ?? experiment;
    this.duration = props.duration;
    this.podsAffectedPercent = props.podsAffectedPercent;
  }

  /** Records every broken rule of this fault under `prop` (with the target: the rules that need it). @internal */
  public _validate(v: Violations, prop: string, target?: ReliableService): void {
    checkDuration(v, `${prop}.duration`, this.duration, 1000);
    if (this.podsAffectedPercent !== undefined) checkPercent(v, `${prop}.podsAffectedPercent`, this.podsAffectedPercent);
    this.checkSpecific(v, prop, target);
  }

  /** How many of `pods` pods litmus affects (max(1, ⌊percent × pods / 100⌋)). */
  public affectedPods(pods: number): number {
    return Math.max(1, Math.floor(((this.podsAffectedPercent ?? 0) * pods) / 100));
  }

  /** The experiment's environment against `target`, in a stable order. @internal */
  public _env(target: ReliableService): ChaosFaultEnv[] {
    const hosts = this.destinationHosts?.(target) ?? [];
    const all: Record<string, string | undefined> = {
      TOTAL_CHAOS_DURATION: wholeSeconds(this.duration),
      PODS_AFFECTED_PERC: this.podsAffectedPercent === undefined ? undefined : String(this.podsAffectedPercent),
      ...(this.usesHelperPod ? { TARGET_CONTAINER: target.component } : {}),
      ...this.tunables,
      ...(hosts.length > 0 ? { DESTINATION_HOSTS: hosts.join(',') } : {}),
    };
    return Object.entries(all)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([name, value]) => ({ name, value }));
  }

  public toString(): string {
    return `${this.experiment}(${goDuration(this.duration)})`;
  }
}

const HOST = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IP_OR_CIDR = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/;

function wholeSeconds(d: Duration): string {
  return String(Math.round(d.toMilliseconds() / 1000));
}

/** `d` must be positive and a whole multiple of `unitMs` (1000: seconds, 1: milliseconds). */
function checkDuration(v: Violations, prop: string, d: Duration, unitMs: number): void {
  const ms = d.toMilliseconds();
  const unit = unitMs === 1000 ? 'seconds' : 'milliseconds';
  v.check(
    !(ms > 0) || ms % unitMs !== 0,
    prop,
    goDuration(d),
    `is not a positive whole number of ${unit}`,
    `use e.g. Duration.${unitMs === 1000 ? 'seconds(60)' : 'millis(200)'}`,
  );
}

function checkPercent(v: Violations, prop: string, value: number): void {
  v.check(!Number.isInteger(value) || value < 1 || value > 100, prop, value, 'is not a whole percentage between 1 and 100', 'use e.g. 50');
}

function checkHosts(v: Violations, prop: string, hosts: readonly string[]): void {
  for (const host of hosts) v.check(!HOST.test(host), prop, host, 'is not a DNS name', "use the dependency's Service DNS name");
}
