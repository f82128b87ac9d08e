import { App, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Environment } from '../../../lib/core/environment';
import { Violations } from '../../../lib/core/validation';
import { Probe } from '../../../lib/workload/probe';
import { ServiceSpecProps } from '../../../lib/workload/reliable-service/props';
import { ServiceContext } from '../../../lib/workload/reliable-service/spec';

/** The path every message of these tests starts with. */
export const PATH = 'test/api';

/** An empty collector whose messages name {@link PATH}, as a ReliableService `api` in chart `test` would. */
export function violations(): Violations {
  return new Violations(new Construct(new Construct(new App(), 'test'), 'api'));
}

/** The recorded messages, one per broken rule (without the count header). */
export function messagesOf(v: Violations): string[] {
  try {
    v.throwIfAny();
  } catch (e) {
    return (e as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ''));
  }
  return [];
}

export const CONTEXT: ServiceContext = { system: 'test', component: 'api', namespace: 'test', environment: Environment.PROD };

/** The smallest valid props; rows override what they exercise. */
export function baseProps(overrides: Partial<ServiceSpecProps> = {}): ServiceSpecProps {
  return {
    image: 'registry.example.com/api:1.2.3',
    ports: { http: 8080 },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
    ...overrides,
  };
}
