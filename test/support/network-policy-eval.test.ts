import {
  cidrContains,
  Connection,
  evaluateConnection,
  NetworkPolicyObject,
  PodEndpoint,
  PolicyWorld,
  selectorMatches,
} from './network-policy-eval';

const api: PodEndpoint = { namespace: 'shop', labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 8080 }] };
const web: PodEndpoint = { namespace: 'shop', labels: { app: 'web' } };
const db: PodEndpoint = { namespace: 'shop', labels: { app: 'db' }, ports: [{ name: 'pg', containerPort: 5432 }] };
const prom: PodEndpoint = { namespace: 'monitoring', labels: { app: 'prometheus' } };
const otherApi: PodEndpoint = { namespace: 'blog', labels: { app: 'api' } };
const dns: PodEndpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

const np = (name: string, spec: NetworkPolicyObject['spec'], namespace = 'shop'): NetworkPolicyObject => ({
  metadata: { name, namespace },
  spec,
});
const defaultDeny = np('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('selectorMatches', () => {
  test.each([
    [{}, { a: '1' }, true],
    [undefined, {}, true],
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1' } }, { a: '2' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, {}, false],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { a: '1' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: '1' }, false],
    [{ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] }, { a: '1' }, false],
  ])('%j selects %j: %s', (selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });

  test('an unknown operator throws', () => {
    expect(() => selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Gt' }] }, {})).toThrow("unknown label selector operator 'Gt'");
  });
});

describe('cidrContains', () => {
  test.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['172.16.0.0/12', '172.31.255.255', true],
    ['172.16.0.0/12', '172.32.0.0', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['192.168.1.7/32', '192.168.1.7', true],
    ['192.168.1.7', '192.168.1.8', false],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    expect(cidrContains(cidr, ip)).toBe(expected);
  });

  test('a malformed address throws', () => {
    expect(() => cidrContains('10.0.0.0/8', '10.0.0')).toThrow("'10.0.0' is not an IPv4 address");
    expect(() => cidrContains('10.0.0.0/33', '10.0.0.1')).toThrow("'10.0.0.0/33' is not an IPv4 CIDR");
  });
});

