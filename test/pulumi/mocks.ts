/**
 * Pulumi mocks for one test file: import this module before the program, so `setMocks` is in
 * place before any resource exists. Jest gives each test file its own module registry, so the
 * recorder and Pulumi's runtime state never leak between files.
 */
import * as pulumi from '@pulumi/pulumi';
import type { KubeJson } from '../../lib';

/** One resource registration as the engine would receive it. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: KubeJson;
  /** Provider reference (`urn::id`) of a custom resource, when one was given. */
  readonly provider?: string;
  /** The id the mock answered with. */
  readonly id: string;
  /** The state the mock answered with. */
  readonly state: KubeJson;
}

/** Every registration so far, in order. */
export const registrations: Registration[] = [];

export const MOCK_ACCOUNT = '123456789012';

/** Outputs the real providers would compute, derived from the inputs. */
function mockState(type: string, name: string, inputs: KubeJson): { id: string; state: KubeJson } {
  switch (type) {
    case 'aws:s3/bucket:Bucket':
      return { id: inputs.bucket, state: { ...inputs, arn: `arn:aws:s3:::${inputs.bucket}` } };
    case 'aws:kms/key:Key':
      return {
        id: `key-${name}`,
        state: { ...inputs, keyId: `key-${name}`, arn: `arn:aws:kms:eu-central-1:${MOCK_ACCOUNT}:key/key-${name}` },
      };
    case 'aws:iam/user:User':
      return { id: inputs.name, state: { ...inputs, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user${inputs.path ?? '/'}${inputs.name}` } };
    case 'aws:iam/accessKey:AccessKey':
      return { id: `AKIA-${name}`, state: { ...inputs, secret: `secret-of-${name}` } };
    default:
      return { id: `${name}-id`, state: inputs };
  }
}

void pulumi.runtime.setMocks(
  {
    newResource(args) {
      const { id, state } = mockState(args.type, args.name, args.inputs);
      registrations.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, id, state });
      return { id, state };
    },
    call(args) {
      throw new Error(`unexpected invoke ${args.token}: the program must not call providers at plan time`);
    },
  },
  'reliakit',
  'test',
  false,
);

/** The value of an Output (under mocks every output resolves). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Waits until no registration has arrived for a few timer ticks. */
export async function settle(): Promise<void> {
  let quietTicks = 0;
  let seen = -1;
  while (quietTicks < 3) {
    await new Promise((r) => setTimeout(r, 5));
    if (registrations.length === seen) quietTicks++;
    else {
      quietTicks = 0;
      seen = registrations.length;
    }
  }
}

/** The registrations of `type`. */
export function ofType(type: string): Registration[] {
  return registrations.filter((r) => r.type === type);
}

/** The one registration of `type` named `name`. */
export function registered(type: string, name: string): Registration {
  const found = registrations.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} '${name}', found ${found.length} among ${
        ofType(type)
          .map((r) => r.name)
          .join(', ') || 'none'
      }`,
    );
  }
  return found[0];
}

/** The registrations whose payload is secret-wrapped (Pulumi's secret signature). */
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export function isSecretValue(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)['4dabf18193072939515e22adb298388d'] === SECRET_SIG;
}

/** A ConfigSource over a plain map. */
export function configOf(values: Record<string, unknown>): (key: string) => string | undefined {
  return (key) => {
    const v = values[key];
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
}
