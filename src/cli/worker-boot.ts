// The file a worker thread starts with (src/core/worker-service.ts). Like the CLI's launcher it
// loads the bundle, dist/worker.cjs, with a V8 code cache (src/cli/code-cache.ts), or the compiled
// modules when only tsc was run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { codeCacheDir, loadWithCodeCache } from './code-cache.js';
import type { WorkerData } from '../core/worker-service.js';

type Run = (afterClose?: () => void) => Promise<void>;

async function load(): Promise<{ runWorker: Run; saveCache?: () => void }> {
  const bundle = fileURLToPath(new URL('../../worker.cjs', import.meta.url));
  if (!existsSync(bundle)) return { runWorker: (await import('./worker-main.js')).runWorker };
  // A cache per service: each holds the code its worker runs.
  const loaded = loadWithCodeCache(bundle, `worker-${(workerData as WorkerData).role}`, codeCacheDir());
  return { runWorker: (loaded.exports as { runWorker: Run }).runWorker, ...(loaded.saveCache ? { saveCache: loaded.saveCache } : {}) };
}

const { runWorker, saveCache } = await load();
await runWorker(saveCache);
