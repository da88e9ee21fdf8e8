// The reference cloud-controller-manager: one node and one service informer shared by the four
// controllers (as a SharedInformerFactory would), started once the caches are filled.
import { DeadlineError } from '../../core/errors.js';
import { CloudNodeController } from './cloud-node-controller.js';
import type { ControllerContext } from './context.js';
import { faultPredicate } from './faults.js';
import { nodeInformer, serviceInformer, type KubeClient } from './kube-client.js';
import { hasTaint, UNINITIALIZED_TAINT } from './kube-types.js';
import type { CloudModel } from './model.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';
import type { ResolvedOptions } from './options.js';
import { RouteController } from './route-controller.js';
import { ServiceController } from './service-controller.js';

export class ReferenceCcm {
  readonly ctx: ControllerContext;
  private readonly cloudNode: CloudNodeController;
  private readonly lifecycle: NodeLifecycleController;
  private readonly services: ServiceController;
  private readonly routes: RouteController;

  constructor(client: KubeClient, cloud: CloudModel, options: ResolvedOptions) {
    this.ctx = {
      client,
      cloud,
      nodes: nodeInformer(client, options.log),
      services: serviceInformer(client, options.log),
      faulty: faultPredicate(options.fault),
      timing: options.timing,
      clusterCIDR: options.clusterCIDR,
      log: options.log,
    };
    this.cloudNode = new CloudNodeController(this.ctx);
    this.lifecycle = new NodeLifecycleController(this.ctx);
    this.services = new ServiceController(this.ctx);
    this.routes = new RouteController(this.ctx);
  }

  async start(): Promise<void> {
    await Promise.all([this.ctx.nodes.start(), this.ctx.services.start()]);
    this.cloudNode.start();
    this.lifecycle.start();
    this.services.start();
    this.routes.start();
  }

  /** Resolves once every named node has lost the uninitialized taint (as the informer sees it). */
  nodesInitialised(names: readonly string[], timeoutMs: number): Promise<void> {
    const done = () => names.every((name) => {
      const node = this.ctx.nodes.get(name);
      return node !== undefined && !hasTaint(node, UNINITIALIZED_TAINT);
    });
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new DeadlineError(`initialisation of nodes ${names.join(', ')}`, timeoutMs)), timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        resolve();
      };
      // Handlers cannot be removed from the shared informer; a settled check is a no-op afterwards.
      this.ctx.nodes.on({ add: check, update: check });
    });
  }

  /** Waits until the controllers have acted on what they have seen: queues drained, a route pass done, events written. */
  async settle(): Promise<void> {
    await this.cloudNode.idle();
    await this.routes.reconcileNow();
    await this.services.idle();
    await this.lifecycle.flush();
  }

  async stop(): Promise<void> {
    await Promise.all([this.cloudNode.stop(), this.lifecycle.stop(), this.services.stop(), this.routes.stop()]);
    await Promise.all([this.ctx.nodes.stop(), this.ctx.services.stop()]);
    await this.settle().catch(() => undefined);
  }
}
