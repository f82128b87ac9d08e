import { withMonitoringLabels } from '../../lib/delivery/monitoring-labels';
import type { KubeJson } from '../../lib';

const RELEASE = { release: 'kube-prometheus-stack' };
const obj = (apiVersion: string, kind: string, labels?: Record<string, string>) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'shop', labels },
});

test.each<[string, KubeJson, KubeJson]>([
  [
    'ServiceMonitor: label added beside its own',
    obj('monitoring.coreos.com/v1', 'ServiceMonitor', { a: 'b' }),
    obj('monitoring.coreos.com/v1', 'ServiceMonitor', { a: 'b', ...RELEASE }),
  ],
  ['PodMonitor without labels', obj('monitoring.coreos.com/v1', 'PodMonitor'), obj('monitoring.coreos.com/v1', 'PodMonitor', RELEASE)],
  [
    'PrometheusRule with another release: overridden',
    obj('monitoring.coreos.com/v1', 'PrometheusRule', { release: 'old' }),
    obj('monitoring.coreos.com/v1', 'PrometheusRule', RELEASE),
  ],
  [
    'AlertmanagerConfig: not selected by label, unchanged',
    obj('monitoring.coreos.com/v1alpha1', 'AlertmanagerConfig'),
    obj('monitoring.coreos.com/v1alpha1', 'AlertmanagerConfig'),
  ],
  ['a ServiceMonitor of another group: unchanged', obj('example.com/v1', 'ServiceMonitor'), obj('example.com/v1', 'ServiceMonitor')],
  ['Deployment: unchanged', obj('apps/v1', 'Deployment', { a: 'b' }), obj('apps/v1', 'Deployment', { a: 'b' })],
])('%s', (_, input, expected) => {
  expect(withMonitoringLabels(input, RELEASE)).toEqual(expected);
});

test('an object that needs nothing is returned as it is; the input is never mutated', () => {
  const done = obj('monitoring.coreos.com/v1', 'ServiceMonitor', RELEASE);
  expect(withMonitoringLabels(done, RELEASE)).toBe(done);
  const input = obj('monitoring.coreos.com/v1', 'PodMonitor', { a: 'b' });
  withMonitoringLabels(input, RELEASE);
  expect(input.metadata.labels).toEqual({ a: 'b' });
});
