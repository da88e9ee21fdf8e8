// The reference core Cluster controller: its finalizer, the owner reference on the InfraCluster and
// the ControlPlane, the InfraCluster's provisioned/endpoint/failure domains (read by the provider's
// contract) and the ControlPlane's initialization (and endpoint, when it owns one) surfaced on the
// Cluster, the phase, and on deletion everything of the Cluster removed before the finalizer goes.
import { failureDomainsOf } from '../../interfaces/capi/contract.js';
import { CLUSTER_NAME_LABEL, CoreFinalizer, ownerOfKind, type CapiObject } from '../../interfaces/capi/well-known.js';
import { ensureMeta, ensureStatus, get, Kinds, ownerRef, removeFinalizer, type KindName, type RefContext } from './context.js';
import { RefKinds } from './crds.js';
import { splitKey, withCondition } from './runtime.js';

/** Objects of `kind` labelled with the Cluster's name. */
export function ofCluster(ctx: RefContext, kind: KindName, namespace: string, cluster: string): CapiObject[] {
  return ctx.informers[kind].list().filter((o) => o.metadata.namespace === namespace && o.metadata.labels?.[CLUSTER_NAME_LABEL] === cluster);
}

export async function reconcileCluster(ctx: RefContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const cluster = get(ctx, 'cluster', namespace, name);
  if (!cluster) return;
  const infraName = cluster.spec?.infrastructureRef?.name as string | undefined;
  const infra = get(ctx, 'infraCluster', namespace, infraName);
  if (cluster.spec?.paused === true) {
    return ensureStatus(ctx, 'cluster', cluster, { conditions: withCondition(cluster.status?.conditions, { type: 'Paused', status: 'True', reason: 'Paused', message: '', observedGeneration: cluster.metadata.generation }) });
  }
  if (cluster.metadata.deletionTimestamp) return deleteCluster(ctx, cluster, infra);
  if (await ensureMeta(ctx, 'cluster', cluster, { finalizer: CoreFinalizer.cluster })) return;
  const controlPlane = get(ctx, 'controlPlane', namespace, cluster.spec?.controlPlaneRef?.name);
  if (!(ctx.faulty('owner-refs-once') && cluster.status?.phase)) {
    for (const [kind, o] of [['infraCluster', infra], ['controlPlane', controlPlane]] as const) {
      if (kind === 'controlPlane' && ctx.faulty('cp-owner-ref-once') && cluster.status?.phase) continue;
      if (o && (await ensureMeta(ctx, kind, o, { owner: ownerRef(Kinds.cluster, cluster, false), labels: { [CLUSTER_NAME_LABEL]: name } }))) return;
    }
  }
  // Read by the provider's contract, as upstream core reads it from the CRD label.
  const provisioned = ctx.contract.infraReady(infra);
  const endpoint = infra?.spec?.controlPlaneEndpoint;
  if (provisioned && endpoint?.host && !cluster.spec?.controlPlaneEndpoint?.host) {
    await ctx.client.patch(Kinds.cluster, namespace, name, { spec: { controlPlaneEndpoint: endpoint } });
  }
  const cpInitialized = controlPlane?.status?.initialization?.controlPlaneInitialized === true && !ctx.faulty('core-ignores-control-plane');
  const cpEndpoint = controlPlane?.spec?.controlPlaneEndpoint;
  if (cpInitialized && cpEndpoint?.host && !cluster.spec?.controlPlaneEndpoint?.host) {
    await ctx.client.patch(Kinds.cluster, namespace, name, { spec: { controlPlaneEndpoint: cpEndpoint } });
  }
  // The Cluster's (v1beta2) status lists failure domains: a v1beta1 provider's map is converted.
  const domains = failureDomainsOf(infra);
  const phase = !infraName ? 'Pending' : provisioned ? 'Provisioned' : infra ? 'Provisioning' : 'Pending';
  const generation = cluster.metadata.generation;
  let conditions = withCondition(cluster.status?.conditions, { type: 'Paused', status: 'False', reason: 'NotPaused', message: '', observedGeneration: generation });
  conditions = withCondition(conditions, { type: 'InfrastructureReady', status: provisioned ? 'True' : 'False', reason: provisioned ? 'Ready' : 'NotReady', message: '', observedGeneration: generation });
  if (cluster.spec?.controlPlaneRef) {
    conditions = withCondition(conditions, { type: 'ControlPlaneInitialized', status: cpInitialized ? 'True' : 'False', reason: cpInitialized ? 'Initialized' : 'NotInitialized', message: '', observedGeneration: generation });
    const available = controlPlane?.status?.conditions?.find((c: { type: string }) => c.type === 'Available');
    if (available) conditions = withCondition(conditions, { type: 'ControlPlaneAvailable', status: available.status, reason: available.reason ?? 'Available', message: available.message ?? '', observedGeneration: generation });
  }
  await ensureStatus(ctx, 'cluster', cluster, {
    phase,
    initialization: { infrastructureProvisioned: provisioned, controlPlaneInitialized: cpInitialized },
    ...(provisioned && domains ? { failureDomains: domains } : {}),
    conditions,
    observedGeneration: generation,
  });
}

async function deleteCluster(ctx: RefContext, cluster: CapiObject, infra: CapiObject | undefined): Promise<void> {
  const { namespace, name } = cluster.metadata as { namespace: string; name: string };
  if (cluster.status?.phase !== 'Deleting') await ctx.client.patchStatus(Kinds.cluster, namespace, name, { phase: 'Deleting' });
  if (!ctx.faulty('no-deletion-cascade')) {
    // Workers first, then the control plane (it deletes its own Machines), then what is left of the
    // Cluster's Machines, then its infrastructure.
    const remaining: Array<[KindName, CapiObject]> = [];
    const controlPlane = ctx.faulty('no-control-plane-cascade') ? undefined : get(ctx, 'controlPlane', namespace, cluster.spec?.controlPlaneRef?.name);
    // Under the fault the control plane's Machines are left to it, as the control plane is left.
    const ofControlPlane = (o: CapiObject) => ctx.faulty('no-control-plane-cascade') && ownerOfKind(o, RefKinds.controlPlane.kind) !== undefined;
    for (const kind of ['machineDeployment', 'machineSet', 'machine'] as const) for (const o of ofCluster(ctx, kind, namespace, name)) if (!ofControlPlane(o)) remaining.push([kind, o]);
    if (controlPlane) remaining.push(['controlPlane', controlPlane]);
    for (const [kind, o] of remaining) if (!o.metadata.deletionTimestamp) await ctx.client.remove(Kinds[kind], namespace, o.metadata.name);
    if (remaining.length) return;
    if (infra) {
      if (!infra.metadata.deletionTimestamp) await ctx.client.remove(Kinds.infraCluster, namespace, infra.metadata.name);
      return;
    }
  }
  await removeFinalizer(ctx, 'cluster', cluster, CoreFinalizer.cluster);
}
