import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { goDuration, seconds, wholeSeconds } from '../../core/units';
import { Violations } from '../../core/validation';
import { PostStartHook } from '../post-start-hook';
import { PreStopHook } from '../pre-stop-hook';
import { ShutdownProps } from './props';

const DEFAULT_PRE_STOP = Duration.seconds(5);
const DEFAULT_DRAIN = Duration.seconds(25);
const GRACE_MARGIN = Duration.seconds(5);
/** How long endpoint removal takes to reach every proxy: requests may still arrive until then. */
export const ENDPOINT_PROPAGATION = Duration.seconds(5);

/** The container's lifecycle with every default decided. */
export interface ResolvedLifecycle {
  readonly postStart: PostStartHook | undefined;
  readonly preStop: PreStopHook;
  readonly drainTimeout: Duration;
  readonly terminationGracePeriod: Duration;
}

export function resolveLifecycle(
  v: Violations,
  shutdown: ShutdownProps | undefined,
  postStart: PostStartHook | undefined,
): ResolvedLifecycle {
  if (postStart) {
    const command = postStart.command;
    v.check(
      command.length === 0 || command[0].trim() === '',
      'postStart',
      postStart.toString(),
      'has an empty command, which Kubernetes rejects or fails at every container start',
      "pass the command to run, e.g. PostStartHook.exec(['sh', '-c', '...']), or remove postStart",
    );
  }
  const preStop = shutdown?.preStop ?? PreStopHook.sleep(DEFAULT_PRE_STOP);
  const drainTimeout = shutdown?.drainTimeout ?? DEFAULT_DRAIN;
  const minimumGrace = seconds(preStop.duration) + seconds(drainTimeout);
  const grace = shutdown?.terminationGracePeriod ?? Duration.seconds(Math.ceil(minimumGrace + seconds(GRACE_MARGIN)));
  if (shutdown?.terminationGracePeriod !== undefined) {
    v.check(
      seconds(grace) <= minimumGrace,
      'shutdown.terminationGracePeriod',
      goDuration(grace),
      `is not longer than preStop (${goDuration(preStop.duration)}) + drainTimeout (${goDuration(drainTimeout)}) = ${minimumGrace} s, so in-flight requests are killed`,
      `raise terminationGracePeriod above ${minimumGrace} s or shorten preStop/drainTimeout`,
    );
  }
  const longest = shutdown?.longestRequest;
  if (longest !== undefined) {
    const needed = seconds(ENDPOINT_PROPAGATION) + seconds(longest);
    const invalid = v.check(
      !(seconds(longest) > 0),
      'shutdown.longestRequest',
      goDuration(longest),
      'is not a positive duration',
      "use the clients' request timeout, e.g. Duration.minutes(2)",
    );
    if (!invalid)
      v.check(
        minimumGrace < needed,
        'shutdown.longestRequest',
        goDuration(longest),
        `is not covered by preStop (${goDuration(preStop.duration)}) + drainTimeout (${goDuration(drainTimeout)}) = ${minimumGrace} s: a request accepted during endpoint removal (${seconds(ENDPOINT_PROPAGATION)} s) is cut after ${minimumGrace - seconds(ENDPOINT_PROPAGATION)} s`,
        `make preStop + drainTimeout at least ${needed} s, e.g. PreStopHook.sleep(Duration.seconds(${needed - seconds(drainTimeout)})) with this drainTimeout`,
      );
  }
  for (const [prop, d] of [
    ['shutdown.preStop', preStop.duration],
    ['shutdown.drainTimeout', drainTimeout],
    ['shutdown.terminationGracePeriod', grace],
  ] as const) {
    v.check(
      wholeSeconds(d) === undefined,
      prop,
      goDuration(d),
      'is not a whole number of seconds',
      'use whole seconds (Kubernetes counts in seconds)',
    );
  }
  return { postStart, preStop, drainTimeout, terminationGracePeriod: grace };
}

/** The container's `lifecycle`: undefined when there is neither hook (`PreStopHook.none()`, no postStart). */
export function renderLifecycle(lifecycle: ResolvedLifecycle): k8s.Lifecycle | undefined {
  const preStop = lifecycle.preStop._toKube();
  const postStart = lifecycle.postStart?._toKube();
  return preStop || postStart ? { postStart, preStop } : undefined;
}
