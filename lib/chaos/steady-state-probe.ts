import { Duration } from 'cdk8s';
import { PortName } from '../workload/probe';
import { promNumber } from '../observability/promql';
import { goDuration, seconds } from '../core/units';
import { Violations } from '../core/validation';
import { SloRecords } from '../core/conventions';
import { Slo } from '../observability/alerting/slo';

/** When litmus evaluates a probe (`mode`). */
export enum ProbeMode {
  /** Before chaos starts. */
  SOT = 'SOT',
  /** After chaos ends. */
  EOT = 'EOT',
  /** Before and after chaos. */
  EDGE = 'Edge',
  /** From start to end of the experiment, every `interval`. */
  CONTINUOUS = 'Continuous',
  /** Only while chaos is injected, every `interval`. */
  ON_CHAOS = 'OnChaos',
}

/** How often and how patiently a probe is evaluated (`runProperties`). */
export interface ProbeRunProps {
  /**
   * Time allowed for one evaluation. Must be shorter than `interval`.
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * Time between evaluations (and between retries).
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;
  /**
   * Attempts per evaluation before the probe fails.
   * @default 1
   */
  readonly attempts?: number;
  /**
   * @default ProbeMode.CONTINUOUS
   */
  readonly mode?: ProbeMode;
}

/** {@link SteadyStateProbe.http}. */
export interface HttpSteadyStateProps extends ProbeRunProps {
  /**
   * Path on the target service, called at `http://<service>.<namespace>.svc.cluster.local:<port><path>`.
   * Exactly one of path / url.
   * @default - none
   */
  readonly path?: string;
  /**
   * The target service's named port for `path`.
   * @default 'http'
   */
  readonly port?: PortName;
  /**
   * An absolute URL instead of a path on the target (e.g. the public endpoint through the
   * gateway). Exactly one of path / url.
   * @default - none
   */
  readonly url?: string;
  /**
   * The expected response status of a GET.
   * @default 200
   */
  readonly expectedStatus?: number;
}

/** Comparison of a PromQL result with a value (litmus promProbe `comparator.criteria`). */
export type PromCriteria = '<=' | '<' | '>=' | '>' | '==' | '!=';

/** {@link SteadyStateProbe.prometheus}. */
export interface PrometheusSteadyStateProps extends ProbeRunProps {
  /** Prometheus' URL, e.g. `http://prometheus-operated.monitoring.svc:9090`. */
  readonly endpoint: string;
  /** An instant query returning one sample. */
  readonly query: string;
  /** How the sample compares with `value`. */
  readonly criteria: PromCriteria;
  /** The value the sample is compared with. */
  readonly value: number;
}

/** {@link SteadyStateProbe.slo}. */
export interface SloSteadyStateProps extends ProbeRunProps {
  /** The SLO whose recorded 5-minute error ratio must stay within budget. */
  readonly slo: Slo;
  /** Prometheus' URL, e.g. `http://prometheus-operated.monitoring.svc:9090`. */
  readonly endpoint: string;
  /**
   * Highest burn rate tolerated during chaos: the 5-minute error ratio must stay ≤ this × the
   * error budget. 14.4 is the fast-burn page threshold, so the probe fails when the chaos would page.
   * @default 14.4
   */
  readonly maxBurnRate?: number;
}

/** A rendered probe (structural subset of the ChaosEngine schema). @internal */
export interface RenderedProbe {
  readonly name: string;
  readonly type: string;
  readonly mode: string;
  readonly httpProbeInputs?: { url: string; method: { get: { criteria: string; responseCode: string } } };
  readonly promProbeInputs?: { endpoint: string; query: string; comparator: { criteria: string; value: string } };
  readonly runProperties: { probeTimeout: string; interval: string; attempt: number };
}

/** What a probe needs from the target to render. @internal */
export interface ProbeTarget {
  readonly serviceHost: string;
  readonly ports: Partial<Record<PortName, number>>;
}

/**
 * The steady-state hypothesis of a chaos experiment: a litmus probe evaluated around or during
 * the fault; a failing probe fails the experiment (ChaosResult verdict `Fail`).
 *
 * @see https://docs.litmuschaos.io/docs/concepts/probes
 */
export class SteadyStateProbe {
  /** An HTTP GET on the target service (or any URL) must return `expectedStatus`. */
  public static http(props: HttpSteadyStateProps): SteadyStateProbe {
    return new SteadyStateProbe('httpProbe', props, props);
  }

  /** A PromQL query must satisfy `criteria value`. */
  public static prometheus(props: PrometheusSteadyStateProps): SteadyStateProbe {
    return new SteadyStateProbe('promProbe', props, props);
  }

  /**
   * The service's SLO holds: its recorded 5-minute error ratio (`slo:sli_error:ratio_rate5m`)
   * stays ≤ maxBurnRate × error budget. Fails when there is no traffic (no sample): run load
   * during the experiment.
   */
  public static slo(props: SloSteadyStateProps): SteadyStateProbe {
    const maxBurnRate = props.maxBurnRate ?? 14.4;
    return new SteadyStateProbe(
      'promProbe',
      props,
      {
        endpoint: props.endpoint,
        query: `${SloRecords.errorRatio('5m')}${props.slo.recordSelector}`,
        criteria: '<=',
        value: Number((props.slo.errorBudget * maxBurnRate).toPrecision(12)),
      } satisfies Omit<PrometheusSteadyStateProps, keyof ProbeRunProps>,
      props.slo.name,
      maxBurnRate,
    );
  }

