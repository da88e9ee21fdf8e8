// Waiting on a cluster without sleeping: list once, then watch from the list's resourceVersion,
// keeping every change. A test waits for a condition on the latest state (`until`) and can check
// afterwards that something never happened in between (`events`), which a poll loop cannot see.
import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { raceSignal } from '../core/deadline.js';
import { ConformanceError, DeadlineError } from '../core/errors.js';
import { objectApi } from './objects.js';
import { collectionPath, type ResourceRef } from './resource.js';

export type ObservedPhase = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ObservedEvent<T extends KubernetesObject> {
  readonly phase: ObservedPhase;
  readonly object: T;
  /** Epoch milliseconds when the harness saw it. */
  readonly at: number;
}

export interface ObserveOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Asks the server to end each watch after this long (servers do so on their own too); the observer resumes. */
  readonly watchTimeoutSeconds?: number;
}

type Check<T extends KubernetesObject, R> = (latest: ReadonlyMap<string, T>, event: ObservedEvent<T> | undefined) => R | undefined;

interface Waiter<T extends KubernetesObject> {
  check: Check<T, unknown>;
  resolve(value: unknown): void;
}

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export class ResourceObserver<T extends KubernetesObject = KubernetesObject> {
  /** Every change seen since the observer started, oldest first (the initial list counts as ADDED). */
  readonly events: ObservedEvent<T>[] = [];
  readonly #latest = new Map<string, T>();
  readonly #waiters = new Set<Waiter<T>>();
  #resourceVersion = '';
  #abort: AbortController | undefined;
  #stopped = false;
  #failure: Error | undefined;

  constructor(
    private readonly kc: KubeConfig,
    readonly ref: ResourceRef,
    private readonly options: ObserveOptions = {},
  ) {}

  /** Lists and starts watching; resolves once the initial state is known. */
  async start(): Promise<this> {
    await this.#list();
    await this.#watch();
    return this;
  }

  /** The latest state of each object, by "namespace/name". */
  get latest(): ReadonlyMap<string, T> {
    return this.#latest;
  }

  get(name: string, namespace = this.ref.namespace ?? ''): T | undefined {
    return this.#latest.get(`${namespace}/${name}`);
  }

  /**
   * Resolves with the first non-undefined answer of `check`, asked now and after every change.
   * Rejects when `signal` aborts, with `description` and what `lastSeen` says of the latest state.
   */
  until<R>(check: Check<T, R>, description: string, signal: AbortSignal, lastSeen?: (latest: ReadonlyMap<string, T>) => string): Promise<R> {
    const now = check(this.#latest, undefined);
    if (now !== undefined) return Promise.resolve(now);
    if (this.#failure) return Promise.reject(this.#failure);
    let waiter!: Waiter<T>;
    const found = new Promise<R>((resolve) => {
      waiter = { check: check as Check<T, unknown>, resolve: resolve as (v: unknown) => void };
      this.#waiters.add(waiter);
    });
    return raceSignal(found, signal, `waiting for ${description}`).catch((error: unknown) => {
      this.#waiters.delete(waiter);
      if (error instanceof DeadlineError) {
        const state = lastSeen ? lastSeen(this.#latest) : summarise(this.#latest);
        throw new ConformanceError(`timed out after ${error.timeoutMs} ms waiting for ${description}; last seen: ${state}`, { cause: error });
      }
      throw error;
    });
  }

  /** Waits until the named object satisfies `predicate`; answers it. */
  object(name: string, predicate: (o: T) => boolean, description: string, signal: AbortSignal, lastSeen?: (o: T | undefined) => string): Promise<T> {
    return this.until((latest) => {
      const o = latest.get(`${this.ref.namespace ?? ''}/${name}`);
      return o && predicate(o) ? o : undefined;
    }, description, signal, lastSeen ? () => lastSeen(this.get(name)) : undefined);
  }

  /** Waits until the named object is gone. */
  gone(name: string, description: string, signal: AbortSignal): Promise<void> {
    return this.until((latest) => (latest.has(`${this.ref.namespace ?? ''}/${name}`) ? undefined : true), description, signal).then(() => undefined);
  }

  /** Events of one object, oldest first. */
  history(name: string): ObservedEvent<T>[] {
    return this.events.filter((e) => e.object.metadata?.name === name);
  }

  stop(): void {
    this.#stopped = true;
    this.#abort?.abort();
  }

  async #list(): Promise<void> {
    const [group, version] = this.ref.apiVersion.includes('/') ? this.ref.apiVersion.split('/') : ['', this.ref.apiVersion];
    const api = objectApi(this.kc);
    const list = await api.list<T>(group ? `${group}/${version}` : version!, this.ref.kind, this.ref.namespace, undefined, undefined, undefined, this.options.fieldSelector, this.options.labelSelector);
    this.#resourceVersion = list.metadata?.resourceVersion ?? '';
    const listed = new Set<string>();
    for (const item of list.items) {
      listed.add(keyOf(item));
      this.#apply('ADDED', item);
    }
    // After a relist, objects that vanished meanwhile are deletions.
    for (const [key, object] of [...this.#latest]) if (!listed.has(key)) this.#apply('DELETED', object);
  }

  async #watch(): Promise<void> {
    if (this.#stopped) return;
    const query: Record<string, string | boolean> = { allowWatchBookmarks: true, resourceVersion: this.#resourceVersion };
    if (this.options.labelSelector) query.labelSelector = this.options.labelSelector;
    if (this.options.fieldSelector) query.fieldSelector = this.options.fieldSelector;
    if (this.options.watchTimeoutSeconds) query.timeoutSeconds = String(this.options.watchTimeoutSeconds);
    let expired = false;
    this.#abort = await new Watch(this.kc).watch(
      collectionPath(this.ref),
      query,
      (phase, object: T & { code?: number }) => {
        if (phase === 'BOOKMARK') this.#resourceVersion = object.metadata?.resourceVersion ?? this.#resourceVersion;
        else if (phase === 'ERROR') expired = object.code === 410;
        else this.#apply(phase as ObservedPhase, object);
      },
      (error: unknown) => void this.#restart(error, expired),
    );
  }

  // The server ends watches now and then; resume from the last version, or relist when it expired.
  async #restart(error: unknown, expired: boolean): Promise<void> {
    if (this.#stopped) return;
    try {
      if (expired || isGone(error)) await this.#list();
      await this.#watch();
    } catch (failure) {
      this.#fail(new ConformanceError(`watching ${collectionPath(this.ref)} failed: ${(failure as Error).message}`, { cause: failure }));
    }
  }

  #fail(error: Error): void {
    this.#failure = error;
    for (const waiter of this.#waiters) waiter.resolve(Promise.reject(error));
    this.#waiters.clear();
  }

  #apply(phase: ObservedPhase, object: T): void {
    const version = object.metadata?.resourceVersion;
    if (version) this.#resourceVersion = version;
    const key = keyOf(object);
    if (phase === 'DELETED') this.#latest.delete(key);
    else this.#latest.set(key, object);
    const event = { phase, object, at: Date.now() };
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      let answer: unknown;
      try {
        answer = waiter.check(this.#latest, event);
      } catch (error) {
        answer = Promise.reject(error);
      }
      if (answer !== undefined) {
        this.#waiters.delete(waiter);
        waiter.resolve(answer);
      }
    }
  }
}

function isGone(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ((error as { statusCode?: number }).statusCode === 410 || (error as { code?: number }).code === 410);
}

function summarise(latest: ReadonlyMap<string, KubernetesObject>): string {
  if (latest.size === 0) return 'no object';
  const names = [...latest.keys()].slice(0, 5).join(', ');
  return `${latest.size} object(s): ${names}${latest.size > 5 ? ' …' : ''}`;
}

/** Starts an observer that the test's ledger stops, so no watch outlives its test. */
export async function observe<T extends KubernetesObject>(
  kc: KubeConfig,
  ref: ResourceRef,
  ledger: { add(description: string, undo: () => Promise<void>): unknown },
  options: ObserveOptions = {},
): Promise<ResourceObserver<T>> {
  const observer = new ResourceObserver<T>(kc, ref, options);
  ledger.add(`watch of ${collectionPath(ref)}`, async () => observer.stop());
  return observer.start();
}
