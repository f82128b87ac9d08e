import { execFileSync } from 'child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  ChaosExperiment,
  ChaosFault,
  ChaosSchedule,
  Environment,
  HAPostgres,
  PoolMode,
  Probe,
  ReliableService,
  ReliableServiceProps,
  SteadyStateProbe,
} from '../../lib';
import { chaosRunPlan, chaosRunScript } from '../../lib/chaos/chaos-schedule';
import { find, ofKind, synth, testChart } from '../support/synth';

const serviceProps: ReliableServiceProps = {
  image: 'registry.example.com/api:1.2.3',
  ports: { http: 8080 },
  resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
  probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') },
  replicas: 2,
};
const steadyState = SteadyStateProbe.http({ path: '/readyz', timeout: Duration.seconds(2), interval: Duration.seconds(5) });

describe('chaosRunPlan', () => {
  test.each([
    // engines (chaos seconds), pause seconds → timeouts (chaos + 300 s overhead), job deadline
    { chaos: [60], pause: 600, timeouts: [360], deadline: 360 + 60 },
    { chaos: [60, 120], pause: 600, timeouts: [360, 420], deadline: 360 + 420 + 600 + 60 },
    { chaos: [60, 120, 180, 300], pause: 0, timeouts: [360, 420, 480, 600], deadline: 360 + 420 + 480 + 600 + 60 },
    { chaos: [], pause: 600, timeouts: [], deadline: 60 },
  ])('$chaos s with $pause s pauses', ({ chaos, pause, timeouts, deadline }) => {
    const plan = chaosRunPlan(
      chaos.map((s, i) => ({ name: `e${i}`, experiment: 'pod-delete', chaosDuration: Duration.seconds(s) })),
      Duration.seconds(pause),
    );
    expect(plan.engines.map((e) => e.timeoutSeconds)).toEqual(timeouts);
    expect(plan.deadlineSeconds).toBe(deadline);
  });
});

/**
 * Runs the script against a fake kubectl that plays the chaos operator: a patch to `active`
 * makes the engine `initialized` for `busyPolls` status reads, then `completed` with the verdict
 * of `verdicts`; the engine starts out `completed` from an earlier run (the stale state the
 * script must not take for the new result). Returns the calls and the exit code.
 */
