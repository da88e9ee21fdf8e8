// What kubelet and the Endpoints controller do for a suite's own workloads, on an API server with
// no nodes: every Pod created in a namespace this watches is "run" as loopback servers on its own
// 127.x.y.z address (the container's `--port=N` HTTP, `--tcp=N` and `--udp=N` arguments, as the
// echo image takes them) and reported Running and Ready at that address; every Service with a
// selector gets Endpoints naming the Ready pods it selects. API servers refuse loopback addresses
// in Endpoints, so each pod stands there as a documentation address (192.0.2.0/24) with its
// targetRef, which is what a mesh follows (test/support/loopback-workloads.ts says the same).
// Every answer names the pod: HTTP answers JSON {pod, path}; a TCP connection gets {pod} and a
// newline; a UDP datagram gets {pod} back.
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { RawKubeClient, WatchStream } from '../../bench/kube-client.js';
import { HarnessError } from '../../src/core/errors.js';

interface KubeMeta {
  name: string;
  namespace: string;
  uid?: string;
  labels?: Record<string, string>;
  deletionTimestamp?: string;
}

interface PodObject {
  metadata: KubeMeta;
  spec?: { containers?: Array<{ name: string; args?: string[] }> };
  status?: { podIP?: string };
}

interface ServiceObject {
  metadata: KubeMeta;
  spec?: { selector?: Record<string, string>; ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }> };
}

export interface RunningPod {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Requests and connections the pod's servers answered, as "http GET /path", "tcp 9000", "udp 9100". */
  readonly received: string[];
}

export interface LoopbackKubelet {
  /** The pod, once it runs. */
  pod(namespace: string, name: string): RunningPod | undefined;
  /** Problems met while running pods or writing Endpoints (a test prints them when it fails). */
  readonly problems: readonly string[];
  close(): Promise<void>;
}

/** The container arguments a server pod of the suites carries: HTTP, TCP and UDP ports. */
export function serverPorts(args: readonly string[]): { http: number[]; tcp: number[]; udp: number[] } {
  const take = (flag: string) => args.filter((a) => a.startsWith(`--${flag}=`)).map((a) => Number(a.slice(flag.length + 3))).filter((n) => Number.isInteger(n) && n > 0);
  return { http: take('port'), tcp: take('tcp'), udp: take('udp') };
}

const endpointIp = (ip: string) => `192.0.2.${ip.split('.')[3]}`;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

interface Entry {
  pod: RunningPod;
  close(): Promise<void>;
}

async function listen(server: HttpServer | TcpServer, port: number, ip: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve());
  });
}

