// A fresh self-signed serving certificate for 127.0.0.1 per server start. TLS is not optional:
// client-go (kubectl) sends bearer tokens only over TLS connections.
import { generate } from 'selfsigned';

export interface ServingCert {
  cert: string;
  key: string;
}

export async function servingCertificate(): Promise<ServingCert> {
  const pems = await generate([{ name: 'commonName', value: 'conformal-kube-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [
      // Self-signed and its own CA, so a kubeconfig can pin it as certificate-authority-data.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