describe('evaluateConnection', () => {
  const apiPolicy = np('api', {
    podSelector: { matchLabels: { app: 'api' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'http' }] },
    ],
    egress: [
      { to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] },
    ],
  });
  const webPolicy = np('web', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8000, endPort: 8100 }] }],
  });
  const dbPolicy = np('db', {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }],
  });
  const allowDns = np('allow-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [{ protocol: 'UDP', port: 53 }, { port: 53 }],
      },
    ],
  });
  const world: PolicyWorld = { policies: [apiPolicy, webPolicy, dbPolicy] };
  const denied: PolicyWorld = { policies: [defaultDeny, allowDns, apiPolicy, webPolicy, dbPolicy] };

  test.each<[string, PolicyWorld, Connection, boolean]>([
    ['no policy selects either pod: open', { policies: [] }, { from: web, to: db, port: 5432 }, true],
    ['ingress rule and a range egress rule', world, { from: web, to: api, port: 8080 }, true],
    ['port outside the egress range', world, { from: web, to: api, port: 8200 }, false],
    ['destination admits, source egress does not (no rule to db)', world, { from: web, to: db, port: 5432 }, false],
    ['a rule without ports admits every port', { policies: [dbPolicy] }, { from: api, to: db, port: 9999 }, true],
    ['the source egress port list still applies', world, { from: api, to: db, port: 9999 }, false],
    ['api egress rule to db, wrong protocol', world, { from: api, to: db, port: 5432, protocol: 'UDP' }, false],
    ['named port resolves against the destination', world, { from: prom, to: api, port: 8080 }, true],
    ['named port does not match another number', world, { from: prom, to: api, port: 9090 }, false],
    [
      'namespaceSelector alone: the pod labels do not matter',
      world,
      { from: { namespace: 'monitoring', labels: {} }, to: api, port: 8080 },
      true,
    ],
    [
      'podSelector alone means the policy namespace',
      world,
      { from: { namespace: 'blog', labels: { app: 'web' } }, to: api, port: 8080 },
      false,
    ],
    ['ipBlock admits a public address', world, { from: api, to: { ip: '52.216.1.1' }, port: 443 }, true],
    ['ipBlock except cuts a hole', world, { from: api, to: { ip: '10.1.2.3' }, port: 443 }, false],
    ['ipBlock never matches a pod', world, { from: api, to: otherApi, port: 443 }, false],
    ['an IP source has no egress side', world, { from: { ip: '1.2.3.4' }, to: web, port: 80 }, true],
    ['an ingress-only policy leaves egress open', world, { from: db, to: otherApi, port: 80 }, true],
    ['default-deny: ingress of an otherwise open pod', denied, { from: api, to: web, port: 80 }, false],
    ['default-deny: the union with a pod policy still allows', denied, { from: web, to: api, port: 8080 }, true],
    ['default-deny: egress of a pod without its own rules', denied, { from: db, to: { ip: '52.216.1.1' }, port: 443 }, false],
    ['allow-dns: every pod reaches kube-dns on UDP 53', denied, { from: db, to: dns, port: 53, protocol: 'UDP' }, true],
    ['allow-dns: TCP 53 too', denied, { from: web, to: dns, port: 53 }, true],
    [
      'allow-dns: nothing else in kube-system',
      denied,
      { from: web, to: { namespace: 'kube-system', labels: { app: 'x' } }, port: 53 },
      false,
    ],
  ])('%s', (_, w, c, expected) => {
    const verdict = evaluateConnection(w, c);
    expect(verdict.allowed).toBe(expected);
  });

  test('namespaceSelector AND podSelector in one peer: both must match', () => {
    const policy = np('db', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blog' } }, podSelector: { matchLabels: { app: 'api' } } }] }],
    });
    const w: PolicyWorld = { policies: [policy], namespaceLabels: { blog: { team: 'blog' }, shop: { team: 'shop' } } };
    expect(evaluateConnection(w, { from: otherApi, to: db, port: 5432 }).allowed).toBe(true);
    expect(evaluateConnection(w, { from: api, to: db, port: 5432 }).allowed).toBe(false);
    expect(evaluateConnection(w, { from: { namespace: 'blog', labels: { app: 'web' } }, to: db, port: 5432 }).allowed).toBe(false);
  });

  test('two peers in one rule: either matches (OR)', () => {
    const policy = np('db', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blog' } } }, { podSelector: { matchLabels: { app: 'api' } } }] }],
    });
    const w: PolicyWorld = { policies: [policy], namespaceLabels: { blog: { team: 'blog' } } };
    expect(evaluateConnection(w, { from: { namespace: 'blog', labels: {} }, to: db, port: 5432 }).allowed).toBe(true);
    expect(evaluateConnection(w, { from: api, to: db, port: 5432 }).allowed).toBe(true);
    expect(evaluateConnection(w, { from: web, to: db, port: 5432 }).allowed).toBe(false);
  });

  test('policyTypes default: Egress only with egress rules', () => {
    const ingressOnly = np('x', { podSelector: {}, ingress: [] });
    const both = np('y', { podSelector: {}, egress: [] });
    expect(evaluateConnection({ policies: [ingressOnly] }, { from: web, to: { ip: '8.8.8.8' }, port: 53 }).allowed).toBe(true);
    expect(evaluateConnection({ policies: [both] }, { from: web, to: { ip: '8.8.8.8' }, port: 53 }).allowed).toBe(false);
  });

  test('policies of another namespace do not select the pod', () => {
    const blogDeny = np('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'blog');
    expect(evaluateConnection({ policies: [blogDeny] }, { from: web, to: api, port: 8080 }).allowed).toBe(true);
  });

  test('the reason names the denying side and the admitting policies', () => {
    expect(evaluateConnection(world, { from: web, to: db, port: 5432 }).reason).toBe(
      'pod {"app":"web"} in shop → pod {"app":"db"} in shop TCP/5432: no egress rule of the source\'s policies allows it',
    );
    expect(evaluateConnection(denied, { from: api, to: web, port: 80 }).reason).toBe(
      'pod {"app":"api"} in shop → pod {"app":"web"} in shop TCP/80: no egress rule of the source\'s policies allows it',
    );
    expect(evaluateConnection(denied, { from: { ip: '1.2.3.4', name: 'internet' }, to: web, port: 80 }).reason).toBe(
      'internet → pod {"app":"web"} in shop TCP/80: no ingress rule of the destination\'s policies admits it',
    );
    expect(evaluateConnection(denied, { from: web, to: api, port: 8080 }).reason).toBe(
      'pod {"app":"web"} in shop → pod {"app":"api"} in shop TCP/8080: egress web; ingress api',
    );
    expect(evaluateConnection({ policies: [] }, { from: web, to: api, port: 8080 }).reason).toBe(
      'pod {"app":"web"} in shop → pod {"app":"api"} in shop TCP/8080: egress not isolated; ingress not isolated',
    );
  });
});
