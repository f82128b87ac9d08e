import { Duration } from 'cdk8s';
import { Severity } from '../../../../lib/observability/alerting/alert-rule';
import { errorRatio, ErrorRatioProps, latencyAbove, LatencyProps } from '../../../../lib/observability/alerting/symptoms/requests';
import { BASE, fieldsOf, RuleFields } from './fixture';

describe('errorRatio', () => {
  test.each<[string, ErrorRatioProps, RuleFields]>([
    [
      'defaults: 5xx of the requests, 1% over 5m',
      { ...BASE, requests: 'http_requests_total{job="homepage-api"}' },
      {
        name: 'HighErrorRate',
        expr: 'sum by (namespace, job) (rate(http_requests_total{job="homepage-api",code=~"5.."}[5m]))\n/\nsum by (namespace, job) (rate(http_requests_total{job="homepage-api"}[5m]))\n> 0.01',
        for: Duration.minutes(5),
        severity: Severity.TICKET,
        summary: 'homepage-api: more than 1% of requests fail',
        description: 'More than 1% of the requests of homepage-api (job {{ $labels.job }}) failed over the last 5m: users see errors.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'an own error counter, share and window',
      { ...BASE, requests: 'rpc_total{job="x"}', errors: 'rpc_errors_total{job="x"}', maxPercent: 0.5, window: Duration.minutes(10) },
      {
        name: 'HighErrorRate',
        expr: 'sum by (namespace, job) (rate(rpc_errors_total{job="x"}[10m]))\n/\nsum by (namespace, job) (rate(rpc_total{job="x"}[10m]))\n> 0.005',
        for: Duration.minutes(5),
        severity: Severity.TICKET,
        summary: 'homepage-api: more than 0.5% of requests fail',
        description: 'More than 0.5% of the requests of homepage-api (job {{ $labels.job }}) failed over the last 10m: users see errors.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'matchers with a regex, team and hold time from the props',
      {
        ...BASE,
        requests: 'http_requests_total{namespace="shop",handler=~"/api/.*"}',
        maxPercent: 5,
        team: 'shop',
        for: Duration.minutes(15),
      },
      {
        name: 'HighErrorRate',
        expr: 'sum by (namespace, job) (rate(http_requests_total{namespace="shop",handler=~"/api/.*",code=~"5.."}[5m]))\n/\nsum by (namespace, job) (rate(http_requests_total{namespace="shop",handler=~"/api/.*"}[5m]))\n> 0.05',
        for: Duration.minutes(15),
        severity: Severity.TICKET,
        summary: 'homepage-api: more than 5% of requests fail',
        description: 'More than 5% of the requests of homepage-api (job {{ $labels.job }}) failed over the last 5m: users see errors.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api', team: 'shop' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(errorRatio(props))).toEqual(expected);
  });
});

describe('latencyAbove', () => {
  test.each<[string, LatencyProps, RuleFields]>([
    [
      'defaults: p95 over 5m, no matchers',
      { ...BASE, histogram: 'http_request_duration_seconds', threshold: Duration.millis(500) },
      {
        name: 'HighLatency',
        expr: 'histogram_quantile(0.95, sum by (namespace, job, le) (rate(http_request_duration_seconds_bucket{}[5m])))\n> 0.5',
        for: Duration.minutes(10),
        severity: Severity.TICKET,
        summary: 'homepage-api: p95 latency above 500 ms',
        description: 'The p95 latency of homepage-api (job {{ $labels.job }}) over the last 5m is above 500 ms: users wait.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'matchers, p99.9, an own window',
      {
        ...BASE,
        histogram: 'http_request_duration_seconds',
        selector: '{job="homepage-api"}',
        quantile: 0.999,
        threshold: Duration.millis(250),
        window: Duration.minutes(10),
      },
      {
        name: 'HighLatency',
        expr: 'histogram_quantile(0.999, sum by (namespace, job, le) (rate(http_request_duration_seconds_bucket{job="homepage-api"}[10m])))\n> 0.25',
        for: Duration.minutes(10),
        severity: Severity.TICKET,
        summary: 'homepage-api: p99.9 latency above 250 ms',
        description: 'The p99.9 latency of homepage-api (job {{ $labels.job }}) over the last 10m is above 250 ms: users wait.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(latencyAbove(props))).toEqual(expected);
  });
});
