import { spawn, spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration } from 'cdk8s';
import { stringify } from 'yaml';
import { AlertingRuleset, Severity, Sli, Slo } from '../../../lib';
import { find, Manifest, synth, testChart, withScrapeJobs } from '../../support/synth';
import { hasTool } from '../../support/tools';

/**
 * The real Prometheus tooling checks what Reliakit synthesizes: `promtool check rules` on the
 * PrometheusRule's groups, and `promtool test rules` on the unit tests each Slo generates
 * (each tier fires when the budget burns just above its factor and not before; a healthy and a
 * quiet service page no one; missing data raises the no-data alert).
 */
const PROMTOOL = hasTool('promtool');
const maybe = PROMTOOL ? describe : describe.skip;

function build() {
  const chart = withScrapeJobs(testChart(undefined, 'homepage'), 'homepage-api', 'worker');
  const alerts = new AlertingRuleset(chart, 'alerts', { team: 'web' });
  const runbookUrl = 'https://runbooks.example.com/homepage/api-slo';
  alerts.addSlo(
    new Slo(chart, 'availability', {
      service: 'homepage-api',
      team: 'web',
      objective: 99.9,
      window: Duration.days(30),
      sli: Sli.requests({
        total: 'http_requests_total{job="homepage-api"}',
        errors: 'http_requests_total{job="homepage-api",code=~"5.."}',
      }),
      runbookUrl,
    }),
  );
  alerts.addSlo(
    new Slo(chart, 'latency', {
      service: 'homepage-api',
      team: 'web',
      objective: 99,
      window: Duration.days(28),
      sli: Sli.latency({ histogram: 'http_request_duration_seconds', selector: '{job="homepage-api"}', threshold: Duration.millis(500) }),
      runbookUrl,
    }),
  );
  alerts.addSlo(
    new Slo(chart, 'success', {
      service: 'homepage-worker',
      team: 'web',
      objective: 99.5,
      window: Duration.days(7),
      sli: Sli.requests({ total: 'jobs_processed_total{job="worker"}', good: 'jobs_processed_total{job="worker",outcome="ok"}' }),
      minFailedEvents: 3,
      pageSeverity: Severity.P1,
      ticketSeverity: Severity.P2,
      runbookUrl,
    }),
  );
  alerts.addAlert({
    name: 'ApiDown',
    expr: 'up{job="homepage-api"} == 0',
    for: Duration.minutes(5),
    severity: Severity.PAGE,
    summary: 'homepage-api target {{ $labels.instance }} is down',
    description: 'Prometheus cannot scrape {{ $labels.instance }}.',
    runbookUrl,
  });
  return { alerts, rule: find(synth(chart), 'PrometheusRule', 'homepage-alerts') };
}

function promtool(args: string[], cwd: string): { status: number | null; output: string; seconds: number } {
  const start = Date.now();
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`, seconds: (Date.now() - start) / 1000 };
}

/** {@link promtool}, without blocking: the SLOs' test files run side by side. */
function promtoolAsync(args: string[], cwd: string): Promise<{ status: number | null; output: string; seconds: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const p = spawn('promtool', args, { cwd });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('error', (e) => resolve({ status: null, output: String(e), seconds: (Date.now() - start) / 1000 }));
    p.on('close', (status) => resolve({ status, output, seconds: (Date.now() - start) / 1000 }));
  });
}

/** The PrometheusRule's groups as a rule file (what the Prometheus Operator hands Prometheus). */
function ruleFileOf(rule: Manifest, groupNames?: readonly string[]): string {
  const groups = rule.spec.groups.filter((g: Manifest) => !groupNames || groupNames.includes(g.name));
  return stringify({ groups }, { lineWidth: 0 });
}

maybe('promtool', () => {
  const { alerts, rule } = build();
  const dir = mkdtempSync(join(tmpdir(), 'reliakit-promtool-'));
  // After the promtool runs, which read the directory (a failed test does not wait for its run).
  afterAll(async () => {
    await Promise.all([...runs.values()].map((r) => r.result));
    rmSync(dir, { recursive: true, force: true });
  });

  test('check rules accepts the PrometheusRule groups', () => {
    writeFileSync(join(dir, 'all.rules.yaml'), ruleFileOf(rule));
    const r = promtool(['check', 'rules', 'all.rules.yaml'], dir);
    // 3 SLOs × (13 recording + 3 alerting rules) + ApiDown.
    expect(r.output).toContain('SUCCESS: 49 rules found');
    expect(r.status).toBe(0);
  });

  test('the rule-file export equals the PrometheusRule groups', () => {
    expect(alerts.ruleFile()).toEqual({ groups: rule.spec.groups });
  });

  // Every SLO's tests start at once (promtool is the cost; the cores run them side by side).
  const runs = new Map<Slo, { groups: number; result: ReturnType<typeof promtoolAsync> }>();
  beforeAll(() => {
    for (const slo of alerts.slos) {
      const rules = `${slo.name}.rules.yaml`;
      writeFileSync(join(dir, rules), ruleFileOf(rule, slo.groupNames));
      const tests = slo.promtoolTests([rules]);
      writeFileSync(join(dir, `${slo.name}.test.yaml`), stringify(tests, { lineWidth: 0 }));
      runs.set(slo, { groups: tests.tests.length, result: promtoolAsync(['test', 'rules', `${slo.name}.test.yaml`], dir) });
    }
  });

  test.each(alerts.slos.map((slo) => [slo.node.id, slo] as const))(
    'test rules: %s',
    async (_, slo) => {
      const run = runs.get(slo)!;
      const r = await run.result;
      console.log(`promtool test rules ${slo.name}: ${run.groups} groups, ${r.seconds.toFixed(1)} s`);
      expect(r.output).toContain('SUCCESS');
      expect(r.status).toBe(0);
    },
    600_000,
  );
});
