import { DEFAULT_UID } from '../../core/security';
import { Violations } from '../../core/validation';
import { PodIdentityProps } from './props';

/** The pod's UID, GID and fsGroup, each defaulting to the one before it. */
export function resolveIdentity(v: Violations, identity: PodIdentityProps): Required<PodIdentityProps> {
  const runAsUser = identity.runAsUser ?? DEFAULT_UID;
  const runAsGroup = identity.runAsGroup ?? runAsUser;
  const fsGroup = identity.fsGroup ?? runAsGroup;
  v.check(
    runAsUser === 0 || runAsGroup === 0,
    'podIdentity',
    identity,
    'runs as root (UID or GID 0)',
    'use a non-root UID/GID the image supports, e.g. 65532',
  );
  return { runAsUser, runAsGroup, fsGroup };
}
