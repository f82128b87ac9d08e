import { Manifest } from './synth';
import { polarisAudit, polarisScore } from './polaris';

/** A Deployment that passes every default check; cases break one field. */
const GOOD_POD: Manifest = {
  priorityClassName: 'reliakit-service',
  automountServiceAccountToken: false,
  serviceAccountName: 'api',
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }],
  containers: [
    {
      name: 'api',
      image: 'ghcr.io/acme/api:1.0.0',
      imagePullPolicy: 'Always',
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      readinessProbe: { httpGet: { path: '/readyz', port: 8080 } },
      livenessProbe: { httpGet: { path: '/livez', port: 8080 } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    },
  ],
};
const labels = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };
const deployment = (pod: Manifest = GOOD_POD, annotations?: Record<string, string>): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop', labels, annotations },
  spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: pod } },
});
const PDB: Manifest = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } },
};
const NETPOL: Manifest = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{}],
    egress: [{}],
  },
};
const withContainer = (c: Manifest): Manifest => ({ ...GOOD_POD, containers: [{ ...GOOD_POD.containers[0], ...c }] });
const failed = (objects: Manifest[]): string[] => polarisAudit(objects).failures.map((f) => f.split(':')[0]);

test('a hardened Deployment with its PDB and NetworkPolicy passes every check', () => {
  expect(polarisAudit([deployment(), PDB, NETPOL]).failures).toEqual([]);
});

test.each<[string, Manifest[], string[]]>([
  ['no priorityClassName', [deployment({ ...GOOD_POD, priorityClassName: undefined }), PDB, NETPOL], ['priorityClassNotSet']],
  ['no topology spread', [deployment({ ...GOOD_POD, topologySpreadConstraints: [] }), PDB, NETPOL], ['topologySpreadConstraint']],
  [
    'no CPU limit',
    [deployment(withContainer({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } } })), PDB, NETPOL],
    ['cpuLimitsMissing'],
  ],
  ['no liveness probe', [deployment(withContainer({ livenessProbe: undefined })), PDB, NETPOL], ['livenessProbeMissing']],
  ['IfNotPresent', [deployment(withContainer({ imagePullPolicy: 'IfNotPresent' })), PDB, NETPOL], ['pullPolicyNotAlways']],
  ['latest tag', [deployment(withContainer({ image: 'acme/api:latest' })), PDB, NETPOL], ['tagNotSpecified']],
  [
    'writable root',
    [deployment(withContainer({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } })), PDB, NETPOL],
    ['notReadOnlyRootFilesystem'],
  ],
  [
    'token automounted',
    [deployment({ ...GOOD_POD, automountServiceAccountToken: undefined }), PDB, NETPOL],
    ['automountServiceAccountToken'],
  ],
  ['no PDB', [deployment(), NETPOL], ['missingPodDisruptionBudget']],
  [
    'two-label NetworkPolicy selector',
    [deployment(), PDB, { ...NETPOL, spec: { ...NETPOL.spec, podSelector: { matchLabels: labels } } }],
    ['missingNetworkPolicy'],
  ],
  ['one replica', [{ ...deployment(), spec: { ...deployment().spec, replicas: 1 } }, PDB, NETPOL], ['deploymentMissingReplicas']],
  [
    'instance label ≠ name',
    [{ ...deployment(), metadata: { ...deployment().metadata, labels: { 'app.kubernetes.io/instance': 'api-prod' } } }, PDB, NETPOL],
    ['metadataAndInstanceMismatched'],
  ],
  [
    'secret in env',
    [deployment(withContainer({ env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] })), PDB, NETPOL],
    ['sensitiveContainerEnvVar'],
  ],
  [
    'HPA min 1',
    [
      deployment(),
      PDB,
      NETPOL,
      { kind: 'HorizontalPodAutoscaler', metadata: { name: 'api', namespace: 'shop' }, spec: { minReplicas: 1, maxReplicas: 3 } },
    ],
    ['hpaMinAvailability'],
  ],
  ['PDB allows no eviction', [deployment(), { ...PDB, spec: { ...PDB.spec, maxUnavailable: 0 } }, NETPOL], ['pdbDisruptionsIsZero']],
  [
    'Role allows exec',
    [
      {
        kind: 'Role',
        metadata: { name: 'x', namespace: 'shop' },
        rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }],
      },
    ],
    ['rolePodExecAttach'],
  ],
  [
    'ConfigMap with a token key',
    [{ kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: { API_TOKEN: 'x' } }],
    ['sensitiveConfigmapContent'],
  ],
  ['Ingress without TLS', [{ kind: 'Ingress', metadata: { name: 'i', namespace: 'shop' }, spec: { rules: [] } }], ['tlsSettingsMissing']],
])('%s fails exactly its check', (_, objects, expected) => {
  expect(failed(objects)).toEqual(expected);
});

test('a CronJob is not asked for probes or topology spread', () => {
  const cron: Manifest = {
    kind: 'CronJob',
    metadata: { name: 'api', namespace: 'shop', labels },
    spec: {
      jobTemplate: {
        spec: {
          template: {
            metadata: { labels },
            spec: {
              ...GOOD_POD,
              topologySpreadConstraints: undefined,
              containers: [{ ...GOOD_POD.containers[0], livenessProbe: undefined, readinessProbe: undefined }],
            },
          },
        },
      },
    },
  };
  expect(failed([cron, NETPOL])).toEqual([]);
});

test('the per-check and the global exemption annotations skip checks; other values do not', () => {
  const pod = { ...GOOD_POD, priorityClassName: undefined };
  const exempt = polarisAudit([deployment(pod, { 'polaris.fairwinds.com/priorityClassNotSet-exempt': 'true' }), PDB, NETPOL]);
  expect(exempt.failures).toEqual([]);
  expect(exempt.exempted).toEqual(['priorityClassNotSet: Deployment shop/api']);
  expect(failed([deployment(pod, { 'polaris.fairwinds.com/priorityClassNotSet-exempt': 'no' }), PDB, NETPOL])).toEqual([
    'priorityClassNotSet',
  ]);
  expect(
    polarisAudit([deployment(pod, { 'polaris.fairwinds.com/exempt': 'TRUE' }), PDB, NETPOL]).results.filter((r) =>
      r.target.startsWith('Deployment'),
    ),
  ).toEqual([]);
});

test('a Pooler is audited as the Deployment CNPG makes of it', () => {
  const pooler: Manifest = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Pooler',
    metadata: { name: 'db-pooler-rw', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'db-pooler-rw' } },
    spec: {
      instances: 2,
      template: {
        spec: {
          containers: [
            {
              name: 'pgbouncer',
              image: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.2',
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
            },
          ],
        },
      },
    },
  };
  // CNPG adds the security contexts and the readiness probe; the rest is the template's.
  expect(failed([pooler]).sort()).toEqual(
    [
      'automountServiceAccountToken',
      'cpuLimitsMissing',
      'livenessProbeMissing',
      'missingNetworkPolicy',
      'missingPodDisruptionBudget',
      'priorityClassNotSet',
      'pullPolicyNotAlways',
      'topologySpreadConstraint',
    ].sort(),
  );
});

test.each([
  [0, 0, 0, 100],
  [10, 0, 0, 100],
  [8, 2, 0, 88],
  [8, 0, 2, 80],
  [339, 66, 0, 91],
])('score of %i passed, %i warnings, %i dangers is %i', (s, w, d, score) => {
  expect(polarisScore(s, w, d)).toBe(score);
});
