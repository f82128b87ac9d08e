import { k8s } from 'cdk8s-plus-28';

/** The pod's user and group. */
export interface PodIdentity {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
}

/** The distroless `nonroot` user, Reliakit's default UID/GID. */
export const DEFAULT_UID = 65532;

/**
 * Pod-level settings of the restricted Pod Security Standard: non-root with a fixed numeric UID
 * (so the kubelet can verify runAsNonRoot without reading the image) and the runtime's seccomp
 * profile.
 */
export function restrictedPodSecurityContext(identity: PodIdentity): k8s.PodSecurityContext {
  return { runAsNonRoot: true, ...identity, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container-level settings of the restricted standard, plus a read-only root filesystem. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  };
}
