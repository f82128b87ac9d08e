import { Construct } from 'constructs';
import { GrafanaDashboard, ReliakitApp } from '../../../lib';
import { DashboardSpec } from '../../../lib/observability/dashboards/panels/model';
import { promqlSyntaxError } from '../../../lib/observability/promql';
import { testChart, withScrapeJobs } from '../../support/synth';

/** A dashboard whose one panel queries `expr`: the synth-time check of every subclass. */
class OnePanel extends GrafanaDashboard {
  constructor(
    scope: Construct,
    id: string,
    private readonly expr: string,
  ) {
    super(scope, id, {}, (system) => `${system}: one panel`);
    this.violations.throwIfAny();
  }

  protected spec(): DashboardSpec {
    return {
      uid: this.uid,
      title: this.title,
      description: 'd',
      tags: ['shop'],
      from: 'now-1h',
      rows: [
        {
          title: 'row',
          panels: [
            {
              kind: 'stat',
              title: 'Up',
              description: 'd',
              unit: 'short',
              width: 6,
              height: 4,
              queries: [{ expr: this.expr, legend: 'up' }],
            },
          ],
        },
      ],
    };
  }

  protected emptyProblem(): string | undefined {
    return undefined;
  }
}

describe('GrafanaDashboard', () => {
  test('synthesis fails on a query that does not parse, naming the dashboard, the panel and the expression', () => {
    const chart = testChart(undefined, 'shop');
    new OnePanel(chart, 'broken', 'sum(up{job="a"}');
    expect(() => ReliakitApp.of(chart).render()).toThrow(
      `prod/shop/broken: dashboard 'shop-broken', panel 'row › Up': expression 'sum(up{job="a"}' ${promqlSyntaxError('sum(up{job="a"}')}`,
    );
  });

  test('a query that parses synthesizes', () => {
    const chart = withScrapeJobs(testChart(undefined, 'shop'), 'a');
    const dashboard = new OnePanel(chart, 'fine', 'sum(up{job="a"})');
    expect(() => ReliakitApp.of(chart).render()).not.toThrow();
    expect(dashboard.queries).toEqual([{ row: 'row', panel: 'Up', expr: 'sum(up{job="a"})' }]);
    expect(dashboard.metrics).toEqual(['up']);
  });
});
