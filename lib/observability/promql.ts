import { parser } from '@prometheus-io/lezer-promql';
import { labelMatches } from '../core/scrape-targets';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/**
 * Why `expr` is not valid PromQL syntax, with the position of the first error
 * (`has a syntax error at column 19: '… / ⟨here⟩'`), or undefined when it parses.
 * Syntax only: function argument types and unknown metrics are Prometheus' business.
 */
export function promqlSyntaxError(expr: string): string | undefined {
  if (expr.trim() === '') return 'is empty';
  let at: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (at !== undefined) return false;
      if (node.type.isError) {
        at = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (at === undefined) return undefined;
  const before = expr.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  const where = line > 1 ? `line ${line}, column ${column}` : `column ${column}`;
  const context = `${before.slice(-20)}⟨here⟩${expr.slice(at, at + 20)}`;
  return `has a syntax error at ${where}: '${context}'`;
}

/** A label matcher: `name op "value"`. */
export interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** A plain instant vector selector: `metric{matchers}` without offset, `@` or range. */
export interface Selector {
  /** The metric name, when written before the braces. */
  readonly metric?: string;
  readonly matchers: readonly Matcher[];
}

/** Parses a plain vector selector, or returns undefined when `text` is anything else. */
export function parseSelector(text: string): Selector | undefined {
  if (promqlSyntaxError(text) !== undefined) return undefined;
  const top = parser.parse(text).topNode.firstChild;
  if (!top || top.name !== 'VectorSelector' || top.nextSibling) return undefined;
  return selectorOfNode(text, top, false);
}

/**
 * Every vector selector of an expression (inside ranges, subqueries, functions and aggregations),
 * in order; empty when it does not parse. `{"name"="v"}` and `{"metric"}` are read too.
 */
export function vectorSelectors(expr: string): Selector[] {
  if (promqlSyntaxError(expr) !== undefined) return [];
  const found: Selector[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return undefined;
      const s = selectorOfNode(expr, node.node, true);
      if (s) found.push(s);
      return false;
    },
  });
  return found;
}

/** The selector a VectorSelector node writes; quoted label names only when `quoted` (else undefined). */
function selectorOfNode(text: string, top: SyntaxNode, quoted: boolean): Selector | undefined {
  const slice = (n: SyntaxNode) => text.slice(n.from, n.to);
  let metric: string | undefined;
  const matchers: Matcher[] = [];
  for (let child = top.firstChild; child; child = child.nextSibling) {
    if (child.name === 'Identifier') {
      metric = slice(child);
    } else if (child.name === 'LabelMatchers') {
      for (let m = child.firstChild; m; m = m.nextSibling) {
        if (quoted && m.name === 'QuotedLabelName') {
          const literal = m.getChild('StringLiteral');
          if (literal) metric = unquote(slice(literal));
          continue;
        }
        if (m.name !== 'UnquotedLabelMatcher' && !(quoted && m.name === 'QuotedLabelMatcher')) return undefined;
        const quotedName = m.getChild('QuotedLabelName')?.getChild('StringLiteral');
        const name = m.getChild('LabelName') ?? quotedName;
        const op = m.getChild('MatchOp');
        const value = m.getChildren('StringLiteral').pop();
        if (!name || !op || !value) return undefined;
        matchers.push({
          name: name === quotedName ? unquote(slice(name)) : slice(name),
          op: slice(op) as Matcher['op'],
          value: unquote(slice(value)),
        });
      }
    } else {
      return undefined;
    }
  }
  return { metric, matchers };
}

/** Renders a selector back to PromQL. */
export function formatSelector(s: Selector): string {
  const matchers = s.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(',');
  return `${s.metric ?? ''}{${matchers}}`;
}

/** `metric{matchers…}`: a selector built from parts (values quoted and escaped). */
export function selectorOf(metric: string, ...matchers: Matcher[]): string {
  return formatSelector({ metric, matchers });
}

/** The matcher `name="value"`. */
export function labelEq(name: string, value: string): Matcher {
  return { name, op: '=', value };
}

/** The matcher `name=~"regex"` (anchored by Prometheus). */
export function labelRe(name: string, value: string): Matcher {
  return { name, op: '=~', value };
}

/** Whether a series with `metric` and `labels` is selected by `s` (regexes are anchored, as in Prometheus). */
export function selects(s: Selector, metric: string, labels: Readonly<Record<string, string>>): boolean {
  if (s.metric !== undefined && s.metric !== metric) return false;
  return s.matchers.every((m) => matches(m, m.name === '__name__' ? metric : (labels[m.name] ?? '')));
}

/** Whether `value` (`''` for a missing label) satisfies `m`. */
export function matches(m: Matcher, value: string): boolean {
  return labelMatches(m, value);
}

/** A Prometheus duration for whole minutes, in the largest exact unit (`4320` → `3d`, `90` → `90m`). */
export function promDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/**
 * A number as a PromQL literal without float artefacts: `0.1 * 0.3` would print
 * `0.030000000000000002`; twelve significant digits are far beyond any SLO's precision.
 */
export function promNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** The value of a PromQL string literal ("…", '…' or `…`). */
export function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  if (quote === '"') return JSON.parse(literal) as string;
  return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
}
