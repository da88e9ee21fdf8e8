// A kubeconfig for the in-memory server: one cluster, one token user, one context.
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

export const CONTEXT_NAME = 'conformal';

export function kubeconfigYaml(url: string, token: string, caCert: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server: url, 'certificate-authority-data': Buffer.from(caCert).toString('base64') } }],
    users: [{ name: `${CONTEXT_NAME}-admin`, user: { token } }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: `${CONTEXT_NAME}-admin`, namespace: 'default' } }],
    'current-context': CONTEXT_NAME,
  });
}

/** client-node's KubeConfig for the same server. */
export function clientConfig(yaml: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(yaml);
  return config;
}
