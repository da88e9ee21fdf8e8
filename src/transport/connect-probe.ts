// Why a gRPC endpoint cannot be used, told apart before grpc-js retries for the whole connect
// timeout: no socket file, connection refused, a server that is not speaking HTTP/2 (so not gRPC),
// or one that never answers. A plain socket sends the HTTP/2 client preface and reads the reply.
import { stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';

export type ProbeVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" and an empty SETTINGS frame (RFC 9113 §3.4). */
const CLIENT_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);
const FRAME_TYPE_SETTINGS = 0x4;

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ENOENT: 'no such socket file',
  EACCES: 'permission denied',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name cannot be resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset',
};

/** The first bytes of an answer, printable: `"HTTP/1.1 400 Bad Request\r\n…"`. */
function firstBytes(data: Buffer): string {
  const text = data.subarray(0, 40).toString('latin1').replace(/[^\x20-\x7e]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return `"${text}${data.length > 40 ? '…' : ''}"`;
}

export interface ProbeAddress {
  readonly socketPath?: string | undefined;
  readonly host?: string;
  readonly port?: number;
}

/** Host and port of a dns:/// or host:port target; undefined when it cannot be split. */
export function hostPort(target: string): { host: string; port: number } | undefined {
  const match = /^(?:dns:\/\/\/)?(\[[0-9a-f:]+\]|[\w.-]+):(\d+)$/i.exec(target);
  if (!match) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

export async function probeEndpoint(address: ProbeAddress, timeoutMs: number): Promise<ProbeVerdict> {
  if (address.socketPath) {
    const info = await stat(address.socketPath).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      const code = info.code ?? '';
      return { ok: false, reason: code === 'ENOENT' ? `no such socket file: ${address.socketPath}` : `${address.socketPath}: ${CONNECT_ERRORS[code] ?? info.message}` };
    }
    if (!info.isSocket()) return { ok: false, reason: `${address.socketPath} is not a socket` };
  }
  return new Promise<ProbeVerdict>((resolve) => {
    const socket: Socket = address.socketPath ? connect({ path: address.socketPath }) : connect({ host: address.host!, port: address.port! });
    let answered = false;
    const finish = (verdict: ProbeVerdict) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `no answer within ${timeoutMs / 1000} s (the connection was accepted, but nothing came back)` }), timeoutMs);
    socket.once('connect', () => socket.write(CLIENT_PREFACE));
    socket.on('data', (data: Buffer) => {
      answered = true;
      // Every HTTP/2 server opens with a SETTINGS frame: 3 bytes length, then the type.
      if (data.length >= 4 && data[3] === FRAME_TYPE_SETTINGS) finish({ ok: true });
      else finish({ ok: false, reason: `not speaking gRPC (HTTP/2): it answered ${firstBytes(data)}` });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: CONNECT_ERRORS[error.code ?? ''] ?? error.message }));
    socket.once('close', () => {
      if (!answered) finish({ ok: false, reason: 'not speaking gRPC (HTTP/2): it closed the connection without answering' });
    });
  });
}
