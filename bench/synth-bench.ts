/**
 * `npm run bench`: how much ReliableService + ReliakitApp synthesis costs compared with the same
 * objects built as raw cdk8s L1 objects and with a plain YAML dump (the floor).
 *
 * It also measures `npm run synth` as a user runs it (whole process: npm, node, loading, building,
 * writing dist/) for the five systems and for one, against the targets of issue #17.
 *
 * Env:
 *   BENCH_SIZES=100,1000,5000   service counts to measure
 *   BENCH_SYNTH_RUNS=5          runs of each `npm run synth` measurement (0: skip them)
 *   BENCH_RUNS=5                runs per route and size (default: 5, or 3 from 5,000 services up)
 *   BENCH_PROFILE=1000          instead of measuring, run each route once under --cpu-prof and
 *                               print where the timed section spends its time
 *
 * Every measurement runs in a fresh child process from a pre-transpiled copy of the sources, so
 * ts-node's compile cost and one route's warm JIT never leak into another's numbers.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { ChildRequest, ChildResult, RESULT_MARKER } from './child';
import { summarizeProfile } from './cpuprofile';
import { ROUTES, RouteName } from './routes';
import { compareManifests, countFiles, describeManifests, readManifests } from './verify';
import { SERVICES_PER_SYSTEM } from './workload';

const ROOT = path.resolve(__dirname, '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.md');
const VERIFY_N = 100;

const TARGETS = {
  /** ReliableService ÷ raw L1, at 1,000 and 5,000. */
  vsRawL1: 1.3,
  /** ReliableService ÷ the `yaml` floor, at 1,000 and 5,000. */
  vsFloor: 1.0,
  /** ReliableService at 5,000 ÷ at 1,000 (linear would be 5). */
  scaling: 5.5,
  /** `npm run synth` of the five systems, whole process, seconds. */
  synthFive: 2.0,
  /** `npm run synth -- --system <one>`, whole process, seconds. */
  synthOne: 1.0,
} as const;

const ROUTE_LABEL: Record<RouteName, string> = {
  'reliable-service': 'ReliableService (Flux tree)',
  'raw-l1': 'raw L1, one Chart',
  floor: 'floor (plain objects + yaml)',
  'floor-js-yaml': 'floor (plain objects + js-yaml)',
};

const TIMED_FUNCTION: Record<RouteName, string> = {
  'reliable-service': 'timedReliableService',
  'raw-l1': 'timedRawL1',
  floor: 'timedFloor',
  'floor-js-yaml': 'timedFloorJsYaml',
};

interface Measurement {
  readonly result: ChildResult;
  /** Spawn to exit, including node start-up, module loading and (baselines) spec parsing. */
  readonly wallMs: number;
}

function parseList(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.some((x) => !Number.isInteger(x) || x < 1))
    throw new Error(`expected a comma-separated list of positive integers, got '${value}'`);
  return list;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Transpiles lib/, imports/ and bench/ with the project's compiler options (what ts-node
 * --transpile-only would do, once) into `buildDir`, laid out like the repository so relative
 * imports and `require('../package.json')` resolve.
 */
function transpile(buildDir: string): void {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const compilerOptions: ts.CompilerOptions = { ...options, noEmit: false, sourceMap: false, inlineSourceMap: false, declaration: false };
  for (const dir of ['lib', 'imports', 'bench']) {
    for (const file of walk(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
      const out = path.join(buildDir, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
      const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, outputText);
    }
  }
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(buildDir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(buildDir, 'node_modules'), 'dir');
}

function runChild(buildDir: string, req: ChildRequest, nodeArgs: readonly string[] = []): Measurement {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...nodeArgs, path.join(buildDir, 'bench', 'child.js'), JSON.stringify(req)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    throw new Error(`child ${req.route} N=${req.n} failed (${r.status ?? r.signal}):\n${r.stderr || r.error?.message}`);
  }
  const line = r.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) throw new Error(`child ${req.route} N=${req.n} printed no result:\n${r.stdout}\n${r.stderr}`);
  return { result: JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult, wallMs };
}

/** Renders the workload once per size: the data the baselines rebuild. */
function specFor(buildDir: string, workDir: string, n: number, cache: Map<number, string>): string {
  const cached = cache.get(n);
  if (cached) return cached;
  const specFile = path.join(workDir, `spec-${n}.json`);
  const m = runChild(buildDir, { route: 'spec', n, outdir: '', specFile });
  console.log(`  spec N=${n}: ${m.result.objects} objects rendered in ${(m.result.synthMs / 1000).toFixed(2)} s`);
  cache.set(n, specFile);
  return specFile;
}

