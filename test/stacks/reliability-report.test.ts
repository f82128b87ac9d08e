/** The RELIABILITY.md of every system and environment: what reviewers read beside the YAML diff. */
import { buildApp } from '../../stacks/main';

const reports = buildApp().synthTree().filter((f) => f.path.endsWith('/RELIABILITY.md'));

test('one report per system and environment, beside the apps', () => {
  expect(reports.map((r) => r.path)).toEqual(expect.arrayContaining([
    'apps/prod/homepage/RELIABILITY.md', 'apps/dev/homepage/RELIABILITY.md', 'apps/prod/listings/RELIABILITY.md', 'apps/prod/social-backend/RELIABILITY.md',
  ]));
  expect(reports).toHaveLength(10);
});

test.each(reports.map((r) => [r.path, r.content]))('%s', (_path, content) => {
  expect(content).toMatchSnapshot();
});

test('the homepage report carries the error budget in minutes, the probes, the backups and the drills', () => {
  const report = reports.find((r) => r.path === 'apps/prod/homepage/RELIABILITY.md')!.content;
  expect(report).toContain('| availability | homepage-api | 99.9 % | 30d | 0.1 % | 43.2 min |');
  expect(report).toContain('| homepage-api | 2–5 (HPA) | minAvailable 1 |');
  expect(report).toContain('| homepage-postgres-dump | postgres homepage@homepage-postgres-rw.homepage.svc:5432 | `0 * * * *` Etc/UTC | 7 days | no | `30 3 * * *` | — |');
});
