import { losesDataWhenPruned, protectFromPrune } from '../../lib/delivery/prune-protection';
import type { KubeJson } from '../../lib';

const PROTECTED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { a: 'b' } } };
const sts = (volumeClaimTemplates?: unknown[]) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'redis', namespace: 'shop' },
  spec: { volumeClaimTemplates },
});

test.each<[string, KubeJson, boolean]>([
  ['Namespace', ns, true],
  ['PersistentVolumeClaim', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' } }, true],
  ['CloudNativePG Cluster', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'shop' } }, true],
  ['StatefulSet with volume claim templates', sts([{ metadata: { name: 'data' } }]), true],
  ['StatefulSet without volume claim templates', sts(), false],
  ['StatefulSet with an empty list of templates', sts([]), false],
  ['a Cluster of another group', { apiVersion: 'example.com/v1', kind: 'Cluster', metadata: { name: 'x' } }, false],
  ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } }, false],
  [
    'ExternalSecret',
    { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'creds', namespace: 'shop' } },
    false,
  ],
])('%s loses data when pruned: %s', (_, object, expected) => {
  expect(losesDataWhenPruned(object)).toBe(expected);
});

test.each<[string, KubeJson, KubeJson]>([
  [
    'adds the annotation, keeping the rest of the metadata',
    ns,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { annotations: PROTECTED, name: 'shop', labels: { a: 'b' } } },
  ],
  [
    'keeps other annotations',
    { ...ns, metadata: { name: 'shop', annotations: { note: 'x' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { annotations: { note: 'x', ...PROTECTED }, name: 'shop' } },
  ],
  [
    'leaves an object that already has it as it is',
    { ...ns, metadata: { name: 'shop', annotations: PROTECTED } },
    { ...ns, metadata: { name: 'shop', annotations: PROTECTED } },
  ],
  ['leaves an object that loses no data as it is', sts(), sts()],
])('protectFromPrune %s', (_, object, expected) => {
  expect(protectFromPrune(object)).toEqual(expected);
});

test('returns the same object when nothing changes, and never mutates its input', () => {
  const plain = sts();
  expect(protectFromPrune(plain)).toBe(plain);
  const input = structuredClone(ns);
  protectFromPrune(input);
  expect(input).toEqual(ns);
});
