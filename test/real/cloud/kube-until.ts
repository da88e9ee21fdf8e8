// Waits on the Kubernetes API by list-then-watch, bounded by a deadline: the state of a collection
// is kept up to date from the watch and re-checked after every event (no polling, no sleeps).
import type { RawKubeClient } from '../../../bench/kube-client.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes objects of any kind
export type KubeObject = any;

/**
 * Resolves with `check`'s first defined answer on the objects of `collectionPath` (keyed by
 * name), checked on the list and after every watch event; rejects after `timeoutMs` with what
 * was awaited and the last state seen.
 */
export async function collectionUntil<T>(
  client: RawKubeClient,
  collectionPath: string,
  check: (objects: Map<string, KubeObject>) => T | undefined,
  options: { what: string; timeoutMs: number; fieldSelector?: string },
): Promise<T> {
  const selector = options.fieldSelector ? `fieldSelector=${encodeURIComponent(options.fieldSelector)}` : '';
  const list = await client.request('GET', `${collectionPath}${selector ? `?${selector}` : ''}`);
  if (list.code !== 200) throw new Error(`${options.what}: listing ${collectionPath} answered ${list.code}: ${JSON.stringify(list.body)}`);
  const objects = new Map<string, KubeObject>((list.body.items as KubeObject[]).map((o) => [o.metadata.name as string, o]));
  const first = check(objects);
  if (first !== undefined) return first;
  const stream = await client.watch(`${collectionPath}?watch=true&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}${selector ? `&${selector}` : ''}`);
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${options.what}: not within ${options.timeoutMs} ms; last seen: ${JSON.stringify([...objects.values()]).slice(0, 3000)}`));
      }, options.timeoutMs);
      const done = (fn: () => void) => {
        clearTimeout(timer);
        fn();
      };
      const handle = (event: { type: string; object: KubeObject }) => {
        if (event.type === 'BOOKMARK') return;
        if (event.type === 'ERROR') return done(() => reject(new Error(`${options.what}: watch error ${JSON.stringify(event.object)}`)));
        if (event.type === 'DELETED') objects.delete(event.object.metadata.name);
        else objects.set(event.object.metadata.name, event.object);
        const answer = check(objects);
        if (answer !== undefined) done(() => resolve(answer));
      };
      // Events that arrived before this handler was set are in stream.events.
      for (const event of stream.events) handle(event);
      stream.onEvent = handle;
      void stream.ended.then(() => done(() => reject(new Error(`${options.what}: the watch on ${collectionPath} ended early`))));
    });
  } finally {
    stream.close();
  }
}

/** Waits until `accept` holds for the named object (undefined: it does not exist). */
export function objectUntil(
  client: RawKubeClient,
  collectionPath: string,
  name: string,
  accept: (object: KubeObject | undefined) => boolean,
  options: { what: string; timeoutMs: number },
): Promise<KubeObject | undefined> {
  return collectionUntil(
    client,
    collectionPath,
    (objects) => {
      const object = objects.get(name);
      // Wrapped so an accepted absence (undefined) still ends the wait.
      return accept(object) ? { object } : undefined;
    },
    { ...options, fieldSelector: `metadata.name=${name}` },
  ).then((found) => found.object);
}
