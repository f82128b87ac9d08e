/**
 * The generated workload every route of the synth benchmark emits: N ReliableServices with every
 * option that produces objects, spread over SystemCharts of one environment.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Environment,
  EnvValue,
  NetworkPeer,
  Probe,
  ReliableService,
  ReliableServiceProps,
  ReliakitApp,
  ScalingPolicy,
  SelectPolicy,
  SystemChart,
} from '../lib';

/** Services per SystemChart (one `apps/prod/<system>/` directory and one Flux Kustomization each). */
export const SERVICES_PER_SYSTEM = 10;

/** The namespace admitted to every service's http port (an ingress controller's). */
export const INGRESS_NAMESPACE = 'ingress-nginx';

function systemName(index: number): string {
  return `sys-${String(index).padStart(4, '0')}`;
}

/**
 * Props of the i-th service. Values vary with `i` so documents are not byte-identical, which would
 * flatter any cache in the YAML or resolve path.
 */
function serviceProps(i: number, dependency: ReliableService | undefined): ReliableServiceProps {
  return {
    image: `registry.example.com/team-${i % 17}/svc-${i}:1.${i % 50}.${i % 7}`,
    ports: { http: 8080, grpc: 9090, metrics: 9100 },
    env: {
      LOG_LEVEL: EnvValue.literal(i % 2 === 0 ? 'info' : 'debug'),
      SERVICE_INDEX: EnvValue.literal(String(i)),
      DB_PASSWORD: EnvValue.fromSecret(`db-${i}`, 'password'),
    },
    resources: {
      cpu: { request: Cpu.millis(100 + (i % 5) * 50), limit: Cpu.millis(1000) },
      memory: { request: Size.mebibytes(256 + (i % 4) * 64), limit: Size.mebibytes(1024) },
    },
    probes: {
      readiness: Probe.http('/readyz', { period: Duration.seconds(10), timeout: Duration.seconds(3), failureThreshold: 3 }),
      liveness: Probe.http('/livez', { period: Duration.seconds(10), timeout: Duration.seconds(2), failureThreshold: 3 }),
      // Derives the startup probe from the liveness check.
      maxStartupTime: Duration.seconds(60 + (i % 3) * 30),
    },
    shutdown: { drainTimeout: Duration.seconds(20) },
    autoscaling: {
      minReplicas: 2,
      maxReplicas: 4 + (i % 8),
      cpuUtilizationPercent: 70,
      memoryUtilizationPercent: 80,
      scaleUp: {
        stabilizationWindow: Duration.seconds(0),
        policies: [ScalingPolicy.percent(100, Duration.seconds(15))],
        selectPolicy: SelectPolicy.MAX,
      },
      scaleDown: { stabilizationWindow: Duration.seconds(300), policies: [ScalingPolicy.pods(1, Duration.seconds(60))] },
    },
    disruptionBudget: { minAvailable: 1 },
    writableDirectories: [{ path: '/tmp' }],
    ingress: [{ from: NetworkPeer.namespace(INGRESS_NAMESPACE), ports: ['http'] }],
    dependencies: [
      ...(dependency ? [{ to: dependency, port: 'grpc' as const }] : []),
      { to: NetworkPeer.namespace('postgres'), ports: [5432] },
    ],
  };
}

/**
 * An app with `n` services: `SERVICES_PER_SYSTEM` per SystemChart, all in `prod`. Service i
 * depends on service i-1 over gRPC (a ring: service 0 on the last one), so dependencies cross
 * system boundaries every tenth service and every NetworkPolicy has a ReliableService peer in
 * both ingress and egress.
 */
export function buildWorkload(n: number, outdir: string): ReliakitApp {
  const app = new ReliakitApp({
    outdir,
    source: { url: 'https://github.com/example/gitops.git' },
    infrastructureDependency: 'infrastructure',
  });
  const stage = app.stage(Environment.PROD);
  const services: ReliableService[] = [];
  let chart: SystemChart | undefined;
  for (let i = 0; i < n; i++) {
    if (i % SERVICES_PER_SYSTEM === 0 || !chart) chart = new SystemChart(stage, systemName(i / SERVICES_PER_SYSTEM));
    services.push(new ReliableService(chart, `svc-${i % SERVICES_PER_SYSTEM}`, serviceProps(i, services[i - 1])));
  }
  if (n > 1) services[0].addDependency({ to: services[n - 1], port: 'grpc' });
  return app;
}
