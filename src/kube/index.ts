// Programmatic entry point: start the in-memory Kubernetes API server in-process.
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { clientConfig, kubeconfigYaml } from './kubeconfig.js';
import { KubeHttpServer } from './server.js';
import { servingCertificate } from './tls.js';

export interface StartKubeServerOptions {
  /** TCP port on 127.0.0.1 (HTTPS); 0 or absent picks a free one. */
  port?: number;
  /** Bearer token clients must send; a random one by default. */
  token?: string;
  /** Bookmark interval for watches that allow bookmarks (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Events kept per resource for watches resuming from a resourceVersion (default 10000). */
  watchHistory?: number;
  /** Unread output a watcher may pile up before it is cut off (default 16 MiB). */
  watchBacklogBytes?: number;
}

export interface KubeServer {
  url: string;
  token: string;
  /** PEM of the self-signed serving certificate (also in the kubeconfig). */
  caCert: string;
  /** kubeconfig YAML pointing at this server with the token. */
  kubeconfig: string;
  kubeConfig(): KubeConfig;
  close(): Promise<void>;
}

export async function startKubeServer(options: StartKubeServerOptions = {}): Promise<KubeServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { cert, key } = await servingCertificate();
  const server = new KubeHttpServer({
    token,
    cert,
    key,
    port: options.port ?? 0,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    watchHistory: options.watchHistory ?? 10_000,
    watchBacklogBytes: options.watchBacklogBytes,
  });
  const url = await server.listen();
  const kubeconfig = kubeconfigYaml(url, token, cert);
  return {
    url,
    token,
    caCert: cert,
    kubeconfig,
    kubeConfig: () => clientConfig(kubeconfig),
    close: () => server.close(),
  };
}

export { KubeApiError } from './status.js';
export type { KubeObject } from './types.js';
