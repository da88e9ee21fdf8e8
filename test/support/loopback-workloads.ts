// Test workloads without a kubelet: each "pod" is a Pod object whose status carries its own
// 127.x.y.z address and an HTTP server bound to exactly that address, so a proxy that routes by
// pod IP reaches it and a server that filters by source address sees which pod called. Services
// are selector-less, with Endpoints written here (the part kube-controller-manager plays in a
// cluster), so the same objects work on servers that run no controllers. API servers refuse
// loopback addresses in Endpoints, so there each pod stands as a documentation address
// (192.0.2.0/24) that only names it; its targetRef says which pod it is.
import { randomInt } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { RawKubeClient } from '../../bench/kube-client.js';
import { HarnessError } from '../../src/core/errors.js';

export interface LoopbackPod {
  readonly namespace: string;
  readonly name: string;
  readonly serviceAccount: string;
  /** The pod's address (status.podIP): the server binds it, the pod's client requests leave from it. */
  readonly ip: string;
  /** The container port the server listens on (0 for a client-only pod). */
  readonly port: number;
  /** Requests the server answered, by path. */
  readonly received: string[];
  close(): Promise<void>;
}

/** A /16 of loopback addresses picked at random, so parallel test files rarely share addresses. */
export function loopbackBlock(): (host: number) => string {
  const a = randomInt(16, 250);
  const b = randomInt(1, 250);
  return (host) => `127.${a}.${b}.${host}`;
}

async function created(kube: RawKubeClient, path: string, body: unknown): Promise<void> {
  const res = await kube.request('POST', path, body);
  // An object left by an earlier pod of the same name (a ServiceAccount shared by pods) is fine.
  if (res.code !== 201 && res.code !== 409) throw new HarnessError(`POST ${path} answered ${res.code}: ${JSON.stringify(res.body)}`);
}

async function ensureNamespace(kube: RawKubeClient, namespace: string): Promise<void> {
  await created(kube, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
}

/** The Pod object of a workload: one container, no token mount (nothing here reads one). */
function podObject(namespace: string, name: string, serviceAccount: string, port: number, labels: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      serviceAccountName: serviceAccount,
      automountServiceAccountToken: false,
      containers: [{ name: 'app', image: 'conformal.invalid/loopback:none', ports: port ? [{ name: 'http', containerPort: port, protocol: 'TCP' }] : [] }],
    },
  };
}

/**
 * Creates the Pod (and its ServiceAccount), reports it Running and Ready at `ip`, and when `port`
 * is set serves HTTP there: every answer is JSON `{pod, path}` so a caller sees who answered.
 */
export async function startLoopbackPod(
  kube: RawKubeClient,
  options: { namespace: string; name: string; serviceAccount: string; ip: string; port?: number; labels?: Record<string, string> },
): Promise<LoopbackPod> {
  const { namespace, name, serviceAccount, ip } = options;
  const port = options.port ?? 0;
  const received: string[] = [];
  let server: Server | undefined;
  if (port) {
    server = createServer((req, res) => {
      received.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ pod: name, path: req.url }));
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', (error) => reject(new HarnessError(`pod ${name} cannot listen on ${ip}:${port}: ${error.message}`, { cause: error })));
      server!.listen(port, ip, () => resolve());
    });
  }
  const close = async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
  };
  try {
    await ensureNamespace(kube, namespace);
    await created(kube, `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccount, namespace } });
    await created(kube, `/api/v1/namespaces/${namespace}/pods`, podObject(namespace, name, serviceAccount, port, options.labels ?? { app: name }));
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = {
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        startTime: now,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'conformal.invalid/loopback:none', imageID: '', started: true, state: { running: { startedAt: now } } }],
      },
    };
    const patched = await kube.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, status, 'application/merge-patch+json');
    if (patched.code !== 200) throw new HarnessError(`reporting pod ${namespace}/${name} at ${ip} answered ${patched.code}: ${JSON.stringify(patched.body)}`);
  } catch (error) {
    await close();
    throw error;
  }
  return { namespace, name, serviceAccount, ip, port, received, close };
}

/** The address a pod stands as in Endpoints: 192.0.2.<last octet of its loopback address>. */
export const endpointAddress = (pod: LoopbackPod): string => `192.0.2.${pod.ip.split('.')[3]}`;

/**
 * A selector-less Service on `port` with Endpoints listing `pods` (each with its targetRef, which
 * is how a mesh maps a Service to Pods and their ServiceAccounts).
 */
export async function publishService(
  kube: RawKubeClient,
  options: { namespace: string; name: string; port: number; targetPort: number; pods: readonly LoopbackPod[] },
): Promise<{ clusterIP: string }> {
  const { namespace, name, port, targetPort, pods } = options;
  await ensureNamespace(kube, namespace);
  const svc = await kube.request('POST', `/api/v1/namespaces/${namespace}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'http', port, targetPort, protocol: 'TCP' }] },
  });
  if (svc.code !== 201) throw new HarnessError(`creating Service ${namespace}/${name} answered ${svc.code}: ${JSON.stringify(svc.body)}`);
  const eps = await kube.request('POST', `/api/v1/namespaces/${namespace}/endpoints`, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace },
    // A subset needs at least one address; a Service with no pods has no subsets.
    subsets: pods.length === 0 ? [] : [
      {
        addresses: pods.map((pod) => ({ ip: endpointAddress(pod), targetRef: { kind: 'Pod', name: pod.name, namespace: pod.namespace } })),
        ports: [{ name: 'http', port: targetPort, protocol: 'TCP' }],
      },
    ],
  });
  if (eps.code !== 201) throw new HarnessError(`creating Endpoints ${namespace}/${name} answered ${eps.code}: ${JSON.stringify(eps.body)}`);
  return { clusterIP: svc.body?.spec?.clusterIP as string };
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * An HTTP GET sent from `fromIp` (the calling pod's address) through an HTTP forward proxy, the
 * way a pod's request to `http://svc.ns.traefik.mesh/` reaches a mesh proxy: proxy-form URL, the
 * Host header naming the service.
 */
export function getVia(proxy: { host: string; port: number }, url: string, fromIp: string, timeoutMs = 10_000): Promise<HttpAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: proxy.host, port: proxy.port, path: url, method: 'GET', localAddress: fromIp, headers: { host: target.host }, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} from ${fromIp} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
