// The reference MachineSet and MachineDeployment controllers. A MachineSet keeps spec.replicas
// Machines, each with its InfraMachine and bootstrap config cloned from the templates of its
// machine template; a MachineDeployment keeps one MachineSet per template and scales it.
import { createHash } from 'node:crypto';
import { CLONED_FROM_KIND, CLONED_FROM_NAME, CLUSTER_NAME_LABEL, CoreFinalizer, DEPLOYMENT_NAME_LABEL, SET_NAME_LABEL, type CapiObject } from '../../interfaces/capi/well-known.js';
import { statusCode } from '../cloud/kube-client.js';
import { ensureMeta, ensureStatus, get, isPaused, Kinds, ownerRef, removeFinalizer, type KindName, type RefContext } from './context.js';
import { RefKinds } from './crds.js';
import { splitKey } from './runtime.js';

const selectorString = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');

export function owned(ctx: RefContext, kind: KindName, owner: CapiObject): CapiObject[] {
  return (ctx.owners[kind]?.owned(owner.metadata.uid) ?? [])
    .map((key): CapiObject | undefined => ctx.informers[kind].get(splitKey(key)[1], splitKey(key)[0]))
    .filter((o): o is CapiObject => o !== undefined && o.metadata.ownerReferences!.some((r) => r.uid === owner.metadata.uid && r.controller));
}

/** Children that carry the owner's name label but lost their controller reference are taken back. */
async function adopt(ctx: RefContext, kind: 'machineSet' | 'machineDeployment', owner: CapiObject, children: 'machine' | 'machineSet', label: string): Promise<boolean> {
  if (ctx.faulty('owner-refs-once')) return false;
  // Only when a child was seen without its controller: a scan per reconcile would be quadratic at scale.
  if (!ctx.orphaned.delete(`${kind}/${owner.metadata.namespace}/${owner.metadata.name}`)) return false;
  let adopted = false;
  for (const child of ctx.informers[children].list()) {
    if (child.metadata.namespace !== owner.metadata.namespace || child.metadata.labels?.[label] !== owner.metadata.name) continue;
    if (child.metadata.ownerReferences?.some((r) => r.controller) || child.metadata.deletionTimestamp) continue;
    adopted = (await ensureMeta(ctx, children, child, { owner: ownerRef(Kinds[kind], owner, true) })) || adopted;
  }
  return adopted;
}

/** Common first steps: pause, deletion of what it owns, finalizer, label and Cluster owner. */
async function prelude(ctx: RefContext, kind: 'machineSet' | 'machineDeployment', object: CapiObject, children: 'machine' | 'machineSet', finalizer: string): Promise<CapiObject[] | undefined> {
  const { namespace, name } = object.metadata as { namespace: string; name: string };
  const clusterName = object.spec?.clusterName as string;
  const cluster = get(ctx, 'cluster', namespace, clusterName);
  if (isPaused(cluster, object)) return undefined;
  const mine = owned(ctx, children, object);
  if (object.metadata.deletionTimestamp) {
    for (const child of mine) if (!child.metadata.deletionTimestamp) await ctx.client.remove(Kinds[children], namespace, child.metadata.name);
    if (mine.length === 0) await removeFinalizer(ctx, kind, object, finalizer);
    return undefined;
  }
  // A MachineSet of a MachineDeployment waits for it to take the set back; others belong to the Cluster.
  const byCluster = cluster && !object.metadata.ownerReferences?.some((r) => r.controller) && object.metadata.labels?.[DEPLOYMENT_NAME_LABEL] === undefined;
  const owner = byCluster ? ownerRef(Kinds.cluster, cluster, false) : undefined;
  if (await ensureMeta(ctx, kind, object, { finalizer, labels: { [CLUSTER_NAME_LABEL]: clusterName }, ...(owner ? { owner } : {}) })) return undefined;
  if (await adopt(ctx, kind, object, children, children === 'machine' ? SET_NAME_LABEL : DEPLOYMENT_NAME_LABEL)) return undefined;
  void name;
  return mine;
}

export async function reconcileMachineSet(ctx: RefContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const set = get(ctx, 'machineSet', namespace, name);
  if (!set) return;
  const machines = await prelude(ctx, 'machineSet', set, 'machine', CoreFinalizer.machineSet);
  if (!machines) return;
  const wanted = (set.spec?.replicas as number | undefined) ?? 1;
  const live = machines.filter((m) => !m.metadata.deletionTimestamp);
  // Machines created but not in the cache yet count too, or a quick second reconcile would make more.
  const pending = ctx.pendingCreates.get(set.metadata.uid!) ?? new Set<string>();
  for (const m of machines) pending.delete(m.metadata.name);
  for (let i = live.length + pending.size; i < wanted; i++) pending.add(await createMachine(ctx, set));
  if (pending.size) ctx.pendingCreates.set(set.metadata.uid!, pending);
  else ctx.pendingCreates.delete(set.metadata.uid!);
  if (live.length > wanted) {
    // Machines not yet Running go first, then the newest.
    const order = [...live].sort((a, b) => Number(a.status?.phase === 'Running') - Number(b.status?.phase === 'Running') || (b.metadata.name < a.metadata.name ? -1 : 1));
    for (const m of order.slice(0, live.length - wanted)) await ctx.client.remove(Kinds.machine, namespace, m.metadata.name);
  }
  const running = live.filter((m) => m.status?.phase === 'Running').length;
  await ensureStatus(ctx, 'machineSet', set, {
    selector: selectorString(set.spec?.selector?.matchLabels ?? {}),
    replicas: machines.length,
    readyReplicas: running,
    availableReplicas: running,
    upToDateReplicas: machines.length,
    observedGeneration: set.metadata.generation,
  });
}

