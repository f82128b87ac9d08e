import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AlertingRuleset,
  Environment,
  GrafanaDashboard,
  podMonitorTarget,
  Probe,
  ReliableService,
  ReliakitApp,
  SelectorUse,
  serviceMonitorTarget,
  Severity,
  Sli,
  Slo,
  SystemChart,
} from '../../lib';
import { readsOwnTargets } from '../../lib/core/scrape-targets';
import { DashboardSpec } from '../../lib/observability/dashboards/panels/model';
import { vectorSelectors } from '../../lib/observability/promql';
import { testChart } from '../support/synth';

const RUNBOOK = 'https://runbooks.example.com/payments/api';
const JOBS = "a ServiceMonitor target's job is its Service's name (`<system>-<component>`), a PodMonitor target's `<namespace>/<name>`";

/** A dashboard whose one panel queries `expr`. */
class OnePanel extends GrafanaDashboard {
  constructor(
    scope: Construct,
    id: string,
    private readonly expr: string,
  ) {
    super(scope, id, {}, (system) => `${system}: one panel`);
    this.violations.throwIfAny();
  }

  protected spec(): DashboardSpec {
    return {
      uid: this.uid,
      title: this.title,
      description: 'd',
      tags: ['payments'],
      from: 'now-1h',
      rows: [
        {
          title: 'Traffic',
          panels: [
            {
              kind: 'stat',
              title: 'Requests',
              description: 'd',
              unit: 'reqps',
              width: 6,
              height: 4,
              queries: [{ expr: this.expr, legend: 'rps' }],
            },
          ],
        },
      ],
    };
  }

  protected emptyProblem(): string | undefined {
    return undefined;
  }
}

/** System `payments` with a monitored ReliableService `api`: its ServiceMonitor's targets get job="payments-api". */
function payments(): { chart: SystemChart; api: ReliableService } {
  const chart = testChart(Environment.PROD, 'payments');
  const api = new ReliableService(chart, 'api', {
    image: 'registry.example.com/payments-api:1.2.3',
    ports: { http: 8080, metrics: 9090 },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz') },
  });
  return { chart, api };
}

function slo(chart: SystemChart, job: string): AlertingRuleset {
  const ruleset = new AlertingRuleset(chart, 'alerts', { team: 'payments' });
  ruleset.addSlo(
    new Slo(chart, 'availability', {
      service: 'payments-api',
      team: 'payments',
      objective: 99.9,
      runbookUrl: RUNBOOK,
      sli: Sli.requests({ total: `http_requests_total{job="${job}"}`, errors: `http_requests_total{job="${job}",code=~"5.."}` }),
    }),
  );
  return ruleset;
}

function alert(chart: SystemChart, expr: string): AlertingRuleset {
  const ruleset = new AlertingRuleset(chart, 'alerts', { team: 'payments' });
  ruleset.addAlert({
    name: 'ApiDown',
    expr,
    for: Duration.minutes(5),
    severity: Severity.PAGE,
    summary: 's',
    description: 'd',
    runbookUrl: RUNBOOK,
  });
  return ruleset;
}

function renderError(chart: SystemChart): string {
  try {
    ReliakitApp.of(chart).render();
  } catch (e) {
    return (e as Error).message;
  }
  return 'rendered';
}

const header = (n: number) =>
  `[prod/payments] prod/payments: ${n} selector${n === 1 ? '' : 's'} of its SLOs, alerts and dashboards match${n === 1 ? 'es' : ''} no scrape target (${JOBS})`;
const failure = (lines: string[]) =>
  `Validation failed with the following errors:\n  ${header(lines.length)}\n${lines.map((l) => `  - ${l}`).join('\n')}`;

describe('job labels of monitor targets (prometheus-operator)', () => {
  test.each([
    [
      'a ServiceMonitor: the Service name',
      serviceMonitorTarget({ name: 'm', namespace: 'ns' }, { name: 'ns-api', namespace: 'ns', labels: {} }),
      { kind: 'ServiceMonitor', monitor: 'm', namespace: 'ns', job: 'ns-api', service: 'ns-api' },
    ],
    [
      'a ServiceMonitor with jobLabel: the Service label',
      serviceMonitorTarget({ name: 'm', namespace: 'ns', jobLabel: 'app' }, { name: 'ns-api', namespace: 'ns', labels: { app: 'api' } }),
      { kind: 'ServiceMonitor', monitor: 'm', namespace: 'ns', job: 'api', service: 'ns-api' },
    ],
    [
      'a ServiceMonitor with jobLabel the Service lacks: the Service name',
      serviceMonitorTarget({ name: 'm', namespace: 'ns', jobLabel: 'app' }, { name: 'ns-api', namespace: 'ns', labels: {} }),
      { kind: 'ServiceMonitor', monitor: 'm', namespace: 'ns', job: 'ns-api', service: 'ns-api' },
    ],
    [
      'a PodMonitor: <namespace>/<name>',
      podMonitorTarget({ name: 'ns-postgres', namespace: 'ns' }),
      { kind: 'PodMonitor', monitor: 'ns-postgres', namespace: 'ns', job: 'ns/ns-postgres' },
    ],
    [
      'a PodMonitor with jobLabel: the pod label',
      podMonitorTarget({ name: 'ns-postgres', namespace: 'ns', jobLabel: 'cnpg.io/cluster' }, { 'cnpg.io/cluster': 'pg' }),
      { kind: 'PodMonitor', monitor: 'ns-postgres', namespace: 'ns', job: 'pg' },
    ],
  ])('%s', (_, target, expected) => {
    expect(target).toEqual(expected);
  });
});

