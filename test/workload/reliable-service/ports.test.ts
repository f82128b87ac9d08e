import { checkPortDeclared, checkPorts, declaredPortList, declaredPorts } from '../../../lib/workload/reliable-service/ports';
import { ServicePorts } from '../../../lib/workload/reliable-service/props';
import { messagesOf, PATH, violations } from './support';

describe('declaredPorts and declaredPortList', () => {
  test.each<[string, ServicePorts, Array<[string, number]>, string]>([
    ['none', {}, [], 'none'],
    ['HTTP only', { http: 8080 }, [['http', 8080]], 'http=8080'],
    [
      'all three, in a fixed order whatever the props order',
      { metrics: 9090, grpc: 9000, http: 8080 },
      [
        ['http', 8080],
        ['grpc', 9000],
        ['metrics', 9090],
      ],
      'http=8080, grpc=9000, metrics=9090',
    ],
  ])('%s', (_name, ports, expected, list) => {
    expect(declaredPorts(ports)).toEqual(expected);
    expect(declaredPortList(ports)).toBe(list);
  });
});

describe('checkPorts', () => {
  test.each<[string, ServicePorts, string[]]>([
    ['distinct valid ports', { http: 8080, grpc: 9000, metrics: 9090 }, []],
    [
      'out of range and not an integer',
      { http: 70000, grpc: 90.5 },
      [
        `${PATH}: 'ports.http' (70000) is not a port number (1–65535) — use the port the process listens on`,
        `${PATH}: 'ports.grpc' (90.5) is not a port number (1–65535) — use the port the process listens on`,
      ],
    ],
    [
      'one number twice',
      { http: 8080, metrics: 8080 },
      [`${PATH}: 'ports.metrics' (8080) is also used by ports.http — give each named port its own number`],
    ],
  ])('%s', (_name, ports, messages) => {
    const v = violations();
    checkPorts(v, ports);
    expect(messagesOf(v)).toEqual(messages);
  });
});

test('checkPortDeclared names the declared ports', () => {
  const v = violations();
  checkPortDeclared(v, { http: 8080 }, 'monitoring.port', 'http');
  checkPortDeclared(v, { http: 8080 }, 'monitoring.port', 'metrics');
  expect(messagesOf(v)).toEqual([
    `${PATH}: 'monitoring.port' ('metrics') is not a declared port (declared: http=8080) — declare ports.metrics or use a declared port`,
  ]);
});
