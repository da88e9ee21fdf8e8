// route_controller: a route per podCIDR of every node; routes inside the cluster CIDR that are
// blackholes or not wanted are deleted, routes outside it are left alone; each node's
// NetworkUnavailable condition says whether all its routes exist. Runs on node changes (as with
// CloudControllerManagerWatchBasedRoutesReconciliation) and periodically.
import { every, setNodeCondition, type ControllerContext } from './context.js';
import { EventRecorder } from './events.js';
import { cidrTouches, parseCidr } from './ip.js';
import { errorMessage } from './kube-client.js';
import { condition, type NodeObject } from './kube-types.js';
import type { Route } from './model.js';
import { WorkQueue } from './work-queue.js';

const CLUSTER_NAME = 'kubernetes';

export class RouteController {
  private readonly recorder: EventRecorder;
  private readonly queue: WorkQueue;
  private stopTimer: (() => Promise<void>) | undefined;
  /** destination CIDR → when a failed CreateRoute may be tried again, and the delay after that. */
  private readonly backoff = new Map<string, { at: number; delayMs: number }>();

  constructor(private readonly ctx: ControllerContext) {
    this.recorder = new EventRecorder(ctx.client, 'route_controller', ctx.log);
    this.queue = new WorkQueue('route_controller', () => this.reconcile(), { baseMs: ctx.timing.retryBaseMs, maxMs: ctx.timing.retryMaxMs }, ctx.log);
  }

  start(): void {
    const trigger = () => this.queue.add('routes');
    this.ctx.nodes.on({
      add: trigger,
      delete: trigger,
      update: (node, old) => {
        if (!old || JSON.stringify(old.spec?.podCIDRs) !== JSON.stringify(node.spec?.podCIDRs) || JSON.stringify(old.status?.addresses) !== JSON.stringify(node.status?.addresses)) trigger();
      },
    });
    trigger();
    this.stopTimer = every(this.ctx.timing.routeReconcileMs, async () => trigger(), this.ctx.log);
  }

  async stop(): Promise<void> {
    await this.stopTimer?.();
    this.queue.close();
  }

  /** One full pass now, then idle. */
  async reconcileNow(): Promise<void> {
    this.queue.add('routes');
    await this.queue.idle();
    await this.recorder.flush();
  }

  private responsibleFor(route: Route): boolean {
    const cidr = parseCidr(route.destinationCIDR);
    if (!cidr) return false;
    return cidrTouches(this.ctx.clusterCIDR, cidr);
  }

  private async reconcile(): Promise<void> {
    const nodes = this.ctx.nodes.list();
    const wanted = new Map<string, Set<string>>(); // node name → its pod CIDRs
    for (const node of nodes) wanted.set(node.metadata.name, new Set(node.spec?.podCIDRs ?? []));
    const routes = this.ctx.cloud.listRoutes();

    // Deletions first: blackholes and routes no node wants, inside the cluster CIDR only.
    if (!this.ctx.faulty('routes-never-removed')) {
      for (const route of routes) {
        const foreign = !this.responsibleFor(route);
        if (foreign && !(this.ctx.faulty('deletes-foreign-routes') && !wanted.has(route.targetNode ?? ''))) continue;
        if (route.blackhole || !wanted.get(route.targetNode ?? '')?.has(route.destinationCIDR)) {
          this.ctx.log.info(`Deleting route ${route.name} ${route.destinationCIDR}`);
          this.ctx.cloud.deleteRoute(route.destinationCIDR);
        }
      }
    }

    const existing = this.ctx.cloud.listRoutes();
    for (const node of nodes) {
      const cidrs = node.spec?.podCIDRs ?? [];
      if (cidrs.length === 0) continue;
      let allCreated = true;
      for (const cidr of cidrs) {
        if (existing.some((r) => r.destinationCIDR === cidr && r.targetNode === node.metadata.name && !r.blackhole)) continue;
        if (!this.createRoute(node, cidr)) allCreated = false;
      }
      await this.updateNetworkCondition(node, allCreated).catch((error: unknown) => this.ctx.log.warn(`Error updating node ${node.metadata.name}: ${errorMessage(error)}`));
    }
  }

  /** CreateRoute with the node's UID as name hint; a failure is an event and a backoff for that CIDR. */
  private createRoute(node: NodeObject, cidr: string): boolean {
    const name = node.metadata.name;
    const hint = node.metadata.uid ?? name;
    const pending = this.backoff.get(cidr);
    if (pending && Date.now() < pending.at) return false;
    const started = performance.now();
    try {
      this.ctx.cloud.createRoute({ name: `${CLUSTER_NAME}-${hint}`, targetNode: name, destinationCIDR: cidr, blackhole: false }, true);
      this.backoff.delete(cidr);
      this.ctx.log.info(`Created route for node ${name} ${cidr} with hint ${hint}`);
      return true;
    } catch (error) {
      const elapsed = `${(performance.now() - started).toFixed(3)}ms`;
      this.recorder.event(
        { kind: 'Node', name, uid: node.metadata.uid },
        'Warning',
        'FailedToCreateRoute',
        `Could not create route ${hint} ${cidr} for node ${name} after ${elapsed}: ${errorMessage(error)}`,
      );
      const delayMs = Math.min(this.ctx.timing.retryMaxMs, (pending?.delayMs ?? this.ctx.timing.retryBaseMs / 2) * 2);
      this.backoff.set(cidr, { at: Date.now() + delayMs, delayMs });
      return false;
    }
  }

  private async updateNetworkCondition(node: NodeObject, routesCreated: boolean): Promise<void> {
    if (this.ctx.faulty('network-unavailable-never-set')) return;
    if (!routesCreated && this.ctx.faulty('no-route-failure-condition')) return;
    const current = condition(node, 'NetworkUnavailable');
    if (routesCreated && current?.status === 'False' && current.reason === 'RouteCreated') return;
    if (!routesCreated && current?.status === 'True' && current.reason === 'NoRouteCreated') return;
    await setNodeCondition(
      this.ctx,
      node.metadata.name,
      routesCreated
        ? { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' }
        : { type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated', message: 'RouteController failed to create a route' },
    );
  }
}
