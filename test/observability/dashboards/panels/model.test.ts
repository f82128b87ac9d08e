import { panel, SPEC } from './fixture';
import { DashboardSpec, dashboardQueries, dashboardSyntaxErrors } from '../../../../lib/observability/dashboards/panels/model';
import { promqlSyntaxError } from '../../../../lib/observability/promql';

describe('dashboard model', () => {
  test('queries in panel order, with their row and panel', () => {
    expect(dashboardQueries(SPEC)).toEqual([
      { row: 'one', panel: 'A', expr: 'up' },
      { row: 'one', panel: 'B', expr: 'rate(x_total[5m])' },
      { row: 'one', panel: 'B', expr: 'y' },
      { row: 'two', panel: 'C', expr: 'z' },
    ]);
  });

  test('a syntax error names the dashboard, the panel and the expression', () => {
    expect(dashboardSyntaxErrors(SPEC)).toEqual([]);
    const broken: DashboardSpec = {
      ...SPEC,
      rows: [SPEC.rows[0], { title: 'two', panels: [panel('C', 'gauge', 'sum(rate(x[5m])', 'ok')] }],
    };
    expect(dashboardSyntaxErrors(broken)).toEqual([
      `dashboard 'shop-slo-dashboard', panel 'two › C': expression 'sum(rate(x[5m])' ${promqlSyntaxError('sum(rate(x[5m])')}`,
    ]);
  });
});
