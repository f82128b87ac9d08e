/**
 * What reviewers read in a PR: one snapshot per system and environment — the system's data layer
 * and apps, every object as JSON — over the system list (stacks/systems.ts). A system added to the
 * list (`reliakit new system NAME`) gets its snapshots here, with no test file of its own.
 */
import { buildApp, SYSTEMS } from '../../stacks/main';
import { objectsBySystem } from '../support/tree';

const app = buildApp();
const bySystem = objectsBySystem(app.render());

test('every system of the list is synthesized once per environment', () => {
  const charts = app.systemCharts;
  expect(new Set(charts.map((c) => c.system)).size).toBe(SYSTEMS.length);
  expect([...bySystem.keys()].sort()).toEqual(charts.map((c) => `${c.environment.name}/${c.system}`).sort());
});

test.each([...bySystem.entries()])('%s', (_system, objects) => {
  expect(objects).toMatchSnapshot();
});
