import { Duration } from 'cdk8s';
import { Severity } from '../../../../lib/observability/alerting/alert-rule';
import { crashLooping, hpaMaxedOut, HpaMaxedOutProps, podNotReady } from '../../../../lib/observability/alerting/symptoms/pods';
import { PodSymptomProps } from '../../../../lib/observability/alerting/symptoms/symptom-builder';
import { BASE, fieldsOf, PODS, RuleFields } from './fixture';

describe('crashLooping', () => {
  test.each<[string, PodSymptomProps, RuleFields]>([
    [
      "a Deployment's pods",
      { ...BASE, ...PODS },
      {
        name: 'PodCrashLooping',
        expr: 'max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",reason="CrashLoopBackOff"}[5m])) >= 1',
        for: Duration.minutes(15),
        severity: Severity.TICKET,
        summary: 'homepage-api: pod {{ $labels.pod }} is crash looping',
        description:
          "Container {{ $labels.container }} of pod {{ $labels.pod }} (homepage) keeps crashing and waits in CrashLoopBackOff: the service runs with less capacity. Check the previous container's logs (kubectl logs --previous).",
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      "a StatefulSet's pods, a longer hold time",
      { ...BASE, namespace: 'shop', pods: 'shop-redis-[0-9]+', for: Duration.minutes(30) },
      {
        name: 'PodCrashLooping',
        expr: 'max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{namespace="shop",pod=~"shop-redis-[0-9]+",reason="CrashLoopBackOff"}[5m])) >= 1',
        for: Duration.minutes(30),
        severity: Severity.TICKET,
        summary: 'homepage-api: pod {{ $labels.pod }} is crash looping',
        description:
          "Container {{ $labels.container }} of pod {{ $labels.pod }} (shop) keeps crashing and waits in CrashLoopBackOff: the service runs with less capacity. Check the previous container's logs (kubectl logs --previous).",
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'shop', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(crashLooping(props))).toEqual(expected);
  });
});

describe('podNotReady', () => {
  test.each<[string, PodSymptomProps, RuleFields]>([
    [
      "a Deployment's pods",
      { ...BASE, ...PODS },
      {
        name: 'PodNotReady',
        expr: 'max by (namespace, pod) (kube_pod_status_ready{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",condition="true"}) == 0\nunless on (namespace, pod)\nmax by (namespace, pod) (kube_pod_status_phase{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",phase="Succeeded"}) == 1',
        for: Duration.minutes(15),
        severity: Severity.TICKET,
        summary: 'homepage-api: pod {{ $labels.pod }} is not ready',
        description:
          'Pod {{ $labels.pod }} (homepage) has not been Ready for a while: it receives no traffic, so the service runs with less capacity. Check its readiness probe and events (kubectl describe pod).',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'further labels and a group',
      { ...BASE, ...PODS, labels: { tier: 'backend' }, group: 'homepage-api-pods' },
      {
        name: 'PodNotReady',
        expr: 'max by (namespace, pod) (kube_pod_status_ready{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",condition="true"}) == 0\nunless on (namespace, pod)\nmax by (namespace, pod) (kube_pod_status_phase{namespace="homepage",pod=~"homepage-api-[a-z0-9]+-[a-z0-9]+",phase="Succeeded"}) == 1',
        for: Duration.minutes(15),
        severity: Severity.TICKET,
        summary: 'homepage-api: pod {{ $labels.pod }} is not ready',
        description:
          'Pod {{ $labels.pod }} (homepage) has not been Ready for a while: it receives no traffic, so the service runs with less capacity. Check its readiness probe and events (kubectl describe pod).',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', tier: 'backend', service: 'homepage-api' },
        annotations: {},
        group: 'homepage-api-pods',
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(podNotReady(props))).toEqual(expected);
  });
});

describe('hpaMaxedOut', () => {
  test.each<[string, HpaMaxedOutProps, RuleFields]>([
    [
      'defaults: 15 minutes',
      { ...BASE, namespace: 'homepage', hpa: 'homepage-api' },
      {
        name: 'HpaMaxedOut',
        expr: 'max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace="homepage",horizontalpodautoscaler="homepage-api"})\n>=\nmax by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace="homepage",horizontalpodautoscaler="homepage-api"})',
        for: Duration.minutes(15),
        severity: Severity.TICKET,
        summary: 'homepage-api: autoscaler homepage-api is at its maximum',
        description:
          'HorizontalPodAutoscaler homepage-api (homepage) has run at its maximum replicas for a while: more load cannot be absorbed. Check the load and raise maxReplicas (and the connection budgets that depend on it) if it is real.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'a priority',
      { ...BASE, namespace: 'shop', hpa: 'shop-web', severity: Severity.P3 },
      {
        name: 'HpaMaxedOut',
        expr: 'max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace="shop",horizontalpodautoscaler="shop-web"})\n>=\nmax by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop",horizontalpodautoscaler="shop-web"})',
        for: Duration.minutes(15),
        severity: Severity.P3,
        summary: 'homepage-api: autoscaler shop-web is at its maximum',
        description:
          'HorizontalPodAutoscaler shop-web (shop) has run at its maximum replicas for a while: more load cannot be absorbed. Check the load and raise maxReplicas (and the connection budgets that depend on it) if it is real.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'shop', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(hpaMaxedOut(props))).toEqual(expected);
  });
});
