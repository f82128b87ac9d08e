import { CertificateSpec } from '../../../imports/certmanager-certificate-cert-manager.io';
import { IngressRouteSpecTls } from '../../../imports/traefik-ingressroute-traefik.io';
import { GatewayTls } from '../../../lib/gateway/traefik-gateway/props';
import { certificateSpec, ingressRouteTls } from '../../../lib/gateway/traefik-gateway/tls';

const HOSTS = ['api.example.com', 'app.example.com'];

describe('ingressRouteTls and certificateSpec', () => {
  test.each<[string, GatewayTls, IngressRouteSpecTls, CertificateSpec | undefined]>([
    ['a Secret', GatewayTls.secret('api-tls'), { secretName: 'api-tls' }, undefined],
    ['a certificate resolver', GatewayTls.certResolver('letsencrypt'), { certResolver: 'letsencrypt' }, undefined],
    [
      'cert-manager, from a ClusterIssuer',
      GatewayTls.certManager('letsencrypt'),
      { secretName: 'test-gateway-tls' },
      {
        secretName: 'test-gateway-tls',
        dnsNames: ['api.example.com', 'app.example.com'],
        issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        privateKey: { rotationPolicy: 'Always' as never },
      },
    ],
    [
      'cert-manager, from an Issuer',
      GatewayTls.certManager('internal-ca', 'Issuer'),
      { secretName: 'test-gateway-tls' },
      {
        secretName: 'test-gateway-tls',
        dnsNames: ['api.example.com', 'app.example.com'],
        issuerRef: { name: 'internal-ca', kind: 'Issuer', group: 'cert-manager.io' },
        privateKey: { rotationPolicy: 'Always' as never },
      },
    ],
  ])('%s', (_name, tls, expectedTls, expectedCertificate) => {
    expect(ingressRouteTls('test-gateway', tls)).toStrictEqual(expectedTls);
    expect(certificateSpec('test-gateway', HOSTS, tls)).toStrictEqual(expectedCertificate);
  });
});
