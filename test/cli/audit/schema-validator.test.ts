import { SchemaValidator, SchemaViolation, formatViolations } from '../../../cli/audit/schema-validator';
import type { KubeJson } from '../../../lib';

// One instance for the whole file: each kind below is compiled once and then reused.
const validator = SchemaValidator.load();

type Manifest = KubeJson;

function deployment(): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'homepage-api', namespace: 'homepage', labels: { 'app.kubernetes.io/name': 'homepage-api' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'homepage-api' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'homepage-api' } },
        spec: {
          serviceAccountName: 'homepage-api',
          containers: [
            {
              name: 'api',
              image: 'ghcr.io/example/homepage-api:1.2.3',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
}

function withMemoryRequest(memory: unknown): Manifest {
  const d = deployment();
  d.spec.template.spec.containers[0].resources.requests.memory = memory;
  return d;
}

function paths(violations: readonly SchemaViolation[]): string[] {
  return violations.map((v) => v.path);
}

describe('SchemaValidator: Kubernetes kinds', () => {
  test('load() is a cached singleton', () => {
    expect(SchemaValidator.load()).toBe(validator);
    expect(SchemaValidator.load({ kubernetesVersion: '1.28.0' })).toBe(validator);
  });

  test('a valid apps/v1 Deployment passes and is not modified', () => {
    const d = deployment();
    const before = JSON.stringify(d);
    expect(validator.validate(d)).toEqual([]);
    expect(JSON.stringify(d)).toBe(before);
  });

  test('an unknown field in spec is rejected, naming the field', () => {
    const d = deployment();
    d.spec.replica = 2;
    const violations = validator.validate(d);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toEqual({
      object: 'apps/v1 Deployment homepage/homepage-api',
      path: '/spec/replica',
      message: expect.stringContaining('"replica"'),
    });
  });

  test('a typo in metadata is rejected', () => {
    const d = deployment();
    d.metadata.lables = { team: 'web' };
    expect(paths(validator.validate(d))).toEqual(['/metadata/lables']);
  });

  test('an unknown field deep in the pod template is rejected with its JSON pointer', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(paths(validator.validate(d))).toEqual(['/spec/template/spec/containers/0/imagePullPolcy']);
  });

  test('a wrong type is rejected', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    const violations = validator.validate(d);
    expect(paths(violations)).toEqual(['/spec/replicas']);
    expect(violations[0].message).toMatch(/must be integer/);
  });

  test('memory 256MB is a bad quantity, 256Mi is fine', () => {
    expect(validator.validate(withMemoryRequest('256Mi'))).toEqual([]);
    const violations = validator.validate(withMemoryRequest('256MB'));
    expect(violations).toEqual([
      {
        object: 'apps/v1 Deployment homepage/homepage-api',
        path: '/spec/template/spec/containers/0/resources/requests/memory',
        message: expect.stringMatching(/"256MB" is not a valid Kubernetes quantity/),
      },
    ]);
  });

  test.each(['100m', '256Mi', '1.5', '1e3', '10Gi', '2', '.5', '1E', '+1k', 1, 0.5])('quantity %p is accepted', (q) => {
    expect(validator.validate(withMemoryRequest(q))).toEqual([]);
  });

  test.each(['256MB', '1.5.0', 'abc', '', '1e1.5', '10 Gi', 'Mi'])('quantity %p is rejected', (q) => {
    expect(paths(validator.validate(withMemoryRequest(q)))).toEqual(['/spec/template/spec/containers/0/resources/requests/memory']);
  });

  test('IntOrString accepts a name or a number but nothing else', () => {
    const service = (targetPort: unknown): Manifest => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ port: 80, targetPort }] },
    });
    expect(validator.validate(service('http'))).toEqual([]);
    expect(validator.validate(service(8080))).toEqual([]);
    expect(paths(validator.validate(service(true)))).toEqual(['/spec/ports/0/targetPort']);
    expect(paths(validator.validate(service(80.5)))).toEqual(['/spec/ports/0/targetPort']);
  });

  test('Secret data must be base64', () => {
    const secret = (value: string): Manifest => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { key: value } });
    expect(validator.validate(secret('aGVsbG8='))).toEqual([]);
    expect(paths(validator.validate(secret('not base64!')))).toEqual(['/data/key']);
  });

  const validCoreObjects: Array<[string, Manifest]> = [
    [
      'policy/v1 PodDisruptionBudget',
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'homepage-api', namespace: 'homepage' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'homepage-api' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      },
    ],
    [
      'autoscaling/v2 HorizontalPodAutoscaler',
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'homepage-api', namespace: 'homepage' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'homepage-api' },
          minReplicas: 2,
          maxReplicas: 10,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
          behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
        },
      },
    ],
    [
      'networking.k8s.io/v1 NetworkPolicy',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'homepage-api', namespace: 'homepage' },
        spec: {
          podSelector: { matchLabels: { app: 'homepage-api' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
              ports: [{ protocol: 'TCP', port: 'http' }],
            },
          ],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 5432 }] }],
        },
      },
    ],
    [
      'v1 Service',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'homepage-api', namespace: 'homepage' },
        spec: {
          type: 'ClusterIP',
          selector: { app: 'homepage-api' },
          ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
        },
      },
    ],
    [
      'v1 ServiceAccount',
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'homepage-api', namespace: 'homepage' },
        automountServiceAccountToken: false,
      },
    ],
    [
      'v1 Namespace',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'homepage', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      },
    ],
  ];

  test.each(validCoreObjects)('a valid %s passes', (_name, obj) => {
    expect(validator.validate(obj)).toEqual([]);
  });

  test('a PodDisruptionBudget with a misspelled field fails', () => {
    const pdb = { ...validCoreObjects[0][1], spec: { minAvailable: 1, selectr: {} } };
    expect(paths(validator.validate(pdb))).toEqual(['/spec/selectr']);
  });
});

