import { Duration } from 'cdk8s';
import { Severity } from '../../../../lib/observability/alerting/alert-rule';
import {
  memoryNearLimit,
  MemoryNearLimitProps,
  volumeSpaceLow,
  VolumeSpaceLowProps,
} from '../../../../lib/observability/alerting/symptoms/resources';
import { BASE, fieldsOf, PODS, RuleFields } from './fixture';

describe('memoryNearLimit', () => {
  test.each<[string, MemoryNearLimitProps, RuleFields]>([
    [
      'defaults: 80%',
      { ...BASE, ...PODS },
      {
        name: 'MemoryNearLimit',
        expr: 'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",container!="",container!="POD"})\n/\nmax by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",resource="memory"})\n> 0.8',
        for: Duration.minutes(15),
        severity: Severity.TICKET,
        summary: 'homepage-api: container {{ $labels.container }} of {{ $labels.pod }} uses more than 80% of its memory limit',
        description:
          'Container {{ $labels.container }} of pod {{ $labels.pod }} (homepage) has used more than 80% of its memory limit for a while: at the limit it is OOM-killed. Check for a leak or raise the limit.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'an own share and priority',
      { ...BASE, ...PODS, maxPercent: 90, severity: Severity.P2 },
      {
        name: 'MemoryNearLimit',
        expr: 'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",container!="",container!="POD"})\n/\nmax by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",resource="memory"})\n> 0.9',
        for: Duration.minutes(15),
        severity: Severity.P2,
        summary: 'homepage-api: container {{ $labels.container }} of {{ $labels.pod }} uses more than 90% of its memory limit',
        description:
          'Container {{ $labels.container }} of pod {{ $labels.pod }} (homepage) has used more than 90% of its memory limit for a while: at the limit it is OOM-killed. Check for a leak or raise the limit.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(memoryNearLimit(props))).toEqual(expected);
  });
});

describe('volumeSpaceLow', () => {
  test.each<[string, VolumeSpaceLowProps, RuleFields]>([
    [
      'defaults: 20% free',
      { ...BASE, namespace: 'homepage', claims: 'data-redis-[0-9]+' },
      {
        name: 'VolumeSpaceLow',
        expr: 'min by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{namespace="homepage",persistentvolumeclaim=~"data-redis-[0-9]+"})\n/\nmax by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="homepage",persistentvolumeclaim=~"data-redis-[0-9]+"})\n< 0.2',
        for: Duration.minutes(30),
        severity: Severity.TICKET,
        summary: 'homepage-api: volume {{ $labels.persistentvolumeclaim }} has less than 20% free',
        description:
          'PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} (homepage) has less than 20% of its space free: when it is full, writes fail. Expand the volume or free space.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'an own share',
      { ...BASE, namespace: 'shop', claims: 'shop-postgres-[0-9]+(-wal)?', minFreePercent: 10 },
      {
        name: 'VolumeSpaceLow',
        expr: 'min by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"})\n/\nmax by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="shop",persistentvolumeclaim=~"shop-postgres-[0-9]+(-wal)?"})\n< 0.1',
        for: Duration.minutes(30),
        severity: Severity.TICKET,
        summary: 'homepage-api: volume {{ $labels.persistentvolumeclaim }} has less than 10% free',
        description:
          'PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} (shop) has less than 10% of its space free: when it is full, writes fail. Expand the volume or free space.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'shop', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(volumeSpaceLow(props))).toEqual(expected);
  });
});
