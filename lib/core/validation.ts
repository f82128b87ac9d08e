import * as path from 'path';
import { Construct, IConstruct } from 'constructs';

/** Renders a received value the way a message quotes it: strings in quotes, objects as JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  // Value classes (Probe, PreStopHook, NetworkPeer) describe themselves; plain data is shown as JSON.
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) !== Object.prototype &&
    (value as object).toString !== Object.prototype.toString
  ) {
    return String(value);
  }
  return JSON.stringify(value);
}

/**
 * Collects every broken rule of one construct so the user sees all of them at once (house style 6),
 * each naming the construct path, the prop, the value received and the fix.
 */
export class Violations {
  private readonly messages: string[] = [];

  constructor(private readonly scope: Construct) {}

  /** Records `<path>: '<prop>' (<value>) <problem> — <fix>`. */
  public add(prop: string, value: unknown, problem: string, fix: string): void {
    this.messages.push(`${this.scope.node.path}: '${prop}' (${show(value)}) ${problem} — ${fix}`);
  }

  /** Records the rule when `broken` is true; returns `broken` so callers can skip dependent checks. */
  public check(broken: boolean, prop: string, value: unknown, problem: string, fix: string): boolean {
    if (broken) this.add(prop, value, problem, fix);
    return broken;
  }

  public get count(): number {
    return this.messages.length;
  }

  /**
   * Throws one Error listing every recorded violation; does nothing when there are none. In an app
   * that defers violations ({@link deferViolations}), records them with the call site instead, and
   * the app reports them together with every other construct's at validation.
   */
  public throwIfAny(): void {
    if (this.messages.length === 0) return;
    const deferred = deferredProblems(this.scope);
    if (deferred) {
      const site = callSite(captureStack());
      for (const message of this.messages) deferred.record(this.scope, { path: this.scope.node.path, message, site });
      this.messages.length = 0;
      return;
    }
    const head = `${this.scope.node.path}: ${this.messages.length} invalid setting${this.messages.length === 1 ? '' : 's'}`;
    throw new Error([head, ...this.messages.map((m) => `  - ${m}`)].join('\n'));
  }
}

/** Where user code created a construct or called a method with broken settings. */
export interface SourceSite {
  /** The file, relative to the working directory, e.g. `stacks/homepage.ts`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The whole stack trace, for `--verbose`. */
  readonly stack: string;
}

/** One broken rule found when validating an app. */
export interface ValidationProblem {
  /** The construct path, e.g. `prod/homepage/api`. */
  readonly path: string;
  /** The message: the prop, the value, the problem and the fix. */
  readonly message: string;
  /** The first frame outside the library when the construct was created (in an app that defers violations). */
  readonly site?: SourceSite;
}

/** A problem as one line of an Error: `[path] message`. */
function formatProblem(p: ValidationProblem): string {
  return `[${p.path}] ${p.message}`;
}

/** The Error an app's validation throws: every problem of every construct, each once. */
export class ValidationError extends Error {
  /** Whether `x` is a ValidationError (also across copies of the library). */
  public static isValidationError(x: unknown): x is ValidationError {
    return typeof x === 'object' && x !== null && VALIDATION_ERROR in x;
  }

  constructor(public readonly problems: readonly ValidationProblem[]) {
    super(`Validation failed with the following errors:\n  ${problems.map(formatProblem).join('\n  ')}`);
    this.name = 'ValidationError';
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
  }
}

const VALIDATION_ERROR = Symbol.for('reliakit.ValidationError');
const DEFERRED = Symbol.for('reliakit.DeferredViolations');
const CREATION_SITES = Symbol.for('reliakit.CreationSites');

/** The violations recorded in an app that defers them, by construct, in the order they occurred. */
class DeferredProblems {
  private readonly byScope = new Map<IConstruct, ValidationProblem[]>();

  public record(scope: IConstruct, problem: ValidationProblem): void {
    const list = this.byScope.get(scope) ?? [];
    list.push(problem);
    this.byScope.set(scope, list);
  }

  public of(scope: IConstruct): readonly ValidationProblem[] {
    return this.byScope.get(scope) ?? [];
  }
}

function deferredProblems(scope: IConstruct): DeferredProblems | undefined {
  return (scope.node.root as unknown as Record<symbol, DeferredProblems | undefined>)[DEFERRED];
}

/**
 * Makes every construct under `root` record its broken rules instead of throwing from the first
 * bad construct: {@link validationProblems} then returns all of them, with the stack file and line
 * that caused each. The delivery layer's `ReliakitApp` calls it when asked to (`deferValidation`).
 */
export function deferViolations(root: IConstruct): void {
  if (!deferredProblems(root)) Object.defineProperty(root, DEFERRED, { value: new DeferredProblems() });
}

/**
 * Remembers where user code creates `scope`, for problems its `node.addValidation` reports later
 * (rules over state that `add*` calls change). Only in an app that defers violations: elsewhere
 * the problem is thrown where it happens.
 */
export function recordCreationSite(scope: IConstruct): void {
  if (!deferredProblems(scope)) return;
  // Only the raw frames are captured here; V8 formats the trace on first read, i.e. only on failure.
  Object.defineProperty(scope, CREATION_SITES, { value: captureError(), configurable: true });
}

/**
 * Every problem of every construct under `root`, in tree order: the violations constructs
 * recorded (in an app that defers them) and their `node.addValidation` results, each once.
 */
export function validationProblems(root: IConstruct, include: (c: IConstruct) => boolean = () => true): ValidationProblem[] {
  const deferred = deferredProblems(root);
  const seen = new Set<string>();
  const out: ValidationProblem[] = [];
  const add = (p: ValidationProblem) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  for (const c of root.node.findAll()) {
    if (!include(c)) continue;
    deferred?.of(c).forEach(add);
    const messages = c.node.validate();
    if (messages.length === 0) continue;
    const created = (c as unknown as Record<symbol, Error | undefined>)[CREATION_SITES];
    const site = created ? callSite(created.stack ?? '') : undefined;
    for (const message of messages) add({ path: c.node.path, message, site });
  }
  return out;
}

/** lib/, whose frames are never the user's. */
const LIBRARY_DIR = path.resolve(__dirname, '..');
const STACK_DEPTH = 50;

function captureError(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_DEPTH;
  try {
    return new Error('created here');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function captureStack(): string {
  return captureError().stack ?? '';
}

/** The first frame of `stack` in user code: not in lib/, not in node_modules, not in Node itself. */
export function callSite(stack: string): SourceSite | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?([^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (file.startsWith('node:') || !path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const fromLib = path.relative(LIBRARY_DIR, file);
    if (!fromLib.startsWith('..') && !path.isAbsolute(fromLib)) continue;
    return { file: path.relative(process.cwd(), file) || file, line: Number(m[2]), column: Number(m[3]), stack };
  }
  return undefined;
}
