// The reference core Machine controller: finalizer and cluster-name label, owner references on
// the bootstrap config and InfraMachine, the bootstrap data secret and infrastructure surfaced on
// the Machine, the Node found by providerID, the phases Pending → Provisioning → Provisioned →
// Running, and deletion of the Node, InfraMachine and config before the finalizer goes.
import { CLUSTER_NAME_LABEL, CoreFinalizer, SET_NAME_LABEL, type CapiObject } from '../../interfaces/capi/well-known.js';
import { ensureMeta, ensureStatus, get, isPaused, Kinds, ownerRef, removeFinalizer, type RefContext } from './context.js';
import { ignoreNotFound, splitKey, withCondition } from './runtime.js';

export async function reconcileMachine(ctx: RefContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const machine = get(ctx, 'machine', namespace, name);
  if (!machine) return;
  const clusterName = machine.spec?.clusterName as string;
  const cluster = get(ctx, 'cluster', namespace, clusterName);
  if (isPaused(cluster, machine)) return;
  const infra = get(ctx, 'infraMachine', namespace, machine.spec?.infrastructureRef?.name);
  const configRef = machine.spec?.bootstrap?.configRef;
  const config = get(ctx, 'bootstrapConfig', namespace, configRef?.name);
  if (machine.metadata.deletionTimestamp) return deleteMachine(ctx, machine, infra, config);

  // A Machine of a MachineSet waits for the set to take it back; others belong to the Cluster.
  const adopt = cluster && !machine.metadata.ownerReferences?.some((r) => r.controller) && machine.metadata.labels?.[SET_NAME_LABEL] === undefined ? ownerRef(Kinds.cluster, cluster, false) : undefined;
  if (await ensureMeta(ctx, 'machine', machine, { finalizer: CoreFinalizer.machine, labels: { [CLUSTER_NAME_LABEL]: clusterName }, ...(adopt ? { owner: adopt } : {}) })) return;
  const refsOnce = ctx.faulty('owner-refs-once') && machine.status?.phase !== undefined;
  const labels = { [CLUSTER_NAME_LABEL]: clusterName };
  if (config && !refsOnce && (await ensureMeta(ctx, 'bootstrapConfig', config, { owner: ownerRef(Kinds.machine, machine, true), labels }))) return;
  if (infra && !refsOnce && (await ensureMeta(ctx, 'infraMachine', infra, { owner: ownerRef(Kinds.machine, machine, true), labels }))) return;

  // The providers are read by their contract (status.ready for v1beta1), as upstream core reads them.
  const dataSecretName = ctx.contract.bootstrapReady(config) ? (config!.status!.dataSecretName as string | undefined) : undefined;
  if (dataSecretName && machine.spec?.bootstrap?.dataSecretName !== dataSecretName) {
    await ctx.client.patch(Kinds.machine, namespace, name, { spec: { bootstrap: { dataSecretName } } });
    return;
  }
  const bootstrapReady = typeof machine.spec?.bootstrap?.dataSecretName === 'string';
  const infraReady = ctx.contract.infraReady(infra);
  const providerID = infraReady ? (infra!.spec?.providerID as string | undefined) : undefined;
  if (providerID && machine.spec?.providerID !== providerID) {
    await ctx.client.patch(Kinds.machine, namespace, name, { spec: { providerID } });
    return;
  }
  const nodeName = providerID && !ctx.faulty('no-node-ref') ? ctx.nodeByProviderID.get(providerID) : undefined;
  const node = nodeName ? ctx.nodes.get(nodeName) : undefined;
  const phase = node ? 'Running' : infraReady ? 'Provisioned' : bootstrapReady ? 'Provisioning' : 'Pending';
  const generation = machine.metadata.generation;
  let conditions = withCondition(machine.status?.conditions, { type: 'BootstrapConfigReady', status: bootstrapReady ? 'True' : 'False', reason: bootstrapReady ? 'Ready' : 'NotReady', message: '', observedGeneration: generation });
  conditions = withCondition(conditions, { type: 'InfrastructureReady', status: infraReady ? 'True' : 'False', reason: infraReady ? 'Ready' : 'NotReady', message: '', observedGeneration: generation });
  conditions = withCondition(conditions, { type: 'NodeHealthy', status: node ? 'True' : 'Unknown', reason: node ? 'NodeHealthy' : 'NodeDoesNotExist', message: '', observedGeneration: generation });
  await ensureStatus(ctx, 'machine', machine, {
    phase,
    initialization: { bootstrapDataSecretCreated: bootstrapReady, infrastructureProvisioned: infraReady },
    ...(infraReady && infra?.status?.addresses ? { addresses: infra.status.addresses } : {}),
    ...(infraReady && infra?.status?.failureDomain ? { failureDomain: infra.status.failureDomain } : {}),
    ...(node ? { nodeRef: { name: node.metadata.name } } : {}),
    conditions,
    observedGeneration: generation,
  });
}

async function deleteMachine(ctx: RefContext, machine: CapiObject, infra: CapiObject | undefined, config: CapiObject | undefined): Promise<void> {
  const { namespace, name } = machine.metadata as { namespace: string; name: string };
  if (machine.status?.phase !== 'Deleting') await ctx.client.patchStatus(Kinds.machine, namespace, name, { phase: 'Deleting' });
  const nodeName = machine.status?.nodeRef?.name as string | undefined;
  if (nodeName && ctx.nodes.get(nodeName)) {
    ctx.client.requests++;
    await ctx.client.kube.core.deleteNode({ name: nodeName }).catch(ignoreNotFound);
  }
  if (infra) {
    if (!infra.metadata.deletionTimestamp) await ctx.client.remove(Kinds.infraMachine, namespace, infra.metadata.name);
    return;
  }
  if (config) {
    if (!config.metadata.deletionTimestamp) await ctx.client.remove(Kinds.bootstrapConfig, namespace, config.metadata.name);
    return;
  }
  await removeFinalizer(ctx, 'machine', machine, CoreFinalizer.machine);
}