/** Runs the three routes once at N=100 and fails the bench when their objects differ. */
function verifyEquality(buildDir: string, workDir: string, specs: Map<number, string>): string {
  const specFile = specFor(buildDir, workDir, VERIFY_N, specs);
  const outputs = ROUTES.map((route) => {
    const outdir = path.join(workDir, `verify-${route}`);
    runChild(buildDir, { route, n: VERIFY_N, outdir, specFile });
    return { route, objects: readManifests(outdir), files: countFiles(outdir) };
  });
  const [reference, ...others] = outputs;
  const problems = others.flatMap((o) => compareManifests(reference.objects, reference.route, o.objects, o.route));
  if (problems.length > 0) {
    console.error(`\nFAIL: the routes do not emit the same objects at N=${VERIFY_N} (${problems.length} differences):`);
    for (const p of problems.slice(0, 30)) console.error(`  - ${p}`);
    throw new Error('routes differ: the comparison is meaningless until they emit identical objects');
  }
  // The two floors must write the same bytes, or the js-yaml floor is no floor for this output.
  const floorText = (route: RouteName) => fs.readFileSync(path.join(workDir, `verify-${route}`, 'floor.yaml'), 'utf8');
  if (floorText('floor') !== floorText('floor-js-yaml')) {
    throw new Error('the js-yaml floor writes other bytes than the yaml floor: it is no floor for this output');
  }
  const layout = outputs.map((o) => `${o.route} ${o.files} files`).join(', ');
  return `identical at N=${VERIFY_N}: ${describeManifests(reference.objects)}; both floors byte-identical; layout: ${layout}`;
}

/**
 * The commit the measured sources come from; lib/ changes under a running bench (it transpiles a
 * snapshot at start), so a result is only comparable with the revision it names.
 */
function sourceRevision(): string {
  const git = (...args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const head = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--', 'lib', 'imports') ? `${head} + uncommitted lib/ or imports/ changes` : head;
}

function fmtS(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? 'n/a ' : ok ? 'PASS' : 'MISS';
}

function profile(buildDir: string, workDir: string, n: number): void {
  const specFile = specFor(buildDir, workDir, n, new Map());
  // Outside the work dir, which is deleted on exit: the profiles are for opening in DevTools.
  const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-profiles-'));
  for (const route of ROUTES) {
    const name = `${route}-${n}.cpuprofile`;
    const outdir = path.join(workDir, `prof-${route}`);
    const m = runChild(buildDir, { route, n, outdir, specFile }, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}`]);
    fs.rmSync(outdir, { recursive: true, force: true });
    const s = summarizeProfile(path.join(profDir, name), TIMED_FUNCTION[route], 40);
    const pct = (ms: number): string => `${((100 * ms) / s.windowMs).toFixed(1).padStart(5)}%`;
    console.log(
      `\n## ${ROUTE_LABEL[route]} — N=${n}: timed ${fmtS(m.result.constructMs + m.result.synthMs)} s (profiled: ${fmtS(s.windowMs)} s in the timed function + ${fmtS(s.gcMs)} s GC) — ${path.join(profDir, name)}`,
    );
    console.log('\nSelf time by code (builtins and native calls charged to their JS caller):');
    for (const c of s.categories) console.log(`  ${pct(c.ms)} ${c.ms.toFixed(0).padStart(7)} ms  ${c.category}`);
    console.log('\nTop self time:');
    for (const f of s.topSelf.slice(0, 25)) console.log(`  ${pct(f.ms)} ${f.ms.toFixed(0).padStart(7)} ms  ${f.fn}`);
    console.log('\nTop inclusive time:');
    for (const f of s.topInclusive) console.log(`  ${pct(f.ms)} ${f.ms.toFixed(0).padStart(7)} ms  ${f.fn}`);
  }
}

interface ProcessRun {
  /** Spawn to exit, seconds. */
  readonly wallS: number;
  /** User + system CPU of the process and its children, seconds (when /usr/bin/time is here). */
  readonly cpuS?: number;
}

const TIME = '/usr/bin/time';

/** Runs a command from the repository root to its end; with /usr/bin/time, its CPU time too. */
function timedProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ProcessRun {
  const withTime = fs.existsSync(TIME);
  const [cmd, argv] = withTime ? [TIME, ['-f', 'BENCH_TIME %e %U %S', command, ...args]] : [command, [...args]];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', env, maxBuffer: 16 * 1024 * 1024 });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr || r.error?.message}`);
  const m = /BENCH_TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { wallS, cpuS: m ? Number(m[2]) + Number(m[3]) : undefined };
}

