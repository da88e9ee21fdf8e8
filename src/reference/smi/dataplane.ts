// The reference data plane: per simulated pod, loopback servers and a server-side proxy for each
// container port (workload.ts); the client-side proxy is `send`, run for the pod a request starts
// from: it applies TrafficSplits, picks an endpoint and hands the server proxy its identity.
import { createSocket } from 'node:dgram';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { allowed, splitTarget, WeightedPicker, type Call, type Faulty } from './policy.js';
import { keyOf, NO_PROXY_ANNOTATION, serviceAccountOf, type MeshState, type Pod } from './model.js';
import { MetricsRecorder } from './metrics.js';
import { IDENTITY_HEADER, startPort, type PortKind } from './workload.js';

export interface SendRequest extends Call {
  from: { namespace: string; pod: string };
  service: string;
  namespace: string;
}

export interface SendReply {
  ok: boolean;
  status?: number;
  backend?: string;
  error?: string;
}

interface Running {
  pod: Pod;
  ports: Map<string, number>;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 2000;

const UDP_TIMEOUT_MS = 300;

function portKind(name: string | undefined, protocol: string | undefined): PortKind {
  if ((protocol ?? 'TCP').toUpperCase() === 'UDP') return 'udp';
  return name?.startsWith('http') ? 'http' : 'tcp';
}

export class DataPlane {
  readonly metrics: MetricsRecorder;
  private readonly running = new Map<string, Running>();
  private readonly picker = new WeightedPicker();
  private readonly roundRobin = new Map<string, number>();
  private sent = 0;
  // Client proxies keep their connections to server proxies, as sidecars do (mTLS is costly to redo).
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly state: () => MeshState, private readonly faulty: Faulty) {
    this.metrics = new MetricsRecorder(faulty);
  }

  /** Starts the pod's servers and proxies; idempotent. */
  async start(pod: Pod): Promise<void> {
    const key = keyOf(pod.metadata);
    if (this.running.has(key)) return;
    const destination = { namespace: pod.metadata.namespace ?? '', serviceAccount: serviceAccountOf(pod) };
    const ports = new Map<string, number>();
    const closers: Array<() => Promise<void>> = [];
    const admission = {
      admit: (identity: string | undefined, call: Call) => {
        if (this.faulty('client-side-enforcement-only')) return true;
        const caller = parseIdentity(identity);
        return caller !== undefined && allowed(this.state(), caller, destination, call, this.faulty);
      },
      record: (identity: string | undefined, ok: boolean, latencyMs: number) => {
        const caller = parseIdentity(identity);
        if (caller) this.metrics.record({ namespace: caller.namespace, pod: caller.pod }, { namespace: destination.namespace, pod: pod.metadata.name }, ok, latencyMs);
      },
    };
    this.running.set(key, { pod, ports, close: async () => void (await Promise.all(closers.map((c) => c()))) });
    for (const container of pod.spec.containers) {
      for (const p of container.ports ?? []) {
        const kind = portKind((p as { name?: string }).name, p.protocol);
        const started = await startPort(pod.metadata.name, p.containerPort, kind, admission);
        ports.set(`${kind === 'udp' ? 'udp' : 'tcp'}/${p.containerPort}`, started.proxyPort);
        closers.push(started.close);
      }
    }
  }

  async stop(pod: { metadata: { name: string; namespace?: string } }): Promise<void> {
    const key = keyOf(pod.metadata);
    const running = this.running.get(key);
    this.running.delete(key);
    await running?.close();
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await Promise.all([...this.running.values()].map((r) => r.close()));
    this.running.clear();
  }

