import { k8s } from 'cdk8s-plus-28';
import { PortName } from '../probe';
import { declaredPorts } from './ports';
import { ServicePorts } from './props';

const APP_PROTOCOL: Record<PortName, string> = { http: 'http', grpc: 'kubernetes.io/h2c', metrics: 'http' };

/** The ClusterIP Service exposing every declared port by name; undefined for a service without ports (a worker). */
export function renderService(
  metadata: k8s.ObjectMeta,
  selector: Readonly<Record<string, string>>,
  ports: ServicePorts,
): k8s.KubeServiceProps | undefined {
  const declared = declaredPorts(ports);
  if (declared.length === 0) return undefined;
  return {
    metadata,
    spec: {
      type: 'ClusterIP',
      selector: { ...selector },
      ports: declared.map(([name, port]) => ({
        name,
        port,
        targetPort: k8s.IntOrString.fromString(name),
        protocol: 'TCP',
        appProtocol: APP_PROTOCOL[name],
      })),
    },
  };
}
