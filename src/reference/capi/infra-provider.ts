// The reference infrastructure provider: ConformalCluster and ConformalMachine backed by an
// in-memory cloud with small provisioning delays. It follows the v1beta2 contract, or the v1beta1
// one when the reference serves that (status.ready, failure domains as a map, v1beta1 conditions
// with the v1beta2 ones under status.v1beta2): act only once
// core's owner reference is there, respect pause, report provisioned with the endpoint, failure
// domains, providerID and addresses, clean the cloud up behind a finalizer. Like upstream's
// in-memory backend it also plays the machine's kubelet: a Node with the providerID appears.
import type { V1Node } from '@kubernetes/client-node';
import { CLONED_FROM_NAME, CLUSTER_NAME_LABEL, ownerOfKind, type CapiObject, type Condition } from '../../interfaces/capi/well-known.js';
import { statusCode } from '../cloud/kube-client.js';
import { ensureMeta, ensureStatus, get, isPaused, Kinds, removeFinalizer, type RefContext } from './context.js';
import { ignoreNotFound, splitKey, withCondition } from './runtime.js';

export const INFRA_CLUSTER_FINALIZER = 'conformalcluster.infrastructure.conformal.io';
export const INFRA_MACHINE_FINALIZER = 'conformalmachine.infrastructure.conformal.io';
export const FAILURE_DOMAINS = ['zone-a', 'zone-b', 'zone-c'];

/** The v1beta2 conditions (metav1): Paused False and Ready, kept in `conditions`. */
const ready = (conditions: Condition[] | undefined, object: CapiObject, ok: boolean, reason: string): Condition[] =>
  withCondition(withCondition(conditions, { type: 'Paused', status: 'False', reason: 'NotPaused', message: '', observedGeneration: object.metadata.generation }), {
    type: 'Ready',
    status: ok ? 'True' : 'False',
    reason,
    message: '',
    observedGeneration: object.metadata.generation,
  });

/** The provider writes the v1beta1 shapes: the v1beta1 reference, unless a fault makes it write the v1beta2 ones. */
export const writesV1beta1 = (ctx: RefContext) => ctx.contract.version === 'v1beta1' && !ctx.faulty('v1beta2-fields');

/**
 * The conditions part of a status, as the contract writes it. v1beta2: metav1 Conditions in
 * status.conditions. v1beta1: Cluster API v1beta1 conditions there (a False one with a severity
 * and reason, a True one with neither), the metav1 ones under status.v1beta2.conditions.
 */
export function conditionsStatus(ctx: RefContext, object: CapiObject, ok: boolean, reason: string): Record<string, unknown> {
  if (!writesV1beta1(ctx)) return { conditions: ready(object.status?.conditions, object, ok, reason) };
  const v1beta1 = ok ? { type: 'Ready', status: 'True' } : { type: 'Ready', status: 'False', severity: 'Info', reason };
  let conditions = withCondition(object.status?.conditions, v1beta1 as Omit<Condition, 'lastTransitionTime'>);
  if (ok && ctx.faulty('condition-severity-on-true')) conditions = conditions.map((c) => (c.type === 'Ready' ? { type: c.type, status: c.status, severity: 'Error' } : c));
  return { conditions, v1beta2: { conditions: ready(object.status?.v1beta2?.conditions, object, ok, reason) } };
}

/** The ready signal of the contract the provider writes. */
const readySignal = (ctx: RefContext) => (writesV1beta1(ctx) ? { ready: true } : { initialization: { provisioned: true } });
/** Whether the provider already reported its object provisioned, by either contract's signal. */
const reportedReady = (o: CapiObject) => o.status?.initialization?.provisioned === true || o.status?.ready === true;

async function markPaused(ctx: RefContext, kind: 'infraCluster' | 'infraMachine', object: CapiObject): Promise<void> {
  const paused = { type: 'Paused', status: 'True', reason: 'Paused', message: 'the Cluster or the object is paused', observedGeneration: object.metadata.generation };
  if (writesV1beta1(ctx)) return ensureStatus(ctx, kind, object, { v1beta2: { conditions: withCondition(object.status?.v1beta2?.conditions, paused) } });
  await ensureStatus(ctx, kind, object, { conditions: withCondition(object.status?.conditions, paused) });
}

/** The transient-failure-reason fault: a terminal failure reported while the cloud is merely busy. */
const transientFailure = (ctx: RefContext, object: CapiObject, busy: boolean) => {
  if (!ctx.faulty('transient-failure-reason')) return {};
  return busy ? { failureReason: 'CreateError' } : object.status?.failureReason !== undefined ? { failureReason: null } : {};
};

