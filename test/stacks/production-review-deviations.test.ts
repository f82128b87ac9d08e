/**
 * Production review II, finding 9: alerts whose plan fixes a hold time (or a threshold) either match
 * it, or the system's RELIABILITY.md lists the deviation under "Deviations from the plan", naming the
 * alert and the plan's section. The plans' values, as the plans write them:
 * - homepage §4.2: HomepageAPIDown `up{job="homepage-api"} == 0` for 1m, HomepagePostgresDown for 1m;
 * - social-backend Item 4.7.17: service down (immediate, P1), database connection pool exhausted
 *   (immediate, P1) — "exhausted" is the whole pool in use.
 */
import { buildApp } from '../../stacks/main';
import { Manifest } from '../support/synth';
import { objectsBySystem } from '../support/tree';

const app = buildApp();
const bySystem = objectsBySystem(app.render());
const reports = new Map(
  app
    .synthTree()
    .filter((f) => f.path.endsWith('/RELIABILITY.md'))
    .map((f) => [f.path.replace(/^apps\/(.*)\/RELIABILITY\.md$/, '$1'), f.content]),
);

interface Planned {
  readonly system: string;
  readonly section: string;
  readonly alert: string;
  /** Picks the planned alert among those of that name (by its `service` label). */
  readonly service: (env: string) => RegExp;
  readonly for: string | undefined;
  /** A threshold the plan fixes, as it must appear in the expression. */
  readonly threshold?: RegExp;
}

const PLANNED: Planned[] = [
  { system: 'homepage', section: '§4.2', alert: 'TargetDown', service: () => /^homepage-api$/, for: '1m' },
  { system: 'homepage', section: '§4.2', alert: 'PostgresOffline', service: () => /^homepage-postgres$/, for: '1m' },
  { system: 'social-backend', section: 'Item 4.7.17', alert: 'TargetDown', service: () => /^social-backend-/, for: undefined },
  {
    system: 'social-backend',
    section: 'Item 4.7.17',
    alert: 'DatabasePoolExhausted',
    service: () => /^social-backend-/,
    for: undefined,
    threshold: /\)\s*>=\s*1\s*$/,
  },
];

/** The lines of the report's "Deviations from the plan" section. */
function deviationLines(report: string): string[] {
  const start = report.indexOf('## Deviations from the plan');
  if (start < 0) return [];
  const rest = report.slice(start).split('\n').slice(1);
  const end = rest.findIndex((l) => l.startsWith('## '));
  return (end < 0 ? rest : rest.slice(0, end)).filter((l) => l.startsWith('|'));
}

function problems(key: string, objects: Manifest[]): string[] {
  const [env, system] = key.split('/');
  const lines = deviationLines(reports.get(`${env}/${system}`) ?? '');
  const rules: Manifest[] = objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) => r.spec.groups.flatMap((g: Manifest) => g.rules.filter((x: Manifest) => x.alert)));
  return PLANNED.filter((p) => p.system === system).flatMap((p) => {
    const alerts = rules.filter((r) => r.alert === p.alert && p.service(env).test(r.labels?.service ?? ''));
    if (alerts.length === 0) return [`${p.alert} (${p.section}): the planned alert is missing`];
    const deviating = alerts.filter((a) => a.for !== p.for || (p.threshold !== undefined && !p.threshold.test(String(a.expr))));
    const listed = lines.some((l) => l.includes(p.alert) && l.includes(p.section));
    return deviating.length > 0 && !listed
      ? [`${p.alert} (${p.section}): for ${deviating[0].for ?? 'none'}, the plan ${p.for ?? 'immediate'}, and no deviation line names it`]
      : [];
  });
}

test("the plans' systems and reports are there", () => {
  expect([...reports.keys()]).toEqual(
    expect.arrayContaining(['prod/homepage', 'dev/homepage', 'prod/social-backend', 'dev/social-backend']),
  );
});

test.each([...bySystem.entries()].filter(([k]) => PLANNED.some((p) => k.endsWith(`/${p.system}`))))(
  '%s: every planned hold time and threshold is matched, or listed as a deviation with its section',
  (key, objects) => {
    expect(problems(key, objects)).toEqual([]);
  },
);