describe('which selectors are checked (readsOwnTargets)', () => {
  const use = (expr: string): SelectorUse => ({ path: 'p', where: 'w', ...vectorSelectors(expr)[0] });
  test.each([
    ['a job of the system', 'http_requests_total{job="payments-api"}', true],
    ['a service label', 'http_requests_total{service="payments-api"}', true],
    ['a job with the system namespace', 'up{namespace="payments",job="payments-api"}', true],
    ['a job regex', 'up{job=~"payments-.*"}', true],
    ['a metric-less selector naming a job', '{job="api"}', true],
    ['a recorded series', 'slo:sli_errors:rate5m{namespace="payments",service="payments-api"}', false],
    ['ALERTS', 'ALERTS{service="payments-api"}', false],
    ['a platform job', 'up{job="kube-state-metrics"}', false],
    ['a platform job regex', 'up{job=~"kubelet|node-exporter"}', false],
    ['a kube-state-metrics metric', 'kube_service_info{namespace="payments",service="payments-api"}', false],
    ['a cAdvisor metric', 'container_memory_working_set_bytes{namespace="payments",pod=~"payments-api-.*"}', false],
    ['another namespace', 'up{namespace="monitoring",job="blackbox"}', false],
    ['a namespace alone', 'cnpg_backends_total{namespace="payments"}', false],
    ['only negative matchers', 'up{job!="payments-api"}', false],
  ])('%s: %s → %s', (_, expr, checked) => {
    expect(readsOwnTargets(use(expr), 'payments')).toBe(checked);
  });
});