/** The hot-loop fault: a status that changes on every reconcile, and a requeue. */
async function hotLoop(ctx: RefContext, kind: 'infraCluster' | 'infraMachine', object: CapiObject, queue: string): Promise<void> {
  await ctx.client.patchStatus(Kinds[kind], object.metadata.namespace!, object.metadata.name, { lastSyncTime: new Date().toISOString() });
  ctx.queues[queue]!.addAfter(`${object.metadata.namespace}/${object.metadata.name}`, 10);
}

export async function reconcileInfraCluster(ctx: RefContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const infra = get(ctx, 'infraCluster', namespace, name);
  if (!infra) return;
  const owner = ownerOfKind(infra, 'Cluster');
  if (!owner && !ctx.faulty('acts-before-owner')) return;
  const cluster = get(ctx, 'cluster', namespace, owner?.name);
  if (isPaused(cluster, infra) && !ctx.faulty('ignores-pause')) return markPaused(ctx, 'infraCluster', infra);
  if (infra.metadata.deletionTimestamp) {
    ctx.cloud.clusters.delete(key);
    if (!ctx.faulty('keeps-finalizer')) await removeFinalizer(ctx, 'infraCluster', infra, INFRA_CLUSTER_FINALIZER);
    return;
  }
  const provisioned = reportedReady(infra);
  if (!(ctx.faulty('finalizer-added-once') && provisioned) && (await ensureMeta(ctx, 'infraCluster', infra, { finalizer: INFRA_CLUSTER_FINALIZER }))) return;
  if (provisioned) {
    if (ctx.faulty('hot-loop')) await hotLoop(ctx, 'infraCluster', infra, 'infraCluster');
    return;
  }
  let made = ctx.cloud.clusters.get(key);
  if (!made) ctx.cloud.clusters.set(key, (made = { readyAt: Date.now() + ctx.timing.infraClusterMs }));
  if (Date.now() < made.readyAt) {
    if (ctx.faulty('transient-failure-reason')) await ensureStatus(ctx, 'infraCluster', infra, transientFailure(ctx, infra, true));
    return ctx.queues.infraCluster!.addAfter(key, made.readyAt - Date.now());
  }

  const endpoint = { host: '127.0.0.1', port: 6443 };
  const setEndpoint = async () => {
    if (!infra.spec?.controlPlaneEndpoint?.host) await ctx.client.patch(Kinds.infraCluster, namespace, name, { spec: { controlPlaneEndpoint: endpoint } });
  };
  if (ctx.faulty('v1beta1-fields')) {
    await setEndpoint();
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await ensureStatus(ctx, 'infraCluster', infra, {
      ready: true,
      failureDomains: Object.fromEntries(FAILURE_DOMAINS.map((n) => [n, { controlPlane: true }])),
      conditions: [{ type: 'Ready', status: 'True', severity: '', lastTransitionTime: at }],
    });
    return;
  }
  const domains = FAILURE_DOMAINS.map((n) => ({ name: n, controlPlane: true, attributes: { region: 'conformal-1' } }));
  const status = {
    ...readySignal(ctx),
    // v1beta1: a map name → {controlPlane, attributes}; v1beta2: a list.
    failureDomains: writesV1beta1(ctx) && !ctx.faulty('failure-domains-list') ? Object.fromEntries(domains.map(({ name, ...d }) => [name, d])) : domains,
    ...conditionsStatus(ctx, infra, true, 'Provisioned'),
    ...transientFailure(ctx, infra, false),
  };
  if (ctx.faulty('provisioned-before-endpoint')) {
    await ensureStatus(ctx, 'infraCluster', infra, status);
    await setEndpoint();
    return;
  }
  await setEndpoint();
  await ensureStatus(ctx, 'infraCluster', infra, status);
}

const providerIdOf = (key: string, n = 0) => `conformal://${key}${n ? `-${n}` : ''}`;
export const nodeNameOf = (key: string) => key.replace('/', '-');

