// One process of the cluster (etcd, kube-apiserver, kubelet, ...): started inside the cluster's
// namespaces in a process group of its own, its output kept, and every failure to start or to
// become ready reported with its name and the tail of its log.
import { HarnessError } from '../../../src/core/errors.js';
import { raceSignal, waitFor } from '../../../src/core/deadline.js';
import { startChild, type Child } from '../child.js';

const LOG_TAIL = 3000;

/** A cluster component failed: `component` names it, the message ends with its log's tail. */
export class ComponentError extends HarnessError {
  readonly component: string;
  constructor(component: string, what: string, log: string, options?: { cause?: unknown }) {
    super(`${component}: ${what}${log ? `\n--- ${component} log (tail) ---\n${log.slice(-LOG_TAIL)}` : ''}`, options);
    this.component = component;
  }
}

export interface Component {
  readonly name: string;
  readonly pid: number | undefined;
  log(): string;
  exited(): boolean;
  /** Polls `probe` until it answers, failing at once (with the log) if the process exits. */
  until<T>(probe: () => Promise<T | undefined>, description: string, signal: AbortSignal): Promise<T>;
  /** `until`, then this component; stopped first when it does not become ready, so no process is left behind. */
  ready(probe: () => Promise<unknown>, description: string, signal: AbortSignal): Promise<Component>;
  /** A ComponentError about this component. */
  error(what: string, cause?: unknown): ComponentError;
  stop(): Promise<void>;
}

/** Starts `argv` (already wrapped to enter the namespaces) as the component `name`. */
export function startComponent(name: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Component {
  const [binary, ...args] = argv;
  const child: Child = startChild(binary!, args, env, { processGroup: true });
  const exit = new Promise<never>((_, reject) => {
    child.process.once('exit', (code, signal) => reject(new ComponentError(name, `exited (${signal ?? `code ${code}`})`, child.output())));
  });
  // Nobody may be waiting when it exits; the rejection is read through `until`.
  exit.catch(() => undefined);
  const component: Component = {
    name,
    pid: child.process.pid,
    log: () => child.output(),
    exited: () => child.exited(),
    error: (what, cause) => new ComponentError(name, what, child.output(), { cause }),
    async until(probe, description, signal) {
      try {
        return await Promise.race([exit, raceSignal(waitFor(probe, { signal, description: `${name}: ${description}`, intervalMs: 200, maxIntervalMs: 1000 }), signal)]);
      } catch (error) {
        throw error instanceof ComponentError ? error : component.error(`not ready: ${description}`, error);
      }
    },
    async ready(probe, description, signal) {
      try {
        await component.until(probe, description, signal);
        return component;
      } catch (error) {
        await child.stop();
        throw error;
      }
    },
    stop: () => child.stop(),
  };
  return component;
}
