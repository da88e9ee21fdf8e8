// Everything the components authenticate with, made at start and written under the state dir: a
// CA and kube-apiserver's serving certificate for the node address, a client certificate
// kube-apiserver shows kubelet (logs, exec), a system:masters token in a --token-auth-file with the
// one kubeconfig every component uses, and the service-account signing key pair.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeconfigYaml } from '../../../src/kube/kubeconfig.js';
import { certificateAuthority, signedCertificate } from '../../../src/kube/tls.js';

export interface ClusterCredentials {
  readonly caFile: string;
  readonly apiserverCertFile: string;
  readonly apiserverKeyFile: string;
  /** kube-apiserver's client certificate towards kubelet (O=system:masters). */
  readonly kubeletClientCertFile: string;
  readonly kubeletClientKeyFile: string;
  readonly tokenFile: string;
  readonly serviceAccountPublicKeyFile: string;
  readonly serviceAccountPrivateKeyFile: string;
  /** The kubeconfig every component and kubectl use. */
  readonly kubeconfigFile: string;
}

export async function writeClusterCredentials(dir: string, apiserverUrl: string, serverAddresses: readonly string[]): Promise<ClusterCredentials> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const ca = await certificateAuthority('conformal-cluster-ca');
  const serving = await signedCertificate(ca, {
    commonName: 'kube-apiserver',
    usage: 'server',
    ipAddresses: [...serverAddresses, '127.0.0.1'],
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
  });
  const kubeletClient = await signedCertificate(ca, { commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters', usage: 'client' });
  const token = randomBytes(24).toString('base64url');
  const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  return {
    caFile: file('ca.crt', ca.cert),
    apiserverCertFile: file('apiserver.crt', serving.cert),
    apiserverKeyFile: file('apiserver.key', serving.key),
    kubeletClientCertFile: file('apiserver-kubelet-client.crt', kubeletClient.cert),
    kubeletClientKeyFile: file('apiserver-kubelet-client.key', kubeletClient.key),
    tokenFile: file('tokens.csv', `${token},conformal-admin,conformal-admin,"system:masters"\n`),
    serviceAccountPublicKeyFile: file('sa.pub', serviceAccount.publicKey),
    serviceAccountPrivateKeyFile: file('sa.key', serviceAccount.privateKey),
    kubeconfigFile: file('kubeconfig', kubeconfigYaml(apiserverUrl, token, ca.cert)),
  };
}
