import { describe, expect, it } from 'vitest';
import { Store, type StoreEvent } from '../../src/kube/store.js';
import type { KubeObject } from '../../src/kube/types.js';

const obj = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

describe('store', () => {
  it('numbers every change with one global counter and fans it out to watchers', () => {
    const store = new Store(10);
    const seen: StoreEvent[] = [];
    store.collection('/configmaps').watchers.add({ deliver: (e) => seen.push(e), end: () => undefined });
    store.put('/configmaps', 'a', obj('a'), store.nextRv());
    store.put('/secrets', 'b', obj('b'), store.nextRv());
    store.put('/configmaps', 'a', obj('a'), store.nextRv());
    store.remove('/configmaps', 'a', store.nextRv());
    expect(seen.map((e) => `${e.type}@${e.rv}`)).toEqual(['ADDED@1', 'MODIFIED@3', 'DELETED@4']);
    expect(seen[2]!.object.metadata.resourceVersion).toBe('4');
  });

  it('replays history after a resourceVersion and refuses one older than the window', () => {
    const store = new Store(3);
    for (let i = 0; i < 5; i++) store.put('/configmaps', `k${i}`, obj(`k${i}`), store.nextRv());
    const collection = store.collection('/configmaps');
    expect(collection.eventsSince(3)!.map((e) => e.rv)).toEqual([4, 5]);
    expect(collection.eventsSince(2)!.map((e) => e.rv)).toEqual([3, 4, 5]);
    expect(collection.eventsSince(1)).toBeUndefined();
    expect(collection.sortedKeys()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('rebuilds the collection as it was at an earlier resourceVersion', () => {
    const store = new Store(10);
    const put = (name: string, v: string) => store.put('/c', name, { ...obj(name), data: { v } } as KubeObject, store.nextRv());
    put('a', '1'); // rv 1
    put('b', '1'); // rv 2
    put('a', '2'); // rv 3
    store.remove('/c', 'b', store.nextRv()); // rv 4
    put('c', '1'); // rv 5
    const at2 = store.collection('/c').snapshotAt(2)!;
    expect([...at2.keys()].sort()).toEqual(['a', 'b']);
    expect(at2.get('a')!.data).toEqual({ v: '1' });
    expect([...store.collection('/c').snapshotAt(5)!.keys()].sort()).toEqual(['a', 'c']);
    expect(new Store(2).collection('/c').snapshotAt(0)!.size).toBe(0);
  });
});