async function createMachine(ctx: RefContext, set: CapiObject): Promise<string> {
  const namespace = set.metadata.namespace!;
  const clusterName = set.spec?.clusterName as string;
  const template = set.spec?.template ?? {};
  const name = `${set.metadata.name}-${Math.random().toString(36).slice(2, 7)}`;
  const labels = { ...(template.metadata?.labels ?? {}), [CLUSTER_NAME_LABEL]: clusterName, [SET_NAME_LABEL]: set.metadata.name, ...pick(set.metadata.labels, DEPLOYMENT_NAME_LABEL) };
  const infraRef = template.spec?.infrastructureRef;
  const configRef = template.spec?.bootstrap?.configRef;
  const machine = await ctx.client.create(Kinds.machine, namespace, {
    // Core's MachineSet controller creates Machines with the Machine finalizer already on.
    metadata: { name, namespace, labels, finalizers: [CoreFinalizer.machine], ownerReferences: [ownerRef(Kinds.machineSet, set, true)] },
    spec: {
      ...template.spec,
      clusterName,
      infrastructureRef: { apiGroup: RefKinds.infraMachine.group, kind: RefKinds.infraMachine.kind, name },
      ...(configRef ? { bootstrap: { configRef: { apiGroup: RefKinds.bootstrapConfig.group, kind: RefKinds.bootstrapConfig.kind, name } } } : {}),
    },
  });
  const owner = [ownerRef(Kinds.machine, machine, true)];
  await cloneFrom(ctx, 'infraMachineTemplate', 'infraMachine', namespace, infraRef?.name, name, labels, owner);
  if (configRef) await cloneFrom(ctx, 'bootstrapConfigTemplate', 'bootstrapConfig', namespace, configRef.name, name, labels, owner);
  return name;
}

/** A template's spec.template cloned into a new object, annotated with where it came from. */
export async function cloneFrom(ctx: RefContext, templateKind: KindName, kind: KindName, namespace: string, from: string | undefined, name: string, labels: Record<string, string>, ownerReferences: CapiObject['metadata']['ownerReferences']): Promise<void> {
  const template = get(ctx, templateKind, namespace, from);
  if (!template) throw new Error(`${Kinds[templateKind].kind} ${namespace}/${from} not found`);
  const t = template.spec?.template ?? {};
  const annotations = { ...(t.metadata?.annotations ?? {}), [CLONED_FROM_NAME]: template.metadata.name, [CLONED_FROM_KIND]: `${Kinds[templateKind].kind}.${Kinds[templateKind].group}` };
  await ctx.client
    .create(Kinds[kind], namespace, { metadata: { name, namespace, labels: { ...(t.metadata?.labels ?? {}), ...labels }, annotations, ownerReferences }, spec: t.spec ?? {} })
    .catch((error: unknown) => {
      if (statusCode(error) !== 409) throw error;
    });
}

const pick = (labels: Record<string, string> | undefined, key: string) => (labels?.[key] !== undefined ? { [key]: labels[key] } : {});

export async function reconcileMachineDeployment(ctx: RefContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const deployment = get(ctx, 'machineDeployment', namespace, name);
  if (!deployment) return;
  const sets = await prelude(ctx, 'machineDeployment', deployment, 'machineSet', CoreFinalizer.machineDeployment);
  if (!sets) return;
  const wanted = (deployment.spec?.replicas as number | undefined) ?? 1;
  const hash = createHash('sha256').update(JSON.stringify(deployment.spec?.template ?? {})).digest('hex').slice(0, 8);
  const setName = `${name}-${hash}`;
  const current = sets.find((s) => s.metadata.name === setName);
  if (!current) {
    const clusterName = deployment.spec?.clusterName as string;
    const selector = deployment.spec?.selector ?? { matchLabels: { [DEPLOYMENT_NAME_LABEL]: name } };
    await ctx.client.create(Kinds.machineSet, namespace, {
      metadata: { name: setName, namespace, labels: { [CLUSTER_NAME_LABEL]: clusterName, [DEPLOYMENT_NAME_LABEL]: name }, ownerReferences: [ownerRef(Kinds.machineDeployment, deployment, true)] },
      spec: { clusterName, replicas: wanted, selector, template: deployment.spec?.template },
    });
  } else if (current.spec?.replicas !== wanted) {
    await ctx.client.patch(Kinds.machineSet, namespace, setName, { spec: { replicas: wanted } });
  }
  // Sets of older templates are scaled away (a recreate rollout).
  for (const old of sets) if (old.metadata.name !== setName && !old.metadata.deletionTimestamp) await ctx.client.remove(Kinds.machineSet, namespace, old.metadata.name);
  const replicas = sets.reduce((n, s) => n + ((s.status?.replicas as number | undefined) ?? 0), 0);
  const ready = sets.reduce((n, s) => n + ((s.status?.readyReplicas as number | undefined) ?? 0), 0);
  await ensureStatus(ctx, 'machineDeployment', deployment, {
    selector: selectorString(deployment.spec?.selector?.matchLabels ?? {}),
    replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    upToDateReplicas: current?.status?.replicas ?? 0,
    phase: replicas < wanted ? 'ScalingUp' : replicas > wanted ? 'ScalingDown' : ready === wanted ? 'Running' : 'ScalingUp',
    observedGeneration: deployment.metadata.generation,
  });
}
