import { Duration } from 'cdk8s';
import { toJson_ServiceMonitorProps } from '../../../imports/prometheus-servicemonitor-monitoring.coreos.com';
import { renderServiceMonitor, ResolvedMonitoring, resolveMonitoring } from '../../../lib/workload/reliable-service/monitoring';
import { MonitoringProps, ServicePorts } from '../../../lib/workload/reliable-service/props';
import { messagesOf, PATH, violations } from './support';

const DEFAULTS: ResolvedMonitoring = {
  port: 'metrics',
  path: '/metrics',
  interval: Duration.seconds(30),
  scrapeTimeout: Duration.seconds(10),
  prometheusNamespace: 'monitoring',
};

describe('resolveMonitoring', () => {
  test.each<[string, MonitoringProps | undefined, ServicePorts, ResolvedMonitoring | undefined, string[]]>([
    ['none without a metrics port or props', undefined, { http: 8080 }, undefined, []],
    ['the metrics port by default', undefined, { http: 8080, metrics: 9090 }, DEFAULTS, []],
    ['asked for on the http port', {}, { http: 8080 }, { ...DEFAULTS, port: 'http' }, []],
    [
      'everything given',
      {
        port: 'http',
        path: '/stats',
        interval: Duration.minutes(1),
        scrapeTimeout: Duration.seconds(20),
        prometheusNamespace: 'observability',
      },
      { http: 8080, metrics: 9090 },
      {
        port: 'http',
        path: '/stats',
        interval: Duration.minutes(1),
        scrapeTimeout: Duration.seconds(20),
        prometheusNamespace: 'observability',
      },
      [],
    ],
    [
      'a relative path and a timeout over the interval',
      { path: 'metrics', interval: Duration.seconds(15), scrapeTimeout: Duration.seconds(20) },
      { metrics: 9090 },
      { ...DEFAULTS, path: 'metrics', interval: Duration.seconds(15), scrapeTimeout: Duration.seconds(20) },
      [
        `${PATH}: 'monitoring.scrapeTimeout' ('20s') is longer than monitoring.interval (15s), so scrapes overlap — lower scrapeTimeout to at most the interval`,
        `${PATH}: 'monitoring.path' ('metrics') is not an absolute URL path — start it with '/', e.g. '/metrics'`,
      ],
    ],
  ])('%s', (_name, props, ports, expected, messages) => {
    const v = violations();
    expect(resolveMonitoring(v, props, ports)).toEqual(expected);
    expect(messagesOf(v)).toEqual(messages);
  });
});

test('renderServiceMonitor: the Service in its own namespace, one endpoint', () => {
  const metadata = { name: 'test-api', namespace: 'test' };
  const selector = { 'app.kubernetes.io/name': 'test-api' };
  expect(toJson_ServiceMonitorProps(renderServiceMonitor(metadata, selector, 'test', DEFAULTS))).toEqual({
    metadata,
    spec: {
      selector: { matchLabels: selector },
      namespaceSelector: { matchNames: ['test'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
    },
  });
});
