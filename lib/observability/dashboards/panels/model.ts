import { promqlSyntaxError } from '../../promql';

// The dashboard model: what a panel shows, independent of Grafana's JSON (render.ts turns it into that).

/** One PromQL query of a panel and the legend of its series. */
export interface QuerySpec {
  readonly expr: string;
  /** Grafana legend format, e.g. `{{pod}}` or `p99`. */
  readonly legend: string;
}

/** One threshold step: from `value` (null: the base) upwards, `color`. */
export interface ThresholdStep {
  readonly value: number | null;
  readonly color: string;
}

/** One panel: a time series (range queries), or a stat or gauge of the current value (instant queries). */
export interface PanelSpec {
  readonly kind: 'timeseries' | 'stat' | 'gauge';
  readonly title: string;
  /** What the panel shows and how it is computed (the panel's info tooltip). */
  readonly description: string;
  /** A Grafana unit id, e.g. `percentunit`, `reqps`, `s`, `bytes`. */
  readonly unit: string;
  readonly queries: readonly QuerySpec[];
  /** Width in grid columns (of 24). */
  readonly width: number;
  /** Height in grid rows. */
  readonly height: number;
  /** Colour steps; a time series draws them as dashed lines (an objective, a limit). */
  readonly thresholds?: readonly ThresholdStep[];
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  /**
   * The smallest step between points of a time series: a sum over the SLO window reads weeks of
   * samples per point, so its points are spaced out to keep the query cheap.
   */
  readonly minInterval?: string;
}

/** A titled row of panels. */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** A whole dashboard. */
export interface DashboardSpec {
  /** Stable identifier (≤ 40 characters): the dashboard's URL and what links and provisioning key on. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** Tags; the first one also links the dashboards sharing it (a dropdown of the system's dashboards). */
  readonly tags: readonly string[];
  /** The default time range, e.g. `now-6h`. */
  readonly from: string;
  readonly rows: readonly RowSpec[];
}

/** Every query of a dashboard with the row and panel it belongs to. */
export interface LocatedQuery {
  readonly row: string;
  readonly panel: string;
  readonly expr: string;
}

/** Grafana's maximum uid length. */
export const MAX_UID_LENGTH = 40;

/** The queries of a dashboard, in panel order. */
export function dashboardQueries(spec: DashboardSpec): LocatedQuery[] {
  return spec.rows.flatMap((r) => r.panels.flatMap((p) => p.queries.map((q) => ({ row: r.title, panel: p.title, expr: q.expr }))));
}

/**
 * Why each query of a dashboard does not parse, as
 * `dashboard '<uid>', panel '<row> › <panel>': expression '<expr>' <problem>`.
 */
export function dashboardSyntaxErrors(spec: DashboardSpec): string[] {
  return dashboardQueries(spec).flatMap((q) => {
    const problem = promqlSyntaxError(q.expr);
    return problem === undefined ? [] : [`dashboard '${spec.uid}', panel '${q.row} › ${q.panel}': expression '${q.expr}' ${problem}`];
  });
}
