/**
 * The cdk8s entry (`cdk8s.yaml: app`): builds every system for every environment and writes the
 * Flux tree to `$CDK8S_OUTDIR` (dist/).
 */
import { Environment, ReliakitApp } from '../lib';
import { homepageStack } from './homepage';
import { listingsStack } from './listings';
import { llmDataVaultStack } from './llm-data-vault';
import { postfactaStack } from './postfacta';
import { socialBackendStack } from './social-backend';

/** The GitOps repository Flux reads `dist/` from. */
export const GITOPS_REPOSITORY = 'https://github.com/lucena-cloud/gitops.git';

/** Every system, in synthesis order. */
export const SYSTEMS = [homepageStack, postfactaStack, llmDataVaultStack, socialBackendStack, listingsStack] as const;

/** Builds the app; `outdir` overrides `$CDK8S_OUTDIR` (tests synthesize into temp directories). */
export function buildApp(outdir?: string): ReliakitApp {
  const app = new ReliakitApp({
    outdir,
    source: { url: GITOPS_REPOSITORY, branch: 'main' },
    // The cluster's operators (prometheus-operator, ...) are installed by the Flux
    // Kustomization `infrastructure`; applying a ServiceMonitor before its CRD exists fails.
    infrastructureDependency: 'infrastructure',
  });
  for (const env of Environment.ALL) {
    for (const system of SYSTEMS) system(app.stage(env));
  }
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
