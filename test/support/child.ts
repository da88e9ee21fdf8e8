// An upstream program run for a test: its output kept (the tail), stopped with SIGTERM then
// SIGKILL, and killed if the test worker exits first.
import { spawn, type ChildProcess } from 'node:child_process';
import { killOnExit } from './kill-on-exit.js';

const LOG_LIMIT = 2 * 1024 * 1024;

export interface Child {
  process: ChildProcess;
  output(): string;
  exited(): boolean;
  /** Resolves when the process has exited and its output is closed. */
  readonly closed: Promise<void>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /**
   * Start it as the leader of a process group of its own and signal the whole group: what it
   * starts (helpers it forks) stops with it.
   */
  readonly processGroup?: boolean;
  /** How long SIGTERM has before SIGKILL. */
  readonly stopGraceMs?: number;
}

export function startChild(binary: string, args: string[], env: NodeJS.ProcessEnv, options: ChildOptions = {}): Child {
  const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.processGroup === true });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > LOG_LIMIT) output = output.slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  child.on('error', (error) => collect(Buffer.from(`\ncannot start ${binary}: ${error.message}\n`)));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (options.processGroup && child.pid !== undefined) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // already gone
    }
  };
  // A test worker that dies must not leave the process running against the next test's server.
  const forget = killOnExit(() => signal('SIGKILL'));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    output: () => output,
    exited: hasExited,
    closed,
    async stop() {
      forget();
      if (child.pid === undefined) return;
      // The group may outlive its leader: signal it even when the leader is gone.
      if (hasExited() && !options.processGroup) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), options.stopGraceMs ?? 5000);
      await closed;
      clearTimeout(timer);
      if (options.processGroup) signal('SIGKILL');
    },
  };
}
