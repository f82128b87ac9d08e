import { Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s } from 'cdk8s-plus-28';
import { renderAutoscaler, resolveScaling, ScalingInput } from '../../../lib/workload/reliable-service/autoscaling';
import { AutoscalingProps, ScalingPolicy, SelectPolicy } from '../../../lib/workload/reliable-service/props';
import { messagesOf, PATH, violations } from './support';

const RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(100) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
};
const CPU_70: AutoscalingProps = { minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 70 };

describe('resolveScaling', () => {
  const rows: Array<[string, ScalingInput, object, string[]]> = [
    [
      'fixed replicas default to 2',
      { singleReplica: false, resources: RESOURCES },
      { replicas: 2, minReplicas: 2, maxReplicas: 2, autoscaling: undefined },
      [],
    ],
    [
      'singleReplica defaults to 1',
      { singleReplica: true, resources: RESOURCES },
      { replicas: 1, minReplicas: 1, maxReplicas: 1, autoscaling: undefined },
      [],
    ],
    [
      'an HPA owns the count',
      { autoscaling: CPU_70, singleReplica: false, resources: RESOURCES },
      { replicas: undefined, minReplicas: 2, maxReplicas: 6, autoscaling: CPU_70 },
      [],
    ],
    [
      'one fixed replica without singleReplica',
      { replicas: 1, singleReplica: false, resources: RESOURCES },
      { replicas: 1, minReplicas: 1, maxReplicas: 1, autoscaling: undefined },
      [
        `${PATH}: 'replicas' (1) leaves no redundancy: one pod failure or node drain takes the service down — use at least 2 replicas, or set singleReplica: true to accept the outage risk explicitly`,
      ],
    ],
    [
      'replicas beside an HPA, minimum above maximum, no memory request',
      {
        replicas: 3,
        autoscaling: { minReplicas: 5, maxReplicas: 4, memoryUtilizationPercent: 80 },
        singleReplica: false,
        resources: { cpu: { request: Cpu.millis(100) } },
      },
      {
        replicas: undefined,
        minReplicas: 5,
        maxReplicas: 4,
        autoscaling: { minReplicas: 5, maxReplicas: 4, memoryUtilizationPercent: 80 },
      },
      [
        `${PATH}: 'replicas' (3) is set together with autoscaling, which owns the replica count — remove replicas or autoscaling`,
        `${PATH}: 'autoscaling.minReplicas' (5) is greater than autoscaling.maxReplicas (4) — lower minReplicas or raise maxReplicas`,
        `${PATH}: 'autoscaling.memoryUtilizationPercent' (80) is a utilization target, but resources.memory.request is not set and utilization is a share of the request — set resources.memory.request`,
      ],
    ],
    [
      'an HPA with nothing to scale on and bad behaviour',
      {
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          scaleDown: { stabilizationWindow: Duration.hours(2), policies: [ScalingPolicy.pods(0, Duration.hours(1))] },
        },
        singleReplica: false,
        resources: RESOURCES,
      },
      {
        replicas: undefined,
        minReplicas: 2,
        maxReplicas: 4,
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          scaleDown: { stabilizationWindow: Duration.hours(2), policies: [ScalingPolicy.pods(0, Duration.hours(1))] },
        },
      },
      [
        `${PATH}: 'autoscaling' ('no metrics') has nothing to scale on — set cpuUtilizationPercent, memoryUtilizationPercent, podsMetrics or externalMetrics`,
        `${PATH}: 'autoscaling.scaleDown.stabilizationWindow' ('2h') is not whole seconds between 0 and 3600 — use at most one hour`,
        `${PATH}: 'autoscaling.scaleDown.policies[0].period' ('1h') is not whole seconds between 1 and 1800 — use a period of at most 30 minutes`,
        `${PATH}: 'autoscaling.scaleDown.policies[0].value' (0) is not a positive integer — use 1 or more`,
      ],
    ],
  ];

  test.each(rows)('%s', (_name, input, expected, messages) => {
    const v = violations();
    expect(resolveScaling(v, input)).toEqual(expected);
    expect(messagesOf(v)).toEqual(messages);
  });
});

describe('renderAutoscaler', () => {
  const METADATA = { name: 'test-api', namespace: 'test' };
  const rows: Array<[string, AutoscalingProps, object]> = [
    [
      'CPU only, Kubernetes behaviour',
      CPU_70,
      {
        metadata: METADATA,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'test-api' },
          minReplicas: 2,
          maxReplicas: 6,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      },
    ],
    [
      'every metric kind and both directions',
      {
        minReplicas: 3,
        maxReplicas: 12,
        cpuUtilizationPercent: 60,
        memoryUtilizationPercent: 75,
        podsMetrics: [{ name: 'http_requests_per_second', averageValue: '200', fromCounter: 'http_requests_total' }],
        externalMetrics: [
          { name: 'queue_depth', selector: { queue: 'jobs' }, averageValue: '30' },
          { name: 'backlog', value: '1.5k' },
        ],
        scaleUp: { policies: [ScalingPolicy.percent(100, Duration.seconds(15))], selectPolicy: SelectPolicy.MAX },
        scaleDown: { stabilizationWindow: Duration.minutes(5), policies: [ScalingPolicy.pods(1, Duration.minutes(1))] },
      },
      {
        metadata: METADATA,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'test-api' },
          minReplicas: 3,
          maxReplicas: 12,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
            { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
            { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '200' } } },
            {
              type: 'External',
              external: {
                metric: { name: 'queue_depth', selector: { matchLabels: { queue: 'jobs' } } },
                target: { type: 'AverageValue', averageValue: '30' },
              },
            },
            { type: 'External', external: { metric: { name: 'backlog' }, target: { type: 'Value', value: '1.5k' } } },
          ],
          behavior: {
            scaleUp: { policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], selectPolicy: 'Max' },
            scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
          },
        },
      },
    ],
  ];

  test.each(rows)('%s', (_name, a, expected) => {
    expect(k8s.toJson_KubeHorizontalPodAutoscalerV2Props(renderAutoscaler('test-api', METADATA, a))).toEqual(expected);
  });
});
