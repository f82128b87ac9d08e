import { spawnSync } from 'child_process';

/**
 * Whether an external tool (kubectl, promtool, ...) is on PATH. Tests that need one skip on a
 * laptop without it, saying so loudly; under CI (`CI=true`, set by .ci/run's runner) a missing
 * tool is an error, so a skipped check can never pass CI.
 */
export function hasTool(name: string, versionArgs: readonly string[] = ['--version']): boolean {
  const found = spawnSync(name, [...versionArgs], { stdio: 'ignore' }).status === 0;
  if (!found) {
    if (process.env.CI) {
      throw new Error(`${name} is required in CI but is not on PATH — .ci/run must install it`);
    }
    console.warn(`\n*** SKIPPING tests that need ${name}: it is not on PATH. Install it (see .ci/run) to run them. ***\n`);
  }
  return found;
}
