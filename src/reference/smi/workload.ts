// A simulated pod's application: loopback servers for its container ports that answer with the
// pod's name (HTTP: JSON {pod, method, path}; /status/NNN answers NNN), and the pod's server-side
// proxy in front of each. Only the proxies are reachable through the data plane.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Agent, createServer as createHttpServer, request as httpRequest, type Server as HttpServer } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';

export type PortKind = 'http' | 'tcp' | 'udp';

export interface Admission {
  /** Decides whether the caller (its identity line, or undefined without one) may make the call. */
  admit(identity: string | undefined, call: { protocol: PortKind; port: number; method?: string; path?: string; headers?: Record<string, string> }): boolean;
  /** One request handled by the server proxy: for metrics. */
  record(identity: string | undefined, ok: boolean, latencyMs: number): void;
}

export const IDENTITY_HEADER = 'x-conformal-mesh-identity';

type Closer = () => Promise<void>;

const listenTcp = (server: HttpServer | TcpServer) => new Promise<number>((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
});
const closeTcp = (server: HttpServer | TcpServer): Closer => () => new Promise((resolve) => {
  (server as HttpServer).closeAllConnections?.();
  server.close(() => resolve());
});
const bindUdp = (socket: UdpSocket) => new Promise<number>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
const closeUdp = (socket: UdpSocket): Closer => () => new Promise((resolve) => socket.close(() => resolve()));

/** Starts the app and its proxy for one port; answers the proxy's loopback port and a closer. */
export async function startPort(pod: string, port: number, kind: PortKind, admission: Admission): Promise<{ proxyPort: number; close: Closer }> {
  if (kind === 'http') return startHttp(pod, port, admission);
  if (kind === 'tcp') return startTcp(pod, port, admission);
  return startUdp(pod, port, admission);
}

async function startHttp(pod: string, port: number, admission: Admission): Promise<{ proxyPort: number; close: Closer }> {
  const app = createHttpServer((req, res) => {
    const code = /^\/status\/(\d{3})$/.exec(req.url ?? '')?.[1];
    res.writeHead(code ? Number(code) : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ pod, method: req.method, path: req.url }));
  });
  const appPort = await listenTcp(app);
  const toApp = new Agent({ keepAlive: true, maxSockets: 16 });
  const proxy = createHttpServer((req, res) => {
    const started = performance.now();
    const identity = req.headers[IDENTITY_HEADER] as string | undefined;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    if (!admission.admit(identity, { protocol: 'http', port, method: req.method ?? 'GET', path: req.url ?? '/', headers })) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('RBAC: access denied');
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: appPort, method: req.method, path: req.url, headers: req.headers, agent: toApp }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.once('end', () => admission.record(identity, (answer.statusCode ?? 502) < 500, performance.now() - started));
    });
    upstream.once('error', () => {
      res.writeHead(502).end();
      admission.record(identity, false, performance.now() - started);
    });
    req.pipe(upstream);
  });
  const proxyPort = await listenTcp(proxy);
  return {
    proxyPort,
    close: async () => {
      toApp.destroy();
      await Promise.all([closeTcp(proxy)(), closeTcp(app)()]);
    },
  };
}

async function startTcp(pod: string, port: number, admission: Admission): Promise<{ proxyPort: number; close: Closer }> {
  const app = createTcpServer((socket) => socket.end(`${pod}\n`));
  const appPort = await listenTcp(app);
  const proxy = createTcpServer((socket) => {
    const started = performance.now();
    let buffered = '';
    socket.setEncoding('utf8');
    // The first line carries the caller's identity, as a client proxy's mTLS certificate would.
    const onData = (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      socket.off('data', onData);
      const line = buffered.slice(0, nl);
      const identity = line.startsWith('IDENTITY ') ? line.slice(9) : undefined;
      if (!admission.admit(identity, { protocol: 'tcp', port })) return void socket.destroy();
      const upstream = connect(appPort, '127.0.0.1');
      upstream.pipe(socket);
      upstream.once('end', () => admission.record(identity, true, performance.now() - started));
      upstream.once('error', () => socket.destroy());
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  });
  const proxyPort = await listenTcp(proxy);
  return { proxyPort, close: async () => void (await Promise.all([closeTcp(proxy)(), closeTcp(app)()])) };
}

async function startUdp(pod: string, port: number, admission: Admission): Promise<{ proxyPort: number; close: Closer }> {
  const app = createSocket('udp4');
  app.on('message', (_msg, from) => app.send(`${pod}\n`, from.port, from.address));
  const appPort = await bindUdp(app);
  const proxy = createSocket('udp4');
  proxy.on('message', (msg, from) => {
    const started = performance.now();
    const text = msg.toString('utf8');
    const nl = text.indexOf('\n');
    const identity = text.startsWith('IDENTITY ') && nl > 0 ? text.slice(9, nl) : undefined;
    if (!admission.admit(identity, { protocol: 'udp', port })) return;
    // One relay socket per datagram: its reply goes back to the sender.
    const relay = createSocket('udp4');
    relay.once('message', (reply) => {
      proxy.send(reply, from.port, from.address);
      admission.record(identity, true, performance.now() - started);
      relay.close();
    });
    relay.send(nl > 0 ? text.slice(nl + 1) : text, appPort, '127.0.0.1');
    setTimeout(() => { try { relay.close(); } catch { /* already closed */ } }, 2000).unref();
  });
  const proxyPort = await bindUdp(proxy);
  return { proxyPort, close: async () => void (await Promise.all([closeUdp(proxy)(), closeUdp(app)()])) };
}
