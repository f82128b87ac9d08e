import { Duration } from 'cdk8s';
import { Severity } from '../../../../lib/observability/alerting/alert-rule';
import {
  deploymentUnavailable,
  DeploymentUnavailableProps,
  targetDown,
  TargetDownProps,
} from '../../../../lib/observability/alerting/symptoms/availability';
import { BASE, fieldsOf, RuleFields } from './fixture';

describe('targetDown', () => {
  test.each<[string, TargetDownProps, RuleFields]>([
    [
      'defaults: 2 minutes',
      { ...BASE, namespace: 'homepage', job: 'homepage-api' },
      {
        name: 'TargetDown',
        expr: 'sum by (namespace, job) (up{namespace="homepage",job="homepage-api"}) == 0\nor\nabsent(up{namespace="homepage",job="homepage-api"})',
        for: Duration.minutes(2),
        severity: Severity.TICKET,
        summary: 'homepage-api: no homepage-api target is up',
        description:
          'Prometheus cannot scrape any target of job homepage-api in homepage (or finds none): the service is down or no longer discovered.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'name, team, severity, for, labels and group from the props',
      {
        ...BASE,
        namespace: 'shop',
        job: 'shop-web',
        name: 'ShopWebDown',
        team: 'platform',
        severity: Severity.PAGE,
        for: Duration.minutes(5),
        labels: { tier: 'frontend' },
        group: 'shop-web',
      },
      {
        name: 'ShopWebDown',
        expr: 'sum by (namespace, job) (up{namespace="shop",job="shop-web"}) == 0\nor\nabsent(up{namespace="shop",job="shop-web"})',
        for: Duration.minutes(5),
        severity: Severity.PAGE,
        summary: 'homepage-api: no shop-web target is up',
        description:
          'Prometheus cannot scrape any target of job shop-web in shop (or finds none): the service is down or no longer discovered.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'shop', tier: 'frontend', service: 'homepage-api', team: 'platform' },
        annotations: {},
        group: 'shop-web',
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(targetDown(props))).toEqual(expected);
  });
});

describe('deploymentUnavailable', () => {
  test.each<[string, DeploymentUnavailableProps, RuleFields]>([
    [
      'defaults: 5 minutes',
      { ...BASE, namespace: 'homepage', deployment: 'homepage-ollama' },
      {
        name: 'DeploymentUnavailable',
        expr: 'sum by (namespace, deployment) (kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-ollama"}) == 0\nor\nabsent(kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-ollama"})',
        for: Duration.minutes(5),
        severity: Severity.TICKET,
        summary: 'homepage-api: no replica of homepage-ollama is available',
        description:
          'Deployment homepage-ollama in homepage has no available replica (or kube-state-metrics finds none): the service is down.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'summary and description from the props, a priority',
      {
        ...BASE,
        namespace: 'homepage',
        deployment: 'homepage-ollama',
        severity: Severity.P1,
        summary: 'ollama is down',
        description: 'No ollama replica is available.',
      },
      {
        name: 'DeploymentUnavailable',
        expr: 'sum by (namespace, deployment) (kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-ollama"}) == 0\nor\nabsent(kube_deployment_status_replicas_available{namespace="homepage",deployment="homepage-ollama"})',
        for: Duration.minutes(5),
        severity: Severity.P1,
        summary: 'ollama is down',
        description: 'No ollama replica is available.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { namespace: 'homepage', service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(deploymentUnavailable(props))).toEqual(expected);
  });
});
