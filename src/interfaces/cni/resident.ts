// The resident reference of an embedded run: the CNI_PATH directory holds links named after the
// reference plugins to bin/conformal-cni-launcher.pl, a launcher that starts in a few milliseconds,
// and this server answers its calls on a unix socket in that directory. Each call goes to a worker
// process (src/reference/cni/worker.ts) that loaded the plugins once; a worker serves one call at a
// time and is reused when idle. The pool grows with the calls in flight and has no cap: a worker
// blocks in a delegate call (conformal-ref executes conformal-ref-ipam, whose launcher calls
// back here), so any cap below the concurrency could deadlock. A call whose launcher goes away
// before the answer (the runtime killed it) takes its worker with it, as it would a plugin
// process. `stop` ends the workers and removes the socket. CONFORMAL_CNI_RESIDENT=0 turns it off:
// the links then lead to the Node launchers, one Node process per call.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { packagePath } from '../../core/paths.js';
import type { WorkerAnswer, WorkerCall } from '../../reference/cni/worker.js';

/** The launcher the plugins' links lead to, and the socket it looks for beside itself. */
export const RESIDENT_LAUNCHER = packagePath('bin', 'conformal-cni-launcher.pl');
export const RESIDENT_SOCKET = '.conformal-ref.sock';
/** The workers' bundle (all three plugins) and what starts it with a code cache (scripts/bundle-cni-ref.mjs builds both). */
export const REFERENCE_WORKER = packagePath('dist/cni-ref', 'worker.cjs');
export const REFERENCE_WORKER_BOOT = packagePath('dist/cni-ref', 'worker-boot.cjs');
/** What a unix socket address holds (sun_path, 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;
/** A call larger than this is refused (a CNI config is kilobytes). */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
const STOP_GRACE_MS = 2_000;

/** Whether an embedded run in `binDir` serves its plugins from resident workers. */
export function residentWanted(binDir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CONFORMAL_CNI_RESIDENT !== '0' && existsSync('/usr/bin/perl') && Buffer.byteLength(join(binDir, RESIDENT_SOCKET)) <= MAX_SOCKET_PATH;
}

export interface Call {
  readonly self: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Buffer;
}

export interface Answer {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

const field = (bytes: Buffer): Buffer[] => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, bytes];
};

