import { Duration } from 'cdk8s';
import { AlertingRuleset, GrafanaSidecar, ReliakitApp, Sli, Slo, SloDashboard, SloDashboardProps, SystemChart } from '../../../lib';
import { metricNames } from '../../../lib/observability/dashboards/panels/metric-names';
import { find, Manifest, synth, testChart, withScrapeJobs } from '../../support/synth';

const RUNBOOK = 'https://runbooks.example.com/shop';

function slos(chart: SystemChart) {
  const availability = new Slo(chart, 'availability', {
    service: 'shop-api',
    team: 'web',
    objective: 99.9,
    runbookUrl: RUNBOOK,
    sli: Sli.requests({ total: 'http_requests_total{job="shop-api"}', errors: 'http_requests_total{job="shop-api",code=~"5.."}' }),
  });
  const latency = new Slo(chart, 'latency', {
    service: 'shop-api',
    team: 'web',
    objective: 99,
    window: Duration.days(28),
    runbookUrl: RUNBOOK,
    sli: Sli.latency({ histogram: 'http_request_duration_seconds', selector: '{job="shop-api"}', threshold: Duration.millis(250) }),
  });
  const ruleset = new AlertingRuleset(chart, 'slos', { team: 'web' });
  ruleset.addSlo(availability);
  ruleset.addSlo(latency);
  // Another construct with the same service and slo label (never added to the ruleset).
  const twin = new Slo(chart, 'availability-twin', {
    service: 'shop-api',
    name: 'availability',
    team: 'web',
    objective: 99,
    runbookUrl: RUNBOOK,
    sli: Sli.requests({ total: 'a_total', errors: 'b_total' }),
  });
  return { availability, latency, twin, ruleset };
}

function build(props: (s: ReturnType<typeof slos>) => SloDashboardProps = (s) => ({ slos: [s.availability, s.latency] })) {
  const chart = withScrapeJobs(testChart(undefined, 'shop'), 'shop-api');
  const s = slos(chart);
  const dashboard = new SloDashboard(chart, 'slo-dashboard', props(s));
  const configMap = find(synth(chart), 'ConfigMap', 'shop-slo-dashboard');
  return { ...s, chart, dashboard, configMap, json: JSON.parse(configMap.data['shop-slo-dashboard.json']) as Manifest };
}