function runScript(engines: string[], verdicts: Record<string, string>, busyPolls: Record<string, number>, timeoutSeconds = 600) {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-run-'));
  try {
    const log = join(dir, 'calls');
    writeFileSync(log, '');
    for (const e of engines) writeFileSync(join(dir, `${e}.status`), 'completed');
    const fake = [
      '#!/bin/sh',
      `echo "$*" >> ${log}`,
      `D=${dir}`,
      'case "$*" in',
      '  *"patch chaosengine"*active*) e=$(echo "$*" | sed "s/.*chaosengine \\([^ ]*\\) .*/\\1/"); echo initialized > $D/$e.status; echo 0 > $D/$e.polls ;;',
      '  *"patch chaosengine"*stop*) e=$(echo "$*" | sed "s/.*chaosengine \\([^ ]*\\) .*/\\1/"); echo stopped > $D/$e.status ;;',
      '  *"get chaosengine"*) e=$(echo "$*" | sed "s/.*chaosengine \\([^ ]*\\) .*/\\1/"); s=$(cat $D/$e.status);',
      '     if [ "$s" = initialized ]; then n=$(($(cat $D/$e.polls) + 1)); echo $n > $D/$e.polls;',
      '       if [ "$n" -gt "$(cat $D/$e.busy)" ]; then echo completed > $D/$e.status; fi; fi; printf %s "$s" ;;',
      '  *"get chaosresult"*) r=$(echo "$*" | sed "s/.*chaosresult \\([^ ]*\\) .*/\\1/"); cat $D/$r.verdict 2>/dev/null ;;',
      'esac',
    ].join('\n');
    writeFileSync(join(dir, 'kubectl'), fake);
    chmodSync(join(dir, 'kubectl'), 0o755);
    for (const e of engines) {
      writeFileSync(join(dir, `${e}.busy`), String(busyPolls[e] ?? 1));
      if (verdicts[e]) writeFileSync(join(dir, `${e}-pod-delete.verdict`), verdicts[e]);
    }
    const plan = chaosRunPlan(
      engines.map((name) => ({ name, experiment: 'pod-delete', chaosDuration: Duration.seconds(60) })),
      Duration.seconds(0),
    );
    const script = chaosRunScript({ ...plan, engines: plan.engines.map((e) => ({ ...e, timeoutSeconds })) }, 0);
    let code = 0;
    let out = '';
    try {
      out = execFileSync('sh', ['-c', script], { env: { PATH: `${dir}:${process.env.PATH}`, NAMESPACE: 'ns' }, encoding: 'utf8' });
    } catch (e) {
      code = (e as { status: number }).status;
      out = (e as { stdout: string }).stdout;
    }
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    return { code, out, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('chaosRunScript against a fake operator', () => {
  test('runs the engines one at a time in order, past the previous run’s completed state, and passes on Pass verdicts', () => {
    const { code, out, calls } = runScript(['a', 'b'], { a: 'Pass', b: 'Pass' }, { a: 2, b: 1 });
    expect(code).toBe(0);
    expect(out).toContain('all engines passed');
    const patches = calls.filter((c) => c.includes('patch'));
    expect(patches).toEqual([
      `-n ns patch chaosengine a --type merge -p {"spec":{"engineState":"active"}}`,
      `-n ns patch chaosengine b --type merge -p {"spec":{"engineState":"active"}}`,
    ]);
    // b starts only after a's result was read.
    const resultOfA = calls.findIndex((c) => c.includes('get chaosresult a-pod-delete'));
    const startOfB = calls.findIndex((c) => c.includes('patch chaosengine b'));
    expect(resultOfA).toBeGreaterThan(-1);
    expect(startOfB).toBeGreaterThan(resultOfA);
  });

  test('fails the job when a verdict is not Pass, and still runs the rest', () => {
    const { code, out, calls } = runScript(['a', 'b'], { a: 'Fail', b: 'Pass' }, {});
    expect(code).toBe(1);
    expect(out).toContain('failed: a');
    expect(calls.some((c) => c.includes('patch chaosengine b'))).toBe(true);
  });

  test('stops an engine that has no result within its timeout and fails', () => {
    const { code, out, calls } = runScript(['a'], { a: 'Pass' }, { a: 1000 }, 0);
    expect(code).toBe(1);
    expect(out).toContain('a: no result after 0 s, stopping it');
    expect(calls).toContain(`-n ns patch chaosengine a --type merge -p {"spec":{"engineState":"stop"}}`);
  });
});

describe('ChaosSchedule in a system', () => {
  function build(environment = Environment.DEV) {
    const chart = testChart(environment);
    const api = new ReliableService(chart, 'api', serviceProps);
    const web = new ReliableService(chart, 'web', { ...serviceProps, image: 'registry.example.com/web:1.0.0' });
    new ChaosExperiment(chart, 'api-chaos', {
      target: api,
      experiments: [
        ChaosFault.podDelete({ duration: Duration.seconds(60), podsAffectedPercent: 50 }),
        ChaosFault.cpuHog({ cores: 1, duration: Duration.seconds(120) }),
      ],
      steadyState,
    });
    new ChaosExperiment(chart, 'web-chaos', {
      target: web,
      experiments: [ChaosFault.podDelete({ duration: Duration.seconds(60), podsAffectedPercent: 50 })],
      steadyState,
    });
    return synth(chart);
  }

  test('one CronJob per system runs every engine of every experiment, in creation order, with pauses', () => {
    const objects = build();
    expect(ofKind(objects, 'CronJob').map((c) => c.metadata.name)).toEqual(['test-chaos-schedule']);
    const cron = find(objects, 'CronJob', 'test-chaos-schedule');
    expect(cron.spec).toMatchObject({ schedule: '0 10 * * 2', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const job = cron.spec.jobTemplate.spec;
    expect(job.backoffLimit).toBe(0);
    expect(job.activeDeadlineSeconds).toBe(360 + 420 + 360 + 2 * 600 + 60);
    const script: string = job.template.spec.containers[0].command[2];
    expect(script.split('\n').filter((l) => l.startsWith('run ') || l.startsWith('sleep 600'))).toEqual([
      'run test-api-chaos-pod-delete pod-delete 360',
      'sleep 600',
      'run test-api-chaos-pod-cpu-hog pod-cpu-hog 420',
      'sleep 600',
      'run test-web-chaos-pod-delete pod-delete 360',
    ]);
    expect(ofKind(objects, 'ChaosEngine').every((e) => e.spec.engineState === 'stop')).toBe(true);
  });

  test('the runner may only read and patch engines and read results, and reaches only DNS and the API server', () => {
    const objects = build();
    expect(find(objects, 'Role', 'test-chaos-schedule').rules).toEqual([
      { apiGroups: ['litmuschaos.io'], resources: ['chaosengines'], verbs: ['get', 'list', 'patch'] },
      { apiGroups: ['litmuschaos.io'], resources: ['chaosresults'], verbs: ['get', 'list'] },
    ]);
    const policy = find(objects, 'NetworkPolicy', 'test-chaos-schedule');
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress.map((r: { ports: { port: number }[] }) => r.ports.map((p) => p.port))).toEqual([
      [53, 53],
      [443, 6443],
    ]);
    const pod = find(objects, 'CronJob', 'test-chaos-schedule').spec.jobTemplate.spec.template;
    expect(policy.spec.podSelector.matchLabels).toEqual(
      Object.fromEntries(Object.entries(policy.spec.podSelector.matchLabels).filter(([k]) => pod.metadata.labels[k] !== undefined)),
    );
  });

  test('nothing in production unless the experiments are enabled there', () => {
    expect(ofKind(build(Environment.PROD), 'CronJob')).toEqual([]);
  });

  test('a schedule created first sets the cron and the pause', () => {
    const chart = testChart(Environment.DEV);
    new ChaosSchedule(chart, 'chaos-schedule', { schedule: '30 9 * * 3', pause: Duration.minutes(5) });
    const api = new ReliableService(chart, 'api', serviceProps);
    new ChaosExperiment(chart, 'api-chaos', {
      target: api,
      experiments: [ChaosFault.podDelete({ duration: Duration.seconds(60), podsAffectedPercent: 50 })],
      steadyState,
    });
    const cron = find(synth(chart), 'CronJob', 'test-chaos-schedule');
    expect(cron.spec.schedule).toBe('30 9 * * 3');
    expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(360 + 60);
  });

  test('rejects an invalid schedule, pause and id at once', () => {
    expect(() => new ChaosSchedule(testChart(Environment.DEV), 'chaos', { schedule: '0 10 * *', pause: Duration.millis(1500) })).toThrow(
      [
        'dev/test/chaos: 3 invalid settings',
        "  - dev/test/chaos: 'id' ('chaos') is not 'chaos-schedule', so the ChaosExperiments would create a second schedule — use the id 'chaos-schedule'",
        "  - dev/test/chaos: 'schedule' ('0 10 * *') has 4 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week) — use a 5-field cron expression, e.g. '0 10 * * 2'",
        "  - dev/test/chaos: 'pause' ('1500ms') is not a whole, non-negative number of seconds — use e.g. Duration.minutes(10)",
      ].join('\n'),
    );
  });
});

describe('dependency failure of a backing service', () => {
  function withDatabase(connect: boolean) {
    const chart = testChart(Environment.DEV);
    const api = new ReliableService(chart, 'api', serviceProps);
    const db = new HAPostgres(chart, 'db', {
      image: 'ghcr.io/cloudnative-pg/postgresql:16.14-standard-trixie',
      storage: { size: Size.gibibytes(10) },
      resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
      database: 'app',
      owner: 'app',
      instances: 3,
      pooler: { instances: 2, poolMode: PoolMode.TRANSACTION, defaultPoolSize: 10, maxClientConnections: 100 },
    });
    if (connect) db.addClient(api, { poolSizePerPod: 5 });
    new ChaosExperiment(chart, 'api-chaos', {
      target: api,
      experiments: [ChaosFault.dependencyFailure({ name: 'database-failure', dependency: db, duration: Duration.seconds(60) })],
      steadyState,
    });
    return synth(chart);
  }

  test("cuts the host the client really dials: the pooler's Service, not the primary's", () => {
    const engine = find(withDatabase(true), 'ChaosEngine', 'test-api-chaos-database-failure');
    const env = Object.fromEntries(
      engine.spec.experiments[0].spec.components.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env.DESTINATION_HOSTS).toBe('test-db-pooler-rw.test.svc.cluster.local');
  });

  test('rejects a dependency the target does not connect to', () => {
    expect(() => withDatabase(false)).toThrow(
      "dev/test/api-chaos: 'experiments[0].dependency' ('dev/test/db') has no connection from the target test-api, so cutting it off tests nothing — connect the target first (addClient) or choose the dependency it uses",
    );
  });
});
