/** Values that differ between environments, one per environment kind. */
export interface PerEnvironment<T> {
  /** The value in production. */
  readonly prod: T;
  /** The value in every non-production environment. */
  readonly dev: T;
}

/**
 * A deployment environment. Stacks are written once and synthesized per environment; the
 * environment decides sizes (`env.pick({ prod: 3, dev: 1 })`) and the output directories
 * (`dist/apps/<name>/`, `dist/clusters/<name>/`).
 */
export class Environment {
  /** Production: the plans' values. */
  public static readonly PROD = new Environment('prod', true);
  /** Development: same shape, smaller. */
  public static readonly DEV = new Environment('dev', false);

  /** Every built-in environment, in synthesis order. */
  public static readonly ALL: readonly Environment[] = [Environment.PROD, Environment.DEV];

  /** The built-in environment called `name`; throws listing the known names otherwise. */
  public static of(name: string): Environment {
    const found = Environment.ALL.find((e) => e.name === name);
    if (!found) {
      throw new Error(`unknown environment '${name}' — use one of ${Environment.ALL.map((e) => `'${e.name}'`).join(', ')}`);
    }
    return found;
  }

  private constructor(
    /** Short DNS-safe name, used in labels and paths. */
    public readonly name: string,
    /** Whether this environment carries production traffic. */
    public readonly isProduction: boolean,
  ) {}

  /** Picks the value for this environment. */
  public pick<T>(values: PerEnvironment<T>): T {
    return this.isProduction ? values.prod : values.dev;
  }

  public toString(): string {
    return this.name;
  }
}
