// A resident worker of the embedded reference (src/interfaces/cni/resident.ts forks it): the three
// plugins' code loaded once, serving one call at a time over the IPC channel. Each call gets its own
// IO (io.ts): the path it was executed by (which plugin, and where its fault file and own IPAM are),
// its environment and stdin; its stdout, stderr and exit code go back. The plugins keep no state of
// their own between calls (their state is the files under dataDir), so a call sees what a fresh
// process would. The worker ends when the harness closes the channel.
import { basename } from 'node:path';
import { useIo } from './io.js';
import { ipamMain } from './ipam.js';
import { metaMain } from './meta.js';
import { pluginMain } from './plugin.js';
import { runPlugin, type Request } from './skel.js';

/** A call as the harness sends it (Buffers survive the 'advanced' IPC serialization). */
export interface WorkerCall {
  readonly id: number;
  readonly self: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Uint8Array;
}

export interface WorkerAnswer {
  readonly id: number;
  readonly exitCode: number;
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
}

const HANDLERS: Record<string, (request: Request) => Promise<unknown>> = {
  'conformal-ref': pluginMain,
  'conformal-ref-ipam': ipamMain,
  'conformal-ref-meta': metaMain,
};

/** Serves one call with its own IO; what it printed and its exit code. */
export async function serve(call: Omit<WorkerCall, 'id'>): Promise<Omit<WorkerAnswer, 'id'>> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let exitCode = 0;
  useIo({
    self: call.self,
    env: call.env,
    stdin: () => Buffer.from(call.stdin),
    write: (stream, bytes) => (stream === 'stdout' ? stdout : stderr).push(Buffer.from(bytes)),
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  const handler = HANDLERS[basename(call.self)];
  if (handler) await runPlugin(handler);
  else {
    stderr.push(Buffer.from(`conformal reference: no plugin is named ${basename(call.self)}\n`));
    exitCode = 127;
  }
  return { exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
}

if (process.send) {
  process.on('message', (message: WorkerCall) => {
    void serve(message).then(
      (answer) => process.send?.({ id: message.id, ...answer } satisfies WorkerAnswer),
      (error: unknown) => process.send?.({ id: message.id, exitCode: 1, stdout: Buffer.alloc(0), stderr: Buffer.from(`conformal reference worker: ${String(error)}\n`) } satisfies WorkerAnswer),
    );
  });
  process.once('disconnect', () => process.exit());
}