/** Starts the pod's servers on `ip`; they stop with the returned close(). */
async function runServers(pod: RunningPod, args: readonly string[]): Promise<() => Promise<void>> {
  const ports = serverPorts(args);
  const closers: Array<() => Promise<void>> = [];
  const answer = JSON.stringify({ pod: pod.name });
  try {
    for (const port of ports.http) {
      const server = createHttpServer((req, res) => {
        pod.received.push(`http ${req.method} ${req.url}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ pod: pod.name, path: req.url }));
      });
      await listen(server, port, pod.ip);
      closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    }
    for (const port of ports.tcp) {
      const server = createTcpServer((socket) => {
        pod.received.push(`tcp ${port}`);
        socket.on('error', () => undefined);
        socket.end(`${answer}\n`);
      });
      await listen(server, port, pod.ip);
      closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    }
    for (const port of ports.udp) {
      const socket: Socket = createSocket('udp4');
      socket.on('message', (_message, from) => {
        pod.received.push(`udp ${port}`);
        socket.send(answer, from.port, from.address);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, pod.ip, () => resolve());
      });
      closers.push(() => new Promise((resolve) => socket.close(() => resolve())));
    }
  } catch (error) {
    await Promise.all(closers.map((c) => c()));
    throw new HarnessError(`pod ${pod.namespace}/${pod.name} cannot listen on ${pod.ip}: ${(error as Error).message}`, { cause: error });
  }
  return async () => {
    await Promise.all(closers.map((c) => c()));
  };
}

/**
 * Runs the pods and writes the Endpoints of every namespace `watched` accepts (by name), until
 * close(). Pods are given addresses from a random loopback block.
 */
export async function startLoopbackKubelet(kube: RawKubeClient, watched: (namespace: string) => boolean): Promise<LoopbackKubelet> {
  const blockA = randomInt(16, 250);
  const blockB = randomInt(0, 256);
  let nextHost = 0;
  const running = new Map<string, Entry>();
  const starting = new Set<string>();
  const services = new Map<string, ServiceObject>();
  const problems: string[] = [];
  const streams: WatchStream[] = [];
  let closed = false;
  const key = (m: KubeMeta) => `${m.namespace}/${m.name}`;

  // Hosts .1 to .254 of consecutive /24s after a random start: ordinary host addresses only.
  const newIp = () => {
    const n = nextHost++;
    return `127.${blockA}.${(blockB + Math.floor(n / 254)) % 256}.${(n % 254) + 1}`;
  };

  const syncEndpoints = async (namespace: string) => {
    for (const svc of [...services.values()].filter((s) => s.metadata.namespace === namespace && s.spec?.selector)) {
      const selector = svc.spec!.selector!;
      const pods = [...running.values()].map((e) => e.pod).filter((p) => p.namespace === namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
      const ports = (svc.spec?.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol ?? 'TCP' }));
      const body = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: svc.metadata.name, namespace },
        subsets: pods.length === 0 ? [] : [{ addresses: pods.map((p) => ({ ip: endpointIp(p.ip), targetRef: { kind: 'Pod', name: p.name, namespace } })), ports }],
      };
      const path = `/api/v1/namespaces/${namespace}/endpoints`;
      let res = await kube.request('PUT', `${path}/${svc.metadata.name}`, body);
      if (res.code === 404) res = await kube.request('POST', path, body);
      // The namespace is being deleted: 404, or 403 with cause NamespaceTerminating (kube-apiserver's namespace admission).
      const terminating = res.code === 404 || (res.code === 403 && JSON.stringify(res.body).includes('"NamespaceTerminating"'));
      if (res.code >= 300 && !terminating && res.code !== 409) problems.push(`Endpoints ${namespace}/${svc.metadata.name}: ${res.code} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  };

  const runPod = async (object: PodObject) => {
    const k = key(object.metadata);
    if (running.has(k) || starting.has(k) || object.metadata.deletionTimestamp) return;
    starting.add(k);
    try {
      const pod: RunningPod = { namespace: object.metadata.namespace, name: object.metadata.name, ip: object.status?.podIP ?? newIp(), labels: object.metadata.labels ?? {}, received: [] };
      const args = (object.spec?.containers ?? []).flatMap((c) => c.args ?? []);
      const close = await runServers(pod, args);
      const t = now();
      const containers = (object.spec?.containers ?? []).map((c) => ({ name: c.name, ready: true, started: true, restartCount: 0, image: 'loopback', imageID: '', state: { running: { startedAt: t } } }));
      const status = { status: { phase: 'Running', podIP: pod.ip, podIPs: [{ ip: pod.ip }], startTime: t, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }, { type: 'ContainersReady', status: 'True', lastTransitionTime: t }], containerStatuses: containers } };
      const res = await kube.request('PATCH', `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}/status`, status, 'application/merge-patch+json');
      if (res.code !== 200) {
        await close();
        if (res.code !== 404) problems.push(`pod ${k}: reporting it Running answered ${res.code} ${JSON.stringify(res.body).slice(0, 300)}`);
        return;
      }
      running.set(k, { pod, close });
      await syncEndpoints(pod.namespace);
    } catch (error) {
      problems.push(`pod ${k}: ${(error as Error).message}`);
    } finally {
      starting.delete(k);
    }
  };

  const stopPod = async (object: PodObject) => {
    const k = key(object.metadata);
    const entry = running.get(k);
    if (!entry) return;
    running.delete(k);
    await entry.close();
    await syncEndpoints(object.metadata.namespace);
  };

  // Events of one watch are handled in order; a watch that ends is opened again while running.
  const follow = (path: string, handle: (type: string, object: { metadata: KubeMeta }) => Promise<void>) => {
    let chain = Promise.resolve();
    const open = async (): Promise<void> => {
      if (closed) return;
      const stream = await kube.watch(path);
      streams.push(stream);
      stream.onEvent = (event) => {
        const object = event.object as { metadata?: KubeMeta };
        if (!object.metadata?.namespace || !watched(object.metadata.namespace)) return;
        chain = chain.then(() => handle(event.type, object as { metadata: KubeMeta })).catch((error: Error) => void problems.push(`${path}: ${error.message}`));
      };
      void stream.ended.then(() => (closed ? undefined : open().catch((error: Error) => void problems.push(`reopening ${path}: ${error.message}`))));
    };
    return open();
  };

  await follow('/api/v1/services?watch=true', async (type, object) => {
    const svc = object as ServiceObject;
    if (type === 'DELETED') services.delete(key(svc.metadata));
    else services.set(key(svc.metadata), svc);
    if (type !== 'DELETED') await syncEndpoints(svc.metadata.namespace);
  });
  await follow('/api/v1/pods?watch=true', async (type, object) => {
    const pod = object as PodObject;
    if (type === 'DELETED' || pod.metadata.deletionTimestamp) await stopPod(pod);
    else if (type === 'ADDED') void runPod(pod);
  });

  return {
    pod: (namespace, name) => running.get(`${namespace}/${name}`)?.pod,
    problems,
    async close() {
      closed = true;
      for (const stream of streams) stream.close();
      await Promise.all([...running.values()].map((e) => e.close()));
      running.clear();
    },
  };
}
