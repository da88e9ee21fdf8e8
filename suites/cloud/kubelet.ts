// The suite plays the kubelet for the nodes it registers: an instance made through cloud-control,
// then a Node as a kubelet started with --cloud-provider=external creates it (the uninitialized
// taint, a Hostname address, Ready), its Lease renewed while the instance runs, so the CCM treats
// it exactly like a real node. Both are removed by the test's ledger, the Node first.
import { CoordinationV1Api, PatchStrategy, setHeaderOptions, V1MicroTime, type V1Node, type V1NodeCondition } from '@kubernetes/client-node';
import { raceSignal } from '../../src/core/deadline.js';
import { isNotFound } from '../../src/kube-kit/objects.js';
import { observe, type ResourceObserver } from '../../src/kube-kit/observe.js';
import { Resources } from '../../src/kube-kit/resource.js';
import { runLabels } from '../../src/kube-kit/run-labels.js';
import type { Instance } from '../../src/interfaces/cloud/cloud-control.js';
import { PROVIDED_NODE_IP, UNINITIALIZED_TAINT } from '../../src/interfaces/cloud/well-known.js';
import type { CloudContext } from './define.js';

const LEASE_NAMESPACE = 'kube-node-lease';
const HEARTBEAT_MS = 10_000;

export interface RegisterOptions {
  /** The kubelet's --node-ip: written as the provided-node-ip annotation. */
  readonly providedNodeIP?: string;
  /** Labels the node starts with (as --node-labels or an admin would set them). */
  readonly labels?: Record<string, string>;
  /** Give the node a pod CIDR of the cluster CIDR (the route controller's input); default true. */
  readonly podCidr?: boolean;
  readonly zone?: string;
  /** An instance made beforehand with createInstance (to learn its addresses first). */
  readonly instance?: Instance;
}

export interface RegisteredNode {
  readonly name: string;
  readonly instance: Instance;
  readonly podCidr?: string;
  /** Watches this node from before its creation: every version the API server wrote. */
  readonly observer: ResourceObserver<V1Node>;
  /** Sets the Ready condition as the kubelet (or, for Unknown, the node lifecycle controller) would. */
  setReady(status: 'True' | 'False' | 'Unknown'): Promise<void>;
  /** The current Node, or undefined once deleted. */
  current(): V1Node | undefined;
}

function readyCondition(status: 'True' | 'False' | 'Unknown'): V1NodeCondition {
  const now = new Date();
  const reason = status === 'True' ? 'KubeletReady' : status === 'False' ? 'KubeletNotReady' : 'NodeStatusUnknown';
  return { type: 'Ready', status, reason, message: `conformal set Ready=${status}`, lastHeartbeatTime: now, lastTransitionTime: now };
}

/** Creates a running instance whose ledger entry terminates it. */
export async function createInstance(ctx: CloudContext, nodeName: string, zone?: string): Promise<Instance> {
  const cloud = ctx.env.cloud!;
  const instance = await cloud.createInstance({ nodeName, ...(zone ? { zone } : {}) }, ctx.signal);
  ctx.ledger.add(`instance ${instance.id} (${nodeName})`, (signal) => cloud.deleteInstance(instance.id, signal));
  return instance;
}

async function renewLease(ctx: CloudContext, name: string, signal: AbortSignal): Promise<void> {
  const api = ctx.env.kc.makeApiClient(CoordinationV1Api);
  // renewTime is a MicroTime: kube-apiserver refuses a timestamp without six fractional digits.
  const renewTime = new V1MicroTime();
  try {
    // A patch: a Lease may not be replaced without its resourceVersion.
    await raceSignal(api.patchNamespacedLease({ name, namespace: LEASE_NAMESPACE, body: { spec: { renewTime } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)), signal, `renewing lease ${name}`);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const body = { metadata: { name, namespace: LEASE_NAMESPACE, labels: runLabels(ctx.env.runId, ctx.test.id) }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime } };
    await raceSignal(api.createNamespacedLease({ namespace: LEASE_NAMESPACE, body }), signal, `creating lease ${name}`);
  }
}

