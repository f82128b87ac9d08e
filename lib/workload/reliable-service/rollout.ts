import { Duration } from 'cdk8s';
import { goDuration, seconds, wholeSeconds } from '../../core/units';
import { Violations } from '../../core/validation';
import { countAt } from './int-or-percent';
import { ServiceSpecProps } from './props';

/** Rollout settings with defaults applied. */
export interface ResolvedRollout {
  readonly revisionHistoryLimit: number;
  readonly progressDeadline: Duration;
  readonly minReady: Duration;
  readonly maxSurge: number | string;
}

export function resolveRollout(
  v: Violations,
  props: Pick<ServiceSpecProps, 'revisionHistoryLimit' | 'progressDeadline' | 'minReady' | 'maxSurge'>,
  maxReplicas: number,
): ResolvedRollout {
  const rollout: ResolvedRollout = {
    revisionHistoryLimit: props.revisionHistoryLimit ?? 5,
    progressDeadline: props.progressDeadline ?? Duration.minutes(10),
    minReady: props.minReady ?? Duration.seconds(5),
    maxSurge: props.maxSurge ?? '25%',
  };
  v.check(
    !Number.isInteger(rollout.revisionHistoryLimit) || rollout.revisionHistoryLimit < 0,
    'revisionHistoryLimit',
    rollout.revisionHistoryLimit,
    'is not a non-negative integer',
    'use e.g. 5 (0 makes rollbacks impossible)',
  );
  const surge = countAt(rollout.maxSurge, Math.max(maxReplicas, 1));
  v.check(
    surge === undefined || surge === 0,
    'maxSurge',
    rollout.maxSurge,
    'allows no extra pod, and maxUnavailable is 0, so a rollout could never replace a pod',
    "use at least 1 or a non-zero percentage such as '25%'",
  );
  for (const [prop, d] of [
    ['minReady', rollout.minReady],
    ['progressDeadline', rollout.progressDeadline],
  ] as const) {
    v.check(
      wholeSeconds(d) === undefined,
      prop,
      goDuration(d),
      'is not a whole number of seconds',
      'use whole seconds (Kubernetes counts in seconds)',
    );
  }
  v.check(
    seconds(rollout.progressDeadline) <= seconds(rollout.minReady),
    'progressDeadline',
    goDuration(rollout.progressDeadline),
    `is not longer than minReady (${goDuration(rollout.minReady)}), which Kubernetes rejects`,
    'make progressDeadline longer than minReady',
  );
  return rollout;
}
