// Executes one CNI plugin binary the way a runtime does: no shell, an argv array (just the binary),
// CNI parameters in the environment, the config on stdin. Bounded in time (the signal) and in
// output size, so a hung or chatty plugin fails one test, never the run.
import { spawn } from 'node:child_process';
import { DeadlineError, HarnessError } from '../../../core/errors.js';

export const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface ExecRequest {
  readonly binary: string;
  /** The complete environment of the child (the caller decides what is inherited). */
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: string;
  readonly signal: AbortSignal;
  /** Upper bound on this one execution in addition to the signal. */
  readonly timeoutMs: number;
  /** argv the binary runs under (e.g. nsenter into another network namespace); none by default. */
  readonly launcher?: readonly string[];
}

export interface ExecOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when stdout or stderr exceeded MAX_OUTPUT_BYTES and was cut. */
  readonly truncated: boolean;
  readonly durationMs: number;
}

class BoundedBuffer {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  truncated = false;
  push(chunk: Buffer): void {
    const room = MAX_OUTPUT_BYTES - this.#size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.#chunks.push(kept);
    this.#size += kept.length;
  }
  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

export function execPlugin(request: ExecRequest): Promise<ExecOutcome> {
  const started = Date.now();
  if (request.signal.aborted) return Promise.reject(new DeadlineError(`plugin ${request.binary}`, 0, { cause: request.signal.reason }));
  return new Promise<ExecOutcome>((resolve, reject) => {
    const [command, ...args] = [...(request.launcher ?? []), request.binary];
    const child = spawn(command!, args, { env: { ...request.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout = new BoundedBuffer();
    const stderr = new BoundedBuffer();
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      fn();
    };
    const kill = (why: Error) => {
      child.kill('SIGKILL');
      finish(() => reject(why));
    };
    const onAbort = () => kill(new DeadlineError(`plugin ${request.binary} (${request.env.CNI_COMMAND ?? 'no command'})`, Date.now() - started, { cause: request.signal.reason }));
    const timer = setTimeout(
      () => kill(new DeadlineError(`plugin ${request.binary} (${request.env.CNI_COMMAND ?? 'no command'})`, request.timeoutMs)),
      request.timeoutMs,
    );
    request.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => finish(() => reject(new HarnessError(`cannot execute plugin ${request.binary}: ${error.message}`, { cause: error }))));
    child.on('close', (exitCode, signal) =>
      finish(() =>
        resolve({
          exitCode,
          signal,
          stdout: stdout.text(),
          stderr: stderr.text(),
          truncated: stdout.truncated || stderr.truncated,
          durationMs: Date.now() - started,
        }),
      ),
    );
    // A plugin may exit without reading stdin (VERSION, early errors): ignore EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(request.stdin);
  });
}