  /** One request from `from`, through its client proxy (unless it has none) to a server proxy. */
  async send(request: SendRequest): Promise<SendReply> {
    const state = this.state();
    const source = state.pods.get(`${request.from.namespace}/${request.from.pod}`);
    if (!source) return { ok: false, error: `no pod ${request.from.namespace}/${request.from.pod}` };
    const proxied = source.metadata.annotations?.[NO_PROXY_ANNOTATION] !== 'true';
    const service = proxied ? splitTarget(state, request.namespace, request.service, request, keyOf(source.metadata), this.picker, this.faulty, () => this.sent++) : request.service;
    const endpoint = this.endpoint(state, request.namespace, service, request);
    if (!endpoint) return { ok: false, error: `no endpoint of ${request.namespace}/${service} for ${request.protocol}/${request.port}` };
    const caller = { namespace: source.metadata.namespace ?? '', serviceAccount: serviceAccountOf(source) };
    if (proxied && this.faulty('client-side-enforcement-only')) {
      const destination = { namespace: endpoint.pod.metadata.namespace ?? '', serviceAccount: serviceAccountOf(endpoint.pod) };
      if (!allowed(state, caller, destination, request, this.faulty)) return { ok: false, status: 403 };
    }
    const identity = proxied ? `${caller.namespace}/${caller.serviceAccount}/${source.metadata.name}` : undefined;
    if (request.protocol === 'http') return httpCall(endpoint.port, request, identity, this.agent);
    if (request.protocol === 'tcp') return tcpCall(endpoint.port, identity);
    return udpCall(endpoint.port, identity);
  }

  private endpoint(state: MeshState, namespace: string, service: string, call: Call): { pod: Pod; port: number } | undefined {
    const svc = state.services.get(`${namespace}/${service}`);
    const selector = Object.entries(svc?.spec.selector ?? {});
    if (!svc || selector.length === 0) return undefined;
    const wanted = `${call.protocol === 'udp' ? 'udp' : 'tcp'}/${call.port}`;
    const candidates = [...this.running.values()].filter((r) => r.pod.metadata.namespace === namespace && selector.every(([k, v]) => r.pod.metadata.labels?.[k] === v) && r.ports.has(wanted));
    if (candidates.length === 0) return undefined;
    const rr = this.roundRobin.get(`${namespace}/${service}`) ?? 0;
    this.roundRobin.set(`${namespace}/${service}`, rr + 1);
    const chosen = candidates.sort((a, b) => a.pod.metadata.name.localeCompare(b.pod.metadata.name))[rr % candidates.length]!;
    return { pod: chosen.pod, port: chosen.ports.get(wanted)! };
  }
}

function parseIdentity(identity: string | undefined): { namespace: string; serviceAccount: string; pod: string } | undefined {
  const parts = identity?.split('/');
  return parts && parts.length === 3 ? { namespace: parts[0]!, serviceAccount: parts[1]!, pod: parts[2]! } : undefined;
}

function httpCall(port: number, call: Call, identity: string | undefined, agent: Agent): Promise<SendReply> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...call.headers };
    if (identity) headers[IDENTITY_HEADER] = identity;
    const req = httpRequest({ host: '127.0.0.1', port, method: call.method ?? 'GET', path: call.path ?? '/', headers, timeout: REQUEST_TIMEOUT_MS, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        let backend: string | undefined;
        try {
          backend = (JSON.parse(body) as { pod?: string }).pod;
        } catch {
          // a refusal has no JSON body
        }
        resolve({ ok: status >= 200 && status < 300, status, ...(backend ? { backend } : {}) });
      });
    });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', (error) => resolve({ ok: false, error: error.message }));
    req.end();
  });
}

function tcpCall(port: number, identity: string | undefined): Promise<SendReply> {
  return new Promise((resolve) => {
    let data = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(identity ? `IDENTITY ${identity}\n` : 'ANONYMOUS\n'));
    socket.setEncoding('utf8');
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error('timed out')));
    socket.on('data', (c: string) => (data += c));
    socket.once('close', () => {
      const backend = data.trim();
      resolve(backend ? { ok: true, backend } : { ok: false, error: 'connection closed without an answer' });
    });
    socket.once('error', () => undefined);
  });
}

function udpCall(port: number, identity: string | undefined): Promise<SendReply> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (reply: SendReply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done({ ok: false, error: 'no UDP answer' }), UDP_TIMEOUT_MS);
    socket.once('message', (msg) => done({ ok: true, backend: msg.toString('utf8').trim() }));
    socket.send(`${identity ? `IDENTITY ${identity}\n` : ''}ping`, port, '127.0.0.1');
  });
}
