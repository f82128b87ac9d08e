import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PostStartHook } from '../../../lib/workload/post-start-hook';
import { PreStopHook } from '../../../lib/workload/pre-stop-hook';
import { ShutdownProps } from '../../../lib/workload/reliable-service/props';
import { renderLifecycle, ResolvedLifecycle, resolveLifecycle } from '../../../lib/workload/reliable-service/shutdown';
import { messagesOf, PATH, violations } from './support';

describe('resolveLifecycle', () => {
  test.each<[string, ShutdownProps | undefined, PostStartHook | undefined, ResolvedLifecycle, string[]]>([
    [
      'defaults: sleep 5 s, drain 25 s, grace 35 s',
      undefined,
      undefined,
      {
        postStart: undefined,
        preStop: PreStopHook.sleep(Duration.seconds(5)),
        drainTimeout: Duration.seconds(25),
        terminationGracePeriod: Duration.seconds(35),
      },
      [],
    ],
    [
      'grace derived from an exec preStop and the drain',
      { drainTimeout: Duration.seconds(40), preStop: PreStopHook.exec(['/bin/drain'], Duration.seconds(10)) },
      PostStartHook.exec(['/bin/warm']),
      {
        postStart: PostStartHook.exec(['/bin/warm']),
        preStop: PreStopHook.exec(['/bin/drain'], Duration.seconds(10)),
        drainTimeout: Duration.seconds(40),
        terminationGracePeriod: Duration.seconds(55),
      },
      [],
    ],
    [
      'an explicit grace period too short, an empty postStart',
      { drainTimeout: Duration.seconds(30), terminationGracePeriod: Duration.seconds(30) },
      PostStartHook.exec([]),
      {
        postStart: PostStartHook.exec([]),
        preStop: PreStopHook.sleep(Duration.seconds(5)),
        drainTimeout: Duration.seconds(30),
        terminationGracePeriod: Duration.seconds(30),
      },
      [
        `${PATH}: 'postStart' ('exec []') has an empty command, which Kubernetes rejects or fails at every container start — pass the command to run, e.g. PostStartHook.exec(['sh', '-c', '...']), or remove postStart`,
        `${PATH}: 'shutdown.terminationGracePeriod' ('30s') is not longer than preStop (5s) + drainTimeout (30s) = 35 s, so in-flight requests are killed — raise terminationGracePeriod above 35 s or shorten preStop/drainTimeout`,
      ],
    ],
    [
      'a longest request covered by the preStop sleep (a server without a drain)',
      { drainTimeout: Duration.seconds(5), preStop: PreStopHook.sleep(Duration.seconds(125)), longestRequest: Duration.minutes(2) },
      undefined,
      {
        postStart: undefined,
        preStop: PreStopHook.sleep(Duration.seconds(125)),
        drainTimeout: Duration.seconds(5),
        terminationGracePeriod: Duration.seconds(135),
      },
      [],
    ],
    [
      'a longest request the drain cuts',
      { drainTimeout: Duration.seconds(5), preStop: PreStopHook.sleep(Duration.seconds(30)), longestRequest: Duration.minutes(2) },
      undefined,
      {
        postStart: undefined,
        preStop: PreStopHook.sleep(Duration.seconds(30)),
        drainTimeout: Duration.seconds(5),
        terminationGracePeriod: Duration.seconds(40),
      },
      [
        `${PATH}: 'shutdown.longestRequest' ('2m') is not covered by preStop (30s) + drainTimeout (5s) = 35 s: a request accepted during endpoint removal (5 s) is cut after 30 s — make preStop + drainTimeout at least 125 s, e.g. PreStopHook.sleep(Duration.seconds(120)) with this drainTimeout`,
      ],
    ],
    [
      'a longest request that is not positive',
      { drainTimeout: Duration.seconds(25), longestRequest: Duration.seconds(0) },
      undefined,
      {
        postStart: undefined,
        preStop: PreStopHook.sleep(Duration.seconds(5)),
        drainTimeout: Duration.seconds(25),
        terminationGracePeriod: Duration.seconds(35),
      },
      [`${PATH}: 'shutdown.longestRequest' ('0s') is not a positive duration — use the clients' request timeout, e.g. Duration.minutes(2)`],
    ],
    [
      'a drain timeout of fractional seconds',
      { drainTimeout: Duration.millis(1500) },
      undefined,
      {
        postStart: undefined,
        preStop: PreStopHook.sleep(Duration.seconds(5)),
        drainTimeout: Duration.millis(1500),
        terminationGracePeriod: Duration.seconds(12),
      },
      [`${PATH}: 'shutdown.drainTimeout' ('1500ms') is not a whole number of seconds — use whole seconds (Kubernetes counts in seconds)`],
    ],
  ])('%s', (_name, shutdown, postStart, expected, messages) => {
    const v = violations();
    expect(resolveLifecycle(v, shutdown, postStart)).toEqual(expected);
    expect(messagesOf(v)).toEqual(messages);
  });
});

describe('renderLifecycle', () => {
  const base = { drainTimeout: Duration.seconds(25), terminationGracePeriod: Duration.seconds(35) };
  test.each<[string, ResolvedLifecycle, object | undefined]>([
    [
      'preStop sleep',
      { ...base, postStart: undefined, preStop: PreStopHook.sleep(Duration.seconds(5)) },
      { preStop: { exec: { command: ['sleep', '5'] } } },
    ],
    [
      'postStart beside preStop',
      { ...base, postStart: PostStartHook.exec(['/bin/warm']), preStop: PreStopHook.exec(['/bin/drain'], Duration.seconds(3)) },
      {
        postStart: { exec: { command: ['/bin/warm'] } },
        preStop: { exec: { command: ['/bin/drain'] } },
      },
    ],
    ['no hook at all', { ...base, postStart: undefined, preStop: PreStopHook.none() }, undefined],
  ])('%s', (_name, lifecycle, expected) => {
    const rendered = renderLifecycle(lifecycle);
    expect(rendered === undefined ? undefined : k8s.toJson_Lifecycle(rendered)).toEqual(expected);
  });
});
