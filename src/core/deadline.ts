// Deadlines: every wait in the harness is bounded. These helpers turn an AbortSignal into
// rejected promises and bounded polling loops.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineError } from './errors.js';

/** Rejects with the signal's reason (or a DeadlineError) as soon as `signal` aborts. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, what = 'operation'): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortReason(signal: AbortSignal, what: string): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof DeadlineError) return new DeadlineError(what, reason.timeoutMs, { cause: reason });
  if (reason instanceof Error) return reason;
  return new DeadlineError(what, 0, { cause: reason });
}

/** A signal that aborts after `timeoutMs` with a DeadlineError, or when `parent` aborts. */
export function deadlineSignal(timeoutMs: number, what: string, parent?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every concurrent call and wait of a test listens on its signal; dozens at once are normal.
  setMaxListeners(1000, controller.signal);
  const timer = setTimeout(() => controller.abort(new DeadlineError(what, timeoutMs)), timeoutMs);
  timer.unref?.();
  const onParent = () => controller.abort(parent?.reason);
  if (parent) {
    if (parent.aborted) controller.abort(parent.reason);
    else parent.addEventListener('abort', onParent, { once: true });
  }
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

export interface WaitOptions {
  readonly signal: AbortSignal;
  /** What is awaited, for the error message: "snapshot ready to use". */
  readonly description: string;
  /** First pause between probes; it grows by half each time up to maxIntervalMs, so a long wait polls rarely. */
  readonly intervalMs?: number;
  readonly maxIntervalMs?: number;
  /** Upper bound in addition to the signal. */
  readonly timeoutMs?: number;
  /** The last state the probes saw ("state CONTAINER_CREATED"), added to the error when the wait ends. */
  readonly lastSeen?: () => string | undefined;
}

/**
 * Polls `probe` until it returns a value other than undefined. Bounded by the signal and the
 * optional timeout; the error names what was awaited, the last state seen and the last probe error.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const { signal } = options;
  let interval = options.intervalMs ?? 50;
  const maxInterval = Math.max(interval, options.maxIntervalMs ?? 1000);
  const started = Date.now();
  let lastError: unknown;
  const what = () => {
    const seen = options.lastSeen?.();
    return `waiting for ${options.description}${seen ? ` (last seen: ${seen})` : ''}`;
  };
  for (;;) {
    if (signal.aborted) throw new DeadlineError(what(), Date.now() - started, { cause: lastError ?? signal.reason });
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new DeadlineError(what(), options.timeoutMs, { cause: lastError });
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    try {
      await sleep(interval, undefined, { signal });
    } catch {
      // aborted while sleeping; the loop head reports it
    }
    interval = Math.min(maxInterval, Math.ceil(interval * 1.5));
  }
}
