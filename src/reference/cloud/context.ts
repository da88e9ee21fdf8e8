// What every reference controller is given: the API client and shared informers, the cloud, the
// fault predicate, the periods, and the read-modify-write helpers for Nodes they share.
import type { KubernetesObject, V1Node } from '@kubernetes/client-node';
import type { CloudFaultName } from './faults.js';
import type { Cidr } from './ip.js';
import { MERGE_PATCH, retryOnConflict, STRATEGIC_PATCH, type KubeClient, type Logger, type SharedInformer } from './kube-client.js';
import { nowTimestamp, setTaints, type Condition, type NodeObject, type ServiceObject, type Taint } from './kube-types.js';
import type { CloudModel, Instance } from './model.js';
import type { ReferenceCloudTiming } from './options.js';

export interface ControllerContext {
  client: KubeClient;
  cloud: CloudModel;
  nodes: SharedInformer<NodeObject & KubernetesObject>;
  services: SharedInformer<ServiceObject & KubernetesObject>;
  faulty: (name: CloudFaultName) => boolean;
  timing: ReferenceCloudTiming;
  clusterCIDR: Cidr;
  log: Logger;
}

/** A periodic task; runs never overlap, and the returned stop waits for a run in progress. */
export function every(ms: number, task: () => Promise<void>, log: Logger): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= task()
      .catch((error: unknown) => log.warn(`periodic task failed: ${(error as Error).message}`))
      .finally(() => {
        running = undefined;
      });
  }, ms);
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** The instance behind a node: by spec.providerID when set, else by node name (InstancesV2 lookup). */
export function instanceOf(cloud: CloudModel, node: NodeObject): Instance | undefined {
  const providerID = node.spec?.providerID;
  return providerID ? cloud.instanceByProviderID(providerID) : cloud.instanceByNodeName(node.metadata.name);
}

/** The freshest copy: the informer's first, the server's after a conflict. */
async function readNode(ctx: ControllerContext, name: string, fresh: boolean): Promise<NodeObject | undefined> {
  if (!fresh) return ctx.nodes.get(name);
  return JSON.parse(JSON.stringify(await ctx.client.core.readNode({ name }))) as NodeObject;
}

/**
 * Read-modify-write of a Node's main resource: `modify` returns the changed copy (or undefined for
 * no change), which is PUT with its resourceVersion; a conflict reads the Node again and retries.
 */
export async function updateNode(ctx: ControllerContext, name: string, modify: (node: NodeObject) => NodeObject | undefined): Promise<NodeObject | undefined> {
  let fresh = false;
  return retryOnConflict(async () => {
    const current = await readNode(ctx, name, fresh);
    fresh = true;
    const next = current && modify(structuredClone(current));
    if (!next) return undefined;
    return JSON.parse(JSON.stringify(await ctx.client.core.replaceNode({ name, body: next as unknown as V1Node }))) as NodeObject;
  });
}

/** Sets spec.taints to what `change` makes of them (undefined: leave them). */
export function changeTaints(ctx: ControllerContext, name: string, change: (taints: Taint[]) => Taint[] | undefined): Promise<NodeObject | undefined> {
  return updateNode(ctx, name, (node) => {
    const taints = change(node.spec?.taints ?? []);
    if (!taints) return undefined;
    setTaints(node, taints);
    return node;
  });
}

/** nodeutil.SetNodeCondition: a strategic merge patch of one condition on nodes/status. */
export async function setNodeCondition(ctx: ControllerContext, name: string, condition: Omit<Condition, 'lastHeartbeatTime' | 'lastTransitionTime'>): Promise<void> {
  const now = nowTimestamp();
  const body = { status: { conditions: [{ ...condition, lastHeartbeatTime: now, lastTransitionTime: now }] } };
  await ctx.client.core.patchNodeStatus({ name, body }, STRATEGIC_PATCH);
}

/** Replaces status.addresses (a merge patch replaces the list whole). */
export async function setNodeAddresses(ctx: ControllerContext, name: string, addresses: unknown[]): Promise<void> {
  await ctx.client.core.patchNodeStatus({ name, body: { status: { addresses } } }, MERGE_PATCH);
}
