// Programmatic entry point: start the in-memory Kubernetes API server, in-process or on a worker thread.
import type { KubeConfig } from '@kubernetes/client-node';
import { startWorkerService } from '../core/worker-service.js';
import { clientConfig, kubeconfigYaml } from './kubeconfig.js';
import type { KubeServerAddress, StartKubeServerOptions } from './serve.js';

export type { StartKubeServerOptions } from './serve.js';

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

function withClient({ url, token, caCert }: KubeServerAddress, close: () => Promise<void>): KubeServer {
  const kubeconfig = kubeconfigYaml(url, token, caCert);
  return { url, token, caCert, kubeconfig, kubeConfig: () => clientConfig(kubeconfig), close };
}

export async function startKubeServer(options: StartKubeServerOptions = {}): Promise<KubeServer> {
  // Imported here, so what only starts the server on a worker thread never loads its modules.
  const { listenKubeServer } = await import('./serve.js');
  const { close, ...address } = await listenKubeServer(options);
  return withClient(address, close);
}

/**
 * The same server on a worker thread of its own, so it runs on another core than its clients on
 * the main thread: the embedded default of `conformal run` starts it this way. Rejects with a
 * HarnessError (exit 3) when the worker cannot start; `onFailure` hears of a worker that fails
 * later. Needs the build (dist/).
 */
export async function startKubeServerInWorker(options: StartKubeServerOptions = {}, onFailure: (error: Error) => void = () => undefined): Promise<KubeServer> {
  const service = await startWorkerService<KubeServerAddress>('kube-server', options, 'the embedded Kubernetes API server', onFailure);
  return withClient(service.value, () => service.close());
}

export { KubeApiError } from './status.js';
export type { KubeObject } from './types.js';
