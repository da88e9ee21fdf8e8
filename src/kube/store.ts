// Storage: one collection of objects per resource (group/plural), all versioned by one global
// resourceVersion counter (etcd's revision). Every change is appended to the collection's bounded
// history and fanned out to its watchers; a watch that starts before the oldest retained event
// gets 410 Expired, like a compacted etcd revision.
import type { KubeObject } from './types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  object: KubeObject;
  /** The object before the change (for selector transitions); absent for ADDED. */
  previous?: KubeObject;
  rv: number;
}

export interface Watcher {
  /** Called synchronously for every change in the collection, in resourceVersion order. */
  deliver(event: StoreEvent): void;
  /** The resource stopped being served (its CRD was deleted): end the watch. */
  end(): void;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class Collection {
  readonly objects = new Map<string, KubeObject>();
  readonly watchers = new Set<Watcher>();
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  /** Events with rv <= this have been dropped from the window. */
  compactedRv = 0;

  constructor(private readonly windowSize: number) {}

  record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.windowSize) {
      const dropped = this.history[this.historyStart++];
      if (dropped) this.compactedRv = dropped.rv;
      // Compact the array now and then rather than shifting on every event.
      if (this.historyStart > this.windowSize) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const watcher of this.watchers) watcher.deliver(event);
  }

  /** Events after `rv`, or undefined when that point is older than the window. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    const out: StoreEvent[] = [];
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      const event = this.history[i]!;
      if (event.rv <= rv) break;
      out.push(event);
    }
    return out.reverse();
  }

  /**
   * The collection as it was at `rv` (continue tokens and Exact lists read from it), rebuilt by
   * undoing the retained history; undefined when `rv` is older than the window.
   */
  snapshotAt(rv: number): Map<string, KubeObject> | undefined {
    const later = this.eventsSince(rv);
    if (!later) return undefined;
    if (later.length === 0) return this.objects;
    const state = new Map(this.objects);
    for (let i = later.length - 1; i >= 0; i--) {
      const event = later[i]!;
      const key = objectKey(event.object.metadata.namespace, event.object.metadata.name!);
      if (event.type === 'ADDED') state.delete(key);
      else state.set(key, event.previous!);
    }
    return state;
  }

  /** Objects in key order (the order lists and continue tokens use). */
  sortedKeys(): string[] {
    return [...this.objects.keys()].sort();
  }
}

export class Store {
  private revision = 0;
  private readonly collections = new Map<string, Collection>();

  constructor(private readonly windowSize = 10_000) {}

  get currentRv(): number {
    return this.revision;
  }

  nextRv(): number {
    return ++this.revision;
  }

  collection(key: string): Collection {
    let collection = this.collections.get(key);
    if (!collection) {
      collection = new Collection(this.windowSize);
      this.collections.set(key, collection);
    }
    return collection;
  }

  /** Stores `object` (already carrying its new resourceVersion) and notifies watchers. */
  put(key: string, objKey: string, object: KubeObject, rv: number): void {
    const collection = this.collection(key);
    const previous = collection.objects.get(objKey);
    collection.objects.set(objKey, object);
    const event: StoreEvent = previous ? { type: 'MODIFIED', object, previous, rv } : { type: 'ADDED', object, rv };
    collection.record(event);
  }

  remove(key: string, objKey: string, rv: number): KubeObject | undefined {
    const collection = this.collection(key);
    const previous = collection.objects.get(objKey);
    if (!previous) return undefined;
    collection.objects.delete(objKey);
    // The DELETED event carries the last state with the deletion's resourceVersion, as etcd3 does.
    const object: KubeObject = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
    collection.record({ type: 'DELETED', object, previous, rv });
    return object;
  }
}
