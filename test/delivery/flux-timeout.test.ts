import { Duration } from 'cdk8s';
import { kustomizationTimeout, slowestRolloutSeconds, withRolloutTimeout } from '../../lib/delivery/flux-timeout';
import type { KubeJson } from '../../lib';

const deployment = (progressDeadlineSeconds?: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: { progressDeadlineSeconds },
});
const other = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { progressDeadlineSeconds: 99_999 } };

test.each<[string, KubeJson[], number | undefined]>([
  ['no Deployment', [other], undefined],
  ['one Deployment', [deployment(300)], 300],
  ['the longest of several', [deployment(600), deployment(1800), deployment(120)], 1800],
  ["an unset deadline counts as Kubernetes' default, 600 s", [deployment(120), deployment()], 600],
])('slowestRolloutSeconds: %s', (_, objects, expected) => {
  expect(slowestRolloutSeconds(objects)).toBe(expected);
});

test.each<[string, KubeJson[], Duration, number]>([
  ['no Deployment: the floor', [other], Duration.minutes(5), 300],
  ['a 10 min deadline: 12 min', [deployment(600)], Duration.minutes(5), 720],
  ['a 30 min deadline: 32 min', [deployment(1800), deployment(600)], Duration.minutes(5), 1920],
  ['a short deadline: the floor still', [deployment(60)], Duration.minutes(5), 300],
  ['a higher floor wins', [deployment(600)], Duration.minutes(15), 900],
])('kustomizationTimeout: %s', (_, objects, floor, seconds) => {
  expect(kustomizationTimeout(objects, floor).toSeconds()).toBe(seconds);
});

test("withRolloutTimeout sets a Kustomization's timeout from its directory, and leaves other objects alone", () => {
  const k = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'shop' },
    spec: { path: './apps/prod/shop', timeout: '5m', wait: true },
  };
  const byPath = new Map([['apps/prod/shop', [deployment(1800)]]]);
  expect(withRolloutTimeout(k, byPath, Duration.minutes(5))).toEqual({
    ...k,
    spec: { path: './apps/prod/shop', timeout: '32m', wait: true },
  });
  expect(
    withRolloutTimeout({ ...k, spec: { ...k.spec, path: './apps/prod/empty' } }, new Map([['apps/prod/empty', []]]), Duration.minutes(5))
      .spec.timeout,
  ).toBe('5m');
  // A directory it does not know (the infrastructure's) keeps the timeout it was given.
  const infra = { ...k, spec: { ...k.spec, path: './infrastructure/prod/controllers', timeout: '15m' } };
  expect(withRolloutTimeout(infra, byPath, Duration.minutes(5))).toBe(infra);
  const source = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'x' }, spec: {} };
  expect(withRolloutTimeout(source, byPath, Duration.minutes(5))).toBe(source);
});
