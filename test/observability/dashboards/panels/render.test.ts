import type { KubeJson } from '../../../../lib';
import { SPEC } from './fixture';
import { PanelSpec } from '../../../../lib/observability/dashboards/panels/model';
import { renderDashboard, stableJson } from '../../../../lib/observability/dashboards/panels/render';

describe('stableJson', () => {
  test.each<[string, unknown, string]>([
    [
      'keys sorted at every level, arrays kept in order',
      { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    ],
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
    expect(d).toMatchObject({
      id: null,
      uid: 'shop-slo-dashboard',
      title: 'shop: SLOs',
      editable: false,
      tags: ['shop', 'reliakit'],
      time: { from: 'now-7d', to: 'now' },
    });
    expect(d.templating.list).toEqual([expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' })]);
    expect(d.links).toEqual([
      expect.objectContaining({ type: 'dashboards', tags: ['shop'], asDropdown: true, includeVars: true, keepTime: true }),
    ]);
    const panels = (d.panels ?? []) as KubeJson[];
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
      ['A', 'up', true, false],
      ['A', 'rate(x_total[5m])', false, true],
      ['B', 'y', false, true],
      ['A', 'z', true, false],
    ]);
    for (const p of panels.filter((x) => x.type !== 'row')) expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    for (const t of targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });
});

describe('renderDashboard: the whole output', () => {
  test('the dashboard around its panels', () => {
    expect(JSON.parse(JSON.stringify({ ...renderDashboard(SPEC), panels: undefined }))).toEqual({
      timezone: 'browser',
      editable: false,
      graphTooltip: 1,
      fiscalYearStartMonth: 0,
      schemaVersion: 42,
      templating: {
        list: [
          {
            type: 'datasource',
            name: 'datasource',
            skipUrlSync: false,
            multi: false,
            allowCustomValue: true,
            includeAll: false,
            auto: false,
            auto_min: '10s',
            auto_count: 30,
            label: 'Data source',
            query: 'prometheus',
          },
        ],
      },
      annotations: {},
      title: 'shop: SLOs',
      id: null,
      uid: 'shop-slo-dashboard',
      description: 'd',
      tags: ['shop', 'reliakit'],
      time: { from: 'now-7d', to: 'now' },
      refresh: '1m',
      links: [
        {
          title: 'Dashboards',
          type: 'dashboards',
          icon: '',
          tooltip: '',
          tags: ['shop'],
          asDropdown: true,
          placement: 'inControlsMenu',
          targetBlank: false,
          includeVars: true,
          keepTime: true,
        },
      ],
    });
  });

  test.each<[string, PanelSpec, unknown[]]>([
    [
      'a stat: instant queries, last value, thresholds and decimals',
      {
        kind: 'stat',
        title: 'Up',
        description: 'Targets up.',
        unit: 'short',
        width: 6,
        height: 6,
        decimals: 0,
        queries: [{ expr: 'sum(up)', legend: 'up' }],
        thresholds: [
          { value: null, color: 'red' },
          { value: 1, color: 'green' },
        ],
      },
      [
        { type: 'row', collapsed: false, id: 1, panels: [], title: 'row', gridPos: { x: 0, y: 0, h: 1, w: 24 } },
        {
          type: 'stat',
          transparent: false,
          repeatDirection: 'h',
          options: {
            graphMode: 'none',
            colorMode: 'value',
            justifyMode: 'auto',
            textMode: 'auto',
            wideLayout: true,
            showPercentChange: false,
            reduceOptions: { calcs: ['lastNotNull'], values: false },
            percentChangeColorMode: 'standard',
            orientation: 'auto',
          },
          id: 2,
          title: 'Up',
          description: 'Targets up.',
          datasource: { type: 'prometheus', uid: '${datasource}' },
          fieldConfig: {
            defaults: {
              unit: 'short',
              thresholds: {
                mode: 'absolute',
                steps: [
                  { value: null, color: 'red' },
                  { value: 1, color: 'green' },
                ],
              },
              decimals: 0,
            },
            overrides: [],
          },
          gridPos: { h: 6, w: 6, x: 0, y: 1 },
          targets: [
            {
              expr: 'sum(up)',
              legendFormat: 'up',
              refId: 'A',
              datasource: { type: 'prometheus', uid: '${datasource}' },
              instant: true,
              range: false,
            },
          ],
        },
      ],
    ],
    [
      'a gauge: min, max and threshold markers',
      {
        kind: 'gauge',
        title: 'Budget',
        description: 'Budget left.',
        unit: 'percentunit',
        width: 6,
        height: 6,
        min: 0,
        max: 1,
        queries: [{ expr: '1 - x', legend: 'left' }],
        thresholds: [
          { value: null, color: 'red' },
          { value: 0.25, color: 'green' },
        ],
      },
      [
        { type: 'row', collapsed: false, id: 1, panels: [], title: 'row', gridPos: { x: 0, y: 0, h: 1, w: 24 } },
        {
          type: 'gauge',
          transparent: false,
          repeatDirection: 'h',
          options: {
            showThresholdLabels: false,
            showThresholdMarkers: true,
            sizing: 'auto',
            minVizWidth: 75,
            reduceOptions: { calcs: ['lastNotNull'], values: false },
            minVizHeight: 75,
            orientation: 'auto',
          },
          id: 2,
          title: 'Budget',
          description: 'Budget left.',
          datasource: { type: 'prometheus', uid: '${datasource}' },
          fieldConfig: {
            defaults: {
              unit: 'percentunit',
              thresholds: {
                mode: 'absolute',
                steps: [
                  { value: null, color: 'red' },
                  { value: 0.25, color: 'green' },
                ],
              },
              min: 0,
              max: 1,
            },
            overrides: [],
          },
          gridPos: { h: 6, w: 6, x: 0, y: 1 },
          targets: [
            {
              expr: '1 - x',
              legendFormat: 'left',
              refId: 'A',
              datasource: { type: 'prometheus', uid: '${datasource}' },
              instant: true,
              range: false,
            },
          ],
        },
      ],
    ],
    [
      'a time series: range queries, dashed thresholds and a minimum interval',
      {
        kind: 'timeseries',
        title: 'Rate',
        description: 'Requests.',
        unit: 'reqps',
        width: 12,
        height: 8,
        min: 0,
        minInterval: '1h',
        queries: [
          { expr: 'rate(a_total[5m])', legend: 'a' },
          { expr: 'rate(b_total[5m])', legend: 'b' },
        ],
        thresholds: [
          { value: null, color: 'green' },
          { value: 10, color: 'red' },
        ],
      },
      [
        { type: 'row', collapsed: false, id: 1, panels: [], title: 'row', gridPos: { x: 0, y: 0, h: 1, w: 24 } },
        {
          type: 'timeseries',
          transparent: false,
          repeatDirection: 'h',
          options: {
            legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] },
            tooltip: { mode: 'multi', sort: 'desc' },
          },
          fieldConfig: {
            defaults: {
              custom: { lineWidth: 1, fillOpacity: 10, thresholdsStyle: { mode: 'dashed' } },
              unit: 'reqps',
              thresholds: {
                mode: 'absolute',
                steps: [
                  { value: null, color: 'green' },
                  { value: 10, color: 'red' },
                ],
              },
              min: 0,
            },
            overrides: [],
          },
          id: 2,
          title: 'Rate',
          description: 'Requests.',
          datasource: { type: 'prometheus', uid: '${datasource}' },
          gridPos: { h: 8, w: 12, x: 0, y: 1 },
          targets: [
            {
              expr: 'rate(a_total[5m])',
              legendFormat: 'a',
              refId: 'A',
              datasource: { type: 'prometheus', uid: '${datasource}' },
              range: true,
              instant: false,
            },
            {
              expr: 'rate(b_total[5m])',
              legendFormat: 'b',
              refId: 'B',
              datasource: { type: 'prometheus', uid: '${datasource}' },
              range: true,
              instant: false,
            },
          ],
          interval: '1h',
        },
      ],
    ],
  ])('%s', (_, panel, expected) => {
    const rendered = renderDashboard({ ...SPEC, rows: [{ title: 'row', panels: [panel] }] });
    expect(JSON.parse(JSON.stringify(rendered.panels))).toEqual(expected);
  });
});
