/**
 * `reliakit synth [--system S] [--env E]`: writes the tree (or the selected systems' part of it)
 * and prints a summary per system and environment — objects by kind, files, the audit rules'
 * findings as warnings, time. A broken app prints every problem of every construct at once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { KubeJson, ReliakitApp, RenderedDirectory, TreeFile, TreeSelection } from '../lib';
import { runRules } from './audit/rules';
import { formatError, formatProblems } from './errors';
import { CommandResult, count, ExitCode } from './result';

export interface SynthOptions {
  /** Where the tree is written. */
  readonly outdir: string;
  /** Only these systems (every system by default). */
  readonly systems?: readonly string[];
  /** Only these environments (every environment by default). */
  readonly environments?: readonly string[];
  /** Print stack traces with errors. */
  readonly verbose?: boolean;
  /**
   * Builds the app to synthesize.
   * @default - the stacks' `buildApp` (stacks/main.ts)
   */
  readonly build?: (outdir: string) => ReliakitApp;
}

/** What one system in one environment (or an environment's shared directories) synthesized to. */
export interface SynthSummary {
  /** `<env>/<system>`, or `<env>` for the infrastructure and Flux directories. */
  readonly name: string;
  readonly files: number;
  /** Object count by kind, kinds sorted. */
  readonly kinds: ReadonlyArray<readonly [string, number]>;
  /** The audit rules' findings over its objects. */
  readonly warnings: readonly string[];
  /** Rendering it, in milliseconds. */
  readonly milliseconds: number;
}

const ms = (since: number) => Math.round(performance.now() - since);

function defaultBuild(outdir: string): ReliakitApp {
  // Loaded on use: `reliakit audit` never loads the stacks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp } = require('../stacks/main') as typeof import('../stacks/main');
  return buildApp(outdir);
}

function kindsOf(objects: readonly KubeJson[]): Array<[string, number]> {
  const byKind = new Map<string, number>();
  for (const o of objects) byKind.set(o.kind, (byKind.get(o.kind) ?? 0) + 1);
  return [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function summarize(name: string, dirs: readonly RenderedDirectory[], files: readonly TreeFile[], milliseconds: number): SynthSummary {
  const objects = dirs.flatMap((d) => d.files.flatMap((f) => f.objects));
  const located = dirs.flatMap((d) =>
    d.files.flatMap((f) => f.objects.map((object, index) => ({ file: `${d.path}/${f.name}`, index, object }))),
  );
  const warnings = runRules(located).map((f) => `${f.file}: ${f.object}: ${f.message} [${f.rule}]`);
  return { name, files: files.length, kinds: kindsOf(objects), warnings, milliseconds };
}

/** Writes files below `outdir`, each directory emptied first so no stale file survives. */
function writeTree(outdir: string, files: readonly TreeFile[], whole: boolean): void {
  if (whole) fs.rmSync(outdir, { recursive: true, force: true });
  else
    for (const dir of new Set(files.map((f) => path.posix.dirname(f.path))))
      fs.rmSync(path.join(outdir, dir), { recursive: true, force: true });
  for (const file of files) {
    const target = path.join(outdir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content, 'utf8');
  }
}

/** The summary as text: one line per system and environment, its kinds below, its warnings below those. */
export function formatSummary(summaries: readonly SynthSummary[], outdir: string, totalMs: number): string {
  const lines: string[] = [];
  const width = Math.max(0, ...summaries.map((s) => s.name.length));
  for (const s of summaries) {
    const objects = s.kinds.reduce((n, [, c]) => n + c, 0);
    lines.push(
      `${s.name.padEnd(width)}  ${count(s.files, 'file').padStart(9)}  ${count(objects, 'object').padStart(11)}  ${count(s.warnings.length, 'warning').padStart(11)}  ${String(s.milliseconds).padStart(5)} ms`,
    );
    lines.push(`${' '.repeat(width)}  ${s.kinds.map(([k, c]) => `${k} ${c}`).join(', ')}`);
    for (const w of s.warnings) lines.push(`${' '.repeat(width)}  warning: ${w}`);
  }
  const files = summaries.reduce((n, s) => n + s.files, 0);
  lines.push('', `wrote ${count(files, 'file')} to ${outdir} in ${totalMs} ms`);
  return `${lines.join('\n')}\n`;
}

/** Synthesizes; exit 1 with every problem when the app is invalid (nothing is written then). */
export function synth(options: SynthOptions): CommandResult {
  const start = performance.now();
  const verbose = options.verbose === true;
  const selection: TreeSelection = { systems: options.systems, environments: options.environments };
  let app: ReliakitApp;
  try {
    app = (options.build ?? defaultBuild)(options.outdir);
  } catch (e) {
    return { exitCode: ExitCode.FINDINGS, stdout: '', stderr: formatError(e, verbose) };
  }
  const built = ms(start);
  try {
    const problems = app.validate(selection);
    if (problems.length > 0) return { exitCode: ExitCode.FINDINGS, stdout: '', stderr: formatProblems(problems, verbose) };
  } catch (e) {
    // An unknown system or environment.
    return { exitCode: ExitCode.USAGE, stdout: '', stderr: formatError(e, false) };
  }

  const validated = ms(start);

  const summaries: SynthSummary[] = [];
  const files = new Map<string, TreeFile>();
  const wanted = (name: string, list?: readonly string[]) => !list || list.includes(name);
  const environments = [...new Set(app.systemCharts.map((c) => c.environment))].filter((e) => wanted(e.name, options.environments));
  for (const env of environments) {
    const systemDirs: RenderedDirectory[] = [];
    for (const chart of app.systemCharts.filter((c) => c.environment === env)) {
      // Every system of the environment is rendered: the Flux directory's timeouts depend on all of them.
      const t = performance.now();
      const dirs = app.renderSystem(chart);
      const took = ms(t);
      systemDirs.push(...dirs);
      if (!wanted(chart.system, options.systems)) continue;
      const own = app.treeFiles(dirs);
      summaries.push(summarize(`${env.name}/${chart.system}`, dirs, own, took));
      for (const f of own) files.set(f.path, f);
    }
    const t = performance.now();
    const shared = app.renderEnvironment(env, systemDirs);
    const sharedDirs = [...shared.infrastructure, shared.cluster];
    const sharedFiles = app.treeFiles(sharedDirs);
    summaries.push(summarize(`${env.name} (infrastructure, clusters)`, sharedDirs, sharedFiles, ms(t)));
    for (const f of sharedFiles) files.set(f.path, f);
  }
  writeTree(options.outdir, [...files.values()], !options.systems && !options.environments);
  const header = `built the app in ${built} ms, validated it in ${validated - built} ms\n`;
  return { exitCode: ExitCode.OK, stdout: header + formatSummary(summaries, options.outdir, ms(start)), stderr: '' };
}
