import { Duration, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { EnvValue } from '../../../lib/core/env-value';
import { PostStartHook } from '../../../lib/workload/post-start-hook';
import { PreStopHook } from '../../../lib/workload/pre-stop-hook';
import { Probe } from '../../../lib/workload/probe';
import { renderDeployment, renderSpreadConstraints } from '../../../lib/workload/reliable-service/deployment';
import { ServiceSpecProps } from '../../../lib/workload/reliable-service/props';
import { resolveServiceSpec } from '../../../lib/workload/reliable-service/spec';
import { baseProps, CONTEXT, violations } from './support';

const METADATA = { name: 'test-api', namespace: 'test', labels: { app: 'api' } };
const SELECTOR = { 'app.kubernetes.io/name': 'test-api', 'app.kubernetes.io/instance': 'test-api-prod' };
const LABELS = {
  ...SELECTOR,
  'app.kubernetes.io/component': 'api',
  'app.kubernetes.io/part-of': 'test',
  'app.kubernetes.io/managed-by': 'reliakit',
  'app.kubernetes.io/version': '1.2.3',
  'reliakit.dev/environment': 'prod',
};
const SPREAD = [
  {
    topologyKey: 'topology.kubernetes.io/zone',
    maxSkew: 1,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: SELECTOR },
    matchLabelKeys: ['pod-template-hash'],
  },
  {
    topologyKey: 'kubernetes.io/hostname',
    maxSkew: 1,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: SELECTOR },
    matchLabelKeys: ['pod-template-hash'],
  },
];
const HTTP_TIMING = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 };

/** The Deployment of the smallest valid props, as JSON. */
/** Reliakit's house rules as Polaris exemptions (lib/core/polaris-exemption.ts). */
const HOUSE_EXEMPTIONS = {
  'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
  'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
  'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true',
  'polaris.fairwinds.com/pullPolicyNotAlways-exempt': 'true',
};
const DEFAULT_DEPLOYMENT = {
  metadata: { ...METADATA, annotations: HOUSE_EXEMPTIONS },
  spec: {
    replicas: 2,
    selector: { matchLabels: SELECTOR },
    revisionHistoryLimit: 5,
    progressDeadlineSeconds: 600,
    minReadySeconds: 5,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
    template: {
      metadata: { labels: LABELS },
      spec: {
        serviceAccountName: 'test-api',
        automountServiceAccountToken: false,
        priorityClassName: 'reliakit-service',
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 35,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 65532,
          runAsGroup: 65532,
          fsGroup: 65532,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        topologySpreadConstraints: SPREAD,
        containers: [
          {
            name: 'api',
            image: 'registry.example.com/api:1.2.3',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            readinessProbe: { httpGet: { path: '/readyz', port: 'http', scheme: 'HTTP' }, ...HTTP_TIMING },
            livenessProbe: { httpGet: { path: '/livez', port: 'http', scheme: 'HTTP' }, ...HTTP_TIMING },
            lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
            },
            terminationMessagePolicy: 'FallbackToLogsOnError',
          },
        ],
      },
    },
  },
};

function render(overrides: Partial<ServiceSpecProps>, env?: k8s.EnvVar[]): unknown {
  const spec = resolveServiceSpec(baseProps(overrides), CONTEXT, violations());
  return k8s.toJson_KubeDeploymentProps(renderDeployment(spec, METADATA, env));
}

/** DEFAULT_DEPLOYMENT with `pod` merged into the pod spec and `container` into its one container. */
function withPod(pod: object, container: object = {}, spec: object = {}) {
  const template = DEFAULT_DEPLOYMENT.spec.template;
  return {
    ...DEFAULT_DEPLOYMENT,
    spec: {
      ...DEFAULT_DEPLOYMENT.spec,
      ...spec,
      template: { ...template, spec: { ...template.spec, ...pod, containers: [{ ...template.spec.containers[0], ...container }] } },
    },
  };
}

describe('renderDeployment', () => {
  const rows: Array<[string, Partial<ServiceSpecProps>, k8s.EnvVar[] | undefined, unknown]> = [
    ['defaults', {}, undefined, DEFAULT_DEPLOYMENT],
    [
      'an HPA owns the replica count',
      { autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 70 } },
      undefined,
      (() => {
        const d = withPod({});
        const { replicas: _omitted, ...spec } = d.spec;
        const annotations = { ...HOUSE_EXEMPTIONS, 'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true' };
        return { ...d, metadata: { ...d.metadata, annotations }, spec };
      })(),
    ],
    [
      'rollout, command, args, env and writable directories',
      {
        maxSurge: 1,
        revisionHistoryLimit: 2,
        progressDeadline: Duration.minutes(5),
        minReady: Duration.seconds(10),
        command: ['/app'],
        args: ['--serve'],
        writableDirectories: [{ path: '/tmp' }, { path: '/cache', sizeLimit: Size.gibibytes(1) }],
      },
      [EnvValue.literal('info')._toKube('LOG_LEVEL')],
      withPod(
        {
          volumes: [
            { name: 'writable-0', emptyDir: { sizeLimit: '64Mi' } },
            { name: 'writable-1', emptyDir: { sizeLimit: '1Gi' } },
          ],
        },
        {
          command: ['/app'],
          args: ['--serve'],
          env: [{ name: 'LOG_LEVEL', value: 'info' }],
          volumeMounts: [
            { name: 'writable-0', mountPath: '/tmp' },
            { name: 'writable-1', mountPath: '/cache' },
          ],
        },
        {
          revisionHistoryLimit: 2,
          progressDeadlineSeconds: 300,
          minReadySeconds: 10,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        },
      ),
    ],
    [
      'a gRPC worker without preStop, with postStart, spread off',
      {
        ports: { grpc: 9000 },
        probes: { readiness: Probe.grpc(), liveness: Probe.exec(['/bin/check']) },
        shutdown: { drainTimeout: Duration.seconds(10), preStop: PreStopHook.none() },
        postStart: PostStartHook.exec(['/bin/warm']),
        spread: { zones: false, nodes: false },
      },
      undefined,
      (() => {
        const d = withPod(
          { terminationGracePeriodSeconds: 15 },
          {
            ports: [{ name: 'grpc', containerPort: 9000, protocol: 'TCP' }],
            readinessProbe: { grpc: { port: 9000 }, ...HTTP_TIMING },
            livenessProbe: { exec: { command: ['/bin/check'] }, ...HTTP_TIMING },
            lifecycle: { postStart: { exec: { command: ['/bin/warm'] } } },
          },
        );
        const { topologySpreadConstraints: _omitted, ...pod } = d.spec.template.spec;
        return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: pod } } };
      })(),
    ],
  ];

  test.each(rows)('%s', (_name, overrides, env, expected) => {
    expect(render(overrides, env)).toEqual(expected);
  });
});

describe('renderSpreadConstraints', () => {
  test.each([
    ['zones and nodes', ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'], SPREAD],
    ['nodes only', ['kubernetes.io/hostname'], [SPREAD[1]]],
    ['off', [], undefined],
  ])('%s', (_name, keys, expected) => {
    const rendered = renderSpreadConstraints(keys, SELECTOR);
    expect(rendered?.map((c) => k8s.toJson_TopologySpreadConstraint(c))).toEqual(expected);
  });
});
