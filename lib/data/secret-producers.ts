import type { KubeJson } from '../core/json';
/**
 * Which objects produce a Kubernetes Secret, and which Secret. A tree may only read a Secret one
 * of its own objects produces: nothing is assumed to exist in the cluster. This is the one list of
 * producers; tests check every Secret reference of a tree against it, so an operator's generated
 * Secret becomes readable by adding it here, with the documentation that promises it.
 */

/** An object as synthesized (JSON), as far as producing Secrets goes. */
export interface SecretProducerObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: KubeJson;
}

/** A Secret an object produces. */
export interface ProducedSecret {
  readonly namespace: string;
  readonly name: string;
  /** Who writes it, for messages: `ExternalSecret/<name>`, `CloudNativePG (Cluster/<name>)`, ... */
  readonly producer: string;
}

/**
 * The Secrets CloudNativePG generates for a Cluster (docs: "Connecting from an application" and
 * "Certificates"): the application user's credentials (`-app`, when the Cluster bootstraps with
 * initdb and no own secret), the server CA and certificate (`-ca`, `-server`), the streaming
 * replication client certificate (`-replication`) and, only with `enableSuperuserAccess`, the
 * postgres superuser's (`-superuser`).
 */
function cnpgClusterSecrets(cluster: SecretProducerObject): string[] {
  const name = cluster.metadata.name;
  const initdb = cluster.spec?.bootstrap?.initdb;
  const appSecret = initdb?.secret?.name === undefined && (initdb !== undefined || cluster.spec?.bootstrap === undefined);
  return [
    ...(appSecret ? [`${name}-app`] : []),
    `${name}-ca`,
    `${name}-server`,
    `${name}-replication`,
    ...(cluster.spec?.enableSuperuserAccess === true ? [`${name}-superuser`] : []),
  ];
}

/** The Secrets `o` produces once applied (empty for objects that produce none). */
export function producedSecrets(o: SecretProducerObject): ProducedSecret[] {
  const namespace = o.metadata.namespace ?? '';
  const group = o.apiVersion.split('/')[0];
  if (group === 'external-secrets.io' && o.kind === 'ExternalSecret') {
    return [{ namespace, name: o.spec?.target?.name ?? o.metadata.name, producer: `ExternalSecret/${o.metadata.name}` }];
  }
  if (group === 'cert-manager.io' && o.kind === 'Certificate') {
    return [{ namespace, name: o.spec?.secretName, producer: `cert-manager (Certificate/${o.metadata.name})` }];
  }
  if (group === 'postgresql.cnpg.io' && o.kind === 'Cluster') {
    return cnpgClusterSecrets(o).map((name) => ({ namespace, name, producer: `CloudNativePG (Cluster/${o.metadata.name})` }));
  }
  return [];
}
