import {
  ExternalSecretProps,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../../../imports/external-secrets-externalsecret-external-secrets.io';
import { PostgresSpec, postgresMetadata, ResolvedBackupRole } from './spec';

/** CNPG re-reads a managed role's password when its Secret carries this label. */
const CNPG_RELOAD_LABEL = 'cnpg.io/reload';

/**
 * The backup role's credentials as external-secrets writes them: a `kubernetes.io/basic-auth`
 * Secret (what CNPG's managed roles read) whose `username` is the role's name and whose `password`
 * comes from the store; kept when the ExternalSecret goes (the role would lose its password).
 */
export function backupRoleSecretProps(spec: PostgresSpec, role: ResolvedBackupRole): ExternalSecretProps {
  return {
    metadata: postgresMetadata(spec, role.secretName),
    spec: {
      secretStoreRef: { kind: role.store._kind, name: role.store.name },
      refreshInterval: '1h',
      target: {
        name: role.secretName,
        creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
        deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        template: {
          type: 'kubernetes.io/basic-auth',
          metadata: { labels: { [CNPG_RELOAD_LABEL]: 'true' } },
          data: { username: role.name, password: '{{ .password }}' },
        },
      },
      data: [{ secretKey: 'password', remoteRef: { key: role.remoteKey, property: role.property } }],
    },
  };
}
