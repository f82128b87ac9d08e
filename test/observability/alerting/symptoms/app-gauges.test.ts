import { Duration } from 'cdk8s';
import { Severity } from '../../../../lib/observability/alerting/alert-rule';
import {
  circuitBreakerOpen,
  CircuitBreakerProps,
  ConnectionPoolProps,
  connectionPoolSaturated,
  webSocketDrops,
  WebSocketDropsProps,
} from '../../../../lib/observability/alerting/symptoms/app-gauges';
import { BASE, fieldsOf, RuleFields } from './fixture';

describe('connectionPoolSaturated', () => {
  test.each<[string, ConnectionPoolProps, RuleFields]>([
    [
      'defaults: 80%',
      { ...BASE, inUse: 'go_sql_in_use_connections{job="homepage-api"}', max: 20 },
      {
        name: 'ConnectionPoolSaturated',
        expr: 'go_sql_in_use_connections{job="homepage-api"} / 20 > 0.8',
        for: Duration.minutes(2),
        severity: Severity.TICKET,
        summary: 'homepage-api: connection pool above 80% of its 20 connections',
        description:
          'A connection pool of homepage-api ({{ $labels.pod }}) holds more than 80% of its 20 connections: requests soon queue for a connection and time out.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'an own share',
      { ...BASE, inUse: 'hikaricp_connections_active{pool="main"}', max: 50, maxPercent: 95 },
      {
        name: 'ConnectionPoolSaturated',
        expr: 'hikaricp_connections_active{pool="main"} / 50 > 0.95',
        for: Duration.minutes(2),
        severity: Severity.TICKET,
        summary: 'homepage-api: connection pool above 95% of its 50 connections',
        description:
          'A connection pool of homepage-api ({{ $labels.pod }}) holds more than 95% of its 50 connections: requests soon queue for a connection and time out.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(connectionPoolSaturated(props))).toEqual(expected);
  });
});

describe('circuitBreakerOpen', () => {
  test.each<[string, CircuitBreakerProps, RuleFields]>([
    [
      'defaults: open at 1',
      { ...BASE, state: 'resilience4j_circuitbreaker_state{state="open"}' },
      {
        name: 'CircuitBreakerOpen',
        expr: 'resilience4j_circuitbreaker_state{state="open"} == 1',
        for: Duration.minutes(1),
        severity: Severity.TICKET,
        summary: 'homepage-api: a circuit breaker is open',
        description:
          'A circuit breaker of homepage-api ({{ $labels.pod }}) is open: calls to the dependency it guards fail fast. Check that dependency.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'a gobreaker-style gauge: open at 2',
      { ...BASE, state: 'gobreaker_state{job="homepage-api"}', openValue: 2 },
      {
        name: 'CircuitBreakerOpen',
        expr: 'gobreaker_state{job="homepage-api"} == 2',
        for: Duration.minutes(1),
        severity: Severity.TICKET,
        summary: 'homepage-api: a circuit breaker is open',
        description:
          'A circuit breaker of homepage-api ({{ $labels.pod }}) is open: calls to the dependency it guards fail fast. Check that dependency.',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(circuitBreakerOpen(props))).toEqual(expected);
  });
});

describe('webSocketDrops', () => {
  test.each<[string, WebSocketDropsProps, RuleFields]>([
    [
      'defaults: 50% within 5m, from 10 connections',
      { ...BASE, connections: 'websocket_connections{job="realtime"}' },
      {
        name: 'WebSocketConnectionsDropped',
        expr: 'sum by (namespace, job) (websocket_connections{job="realtime"})\n< 0.5 * sum by (namespace, job) (websocket_connections{job="realtime"} offset 5m)\nand\nsum by (namespace, job) (websocket_connections{job="realtime"} offset 5m) >= 10',
        for: Duration.minutes(1),
        severity: Severity.TICKET,
        summary: 'homepage-api: WebSocket connections dropped by more than 50%',
        description:
          'Open WebSocket connections of homepage-api (job {{ $labels.job }}) fell by more than 50% within 5m: clients were disconnected (a crash, a rollout without draining, or the gateway).',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
    [
      'an own drop, window and floor',
      { ...BASE, connections: 'ws_open{job="chat"}', maxDropPercent: 30, window: Duration.minutes(10), minConnections: 0 },
      {
        name: 'WebSocketConnectionsDropped',
        expr: 'sum by (namespace, job) (ws_open{job="chat"})\n< 0.7 * sum by (namespace, job) (ws_open{job="chat"} offset 10m)\nand\nsum by (namespace, job) (ws_open{job="chat"} offset 10m) >= 0',
        for: Duration.minutes(1),
        severity: Severity.TICKET,
        summary: 'homepage-api: WebSocket connections dropped by more than 30%',
        description:
          'Open WebSocket connections of homepage-api (job {{ $labels.job }}) fell by more than 30% within 10m: clients were disconnected (a crash, a rollout without draining, or the gateway).',
        runbookUrl: 'https://runbooks.example.com/homepage/api',
        labels: { service: 'homepage-api' },
        annotations: {},
        group: undefined,
      },
    ],
  ])('%s', (_, props, expected) => {
    expect(fieldsOf(webSocketDrops(props))).toEqual(expected);
  });
});
