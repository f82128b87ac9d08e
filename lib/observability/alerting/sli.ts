import { Duration } from 'cdk8s';

/** A request-based SLI: the share of requests that succeed. Exactly one of `errors` and `good`. */
export interface RequestsSliProps {
  /** Counter selector of all requests, e.g. `http_requests_total{job="api"}`. */
  readonly total: string;
  /**
   * Counter selector of failed requests, e.g. `http_requests_total{job="api",code=~"5.."}`.
   * A series that does not exist yet (no failure so far) counts as zero failures.
   * @default - none: give `good`
   */
  readonly errors?: string;
  /**
   * Counter selector of successful requests; failures are `total - good`.
   * @default - none: give `errors`
   */
  readonly good?: string;
}

/** A latency SLI: the share of requests faster than `threshold`, from a Prometheus histogram. */
export interface LatencySliProps {
  /** The histogram's base name, e.g. `http_request_duration_seconds` (its `_bucket` and `_count` series are read). */
  readonly histogram: string;
  /**
   * Label matchers of the histogram's series, e.g. `{job="api"}`.
   * @default '{}' (every series of the histogram)
   */
  readonly selector?: string;
  /** The latency objective; must be one of the histogram's bucket boundaries (`le`). */
  readonly threshold: Duration;
  /**
   * The bucket boundaries the application's histogram exposes — part of the app contract: the SLO
   * reads `_bucket{le="<threshold>"}`, which exists only if the app configures that bucket. Declare
   * them when the threshold is not one of the client libraries' defaults (p95 < 200 ms needs a
   * 0.2 s bucket that default histograms lack) and configure the app's histogram with the same list.
   * @default - the Prometheus client libraries' default buckets ({@link CLIENT_DEFAULT_BUCKETS_SECONDS})
   */
  readonly buckets?: readonly Duration[];
}

/**
 * The default buckets of the Prometheus client libraries' histograms (Go, Java, Python, Node:
 * `DefBuckets`), in seconds: what an app exposes when it declares none.
 */
export const CLIENT_DEFAULT_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What an SLO measures. */
export class Sli {
  /** Errors (or good requests) over all requests, from counters. */
  public static requests(props: RequestsSliProps): Sli {
    return new Sli(props, undefined);
  }

  /** Requests slower than `threshold` over all requests: errors = `_count` − `_bucket{le="<threshold>"}`. */
  public static latency(props: LatencySliProps): Sli {
    return new Sli(undefined, props);
  }

  private constructor(
    /** The request SLI's selectors, when it is one. */
    public readonly requestsProps: RequestsSliProps | undefined,
    /** The latency SLI's settings, when it is one. */
    public readonly latencyProps: LatencySliProps | undefined,
  ) {}

  public toString(): string {
    if (this.latencyProps)
      return `latency(${this.latencyProps.histogram}${this.latencyProps.selector ?? '{}'} < ${this.latencyProps.threshold.toMilliseconds()}ms)`;
    const r = this.requestsProps as RequestsSliProps;
    if (r.errors !== undefined) return `requests(${r.errors} / ${r.total})`;
    return r.good !== undefined ? `requests(1 - ${r.good} / ${r.total})` : `requests(total: ${r.total})`;
  }
}