interface SynthCase {
  readonly label: string;
  readonly args: readonly string[];
  readonly target?: number;
}

/**
 * `npm run synth` as a user runs it, from the working tree (not the bench's snapshot): once with
 * an empty transpile cache (a fresh clone), then `runs` times with the cache filled.
 */
function measureSynth(workDir: string, runs: number): { cases: Array<SynthCase & { runs: ProcessRun[] }>; cold: ProcessRun } {
  const outdir = path.join(workDir, 'synth-dist');
  const npm = (...extra: string[]) => ['run', '--silent', 'synth', '--', '--outdir', outdir, ...extra];
  const cold = timedProcess('npm', npm(), { ...process.env, RELIAKIT_TS_CACHE: path.join(workDir, 'cold-ts-cache') });
  console.log(`  npm run synth, empty transpile cache: ${cold.wallS.toFixed(2)} s wall, ${cold.cpuS?.toFixed(2) ?? 'n/a'} s CPU`);
  const cases: Array<SynthCase & { runs: ProcessRun[] }> = [
    { label: '`npm run synth`, five systems × two environments', args: npm(), target: TARGETS.synthFive, runs: [] },
    {
      label: '`npm run synth -- --system homepage`, one system × two environments',
      args: npm('--system', 'homepage'),
      target: TARGETS.synthOne,
      runs: [],
    },
    {
      label: '`node scripts/run-fast.js stacks/main.ts` (no npm), five systems',
      args: ['scripts/run-fast.js', 'stacks/main.ts', '--outdir', outdir],
      runs: [],
    },
  ];
  timedProcess('npm', npm()); // fills the transpile cache of the working tree
  for (let r = 0; r < runs; r++) {
    for (const c of cases) {
      const m = timedProcess(c.args[0] === 'run' ? 'npm' : process.execPath, c.args);
      c.runs.push(m);
      console.log(`  ${c.label}: ${m.wallS.toFixed(2)} s wall, ${m.cpuS?.toFixed(2) ?? 'n/a'} s CPU`);
    }
  }
  return { cases, cold };
}

