// Watch streams: newline-delimited JSON events ({"type","object"}) on a chunked response.
// Starts with synthetic ADDED events (no resourceVersion, "0", or sendInitialEvents), or replays
// the history after a resourceVersion; an expired one ends in an ERROR event with a 410 Status.
import type { ServerResponse } from 'node:http';
import type { KubeApi, Target } from './api.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { expired, KubeApiError } from './status.js';
import type { StoreEvent, Watcher } from './store.js';
import { partialMetadata } from './media.js';
import { toTable } from './table.js';
import { apiVersionOf, storageKey, type KubeObject } from './types.js';

export interface WatchOptions {
  bookmarkIntervalMs: number;
  table: boolean;
  /** Events carry PartialObjectMetadata of this meta.k8s.io version (metadata informers). */
  metadataOnly?: string;
  /** A watcher that lets this much output pile up unread is cut off (it re-watches, like after the real cacher drops a slow watcher). */
  maxBacklogBytes?: number;
  /** Converts objects not in the watched version (CRD conversion webhooks); events keep their order. */
  convert?: (obj: KubeObject) => Promise<KubeObject>;
}

const DEFAULT_BACKLOG = 16 * 1024 * 1024;

export function serveWatch(api: KubeApi, target: Target, res: ServerResponse, options: WatchOptions): void {
  const { type, version } = target.served;
  const query = target.query;
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  const namespace = type.namespaced ? target.namespace : undefined;
  const apiVersion = apiVersionOf(type.group, version.name);
  // Types stored in another's form are matched in their own (field selectors name their fields).
  const view = type.storedAs ? (obj: KubeObject) => api.present(target.served, obj) : (obj: KubeObject) => obj;
  const matches = (stored: KubeObject | undefined): boolean => {
    if (!stored) return false;
    const obj = view(stored);
    if (namespace && obj.metadata.namespace !== namespace) return false;
    if (target.name && obj.metadata.name !== target.name) return false;
    if (labels && !labels(obj.metadata.labels ?? {})) return false;
    if (fields && !fields(obj)) return false;
    return true;
  };
  const collection = api.store.collection(storageKey(type));
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents') === 'true';
  const bookmarks = query.get('allowWatchBookmarks') === 'true';

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  // Events go straight to the socket as whole HTTP chunks: one write each instead of the four
  // (size, CRLF, data, CRLF) corked until the next tick that res.write makes, for every watcher.
  // res.end() still writes the last chunk.
  const put = (framed: string): void => {
    res.socket?.write(framed);
  };

  // Serialized once per event and apiVersion: every watcher of the same version shares the string.
  const serialize = (eventType: string, obj: KubeObject): string => {
    const presented = obj.apiVersion === apiVersion ? obj : api.present(target.served, obj);
    if (options.metadataOnly) return metadataLine(eventType, presented, options.metadataOnly);
    if (options.table) {
      const table = toTable([presented], version.columns, { resourceVersion: obj.metadata.resourceVersion }, 'Metadata', version.nameColumn !== false);
      return chunk(`${JSON.stringify({ type: eventType, object: table })}\n`);
    }
    return eventLine(eventType, presented);
  };

  // Bookmarks have the form of the watched objects (a metadata informer decodes only PartialObjectMetadata).
  const bookmark = (metadata: Record<string, unknown>): string => {
    const object = options.metadataOnly ? { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${options.metadataOnly}`, metadata } : { kind: type.kind, apiVersion, metadata };
    return chunk(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
  };

  let closed = false;
  let lastRv = api.store.currentRv;
  const backlog = options.maxBacklogBytes ?? DEFAULT_BACKLOG;
  // The initial burst is written at once whatever its size; the limit applies to what comes after.
  let limit = Number.POSITIVE_INFINITY;
  const timers: NodeJS.Timeout[] = [];
  // With a converter every line (bookmarks too) waits for the ones before it, so order and resourceVersions hold.
  let queue: Promise<void> = Promise.resolve();
  const output = (line: () => string | Promise<string>): void => {
    if (closed) return;
    if (!options.convert) {
      put(line() as string);
      // A client that stopped reading must not make the server hold every later event for it.
      if (res.writableLength > limit) stop();
      return;
    }
    queue = queue.then(async () => {
      if (closed) return;
      try {
        const text = await line();
        if (closed) return;
        put(text);
        if (res.writableLength > limit) stop();
      } catch (error) {
        const status = (error instanceof KubeApiError ? error : new KubeApiError(500, 'InternalError', String(error))).toStatus();
        if (!closed) put(chunk(`${JSON.stringify({ type: 'ERROR', object: status })}\n`));
        stop();
      }
    });
  };
  const convert = options.convert;
  const emit = (eventType: string, obj: KubeObject): void => {
    output(convert && obj.apiVersion !== apiVersion ? () => convert(obj).then((c) => serialize(eventType, c)) : () => serialize(eventType, obj));
  };
  const send = (event: StoreEvent): void => {
    const now = matches(event.object);
    const before = event.type === 'MODIFIED' ? matches(event.previous) : now;
    lastRv = event.rv;
    if (event.type === 'DELETED') {
      if (before) emit('DELETED', event.object);
      return;
    }
    if (now && !before) emit('ADDED', event.object);
    else if (now) emit(event.type, event.object);
    else if (before) emit('DELETED', event.object);
  };

  const watcher: Watcher = { deliver: send, end: () => stop() };

  if (sendInitial || rvParam === '' || rvParam === '0') {
    if (!(query.get('sendInitialEvents') === 'false')) {
      const keys = collection.sortedKeys();
      for (const key of keys) {
        const obj = collection.objects.get(key)!;
        if (matches(obj)) emit('ADDED', obj);
      }
    }
    if (sendInitial && bookmarks) {
      const rv = String(api.store.currentRv);
      output(() => bookmark({ resourceVersion: rv, annotations: { 'k8s.io/initial-events-end': 'true' } }));
    }
  } else {
    const since = Number(rvParam);
    const events = Number.isFinite(since) ? collection.eventsSince(since) : undefined;
    if (!events) {
      const status = expired(`too old resource version: ${rvParam} (${collection.compactedRv + 1})`).toStatus();
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    for (const event of events) send(event);
  }

  if (closed) return;
  limit = res.writableLength + backlog;
  collection.watchers.add(watcher);
  function stop(): void {
    if (closed) return;
    closed = true;
    collection.watchers.delete(watcher);
    for (const timer of timers) clearTimeout(timer);
    // Ending a stream whose client does not read would wait forever: destroy it instead.
    if (res.writableLength > limit) res.destroy();
    else res.end();
  }
  if (bookmarks) {
    const timer = setInterval(() => {
      const rv = Math.max(lastRv, api.store.currentRv);
      output(() => bookmark({ resourceVersion: String(rv) }));
    }, options.bookmarkIntervalMs);
    timer.unref();
    timers.push(timer);
  }
  const timeout = Number(query.get('timeoutSeconds') ?? 0);
  if (timeout > 0) {
    const timer = setTimeout(stop, timeout * 1000);
    timer.unref();
    timers.push(timer);
  }
  res.on('close', stop);
  res.socket?.on('close', stop);
}

const metadataCache = new WeakMap<object, Map<string, string>>();

/** A watch line as one HTTP/1.1 chunk (size in hex, CRLF, data, CRLF). */
function chunk(line: string): string {
  return `${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`;
}

/** A metadata-only watch line (as a chunk), shared by every metadata watcher of the same object and event. */
function metadataLine(eventType: string, obj: KubeObject, version: string): string {
  let lines = metadataCache.get(obj);
  if (!lines) {
    lines = new Map();
    metadataCache.set(obj, lines);
  }
  const key = `${eventType}/${version}`;
  let line = lines.get(key);
  if (line === undefined) {
    line = chunk(`${JSON.stringify({ type: eventType, object: partialMetadata(obj, version) })}\n`);
    lines.set(key, line);
  }
  return line;
}

const jsonCache = new WeakMap<object, string>();
const lineCache = new WeakMap<object, Map<string, string>>();

/** One watch line (as a chunk) per (object, event type), shared by every watcher that receives it. */
function eventLine(eventType: string, obj: object): string {
  let lines = lineCache.get(obj);
  if (!lines) {
    lines = new Map();
    lineCache.set(obj, lines);
  }
  let line = lines.get(eventType);
  if (line === undefined) {
    line = chunk(`{"type":"${eventType}","object":${cachedJson(obj)}}\n`);
    lines.set(eventType, line);
  }
  return line;
}

/** Stored objects are never mutated once stored, so their JSON can be cached by identity. */
export function cachedJson(obj: object): string {
  let json = jsonCache.get(obj);
  if (json === undefined) {
    json = JSON.stringify(obj);
    jsonCache.set(obj, json);
  }
  return json;
}
