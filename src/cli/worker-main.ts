// The inside of a worker thread started by src/core/worker-service.ts: runs the service its
// workerData names, tells the host when it is ready (or why it could not start) and closes it on
// request. Bundled into dist/worker.cjs (scripts/bundle-cli.mjs), which src/cli/worker-boot.ts loads.
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ServedInWorker, ToWorker, WorkerData, WorkerRole } from '../core/worker-service.js';

// Imported when a worker runs them, so a worker evaluates only its own service's modules.
const ROLES: Record<WorkerRole, () => Promise<{ serve(options: never): Promise<ServedInWorker> }>> = {
  'kube-server': () => import('../kube/worker.js'),
};

/** Runs the worker's service; `afterClose` runs once it is closed (the code cache is written then). */
export async function runWorker(afterClose?: () => void): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runWorker() runs inside a worker thread only');
  const post = (message: FromWorker) => port.postMessage(message);
  const { role, options } = workerData as WorkerData;
  let served: ServedInWorker;
  try {
    served = await (await ROLES[role]()).serve(options as never);
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  port.once('message', (message: ToWorker) => {
    if (message.type !== 'close') return;
    void served
      .close()
      .catch(() => undefined)
      .then(() => {
        afterClose?.();
        post({ type: 'closed' });
      });
  });
  post({ type: 'ready', value: served.value });
}
