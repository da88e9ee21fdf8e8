// What every reference controller stands on: a client of the API server over HTTPS (client-node,
// pooled connections), informers per kind with an owner index, and sharded work queues so keys
// of different objects are reconciled concurrently while one object is never worked on twice.
import { CustomObjectsApi, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { KubeClient, MERGE_PATCH, SharedInformer, statusCode, type Logger } from '../cloud/kube-client.js';
import { WorkQueue } from '../cloud/work-queue.js';
import type { CapiObject, Condition, KindRef } from '../../interfaces/capi/well-known.js';

type Stored = CapiObject & KubernetesObject & { metadata: { name: string } };
export type Informer = SharedInformer<Stored>;
export const keyOf = (o: CapiObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
export const splitKey = (key: string): [string, string] => {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
};

export class CapiClient {
  readonly kube: KubeClient;
  readonly custom: CustomObjectsApi;
  /** API requests made, for the benchmark's requests per second. */
  requests = 0;

  constructor(kubeconfig: string) {
    this.kube = new KubeClient(kubeconfig);
    this.custom = this.kube.config.makeApiClient(CustomObjectsApi);
  }

  informer(kind: KindRef, log: Logger): Informer {
    const { group, version, plural } = kind;
    return new SharedInformer(this.kube.config, `/apis/${group}/${version}/${plural}`, () => this.count(this.custom.listClusterCustomObject({ group, version, plural }) as Promise<KubernetesListObject<Stored>>), log);
  }

  create(kind: KindRef, namespace: string, body: CapiObject): Promise<CapiObject> {
    const { group, version, plural } = kind;
    return this.count(this.custom.createNamespacedCustomObject({ group, version, plural, namespace, body: { apiVersion: `${group}/${version}`, kind: kind.kind, ...body } }));
  }

  patch(kind: KindRef, namespace: string, name: string, body: unknown): Promise<CapiObject> {
    const { group, version, plural } = kind;
    return this.count(this.custom.patchNamespacedCustomObject({ group, version, plural, namespace, name, body }, MERGE_PATCH));
  }

  patchStatus(kind: KindRef, namespace: string, name: string, status: Record<string, unknown>): Promise<CapiObject> {
    const { group, version, plural } = kind;
    return this.count(this.custom.patchNamespacedCustomObjectStatus({ group, version, plural, namespace, name, body: { status } }, MERGE_PATCH));
  }

  /** Deletes; an object already gone is fine. */
  async remove(kind: KindRef, namespace: string, name: string): Promise<void> {
    const { group, version, plural } = kind;
    await this.count(this.custom.deleteNamespacedCustomObject({ group, version, plural, namespace, name })).catch(ignoreNotFound);
  }

  count<T>(call: Promise<T>): Promise<T> {
    this.requests++;
    return call;
  }

  close(): void {
    this.kube.close();
  }
}

export function ignoreNotFound(error: unknown): void {
  if (statusCode(error) !== 404) throw error;
}

/** Owner uid → keys of the objects it owns, kept from an informer's events. */
export class OwnerIndex {
  readonly #owned = new Map<string, Set<string>>();
  readonly #owners = new Map<string, string[]>();

  constructor(informer: Informer) {
    const set = (o: CapiObject) => {
      this.#drop(keyOf(o));
      const uids = (o.metadata.ownerReferences ?? []).map((r) => r.uid);
      this.#owners.set(keyOf(o), uids);
      for (const uid of uids) {
        let keys = this.#owned.get(uid);
        if (!keys) this.#owned.set(uid, (keys = new Set()));
        keys.add(keyOf(o));
      }
    };
    informer.on({ add: set, update: set, delete: (o) => this.#drop(keyOf(o)) });
  }

  owned(uid: string | undefined): string[] {
    return uid ? [...(this.#owned.get(uid) ?? [])] : [];
  }

  #drop(key: string): void {
    for (const uid of this.#owners.get(key) ?? []) this.#owned.get(uid)?.delete(key);
    this.#owners.delete(key);
  }
}

/** N work queues; a key always lands in the same one, so it is never reconciled twice at once. */
export class ShardedQueue {
  readonly #queues: WorkQueue[];

  constructor(name: string, handler: (key: string) => Promise<void>, log: Logger, shards = 4) {
    this.#queues = Array.from({ length: shards }, (_, i) => new WorkQueue(`${name}#${i}`, handler, { baseMs: 20, maxMs: 1000 }, log));
  }

  #of(key: string): WorkQueue {
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    return this.#queues[Math.abs(h) % this.#queues.length]!;
  }

  add(key: string): void {
    this.#of(key).add(key);
  }

  addAfter(key: string, ms: number): void {
    this.#of(key).addAfter(key, ms);
  }

  async idle(): Promise<void> {
    await Promise.all(this.#queues.map((q) => q.idle()));
  }

  close(): void {
    for (const q of this.#queues) q.close();
  }
}

/** Sets a condition, keeping lastTransitionTime when the status did not change. */
export function withCondition(conditions: Condition[] | undefined, next: Omit<Condition, 'lastTransitionTime'>): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const previous = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = previous && previous.status === next.status ? previous.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = { ...next, lastTransitionTime };
  if (i >= 0) list[i] = condition;
  else list.push(condition);
  return list;
}

/** True when setting `next` would change nothing but lastTransitionTime. */
export function sameConditions(a: Condition[] | undefined, b: Condition[]): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b);
}
