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

/** A Node as a kubelet with --cloud-provider=external registers it. */
export async function registerNode(
  h: CloudHarness,
  name: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string>; podCIDR?: string; ready?: 'True' | 'False' | 'Unknown' } = {},
): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await h.core.createNode({
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
}

/** Sets the Ready condition as the kubelet (or the node lifecycle controller) would. */
export async function setReady(h: CloudHarness, name: string, status: 'True' | 'False' | 'Unknown'): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await h.core.patchNodeStatus(
    { name, body: { status: { conditions: [{ type: 'Ready', status, reason: 'Test', message: 'set by the test', lastHeartbeatTime: now, lastTransitionTime: now }] } } },
    STRATEGIC_PATCH,
  );
}