function errorOf(props: (s: ReturnType<typeof slos>) => SloDashboardProps, id = 'slo-dashboard'): string {
  try {
    const chart = testChart(undefined, 'shop');
    new SloDashboard(chart, id, props(slos(chart)));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

const one = (message: string, id = 'slo-dashboard') => `prod/shop/${id}: 1 invalid setting\n  - prod/shop/${id}: ${message}`;
const panelsOf = (json: Manifest) => (json.panels as Manifest[]).filter((p) => p.type !== 'row');

describe('SloDashboard defaults', () => {
  const { dashboard, configMap, json, availability, latency, ruleset } = build();

  test('snapshot', () => {
    expect({ ...configMap, data: { 'shop-slo-dashboard.json': json } }).toMatchSnapshot();
  });

  test("a ConfigMap in the system namespace, labelled for the Grafana sidecar and filed in the system's folder", () => {
    expect(configMap.metadata).toEqual({
      name: 'shop-slo-dashboard',
      namespace: 'shop',
      labels: {
        'app.kubernetes.io/name': 'shop-slo-dashboard',
        'app.kubernetes.io/instance': 'shop-slo-dashboard-prod',
        'app.kubernetes.io/component': 'slo-dashboard',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'reliakit',
        'app.kubernetes.io/version': '0.1.0',
        'reliakit.dev/environment': 'prod',
        grafana_dashboard: '1',
      },
      annotations: { grafana_folder: 'shop' },
    });
    expect(GrafanaSidecar).toEqual({ LABEL: 'grafana_dashboard', LABEL_VALUE: '1', FOLDER_ANNOTATION: 'grafana_folder' });
    expect(Object.keys(configMap.data)).toEqual(['shop-slo-dashboard.json']);
    expect(configMap.data['shop-slo-dashboard.json']).toBe(dashboard.dashboardJson());
    expect([dashboard.name, dashboard.uid, dashboard.dataKey, dashboard.title, dashboard.folder]).toEqual([
      'shop-slo-dashboard',
      'shop-slo-dashboard',
      'shop-slo-dashboard.json',
      'shop: SLOs',
      'shop',
    ]);
  });

  test('uid, no id, a prometheus data source variable on every panel and query', () => {
    expect(json).toMatchObject({
      uid: 'shop-slo-dashboard',
      id: null,
      title: 'shop: SLOs',
      tags: ['shop', 'reliakit', 'slo'],
      editable: false,
    });
    expect(json.uid.length).toBeLessThanOrEqual(40);
    expect(json.templating.list).toEqual([expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })]);
    for (const p of panelsOf(json)) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  test('one row per SLO with its panels; the latency SLO also plots its quantiles', () => {
    const titles = (json.panels as Manifest[]).map((p) => p.title);
    expect(titles).toEqual([
      'shop-api / availability: 99.9% over 30d',
      'Availability (30d)',
      'Error budget remaining (30d)',
      'Availability vs objective',
      'Burn rate',
      'Traffic',
      'shop-api / latency: 99% over 28d',
      'Availability (28d)',
      'Error budget remaining (28d)',
      'Availability vs objective',
      'Burn rate',
      'Traffic',
      'Latency quantiles',
    ]);
    expect(new Set((json.panels as Manifest[]).map((p) => p.id)).size).toBe(titles.length);
  });

  test("the SLO panels read the Slo's recorded series by its recordSelector; the latency panel reads the SLI's histogram", () => {
    expect(availability.recordSelector).toBe('{namespace="shop",service="shop-api",slo="availability"}');
    for (const q of dashboard.queries.filter((x) => x.row.startsWith('shop-api / availability')))
      expect(q.expr).toContain(availability.recordSelector);
    const latencyRow = dashboard.queries.filter((x) => x.row.startsWith('shop-api / latency'));
    for (const q of latencyRow.filter((x) => x.panel !== 'Latency quantiles')) expect(q.expr).toContain(latency.recordSelector);
    expect(latencyRow.filter((x) => x.panel === 'Latency quantiles').map((q) => q.expr)).toEqual(
      [0.5, 0.95, 0.99].map(
        (p) => `histogram_quantile(${p}, sum by (le) (rate(http_request_duration_seconds_bucket{job="shop-api"}[5m])))`,
      ),
    );
    expect(dashboard.queries.find((q) => q.panel === 'Error budget remaining (28d)')?.expr).toContain(') / 0.01');
  });

  test('every metric queried is recorded by the ruleset or read by the SLI', () => {
    const recorded = ruleset.ruleFile().groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
    const scraped = ruleset.ruleFile().groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? metricNames(r.expr) : [])));
    expect(dashboard.metrics).toEqual([
      'http_request_duration_seconds_bucket',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate3d',
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_errors:rate5m',
      'slo:sli_requests:rate5m',
    ]);
    for (const metric of dashboard.metrics) expect([...recorded, ...scraped]).toContain(metric);
  });

  test('getters return copies', () => {
    const queries = dashboard.queries;
    (queries as { expr: string }[])[0].expr = 'changed';
    queries.pop();
    expect(dashboard.queries[0].expr).not.toBe('changed');
    expect(dashboard.queries).toHaveLength(queries.length + 1);
    dashboard.slos.pop();
    expect(dashboard.slos).toEqual([availability, latency]);
  });
});

