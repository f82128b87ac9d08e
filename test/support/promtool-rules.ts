/** `promtool test rules` on a synthesized PrometheusRule, for the stacks' own alert tests. */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { Manifest } from './synth';

/** An alert expected at an eval time: the result series' labels (the rule's own labels are added). */
export type Expected = [evalTime: string, alert: string, results: Array<Record<string, string>>];

/**
 * Runs `promtool test rules` on the groups of a synthesized PrometheusRule: each case feeds
 * synthetic series and lists, per eval time, the alerts that must fire (none: must stay quiet).
 */
export function promtoolTestRules(
  rule: Manifest,
  cases: Array<{ name: string; series: Record<string, string>; expect: Expected[] }>,
): void {
  const dir = mkdtempSync(join(tmpdir(), 'reliakit-stack-rules-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }, { lineWidth: 0 }));
    const rules: Manifest[] = rule.spec.groups.flatMap((g: Manifest) => g.rules);
    const expected = (alert: string, result: Record<string, string>) => {
      // Several rules may share an alert name (one per pack): the one whose expression names the result's label values.
      const named = rules.filter((x) => x.alert === alert);
      const r = named.find((x) => Object.values(result).every((v) => String(x.expr).includes(v))) ?? named[0];
      const labels = sortedRecord({ ...result, ...r.labels });
      const annotations = Object.fromEntries(
        Object.entries(r.annotations as Record<string, string>).map(([k, v]) => [
          k,
          v.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, n: string) => labels[n] ?? ''),
        ]),
      );
      return { exp_labels: labels, exp_annotations: sortedRecord(annotations) };
    };
    writeFileSync(
      join(dir, 'test.yaml'),
      stringify(
        {
          rule_files: ['rules.yaml'],
          evaluation_interval: '1m',
          tests: cases.map((c) => ({
            name: c.name,
            interval: '1m',
            input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
            alert_rule_test: c.expect.map(([evalTime, alertname, results]) => ({
              eval_time: evalTime,
              alertname,
              exp_alerts: results.map((l) => expected(alertname, l)),
            })),
          })),
        },
        { lineWidth: 0 },
      ),
    );
    const r = spawnSync('promtool', ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
