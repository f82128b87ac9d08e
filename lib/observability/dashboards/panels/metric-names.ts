import { parser } from '@prometheus-io/lezer-promql';
import { promqlSyntaxError, unquote } from '../../promql';

// For the checks that every queried metric is scraped or recorded.

/**
 * The metric names an expression reads, sorted and without duplicates, from the lezer-promql
 * parse tree: the name before a selector's braces (`rate(http_requests_total{…}[5m])`), an exact
 * `__name__="…"` matcher, or a quoted name (`{"my.metric"}`). Function names, label names and
 * string arguments are not metrics. A regex name matcher (`{__name__=~"…"}`) names no single
 * metric and is left out. Throws when the expression does not parse.
 */
export function metricNames(expr: string): string[] {
  const problem = promqlSyntaxError(expr);
  if (problem !== undefined) throw new Error(`expression '${expr}' ${problem}`);
  const names = new Set<string>();
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const identifier = node.getChild('Identifier');
    if (identifier) names.add(text(identifier));
    const matchers = node.getChild('LabelMatchers');
    for (let m = matchers?.firstChild ?? null; m; m = m.nextSibling) {
      if (m.name === 'QuotedLabelName') {
        const literal = m.getChild('StringLiteral');
        if (literal) names.add(unquote(text(literal)));
        continue;
      }
      const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const op = m.getChild('MatchOp');
      const value = m.getChild('StringLiteral');
      const label = name && (name.name === 'LabelName' ? text(name) : unquote(text(name)));
      if (label === '__name__' && op && text(op) === '=' && value) names.add(unquote(text(value)));
    }
  } while (cursor.next());
  return [...names].sort();
}
