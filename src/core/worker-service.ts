// A service run on a worker thread (node:worker_threads): the embedded in-memory API server. Its
// clients reach it over HTTPS only, so on a thread of its own it answers them exactly as in
// process while using the second core: the suite and the reference controllers keep the main
// thread. This is the host side: start the worker, wait until it is ready (or say why it is not),
// close it. The worker side is src/cli/worker-main.ts.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { HarnessError } from './errors.js';
import { packagePath } from './paths.js';

/** The services a worker can run (src/cli/worker-main.ts has the table). */
export type WorkerRole = 'kube-server';

export interface WorkerData {
  readonly role: WorkerRole;
  readonly options: unknown;
}

/** Host → worker. */
export type ToWorker = { readonly type: 'close' };

/** Worker → host. */
export type FromWorker = { readonly type: 'ready'; readonly value: unknown } | { readonly type: 'failed'; readonly message: string } | { readonly type: 'closed' };

/** What a role's serve() (run inside the worker) hands back. */
export interface ServedInWorker {
  /** Sent to the host once it is ready (structured-cloneable). */
  readonly value: unknown;
  close(): Promise<void>;
}

export interface WorkerService<T> {
  /** What the service handed back when it was ready (its URL …). */
  readonly value: T;
  /** Closes the service, then ends the thread, whatever the service left pending. */
  close(): Promise<void>;
}

/** How long a service may take to close before its thread is ended all the same. */
const CLOSE_GRACE_MS = 5_000;

/** The worker's entry: the boot module compiled by tsc (it loads the bundle, dist/worker.cjs, when there is one). */
export function workerEntry(): string {
  const entry = packagePath('dist', 'src', 'cli', 'worker-boot.js');
  if (!existsSync(entry)) throw new HarnessError(`cannot start a worker thread: ${entry} is missing (run npm run build)`);
  return entry;
}

/**
 * Starts `role` on a worker thread and resolves once it is ready. A worker that fails to start,
 * throws or ends first rejects with a HarnessError naming `what` (exit 3). One that fails later
 * is reported through `onFailure` (its clients see their connections refused).
 */
export async function startWorkerService<T>(
  role: WorkerRole,
  options: unknown,
  what: string,
  onFailure: (error: HarnessError) => void,
  /** The file the thread starts with; tests give one of their own. */
  entry: string = workerEntry(),
): Promise<WorkerService<T>> {
  const workerData: WorkerData = { role, options };
  const worker = new Worker(entry, { workerData });
  let closing = false;
  let ended = false;
  let closed: (() => void) | undefined;
  const value = await new Promise<T>((resolve, reject) => {
    let ready = false;
    let failed = false;
    // The first failure only: a thread that throws also ends.
    const fail = (error: HarnessError) => {
      if (failed) return;
      failed = true;
      if (!ready) reject(error);
      else if (!closing) onFailure(error);
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        ready = true;
        resolve(message.value as T);
      } else if (message.type === 'failed') fail(new HarnessError(`${what} could not start: ${message.message}`));
      else closed?.();
    });
    worker.on('error', (error) => fail(new HarnessError(`${what} failed: ${error.stack ?? error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      ended = true;
      closed?.();
      fail(new HarnessError(`${what} ended unexpectedly (thread exit code ${code})`));
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  let closeOnce: Promise<void> | undefined;
  return {
    value,
    close: () =>
      (closeOnce ??= (async () => {
        closing = true;
        // The worker closes its service and says so; then the thread is ended, so nothing the
        // service left pending (a socket, a timer) keeps the process alive. One that does not
        // answer in time is ended all the same.
        if (!ended)
          await new Promise<void>((resolve) => {
            closed = resolve;
            setTimeout(resolve, CLOSE_GRACE_MS).unref();
            worker.postMessage({ type: 'close' } satisfies ToWorker);
          });
        await worker.terminate();
      })()),
  };
}
