import { k8s } from 'cdk8s-plus-28';
import { ServicePorts } from '../../../lib/workload/reliable-service/props';
import { renderService } from '../../../lib/workload/reliable-service/service';

const METADATA = { name: 'test-api', namespace: 'test' };
const SELECTOR = { 'app.kubernetes.io/name': 'test-api' };

describe('renderService', () => {
  test.each<[string, ServicePorts, object | undefined]>([
    ['a worker without ports has none', {}, undefined],
    [
      'HTTP only',
      { http: 8080 },
      {
        metadata: METADATA,
        spec: {
          type: 'ClusterIP',
          selector: SELECTOR,
          ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
        },
      },
    ],
    [
      'every port, in a fixed order, gRPC as h2c',
      { metrics: 9090, grpc: 9000, http: 8080 },
      {
        metadata: METADATA,
        spec: {
          type: 'ClusterIP',
          selector: SELECTOR,
          ports: [
            { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
            { name: 'grpc', port: 9000, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
            { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
          ],
        },
      },
    ],
  ])('%s', (_name, ports, expected) => {
    const rendered = renderService(METADATA, SELECTOR, ports);
    expect(rendered === undefined ? undefined : k8s.toJson_KubeServiceProps(rendered)).toEqual(expected);
  });
});
