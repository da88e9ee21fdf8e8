// Uses the streaming URLs runtimes return from Exec, Attach and PortForward: dials them over
// WebSocket with the v4 channel protocol and collects what comes back, bounded by a signal.
import WebSocket from 'ws';
import { ConformanceError, DeadlineError } from '../../core/errors.js';
import { CHANNEL_PROTOCOL, Channel, exitCodeOf, frame, toWebSocketUrl, type RemoteCommandStatus } from './stream-protocol.js';

export interface StreamOutput {
  stdout: string;
  stderr: string;
  /** Exit code from the status message; undefined when the stream ended without one (attach). */
  exitCode: number | undefined;
}

interface Session {
  socket: WebSocket;
  closed: Promise<void>;
}

/** Dials the URL; `onMessage` is attached before the handshake, since data can arrive with it. */
function open(url: string, signal: AbortSignal, onMessage: (data: Buffer) => void, query = ''): Promise<Session> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(toWebSocketUrl(url) + query, [CHANNEL_PROTOCOL]);
    socket.on('message', onMessage);
    const onAbort = () => {
      socket.terminate();
      reject(new DeadlineError(`connecting to streaming URL ${url}`, 0, { cause: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('open', () => {
      signal.removeEventListener('abort', onAbort);
      resolve({ socket, closed });
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(new ConformanceError(`streaming URL ${url} did not accept a WebSocket connection: ${error.message}`, { cause: error }));
    });
  });
}

/**
 * Runs a remote command stream (Exec or Attach) to its end: writes `stdin` if given, waits
 * until the server closes or `until` matches the stdout so far (then closes itself).
 */
export async function runRemoteCommand(
  url: string,
  signal: AbortSignal,
  options: { stdin?: string; until?: (stdout: string) => boolean } = {},
): Promise<StreamOutput> {
  const out = { stdout: '', stderr: '', status: undefined as RemoteCommandStatus | undefined };
  let finish: () => void = () => undefined;
  const untilMatched = new Promise<void>((resolve) => (finish = resolve));
  const { socket, closed } = await open(url, signal, (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0];
    const body = data.subarray(1).toString();
    if (channel === Channel.stdout) out.stdout += body;
    else if (channel === Channel.stderr) out.stderr += body;
    else if (channel === Channel.error && body.length > 0) {
      try {
        out.status = JSON.parse(body) as RemoteCommandStatus;
      } catch {
        out.status = { status: 'Failure', message: body };
      }
    }
    if (options.until?.(out.stdout)) finish();
  });
  if (options.stdin !== undefined) socket.send(frame(Channel.stdin, options.stdin));
  const onAbort = () => socket.terminate();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([closed, untilMatched]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    socket.close();
  }
  if (signal.aborted) throw new DeadlineError(`stream from ${url} (stdout so far: ${JSON.stringify(out.stdout.slice(0, 200))})`, 0, { cause: signal.reason });
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.status ? exitCodeOf(out.status) : undefined };
}

/**
 * Forwards one port through a PortForward URL: sends `payload` on the data channel and returns
 * what comes back until the server closes or `until` matches. Error-channel text is returned too.
 */
export async function forwardOnce(
  url: string,
  port: number,
  payload: string,
  signal: AbortSignal,
  until: (received: string) => boolean,
): Promise<{ received: string; error: string }> {
  let received = '';
  let error = '';
  const seenHeader = [false, false];
  let finish: () => void = () => undefined;
  const matched = new Promise<void>((resolve) => (finish = resolve));
  const onMessage = (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0]!;
    let body = data.subarray(1);
    if (channel > 1) return;
    // The first two bytes on each channel repeat the port number.
    if (!seenHeader[channel]) {
      seenHeader[channel] = true;
      body = body.subarray(2);
    }
    if (channel === 0) received += body.toString();
    else error += body.toString();
    if (until(received)) finish();
  };
  const { socket, closed } = await open(url, signal, onMessage, `?port=${port}`);
  socket.send(frame(0, payload));
  const onAbort = () => socket.terminate();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([closed, matched]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    socket.close();
  }
  if (signal.aborted) throw new DeadlineError(`port-forward to ${port} (received: ${JSON.stringify(received.slice(0, 200))}, error: ${error})`, 0, { cause: signal.reason });
  return { received, error };
}