describe('SchemaValidator: custom resources', () => {
  function serviceMonitor(): Manifest {
    return {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'homepage-api', namespace: 'homepage', labels: { release: 'prometheus' } },
      spec: {
        selector: { matchLabels: { app: 'homepage-api' } },
        endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      },
    };
  }

  test('a valid ServiceMonitor passes', () => {
    expect(validator.validate(serviceMonitor())).toEqual([]);
  });

  test('a misspelled ServiceMonitor endpoint field fails', () => {
    const sm = serviceMonitor();
    sm.spec.endpoints[0].intervall = '30s';
    const violations = validator.validate(sm);
    expect(paths(violations)).toEqual(['/spec/endpoints/0/intervall']);
    expect(violations[0].object).toBe('monitoring.coreos.com/v1 ServiceMonitor homepage/homepage-api');
  });

  test('ServiceMonitor metadata is checked against ObjectMeta', () => {
    const sm = serviceMonitor();
    sm.metadata.lables = { release: 'prometheus' };
    expect(paths(validator.validate(sm))).toEqual(['/metadata/lables']);
    const badLabels = serviceMonitor();
    badLabels.metadata.labels = { release: 3 };
    expect(paths(validator.validate(badLabels))).toEqual(['/metadata/labels/release']);
  });

  test('a CRD pattern is enforced (ServiceMonitor interval)', () => {
    const sm = serviceMonitor();
    sm.spec.endpoints[0].interval = '30 seconds';
    expect(paths(validator.validate(sm))).toEqual(['/spec/endpoints/0/interval']);
  });

  test('Go (?i) patterns work: PrometheusRule partial_response_strategy is case-insensitive', () => {
    const rule = (strategy: string): Manifest => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'slo', namespace: 'homepage' },
      spec: { groups: [{ name: 'slo', partial_response_strategy: strategy, rules: [{ alert: 'High', expr: 'up == 0', for: '5m' }] }] },
    });
    expect(validator.validate(rule('ABORT'))).toEqual([]);
    expect(validator.validate(rule('warn'))).toEqual([]);
    expect(paths(validator.validate(rule('maybe')))).toEqual(['/spec/groups/0/partial_response_strategy']);
  });

  const kustomization: Manifest = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'homepage', namespace: 'flux-system' },
    spec: {
      interval: '10m',
      retryInterval: '1m',
      path: './deploy/homepage',
      prune: true,
      wait: true,
      timeout: '5m',
      sourceRef: { kind: 'GitRepository', name: 'platform' },
      targetNamespace: 'homepage',
    },
  };

  const gitRepository: Manifest = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'platform', namespace: 'flux-system' },
    spec: { interval: '1m', url: 'https://github.com/example/platform', ref: { branch: 'main' }, secretRef: { name: 'git-auth' } },
  };

  test('a valid Flux Kustomization passes', () => {
    expect(validator.validate(kustomization)).toEqual([]);
  });

  test('a Flux Kustomization without sourceRef.kind or prune fails', () => {
    const broken = { ...kustomization, spec: { ...kustomization.spec, prune: undefined, sourceRef: { name: 'platform' } } };
    delete broken.spec.prune;
    const violations = validator.validate(broken);
    expect(violations.map((v) => `${v.path} ${v.message}`).sort()).toEqual([
      '/spec missing required field "prune"',
      '/spec/sourceRef missing required field "kind"',
    ]);
  });

  test('a CRD enum is enforced (Kustomization sourceRef.kind)', () => {
    const broken = { ...kustomization, spec: { ...kustomization.spec, sourceRef: { kind: 'HelmRepository', name: 'platform' } } };
    const violations = validator.validate(broken);
    expect(paths(violations)).toEqual(['/spec/sourceRef/kind']);
    expect(violations[0].message).toMatch(/"HelmRepository" is not one of/);
  });

  test('a valid Flux GitRepository passes', () => {
    expect(validator.validate(gitRepository)).toEqual([]);
  });

  test('a minimal CloudNativePG Cluster passes, an unknown field fails', () => {
    const cluster: Manifest = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'homepage-db', namespace: 'homepage' },
      spec: { instances: 3, storage: { size: '10Gi' } },
    };
    expect(validator.validate(cluster)).toEqual([]);
    expect(paths(validator.validate({ ...cluster, spec: { ...cluster.spec, instance: 3 } }))).toEqual(['/spec/instance']);
  });

  test('a Traefik Middleware passes, an unknown field fails', () => {
    const middleware: Manifest = {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { name: 'strip-api', namespace: 'homepage' },
      spec: { stripPrefix: { prefixes: ['/api'] } },
    };
    expect(validator.validate(middleware)).toEqual([]);
    const broken = { ...middleware, spec: { stripPrefix: { prefixes: ['/api'], forceSlashes: true } } };
    expect(paths(validator.validate(broken))).toEqual(['/spec/stripPrefix/forceSlashes']);
  });
});

