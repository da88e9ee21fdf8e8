// The in-memory API server inside a worker thread (src/core/worker-service.ts), as
// startKubeServerInWorker (src/kube/index.ts) starts it.
import type { ServedInWorker } from '../core/worker-service.js';
import { listenKubeServer, type KubeServerAddress, type StartKubeServerOptions } from './serve.js';

export async function serve(options: StartKubeServerOptions): Promise<ServedInWorker> {
  const { close, ...address } = await listenKubeServer(options);
  const value: KubeServerAddress = address;
  return { value, close };
}
