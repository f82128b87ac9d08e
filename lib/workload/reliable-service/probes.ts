import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { goDuration, seconds, wholeSeconds } from '../../core/units';
import { Violations } from '../../core/validation';
import { Probe } from '../probe';
import { checkPortDeclared } from './ports';
import { ProbesProps, ServicePorts } from './props';

/** The three probes with the startup probe decided. */
export interface ResolvedProbes {
  readonly readiness: Probe;
  readonly liveness: Probe | undefined;
  readonly startup: Probe | undefined;
}

/** The explicit startup probe, or one derived from `maxStartupTime` with the liveness (else readiness) check. */
export function resolveStartupProbe(probes: ProbesProps): Probe | undefined {
  if (probes.startup || probes.maxStartupTime === undefined) return probes.startup;
  const base = probes.liveness ?? probes.readiness;
  if (!base) return undefined;
  const period = Duration.seconds(5);
  const failureThreshold = Math.max(1, Math.ceil(seconds(probes.maxStartupTime) / seconds(period)));
  return base.withTiming({
    initialDelay: Duration.seconds(0),
    period,
    timeout: seconds(base.timing.timeout) < seconds(period) ? base.timing.timeout : Duration.seconds(seconds(period) - 1),
    failureThreshold,
    successThreshold: 1,
  });
}

export function checkProbes(v: Violations, probes: ProbesProps, resolved: ResolvedProbes, ports: ServicePorts): void {
  const { readiness, liveness, startup } = resolved;
  if (!readiness) {
    v.add(
      'probes.readiness',
      undefined,
      'is missing, so pods receive traffic before they can serve it',
      "add a readiness probe that checks the service's dependencies, e.g. Probe.http('/readyz')",
    );
  }
  if (readiness && liveness?.sameCheckAs(readiness)) {
    v.add(
      'probes.liveness',
      liveness.toString(),
      'checks the same endpoint as readiness, so a dependency outage restarts every pod',
      'point liveness at an endpoint that checks only the process itself (e.g. /healthz/live)',
    );
  }
  const named: Array<[string, Probe | undefined]> = [
    ['probes.readiness', readiness],
    ['probes.liveness', liveness],
    ['probes.startup', startup],
  ];
  for (const [prop, probe] of named) {
    if (!probe) continue;
    const t = probe.timing;
    v.check(
      seconds(t.timeout) >= seconds(t.period),
      `${prop}.timeout`,
      goDuration(t.timeout),
      `is not shorter than the period (${goDuration(t.period)}), so checks overlap`,
      'lower the timeout below the period',
    );
    for (const [field, d] of [
      ['initialDelay', t.initialDelay],
      ['period', t.period],
      ['timeout', t.timeout],
    ] as const) {
      v.check(
        wholeSeconds(d) === undefined || seconds(d) < (field === 'initialDelay' ? 0 : 1),
        `${prop}.${field}`,
        goDuration(d),
        'is not a whole number of seconds (≥ 1 s for period and timeout)',
        'use whole seconds',
      );
    }
    v.check(
      !Number.isInteger(t.failureThreshold) || t.failureThreshold < 1,
      `${prop}.failureThreshold`,
      t.failureThreshold,
      'is not a positive integer',
      'use 1 or more',
    );
    if (prop !== 'probes.readiness') {
      v.check(
        t.successThreshold !== 1,
        `${prop}.successThreshold`,
        t.successThreshold,
        'must be 1 for liveness and startup probes (the API rejects anything else)',
        'remove successThreshold or set it to 1',
      );
    } else {
      v.check(
        !Number.isInteger(t.successThreshold) || t.successThreshold < 1,
        `${prop}.successThreshold`,
        t.successThreshold,
        'is not a positive integer',
        'use 1 or more',
      );
    }
    if (probe.port) checkPortDeclared(v, ports, `${prop}.port`, probe.port);
  }
  if (!probes.startup || probes.maxStartupTime === undefined) return;
  const t = probes.startup.timing;
  const budget = t.failureThreshold * seconds(t.period);
  v.check(
    budget < seconds(probes.maxStartupTime),
    'probes.startup',
    `${t.failureThreshold} × ${goDuration(t.period)}`,
    `allows ${budget} s, less than maxStartupTime (${goDuration(probes.maxStartupTime)}), so slow starts are killed`,
    `raise failureThreshold to at least ${Math.ceil(seconds(probes.maxStartupTime) / seconds(t.period))}, or omit startup to derive it`,
  );
}

/** The container's probe fields; gRPC probes need the port numbers (the API has no named gRPC port). */
export function renderProbes(
  probes: ResolvedProbes,
  ports: ServicePorts,
): Pick<k8s.Container, 'readinessProbe' | 'livenessProbe' | 'startupProbe'> {
  const portNumbers = ports as Partial<Record<string, number>>;
  return {
    readinessProbe: probes.readiness._toKube(portNumbers),
    livenessProbe: probes.liveness?._toKube(portNumbers),
    startupProbe: probes.startup?._toKube(portNumbers),
  };
}