describe('SchemaValidator: missing schemas and malformed input', () => {
  test('an unknown kind is a violation, never silently accepted', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
    expect(validator.validate(widget)).toEqual([
      {
        object: 'example.com/v1 Widget w',
        path: '',
        message: expect.stringContaining('no schema for apiVersion "example.com/v1" kind "Widget"'),
      },
    ]);
  });

  test('hasSchemaFor knows core kinds, served CRD versions and nothing else', () => {
    expect(validator.hasSchemaFor('apps/v1', 'Deployment')).toBe(true);
    expect(validator.hasSchemaFor('monitoring.coreos.com/v1', 'ServiceMonitor')).toBe(true);
    expect(validator.hasSchemaFor('example.com/v1', 'Widget')).toBe(false);
    // Wrong group version for a real kind.
    expect(validator.hasSchemaFor('apps/v1beta1', 'Deployment')).toBe(false);
    // Present in the CRD file but `served: false`.
    expect(validator.hasSchemaFor('external-secrets.io/v1beta1', 'ExternalSecret')).toBe(false);
    expect(validator.hasSchemaFor('external-secrets.io/v1', 'ExternalSecret')).toBe(true);
  });

  test.each([
    ['null', null],
    ['a string', 'kind: Deployment'],
    ['an array', [deployment()]],
  ])('%s is a violation', (_name, input) => {
    const violations = validator.validate(input);
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toMatch(/expected a Kubernetes object/);
  });

  test('apiVersion, kind and metadata.name are required', () => {
    const { apiVersion: _a, ...noApiVersion } = deployment();
    expect(validator.validate(noApiVersion)).toEqual([expect.objectContaining({ path: '/apiVersion' })]);
    const { kind: _k, ...noKind } = deployment();
    expect(validator.validate(noKind)).toEqual([expect.objectContaining({ path: '/kind' })]);
    const noName = deployment();
    delete noName.metadata.name;
    expect(validator.validate(noName)).toEqual([expect.objectContaining({ path: '/metadata', message: 'missing required field "name"' })]);
    const { metadata: _m, ...noMetadata } = deployment();
    expect(validator.validate(noMetadata)).toEqual([expect.objectContaining({ path: '', message: 'missing required field "metadata"' })]);
  });

  test('validateAll collects violations of every object, and formatViolations prints one per line', () => {
    const good = deployment();
    const typo = deployment();
    typo.spec.replica = 1;
    const unnamed = { apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { a: 'b' } };
    const violations = validator.validateAll([good, typo, unnamed]);
    expect(violations.map((v) => v.object)).toEqual(['apps/v1 Deployment homepage/homepage-api', 'v1 ConfigMap <unnamed #2>']);
    expect(formatViolations(violations).split('\n')).toEqual([
      'apps/v1 Deployment homepage/homepage-api: /spec/replica: unknown field "replica"',
      'v1 ConfigMap <unnamed #2>: /metadata: missing required field "name"',
    ]);
    expect(validator.validateAll([good, good])).toEqual([]);
    expect(formatViolations([])).toBe('');
  });
});
