import { SelectorUse } from '../core/scrape-targets';
import type { Slo } from './alerting/slo';
import { parseSelector, vectorSelectors } from './promql';

// What the system's queries read, published for SystemChart's check that each selector naming a
// job, namespace or service of the system's workloads matches a real scrape target
// (`IScrapeSelectors` in core/scrape-targets.ts, which also states which selectors are checked).

/** Every vector selector of `expr` (none when it does not parse: the syntax check reports that). */
export function exprSelectorUses(path: string, where: string, expr: string): SelectorUse[] {
  return vectorSelectors(expr).map((s) => ({ path, where, metric: s.metric, matchers: s.matchers }));
}

/** The selectors of an SLO's SLI, as the stack wrote them (`sli.total`, `sli.errors`, `sli.good`, `sli.selector`). */
export function sloSelectorUses(slo: Slo): SelectorUse[] {
  const uses: SelectorUse[] = [];
  const add = (where: string, text: string | undefined, metric?: string) => {
    const s = text === undefined ? undefined : parseSelector(text);
    if (s) uses.push({ path: slo.node.path, where, metric: s.metric ?? metric, matchers: s.matchers });
  };
  const r = slo.sli.requestsProps;
  const l = slo.sli.latencyProps;
  if (r) for (const key of ['total', 'errors', 'good'] as const) add(`sli.${key}`, r[key]);
  if (l) add('sli.selector', l.selector ?? '{}', `${l.histogram}_count`);
  return uses;
}
