import { Violations } from '../../core/validation';
import { PortName } from '../probe';
import { ServicePorts } from './props';

const PORT_ORDER: readonly PortName[] = ['http', 'grpc', 'metrics'];

export function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** The declared ports as `[name, number]`, in a fixed order. */
export function declaredPorts(ports: ServicePorts): Array<[PortName, number]> {
  return PORT_ORDER.filter((name) => ports[name] !== undefined).map((name) => [name, ports[name] as number]);
}

/** The declared ports as messages quote them: `http=8080, metrics=9090`, or `none`. */
export function declaredPortList(ports: ServicePorts): string {
  const list = declaredPorts(ports).map(([n, p]) => `${n}=${p}`);
  return list.length > 0 ? list.join(', ') : 'none';
}

export function checkPorts(v: Violations, ports: ServicePorts): void {
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    if (port === undefined) continue;
    if (v.check(!validPort(port), `ports.${name}`, port, 'is not a port number (1–65535)', 'use the port the process listens on')) continue;
    v.check(seen.has(port), `ports.${name}`, port, `is also used by ports.${seen.get(port)}`, 'give each named port its own number');
    seen.set(port, name);
  }
}

/** Records `prop` when it names a port the service does not declare. */
export function checkPortDeclared(v: Violations, ports: ServicePorts, prop: string, port: PortName): void {
  if (ports[port] !== undefined) return;
  v.add(prop, port, `is not a declared port (declared: ${declaredPortList(ports)})`, `declare ports.${port} or use a declared port`);
}
