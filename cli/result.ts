/** What a command returns: the CLI prints it; tests read it. */
export interface CommandResult {
  /** 0 on success; non-zero fails CI. */
  readonly exitCode: number;
  /** The report, for stdout. */
  readonly stdout: string;
  /** Errors, for stderr. */
  readonly stderr: string;
}

/** Exit codes of every command. */
export const ExitCode = {
  OK: 0,
  /** The input has problems: validation errors, audit errors, flagged diff changes with `--exit-code`. */
  FINDINGS: 1,
  /** The command could not run: bad arguments, a missing directory, a failing git command. */
  USAGE: 2,
} as const;

/** Plural of a counted noun: `1 error`, `2 errors`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
