// What a reference plugin call reads and writes: its own path (the plugin finds FAULT_FILE and its
// own IPAM beside it), its environment, its stdin, its stdout/stderr and its exit code. A plugin
// started as a process (bin/conformal-cni-ref*.cjs) has the process's own; a resident worker of an
// embedded run (worker.ts) serves one call at a time and sets a fresh one for every call, so
// nothing of a call is left for the next.
import { readFileSync, writeSync } from 'node:fs';
import { SELF_CARRIER } from './given-env.js';

export interface PluginIo {
  /** The path the plugin was executed by (the link in CNI_PATH, not the file it resolves to). */
  readonly self: string;
  readonly env: NodeJS.ProcessEnv;
  /** All of stdin (read once, on demand). */
  readonly stdin: () => Buffer;
  readonly write: (stream: 'stdout' | 'stderr', bytes: Buffer) => void;
  readonly setExitCode: (code: number) => void;
}

/**
 * Writes all of `bytes` to fd 1 or 2 at once. process.stdout would first build a stream (for the
 * pipe a runtime gives, a net.Socket and the modules behind it), which costs a plugin start more
 * than the write; a non-blocking pipe that is full is simply written again.
 */
function writeFd(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/** The calling process's own: argv[1] (or the path a launcher that ran it carried), process.env, fds 0-2. */
export function processIo(): PluginIo {
  return {
    self: process.env[SELF_CARRIER] || (process.argv[1] ?? ''),
    env: process.env,
    stdin: () => readFileSync(0),
    write: (stream, bytes) => writeFd(stream === 'stdout' ? 1 : 2, bytes),
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

let current: PluginIo | undefined;

/** The IO of the call being served. */
export function io(): PluginIo {
  return (current ??= processIo());
}

/** Makes `next` the IO of the calls that follow (a resident worker, before each call). */
export function useIo(next: PluginIo): void {
  current = next;
}
