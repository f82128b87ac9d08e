import { CertificateSpec } from '../../../imports/certmanager-certificate-cert-manager.io';
import { IngressRouteSpecTls } from '../../../imports/traefik-ingressroute-traefik.io';
import { GatewayTls } from './props';

/** The Secret cert-manager writes the gateway's certificate to. */
export function certificateSecretName(gatewayName: string): string {
  return `${gatewayName}-tls`;
}

/** The IngressRoute's TLS: a cert-manager certificate is read from the Secret it writes. */
export function ingressRouteTls(gatewayName: string, tls: GatewayTls): IngressRouteSpecTls {
  return tls._issuer ? { secretName: certificateSecretName(gatewayName) } : tls._tls;
}

/** The cert-manager Certificate for all the gateway's hosts, or undefined when TLS comes from elsewhere. */
export function certificateSpec(gatewayName: string, hosts: readonly string[], tls: GatewayTls): CertificateSpec | undefined {
  if (!tls._issuer) return undefined;
  return {
    secretName: certificateSecretName(gatewayName),
    dnsNames: [...hosts],
    issuerRef: { name: tls._issuer.issuerName, kind: tls._issuer.issuerKind, group: 'cert-manager.io' },
    // A leaked key is replaced at the next renewal instead of living on.
    privateKey: { rotationPolicy: 'Always' as never },
  };
}
