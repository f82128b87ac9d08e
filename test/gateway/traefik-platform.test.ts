import {
  Environment,
  GatewayTls,
  Middleware,
  Probe,
  ReliableService,
  ReliakitApp,
  SourceCriterion,
  SystemChart,
  TraefikGateway,
} from '../../lib';
import { TraefikPlatform, TraefikPlatformProps } from '../../lib/gateway/traefik-platform';
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';

describe('TraefikPlatform', () => {
  test('defaults and the Helm values: replicas, and the trusted proxies on both entry points', () => {
    const t = new TraefikPlatform({ replicas: 3, trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8'] } });
    expect([t.namespace, t.replicas, t.trustedProxies]).toEqual(['traefik', 3, { hops: 1, cidrs: ['10.0.0.0/8'] }]);
    expect(t.helmValues()).toEqual({
      deployment: { replicas: 3 },
      ports: { web: { forwardedHeaders: { trustedIPs: ['10.0.0.0/8'] } }, websecure: { forwardedHeaders: { trustedIPs: ['10.0.0.0/8'] } } },
    });
  });

  test.each<[string, TraefikPlatformProps, string[]]>([
    ['no proxy in front', { replicas: 1, trustedProxies: { hops: 0, cidrs: [] } }, []],
    [
      'no replicas, hops without the proxies, ranges that are not CIDRs or trust everyone',
      { replicas: 0, trustedProxies: { hops: 1.5, cidrs: ['10.0.0.0', '0.0.0.0/0'] } },
      [
        "'replicas' (0) is not a positive integer — give the replica count of the Traefik deployment",
        "'trustedProxies.hops' (1.5) is not a whole number ≥ 0 — count the proxies that append to X-Forwarded-For",
        "'trustedProxies.cidrs' (10.0.0.0) is not an IPv4 CIDR — use e.g. '10.0.0.0/8'",
        "'trustedProxies.cidrs' (0.0.0.0/0) trusts every address, so any client can forge X-Forwarded-For — list the proxies' ranges",
      ],
    ],
    [
      'a depth without trusted proxies',
      { replicas: 2, trustedProxies: { hops: 1, cidrs: [] } },
      [
        "'trustedProxies.cidrs' ([]) is empty with hops 1: Traefik would drop the proxies' X-Forwarded-For and every client would share the proxy's address — list the proxies' source ranges",
      ],
    ],
  ])('%s', (_name, props, expected) => {
    let message = '';
    try {
      new TraefikPlatform(props);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      expected.length === 0 ? '' : [`TraefikPlatform: ${expected.length} rule(s) broken:`, ...expected.map((m) => `  - ${m}`)].join('\n'),
    );
  });

  test('a gateway on another Traefik than the one the app installs fails the render', () => {
    const installed = new TraefikPlatform({ replicas: 2, trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8'] } });
    const app = new ReliakitApp({
      source: { url: 'https://example.com/gitops.git' },
      infrastructure: { secretStore: { provider: {} }, traefik: installed },
    });
    const chart = new SystemChart(app.stage(Environment.PROD), 'shop');
    const api = new ReliableService(chart, 'api', {
      image: 'registry.example.com/api:1.0.0',
      ports: { http: 8080 },
      resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      probes: { readiness: Probe.http('/readyz') },
    });
    const other = new TraefikPlatform({ replicas: 3, trustedProxies: { hops: 1, cidrs: ['10.0.0.0/8'] } });
    const gw = new TraefikGateway(chart, 'gateway', { hosts: ['shop.example.com'], tls: GatewayTls.certManager('le'), traefik: other });
    gw.addRoute('api', {
      to: api,
      pathPrefixes: ['/api'],
      middlewares: [Middleware.rateLimit({ average: 30, sourceCriterion: SourceCriterion.clientIp(), perReplica: true })],
    });
    expect(() => app.render()).toThrow(
      `[prod/shop/gateway] 'traefik' ({"namespace":"traefik","replicas":3,"trustedProxies":{"hops":1,"cidrs":["10.0.0.0/8"]}}) is not the Traefik the app installs (infrastructure.traefik: {"namespace":"traefik","replicas":2,"trustedProxies":{"hops":1,"cidrs":["10.0.0.0/8"]}}) — pass the same TraefikPlatform to both`,
    );
  });
});
