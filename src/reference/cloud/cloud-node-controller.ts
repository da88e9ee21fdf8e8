// cloud-node-controller: initialises Nodes that carry the uninitialized taint in one update
// (providerID when empty, GA and beta labels, admissible AdditionalLabels, taint removed), then
// writes their addresses; keeps the addresses and the beta/GA labels of initialised nodes in step.
import { every, instanceOf, setNodeAddresses, updateNode, type ControllerContext } from './context.js';
import { EventRecorder } from './events.js';
import { errorMessage } from './kube-client.js';
import { hasTaint, setTaints, UNINITIALIZED_TAINT, type NodeObject } from './kube-types.js';
import {
  addressesDiffer,
  admissibleAdditionalLabels,
  checkProvidedNodeIp,
  desiredAddresses,
  KUBERNETES_NAMESPACE,
  labelsToReconcile,
  wellKnownLabels,
  type InstanceMetadata,
} from './node-rules.js';
import { WorkQueue } from './work-queue.js';

export class CloudNodeController {
  private readonly queue: WorkQueue;
  private readonly recorder: EventRecorder;
  private stopTimer: (() => Promise<void>) | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.recorder = new EventRecorder(ctx.client, 'cloud-node-controller', ctx.log);
    this.queue = new WorkQueue('cloud-node-controller', (name) => this.syncNode(name), { baseMs: ctx.timing.retryBaseMs, maxMs: ctx.timing.retryMaxMs }, ctx.log);
  }

  start(): void {
    this.ctx.nodes.on({ add: (n) => this.queue.add(n.metadata.name), update: (n) => this.queue.add(n.metadata.name) });
    for (const node of this.ctx.nodes.list()) this.queue.add(node.metadata.name);
    this.stopTimer = every(this.ctx.timing.nodeStatusUpdateMs, () => this.updateNodeStatus(), this.ctx.log);
  }

  async stop(): Promise<void> {
    await this.stopTimer?.();
    this.queue.close();
  }

  async idle(): Promise<void> {
    await this.queue.idle();
    await this.recorder.flush();
  }

  /** InstancesV2.InstanceMetadata of the reference cloud. */
  private metadata(node: NodeObject): InstanceMetadata {
    const instance = instanceOf(this.ctx.cloud, node);
    if (!instance || instance.state === 'terminated') throw new Error(`failed to get instance metadata for node ${node.metadata.name}: instance not found`);
    return {
      providerID: instance.providerID,
      instanceType: instance.instanceType,
      zone: instance.zone,
      region: instance.region,
      addresses: instance.addresses,
      additionalLabels: instance.additionalLabels,
    };
  }

  private async syncNode(name: string): Promise<void> {
    const node = this.ctx.nodes.get(name);
    if (!node) return;
    if (!hasTaint(node, UNINITIALIZED_TAINT)) {
      if (!this.ctx.faulty('beta-zone-labels-only')) await this.reconcileLabels(name);
      return;
    }
    this.ctx.log.info(`Initializing node ${name} with cloud provider`);
    const meta = this.metadata(node);
    if (!this.ctx.faulty('bogus-provided-ip-initialises')) checkProvidedNodeIp(node, meta.addresses);
    const removeTaint = (n: NodeObject): void => setTaints(n, (n.spec?.taints ?? []).filter((t) => t.key !== UNINITIALIZED_TAINT));
    if (this.ctx.faulty('taint-removed-before-init')) {
      await updateNode(this.ctx, name, (n) => (removeTaint(n), n));
    }
    const updated = await updateNode(this.ctx, name, (n) => {
      this.initialise(n, meta);
      removeTaint(n);
      return n;
    });
    if (updated) await this.updateAddresses(updated, meta);
    this.ctx.log.info(`Successfully initialized node ${name} with cloud provider`);
    if (!this.ctx.faulty('no-synced-event')) {
      this.recorder.event({ kind: 'Node', name, uid: node.metadata.uid, resourceVersion: node.metadata.resourceVersion }, 'Normal', 'Synced', 'Node synced successfully');
    }
  }

  /** The node modifiers of getNodeModifiersFromCloudProvider, applied to a copy. */
  private initialise(node: NodeObject, meta: InstanceMetadata): void {
    if (!node.spec?.providerID && meta.providerID && !this.ctx.faulty('provider-id-empty')) node.spec = { ...node.spec, providerID: meta.providerID };
    const labels = { ...node.metadata.labels };
    if (this.ctx.faulty('overwrites-user-label')) {
      // A stale mirror of the instance's tags is applied over the node's own labels.
      for (const key of Object.keys(labels)) if (!KUBERNETES_NAMESPACE.test(key)) labels[key] = 'cloud-value';
    }
    Object.assign(labels, wellKnownLabels(this.ctx.faulty('no-region-label') ? { ...meta, region: '' } : meta, !this.ctx.faulty('beta-zone-labels-only')));
    const additional = this.ctx.faulty('kubernetes-io-label') ? meta.additionalLabels : admissibleAdditionalLabels(labels, meta.additionalLabels);
    node.metadata.labels = { ...additional, ...labels };
  }

  /** updateNodeAddress: only initialised nodes, only when the list changes. */
  private async updateAddresses(node: NodeObject, meta: InstanceMetadata): Promise<void> {
    if (hasTaint(node, UNINITIALIZED_TAINT)) return;
    let addresses;
    try {
      addresses = desiredAddresses(node, meta.addresses, !this.ctx.faulty('ignores-provided-node-ip'));
    } catch (error) {
      this.ctx.log.warn(`Failed to update node addresses for node "${node.metadata.name}": ${(error as Error).message}`);
      return;
    }
    if (addresses.length === 0) return;
    if (this.ctx.faulty('internal-ip-as-hostname')) {
      addresses = addresses.map((a) => (a.type === 'InternalIP' ? { ...a, address: `ip-${a.address.replaceAll('.', '-')}.conformal.internal` } : a));
    }
    if (!addressesDiffer(node.status?.addresses, addresses)) return;
    await setNodeAddresses(this.ctx, node.metadata.name, addresses);
  }

  /** UpdateNodeStatus: the periodic address refresh of every initialised node. */
  private async updateNodeStatus(): Promise<void> {
    for (const node of this.ctx.nodes.list()) {
      if (hasTaint(node, UNINITIALIZED_TAINT)) continue;
      let meta;
      try {
        meta = this.metadata(node);
      } catch (error) {
        this.ctx.log.debug(`Error getting instance metadata for node addresses: ${errorMessage(error)}`);
        continue;
      }
      await this.updateAddresses(node, meta).catch((error: unknown) => this.ctx.log.warn(`Error patching node with cloud ip addresses: ${errorMessage(error)}`));
    }
  }

  private async reconcileLabels(name: string): Promise<void> {
    const node = this.ctx.nodes.get(name);
    if (!node || Object.keys(labelsToReconcile(node.metadata.labels)).length === 0) return;
    await updateNode(this.ctx, name, (n) => {
      const update = labelsToReconcile(n.metadata.labels);
      if (Object.keys(update).length === 0) return undefined;
      n.metadata.labels = { ...n.metadata.labels, ...update };
      return n;
    });
  }
}