describe('SystemChart: selectors match a scrape target', () => {
  test('an SLO over job="payments-api" fails: the target\'s job is payments-payments-api', () => {
    const { chart } = payments();
    new ReliableService(chart, 'web', {
      image: 'registry.example.com/web:1.0.0',
      ports: { http: 8080, metrics: 9090 },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      probes: { readiness: Probe.http('/readyz') },
    });
    slo(chart, 'api');
    expect(renderError(chart)).toBe(
      failure([
        'prod/payments/availability: sli.total http_requests_total{job="api"} matches no scrape target (jobs in namespace \'payments\': "payments-api", "payments-web") ' +
          '— use job="payments-api", or name the namespace of a target outside the system',
        'prod/payments/availability: sli.errors http_requests_total{job="api",code=~"5.."} matches no scrape target (jobs in namespace \'payments\': "payments-api", "payments-web") ' +
          '— use job="payments-api", or name the namespace of a target outside the system',
      ]),
    );
  });

  test('an SLO over the job the ServiceMonitor gives synthesizes', () => {
    const { chart, api } = payments();
    slo(chart, api.name);
    expect(renderError(chart)).toBe('rendered');
  });

  test('an alert over a job no monitor produces fails, naming the ruleset and the alert', () => {
    const { chart } = payments();
    alert(chart, 'sum by (instance) (up{namespace="payments",job="payments-payments-api"}) == 0');
    expect(renderError(chart)).toBe(
      failure([
        'prod/payments/alerts: alert ApiDown up{namespace="payments",job="payments-payments-api"} matches no scrape target (jobs in namespace \'payments\': "payments-api") ' +
          '— select one of these jobs, or name the namespace of a target outside the system',
      ]),
    );
  });

  test("an alert over the ServiceMonitor's job synthesizes", () => {
    const { chart } = payments();
    alert(chart, 'up{namespace="payments",job="payments-api"} == 0');
    expect(renderError(chart)).toBe('rendered');
  });

  test('a dashboard query over a job no monitor produces fails, naming the dashboard, the panel and the row', () => {
    const { chart } = payments();
    new OnePanel(
      chart,
      'dash',
      'sum(rate(http_requests_total{job="api"}[5m])) / sum(rate(http_requests_total{service="payments-api"}[5m]))',
    );
    expect(renderError(chart)).toBe(
      failure([
        'prod/payments/dash: panel "Requests" of row "Traffic" http_requests_total{job="api"} matches no scrape target (jobs in namespace \'payments\': "payments-api") ' +
          '— use job="payments-api", or name the namespace of a target outside the system',
      ]),
    );
  });

  test("a dashboard query over the ServiceMonitor's job and service synthesizes", () => {
    const { chart } = payments();
    new OnePanel(chart, 'dash', 'sum(rate(http_requests_total{job="payments-api",service="payments-api"}[5m]))');
    expect(renderError(chart)).toBe('rendered');
  });

  test('a regex matcher passes when one target matches, and fails when none does', () => {
    const { chart } = payments();
    alert(chart, 'up{job=~"payments-(api|web)"} == 0 or up{job=~"api|web"} == 0');
    expect(renderError(chart)).toBe(
      failure([
        'prod/payments/alerts: alert ApiDown up{job=~"api|web"} matches no scrape target (jobs in namespace \'payments\': "payments-api") ' +
          '— select one of these jobs, or name the namespace of a target outside the system',
      ]),
    );
  });

  test('matchers are checked together: the job exists, but not in the named namespace', () => {
    const { chart } = payments();
    alert(chart, 'up{namespace="payments",job="payments/payments-api"} == 0');
    expect(renderError(chart)).toContain('alert ApiDown up{namespace="payments",job="payments/payments-api"} matches no scrape target');
  });

  test('platform metrics, recorded series and other namespaces are not checked', () => {
    const { chart } = payments();
    alert(
      chart,
      [
        'kube_deployment_status_replicas_available{namespace="payments",deployment="payments-api"} == 0',
        'up{job="kube-state-metrics"} == 0',
        'container_memory_working_set_bytes{job="kubelet",namespace="payments",service="kubelet"} > 0',
        'slo:sli_error:ratio_rate5m{namespace="payments",service="nobody"} > 1',
        'probe_success{namespace="monitoring",job="blackbox"} == 0',
      ].join(' or '),
    );
    expect(renderError(chart)).toBe('rendered');
  });

  test('a job of another system in the same environment matches (one Prometheus scrapes both)', () => {
    const { chart } = payments();
    const other = new SystemChart(chart.node.scope as Construct, 'ledger');
    new ReliableService(other, 'api', {
      image: 'registry.example.com/ledger:1.0.0',
      ports: { http: 8080 },
      monitoring: {},
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      probes: { readiness: Probe.http('/readyz') },
    });
    alert(chart, 'up{job="ledger-api"} == 0');
    expect(renderError(chart)).toBe('rendered');
  });

  test('a system without monitors says so', () => {
    const chart = testChart(Environment.PROD, 'payments');
    alert(chart, 'up{job="payments-api"} == 0');
    expect(renderError(chart)).toBe(
      failure([
        'prod/payments/alerts: alert ApiDown up{job="payments-api"} matches no scrape target (namespace \'payments\' has no ServiceMonitor or PodMonitor target) ' +
          '— monitor the workload (a metrics port or `monitoring` on its ReliableService), or name the namespace of a target outside the system',
      ]),
    );
  });
});

describe('component ids that repeat the system name', () => {
  test('a ReliableService payments-api in system payments is rejected, naming the resulting name and the fix', () => {
    const chart = testChart(Environment.PROD, 'payments');
    expect(
      () =>
        new ReliableService(chart, 'payments-api', {
          image: 'registry.example.com/payments-api:1.2.3',
          ports: { http: 8080 },
          resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
          probes: { readiness: Probe.http('/readyz') },
        }),
    ).toThrow(
      new Error(
        "prod/payments/payments-api: 1 invalid setting\n  - prod/payments/payments-api: 'id' ('payments-api') repeats the system name 'payments': " +
          "objects are named '<system>-<id>', so this one becomes 'payments-payments-api' — use the id 'api' (objects named 'payments-api')",
      ),
    );
  });

  test('any other component whose id repeats the system name fails synth', () => {
    const { chart } = payments();
    new AlertingRuleset(chart, 'payments', { team: 'payments' }).addAlert({
      name: 'ApiDown',
      expr: 'up{job="payments-api"} == 0',
      severity: Severity.PAGE,
      summary: 's',
      description: 'd',
      runbookUrl: RUNBOOK,
    });
    expect(renderError(chart)).toBe(
      "Validation failed with the following errors:\n  [prod/payments] prod/payments/payments: 'id' ('payments') repeats the system name " +
        "'payments': objects are named '<system>-<id>', so this one becomes 'payments-payments' — name the component, e.g. 'api'",
    );
  });
});
