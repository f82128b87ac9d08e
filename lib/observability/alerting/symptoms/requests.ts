import { Duration } from 'cdk8s';
import { AlertRule } from '../alert-rule';
import { formatSelector, labelRe, parseSelector, promNumber, Selector } from '../../promql';
import { SymptomAlertProps, SymptomBuilder } from './symptom-builder';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Props of {@link SymptomAlerts.errorRatio}. */
export interface ErrorRatioProps extends SymptomAlertProps {
  /** Counter selector of all requests, e.g. `http_requests_total{job="homepage-api"}`. */
  readonly requests: string;
  /**
   * Counter selector of failed requests.
   * @default - `requests` with `code=~"5.."` added
   */
  readonly errors?: string;
  /**
   * The error share in percent above which the alert fires.
   * @default 1
   */
  readonly maxPercent?: number;
  /**
   * The rate window.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
}

/** Props of {@link SymptomAlerts.latencyAbove}. */
export interface LatencyProps extends SymptomAlertProps {
  /** The histogram's base name (without `_bucket`), e.g. `http_request_duration_seconds` (seconds). */
  readonly histogram: string;
  /**
   * Label matchers of the histogram's series, e.g. `{job="homepage-api"}`.
   * @default '{}'
   */
  readonly selector?: string;
  /**
   * The quantile (0 < q < 1).
   * @default 0.95
   */
  readonly quantile?: number;
  /** The latency the quantile must stay under. */
  readonly threshold: Duration;
  /**
   * The rate window.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
}

/**
 * Failed requests above a share of all requests (5xx by default), from the application's
 * request counter. Default `for`: 5 minutes.
 */
export function errorRatio(props: ErrorRatioProps): AlertRule {
  const b = new SymptomBuilder('errorRatio', props);
  const requests = b.selector('requests', props.requests);
  const errors =
    props.errors !== undefined
      ? b.selector('errors', props.errors)
      : requests && { ...requests, matchers: [...requests.matchers, labelRe('code', '5..')] };
  const maxPercent = b.percent('maxPercent', props.maxPercent ?? 1);
  const window = b.window('window', props.window ?? Duration.minutes(5));
  const rate = (s: Selector | undefined) => `sum by (namespace, job) (rate(${s ? formatSelector(s) : ''}[${window}]))`;
  return b.build({
    name: 'HighErrorRate',
    expr: `${rate(errors)}\n/\n${rate(requests)}\n> ${promNumber(maxPercent / 100)}`,
    for: Duration.minutes(5),
    summary: `${props.service}: more than ${maxPercent}% of requests fail`,
    description: `More than ${maxPercent}% of the requests of ${props.service} (job {{ $labels.job }}) failed over the last ${window}: users see errors.`,
  });
}

/** A latency quantile (histogram_quantile over the application's histogram) above a threshold. Default `for`: 10 minutes. */
export function latencyAbove(props: LatencyProps): AlertRule {
  const b = new SymptomBuilder('latencyAbove', props);
  b.check(
    !METRIC_NAME.test(props.histogram ?? '') || /_(bucket|count|sum)$/.test(props.histogram),
    'histogram',
    props.histogram,
    'is not a histogram base name',
    "give the name without _bucket, e.g. 'http_request_duration_seconds'",
  );
  const selectorText = props.selector ?? '{}';
  const selector = parseSelector(selectorText);
  b.check(
    selector === undefined || selector.metric !== undefined,
    'selector',
    selectorText,
    'is not a set of label matchers',
    `give matchers only, e.g. '{job="api"}'`,
  );
  const quantile = props.quantile ?? 0.95;
  b.check(!(quantile > 0 && quantile < 1), 'quantile', quantile, 'is not strictly between 0 and 1', 'use e.g. 0.95 for p95');
  const ms = props.threshold?.toMilliseconds();
  b.check(!(ms > 0), 'threshold', ms === undefined ? undefined : `${ms}ms`, 'is not a positive duration', 'use e.g. Duration.millis(500)');
  const window = b.window('window', props.window ?? Duration.minutes(5));
  const buckets = formatSelector({ metric: `${props.histogram}_bucket`, matchers: selector?.matchers ?? [] });
  const p = `p${promNumber(quantile * 100)}`;
  return b.build({
    name: 'HighLatency',
    expr: `histogram_quantile(${promNumber(quantile)}, sum by (namespace, job, le) (rate(${buckets}[${window}])))\n> ${promNumber(ms / 1000)}`,
    for: Duration.minutes(10),
    summary: `${props.service}: ${p} latency above ${ms} ms`,
    description: `The ${p} latency of ${props.service} (job {{ $labels.job }}) over the last ${window} is above ${ms} ms: users wait.`,
  });
}
