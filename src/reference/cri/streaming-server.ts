// The reference runtime's streaming server: Exec, Attach and PortForward hand out one-time
// URLs on a loopback HTTP server, served over WebSocket with the v4 channel protocol.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNEL_PROTOCOL, Channel, exitStatus, frame, portHeader } from '../../interfaces/cri/stream-protocol.js';
import type { ReferenceRuntime } from './runtime.js';

type StreamRequest =
  | { kind: 'exec'; containerId: string; cmd: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }
  | { kind: 'attach'; containerId: string; stdin: boolean; stdout: boolean; stderr: boolean }
  | { kind: 'portforward'; sandboxId: string };

/** Tokens expire like the kubelet's: a URL must be used within a minute. */
const TOKEN_TTL_MS = 60_000;

export class StreamingServer {
  readonly #requests = new Map<string, { request: StreamRequest; expires: number }>();
  readonly #http: Server;
  readonly #ws: WebSocketServer;
  #base = '';

  constructor(private readonly runtime: ReferenceRuntime) {
    this.#ws = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has(CHANNEL_PROTOCOL) ? CHANNEL_PROTOCOL : false) });
    this.#http = createServer((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('this streaming server speaks WebSocket (v4.channel.k8s.io) only\n');
    });
    this.#http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://streaming');
      const token = url.pathname.split('/').pop() ?? '';
      const entry = this.#requests.get(token);
      this.#requests.delete(token);
      if (!entry || entry.expires < Date.now()) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.#ws.handleUpgrade(req, socket, head, (ws) => this.#serve(ws, entry.request, url).catch(() => ws.close()));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
    this.#base = `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  /** Registers a request and returns its one-time URL. */
  url(request: StreamRequest, dead = false): string {
    const token = randomBytes(12).toString('base64url');
    if (!dead) this.#requests.set(token, { request, expires: Date.now() + TOKEN_TTL_MS });
    return `${this.#base}/${request.kind}/${token}`;
  }

  async close(): Promise<void> {
    for (const client of this.#ws.clients) client.terminate();
    this.#ws.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  async #serve(ws: WebSocket, request: StreamRequest, url: URL): Promise<void> {
    if (request.kind === 'exec') return this.#exec(ws, request);
    if (request.kind === 'attach') return this.#attach(ws, request);
    return this.#portForward(ws, request, url);
  }

  async #exec(ws: WebSocket, request: Extract<StreamRequest, { kind: 'exec' }>): Promise<void> {
    const closed = new AbortController();
    ws.on('close', () => closed.abort());
    const stdin: string[] = [];
    const waiters: Array<(line: string | null) => void> = [];
    ws.on('message', (data: Buffer) => {
      if (data[0] !== Channel.stdin) return;
      const text = data.subarray(1).toString();
      const waiter = waiters.shift();
      if (waiter) waiter(text);
      else stdin.push(text);
    });
    ws.on('close', () => waiters.splice(0).forEach((w) => w(null)));
    const send = (channel: number, text: string) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(channel, text));
    };
    const code = await this.runtime.exec(
      request.containerId,
      request.cmd,
      {
        stdout: (text) => request.stdout && send(Channel.stdout, text),
        stderr: (text) => request.stderr && send(request.tty ? Channel.stdout : Channel.stderr, text),
        readStdin: (signal) => {
          if (!request.stdin) return Promise.resolve(null);
          const line = stdin.shift();
          if (line !== undefined) return Promise.resolve(line);
          if (signal.aborted || closed.signal.aborted) return Promise.resolve(null);
          return new Promise((resolve) => waiters.push(resolve));
        },
      },
      closed.signal,
    ).catch((error: unknown) => {
      send(Channel.error, JSON.stringify({ status: 'Failure', message: (error as Error).message }));
      return undefined;
    });
    if (code !== undefined) send(Channel.error, JSON.stringify(exitStatus(code)));
    ws.close();
  }

  async #attach(ws: WebSocket, request: Extract<StreamRequest, { kind: 'attach' }>): Promise<void> {
    const container = this.runtime.container(request.containerId);
    const listener = (stream: 'stdout' | 'stderr', text: string) => {
      if ((stream === 'stdout' && request.stdout) || (stream === 'stderr' && request.stderr)) {
        if (ws.readyState === ws.OPEN) ws.send(frame(stream === 'stdout' ? Channel.stdout : Channel.stderr, text));
      }
    };
    container.listeners.add(listener);
    ws.on('message', (data: Buffer) => {
      if (data[0] === Channel.stdin && request.stdin) container.stdin?.push(data.subarray(1).toString());
    });
    const done = container.exited ?? Promise.resolve();
    await Promise.race([done, new Promise<void>((resolve) => ws.on('close', () => resolve()))]);
    container.listeners.delete(listener);
    if (ws.readyState === ws.OPEN) {
      ws.send(frame(Channel.error, JSON.stringify(exitStatus(container.exitCode))));
      ws.close();
    }
  }

  async #portForward(ws: WebSocket, request: Extract<StreamRequest, { kind: 'portforward' }>, url: URL): Promise<void> {
    const port = Number(url.searchParams.get('port'));
    ws.send(frame(0, portHeader(port)));
    ws.send(frame(1, portHeader(port)));
    const sandbox = this.runtime.sandboxes.get(request.sandboxId);
    const target = sandbox?.ports.get(port);
    if (!sandbox || target === undefined) {
      ws.send(frame(1, `error forwarding port ${port} to pod ${request.sandboxId}: connection refused`));
      ws.close();
      return;
    }
    const socket = connect(target.port, target.host);
    socket.on('data', (chunk: Buffer) => ws.readyState === ws.OPEN && ws.send(frame(0, chunk)));
    socket.on('end', () => ws.close());
    socket.on('error', (error) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(1, error.message));
      ws.close();
    });
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0) socket.write(data.subarray(1));
    });
    ws.on('close', () => socket.destroy());
  }
}