describe('SloDashboard options', () => {
  test('SLOs added with addSlo come after those of the props', () => {
    const { json, dashboard, latency } = build((s) => ({ slos: [s.availability] }));
    expect((json.panels as Manifest[]).filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'shop-api / availability: 99.9% over 30d',
    ]);
    dashboard.addSlo(latency);
    const rows = JSON.parse(dashboard.dashboardJson())
      .panels.filter((p: Manifest) => p.type === 'row')
      .map((p: Manifest) => p.title);
    expect(rows).toEqual(['shop-api / availability: 99.9% over 30d', 'shop-api / latency: 99% over 28d']);
  });

  test('title, folder and latency quantiles', () => {
    const { configMap, json } = build((s) => ({ slos: [s.latency], title: 'Shop SLOs', folder: 'SLOs', latencyQuantiles: [0.9, 0.999] }));
    expect(json.title).toBe('Shop SLOs');
    expect(configMap.metadata.annotations).toEqual({ grafana_folder: 'SLOs' });
    const latencyPanel = panelsOf(json).find((p) => p.title === 'Latency quantiles') as Manifest;
    expect(latencyPanel.targets.map((t: Manifest) => t.legendFormat)).toEqual(['p90', 'p99.9']);
  });

  test('same input, byte-identical output', () => {
    expect(build().configMap.data['shop-slo-dashboard.json']).toBe(build().configMap.data['shop-slo-dashboard.json']);
  });
});

describe('SloDashboard validation', () => {
  test.each<[string, (s: ReturnType<typeof slos>) => SloDashboardProps, string]>([
    [
      'an SLO listed twice',
      (s) => ({ slos: [s.availability, s.latency, s.availability] }),
      "'slos[2]' ('prod/shop/availability') is already on the dashboard — show each SLO once",
    ],
    [
      'two SLOs recording the same series',
      (s) => ({ slos: [s.availability, s.twin] }),
      '\'slos[1]\' (\'prod/shop/availability-twin\') selects the same recorded series ({namespace="shop",service="shop-api",slo="availability"}) as prod/shop/availability, ' +
        'so both rows would show the same data — give the SLOs different names (the slo label), or show one of them',
    ],
    ['an empty title', () => ({ title: ' ' }), "'title' (' ') is empty — omit it for the default title, or name the dashboard"],
    ['an empty folder', () => ({ folder: '' }), "'folder' ('') is empty — omit it for the system's folder, or name the folder"],
    [
      'no quantiles',
      () => ({ latencyQuantiles: [] }),
      "'latencyQuantiles' ([]) is empty — list the quantiles to plot, e.g. [0.5, 0.95, 0.99]",
    ],
    [
      'a quantile of 99',
      () => ({ latencyQuantiles: [99] }),
      "'latencyQuantiles' (99) is not strictly between 0 and 1 — use e.g. 0.99 for p99",
    ],
    [
      'a quantile twice',
      () => ({ latencyQuantiles: [0.5, 0.5] }),
      "'latencyQuantiles' ([0.5,0.5]) lists a quantile twice — list each quantile once",
    ],
  ])('throws for %s', (_, props, message) => {
    expect(errorOf(props)).toBe(one(message));
  });

  test("throws for an id that is no DNS label, or gives a uid longer than Grafana's 40 characters", () => {
    expect(errorOf(() => ({}), 'SLOs')).toBe(
      one(
        "'id' ('SLOs') gives the object name 'shop-SLOs', which is not a DNS label of at most 63 characters — use a short lowercase id of letters, digits and dashes",
        'SLOs',
      ),
    );
    const id = 'service-level-objectives-of-the-shop';
    expect(errorOf(() => ({}), id)).toBe(
      one(
        `'id' ('${id}') gives the dashboard uid 'shop-${id}', longer than Grafana's 40 characters — use a shorter id, e.g. slo-dashboard`,
        id,
      ),
    );
  });

  test('throws when addSlo adds an SLO already shown', () => {
    const chart = testChart(undefined, 'shop');
    const s = slos(chart);
    const dashboard = new SloDashboard(chart, 'slo-dashboard', { slos: [s.availability] });
    expect(() => dashboard.addSlo(s.availability)).toThrow(
      one("'addSlo' ('prod/shop/availability') is already on the dashboard — show each SLO once"),
    );
  });

  test('fails synth without SLOs', () => {
    const chart = withScrapeJobs(testChart(undefined, 'shop'), 'shop-api');
    const dashboard = new SloDashboard(chart, 'slo-dashboard');
    expect(() => ReliakitApp.of(chart).render()).toThrow(
      'prod/shop/slo-dashboard: has no SLOs — give them in the slos prop or add them with addSlo, or remove the dashboard',
    );
    dashboard.addSlo(slos(chart).availability);
    expect(() => ReliakitApp.of(chart).render()).not.toThrow();
  });
});
