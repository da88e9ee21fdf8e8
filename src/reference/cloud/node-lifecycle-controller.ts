// cloud-node-lifecycle-controller: every NodeMonitorPeriod, Ready nodes lose the shutdown taint;
// NotReady/Unknown nodes are deleted when their instance is gone, or tainted when it is shut down.
import { changeTaints, every, instanceOf, type ControllerContext } from './context.js';
import { EventRecorder } from './events.js';
import { errorMessage } from './kube-client.js';
import { hasTaint, readyStatus, SHUTDOWN_TAINT, type NodeObject } from './kube-types.js';

export class NodeLifecycleController {
  private readonly recorder: EventRecorder;
  private stopTimer: (() => Promise<void>) | undefined;
  /** UIDs of nodes this controller deleted, so a pass before the informer catches up does not delete twice. */
  private readonly deleted = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.recorder = new EventRecorder(ctx.client, 'cloud-node-lifecycle-controller', ctx.log);
  }

  start(): void {
    this.stopTimer = every(this.ctx.timing.nodeMonitorPeriodMs, () => this.monitorNodes(), this.ctx.log);
  }

  async stop(): Promise<void> {
    await this.stopTimer?.();
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }

  /** InstanceExists: a terminated (or unknown) instance does not exist; a stopped one does. */
  private exists(node: NodeObject): boolean {
    const instance = instanceOf(this.ctx.cloud, node);
    if (!instance || instance.state === 'terminated') return false;
    return !(this.ctx.faulty('deletes-stopped-node') && instance.state === 'stopped');
  }

  async monitorNodes(): Promise<void> {
    for (const node of this.ctx.nodes.list()) {
      const name = node.metadata.name;
      if (readyStatus(node) === 'True') {
        if (hasTaint(node, SHUTDOWN_TAINT) && !this.ctx.faulty('shutdown-taint-kept-after-start')) {
          await changeTaints(this.ctx, name, (taints) => (taints.some((t) => t.key === SHUTDOWN_TAINT) ? taints.filter((t) => t.key !== SHUTDOWN_TAINT) : undefined)).catch(
            (error: unknown) => this.ctx.log.warn(`error patching node taints: ${errorMessage(error)}`),
          );
        }
        continue;
      }
      if (!this.exists(node)) {
        if (this.ctx.faulty('no-node-deletion') || this.deleted.has(node.metadata.uid ?? '')) continue;
        this.deleted.add(node.metadata.uid ?? '');
        const ref = { kind: 'Node', name, uid: node.metadata.uid } as const;
        this.recorder.event(ref, 'Normal', 'DeletingNode', `Deleting node ${name} because it does not exist in the cloud provider`);
        try {
          await this.ctx.client.core.deleteNode({ name });
        } catch (error) {
          this.deleted.delete(node.metadata.uid ?? '');
          this.recorder.event(ref, 'Warning', 'DeletingNodeFailed', `Failed deleting node ${name}: ${errorMessage(error)}`);
        }
        continue;
      }
      const instance = instanceOf(this.ctx.cloud, node);
      if (instance?.state === 'stopped' && !this.ctx.faulty('no-shutdown-taint') && !hasTaint(node, SHUTDOWN_TAINT)) {
        await changeTaints(this.ctx, name, (taints) => (taints.some((t) => t.key === SHUTDOWN_TAINT) ? undefined : [...taints, { key: SHUTDOWN_TAINT, effect: 'NoSchedule' }])).catch(
          (error: unknown) => this.ctx.log.warn(`failed to apply shutdown taint to node ${name}, it may have been deleted: ${errorMessage(error)}`),
        );
      }
    }
  }
}
