import { k8s } from 'cdk8s-plus-28';

/**
 * What runs in the container right after it starts: preparation the process itself does not do,
 * such as fetching data it needs before it may serve.
 *
 * What matters for reliability (Kubernetes semantics):
 * - It starts right after the container, concurrently with the entrypoint, never before it: a hook
 *   that needs the process (its port, its API) must wait for it.
 * - Until it completes, the container is not Running and no probe (startup, readiness, liveness)
 *   runs, so the pod is not Ready and receives no traffic. A startup budget (`maxStartupTime`)
 *   only starts counting afterwards.
 * - If it fails (non-zero exit), the kubelet kills the container (event `FailedPostStartHook`) and
 *   restarts it per the pod's restartPolicy (a Deployment's: always, with crash-loop back-off).
 * - An exec hook has no timeout of its own: one that hangs keeps the container from ever running,
 *   until the Deployment's progress deadline reports the rollout stalled. Bound it in the command
 *   when it can hang.
 * - It runs again on every container restart (and, rarely, twice for one start): make it
 *   idempotent. It runs inside the container, with its image, environment, user and limits.
 *
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
 */
export class PostStartHook {
  /** Runs `command` in the container (no shell unless the command starts one; the image must ship it). */
  public static exec(command: readonly string[]): PostStartHook {
    return new PostStartHook([...command]);
  }

  private constructor(private readonly argv: readonly string[]) {}

  /** The command (a copy). */
  public get command(): string[] {
    return [...this.argv];
  }

  public toString(): string {
    return `exec ${JSON.stringify(this.argv)}`;
  }

  /** @internal */
  public _toKube(): k8s.LifecycleHandler {
    return { exec: { command: [...this.argv] } };
  }
}
