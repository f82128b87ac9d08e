import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { wholeSeconds } from '../core/units';

/** The named ports a {@link ReliableService} may declare. */
export type PortName = 'http' | 'grpc' | 'metrics';

/** Timing of a probe. */
export interface ProbeTiming {
  /**
   * Delay before the first check. With a startup probe, liveness and readiness need none.
   * @default Duration.seconds(0)
   */
  readonly initialDelay?: Duration;
  /**
   * How often the check runs.
   * @default Duration.seconds(10)
   */
  readonly period?: Duration;
  /**
   * How long one check may take; must be shorter than `period`.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures before the probe counts as failed.
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Consecutive successes before the probe counts as passing again (must be 1 for liveness and startup).
   * @default 1
   */
  readonly successThreshold?: number;
}

/** Options of an HTTP probe. */
export interface HttpProbeOptions extends ProbeTiming {
  /**
   * The named port to call.
   * @default 'http'
   */
  readonly port?: PortName;
  /**
   * Use HTTPS (certificate not verified, as kubelet does).
   * @default false
   */
  readonly https?: boolean;
}

/** Options of a TCP probe. */
export interface TcpProbeOptions extends ProbeTiming {
  /**
   * The named port to open.
   * @default 'http'
   */
  readonly port?: PortName;
}

/** Options of a gRPC health-checking-protocol probe. */
export interface GrpcProbeOptions extends ProbeTiming {
  /**
   * The named port serving grpc.health.v1.Health.
   * @default 'grpc'
   */
  readonly port?: PortName;
  /**
   * The service name to ask about (empty: the server as a whole).
   * @default - the whole server
   */
  readonly service?: string;
}

/** What a probe checks. */
export type ProbeCheck =
  | { readonly kind: 'http'; readonly path: string; readonly port: PortName; readonly https: boolean }
  | { readonly kind: 'tcp'; readonly port: PortName }
  | { readonly kind: 'grpc'; readonly port: PortName; readonly service?: string }
  | { readonly kind: 'exec'; readonly command: readonly string[] };

/** A probe's timing with every default applied. */
export interface ResolvedProbeTiming {
  readonly initialDelay: Duration;
  readonly period: Duration;
  readonly timeout: Duration;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/**
 * A container probe: HTTP, TCP, gRPC or exec.
 *
 * Hand-written rather than cdk8s-plus-28's `Probe` because ReliableService must inspect a probe's
 * check and timing to validate them (timeout < period, liveness ≠ readiness, startup budget), and
 * cdk8s-plus keeps those private.
 */
export class Probe {
  /** An HTTP GET on `path`; 200–399 is healthy. */
  public static http(path: string, options: HttpProbeOptions = {}): Probe {
    return new Probe({ kind: 'http', path, port: options.port ?? 'http', https: options.https ?? false }, options);
  }

  /** A TCP connect to a named port. */
  public static tcp(options: TcpProbeOptions = {}): Probe {
    return new Probe({ kind: 'tcp', port: options.port ?? 'http' }, options);
  }

  /** A gRPC health check (grpc.health.v1). */
  public static grpc(options: GrpcProbeOptions = {}): Probe {
    return new Probe({ kind: 'grpc', port: options.port ?? 'grpc', service: options.service }, options);
  }

  /** A command run in the container; exit 0 is healthy. */
  public static exec(command: readonly string[], options: ProbeTiming = {}): Probe {
    return new Probe({ kind: 'exec', command: [...command] }, options);
  }

  /** What the probe checks. */
  public readonly check: ProbeCheck;
  /** Timing with defaults applied. */
  public readonly timing: ResolvedProbeTiming;

  private constructor(check: ProbeCheck, timing: ProbeTiming) {
    this.check = check;
    this.timing = {
      initialDelay: timing.initialDelay ?? Duration.seconds(0),
      period: timing.period ?? Duration.seconds(10),
      timeout: timing.timeout ?? Duration.seconds(2),
      failureThreshold: timing.failureThreshold ?? 3,
      successThreshold: timing.successThreshold ?? 1,
    };
  }

  /** The same check with other timing (e.g. a startup probe derived from the liveness check). */
  public withTiming(timing: ProbeTiming): Probe {
    return new Probe(this.check, { ...this.timing, ...timing });
  }

  /** The port the probe uses, if any. */
  public get port(): PortName | undefined {
    return this.check.kind === 'exec' ? undefined : this.check.port;
  }

  /** A human-readable description, e.g. `HTTP GET :http/healthz`. */
  public toString(): string {
    switch (this.check.kind) {
      case 'http':
        return `HTTP${this.check.https ? 'S' : ''} GET :${this.check.port}${this.check.path}`;
      case 'tcp':
        return `TCP :${this.check.port}`;
      case 'grpc':
        return `gRPC :${this.check.port}${this.check.service ? ` ${this.check.service}` : ''}`;
      case 'exec':
        return `exec ${JSON.stringify(this.check.command)}`;
    }
  }

  /** True when both probes check the same thing (same endpoint or command), whatever their timing. */
  public sameCheckAs(other: Probe): boolean {
    return this.toString() === other.toString();
  }

  /**
   * The Kubernetes probe. Ports resolve to numbers for gRPC (the API has no named gRPC port).
   * @internal
   */
  public _toKube(portNumbers: Readonly<Partial<Record<PortName, number>>>): k8s.Probe {
    const timing = {
      initialDelaySeconds: wholeSeconds(this.timing.initialDelay),
      periodSeconds: wholeSeconds(this.timing.period),
      timeoutSeconds: wholeSeconds(this.timing.timeout),
      failureThreshold: this.timing.failureThreshold,
      successThreshold: this.timing.successThreshold,
    };
    switch (this.check.kind) {
      case 'http':
        return {
          httpGet: {
            path: this.check.path,
            port: k8s.IntOrString.fromString(this.check.port),
            scheme: this.check.https ? 'HTTPS' : 'HTTP',
          },
          ...timing,
        };
      case 'tcp':
        return { tcpSocket: { port: k8s.IntOrString.fromString(this.check.port) }, ...timing };
      case 'grpc':
        return { grpc: { port: portNumbers[this.check.port] ?? 0, service: this.check.service }, ...timing };
      case 'exec':
        return { exec: { command: [...this.check.command] }, ...timing };
    }
  }
}