/** Reads `count` length-prefixed fields from `buffer` at `offset`; undefined while incomplete. */
function readFields(buffer: Buffer, offset: number, count: number): Buffer[] | undefined {
  const fields: Buffer[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (buffer.length < at + 4) return undefined;
    const length = buffer.readUInt32BE(at);
    if (buffer.length < at + 4 + length) return undefined;
    fields.push(buffer.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

/** A call as the launcher frames it: path, environment (NAME=value joined by NUL), stdin. */
export function encodeCall(call: Call): Buffer {
  const env = Object.entries(call.env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join('\0');
  return Buffer.concat([...field(Buffer.from(call.self)), ...field(Buffer.from(env)), ...field(call.stdin)]);
}

/** The call in `buffer`, or undefined while it is incomplete. */
export function decodeCall(buffer: Buffer): Call | undefined {
  const fields = readFields(buffer, 0, 3);
  if (!fields) return undefined;
  const [self, env, stdin] = fields as [Buffer, Buffer, Buffer];
  const entries = env.length === 0 ? [] : env.toString().split('\0');
  return { self: self.toString(), env: Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])), stdin: Buffer.from(stdin) };
}

/** An answer as the launcher reads it: exit code, stdout, stderr. */
export function encodeAnswer(answer: Answer): Buffer {
  const code = Buffer.alloc(4);
  code.writeUInt32BE(answer.exitCode);
  return Buffer.concat([code, ...field(answer.stdout), ...field(answer.stderr)]);
}

export function decodeAnswer(buffer: Buffer): Answer | undefined {
  if (buffer.length < 4) return undefined;
  const fields = readFields(buffer, 4, 2);
  return fields && { exitCode: buffer.readUInt32BE(0), stdout: Buffer.from(fields[0]!), stderr: Buffer.from(fields[1]!) };
}

interface Pending {
  readonly resolve: (answer: Answer) => void;
}

/** The workers: one call at a time each, reused when idle, as many as calls are in flight. */
export class WorkerPool {
  readonly #idle: ChildProcess[] = [];
  readonly #all = new Set<ChildProcess>();
  readonly #pending = new Map<ChildProcess, Pending>();
  #stopped = false;
  #nextId = 0;

  constructor(
    readonly boot: string = REFERENCE_WORKER_BOOT,
    readonly bundle: string = REFERENCE_WORKER,
  ) {}

  /** Live worker processes (for tests and the report of a stop). */
  get size(): number {
    return this.#all.size;
  }

  get pids(): number[] {
    return [...this.#all].map((child) => child.pid!).filter(Boolean);
  }

  #start(): ChildProcess {
    // stdout ignored: a call's output goes back over the channel; stderr shows a worker's own failure.
    const child = fork(this.boot, [this.bundle], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.#all.add(child);
    child.on('message', (message: WorkerAnswer) => {
      const pending = this.#pending.get(child);
      this.#pending.delete(child);
      if (!this.#stopped) this.#idle.push(child);
      pending?.resolve({ exitCode: message.exitCode, stdout: Buffer.from(message.stdout), stderr: Buffer.from(message.stderr) });
    });
    child.on('exit', (code, signal) => {
      this.#all.delete(child);
      const at = this.#idle.indexOf(child);
      if (at >= 0) this.#idle.splice(at, 1);
      const pending = this.#pending.get(child);
      this.#pending.delete(child);
      pending?.resolve({ exitCode: 1, stdout: Buffer.alloc(0), stderr: Buffer.from(`conformal reference worker ${child.pid} ended (${signal ?? `exit ${code}`}) during the call\n`) });
    });
    child.on('error', () => undefined);
    return child;
  }

  /**
   * Runs `call` in an idle worker or a new one; `abandon` (the caller went away) kills that worker,
   * as a runtime's kill would end a plugin process, and it is not reused.
   */
  run(call: Call, abandon: AbortSignal): Promise<Answer> {
    if (this.#stopped) return Promise.resolve({ exitCode: 1, stdout: Buffer.alloc(0), stderr: Buffer.from('conformal reference: the run is over\n') });
    const child = this.#idle.pop() ?? this.#start();
    return new Promise<Answer>((resolve) => {
      this.#pending.set(child, { resolve });
      const kill = () => {
        if (this.#pending.has(child)) child.kill('SIGKILL');
      };
      abandon.addEventListener('abort', kill, { once: true });
      const message: WorkerCall = { id: this.#nextId++, self: call.self, env: call.env, stdin: call.stdin };
      child.send(message, (error) => {
        if (error) child.kill('SIGKILL');
      });
    });
  }

  /** Ends every worker: the channel closed (a worker then exits, writing its code cache), killed after a grace. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#idle.length = 0;
    const children = [...this.#all];
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (this.#pending.has(child)) child.kill('SIGKILL');
            else if (child.connected) child.disconnect();
            else child.kill('SIGKILL');
          }),
      ),
    );
  }
}

/** The socket server of one embedded run and its workers. */
export class ResidentReference {
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly socketPath: string,
    readonly server: Server,
    readonly pool: WorkerPool,
  ) {}

  /** Listens on `binDir`/.conformal-ref.sock. */
  static async start(binDir: string, pool = new WorkerPool()): Promise<ResidentReference> {
    const socketPath = join(binDir, RESIDENT_SOCKET);
    rmSync(socketPath, { force: true });
    // Half open: a launcher that went away is noticed by its end, and the answer is not sent to it.
    const server = createServer({ allowHalfOpen: true });
    const resident = new ResidentReference(socketPath, server, pool);
    server.on('connection', (socket) => resident.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return resident;
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    const gone = new AbortController();
    let received = Buffer.alloc(0);
    let decoded = false;
    let answered = false;
    // The launcher's end of the connection closes before the answer only when it was killed.
    const abandoned = () => {
      if (!answered) gone.abort();
    };
    socket.on('end', abandoned);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      abandoned();
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      if (decoded) return;
      received = Buffer.concat([received, chunk]);
      if (received.length > MAX_REQUEST_BYTES) return socket.destroy();
      const call = decodeCall(received);
      if (!call) return;
      decoded = true;
      void this.pool.run(call, gone.signal).then((answer) => {
        answered = true;
        if (!socket.destroyed) socket.end(encodeAnswer(answer));
      });
    });
  }

  /** Stops listening, removes the socket, ends the workers. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
    rmSync(this.socketPath, { force: true });
    await this.pool.stop();
  }
}
