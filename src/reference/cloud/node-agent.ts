// The standing nodes' kubelets (started with --cloud-provider=external) and the part of
// kube-controller-manager's node lifecycle the cloud suite relies on: registration with the
// uninitialized taint, a Hostname address, Ready, pod CIDRs and a renewed Lease; Ready=Unknown while
// the instance is stopped or gone, Ready=True when it runs again. Instances created through
// cloud-control are not the agent's: the suite plays their kubelet.
import type { V1Lease, V1Node } from '@kubernetes/client-node';
import { every, type ControllerContext } from './context.js';
import { formatCidr, subnet } from './ip.js';
import { errorMessage, STRATEGIC_PATCH } from './kube-client.js';
import { nowTimestamp, PROVIDED_NODE_IP, UNINITIALIZED_TAINT, type Condition } from './kube-types.js';
import type { Instance } from './model.js';

const LEASE_NAMESPACE = 'kube-node-lease';

/** A Lease's renewTime is a MicroTime: RFC 3339 with six fractional digits. */
function microTime(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function readyCondition(ready: boolean): Condition {
  const now = nowTimestamp();
  return ready
    ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }
    : { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: now, lastTransitionTime: now };
}

export function standingNodeName(index: number): string {
  return `conformal-node-${index}`;
}

export class NodeAgent {
  /** node name → its instance, for the standing nodes only. */
  private readonly standing = new Map<string, Instance>();
  private stopTimer: (() => Promise<void>) | undefined;
  private tail: Promise<void> = Promise.resolve();
  private readonly onInstance = (instance: Instance) => {
    if (this.standing.get(instance.nodeName) !== instance) return;
    // Status writes happen in the order of the instance's changes.
    this.tail = this.tail.then(() => this.postReady(instance.nodeName, instance.state === 'running')).catch((error: unknown) => {
      this.ctx.log.warn(`node agent: could not post the status of ${instance.nodeName}: ${errorMessage(error)}`);
    });
  };

  constructor(
    private readonly ctx: Pick<ControllerContext, 'client' | 'cloud' | 'clusterCIDR' | 'timing' | 'log'>,
    private readonly count: number,
  ) {}

  /** Creates the standing instances and registers their Nodes and Leases. */
  async start(): Promise<string[]> {
    const { cloud } = this.ctx;
    cloud.on('instance', this.onInstance);
    const names: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const name = standingNodeName(i);
      const instance = cloud.createInstance({ nodeName: name, zone: cloud.zones[i % cloud.zones.length] });
      this.standing.set(name, instance);
      names.push(name);
    }
    await Promise.all(names.map((name, i) => this.register(name, i)));
    this.stopTimer = every(this.ctx.timing.leaseRenewMs, () => this.renewLeases(), this.ctx.log);
    return names;
  }

  async close(): Promise<void> {
    this.ctx.cloud.off('instance', this.onInstance);
    await this.stopTimer?.();
    await this.tail;
  }

  private async register(name: string, index: number): Promise<void> {
    const instance = this.standing.get(name)!;
    const podCIDR = formatCidr(subnet(this.ctx.clusterCIDR, 24, index));
    const primary = instance.addresses.find((a) => a.type === 'InternalIP')!.address;
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
        // kubelet --node-ip with an external cloud provider leaves the choice to the CCM through this.
        annotations: { [PROVIDED_NODE_IP]: primary },
      },
      spec: { podCIDR, podCIDRs: [podCIDR], taints: [{ key: UNINITIALIZED_TAINT, value: 'true', effect: 'NoSchedule' }] },
      status: {
        addresses: [{ type: 'Hostname', address: name }],
        conditions: [readyCondition(true)],
        nodeInfo: { kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'conformal://1.0', osImage: 'conformal', kernelVersion: '', machineID: '', systemUUID: '', bootID: '' },
      },
    };
    const created = await this.ctx.client.core.createNode({ body: node as unknown as V1Node });
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: LEASE_NAMESPACE, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: created.metadata!.uid! }] },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime() },
    };
    await this.ctx.client.coordination.createNamespacedLease({ namespace: LEASE_NAMESPACE, body: lease as unknown as V1Lease });
  }

  private async postReady(name: string, ready: boolean): Promise<void> {
    await this.ctx.client.core.patchNodeStatus({ name, body: { status: { conditions: [readyCondition(ready)] } } }, STRATEGIC_PATCH);
  }

  /** The kubelets of running standing instances renew their Leases; stopped ones do not. */
  private async renewLeases(): Promise<void> {
    for (const [name, instance] of this.standing) {
      if (instance.state !== 'running') continue;
      await this.ctx.client.coordination
        .patchNamespacedLease({ name, namespace: LEASE_NAMESPACE, body: { spec: { renewTime: microTime() } } }, STRATEGIC_PATCH)
        .catch((error: unknown) => this.ctx.log.debug(`node agent: lease of ${name} not renewed: ${errorMessage(error)}`));
    }
  }
}
