import { Duration } from 'cdk8s';
import { Sli } from '../../../lib';
import { sliRates } from '../../../lib/observability/alerting/sli-rates';
import { Violations } from '../../../lib/core/validation';
import { testChart } from '../../support/synth';

/** The rates of `sli` and the messages of its broken rules. */
function resolve(sli: Sli | undefined) {
  const v = new Violations(testChart());
  const rates = sliRates(v, sli);
  let messages: string[] = [];
  try {
    v.throwIfAny();
  } catch (e) {
    messages = (e as Error).message.split('\n').slice(1);
  }
  return { rates, messages };
}

describe('sliRates', () => {
  test.each<[string, Sli | undefined, [string, string] | undefined, string[]]>([
    [
      'requests with an errors counter: a missing errors series reads as zero while requests flow',
      Sli.requests({ total: 'http_requests_total{job="api"}', errors: 'http_requests_total{job="api",code=~"5.."}' }),
      [
        'sum(rate(http_requests_total{job="api",code=~"5.."}[5m]))\nor\n0 * sum(rate(http_requests_total{job="api"}[5m]))',
        'sum(rate(http_requests_total{job="api"}[5m]))',
      ],
      [],
    ],
    [
      'latency on a default bucket',
      Sli.latency({ histogram: 'h_seconds', selector: '{job="api"}', threshold: Duration.millis(250) }),
      [
        'sum(rate(h_seconds_count{job="api"}[5m]))\n-\nsum(rate(h_seconds_bucket{job="api",le="0.25"}[5m]))',
        'sum(rate(h_seconds_count{job="api"}[5m]))',
      ],
      [],
    ],
    [
      'latency on a declared bucket',
      Sli.latency({ histogram: 'h_seconds', threshold: Duration.millis(200), buckets: [Duration.millis(200)] }),
      ['sum(rate(h_seconds_count{}[5m]))\n-\nsum(rate(h_seconds_bucket{le="0.2"}[5m]))', 'sum(rate(h_seconds_count{}[5m]))'],
      [],
    ],
    [
      'no SLI',
      undefined,
      undefined,
      [
        "  - prod/test: 'sli' (undefined) is missing — use Sli.requests({ total, errors }) or Sli.latency({ histogram, selector, threshold })",
      ],
    ],
  ])('%s', (_name, sli, rates, messages) => {
    const out = resolve(sli);
    expect(out.rates && [out.rates[0], out.rates[1]]).toEqual(rates);
    expect(out.messages).toEqual(messages);
  });
});
