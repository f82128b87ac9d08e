/**
 * The `reliakit` command line (bin/reliakit): parses arguments with commander and runs one
 * command. Each command is a plain function returning its output and exit code (tested directly
 * in test/cli/); this file only wires arguments to them and prints.
 */
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import type { CommandResult } from './result';
import { ExitCode } from './result';

/** Where output goes: the process's streams, or a buffer in tests. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** The repository the CLI belongs to: its stacks are what `synth` and `diff` synthesize. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)];

/** The program; each action stores its result in `done`. */
function program(io: Io, done: (r: CommandResult | Promise<CommandResult>) => void): Command {
  const cli = new Command('reliakit')
    .description('Synthesize, audit and diff Reliakit Flux trees; scaffold systems.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  cli
    .command('synth')
    .description('write the Flux tree and print a summary per system and environment')
    .option('-o, --outdir <dir>', 'output directory', process.env.CDK8S_OUTDIR ?? 'dist')
    .option('-s, --system <name>', 'only this system (repeat or comma-separate for several)', collect)
    .option('-e, --env <name>', 'only this environment (repeat or comma-separate for several)', collect)
    .option('--verbose', 'print stack traces with errors')
    .action((opts: { outdir: string; system?: string[]; env?: string[]; verbose?: boolean }) => {
      // Loaded per command: `audit` never loads the stacks.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { synth } = require('./synth') as typeof import('./synth');
      done(synth({ outdir: opts.outdir, systems: opts.system, environments: opts.env, verbose: opts.verbose }));
    });

  cli
    .command('audit')
    .description('validate a manifest directory strictly (Kubernetes 1.28 + CRDs) and check the cross-object and reliability rules')
    .argument('<dir>', 'manifest directory (ours or hand-written)')
    .option('--strict', 'fail on warnings too')
    .option('--ignore-missing-schemas', 'a kind without a schema is a warning, not an error')
    .option('--json', 'print the findings as JSON')
    .action((dir: string, opts: { strict?: boolean; ignoreMissingSchemas?: boolean; json?: boolean }) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { audit } = require('./audit/audit') as typeof import('./audit/audit');
      done(audit({ dir, ...opts }));
    });

  cli
    .command('diff')
    .description('object-level diff of the tree synthesized now against a git ref or a directory, grouped by system')
    .option('--against <ref-or-dir>', 'a git ref (its stacks are synthesized in a temporary worktree) or a manifest directory', 'HEAD')
    .option('--exit-code', 'exit 1 when anything changed')
    .action((opts: { against: string; exitCode?: boolean }) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { diffCommand } = require('./diff/diff-command') as typeof import('./diff/diff-command');
      done(diffCommand({ against: opts.against, root: PROJECT_ROOT, exitCode: opts.exitCode }));
    });

  cli
    .command('new')
    .description('scaffold something new')
    .command('system')
    .description('scaffold stacks/NAME.ts and register it in the system list (stacks/systems.ts)')
    .argument('<name>', 'the system name (a DNS label)')
    .option('--root <dir>', 'the project root', PROJECT_ROOT)
    .action((name: string, opts: { root: string }) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { newSystem } = require('./new-system') as typeof import('./new-system');
      done(newSystem({ name, root: opts.root }));
    });

  return cli;
}

/** Runs the CLI on `argv` (as `process.argv`: node and script first); resolves to the exit code. */
export async function run(argv: readonly string[], io: Io = PROCESS_IO): Promise<number> {
  let result: CommandResult | Promise<CommandResult> | undefined;
  try {
    await program(io, (r) => (result = r)).parseAsync([...argv]);
  } catch (e) {
    // --help and --version end here with code 0; a bad argument with commander's message printed already.
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    throw e;
  }
  if (!result) return ExitCode.USAGE;
  const r = await result;
  if (r.stdout) io.stdout(r.stdout);
  if (r.stderr) io.stderr(r.stderr);
  return r.exitCode;
}
