// The reference runtime's streaming server: Exec, Attach and PortForward hand out one-time URLs on
// a loopback HTTP server, served over the two transports of Kubernetes streaming: WebSocket (the v5
// or v4 channel protocol) and SPDY/3.1 (the streams of client-go's SPDY executor and dialer).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNEL_PROTOCOL, CHANNEL_PROTOCOL_V5, CLOSE_SIGNAL, Channel, exitStatus, frame, portHeader, type RemoteCommandStatus } from '../../interfaces/cri/stream-protocol.js';
import { StdinQueue, type ReferenceRuntime } from './runtime.js';
import { isSpdyUpgrade, SpdySession, type SpdyStream } from './spdy.js';

type StreamRequest =
  | { kind: 'exec'; containerId: string; cmd: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }
  | { kind: 'attach'; containerId: string; stdin: boolean; stdout: boolean; stderr: boolean }
  | { kind: 'portforward'; sandboxId: string };

/** The streams of one exec or attach, whichever transport carries them. */
interface CommandChannel {
  stdout(text: string): void;
  stderr(text: string): void;
  /** What the client writes to stdin; closed when the client ends it. */
  readonly stdin: StdinQueue;
  /** Sends the final status (the error stream) and ends the session. */
  finish(status: RemoteCommandStatus): void;
  /** Aborted when the client goes away. */
  readonly closed: AbortSignal;
}

/** One forwarded connection of a port-forward session. */
interface PortChannel {
  send(data: Buffer): void;
  onData(listener: (data: Buffer) => void): void;
  onEnd(listener: () => void): void;
  fail(message: string): void;
  end(): void;
}

/** v5's message closing the client's stdin. */
function isStdinClose(data: Buffer): boolean {
  return data.length === 2 && data[0] === CLOSE_SIGNAL && data[1] === Channel.stdin;
}

/** Tokens expire like the kubelet's: a URL must be used within a minute. */
const TOKEN_TTL_MS = 60_000;

/** Streams a SPDY client must open for an exec or attach before it starts (error, stdin, stdout, stderr, resize). */
const STREAM_WAIT_MS = 30_000;

export class StreamingServer {
  readonly #requests = new Map<string, { request: StreamRequest; expires: number }>();
  readonly #http: Server;
  readonly #ws: WebSocketServer;
  readonly #spdy = new Set<SpdySession>();
  #base = '';

