import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DASHBOARD_DATASOURCE_VARIABLE } from '../../../core/conventions';
import { DashboardSpec, PanelSpec } from './model';

const DATASOURCE = { type: 'prometheus', uid: `\${${DASHBOARD_DATASOURCE_VARIABLE}}` };

/**
 * The dashboard as Grafana's classic JSON model (schemaVersion 42), built with the SDK's
 * builders. The classic model rather than the SDK's v2 one: file provisioning, which the sidecar
 * feeds, reads classic dashboards on every Grafana version.
 */
export function renderDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    // Instance-local: Grafana assigns it; the uid identifies the dashboard everywhere.
    .id(null)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .time({ from: spec.from, to: 'now' })
    .timezone('browser')
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    // Provisioned from Git: edits in the UI could not be saved back, so none are offered.
    .readonly()
    .withVariable(new dashboard.DatasourceVariableBuilder(DASHBOARD_DATASOURCE_VARIABLE).label('Data source').type('prometheus'))
    .link(
      new dashboard.DashboardLinkBuilder('Dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([spec.tags[0]])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
  let id = 0;
  for (const row of spec.rows) {
    // Panels follow an expanded row at the top level: Grafana drops the panels nested in a row
    // unless it is collapsed.
    builder.withRow(new dashboard.RowBuilder(row.title).id(++id));
    for (const panel of row.panels) builder.withPanel(renderPanel(panel, ++id));
  }
  return builder.build();
}

function renderPanel(p: PanelSpec, id: number): cog.Builder<dashboard.Panel> {
  const targets = p.queries.map((q, i) => {
    const target = new prometheus.DataqueryBuilder().expr(q.expr).legendFormat(q.legend).refId(refId(i)).datasource(DATASOURCE);
    return p.kind === 'timeseries' ? target.range() : target.instant();
  });
  const thresholds =
    p.thresholds &&
    new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(p.thresholds.map((t) => ({ ...t })));
  const common_ = <T extends timeseries.PanelBuilder | stat.PanelBuilder | gauge.PanelBuilder>(b: T): T => {
    b.id(id).title(p.title).description(p.description).datasource(DATASOURCE).unit(p.unit).span(p.width).height(p.height).targets(targets);
    if (thresholds) b.thresholds(thresholds);
    if (p.min !== undefined) b.min(p.min);
    if (p.max !== undefined) b.max(p.max);
    if (p.decimals !== undefined) b.decimals(p.decimals);
    if (p.minInterval !== undefined) b.interval(p.minInterval);
    return b;
  };
  const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
  switch (p.kind) {
    case 'stat':
      return common_(new stat.PanelBuilder())
        .reduceOptions(lastValue())
        .graphMode(common.BigValueGraphMode.None)
        .colorMode(common.BigValueColorMode.Value);
    case 'gauge':
      return common_(new gauge.PanelBuilder()).reduceOptions(lastValue()).showThresholdMarkers(true);
    case 'timeseries': {
      const b = common_(new timeseries.PanelBuilder())
        .legend(
          new common.VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(common.LegendDisplayMode.List)
            .placement(common.LegendPlacement.Bottom),
        )
        .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
        .lineWidth(1)
        .fillOpacity(10);
      if (thresholds) b.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
      return b;
    }
  }
}

function refId(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `Q${index}`;
}

/**
 * JSON with object keys sorted at every level, two-space indented: the same dashboard always
 * serializes to the same bytes, whatever order the SDK's builders set fields in, and a change
 * shows up as a small diff. `undefined` and functions are dropped, as JSON.stringify does.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
