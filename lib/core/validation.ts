import { Construct } from 'constructs';

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

  /** Throws one Error listing every recorded violation; does nothing when there are none. */
  public throwIfAny(): void {
    if (this.messages.length === 0) return;
    const head = `${this.scope.node.path}: ${this.messages.length} invalid setting${this.messages.length === 1 ? '' : 's'}`;
    throw new Error([head, ...this.messages.map((m) => `  - ${m}`)].join('\n'));
  }
}
