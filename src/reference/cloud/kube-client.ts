// The reference controllers' only way to the API server: @kubernetes/client-node over HTTPS from a
// kubeconfig, as a vendor's controller would. Informers are client-node's ListWatch, restarted
// after errors, handing out plain JSON objects with the previous version on updates.
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesListObject,
  type KubernetesObject,
  type RequestContext,
} from '@kubernetes/client-node';
import { Agent } from 'node:https';
import { statusMessage } from '../../kube-kit/objects.js';
import type { NodeObject, ServiceObject } from './kube-types.js';

export interface Logger {
  info(m: string): void;
  warn(m: string): void;
  debug(m: string): void;
}

export const SILENT: Logger = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/** Content types for client-node's patch calls (it would send JSON Patch otherwise). */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const STRATEGIC_PATCH = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/**
 * client-node 1.x makes a new HTTPS agent, so a new TLS handshake, for every request. A controller
 * built on client-go keeps its connection; so does this config: one keep-alive agent with the TLS
 * options client-node chose (watches still get connections of their own).
 */
class PooledKubeConfig extends KubeConfig {
  private agent: Agent | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const chosen = context.getAgent();
    if (!(chosen instanceof Agent)) return;
    this.agent ??= new Agent({ ...chosen.options, keepAlive: true });
    context.setAgent(this.agent);
  }

  destroy(): void {
    this.agent?.destroy();
  }
}

export class KubeClient {
  readonly config: PooledKubeConfig;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;

  constructor(kubeconfig: string) {
    this.config = new PooledKubeConfig();
    this.config.loadFromString(kubeconfig);
    this.core = this.config.makeApiClient(CoreV1Api);
    this.coordination = this.config.makeApiClient(CoordinationV1Api);
  }

  /** Closes the pooled connections. */
  close(): void {
    this.config.destroy();
  }
}

export function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** The API server's message of a failed call, else the error's own. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiException) return statusMessage(error) ?? `HTTP ${error.code}`;
  return error instanceof Error ? error.message : String(error);
}

/** client-go's RetryOnConflict: redo read-modify-write while the server answers 409. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (statusCode(error) !== 409 || i >= attempts) throw error;
    }
  }
}

/** Typed client-node models carry Dates and class prototypes; the controllers work on plain JSON. */
function plain<T>(obj: unknown): T {
  return JSON.parse(JSON.stringify(obj)) as T;
}

type Handlers<T> = { add?(obj: T): void; update?(obj: T, old: T | undefined): void; delete?(obj: T): void };

export class SharedInformer<T extends KubernetesObject & { metadata: { name: string; namespace?: string } }> {
  private readonly informer;
  private readonly previous = new Map<string, T>();
  private readonly handlers: Handlers<T>[] = [];
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    config: KubeConfig,
    path: string,
    list: () => Promise<KubernetesListObject<T>>,
    private readonly log: Logger,
  ) {
    this.informer = makeInformer<T>(config, path, async () => plain<KubernetesListObject<T>>(await list()));
    const key = (o: T) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    this.informer.on('add', (obj) => {
      this.previous.set(key(obj), obj);
      for (const h of this.handlers) h.add?.(obj);
    });
    this.informer.on('update', (obj) => {
      const old = this.previous.get(key(obj));
      this.previous.set(key(obj), obj);
      for (const h of this.handlers) h.update?.(obj, old);
    });
    this.informer.on('delete', (obj) => {
      this.previous.delete(key(obj));
      for (const h of this.handlers) h.delete?.(obj);
    });
    // client-node's ListWatch stops on an error; a controller's reflector lists and watches again.
    this.informer.on('error', (error: unknown) => {
      if (this.stopped) return;
      this.log.debug(`watch ${path} failed (${errorMessage(error)}); restarting`);
      this.retry = setTimeout(() => void this.informer.start().catch(() => undefined), 200);
    });
  }

  on(handlers: Handlers<T>): void {
    this.handlers.push(handlers);
  }

  /** Resolves once the initial list is in the cache and the watch is open. */
  start(): Promise<void> {
    return this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.informer.stop();
  }

  list(): T[] {
    return [...this.informer.list()];
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }
}

export function nodeInformer(client: KubeClient, log: Logger): SharedInformer<NodeObject & KubernetesObject> {
  return new SharedInformer(client.config, '/api/v1/nodes', () => client.core.listNode() as Promise<KubernetesListObject<NodeObject & KubernetesObject>>, log);
}

export function serviceInformer(client: KubeClient, log: Logger): SharedInformer<ServiceObject & KubernetesObject> {
  return new SharedInformer(
    client.config,
    '/api/v1/services',
    () => client.core.listServiceForAllNamespaces() as Promise<KubernetesListObject<ServiceObject & KubernetesObject>>,
    log,
  );
}
