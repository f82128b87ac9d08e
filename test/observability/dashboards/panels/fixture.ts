import { DashboardSpec, PanelSpec } from '../../../../lib/observability/dashboards/panels/model';
import { parseSelector, Selector } from '../../../../lib/observability/promql';

export const selector = (text: string) => parseSelector(text) as Selector;
/** Each panel as kind, title, unit and its queries as [legend, expr]. */
export const shape = (panels: readonly PanelSpec[]) =>
  panels.map((p) => [p.kind, p.title, p.unit, p.queries.map((q) => [q.legend, q.expr])]);

export const panel = (title: string, kind: PanelSpec['kind'], ...exprs: string[]): PanelSpec => ({
  kind,
  title,
  description: `${title}.`,
  unit: 'short',
  width: 12,
  height: 8,
  queries: exprs.map((expr, i) => ({ expr, legend: `q${i}` })),
});
export const SPEC: DashboardSpec = {
  uid: 'shop-slo-dashboard',
  title: 'shop: SLOs',
  description: 'd',
  tags: ['shop', 'reliakit'],
  from: 'now-7d',
  rows: [
    { title: 'one', panels: [panel('A', 'stat', 'up'), panel('B', 'timeseries', 'rate(x_total[5m])', 'y')] },
    { title: 'two', panels: [panel('C', 'gauge', 'z')] },
  ],
};