export async function reconcileInfraMachine(ctx: RefContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const infra = get(ctx, 'infraMachine', namespace, name);
  if (!infra) return;
  const owner = ownerOfKind(infra, 'Machine');
  if (!owner && !ctx.faulty('acts-before-owner')) return;
  const machine = get(ctx, 'machine', namespace, owner?.name);
  const clusterName = machine?.spec?.clusterName ?? infra.metadata.labels?.[CLUSTER_NAME_LABEL];
  const cluster = get(ctx, 'cluster', namespace, clusterName);
  if (isPaused(cluster, infra) && !ctx.faulty('ignores-pause')) return markPaused(ctx, 'infraMachine', infra);
  if (infra.metadata.deletionTimestamp) {
    if (!ctx.faulty('leaks-cloud-machine')) ctx.cloud.machines.delete(key);
    await ctx.client.kube.core.deleteNode({ name: nodeNameOf(key) }).catch(ignoreNotFound);
    if (!ctx.faulty('keeps-finalizer')) await removeFinalizer(ctx, 'infraMachine', infra, INFRA_MACHINE_FINALIZER);
    return;
  }
  const provisioned = reportedReady(infra);
  if (!(ctx.faulty('finalizer-added-once') && provisioned) && (await ensureMeta(ctx, 'infraMachine', infra, { finalizer: INFRA_MACHINE_FINALIZER }))) return;
  if (ctx.faulty('mutable-template')) await followTemplate(ctx, infra);
  if (provisioned) return afterProvisioned(ctx, key, infra);

  const infraReady = cluster?.status?.initialization?.infrastructureProvisioned === true;
  const dataReady = typeof machine?.spec?.bootstrap?.dataSecretName === 'string';
  if (!ctx.faulty('no-bootstrap-wait') && (!infraReady || !dataReady)) {
    const reason = infraReady ? 'WaitingForBootstrapData' : 'WaitingForClusterInfrastructure';
    return ensureStatus(ctx, 'infraMachine', infra, conditionsStatus(ctx, infra, false, reason));
  }
  let made = ctx.cloud.machines.get(key);
  if (!made) ctx.cloud.machines.set(key, (made = { readyAt: Date.now() + ctx.timing.infraMachineMs, providerID: providerIdOf(key), reminted: false, ip: ctx.cloud.nextIp() }));
  if (Date.now() < made.readyAt) {
    if (ctx.faulty('transient-failure-reason')) await ensureStatus(ctx, 'infraMachine', infra, transientFailure(ctx, infra, true));
    return ctx.queues.infraMachine!.addAfter(key, made.readyAt - Date.now());
  }
  if (!infra.spec?.providerID) await ctx.client.patch(Kinds.infraMachine, namespace, name, { spec: { providerID: made.providerID } });
  // Placed where the Machine asks; the ignores-failure-domain fault places it in the last domain instead.
  const failureDomain = ctx.faulty('ignores-failure-domain') ? FAILURE_DOMAINS.at(-1) : machine?.spec?.failureDomain;
  await ensureStatus(ctx, 'infraMachine', infra, {
    ...readySignal(ctx),
    addresses: [
      { type: ctx.faulty('bad-address-type') ? 'IP' : 'InternalIP', address: made.ip },
      { type: 'Hostname', address: nodeNameOf(key) },
    ],
    ...(failureDomain ? { failureDomain } : {}),
    ...conditionsStatus(ctx, infra, true, 'Provisioned'),
    ...transientFailure(ctx, infra, false),
  });
  ctx.queues.infraMachine!.addAfter(key, ctx.timing.nodeMs);
}

async function afterProvisioned(ctx: RefContext, key: string, infra: CapiObject): Promise<void> {
  const made = ctx.cloud.machines.get(key);
  if (made && ctx.faulty('provider-id-changes') && !made.reminted) {
    made.reminted = true;
    made.providerID = providerIdOf(key, 2);
    await ctx.client.patch(Kinds.infraMachine, infra.metadata.namespace!, infra.metadata.name, { spec: { providerID: made.providerID } });
    return;
  }
  await ensureNode(ctx, key, infra);
  if (ctx.faulty('hot-loop')) await hotLoop(ctx, 'infraMachine', infra, 'infraMachine');
}

/** The machine's kubelet: a Ready Node with the machine's providerID. */
async function ensureNode(ctx: RefContext, key: string, infra: CapiObject): Promise<void> {
  const name = nodeNameOf(key);
  if (ctx.nodes.get(name)) return;
  const now = new Date().toISOString();
  const node: V1Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { providerID: infra.spec?.providerID },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now as unknown as Date, lastTransitionTime: now as unknown as Date }] },
  };
  ctx.client.requests++;
  await ctx.client.kube.core.createNode({ body: node }).catch((error: unknown) => {
    if (statusCode(error) !== 409) throw error;
  });
}

/** The mutable-template fault: existing clones get the template's spec again. */
async function followTemplate(ctx: RefContext, infra: CapiObject): Promise<void> {
  const from = infra.metadata.annotations?.[CLONED_FROM_NAME];
  const template = get(ctx, 'infraMachineTemplate', infra.metadata.namespace!, from);
  const wanted = template?.spec?.template?.spec ?? {};
  const drift = Object.entries(wanted).filter(([k, v]) => JSON.stringify(infra.spec?.[k]) !== JSON.stringify(v));
  if (drift.length === 0) return;
  await ctx.client.patch(Kinds.infraMachine, infra.metadata.namespace!, infra.metadata.name, { spec: Object.fromEntries(drift) });
}
