/**
 * `reliakit diff [--against REF|DIR]`: synthesizes the tree now (into a temporary directory) and
 * diffs it object by object against a manifest directory, or against what a git ref synthesizes:
 * the ref is checked out in a temporary worktree (`git worktree add --detach`), given this
 * checkout's node_modules, and its own synth command (cdk8s.yaml `app`) writes its tree; the
 * worktree is removed afterwards.
 */
import { execFileSync, execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readManifests } from '../manifests';
import { CommandResult, ExitCode } from '../result';
import { diffTrees, formatDiff } from './object-diff';

export interface DiffOptions {
  /** A manifest directory, or a git ref of `root`. */
  readonly against: string;
  /** The project (a git checkout) whose stacks are synthesized. */
  readonly root: string;
  /** Exit 1 when anything changed. */
  readonly exitCode?: boolean;
  /**
   * Writes the current tree into the given directory.
   * @default - the stacks' `buildApp(dir).synth()`
   */
  readonly synthNow?: (outdir: string) => void;
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `reliakit-${prefix}-`));

function defaultSynthNow(outdir: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp } = require('../../stacks/main') as typeof import('../../stacks/main');
  buildApp(outdir).synth();
}

/** The synth command of a checkout: cdk8s.yaml's `app`, which writes to `$CDK8S_OUTDIR`. */
export function synthCommandOf(checkout: string): string {
  const file = path.join(checkout, 'cdk8s.yaml');
  const app = fs.existsSync(file) ? /^app:\s*(.+)$/m.exec(fs.readFileSync(file, 'utf8'))?.[1].trim() : undefined;
  if (!app) throw new Error(`${file}: no \`app:\` command — the ref predates cdk8s.yaml; diff against a directory instead`);
  return app;
}

/** Synthesizes what `ref` of the git checkout `root` synthesizes; returns the directory it wrote. */
export function synthesizeRef(root: string, ref: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new Error(
      `'--against' ('${ref}') is neither a directory nor a commit of ${root} — give a directory, a branch, a tag or a commit`,
    );
  }
  const worktree = path.join(tmp('ref'), 'checkout');
  const outdir = tmp('ref-dist');
  git('worktree', 'add', '--detach', worktree, ref);
  try {
    const modules = path.join(root, 'node_modules');
    if (fs.existsSync(modules)) fs.symlinkSync(fs.realpathSync(modules), path.join(worktree, 'node_modules'), 'dir');
    execSync(synthCommandOf(worktree), { cwd: worktree, env: { ...process.env, CDK8S_OUTDIR: outdir }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer | string }).stderr?.toString().trim();
    throw new Error(`synthesizing ${ref} failed${stderr ? `:\n${stderr}` : `: ${(e as Error).message}`}`, { cause: e });
  } finally {
    git('worktree', 'remove', '--force', worktree);
  }
  return outdir;
}

/** Runs the diff; exit 1 on changes only with `exitCode`. */
export function diffCommand(options: DiffOptions): CommandResult {
  const isDir = fs.existsSync(options.against) && fs.statSync(options.against).isDirectory();
  let beforeDir: string;
  const nowDir = tmp('now');
  try {
    (options.synthNow ?? defaultSynthNow)(nowDir);
    beforeDir = isDir ? options.against : synthesizeRef(options.root, options.against);
  } catch (e) {
    return { exitCode: ExitCode.USAGE, stdout: '', stderr: `error: ${(e as Error).message}\n` };
  }
  try {
    const diffs = diffTrees(readManifests(beforeDir).objects, readManifests(nowDir).objects);
    const exitCode = options.exitCode && diffs.length > 0 ? ExitCode.FINDINGS : ExitCode.OK;
    return { exitCode, stdout: formatDiff(diffs, options.against), stderr: '' };
  } finally {
    fs.rmSync(nowDir, { recursive: true, force: true });
    if (!isDir) fs.rmSync(beforeDir, { recursive: true, force: true });
  }
}
