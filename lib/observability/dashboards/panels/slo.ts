import * as units from '@grafana/grafana-foundation-sdk/units';
import { SLI_WINDOWS, SloRecords } from '../../../core/conventions';
import { errorRatioOver } from '../../alerting/burn-rate';
import { promDuration, promNumber, Selector } from '../../promql';
import { PanelSpec, RowSpec, ThresholdStep } from './model';
import { quantileExpr, quantileLegend } from './queries';

/** What the panels of one SLO need (plain data, so the queries are testable without constructs). */
export interface SloPanelsInput {
  readonly service: string;
  readonly slo: string;
  /** The objective in percent. */
  readonly objective: number;
  /** The SLO window in whole minutes. */
  readonly windowMinutes: number;
  /** The error budget as a ratio (0.001 for 99.9 %). */
  readonly errorBudget: number;
  /** The matchers of the SLO's recorded series, `{namespace="…",service="…",slo="…"}`. */
  readonly recordSelector: string;
  /** A human description of the SLI, e.g. `requests(… / …)`. */
  readonly sli: string;
  /** For a latency SLI: the histogram, its matchers and the threshold in seconds. */
  readonly latency?: { readonly histogram: string; readonly selector: Selector; readonly thresholdSeconds: number };
  /** Latency quantiles to plot (0 < q < 1). */
  readonly quantiles: readonly number[];
}

/**
 * One row per SLO: availability and error budget remaining over the SLO window, availability
 * against the objective over time, the burn rate over every recorded window, traffic, and the
 * latency quantiles of a latency SLI.
 *
 * Over the SLO window everything is computed from the recorded 5-minute rates (the recorded error
 * ratios stop at 3 days) with the recordings' own {@link errorRatioOver}. The recorded error rate
 * exists whenever requests do (the Slo reads a missing failure counter as zero), so an empty
 * panel means what the SLO's no-data alert means.
 */
export function sloRow(input: SloPanelsInput): RowSpec {
  const w = promDuration(input.windowMinutes);
  const sel = input.recordSelector;
  const errors = `${SloRecords.ERRORS_RATE5M}${sel}`;
  const requests = `${SloRecords.REQUESTS_RATE5M}${sel}`;
  const budget = promNumber(input.errorBudget);
  const objective = Number(promNumber(input.objective / 100));
  const errorRatio = (window: string) => errorRatioOver(sel, window);
  const availability = (window: string) => `1 - (\n${errorRatio(window)}\n)`;
  const objectiveLine: ThresholdStep[] = [
    { value: null, color: 'red' },
    { value: objective, color: 'green' },
  ];
  const panels: PanelSpec[] = [
    {
      kind: 'stat',
      title: `Availability (${w})`,
      description: `Share of good requests over the SLO window (${w}), traffic-weighted from the recorded 5-minute rates; green at or above the objective of ${input.objective}%.`,
      unit: units.PercentUnit,
      decimals: 3,
      queries: [{ expr: availability(w), legend: 'availability' }],
      thresholds: objectiveLine,
      width: 6,
      height: 6,
    },
    {
      kind: 'gauge',
      title: `Error budget remaining (${w})`,
      description: `Share of the error budget (${promNumber(input.errorBudget * 100)}% of requests over ${w}) not yet spent: 1 − error ratio over ${w} / budget. Below zero the SLO is broken.`,
      unit: units.PercentUnit,
      decimals: 1,
      min: 0,
      max: 1,
      queries: [{ expr: `1 - (\n${errorRatio(w)}\n) / ${budget}`, legend: 'budget remaining' }],
      thresholds: [
        { value: null, color: 'red' },
        { value: 0, color: 'orange' },
        { value: 0.25, color: 'green' },
      ],
      width: 6,
      height: 6,
    },
    {
      kind: 'timeseries',
      title: 'Availability vs objective',
      description: `Share of good requests over the rolling SLO window (${w}) and over the last hour; the dashed line is the objective (${input.objective}%).`,
      unit: units.PercentUnit,
      decimals: 3,
      minInterval: '1h',
      queries: [
        { expr: availability(w), legend: w },
        { expr: `1 - ${SloRecords.errorRatio('1h')}${sel}`, legend: '1h' },
      ],
      thresholds: objectiveLine,
      width: 12,
      height: 6,
    },
    {
      kind: 'timeseries',
      title: 'Burn rate',
      description:
        'How many times faster than sustainable the error budget is spent, per recorded window (error ratio / budget). ' +
        `At 1 the budget lasts exactly the SLO window (${w}); the page alerts fire from about 14× over 1 h.`,
      unit: units.Short,
      queries: SLI_WINDOWS.map((window) => ({ expr: `${SloRecords.errorRatio(window)}${sel} / ${budget}`, legend: window })),
      thresholds: [
        { value: null, color: 'green' },
        { value: 1, color: 'red' },
      ],
      min: 0,
      width: 12,
      height: 8,
    },
    {
      kind: 'timeseries',
      title: 'Traffic',
      description: `Requests and failed requests per second counted by the SLI (${input.sli}), recorded over 5 minutes.`,
      unit: units.RequestsPerSecond,
      queries: [
        { expr: requests, legend: 'requests' },
        { expr: errors, legend: 'errors' },
      ],
      min: 0,
      width: 12,
      height: 8,
    },
  ];
  if (input.latency) {
    const l = input.latency;
    const threshold = Number(promNumber(l.thresholdSeconds));
    panels.push({
      kind: 'timeseries',
      title: 'Latency quantiles',
      description: `Request latency quantiles from ${l.histogram} over 5 minutes; the dashed line is the SLO's threshold (${promNumber(threshold * 1000)} ms).`,
      unit: units.Seconds,
      queries: input.quantiles.map((q) => ({ expr: quantileExpr(l.histogram, l.selector, q, '5m'), legend: quantileLegend(q) })),
      thresholds: [
        { value: null, color: 'green' },
        { value: threshold, color: 'red' },
      ],
      min: 0,
      width: 24,
      height: 8,
    });
  }
  return { title: `${input.service} / ${input.slo}: ${input.objective}% over ${w}`, panels };
}
