import { SPEC } from './fixture';
import { renderDashboard, stableJson } from '../../../../lib/observability/dashboards/panels/render';

describe('stableJson', () => {
  test.each<[string, unknown, string]>([
    ['keys sorted at every level, arrays kept in order', { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}'],
    ['undefined and functions dropped, as JSON.stringify does', { b: undefined, a: () => 1, c: 'x' }, '{"c":"x"}'],
    ['scalars', 'text', '"text"'],
  ])('%s', (_, value, compact) => {
    expect(JSON.stringify(JSON.parse(stableJson(value)))).toBe(compact);
    expect(stableJson(value)).toBe(JSON.stringify(JSON.parse(compact), null, 2));
  });

  test('the same object built in another key order gives the same bytes', () => {
    expect(stableJson({ x: 1, y: { a: 1, b: 2 } })).toBe(stableJson({ y: { b: 2, a: 1 }, x: 1 }));
  });
});

describe('renderDashboard', () => {
  test('rendered with the SDK: rows then their panels at the top level, unique ids, a prometheus datasource variable on every query', () => {
    const d = renderDashboard(SPEC);
    expect(d).toMatchObject({ id: null, uid: 'shop-slo-dashboard', title: 'shop: SLOs', editable: false, tags: ['shop', 'reliakit'], time: { from: 'now-7d', to: 'now' } });
    expect(d.templating.list).toEqual([expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' })]);
    expect(d.links).toEqual([expect.objectContaining({ type: 'dashboards', tags: ['shop'], asDropdown: true, includeVars: true, keepTime: true })]);
    const panels = (d.panels ?? []) as Array<Record<string, any>>;
    expect(panels.map((p) => [p.id, p.type, p.title, p.gridPos])).toEqual([
      [1, 'row', 'one', { x: 0, y: 0, w: 24, h: 1 }],
      [2, 'stat', 'A', { x: 0, y: 1, w: 12, h: 8 }],
      [3, 'timeseries', 'B', { x: 12, y: 1, w: 12, h: 8 }],
      [4, 'row', 'two', { x: 0, y: 9, w: 24, h: 1 }],
      [5, 'gauge', 'C', { x: 0, y: 10, w: 12, h: 8 }],
    ]);
    expect(panels[0].panels).toEqual([]);
    const targets = panels.flatMap((p) => p.targets ?? []);
    expect(targets.map((t) => [t.refId, t.expr, t.instant, t.range])).toEqual([
      ['A', 'up', true, false], ['A', 'rate(x_total[5m])', false, true], ['B', 'y', false, true], ['A', 'z', true, false],
    ]);
    for (const p of panels.filter((x) => x.type !== 'row')) expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    for (const t of targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });
});
