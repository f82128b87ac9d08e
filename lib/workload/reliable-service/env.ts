import { k8s } from 'cdk8s-plus-28';
import { EnvValue } from '../../core/env-value';
import { Violations } from '../../core/validation';

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Records what is wrong with adding `name` to the variables already `set`. */
export function checkEnv(v: Violations, set: ReadonlyMap<string, EnvValue>, name: string, value: EnvValue): void {
  v.check(
    !ENV_NAME.test(name),
    `env.${name}`,
    name,
    'is not a valid environment variable name',
    'use letters, digits and underscores, not starting with a digit',
  );
  v.check(
    value.isLiteral && SECRET_NAME.test(name),
    `env.${name}`,
    '<redacted>',
    'looks like a credential but is a literal, which would put a secret in Git',
    `use EnvValue.fromSecret('<secret>', '<key>')`,
  );
  v.check(set.has(name), `env.${name}`, name, 'is set twice', 'set each variable once (a backing service may already set it)');
}

/** The container's `env`, in insertion order; undefined when there is none. */
export function renderEnv(vars: ReadonlyMap<string, EnvValue>): k8s.EnvVar[] | undefined {
  return vars.size > 0 ? [...vars].map(([name, value]) => value._toKube(name)) : undefined;
}
