import { formatSelector, parseSelector, vectorSelectors } from '../../lib/observability/promql';

describe('vectorSelectors', () => {
  test.each([
    ['a plain selector', 'up{job="a"}', ['up{job="a"}']],
    [
      'inside a range, a function and an aggregation',
      'sum by (code) (rate(http_requests_total{job="a",code=~"5.."}[5m]))',
      ['http_requests_total{job="a",code=~"5.."}'],
    ],
    [
      'both sides of a binary expression, with offset and subquery',
      'max_over_time(up{job="a"}[1h:5m]) / on() up{job!="b"} offset 5m',
      ['up{job="a"}', 'up{job!="b"}'],
    ],
    ['quoted names (Prometheus 3)', '{"my.metric", "k.v"="x"}', ['my.metric{k.v="x"}']],
    ['a metric-less selector', '{job="a"}', ['{job="a"}']],
    ['a bare metric', 'vector(1) + up', ['up{}']],
    ['nothing when it does not parse', 'sum(up{job="a"}', []],
  ])('%s', (_, expr, expected) => {
    expect(vectorSelectors(expr).map(formatSelector)).toEqual(expected);
  });

  test('parseSelector still rejects quoted names and whole expressions', () => {
    expect(parseSelector('{"k.v"="x"}')).toBeUndefined();
    expect(parseSelector('sum(up)')).toBeUndefined();
    expect(parseSelector('up{job="a"}')).toEqual({ metric: 'up', matchers: [{ name: 'job', op: '=', value: 'a' }] });
  });
});