function main(): void {
  const started = process.hrtime.bigint();
  const sizes = parseList(process.env.BENCH_SIZES, [100, 1000, 5000]);
  const runsOverride = process.env.BENCH_RUNS ? parseList(process.env.BENCH_RUNS, [])[0] : undefined;
  const runsFor = (n: number): number => runsOverride ?? (n >= 5000 ? 3 : 5);
  const synthRuns = process.env.BENCH_SYNTH_RUNS === undefined ? 5 : Number(process.env.BENCH_SYNTH_RUNS);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliakit-bench-'));
  const buildDir = path.join(workDir, 'build');
  const revision = sourceRevision();
  const loadAtStart = os.loadavg()[0];
  try {
    transpile(buildDir);
    if (process.env.BENCH_PROFILE) {
      profile(buildDir, workDir, parseList(process.env.BENCH_PROFILE, [])[0]);
      return;
    }

    console.log(`Reliakit synth benchmark — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
    console.log(`sizes ${sizes.join(', ')}; runs ${sizes.map((n) => `${n}: ${runsFor(n)}`).join(', ')}; work dir ${workDir}\n`);

    console.log('Measuring npm run synth (whole process)…');
    const synth = synthRuns > 0 ? measureSynth(workDir, synthRuns) : undefined;
    console.log('');

    const specs = new Map<number, string>();
    console.log(`Checking that the ${ROUTES.length} routes emit the same objects…`);
    const verification = verifyEquality(buildDir, workDir, specs);
    console.log(`  ${verification}\n`);

    const measurements = new Map<string, Measurement[]>();
    const key = (route: RouteName, n: number): string => `${route}@${n}`;
    for (const n of sizes) {
      const specFile = specFor(buildDir, workDir, n, specs);
      const runs = runsFor(n);
      for (let r = 0; r < runs; r++) {
        // Rotating the order spreads thermal and page-cache drift over all routes.
        const order = ROUTES.map((_, i) => ROUTES[(i + r) % ROUTES.length]);
        for (const route of order) {
          const outdir = path.join(workDir, `out-${route}-${n}-${r}`);
          const m = runChild(buildDir, { route, n, outdir, specFile });
          fs.rmSync(outdir, { recursive: true, force: true });
          const list = measurements.get(key(route, n)) ?? [];
          list.push(m);
          measurements.set(key(route, n), list);
          const t = m.result;
          console.log(
            `  N=${String(n).padStart(5)} run ${r + 1}/${runs} ${route.padEnd(16)} ${fmtS(t.constructMs + t.synthMs).padStart(6)} s in child ` +
              `(${fmtS(t.cpuMs)} s CPU), ${fmtS(m.wallMs).padStart(6)} s process, ${t.maxRssMiB.toFixed(0)} MiB`,
          );
        }
      }
      const counts = new Set(ROUTES.map((route) => measurements.get(key(route, n))!.map((m) => m.result.objects)).flat());
      if (counts.size !== 1) throw new Error(`N=${n}: the routes emitted different object counts (${[...counts].join(', ')})`);
    }

    const stat = (route: RouteName, n: number) => {
      const ms = measurements.get(key(route, n));
      if (!ms) return undefined;
      const total = ms.map((m) => m.result.constructMs + m.result.synthMs);
      return {
        runs: ms.length,
        objects: ms[0].result.objects,
        total: median(total),
        cpu: median(ms.map((m) => m.result.cpuMs)),
        min: Math.min(...total),
        max: Math.max(...total),
        construct: median(ms.map((m) => m.result.constructMs)),
        synth: median(ms.map((m) => m.result.synthMs)),
        wall: median(ms.map((m) => m.wallMs)),
        rss: median(ms.map((m) => m.result.maxRssMiB)),
      };
    };

    const lines: string[] = [];
    lines.push(
      '| N | route | objects | runs | in-child median s (min–max) | in-child CPU s | build objects s | render + YAML + write s | whole process s | maxRSS MiB | ÷ raw L1 | ÷ yaml floor (CPU) |',
    );
    lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const n of sizes) {
      const l1 = stat('raw-l1', n)!;
      const floor = stat('floor', n)!;
      for (const route of ROUTES) {
        const s = stat(route, n)!;
        lines.push(
          `| ${n} | ${ROUTE_LABEL[route]} | ${s.objects} | ${s.runs} | ${fmtS(s.total)} (${fmtS(s.min)}–${fmtS(s.max)}) | ${fmtS(s.cpu)} | ${fmtS(s.construct)} | ${fmtS(s.synth)} ` +
            `| ${fmtS(s.wall)} | ${s.rss.toFixed(0)} | ${(s.total / l1.total).toFixed(2)}× | ${(s.total / floor.total).toFixed(2)}× (${(s.cpu / floor.cpu).toFixed(2)}×) |`,
        );
      }
    }

    // Verdicts on CPU time: other processes on the machine stretch wall time, not CPU time.
    const targets: string[] = [];
    for (const c of synth?.cases ?? []) {
      const cpu = median(c.runs.map((r) => r.cpuS ?? NaN));
      const wall = median(c.runs.map((r) => r.wallS));
      const minWall = Math.min(...c.runs.map((r) => r.wallS));
      const measured = `${Number.isNaN(cpu) ? 'CPU n/a' : `${cpu.toFixed(2)} s CPU`}, ${wall.toFixed(2)} s wall (fastest ${minWall.toFixed(2)} s), median of ${c.runs.length}`;
      if (c.target === undefined) targets.push(`- info ${c.label}: ${measured}`);
      else {
        const value = Number.isNaN(cpu) ? wall : cpu;
        targets.push(`- ${verdict(value <= c.target)} ${c.label} ≤ ${c.target.toFixed(1)} s whole process: ${measured}`);
      }
    }
    if (synth) {
      targets.push(
        `- info \`npm run synth\` with an empty transpile cache (a fresh clone): ${synth.cold.cpuS?.toFixed(2) ?? 'n/a'} s CPU, ${synth.cold.wallS.toFixed(2)} s wall`,
      );
    }
    for (const n of [1000, 5000]) {
      const rs = stat('reliable-service', n);
      const l1 = stat('raw-l1', n);
      const floor = stat('floor', n);
      const jsFloor = stat('floor-js-yaml', n);
      const vsL1 = rs && l1 ? rs.cpu / l1.cpu : undefined;
      const vsFloor = rs && floor ? rs.cpu / floor.cpu : undefined;
      targets.push(
        `- ${verdict(vsL1 === undefined ? undefined : vsL1 <= TARGETS.vsRawL1)} ReliableService ≤ ${TARGETS.vsRawL1}× raw L1 at N=${n}: ` +
          (vsL1 === undefined
            ? 'not measured'
            : `${vsL1.toFixed(2)}× CPU (${fmtS(rs!.cpu)} s vs ${fmtS(l1!.cpu)} s; wall ${(rs!.total / l1!.total).toFixed(2)}×)`),
      );
      targets.push(
        `- ${verdict(vsFloor === undefined ? undefined : vsFloor <= TARGETS.vsFloor)} ReliableService ≤ ${TARGETS.vsFloor.toFixed(1)}× the yaml floor at N=${n}: ` +
          (vsFloor === undefined
            ? 'not measured'
            : `${vsFloor.toFixed(2)}× CPU (${fmtS(rs!.cpu)} s vs ${fmtS(floor!.cpu)} s; wall ${(rs!.total / floor!.total).toFixed(2)}×)`),
      );
      if (rs && jsFloor) {
        targets.push(
          `- info ReliableService ÷ the js-yaml floor at N=${n}: ${(rs.cpu / jsFloor.cpu).toFixed(2)}× CPU (${fmtS(rs.cpu)} s vs ${fmtS(jsFloor.cpu)} s; ` +
            `js-yaml floor = ${floor ? (jsFloor.cpu / floor.cpu).toFixed(2) : 'n/a'}× the yaml floor)`,
        );
      }
    }
    const scaling = (route: RouteName): number | undefined => {
      const a = stat(route, 1000);
      const b = stat(route, 5000);
      return a && b ? b.cpu / a.cpu : undefined;
    };
    const rsScaling = scaling('reliable-service');
    targets.push(
      `- ${verdict(rsScaling === undefined ? undefined : rsScaling <= TARGETS.scaling)} ReliableService CPU time at 5,000 ≤ ${TARGETS.scaling}× its time at 1,000 (linear in N): ` +
        (rsScaling === undefined ? 'not measured' : `${rsScaling.toFixed(2)}× (linear = 5.00×)`),
    );
    const scalingLine = ROUTES.map((r) => `${ROUTE_LABEL[r]} ${scaling(r)?.toFixed(2) ?? 'n/a'}×`).join(' · ');

    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const report = [
      '# Reliakit synth benchmark',
      '',
      `${new Date().toISOString()} · sources ${revision} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ` +
        `load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end · bench run time ${elapsed.toFixed(0)} s`,
      '',
      '## Targets',
      '',
      'Verdicts compare CPU time (user + system), which other processes on the machine do not stretch; wall times beside.',
      '',
      ...targets,
      '',
      `Scaling 5,000 / 1,000 (in-child CPU): ${scalingLine}`,
      '',
      '## Fleet routes',
      '',
      `Workload: N ReliableServices in one environment (prod), ${SERVICES_PER_SYSTEM} per SystemChart; each with http/grpc/metrics ports, ` +
        'HPA (CPU + memory + scale-up/down behavior), PDB, readiness/liveness/derived startup probes, ServiceMonitor (metrics port), ' +
        'NetworkPolicy (ingress-nginx namespace rule, Prometheus, a gRPC dependency on the previous service, egress to postgres). ' +
        'Objects: 7 per service + per system a Namespace and a Flux Kustomization + one GitRepository; all routes emit all of them. ' +
        'The kustomize `kustomization.yaml` index files exist only in the Flux layout and are excluded from the comparison.',
      '',
      'Routes: **ReliableService** = `ReliakitApp.synth()` writing apps/prod/<system>/<component>.yaml + namespace.yaml + kustomization.yaml ' +
        'and clusters/prod/…; **raw L1** = the rendered objects rebuilt as `k8s.Kube*` (or `ApiObject` for CRDs) in one Chart, ' +
        "`app.synthYaml()`, one file; **yaml floor** = the rendered objects deep-copied and dumped with `YAML.stringify` using cdk8s's options, one file; " +
        "**js-yaml floor** = the same dumped with js-yaml (`lineWidth: -1, noRefs: true, quotingType: '\"'`).",
      '',
      `Equality: ${verification}.`,
      '',
      'Times are medians of fresh child processes. "in-child" = process.hrtime around building + synthesizing + writing (no module loading, ' +
        'no spec parsing); "in-child CPU" = process.cpuUsage over the same section; "whole process" = spawn to exit. maxRSS = median of the runs\' peaks; ' +
        "the baselines' include the parsed spec they rebuild from.",
      '',
      ...lines,
      '',
    ].join('\n');
    console.log(`\n${report}`);
    fs.writeFileSync(RESULTS_FILE, report, 'utf8');
    console.log(`(written to ${path.relative(ROOT, RESULTS_FILE)}; bench run time ${elapsed.toFixed(0)} s)`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main();