  constructor(private readonly runtime: ReferenceRuntime) {
    // v5 is preferred when offered (client-go's WebSocket executor offers only v5).
    const chooseProtocol = (protocols: Set<string>) => (protocols.has(CHANNEL_PROTOCOL_V5) ? CHANNEL_PROTOCOL_V5 : protocols.has(CHANNEL_PROTOCOL) ? CHANNEL_PROTOCOL : false);
    this.#ws = new WebSocketServer({ noServer: true, handleProtocols: chooseProtocol });
    this.#http = createServer((_req, res) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('this streaming server speaks WebSocket (v5.channel.k8s.io, v4.channel.k8s.io) and SPDY/3.1 upgrades only\n');
    });
    this.#http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://streaming');
      const token = url.pathname.split('/').pop() ?? '';
      const entry = this.#requests.get(token);
      this.#requests.delete(token);
      if (!entry || entry.expires < Date.now()) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (isSpdyUpgrade(req.headers)) this.#upgradeSpdy(req, socket, head, entry.request);
      else this.#ws.handleUpgrade(req, socket, head, (ws) => this.#serveWebSocket(ws, entry.request, url));
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
    for (const session of this.#spdy) session.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  // ---- what the streams do, whatever carries them ----

  async #exec(channel: CommandChannel, request: Extract<StreamRequest, { kind: 'exec' }>): Promise<void> {
    const code = await this.runtime
      .exec(
        request.containerId,
        request.cmd,
        {
          stdout: (text) => request.stdout && channel.stdout(text),
          stderr: (text) => request.stderr && (request.tty ? channel.stdout(text) : channel.stderr(text)),
          readStdin: (signal) => (request.stdin ? channel.stdin.read(signal) : Promise.resolve(null)),
        },
        channel.closed,
      )
      .catch((error: unknown) => {
        channel.finish({ status: 'Failure', message: (error as Error).message });
        return undefined;
      });
    if (code !== undefined) channel.finish(exitStatus(code));
  }

  async #attach(channel: CommandChannel, request: Extract<StreamRequest, { kind: 'attach' }>): Promise<void> {
    const container = this.runtime.container(request.containerId);
    const listener = (stream: 'stdout' | 'stderr', text: string) => {
      if (stream === 'stdout' && request.stdout) channel.stdout(text);
      if (stream === 'stderr' && request.stderr) channel.stderr(text);
    };
    container.listeners.add(listener);
    void (async () => {
      for (let text = await channel.stdin.read(channel.closed); text !== null; text = await channel.stdin.read(channel.closed)) if (request.stdin) container.stdin?.push(text);
      // The client ending its stdin ends the container's only when the container asked for stdin_once.
      if (!channel.closed.aborted && container.config.stdinOnce) container.stdin?.close();
    })();
    const closed = new Promise<void>((resolve) => channel.closed.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([container.exited ?? Promise.resolve(), closed]);
    container.listeners.delete(listener);
    if (!channel.closed.aborted) channel.finish(exitStatus(container.exitCode));
  }

  #portForward(sandboxId: string, port: number, channel: PortChannel): void {
    const target = this.runtime.sandboxes.get(sandboxId)?.ports.get(port);
    if (target === undefined) {
      channel.fail(`error forwarding port ${port} to pod ${sandboxId}: connection refused`);
      return;
    }
    const socket = connect(target.port, target.host);
    socket.on('data', (chunk: Buffer) => channel.send(chunk));
    socket.on('end', () => channel.end());
    socket.on('error', (error) => channel.fail(`error forwarding port ${port} to pod ${sandboxId}: ${error.message}`));
    channel.onData((data) => socket.write(data));
    channel.onEnd(() => socket.end());
  }

  // ---- WebSocket ----

  #serveWebSocket(ws: WebSocket, request: StreamRequest, url: URL): void {
    if (request.kind === 'portforward') return this.#portForwardWebSocket(ws, request.sandboxId, Number(url.searchParams.get('port')));
    const closed = new AbortController();
    const stdin = new StdinQueue();
    ws.on('close', () => {
      closed.abort();
      stdin.close();
    });
    ws.on('message', (data: Buffer) => {
      if (isStdinClose(data)) stdin.close();
      else if (data[0] === Channel.stdin) stdin.push(data.subarray(1).toString());
    });
    const send = (channel: number, text: string) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(channel, text));
    };
    const channel: CommandChannel = {
      stdout: (text) => send(Channel.stdout, text),
      stderr: (text) => send(Channel.stderr, text),
      stdin,
      finish: (status) => {
        send(Channel.error, JSON.stringify(status));
        ws.close(1000); // a normal closure: Go clients (gorilla) read anything else as an error
      },
      closed: closed.signal,
    };
    const served = request.kind === 'exec' ? this.#exec(channel, request) : this.#attach(channel, request);
    served.catch(() => ws.close());
  }

  /** Port-forward over WebSocket: channel 0 carries data, 1 errors, each opened with the port. */
  #portForwardWebSocket(ws: WebSocket, sandboxId: string, port: number): void {
    ws.send(frame(0, portHeader(port)));
    ws.send(frame(1, portHeader(port)));
    this.#portForward(sandboxId, port, {
      send: (data) => ws.readyState === ws.OPEN && ws.send(frame(0, data)),
      onData: (listener) => ws.on('message', (data: Buffer) => data[0] === 0 && listener(data.subarray(1))),
      onEnd: (listener) => ws.on('close', listener),
      fail: (message) => {
        if (ws.readyState === ws.OPEN) ws.send(frame(1, message));
        ws.close();
      },
      end: () => ws.close(),
    });
  }

  // ---- SPDY ----

  /** Negotiates the stream protocol as the kubelet does, then speaks SPDY/3.1 on the connection. */
  #upgradeSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, request: StreamRequest): void {
    const offered = String(req.headers['x-stream-protocol-version'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const supported = request.kind === 'portforward' ? ['portforward.k8s.io'] : [CHANNEL_PROTOCOL_V5, CHANNEL_PROTOCOL];
    const protocol = supported.find((p) => offered.includes(p));
    if (!protocol) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nX-Accepted-Stream-Protocol-Versions: ${supported.join(', ')}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    if (head.length > 0) socket.unshift(head);
    const streams: SpdyStream[] = [];
    let onStream: (stream: SpdyStream) => void = (stream) => void streams.push(stream);
    const session = new SpdySession(socket, (stream) => onStream(stream));
    this.#spdy.add(session);
    socket.on('close', () => this.#spdy.delete(session));
    if (request.kind === 'portforward') {
      onStream = (stream) => this.#portForwardSpdy(request.sandboxId, stream);
      return;
    }
    void this.#commandSpdy(session, request, (listener) => {
      onStream = listener;
      streams.splice(0).forEach(listener);
    });
  }

  /** Port-forward over SPDY: a data and an error stream per connection, paired by their requestid header. */
  readonly #pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream; early: Buffer[] }>();
  #portForwardSpdy(sandboxId: string, stream: SpdyStream): void {
    const key = `${sandboxId}/${stream.headers['requestid'] ?? ''}/${stream.headers['port'] ?? ''}`;
    const pair = this.#pairs.get(key) ?? { early: [] };
    this.#pairs.set(key, pair);
    if (stream.headers['streamtype'] === 'error') pair.error = stream;
    else {
      pair.data = stream;
      // Data that comes before the error stream does waits for the forward.
      stream.onData((chunk) => void (this.#pairs.get(key) === pair && pair.early.push(chunk)));
    }
    const { data, error } = pair;
    if (!data || !error) return;
    this.#pairs.delete(key);
    this.#portForward(sandboxId, Number(data.headers['port']), {
      send: (chunk) => data.write(chunk),
      onData: (listener) => {
        pair.early.splice(0).forEach(listener);
        data.onData(listener);
      },
      onEnd: (listener) => data.onEnd(listener),
      fail: (message) => {
        error.write(message);
        data.reset();
        error.reset();
      },
      end: () => {
        data.end();
        error.end();
      },
    });
  }

  /** Exec and attach over SPDY: waits for the streams the request needs, then runs it on them. */
  async #commandSpdy(session: SpdySession, request: Exclude<StreamRequest, { kind: 'portforward' }>, listen: (listener: (stream: SpdyStream) => void) => void): Promise<void> {
    const tty = request.kind === 'exec' && request.tty;
    const wanted = new Set(['error', ...(request.stdin ? ['stdin'] : []), ...(request.stdout ? ['stdout'] : []), ...(request.stderr && !tty ? ['stderr'] : []), ...(tty ? ['resize'] : [])]);
    const byType = new Map<string, SpdyStream>();
    const stdin = new StdinQueue();
    const closed = new AbortController();
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), STREAM_WAIT_MS);
      listen((stream) => {
        const type = stream.headers['streamtype'] ?? '';
        byType.set(type, stream);
        if (type === 'stdin') {
          stream.onData((chunk) => stdin.push(chunk.toString()));
          stream.onEnd(() => stdin.close());
        }
        stream.onEnd(() => {
          if (type === 'error') closed.abort();
        });
        if ([...wanted].every((t) => byType.has(t))) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    if (!(await ready)) return session.close();
    const channel: CommandChannel = {
      stdout: (text) => byType.get('stdout')?.write(text),
      stderr: (text) => byType.get('stderr')?.write(text),
      stdin,
      finish: (status) => {
        for (const type of ['stdout', 'stderr', 'resize']) byType.get(type)?.end();
        const error = byType.get('error')!;
        // The Status object, Success included, as the kubelet writes it (channel protocol v4 and later).
        error.write(JSON.stringify(status));
        error.end();
        session.close();
      },
      closed: closed.signal,
    };
    await (request.kind === 'exec' ? this.#exec(channel, request) : this.#attach(channel, request)).catch(() => session.close());
  }
}
