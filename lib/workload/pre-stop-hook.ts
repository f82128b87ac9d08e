import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { goDuration, wholeSeconds } from '../core/units';

/**
 * What runs in the container before it receives SIGTERM. A short sleep lets endpoint removal
 * reach every kube-proxy and load balancer first, so no new request arrives at a stopping pod.
 */
export class PreStopHook {
  /**
   * Sleeps for `duration`. Rendered as `exec: sleep N` because the `sleep` lifecycle handler
   * needs Kubernetes 1.30; the image must ship a `sleep` binary.
   */
  public static sleep(duration: Duration): PreStopHook {
    const n = wholeSeconds(duration);
    return new PreStopHook(
      duration,
      n === undefined ? undefined : { exec: { command: ['sleep', String(n)] } },
      `sleep ${goDuration(duration)}`,
    );
  }

  /** Runs `command`, which takes at most `maxDuration` (counted against the grace period). */
  public static exec(command: readonly string[], maxDuration: Duration): PreStopHook {
    return new PreStopHook(maxDuration, { exec: { command: [...command] } }, `exec ${JSON.stringify(command)}`);
  }

  /** No hook: the container gets SIGTERM at once (only for pods that receive no traffic). */
  public static none(): PreStopHook {
    return new PreStopHook(Duration.seconds(0), undefined, 'none');
  }

  private constructor(
    /** The longest the hook runs. */
    public readonly duration: Duration,
    private readonly handler: k8s.LifecycleHandler | undefined,
    private readonly description: string,
  ) {}

  public toString(): string {
    return this.description;
  }

  /** @internal */
  public _toKube(): k8s.LifecycleHandler | undefined {
    return this.handler;
  }
}
