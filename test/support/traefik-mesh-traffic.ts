// A traffic endpoint (`conformal run smi --traffic-endpoint`) for Traefik Mesh run as local
// processes: each request of the suite is sent the way a pod in a cluster reaches a Traefik Mesh
// service, from the calling pod's own address. Traefik Mesh is opt-in by name: only a request
// for `<svc>.<ns>.traefik.mesh` goes through it, to the shadow Service the controller made for
// that Service, whose port leads to one of the proxy's entry points. Here the shadow Service's
// target port names the entry point directly (what kube-proxy and the DaemonSet do in a cluster).
import { createSocket } from 'node:dgram';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { RawKubeClient } from '../../bench/kube-client.js';
import type { TrafficReply, TrafficRequest } from '../../src/interfaces/smi/traffic.js';
import type { LoopbackKubelet } from './loopback-kubelet.js';
import type { TraefikMesh } from './traefik-mesh.js';

const REQUEST_MS = 5_000;

/** The backend pod named in an answer ({"pod": …}), if the answer is one of the test servers'. */
function podIn(text: string): string | undefined {
  try {
    const pod = (JSON.parse(text) as { pod?: unknown }).pod;
    return typeof pod === 'string' ? pod : undefined;
  } catch {
    return undefined;
  }
}

/** The entry point for the request's Service port, through the shadow Service; a string says why there is none. */
async function entryPoint(kube: RawKubeClient, mesh: TraefikMesh, r: TrafficRequest): Promise<number | string> {
  const shadow = `${mesh.namespace}-${r.service}-6d61657368-${r.namespace}`;
  const res = await kube.request('GET', `/api/v1/namespaces/${mesh.namespace}/services/${shadow}`);
  if (res.code !== 200) return `Traefik Mesh has no shadow Service for ${r.service}.${r.namespace} (${res.code})`;
  const protocol = r.protocol === 'udp' ? 'UDP' : 'TCP';
  const port = ((res.body?.spec?.ports ?? []) as Array<{ port: number; protocol?: string; targetPort: number }>).find((p) => p.port === r.port && (p.protocol ?? 'TCP') === protocol);
  if (!port) return `Traefik Mesh carries no ${protocol} port ${r.port} of ${r.service}.${r.namespace}`;
  const kind = port.targetPort >= 15000 ? 'udp' : port.targetPort >= 10000 ? 'tcp' : 'http';
  return mesh.entrypoints.get(`${kind}-${port.targetPort}`) ?? `the proxy has no entry point ${kind}-${port.targetPort}`;
}

function sendHttp(r: TrafficRequest, entry: number, from: string): Promise<TrafficReply> {
  const host = `${r.service}.${r.namespace}.traefik.mesh${r.port === 80 ? '' : `:${r.port}`}`;
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: entry, method: r.method ?? 'GET', path: r.path ?? '/', localAddress: from, headers: { ...r.headers, host }, timeout: REQUEST_MS, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const backend = podIn(Buffer.concat(chunks).toString('utf8'));
        resolve({ ok: status >= 200 && status < 300, status, ...(backend ? { backend } : {}) });
      });
      res.on('error', (error) => resolve({ ok: false, status: res.statusCode ?? 0, error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${REQUEST_MS} ms`)));
    req.on('error', (error) => resolve({ ok: false, error: error.message }));
    req.end();
  });
}

function sendTcp(entry: number, from: string): Promise<TrafficReply> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port: entry, localAddress: from, timeout: REQUEST_MS });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      const backend = podIn(text.trim());
      resolve(backend ? { ok: true, backend } : { ok: false, error: `answered ${JSON.stringify(text.slice(0, 100))}` });
    });
    socket.on('timeout', () => socket.destroy(new Error(`no answer in ${REQUEST_MS} ms`)));
    socket.on('error', (error) => resolve({ ok: false, error: error.message }));
  });
}

function sendUdp(entry: number, from: string): Promise<TrafficReply> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (reply: TrafficReply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no answer in ${REQUEST_MS} ms` }), REQUEST_MS);
    socket.on('message', (message) => {
      const backend = podIn(message.toString('utf8'));
      done(backend ? { ok: true, backend } : { ok: false, error: 'not an answer of a test server' });
    });
    socket.on('error', (error) => done({ ok: false, error: error.message }));
    socket.bind(0, from, () => socket.send('conformal', entry, '127.0.0.1'));
  });
}

async function send(kube: RawKubeClient, mesh: TraefikMesh, kubelet: LoopbackKubelet, r: TrafficRequest, count: number): Promise<TrafficReply[]> {
  const from = kubelet.pod(r.from.namespace, r.from.pod)?.ip;
  const fail = (error: string) => Array.from({ length: count }, () => ({ ok: false, error }));
  if (!from) return fail(`pod ${r.from.namespace}/${r.from.pod} does not run`);
  const entry = await entryPoint(kube, mesh, r);
  if (typeof entry === 'string') return fail(entry);
  const replies: TrafficReply[] = [];
  for (let i = 0; i < count; i++) replies.push(await (r.protocol === 'http' ? sendHttp(r, entry, from) : r.protocol === 'tcp' ? sendTcp(entry, from) : sendUdp(entry, from)));
  return replies;
}

/** Serves POST /send on 127.0.0.1; close() stops it. */
export async function startTraefikMeshTrafficEndpoint(kube: RawKubeClient, mesh: TraefikMesh, kubelet: LoopbackKubelet): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const { request: r, count } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: TrafficRequest; count: number };
        const replies = await send(kube, mesh, kubelet, r, count);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(replies));
      })().catch((error: Error) => {
        res.statusCode = 500;
        res.end(error.message);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
