/**
 * How the CLI prints what went wrong: each problem once, the file and line of user code that
 * caused it, and the stack trace only with `--verbose`.
 */
import { callSite, ValidationError } from '../lib';
import type { SourceSite, ValidationProblem } from '../lib';
import { count } from './result';

function siteLines(site: SourceSite | undefined, verbose: boolean): string[] {
  if (!site) return [];
  const at = [`  at ${site.file}:${site.line}:${site.column}`];
  if (!verbose) return at;
  const frames = site.stack
    .split('\n')
    .slice(1)
    .map((l) => `      ${l.trim()}`);
  return [...at, ...frames];
}

/** One problem: its message (prefixed with the construct path unless it names it already) and where. */
export function formatProblem(p: ValidationProblem, verbose = false): string {
  const message = p.message.startsWith(`${p.path}: `) || p.message.startsWith(`${p.path} `) ? p.message : `${p.path}: ${p.message}`;
  return [`error: ${message}`, ...siteLines(p.site, verbose)].join('\n');
}

/** Every problem, then a count by system (the first two path segments: `<env>/<system>`). */
export function formatProblems(problems: readonly ValidationProblem[], verbose = false): string {
  const systems = new Set(problems.map((p) => p.path.split('/').slice(0, 2).join('/')));
  return `${problems.map((p) => formatProblem(p, verbose)).join('\n\n')}\n\n${count(problems.length, 'error')} in ${[...systems].join(', ')} — nothing written\n`;
}

/** Any error: a ValidationError as its problems, anything else as its message and the user's line that led to it. */
export function formatError(e: unknown, verbose = false): string {
  if (ValidationError.isValidationError(e)) return formatProblems(e.problems, verbose);
  if (!(e instanceof Error)) return `error: ${String(e)}\n`;
  const site = callSite(e.stack ?? '');
  const stack = verbose ? [`  ${(e.stack ?? '').split('\n').slice(1).join('\n  ')}`] : siteLines(site, false);
  return `${[`error: ${e.message}`, ...stack].join('\n')}\n`;
}
