import { describe, expect, it } from 'vitest';
import { Store, type StoreEvent } from '../../src/kube/store.js';
import type { KubeObject } from '../../src/kube/types.js';

const obj = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

describe('store', () => {
  it('numbers every change with one global counter and fans it out to watchers', () => {
    const store = new Store(10);
    const seen: StoreEvent[] = [];
    store.collection('/configmaps').watchers.add({ deliver: (e) => seen.push(e) });
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
});
