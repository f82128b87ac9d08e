import { Duration } from 'cdk8s';
import { ResolvedRollout, resolveRollout } from '../../../lib/workload/reliable-service/rollout';
import { ServiceSpecProps } from '../../../lib/workload/reliable-service/props';
import { messagesOf, PATH, violations } from './support';

const DEFAULTS: ResolvedRollout = {
  revisionHistoryLimit: 5,
  progressDeadline: Duration.minutes(10),
  minReady: Duration.seconds(5),
  maxSurge: '25%',
};

describe('resolveRollout', () => {
  test.each<[string, Partial<ServiceSpecProps>, number, ResolvedRollout, string[]]>([
    ['defaults', {}, 2, DEFAULTS, []],
    [
      'everything given',
      { revisionHistoryLimit: 0, progressDeadline: Duration.minutes(30), minReady: Duration.seconds(20), maxSurge: 2 },
      4,
      { revisionHistoryLimit: 0, progressDeadline: Duration.minutes(30), minReady: Duration.seconds(20), maxSurge: 2 },
      [],
    ],
    ['a 1% surge rounds up to one pod', { maxSurge: '1%' }, 2, { ...DEFAULTS, maxSurge: '1%' }, []],
    [
      'no surge, negative history, deadline not past minReady',
      {
        maxSurge: '0%',
        revisionHistoryLimit: -1,
        progressDeadline: Duration.seconds(5),
        minReady: Duration.millis(5500),
      },
      3,
      { revisionHistoryLimit: -1, progressDeadline: Duration.seconds(5), minReady: Duration.millis(5500), maxSurge: '0%' },
      [
        `${PATH}: 'revisionHistoryLimit' (-1) is not a non-negative integer — use e.g. 5 (0 makes rollbacks impossible)`,
        `${PATH}: 'maxSurge' ('0%') allows no extra pod, and maxUnavailable is 0, so a rollout could never replace a pod — use at least 1 or a non-zero percentage such as '25%'`,
        `${PATH}: 'minReady' ('5500ms') is not a whole number of seconds — use whole seconds (Kubernetes counts in seconds)`,
        `${PATH}: 'progressDeadline' ('5s') is not longer than minReady (5500ms), which Kubernetes rejects — make progressDeadline longer than minReady`,
      ],
    ],
  ])('%s', (_name, props, maxReplicas, expected, messages) => {
    const v = violations();
    expect(resolveRollout(v, props, maxReplicas)).toEqual(expected);
    expect(messagesOf(v)).toEqual(messages);
  });
});
