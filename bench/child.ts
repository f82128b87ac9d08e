/**
 * One measurement in a fresh process, so no route inherits another's JIT state, heap or module
 * caches. Started by synth-bench.ts with one JSON argument; prints one `BENCH_RESULT <json>` line.
 */
import * as fs from 'fs';
import { generateSpec, Manifest, RouteName, RouteTiming, timedFloor, timedFloorJsYaml, timedRawL1, timedReliableService } from './routes';

/** The argument a child is started with. */
export interface ChildRequest {
  /** A route to measure, or 'spec' to render the workload into `specFile`. */
  readonly route: RouteName | 'spec';
  readonly n: number;
  /** Where the route writes its YAML. */
  readonly outdir: string;
  readonly specFile: string;
}

/** What a child reports. */
export interface ChildResult extends RouteTiming {
  readonly route: RouteName | 'spec';
  readonly n: number;
  /** Reading the spec (baselines only): input loading, outside the timed section. */
  readonly specLoadMs: number;
  /** process.resourceUsage().maxRSS, in MiB. */
  readonly maxRssMiB: number;
}

export const RESULT_MARKER = 'BENCH_RESULT ';

function loadSpec(file: string): { spec: Manifest[]; ms: number } {
  const t0 = process.hrtime.bigint();
  const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest[];
  return { spec, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function run(req: ChildRequest): ChildResult {
  let timing: RouteTiming;
  let specLoadMs = 0;
  switch (req.route) {
    case 'spec': {
      const t0 = process.hrtime.bigint();
      const spec = generateSpec(req.n);
      fs.writeFileSync(req.specFile, JSON.stringify(spec), 'utf8');
      timing = { constructMs: 0, synthMs: Number(process.hrtime.bigint() - t0) / 1e6, objects: spec.length, cpuMs: 0 };
      break;
    }
    case 'reliable-service':
      timing = timedReliableService(req.n, req.outdir);
      break;
    case 'raw-l1':
    case 'floor':
    case 'floor-js-yaml': {
      const { spec, ms } = loadSpec(req.specFile);
      specLoadMs = ms;
      const timed = { 'raw-l1': timedRawL1, floor: timedFloor, 'floor-js-yaml': timedFloorJsYaml }[req.route];
      timing = timed(spec, req.outdir);
      break;
    }
    default:
      throw new Error(`unknown route ${JSON.stringify((req as { route: unknown }).route)}`);
  }
  return { ...timing, route: req.route, n: req.n, specLoadMs, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

if (require.main === module) {
  const req = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(run(req))}\n`);
}
