// The benchmark's load generator: a lean HTTP/1.1 keep-alive client over TLS, one request in
// flight per connection, each request (head and body) written as one string. The same client
// drives both servers, so the figures compare the servers, not node:https's per-request cost
// (an agent, a ClientRequest, header objects and an IncomingMessage per create). Answers are
// parsed only as far as their status code and body; bodies are not decoded as JSON. Watches get
// a connection each and hand over their event lines undecoded.
import { connect, type TLSSocket } from 'node:tls';
import type { KubeEndpoint } from './kube-client.js';

export interface LoadAnswer {
  code: number;
  body: string;
}

interface Pending {
  request: string;
  resolve(answer: LoadAnswer): void;
  reject(error: Error): void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** The answer at the start of `buf`, and where the next one starts; undefined while incomplete. */
function parseAnswer(buf: Buffer): { answer: LoadAnswer; used: number } | undefined {
  const headEnd = buf.indexOf(HEADER_END);
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const code = Number(head.slice(9, 12));
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buf.length < end ? undefined : { answer: { code, body: buf.toString('utf8', bodyStart, end) }, used: end };
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) throw new Error(`answer without Content-Length or chunked encoding: ${head}`);
  const parts: Buffer[] = [];
  let at = bodyStart;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    const dataEnd = lineEnd + 2 + size;
    if (buf.length < dataEnd + 2) return undefined;
    if (size === 0) {
      // No trailers are expected: the last chunk is followed by an empty line.
      return { answer: { code, body: Buffer.concat(parts).toString('utf8') }, used: dataEnd + 2 };
    }
    parts.push(buf.subarray(lineEnd + 2, dataEnd));
    at = dataEnd + 2;
  }
}

class Connection {
  private readonly socket: TLSSocket;
  private buffered: Buffer | undefined;
  private current: Pending | undefined;
  closed = false;

  constructor(endpoint: URL, ca: string, private readonly done: (connection: Connection) => void) {
    this.socket = connect({ host: endpoint.hostname, port: Number(endpoint.port), ca, ALPNProtocols: ['http/1.1'] });
    this.socket.setNoDelay(true);
    this.socket.on('data', (data: Buffer) => this.receive(data));
    const fail = (error: Error) => {
      this.closed = true;
      const current = this.current;
      this.current = undefined;
      current?.reject(error);
      done(this);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  send(pending: Pending): void {
    this.current = pending;
    this.socket.write(pending.request);
  }

  private receive(data: Buffer): void {
    this.buffered = this.buffered ? Buffer.concat([this.buffered, data]) : data;
    const parsed = parseAnswer(this.buffered);
    if (!parsed) return;
    this.buffered = parsed.used < this.buffered.length ? this.buffered.subarray(parsed.used) : undefined;
    const current = this.current;
    this.current = undefined;
    current?.resolve(parsed.answer);
    this.done(this);
  }

  close(): void {
    this.closed = true;
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }
}

export class LoadClient {
  private readonly url: URL;
  private readonly head: string;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Pending[] = [];

  constructor(private readonly endpoint: KubeEndpoint, private readonly connections: number) {
    this.url = new URL(endpoint.url);
    this.head = `Host: ${this.url.host}\r\nAuthorization: Bearer ${endpoint.token}\r\nAccept: application/json\r\n`;
  }

  /** The request as it goes on the wire: prepare bodies before the clock starts. */
  prepare(method: string, path: string, body?: string): string {
    if (body === undefined) return `${method} ${path} HTTP/1.1\r\n${this.head}\r\n`;
    return `${method} ${path} HTTP/1.1\r\n${this.head}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }

  send(request: string): Promise<LoadAnswer> {
    return new Promise((resolve, reject) => {
      const pending = { request, resolve, reject };
      const connection = this.idle.pop() ?? (this.all.size < this.connections ? this.open() : undefined);
      if (connection) connection.send(pending);
      else this.waiting.push(pending);
    });
  }

  private open(): Connection {
    const connection = new Connection(this.url, this.endpoint.caCert, (c) => this.release(c));
    this.all.add(connection);
    return connection;
  }

  private release(connection: Connection): void {
    if (connection.closed) {
      // A connection the server closed is replaced when requests wait for one.
      if (!this.all.delete(connection)) return;
      const next = this.waiting.shift();
      if (next) this.open().send(next);
      return;
    }
    const next = this.waiting.shift();
    if (next) connection.send(next);
    else this.idle.push(connection);
  }

  /**
   * Opens a watch (the path must carry watch=true) on its own connection; resolves once the server
   * answered 200, then calls `onLine` with each event line (chunked framing removed, not parsed).
   */
  watch(path: string, onLine: (line: string) => void): Promise<{ close(): void }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.url.hostname, port: Number(this.url.port), ca: this.endpoint.caCert, ALPNProtocols: ['http/1.1'] });
      socket.setNoDelay(true);
      let buffered: Buffer = Buffer.alloc(0);
      let started = false;
      let text = '';
      socket.on('data', (data: Buffer) => {
        buffered = buffered.length === 0 ? data : Buffer.concat([buffered, data]);
        if (!started) {
          const headEnd = buffered.indexOf(HEADER_END);
          if (headEnd < 0) return;
          const head = buffered.toString('latin1', 0, headEnd);
          if (head.slice(9, 12) !== '200' || !/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
            socket.destroy();
            reject(new Error(`watch ${path} answered ${head.split('\r\n')[0]}`));
            return;
          }
          started = true;
          buffered = buffered.subarray(headEnd + 4);
          resolve({ close: () => socket.destroy() });
        }
        let at = 0;
        for (;;) {
          const lineEnd = buffered.indexOf('\r\n', at);
          if (lineEnd < 0) break;
          const size = parseInt(buffered.toString('latin1', at, lineEnd), 16);
          const dataEnd = lineEnd + 2 + size;
          if (buffered.length < dataEnd + 2) break;
          text += buffered.toString('utf8', lineEnd + 2, dataEnd);
          at = dataEnd + 2;
        }
        buffered = buffered.subarray(at);
        let newline: number;
        while ((newline = text.indexOf('\n')) >= 0) {
          const line = text.slice(0, newline);
          text = text.slice(newline + 1);
          if (line.trim()) onLine(line);
        }
      });
      socket.on('error', reject);
      socket.write(this.prepare('GET', path));
    });
  }

  close(): void {
    for (const connection of this.all) connection.close();
    this.all.clear();
    this.idle.length = 0;
  }
}
