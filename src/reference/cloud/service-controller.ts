// service-controller: load balancers for Services of type LoadBalancer without a class. Ensure:
// EnsuringLoadBalancer, cleanup finalizer before the cloud call, EnsuredLoadBalancer, status only
// when changed; cleanup: delete in the cloud, drop the finalizer, clear the status; node changes:
// UpdateLoadBalancer with the new backend set. Failures are retried with exponential backoff.
import { every, type ControllerContext } from './context.js';
import { EventRecorder, type InvolvedObject } from './events.js';
import { errorMessage, MERGE_PATCH, retryOnConflict, statusCode } from './kube-client.js';
import { LB_FINALIZER, type LoadBalancerIngress, type ServiceObject } from './kube-types.js';
import { CloudError } from './model.js';
import { backendKey, isBackend, needsCleanup, needsUpdate, nodeChangeMatters, statusEqual, wantsLoadBalancer } from './service-rules.js';
import { WorkQueue } from './work-queue.js';

const NODE_SYNC = 'nodes';

function keyOf(svc: ServiceObject): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}`;
}

function ref(svc: ServiceObject): InvolvedObject {
  return { kind: 'Service', name: svc.metadata.name, namespace: svc.metadata.namespace, uid: svc.metadata.uid, resourceVersion: svc.metadata.resourceVersion };
}

/** An error the cloud answered, kept apart from API-server failures for swallows-cloud-errors. */
class SyncError extends Error {}

export class ServiceController {
  private readonly recorder: EventRecorder;
  private readonly queue: WorkQueue;
  private readonly nodeQueue: WorkQueue;
  /** key → the Service as last processed (upstream's serviceCache). */
  private readonly cache = new Map<string, ServiceObject>();
  /** key → backendKey of the nodes last given to the cloud. */
  private readonly lastSyncedNodes = new Map<string, string>();
  /** status-rewritten-on-resync: how often each Service's status was written. */
  private readonly rewrites = new Map<string, number>();
  private stops: (() => Promise<void>)[] = [];

  constructor(private readonly ctx: ControllerContext) {
    this.recorder = new EventRecorder(ctx.client, 'service-controller', ctx.log);
    const backoff = { baseMs: ctx.timing.retryBaseMs, maxMs: ctx.timing.retryMaxMs };
    this.queue = new WorkQueue('service-controller', (key) => this.syncService(key), backoff, ctx.log);
    this.nodeQueue = new WorkQueue('service-controller nodes', () => this.syncNodes(), backoff, ctx.log);
  }

  private wants(svc: ServiceObject): boolean {
    return wantsLoadBalancer(svc, this.ctx.faulty('handles-load-balancer-class'));
  }

  start(): void {
    const ignoreClass = this.ctx.faulty('handles-load-balancer-class');
    this.ctx.services.on({
      add: (svc) => {
        if (this.wants(svc) || needsCleanup(svc)) this.queue.add(keyOf(svc));
      },
      update: (svc, old) => {
        if (!old || needsUpdate(old, svc, ignoreClass) || needsCleanup(svc)) this.queue.add(keyOf(svc));
      },
      delete: (svc) => this.queue.add(keyOf(svc)),
    });
    this.ctx.nodes.on({
      add: () => this.nodeQueue.add(NODE_SYNC),
      update: (node, old) => {
        if (!old || nodeChangeMatters(old, node)) this.nodeQueue.add(NODE_SYNC);
      },
      delete: () => this.nodeQueue.add(NODE_SYNC),
    });
    for (const svc of this.ctx.services.list()) if (this.wants(svc) || needsCleanup(svc)) this.queue.add(keyOf(svc));
    this.stops = [
      // An informer resync hands every Service to UpdateFunc unchanged: only cleanups are picked up.
      every(this.ctx.timing.serviceResyncMs, async () => {
        for (const svc of this.ctx.services.list()) {
          if (needsCleanup(svc) || (this.ctx.faulty('status-rewritten-on-resync') && this.wants(svc))) this.queue.add(keyOf(svc));
        }
      }, this.ctx.log),
      every(this.ctx.timing.nodeSyncMs, async () => this.nodeQueue.add(NODE_SYNC), this.ctx.log),
    ];
  }

  async stop(): Promise<void> {
    await Promise.all(this.stops.map((stop) => stop()));
    this.queue.close();
    this.nodeQueue.close();
  }

  async idle(): Promise<void> {
    await this.queue.idle();
    await this.nodeQueue.idle();
    await this.recorder.flush();
  }

  private backends() {
    return this.ctx.nodes.list().filter(isBackend);
  }

  private async syncService(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.ctx.services.get(name, namespace);
    if (!svc) {
      const cached = this.cache.get(key);
      if (cached) {
        await this.deleteLoadBalancer(cached);
        this.cache.delete(key);
      }
      return;
    }
    const cached = this.cache.get(key);
    if (cached && cached.metadata.uid !== svc.metadata.uid) await this.deleteLoadBalancer(cached);
    this.cache.set(key, svc);
    try {
      if (await this.syncLoadBalancer(structuredClone(svc), key)) this.cache.delete(key);
    } catch (error) {
      if (error instanceof SyncError && this.ctx.faulty('swallows-cloud-errors')) return;
      this.recorder.event(ref(svc), 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: ${errorMessage(error)}`);
      throw error;
    }
  }

  /** processLoadBalancerDelete of a Service that is gone (or replaced under the same name). */
  private async deleteLoadBalancer(svc: ServiceObject): Promise<void> {
    if (!this.wants(svc)) return;
    this.recorder.event(ref(svc), 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    if (!this.ctx.faulty('lb-left-in-cloud')) this.ctx.cloud.deleteLoadBalancer(svc.metadata.uid ?? '');
    this.lastSyncedNodes.delete(keyOf(svc));
    this.recorder.event(ref(svc), 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
  }

  /** syncLoadBalancerIfNeeded; true when the load balancer was deleted. */
  private async syncLoadBalancer(svc: ServiceObject, key: string): Promise<boolean> {
    const previous = svc.status?.loadBalancer ?? {};
    const uid = svc.metadata.uid ?? '';
    let status: { ingress?: LoadBalancerIngress[] };
    const deleting = !this.wants(svc) || needsCleanup(svc);
    if (deleting) {
      status = {};
      if (this.ctx.cloud.getLoadBalancer(uid)) {
        this.recorder.event(ref(svc), 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
        if (!this.ctx.faulty('lb-left-in-cloud')) this.ctx.cloud.deleteLoadBalancer(uid);
      }
      this.lastSyncedNodes.delete(key);
      if (!this.ctx.faulty('finalizer-never-removed')) await this.changeFinalizer(svc, false);
      this.recorder.event(ref(svc), 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
    } else {
      if (!this.ctx.faulty('no-ensuring-event')) this.recorder.event(ref(svc), 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
      const finalizerLate = this.ctx.faulty('ingress-before-finalizer');
      if (!finalizerLate) await this.changeFinalizer(svc, true);
      status = this.ensure(svc, key);
      this.recorder.event(ref(svc), 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
      if (finalizerLate) {
        await this.publish(svc, previous, status);
        await this.changeFinalizer(svc, true);
        return false;
      }
    }
    await this.publish(svc, previous, status);
    return deleting;
  }

  /** Patches status.loadBalancer when it changed (never otherwise: a re-sync must not write). */
  private async publish(svc: ServiceObject, previous: { ingress?: LoadBalancerIngress[] }, status: { ingress?: LoadBalancerIngress[] }): Promise<void> {
    if (!statusEqual(previous, status)) {
      try {
        await this.ctx.client.core.patchNamespacedServiceStatus(
          { name: svc.metadata.name, namespace: svc.metadata.namespace ?? '', body: { status: { loadBalancer: { ingress: status.ingress ?? null } } } },
          MERGE_PATCH,
        );
      } catch (error) {
        if (statusCode(error) !== 404) throw new Error(`failed to update load balancer status: ${errorMessage(error)}`, { cause: error });
      }
    }
  }

  /** EnsureLoadBalancer with the current backends; the status to publish. */
  private ensure(svc: ServiceObject, key: string): { ingress: LoadBalancerIngress[] } {
    const nodes = this.backends();
    if (nodes.length === 0 && !this.ctx.faulty('no-unavailable-warning')) {
      this.recorder.event(ref(svc), 'Warning', 'UnAvailableLoadBalancer', 'There are no available nodes for LoadBalancer');
    }
    this.lastSyncedNodes.set(key, backendKey(nodes));
    const ports = this.ctx.faulty('load-balancer-ports-dropped') ? [] : (svc.spec?.ports ?? []).map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port, ...(p.nodePort ? { nodePort: p.nodePort } : {}) }));
    let lb;
    try {
      lb = this.ctx.cloud.ensureLoadBalancer(
        { uid: svc.metadata.uid ?? '', namespace: svc.metadata.namespace ?? '', name: svc.metadata.name, ports, sourceRanges: svc.spec?.loadBalancerSourceRanges ?? [] },
        nodes.map((n) => n.metadata.name),
        this.ctx.faulty('ingress-reallocated-on-update'),
      );
    } catch (error) {
      if (!(error instanceof CloudError)) throw error;
      throw new SyncError(`failed to ensure load balancer: ${error.message}`, { cause: error });
    }
    const ingress: LoadBalancerIngress[] = lb.ingress.map((i) => ({ ip: i.ip, ipMode: 'VIP' }));
    if (this.ctx.faulty('status-rewritten-on-resync')) {
      // Ingress ports come and go with every write, so each sync changes the status.
      const n = (this.rewrites.get(key) ?? 0) + 1;
      this.rewrites.set(key, n);
      if (n % 2 === 1) for (const i of ingress) i.ports = ports.map((p) => ({ port: p.port, protocol: p.protocol }));
    }
    return { ingress };
  }

  /** Adds or removes the cleanup finalizer on the main resource (a merge patch guarded by resourceVersion). */
  private async changeFinalizer(svc: ServiceObject, present: boolean): Promise<void> {
    let current: ServiceObject = svc;
    await retryOnConflict(async () => {
      const finalizers = current.metadata.finalizers ?? [];
      if (finalizers.includes(LB_FINALIZER) === present) return;
      const next = present ? [...finalizers, LB_FINALIZER] : finalizers.filter((f) => f !== LB_FINALIZER);
      try {
        await this.ctx.client.core.patchNamespacedService(
          { name: svc.metadata.name, namespace: svc.metadata.namespace ?? '', body: { metadata: { finalizers: next.length > 0 ? next : null, resourceVersion: current.metadata.resourceVersion } } },
          MERGE_PATCH,
        );
      } catch (error) {
        if (statusCode(error) === 409) {
          current = JSON.parse(JSON.stringify(await this.ctx.client.core.readNamespacedService({ name: svc.metadata.name, namespace: svc.metadata.namespace ?? '' })));
        }
        throw error;
      }
    });
  }

  /** syncNodes: UpdateLoadBalancer for every cached Service whose backend set changed. */
  private async syncNodes(): Promise<void> {
    const nodes = this.backends();
    const key = backendKey(nodes);
    for (const [svcKey, svc] of this.cache) {
      if (!this.wants(svc) || this.lastSyncedNodes.get(svcKey) === key) continue;
      this.lastSyncedNodes.set(svcKey, key);
      if (this.ctx.faulty('no-backend-update')) continue;
      const uid = svc.metadata.uid ?? '';
      try {
        this.ctx.cloud.updateLoadBalancer(uid, nodes.map((n) => n.metadata.name));
      } catch (error) {
        if (!this.ctx.cloud.getLoadBalancer(uid)) continue;
        const names = nodes.map((n) => n.metadata.name).sort();
        this.recorder.event(ref(svc), 'Warning', 'UpdateLoadBalancerFailed', `Error updating load balancer with new hosts [${names.join(' ')}] [node names limited, total number of nodes: ${names.length}], error: ${errorMessage(error)}`);
        this.queue.add(svcKey);
        continue;
      }
      if (nodes.length === 0) {
        if (!this.ctx.faulty('no-unavailable-warning')) this.recorder.event(ref(svc), 'Warning', 'UnAvailableLoadBalancer', 'There are no available nodes for LoadBalancer');
      } else {
        this.recorder.event(ref(svc), 'Normal', 'UpdatedLoadBalancer', 'Updated load balancer with new hosts');
      }
    }
  }
}
