// Container log files in the CRI log format the kubelet reads:
//   <RFC3339Nano timestamp> <stdout|stderr> <F|P> <content>
// one entry per line; F marks a full line, P a partial one.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

let lastNanos = 0n;

/** A strictly increasing RFC3339 timestamp with nanoseconds, so entries sort as written. */
export function rfc3339Nano(): string {
  let nanos = BigInt(Date.now()) * 1_000_000n;
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  const seconds = new Date(Number(nanos / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

export class CriLogWriter {
  #fd: number | undefined;
  readonly #partial = { stdout: '', stderr: '' };

  constructor(
    readonly path: string,
    private readonly raw = false,
  ) {
    this.#open();
  }

  #open(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.#fd = openSync(this.path, 'a');
  }

  write(stream: 'stdout' | 'stderr', text: string): void {
    const pending = this.#partial[stream] + text;
    const lines = pending.split('\n');
    this.#partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.#entry(stream, 'F', line);
  }

  /** Flushes an unterminated last line when the process ends. */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.#partial[stream]) this.#entry(stream, 'P', this.#partial[stream]);
      this.#partial[stream] = '';
    }
  }

  #entry(stream: 'stdout' | 'stderr', tag: 'F' | 'P', content: string): void {
    if (this.#fd === undefined) return;
    writeSync(this.#fd, this.raw ? `${content}\n` : `${rfc3339Nano()} ${stream} ${tag} ${content}\n`);
  }

  /** ReopenContainerLog: later writes go to a fresh file at the same path (after rotation). */
  reopen(): void {
    this.close();
    this.#open();
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
