/**
 * Production review II, finding 12: a Polaris audit (Fairwinds Polaris, default configuration) of
 * the prod tree scored 89 — no priorityClassName anywhere, CPU limits on some containers only, CNPG
 * Poolers without topology spread or liveness probe. Every system's apps and data layer, in every
 * environment, audited with Polaris's default checks (test/support/polaris.ts): no failed check;
 * what Reliakit does differently on purpose carries Polaris's exemption annotation with its reason
 * (lib/core/polaris-exemption.ts) and is listed in the system's RELIABILITY.md.
 */
import { SystemChart } from '../../lib';
import { reliabilityReport } from '../../lib/delivery/reliability-report';
import { buildApp } from '../../stacks/main';
import { polarisAudit } from '../support/polaris';
import { objectsBySystem } from '../support/tree';

const app = buildApp();
const dirs = app.render();
const bySystem = objectsBySystem(dirs);

test('every environment and system is audited', () => {
  expect([...bySystem.keys()].filter((k) => k.startsWith('prod/')).length).toBe(5);
  expect([...bySystem.keys()].filter((k) => k.startsWith('dev/')).length).toBe(5);
});

describe.each([...bySystem.entries()])('%s', (system, objects) => {
  const audit = polarisAudit(objects);

  test('Polaris finds no unexempted warning or danger', () => {
    // The score as Polaris prints it, for the review's record.
    console.log(`${system}: Polaris score ${audit.score} (${audit.successes} passed, ${audit.exempted.length} exempted)`);
    expect(audit.failures).toEqual([]);
    expect(audit.score).toBe(100);
  });

  test('every exemption is listed with its reason in RELIABILITY.md', () => {
    const [env, name] = system.split('/');
    const chart = dirs.find((d) => d.path === `apps/${env}/${name}`)?.chart as SystemChart;
    const text = reliabilityReport(chart);
    for (const e of audit.exempted) {
      const [check, target] = e.split(': ');
      const objectName = target.split('/').pop() as string;
      const row = text.split('\n').find((l) => l.startsWith(`| ${check} |`) && l.includes(objectName));
      expect({ exemption: e, listed: row !== undefined }).toEqual({ exemption: e, listed: true });
    }
  });
});
