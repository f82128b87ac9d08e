/**
 * The synthesis entry: `npm run synth` (through the fast loader, scripts/run-fast.js) and
 * `cdk8s synth` (cdk8s.yaml: app) run it. Builds every system for every environment and writes the
 * Flux tree to `$CDK8S_OUTDIR` (dist/), replacing what was there.
 *
 *   npm run synth -- --system homepage --env prod
 *
 * `--system` and `--env` (repeatable or comma-separated) write only those systems' directories and
 * their environments' shared ones (infrastructure/, clusters/), byte for byte as the whole tree
 * has them, and leave the other systems' directories in place.
 */
import { synthesize } from './synthesize';

export { buildApp, GITOPS_REPOSITORY } from './synthesize';
export { SYSTEMS } from './systems';

/** The options of the command line. */
export interface MainArgs {
  readonly systems?: string[];
  readonly envs?: string[];
  readonly outdir?: string;
}

/** Parses `--system S`, `--env E` (repeatable, comma-separated), `--outdir D` (also `--flag=value`). */
export function parseArgs(argv: readonly string[]): MainArgs {
  const out: { systems?: string[]; envs?: string[]; outdir?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    const list = (v: string): string[] => v.split(',').filter((s) => s !== '');
    switch (flag) {
      case '--system':
        out.systems = [...(out.systems ?? []), ...list(value())];
        break;
      case '--env':
        out.envs = [...(out.envs ?? []), ...list(value())];
        break;
      case '--outdir':
        out.outdir = value();
        break;
      default:
        throw new Error(`unknown argument '${argv[i]}' — use --system S, --env E, --outdir D`);
    }
  }
  return out;
}

if (require.main === module) {
  try {
    const args = parseArgs(process.argv.slice(2));
    // The whole tree replaces the directory (what is no longer synthesized goes, as with cdk8s
    // synth); a selection writes its systems' directories and leaves the others in place.
    const result = synthesize({ ...args, clean: args.systems === undefined && args.envs === undefined });
    const envs = new Set(result.systems.map((s) => s.environment));
    const systems = new Set(result.systems.map((s) => s.system));
    console.log(
      `synthesized ${systems.size} systems × ${envs.size} environments: ${result.objects} objects in ${result.files.length} files → ${result.outdir}`,
    );
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
