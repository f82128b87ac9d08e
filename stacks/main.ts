/**
 * The cdk8s entry (`cdk8s.yaml: app`): builds every system for every environment and writes the
 * Flux tree to `$CDK8S_OUTDIR` (dist/).
 */
import { ClusterSecretStoreSpecProviderAwsService } from '../imports/external-secrets-clustersecretstore-external-secrets.io';
import { Environment, ReliakitApp } from '../lib';
import { OFFSITE_REGION } from './offsite-backups';
import { SYSTEMS } from './systems';

/** The GitOps repository Flux reads `dist/` from. */
export const GITOPS_REPOSITORY = 'https://github.com/lucena-cloud/gitops.git';

export { SYSTEMS } from './systems';

/** Builds the app; `outdir` overrides `$CDK8S_OUTDIR` (tests synthesize into temp directories). */
export function buildApp(outdir?: string): ReliakitApp {
  const app = new ReliakitApp({
    outdir,
    // Every broken rule of every construct in one error, each with the stack line that caused it.
    deferValidation: true,
    source: { url: GITOPS_REPOSITORY, branch: 'main' },
    // The cluster's operators and CRDs (prometheus-operator, CloudNativePG, cert-manager, Traefik,
    // external-secrets, LitmusChaos) as pinned Helm releases, in the Flux Kustomization
    // `infrastructure` every system depends on: applying a ServiceMonitor before its CRD exists fails.
    infrastructure: {
      // The secret manager every SyncedSecret of the stacks names (`secret-manager`): AWS Secrets
      // Manager, where the Pulumi program writes the off-site backup credentials, in their region.
      // external-secrets authenticates with the controller's own AWS identity (IRSA or EKS Pod
      // Identity on its ServiceAccount), the one credential the tree cannot sync for itself.
      secretStore: {
        name: 'secret-manager',
        provider: { aws: { service: ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: OFFSITE_REGION } },
      },
    },
  });
  for (const env of Environment.ALL) {
    for (const system of SYSTEMS) system(app.stage(env));
  }
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