/** An instance and its Node, registered as the kubelet would; the test's ledger removes both. */
export async function registerNode(ctx: CloudContext, options: RegisterOptions = {}): Promise<RegisteredNode> {
  const instance = options.instance ?? (await createInstance(ctx, ctx.unique('node'), options.zone));
  const name = instance.nodeName;
  const observer = await observe<V1Node>(ctx.env.kc, Resources.nodes, ctx.ledger, { fieldSelector: `metadata.name=${name}` });
  const podCidr = options.podCidr === false ? undefined : ctx.env.nextPodCidr();
  const node: V1Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { ...options.labels, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...runLabels(ctx.env.runId, ctx.test.id) },
      ...(options.providedNodeIP ? { annotations: { [PROVIDED_NODE_IP]: options.providedNodeIP } } : {}),
    },
    spec: {
      taints: [{ key: UNINITIALIZED_TAINT, value: 'true', effect: 'NoSchedule' }],
      ...(podCidr ? { podCIDR: podCidr, podCIDRs: [podCidr] } : {}),
    },
  };
  const core = ctx.env.core;
  await raceSignal(core.createNode({ body: node }), ctx.signal, `registering node ${name}`);
  let heartbeat: NodeJS.Timeout | undefined;
  ctx.ledger.add(`node ${name}`, async (signal) => {
    clearInterval(heartbeat);
    await raceSignal(core.deleteNode({ name }), signal, `deleting node ${name}`).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    await raceSignal(ctx.env.kc.makeApiClient(CoordinationV1Api).deleteNamespacedLease({ name, namespace: LEASE_NAMESPACE }), signal, `deleting lease ${name}`).catch(() => undefined);
  });

  const setReady = async (status: 'True' | 'False' | 'Unknown') => {
    if (status === 'True') {
      await renewLease(ctx, name, ctx.signal);
      clearInterval(heartbeat);
      heartbeat = setInterval(() => void renewLease(ctx, name, ctx.signal).catch(() => undefined), HEARTBEAT_MS);
      heartbeat.unref();
    } else clearInterval(heartbeat);
    // Read-modify-write of the status, retried on conflict: the CCM writes the same object.
    for (;;) {
      const current = await raceSignal(core.readNodeStatus({ name }), ctx.signal, `reading node ${name}`);
      const conditions = (current.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
      const addresses = current.status?.addresses?.length ? current.status.addresses : [{ type: 'Hostname', address: name }];
      current.status = { ...current.status, conditions: [...conditions, readyCondition(status)], addresses };
      try {
        await raceSignal(core.replaceNodeStatus({ name, body: current }), ctx.signal, `setting Ready=${status} on ${name}`);
        return;
      } catch (error) {
        if (!(error instanceof Error && 'code' in error && (error as { code: number }).code === 409)) throw error;
      }
    }
  };
  await setReady('True');
  return { name, instance, ...(podCidr ? { podCidr } : {}), observer, setReady, current: () => observer.get(name) };
}

export function hasTaint(node: V1Node | undefined, key: string): boolean {
  return node?.spec?.taints?.some((t) => t.key === key) ?? false;
}

/** Waits for the CCM to initialise the node: the uninitialized taint gone. */
export function initialised(ctx: CloudContext, node: RegisteredNode): Promise<V1Node> {
  return node.observer.object(node.name, (n) => !hasTaint(n, UNINITIALIZED_TAINT), `node ${node.name} initialised (taint ${UNINITIALIZED_TAINT} removed)`, ctx.signal, (n) =>
    n ? `providerID="${n.spec?.providerID ?? ''}", taints=${JSON.stringify(n.spec?.taints ?? [])}` : 'node absent',
  );
}
