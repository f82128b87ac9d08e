import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Probe } from '../../../lib/workload/probe';
import { checkProbes, renderProbes, ResolvedProbes, resolveStartupProbe } from '../../../lib/workload/reliable-service/probes';
import { ProbesProps, ServicePorts } from '../../../lib/workload/reliable-service/props';
import { messagesOf, PATH, violations } from './support';

const TIMING = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 };

describe('resolveStartupProbe', () => {
  const explicit = Probe.tcp({ period: Duration.seconds(10), failureThreshold: 30 });
  test.each<[string, ProbesProps, Probe | undefined]>([
    ['none without a startup budget', { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') }, undefined],
    ['an explicit probe as given', { readiness: Probe.http('/readyz'), startup: explicit, maxStartupTime: Duration.minutes(1) }, explicit],
    [
      'derived from liveness: 5 s period, failures to cover the budget',
      { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez'), maxStartupTime: Duration.seconds(62) },
      Probe.http('/livez', {
        initialDelay: Duration.seconds(0),
        period: Duration.seconds(5),
        timeout: Duration.seconds(2),
        failureThreshold: 13,
        successThreshold: 1,
      }),
    ],
    [
      'derived from readiness, timeout capped below the period',
      { readiness: Probe.http('/readyz', { timeout: Duration.seconds(8) }), maxStartupTime: Duration.seconds(3) },
      Probe.http('/readyz', {
        initialDelay: Duration.seconds(0),
        period: Duration.seconds(5),
        timeout: Duration.seconds(4),
        failureThreshold: 1,
        successThreshold: 1,
      }),
    ],
  ])('%s', (_name, probes, expected) => {
    expect(resolveStartupProbe(probes)).toEqual(expected);
  });
});

describe('checkProbes', () => {
  const ports: ServicePorts = { http: 8080 };
  test.each<[string, ProbesProps, string[]]>([
    ['valid', { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') }, []],
    [
      'liveness same as readiness, gRPC port undeclared',
      { readiness: Probe.grpc(), liveness: Probe.grpc() },
      [
        `${PATH}: 'probes.liveness' ('gRPC :grpc') checks the same endpoint as readiness, so a dependency outage restarts every pod — point liveness at an endpoint that checks only the process itself (e.g. /healthz/live)`,
        `${PATH}: 'probes.readiness.port' ('grpc') is not a declared port (declared: http=8080) — declare ports.grpc or use a declared port`,
        `${PATH}: 'probes.liveness.port' ('grpc') is not a declared port (declared: http=8080) — declare ports.grpc or use a declared port`,
      ],
    ],
    [
      'timeout not below period, successThreshold on liveness',
      {
        readiness: Probe.http('/readyz', { timeout: Duration.seconds(10) }),
        liveness: Probe.http('/livez', { successThreshold: 2 }),
      },
      [
        `${PATH}: 'probes.readiness.timeout' ('10s') is not shorter than the period (10s), so checks overlap — lower the timeout below the period`,
        `${PATH}: 'probes.liveness.successThreshold' (2) must be 1 for liveness and startup probes (the API rejects anything else) — remove successThreshold or set it to 1`,
      ],
    ],
    [
      'an explicit startup probe shorter than the budget',
      {
        readiness: Probe.http('/readyz'),
        startup: Probe.http('/livez', { period: Duration.seconds(10), failureThreshold: 3 }),
        maxStartupTime: Duration.minutes(2),
      },
      [
        `${PATH}: 'probes.startup' ('3 × 10s') allows 30 s, less than maxStartupTime (2m), so slow starts are killed — raise failureThreshold to at least 12, or omit startup to derive it`,
      ],
    ],
  ])('%s', (_name, probes, messages) => {
    const v = violations();
    checkProbes(v, probes, { readiness: probes.readiness, liveness: probes.liveness, startup: resolveStartupProbe(probes) }, ports);
    expect(messagesOf(v)).toEqual(messages);
  });
});

describe('renderProbes', () => {
  const json = (p: k8s.Probe | undefined) => (p === undefined ? undefined : k8s.toJson_Probe(p));
  test.each<[string, ResolvedProbes, ServicePorts, object]>([
    [
      'HTTP readiness and liveness, no startup',
      { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez'), startup: undefined },
      { http: 8080 },
      {
        readinessProbe: { httpGet: { path: '/readyz', port: 'http', scheme: 'HTTP' }, ...TIMING },
        livenessProbe: { httpGet: { path: '/livez', port: 'http', scheme: 'HTTP' }, ...TIMING },
        startupProbe: undefined,
      },
    ],
    [
      'gRPC resolves its port number; TCP and exec',
      {
        readiness: Probe.grpc({ service: 'api.v1' }),
        liveness: Probe.tcp({ port: 'grpc' }),
        startup: Probe.exec(['/bin/ready'], { failureThreshold: 30 }),
      },
      { grpc: 9000 },
      {
        readinessProbe: { grpc: { port: 9000, service: 'api.v1' }, ...TIMING },
        livenessProbe: { tcpSocket: { port: 'grpc' }, ...TIMING },
        startupProbe: { exec: { command: ['/bin/ready'] }, ...TIMING, failureThreshold: 30 },
      },
    ],
    [
      'HTTPS readiness only',
      { readiness: Probe.http('/readyz', { https: true }), liveness: undefined, startup: undefined },
      { http: 8443 },
      {
        readinessProbe: { httpGet: { path: '/readyz', port: 'http', scheme: 'HTTPS' }, ...TIMING },
        livenessProbe: undefined,
        startupProbe: undefined,
      },
    ],
  ])('%s', (_name, probes, ports, expected) => {
    const r = renderProbes(probes, ports);
    expect({ readinessProbe: json(r.readinessProbe), livenessProbe: json(r.livenessProbe), startupProbe: json(r.startupProbe) }).toEqual(
      expected,
    );
  });
});
