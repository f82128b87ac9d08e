import { Duration } from 'cdk8s';
import { ServiceMonitorProps } from '../../../imports/prometheus-servicemonitor-monitoring.coreos.com';
import { k8s } from 'cdk8s-plus-28';
import { goDuration, seconds } from '../../core/units';
import { Violations } from '../../core/validation';
import { PortName } from '../probe';
import { checkPortDeclared } from './ports';
import { MonitoringProps, ServicePorts } from './props';

/** Monitoring settings with defaults applied. */
export interface ResolvedMonitoring {
  readonly port: PortName;
  readonly path: string;
  readonly interval: Duration;
  readonly scrapeTimeout: Duration;
  readonly prometheusNamespace: string;
}

/** The scrape settings, or undefined (no ServiceMonitor) when neither asked for nor a metrics port is declared. */
export function resolveMonitoring(v: Violations, props: MonitoringProps | undefined, ports: ServicePorts): ResolvedMonitoring | undefined {
  if (props === undefined && ports.metrics === undefined) return undefined;
  const m: ResolvedMonitoring = {
    port: props?.port ?? (ports.metrics !== undefined ? 'metrics' : 'http'),
    path: props?.path ?? '/metrics',
    interval: props?.interval ?? Duration.seconds(30),
    scrapeTimeout: props?.scrapeTimeout ?? Duration.seconds(10),
    prometheusNamespace: props?.prometheusNamespace ?? 'monitoring',
  };
  checkPortDeclared(v, ports, 'monitoring.port', m.port);
  v.check(
    seconds(m.scrapeTimeout) > seconds(m.interval),
    'monitoring.scrapeTimeout',
    goDuration(m.scrapeTimeout),
    `is longer than monitoring.interval (${goDuration(m.interval)}), so scrapes overlap`,
    'lower scrapeTimeout to at most the interval',
  );
  v.check(!m.path.startsWith('/'), 'monitoring.path', m.path, 'is not an absolute URL path', "start it with '/', e.g. '/metrics'");
  return m;
}

export function renderServiceMonitor(
  metadata: k8s.ObjectMeta,
  selector: Readonly<Record<string, string>>,
  namespace: string,
  m: ResolvedMonitoring,
): ServiceMonitorProps {
  return {
    metadata,
    spec: {
      selector: { matchLabels: { ...selector } },
      namespaceSelector: { matchNames: [namespace] },
      endpoints: [{ port: m.port, path: m.path, interval: goDuration(m.interval), scrapeTimeout: goDuration(m.scrapeTimeout) }],
    },
  };
}
