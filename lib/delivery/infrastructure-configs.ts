import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterSecretStore } from '../../imports/external-secrets-clustersecretstore-external-secrets.io';
import { recommendedLabels, RELIAKIT_VERSION } from '../core/conventions';
import type { Environment } from '../core/environment';
import { FluxSettings } from './flux-settings';
import { INFRASTRUCTURE } from './tree-layout';

/** Props of an {@link InfrastructureConfigs}. */
export interface InfrastructureConfigsProps {
  readonly environment: Environment;
  readonly settings: FluxSettings;
}

/**
 * The custom resources of the infrastructure's controllers (`dist/infrastructure/<env>/configs/`),
 * applied by the `infrastructure` Kustomization once the controllers' Kustomization is ready (its
 * CRDs exist): the ClusterSecretStore every SyncedSecret of the systems names.
 */
export class InfrastructureConfigs extends Chart {
  constructor(scope: Construct, id: string, props: InfrastructureConfigsProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const infrastructure = props.settings.infrastructure;
    if (!infrastructure) throw new Error(`${this.node.path}: the app has no 'infrastructure' props`);
    const store = infrastructure.secretStore;
    new ClusterSecretStore(this, 'secret-store', {
      metadata: {
        name: store.name,
        labels: recommendedLabels({
          system: INFRASTRUCTURE,
          component: 'secret-store',
          environment: props.environment.name,
          version: RELIAKIT_VERSION,
        }),
      },
      spec: { provider: store.provider },
    });
  }
}
