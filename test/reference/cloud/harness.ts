// What the reference-cloud tests share: an API server with a reference cloud on it, a cloud-control
// client, a kubelet-like Node registration, and waits that watch (or poll the cloud) up to a deadline.
import { CoreV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import { startKubeServer, type KubeServer } from '../../../src/kube/index.js';
import { startReferenceCloud, type ReferenceCloud, type ReferenceCloudOptions } from '../../../src/reference/cloud/index.js';
import { STRATEGIC_PATCH } from '../../../src/reference/cloud/kube-client.js';

export interface CloudHarness {
  server: KubeServer;
  cloud: ReferenceCloud;
  kc: KubeConfig;
  core: CoreV1Api;
  /** One cloud-control call; the parsed body (undefined when empty). */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startCloudHarness(options: Partial<ReferenceCloudOptions> = {}): Promise<CloudHarness> {
  const server = await startKubeServer();
  let cloud: ReferenceCloud;
  try {
    cloud = await startReferenceCloud({ kubeconfig: server.kubeconfig, ...options });
  } catch (error) {
    await server.close();
    throw error;
  }
  const kc = server.kubeConfig();
  return {
    server,
    cloud,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    async control(method, path, body) {
      const res = await fetch(`${cloud.cloudControlUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await cloud.close();
      await server.close();
    },
  };
}

/**
 * Watches `path` (existing objects first) until `predicate` holds for an event's object; rejects
 * after `timeoutMs` saying what was awaited.
 */
export function watchUntil<T = any>(
  kc: KubeConfig,
  path: string,
  predicate: (obj: T, type: string) => boolean,
  what: string,
  timeoutMs = 5000,
  query: Record<string, string> = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    let done = false;
    const finish = (error: unknown, obj?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      controller?.abort();
      if (error) reject(error);
      else resolve(obj as T);
    };
    const timer = setTimeout(() => finish(new Error(`${what}: not seen within ${timeoutMs} ms`)), timeoutMs);
    new Watch(kc)
      .watch(path, query, (type, obj: T) => {
        if (type !== 'BOOKMARK' && type !== 'ERROR' && predicate(obj, type)) finish(undefined, obj);
      }, (error: unknown) => finish(error ?? new Error(`${what}: the watch ended`)))
      .then((c) => {
        controller = c;
        if (done) c.abort();
      }, finish);
  });
}

/** The object if `predicate` holds within `ms`, else undefined: for showing that something does not happen. */
export async function seenWithin<T = any>(kc: KubeConfig, path: string, predicate: (obj: T, type: string) => boolean, ms: number, query: Record<string, string> = {}): Promise<T | undefined> {
  try {
    return await watchUntil(kc, path, predicate, 'seenWithin', ms, query);
  } catch (error) {
    if ((error as Error).message.startsWith('seenWithin: not seen')) return undefined;
    throw error;
  }
}

/** Polls a cloud-side reading (the protocol has no watch) until it yields a value. */
export async function pollUntil<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface EventLike {
  reason: string;
  message: string;
  type: string;
  count?: number;
  source?: { component?: string };
  reportingComponent?: string;
  involvedObject: { kind: string; name: string; uid?: string };
}

/** An Event about `name` with `reason`, in `namespace` ("default" for Nodes). */
export function eventPredicate(name: string, reason: string): (e: EventLike) => boolean {
  return (e) => e.involvedObject.name === name && e.reason === reason;
}

export function eventsPath(namespace = 'default'): string {
  return `/api/v1/namespaces/${namespace}/events`;
}

/**
 * Watch options from the Nodes' or default Services' resourceVersion now: a watch from it sees
 * every later change, however soon the controllers act (one without sees only what is left by then).
 */
export async function since(h: CloudHarness, collection: 'nodes' | 'services'): Promise<Record<string, string>> {
  const list = collection === 'nodes' ? await h.core.listNode({ limit: 1 }) : await h.core.listNamespacedService({ namespace: 'default', limit: 1 });
  return { resourceVersion: list.metadata!.resourceVersion! };
}

/** A Node as a kubelet with --cloud-provider=external registers it; the resourceVersion it was created with. */
export async function registerNode(
  h: CloudHarness,
  name: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string>; podCIDR?: string; ready?: 'True' | 'False' | 'Unknown' } = {},
): Promise<string> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const created = await h.core.createNode({
    body: {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.labels }, annotations: extra.annotations },
      spec: {
        taints: [{ key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' }],
        ...(extra.podCIDR ? { podCIDR: extra.podCIDR, podCIDRs: [extra.podCIDR] } : {}),
      },
      status: {
        addresses: [{ type: 'Hostname', address: name }],
        conditions: [{ type: 'Ready', status: extra.ready ?? 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now as never, lastTransitionTime: now as never }],
      },
    },
  });
  return created.metadata!.resourceVersion!;
}

/** Sets the Ready condition as the kubelet (or the node lifecycle controller) would. */
export async function setReady(h: CloudHarness, name: string, status: 'True' | 'False' | 'Unknown'): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await h.core.patchNodeStatus(
    { name, body: { status: { conditions: [{ type: 'Ready', status, reason: 'Test', message: 'set by the test', lastHeartbeatTime: now, lastTransitionTime: now }] } } },
    STRATEGIC_PATCH,
  );
}

export const UNINITIALIZED = 'node.cloudprovider.kubernetes.io/uninitialized';
export const SHUTDOWN = 'node.cloudprovider.kubernetes.io/shutdown';
export const FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

export type Node = { metadata: { name: string; labels: Record<string, string>; uid: string }; spec: { providerID?: string; taints?: { key: string }[]; podCIDRs?: string[] }; status: { addresses: { type: string; address: string }[]; conditions: { type: string; status: string; reason: string; message: string }[] } };
export type Service = { metadata: { name: string; uid: string; resourceVersion: string; finalizers?: string[] }; status?: { loadBalancer?: { ingress?: { ip?: string; ipMode?: string }[] } } };

export const tainted = (n: Node, key: string) => (n.spec.taints ?? []).some((t) => t.key === key);
export const cond = (n: Node, type: string) => n.status.conditions.find((c) => c.type === type);
export const instanceId = (providerID = '') => providerID.split('/').pop()!;

export function lbService(name: string, extra: Record<string, unknown> = {}) {
  return { metadata: { name }, spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...extra } };
}

export type Instance = { id: string; providerID: string; state: string; addresses: { type: string; address: string }[] };

/** An instance made through cloud-control and its Node registered as its kubelet would; the Node's resourceVersion at creation. */
export async function newNode(
  h: CloudHarness,
  name: string,
  extra: Parameters<typeof registerNode>[2] = {},
  request: { zone?: string; instanceType?: string } = {},
): Promise<{ instance: Instance; rv: string }> {
  const instance = (await h.control('POST', '/v1/instances', { nodeName: name, ...request })).body as Instance;
  const rv = await registerNode(h, name, extra);
  return { instance, rv };
}

export function initialised(h: CloudHarness, name: string, also: (n: Node) => boolean = () => true, timeoutMs = 5000): Promise<Node> {
  return watchUntil<Node>(h.kc, '/api/v1/nodes', (n) => n.metadata.name === name && !tainted(n, UNINITIALIZED) && also(n), `${name} initialised`, timeoutMs);
}

export const hasInternalIp = (n: Node) => n.status.addresses.some((a) => a.type === 'InternalIP');

export async function ingressOf(h: CloudHarness, name: string, timeoutMs = 5000): Promise<Service> {
  return watchUntil<Service>(h.kc, '/api/v1/namespaces/default/services', (s) => s.metadata.name === name && !!s.status?.loadBalancer?.ingress?.length, `${name} ingress`, timeoutMs);
}