  /** Time allowed for one evaluation. */
  public readonly timeout: Duration;
  /** Time between evaluations. */
  public readonly interval: Duration;
  /** Attempts per evaluation. */
  public readonly attempts: number;
  /** When the probe is evaluated. */
  public readonly mode: ProbeMode;

  private constructor(
    /** The litmus probe type. */
    public readonly type: 'httpProbe' | 'promProbe',
    run: ProbeRunProps,
    private readonly inputs: HttpSteadyStateProps | Omit<PrometheusSteadyStateProps, keyof ProbeRunProps>,
    private readonly sloName?: string,
    private readonly maxBurnRate?: number,
  ) {
    this.timeout = run.timeout ?? Duration.seconds(5);
    this.interval = run.interval ?? Duration.seconds(10);
    this.attempts = run.attempts ?? 1;
    this.mode = run.mode ?? ProbeMode.CONTINUOUS;
  }

  /** The probe's name in the engine. */
  public get name(): string {
    if (this.type === 'httpProbe') return 'steady-state-http';
    return this.sloName !== undefined ? `slo-${this.sloName}` : 'steady-state-prometheus';
  }

  /** The named port of the target the probe calls, if it calls the target by path. */
  public get targetPort(): PortName | undefined {
    const http = this.inputs as HttpSteadyStateProps;
    return this.type === 'httpProbe' && http.path !== undefined ? (http.port ?? 'http') : undefined;
  }

  /** Records every broken rule under `prop`. @internal */
  public _validate(v: Violations, prop: string, target: ProbeTarget): void {
    for (const [field, d] of [
      ['timeout', this.timeout],
      ['interval', this.interval],
    ] as const) {
      v.check(!(d.toMilliseconds() > 0), `${prop}.${field}`, goDuration(d), 'is not positive', 'use e.g. Duration.seconds(5)');
    }
    v.check(
      seconds(this.timeout) >= seconds(this.interval),
      `${prop}.timeout`,
      goDuration(this.timeout),
      `is not shorter than the interval (${goDuration(this.interval)}), so evaluations overlap`,
      'lower the timeout below the interval',
    );
    v.check(
      !Number.isInteger(this.attempts) || this.attempts < 1,
      `${prop}.attempts`,
      this.attempts,
      'is not a positive integer',
      'use 1 or more',
    );
    if (this.type === 'httpProbe') {
      const http = this.inputs as HttpSteadyStateProps;
      v.check(
        (http.path === undefined) === (http.url === undefined),
        prop,
        http.path ?? http.url,
        'needs exactly one of path and url',
        'set path (on the target service) or url (absolute)',
      );
      if (http.path !== undefined) {
        v.check(!http.path.startsWith('/'), `${prop}.path`, http.path, 'is not an absolute URL path', "start it with '/', e.g. '/readyz'");
        const port = http.port ?? 'http';
        v.check(
          target.ports[port] === undefined,
          `${prop}.port`,
          port,
          'is not a declared port of the target',
          'declare it on the ReliableService or use a declared port',
        );
      }
      if (http.url !== undefined)
        v.check(
          !/^https?:\/\/[^/\s]+/.test(http.url),
          `${prop}.url`,
          http.url,
          'is not an absolute http(s) URL',
          "use e.g. 'https://api.example.com/healthz'",
        );
      const status = http.expectedStatus ?? 200;
      v.check(
        !Number.isInteger(status) || status < 100 || status > 599,
        `${prop}.expectedStatus`,
        status,
        'is not an HTTP status code',
        'use e.g. 200',
      );
    } else {
      const prom = this.inputs as PrometheusSteadyStateProps;
      v.check(
        !/^https?:\/\/[^/\s]+/.test(prom.endpoint),
        `${prop}.endpoint`,
        prom.endpoint,
        'is not an absolute http(s) URL',
        "use e.g. 'http://prometheus-operated.monitoring.svc:9090'",
      );
      v.check(prom.query.trim() === '', `${prop}.query`, prom.query, 'is empty', 'give an instant PromQL query returning one sample');
      v.check(!Number.isFinite(prom.value), `${prop}.value`, prom.value, 'is not a finite number', 'compare with a number');
      if (this.maxBurnRate !== undefined) {
        v.check(
          !(this.maxBurnRate > 0),
          `${prop}.maxBurnRate`,
          this.maxBurnRate,
          'is not positive',
          'use e.g. 14.4 (the fast-burn page threshold)',
        );
      }
    }
  }

  /** The probe as litmus expects it. @internal */
  public _render(target: ProbeTarget): RenderedProbe {
    const runProperties = { probeTimeout: goDuration(this.timeout), interval: goDuration(this.interval), attempt: this.attempts };
    if (this.type === 'httpProbe') {
      const http = this.inputs as HttpSteadyStateProps;
      const url = http.url ?? `http://${target.serviceHost}:${target.ports[http.port ?? 'http']}${http.path}`;
      return {
        name: this.name,
        type: this.type,
        mode: this.mode,
        httpProbeInputs: { url, method: { get: { criteria: '==', responseCode: String(http.expectedStatus ?? 200) } } },
        runProperties,
      };
    }
    const prom = this.inputs as PrometheusSteadyStateProps;
    return {
      name: this.name,
      type: this.type,
      mode: this.mode,
      promProbeInputs: {
        endpoint: prom.endpoint,
        query: prom.query,
        comparator: { criteria: prom.criteria, value: promNumber(prom.value) },
      },
      runProperties,
    };
  }

  public toString(): string {
    return `${this.type}(${this.name})`;
  }
}
