// Certificates made at start, never stored: a fresh self-signed serving certificate for 127.0.0.1
// per server start, and, for a real cluster's components, a CA with the certificates it signs.
// TLS is not optional: client-go (kubectl) sends bearer tokens only over TLS connections.
import { generate } from 'selfsigned';

export interface ServingCert {
  cert: string;
  key: string;
}

type Subject = NonNullable<Parameters<typeof generate>[0]>;
type Extensions = NonNullable<NonNullable<Parameters<typeof generate>[1]>['extensions']>;

/** A P-256 key and a certificate valid for a year, self-signed or signed by `ca`. */
async function ecCertificate(subject: Subject, extensions: Extensions, ca?: ServingCert): Promise<ServingCert> {
  const pems = await generate(subject, {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions,
    ...(ca ? { ca } : {}),
  });
  return { cert: pems.cert, key: pems.private };
}

export function servingCertificate(): Promise<ServingCert> {
  return ecCertificate(
    [{ name: 'commonName', value: 'conformal-kube-apiserver' }],
    [
      // Self-signed and its own CA, so a kubeconfig can pin it as certificate-authority-data.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  );
}

/**
 * A CA with no extended key usage: Go checks every certificate of a chain, root included, against
 * the usage asked for, so one CA can vouch for servers and for clients.
 */
export function certificateAuthority(commonName: string): Promise<ServingCert> {
  return ecCertificate(
    [{ name: 'commonName', value: commonName }],
    [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, cRLSign: true, critical: true },
    ],
  );
}

export interface SignedCertificateOptions {
  readonly commonName: string;
  /** The subject's O: Kubernetes reads it as the client's groups (system:masters). */
  readonly organization?: string;
  readonly usage: 'server' | 'client';
  /** IP subject alternative names (server certificates). */
  readonly ipAddresses?: readonly string[];
  readonly dnsNames?: readonly string[];
}

/** A leaf certificate signed by `ca`. */
export function signedCertificate(ca: ServingCert, options: SignedCertificateOptions): Promise<ServingCert> {
  const altNames = [...(options.ipAddresses ?? []).map((ip) => ({ type: 7 as const, ip })), ...(options.dnsNames ?? []).map((value) => ({ type: 2 as const, value }))];
  return ecCertificate(
    [{ name: 'commonName', value: options.commonName }, ...(options.organization ? [{ name: 'organizationName', value: options.organization }] : [])],
    [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', ...(options.usage === 'server' ? { serverAuth: true } : { clientAuth: true }) },
      ...(altNames.length > 0 ? [{ name: 'subjectAltName' as const, altNames }] : []),
    ],
    ca,
  );
}
