import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { Violations } from '../../../lib/core/validation';
import { Violation } from '../../../lib/gateway/traefik-gateway/rules';

/** The messages a TraefikGateway `gateway` in chart `test` reports for `violations`, in order. */
export function messagesOf(violations: readonly Violation[]): string[] {
  const v = new Violations(new Construct(new Construct(new App(), 'test'), 'gateway'));
  for (const x of violations) v.add(x.prop, x.value, x.problem, x.fix);
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
