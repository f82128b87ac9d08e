import { k8s } from 'cdk8s-plus-28';
import { EnvValue } from '../../../lib/core/env-value';
import { checkEnv, renderEnv } from '../../../lib/workload/reliable-service/env';
import { messagesOf, PATH, violations } from './support';

describe('checkEnv', () => {
  const set = new Map([['LOG_LEVEL', EnvValue.literal('info')]]);
  test.each<[string, string, EnvValue, string[]]>([
    ['a new literal', 'PORT', EnvValue.literal('8080'), []],
    ['a credential from a Secret', 'DB_PASSWORD', EnvValue.fromSecret('db', 'password'), []],
    [
      'a literal credential',
      'API_KEY',
      EnvValue.literal('abc'),
      [
        `${PATH}: 'env.API_KEY' ('<redacted>') looks like a credential but is a literal, which would put a secret in Git — use EnvValue.fromSecret('<secret>', '<key>')`,
      ],
    ],
    [
      'an invalid name',
      '1ST',
      EnvValue.literal('x'),
      [
        `${PATH}: 'env.1ST' ('1ST') is not a valid environment variable name — use letters, digits and underscores, not starting with a digit`,
      ],
    ],
    [
      'a name set twice',
      'LOG_LEVEL',
      EnvValue.literal('debug'),
      [`${PATH}: 'env.LOG_LEVEL' ('LOG_LEVEL') is set twice — set each variable once (a backing service may already set it)`],
    ],
  ])('%s', (_name, name, value, messages) => {
    const v = violations();
    checkEnv(v, set, name, value);
    expect(messagesOf(v)).toEqual(messages);
  });
});

describe('renderEnv', () => {
  test.each<[string, Map<string, EnvValue>, object[] | undefined]>([
    ['none', new Map(), undefined],
    [
      'in insertion order',
      new Map([
        ['LOG_LEVEL', EnvValue.literal('info')],
        ['DB_PASSWORD', EnvValue.fromSecret('db', 'password')],
      ]),
      [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      ],
    ],
  ])('%s', (_name, vars, expected) => {
    expect(renderEnv(vars)?.map((e) => k8s.toJson_EnvVar(e))).toEqual(expected);
  });
});
