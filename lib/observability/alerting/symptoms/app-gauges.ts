import { Duration } from 'cdk8s';
import { AlertRule } from '../alert-rule';
import { formatSelector, promNumber } from '../../promql';
import { SymptomAlertProps, SymptomBuilder } from './symptom-builder';

/** Props of {@link SymptomAlerts.connectionPoolSaturated}. */
export interface ConnectionPoolProps extends SymptomAlertProps {
  /** Gauge selector of the connections in use, one series per pool, e.g. `go_sql_in_use_connections{job="api"}`. */
  readonly inUse: string;
  /** The pool's size: the most connections one pool may hold. */
  readonly max: number;
  /**
   * The share of the pool, in percent, above which the alert fires.
   * @default 80
   */
  readonly maxPercent?: number;
}

/** Props of {@link SymptomAlerts.circuitBreakerOpen}. */
export interface CircuitBreakerProps extends SymptomAlertProps {
  /** Gauge selector of the breaker's state, e.g. `resilience4j_circuitbreaker_state{state="open"}`. */
  readonly state: string;
  /**
   * The gauge's value while the breaker is open (gobreaker-style state gauges use 2).
   * @default 1
   */
  readonly openValue?: number;
}

/** Props of {@link SymptomAlerts.webSocketDrops}. */
export interface WebSocketDropsProps extends SymptomAlertProps {
  /** Gauge selector of open WebSocket connections, e.g. `websocket_connections{job="realtime"}`. */
  readonly connections: string;
  /**
   * The drop in percent over `window` above which the alert fires.
   * @default 50
   */
  readonly maxDropPercent?: number;
  /**
   * The window the drop is measured over.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
  /**
   * Fewer connections than this at the window's start never alert (a handful of clients leaving is no incident).
   * @default 10
   */
  readonly minConnections?: number;
}

/** A connection pool (the application's gauge, one series per pool) above a share of its size. Default `for`: 2 minutes. */
export function connectionPoolSaturated(props: ConnectionPoolProps): AlertRule {
  const b = new SymptomBuilder('connectionPoolSaturated', props);
  const inUse = b.selector('inUse', props.inUse);
  b.check(!(Number.isInteger(props.max) && props.max > 0), 'max', props.max, 'is not a positive integer', "give the pool's size, e.g. 20");
  const maxPercent = b.percent('maxPercent', props.maxPercent ?? 80);
  return b.build({
    name: 'ConnectionPoolSaturated',
    expr: `${inUse ? formatSelector(inUse) : ''} / ${props.max} > ${promNumber(maxPercent / 100)}`,
    for: Duration.minutes(2),
    summary: `${props.service}: connection pool above ${maxPercent}% of its ${props.max} connections`,
    description:
      `A connection pool of ${props.service} ({{ $labels.pod }}) holds more than ${maxPercent}% of its ${props.max} connections: ` +
      'requests soon queue for a connection and time out.',
  });
}

/** A circuit breaker (the application's state gauge) is open: calls to a dependency fail fast. Default `for`: 1 minute. */
export function circuitBreakerOpen(props: CircuitBreakerProps): AlertRule {
  const b = new SymptomBuilder('circuitBreakerOpen', props);
  const state = b.selector('state', props.state);
  const openValue = props.openValue ?? 1;
  b.check(!Number.isFinite(openValue), 'openValue', openValue, 'is not a number', 'give the gauge value of the open state, e.g. 1');
  return b.build({
    name: 'CircuitBreakerOpen',
    expr: `${state ? formatSelector(state) : ''} == ${Number.isFinite(openValue) ? promNumber(openValue) : ''}`,
    for: Duration.minutes(1),
    summary: `${props.service}: a circuit breaker is open`,
    description: `A circuit breaker of ${props.service} ({{ $labels.pod }}) is open: calls to the dependency it guards fail fast. Check that dependency.`,
  });
}

/** Open WebSocket connections (the application's gauge) dropped by more than a share within a window. Default `for`: 1 minute. */
export function webSocketDrops(props: WebSocketDropsProps): AlertRule {
  const b = new SymptomBuilder('webSocketDrops', props);
  const connections = b.selector('connections', props.connections);
  const maxDrop = b.percent('maxDropPercent', props.maxDropPercent ?? 50);
  const window = b.window('window', props.window ?? Duration.minutes(5));
  const minConnections = props.minConnections ?? 10;
  b.check(
    !(minConnections >= 0 && Number.isFinite(minConnections)),
    'minConnections',
    minConnections,
    'is not a non-negative number',
    'use e.g. 10',
  );
  const c = connections ? formatSelector(connections) : '';
  const before = `sum by (namespace, job) (${c} offset ${window})`;
  return b.build({
    name: 'WebSocketConnectionsDropped',
    expr: `sum by (namespace, job) (${c})\n< ${promNumber(1 - maxDrop / 100)} * ${before}\nand\n${before} >= ${Number.isFinite(minConnections) ? promNumber(minConnections) : ''}`,
    for: Duration.minutes(1),
    summary: `${props.service}: WebSocket connections dropped by more than ${maxDrop}%`,
    description:
      `Open WebSocket connections of ${props.service} (job {{ $labels.job }}) fell by more than ${maxDrop}% within ${window}: ` +
      'clients were disconnected (a crash, a rollout without draining, or the gateway).',
  });
}
