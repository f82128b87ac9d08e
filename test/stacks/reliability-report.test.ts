/** The RELIABILITY.md of every system and environment: what reviewers read beside the YAML diff. */
import { buildApp } from '../../stacks/main';

const app = buildApp();
const reports = app.synthTree().filter((f) => f.path.endsWith('/RELIABILITY.md'));

test('one report per system and environment, beside the apps', () => {
  // As many as the system list has systems, in every environment: no count to update for a new system.
  expect(reports.map((r) => r.path).sort()).toEqual(
    app.systemCharts.map((c) => `${app.appDirectory(c.environment, c)}/RELIABILITY.md`).sort(),
  );
  expect(reports.map((r) => r.path)).toEqual(
    expect.arrayContaining(['apps/prod/homepage/RELIABILITY.md', 'apps/dev/homepage/RELIABILITY.md']),
  );
});

test.each(reports.map((r) => [r.path, r.content]))('%s', (_path, content) => {
  expect(content).toMatchSnapshot();
});

test('the homepage report carries the error budget in minutes, the probes, the backups and the drills', () => {
  const report = reports.find((r) => r.path === 'apps/prod/homepage/RELIABILITY.md')!.content;
  expect(report).toContain('| availability | homepage-api | 99.9 % | 30d | 0.1 % | 43.2 min |');
  expect(report).toContain('| homepage-api | 2–5 (HPA) | minAvailable 1 |');
  expect(report).toContain(
    '| homepage-postgres-dump | postgres homepage@homepage-postgres-ro.homepage.svc:5432 | `0 * * * *` Etc/UTC | 7 days | no | `30 3 * * *` | — |',
  );
  // Production review 5: each database's drills, the measured-RTO series and the RPO/RTO alerts.
  expect(report).toContain('  - physical restore drill homepage-postgres-restore-drill (`0 5 * * 0` Etc/UTC)');
  expect(report).toContain('measured RTO `postgres_restore_drill:measured_rto_seconds{cronjob="homepage-postgres-restore-drill"}`');
  expect(report).toContain(
    '  - RPO/RTO alerts: PostgresWalArchiveBehindRpo (critical), PostgresRestoreDrillOverRto (warning), PostgresRestoreDrillFailed (warning)',
  );
});

test("the social-backend report names each alert's subject and priority, and where alerts are routed", () => {
  const report = reports.find((r) => r.path === 'apps/prod/social-backend/RELIABILITY.md')!.content;
  expect(report).toContain('| TargetDown | social-backend-realtime | critical (P1) | ');
  expect(report).toContain(
    '- social-backend-alert-routing (AlertmanagerConfig, alerts labelled `namespace: social-backend`): every alert to Slack; ' +
      'PagerDuty for P1, P2; email digest for P3; grouped by namespace, alertname, service, repeated every 4h; ' +
      'tickets muted while a page of the same service fires.',
  );
});
