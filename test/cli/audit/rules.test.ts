import type { KubeJson } from '../../../lib';
import { AUDIT_RULES, runRules } from '../../../cli/audit/rules';
import type { LocatedObject } from '../../../cli/manifests';

const at = (...objects: KubeJson[]): LocatedObject[] => objects.map((object, index) => ({ file: 'm.yaml', index, object }));
const rule = (id: string) => AUDIT_RULES.find((r) => r.id === id)!;
const messages = (id: string, ...objects: KubeJson[]) =>
  rule(id)
    .check(at(...objects))
    .map((f) => `${f.object}: ${f.message}`);

const container = {
  name: 'app',
  image: 'x:1',
  readinessProbe: { httpGet: { path: '/', port: 80 } },
  livenessProbe: { httpGet: { path: '/', port: 80 } },
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
};
const deployment = (name: string, labels: Record<string, string>, spec: KubeJson = {}): KubeJson => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ns' },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container] } }, ...spec },
});
const pdb = (selector: KubeJson): KubeJson => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'pdb', namespace: 'ns' },
  spec: { minAvailable: 1, selector },
});

describe('audit rules', () => {
  test('a complete Deployment with its PDB has no finding', () => {
    expect(runRules(at(deployment('api', { app: 'api' }, { replicas: 2 }), pdb({ matchLabels: { app: 'api' } })))).toEqual([]);
  });

  test.each([
    ['In', { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'web'] }] }, []],
    ['NotIn', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] }, ['selects no pod']],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, []],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, ['selects no pod']],
    ['matchLabels mismatch', { matchLabels: { app: 'web' } }, ['selects no pod']],
  ])('pdb-selects-pods with %s', (_name, selector, expected) => {
    const found = messages('pdb-selects-pods', deployment('api', { app: 'api' }), pdb(selector));
    expect(found.map((m) => (m.includes('selects no pod') ? 'selects no pod' : m))).toEqual(expected);
  });

  test('pdb-for-replicas counts an HPA minimum; one replica needs no PDB', () => {
    const hpa = (min: number): KubeJson => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'ns' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: min, maxReplicas: 5 },
    });
    expect(messages('pdb-for-replicas', deployment('api', { app: 'api' }), hpa(2))).toHaveLength(1);
    expect(messages('pdb-for-replicas', deployment('api', { app: 'api' }), hpa(1))).toEqual([]);
    expect(messages('pdb-for-replicas', deployment('api', { app: 'api' }, { replicas: 1 }))).toEqual([]);
  });

  test('hpa-target-exists: a missing target is an error, a target that sets replicas a warning', () => {
    const hpa: KubeJson = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'ns' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 5 },
    };
    expect(messages('hpa-target-exists', hpa)).toEqual([
      'HorizontalPodAutoscaler ns/api: scaleTargetRef Deployment/api does not exist in the manifests — name an existing workload',
    ]);
    expect(rule('hpa-target-exists').check(at(hpa, deployment('api', { app: 'api' }, { replicas: 3 })))[0].severity).toBe('warning');
    expect(messages('hpa-target-exists', hpa, deployment('api', { app: 'api' }))).toEqual([]);
  });

  test('networkpolicy-selects-pods: CloudNativePG instances count as pods; a policy for nothing does not', () => {
    const policy = (podSelector: KubeJson): KubeJson => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np', namespace: 'ns' },
      spec: { podSelector },
    });
    const cluster: KubeJson = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'ns' }, spec: {} };
    expect(messages('networkpolicy-selects-pods', cluster, policy({ matchLabels: { 'cnpg.io/cluster': 'db' } }))).toEqual([]);
    expect(messages('networkpolicy-selects-pods', cluster, policy({ matchLabels: { app: 'gone' } }))).toEqual([
      'NetworkPolicy ns/np: podSelector {"matchLabels":{"app":"gone"}} selects no pod of the manifests — select the pods it should protect',
    ]);
  });

  test('references-resolved: produced by an ExternalSecret or CloudNativePG, present as a ConfigMap, or optional', () => {
    const reading = (env: KubeJson[], volumes: KubeJson[] = []) =>
      deployment(
        'api',
        { app: 'api' },
        {
          template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ ...container, env }], volumes } },
        },
      );
    const es: KubeJson = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'creds', namespace: 'ns' },
      spec: { target: { name: 'api-creds' } },
    };
    const db: KubeJson = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'ns' }, spec: {} };
    const cm: KubeJson = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'ns' } };
    const env = [
      { name: 'A', valueFrom: { secretKeyRef: { name: 'api-creds', key: 'a' } } },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'db-app', key: 'password' } } },
      { name: 'C', valueFrom: { configMapKeyRef: { name: 'settings', key: 'c' } } },
      { name: 'D', valueFrom: { secretKeyRef: { name: 'maybe', key: 'd', optional: true } } },
    ];
    expect(messages('references-resolved', reading(env), es, db, cm)).toEqual([]);
    expect(messages('references-resolved', reading(env, [{ name: 'v', configMap: { name: 'missing' } }]), es, db)).toEqual([
      'Deployment ns/api: reads ConfigMap ns/settings (template/spec/containers/0/env/2/valueFrom/configMapKeyRef), which nothing in the manifests provides — add the ConfigMap to the manifests, or mark the reference optional',
      'Deployment ns/api: reads ConfigMap ns/missing (template/spec/volumes/0/configMap), which nothing in the manifests provides — add the ConfigMap to the manifests, or mark the reference optional',
    ]);
  });

  test('flux-depends-on: a dependency must exist, in its own or the named namespace', () => {
    const ks = (name: string, dependsOn: KubeJson[] = []): KubeJson => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace: 'flux-system' },
      spec: { dependsOn },
    });
    expect(messages('flux-depends-on', ks('infra'), ks('app', [{ name: 'infra' }]))).toEqual([]);
    expect(messages('flux-depends-on', ks('app', [{ name: 'infra' }, { name: 'db', namespace: 'other' }]))).toEqual([
      'Kustomization flux-system/app: dependsOn infra is no Kustomization of the manifests, so Flux waits for it forever — fix the name or add it',
      'Kustomization flux-system/app: dependsOn other/db is no Kustomization of the manifests, so Flux waits for it forever — fix the name or add it',
    ]);
  });
});
