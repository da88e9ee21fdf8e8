// Building what a control-plane test needs the way Cluster API core would: a Cluster over the
// infrastructure provider under test, referencing a ControlPlane made from the provider's spec,
// owned by the Cluster and labelled with its name; for a machine-based control plane an
// InfraMachineTemplate from the infrastructure provider's spec that spec.machineTemplate points at.
import { CoreKinds, PAUSED_ANNOTATION, CLUSTER_NAME_LABEL, type KindRef } from '../../src/interfaces/capi/well-known.js';
import type { TemplateMeta } from '../../src/interfaces/capi/validate.js';
import type { CapiContext } from './define.js';
import { create, describe, namespace, newCluster, ownerRefTo, patch, provisionedCluster, templateMeta, watch, type ClusterScene, type Obj, type Observer } from './fixtures.js';

/** spec.version conformal puts on a ControlPlane whose template names none, when its CRD has spec.version. */
export const DEFAULT_VERSION = 'v1.34.2';

export const isInitialized = (o: Obj | undefined) => o?.status?.initialization?.controlPlaneInitialized === true;

export interface ControlPlaneScene extends ClusterScene {
  readonly cpName: string;
  readonly controlPlanes: Observer;
  readonly machines: Observer;
}

export type Observers = Pick<ControlPlaneScene, 'clusters' | 'infraClusters' | 'controlPlanes' | 'machines'>;

export interface ControlPlaneOptions {
  /** false: no owner reference and no controlPlaneRef, so nobody sets an owner. */
  readonly owned?: boolean;
  /** Cluster: spec.paused set once its infrastructure is provisioned; annotation: the ControlPlane carries the paused annotation. */
  readonly paused?: 'cluster' | 'annotation';
  /** The InfraCluster carries the paused annotation, so the Cluster gets neither infrastructure nor endpoint. */
  readonly infraPaused?: boolean;
  readonly replicas?: number;
  readonly observers?: Observers;
  /** In place of the provider's spec and template metadata: e.g. a ControlPlaneTemplate's spec.template, as the topology controller clones it. */
  readonly base?: TemplateMeta & { readonly spec: Readonly<Record<string, unknown>> };
}

const refTo = (kind: KindRef, name: string) => ({ apiGroup: kind.group, kind: kind.kind, name });

export async function controlPlaneObservers(ctx: CapiContext, ns: string): Promise<Observers> {
  const [clusters, infraClusters, controlPlanes, machines] = await Promise.all([watch(ctx, CoreKinds.cluster, ns), watch(ctx, ctx.env.infra!.cluster, ns), watch(ctx, ctx.env.controlPlane!.controlPlane, ns), watch(ctx, CoreKinds.machine, ns)]);
  return { clusters, infraClusters, controlPlanes, machines };
}

/** The provider's spec with what the CRD declares and the spec lacks: the machine template's infrastructureRef, replicas, version. */
async function controlPlaneSpec(ctx: CapiContext, ns: string, name: string, replicas: number | undefined, base = ctx.env.controlPlane!.spec): Promise<Record<string, unknown>> {
  const { controlPlane, infra } = ctx.env;
  const spec = structuredClone(base) as Record<string, any>;
  if (controlPlane!.shape.machines && infra!.machineTemplate) {
    await create(ctx, infra!.machineTemplate, ns, { metadata: { name }, spec: { template: { metadata: templateMeta(infra!.machineMeta), spec: structuredClone(infra!.machineSpec) } } });
    spec.machineTemplate = { ...spec.machineTemplate, spec: { ...spec.machineTemplate?.spec, infrastructureRef: refTo(infra!.machineTemplate, name) } };
  }
  if (controlPlane!.shape.replicas && (replicas !== undefined || spec.replicas === undefined)) spec.replicas = replicas ?? 1;
  if (controlPlane!.shape.version && spec.version === undefined) spec.version = DEFAULT_VERSION;
  return spec;
}

/** A Cluster (infrastructure provisioned unless infraPaused) with a ControlPlane of the provider under test. */
export async function newControlPlane(ctx: CapiContext, ns: string, options: ControlPlaneOptions = {}): Promise<ControlPlaneScene> {
  const cpKind = ctx.env.controlPlane!.controlPlane;
  const observers = options.observers ?? (await controlPlaneObservers(ctx, ns));
  const scene = await newCluster(ctx, ns, { ...(options.infraPaused ? { pausedAnnotation: true } : {}), scene: observers });
  const clusterName = scene.cluster.metadata.name;
  if (!options.infraPaused) await provisionedCluster(ctx, scene);
  if (options.paused === 'cluster') await patch(ctx, CoreKinds.cluster, ns, clusterName, { spec: { paused: true } });
  const cpName = clusterName;
  const owned = options.owned !== false;
  let cluster = scene.cluster;
  if (owned) cluster = await patch(ctx, CoreKinds.cluster, ns, clusterName, { spec: { controlPlaneRef: refTo(cpKind, cpName) } });
  await create(ctx, cpKind, ns, {
    metadata: {
      name: cpName,
      ...templateMeta(options.base ?? ctx.env.controlPlane!.meta, { labels: { [CLUSTER_NAME_LABEL]: clusterName }, ...(options.paused === 'annotation' ? { annotations: { [PAUSED_ANNOTATION]: '' } } : {}) }),
      ...(owned ? { ownerReferences: [ownerRefTo(CoreKinds.cluster, scene.cluster, false)] } : {}),
    },
    spec: await controlPlaneSpec(ctx, ns, cpName, options.replicas, options.base?.spec),
  });
  return { ...scene, cluster, cpName, controlPlanes: observers.controlPlanes, machines: observers.machines };
}

export function initialized(ctx: CapiContext, scene: ControlPlaneScene): Promise<Obj> {
  return scene.controlPlanes.object(scene.cpName, isInitialized, 'status.initialization.controlPlaneInitialized: true', ctx.signal, describe);
}

/** A fresh Cluster with an initialized control plane. */
export async function initializedControlPlane(ctx: CapiContext, ns: string, options: ControlPlaneOptions = {}): Promise<{ scene: ControlPlaneScene; cp: Obj }> {
  const scene = await newControlPlane(ctx, ns, options);
  return { scene, cp: await initialized(ctx, scene) };
}

/** A witness for "never happens": a fresh control plane initialized meanwhile, so the provider worked through its queue. */
export async function controlPlaneWitness(ctx: CapiContext, ns: string, observers: Observers): Promise<void> {
  await initializedControlPlane(ctx, ns, { observers });
}

/**
 * A control plane in a namespace of its own, its observers watching from before it was made, and
 * `witness()` for "never happens" checks in that namespace.
 */
export async function observedControlPlane(ctx: CapiContext, options: Omit<ControlPlaneOptions, 'observers'> = {}): Promise<{ scene: ControlPlaneScene; witness: () => Promise<void> }> {
  const ns = await namespace(ctx);
  const observers = await controlPlaneObservers(ctx, ns);
  const scene = await newControlPlane(ctx, ns, { ...options, observers });
  return { scene, witness: () => controlPlaneWitness(ctx, ns, observers) };
}

/** Machines whose controller is the control plane. */
export function machinesOf(scene: Pick<ControlPlaneScene, 'machines'>, cp: Obj): Obj[] {
  return [...scene.machines.latest.values()].filter((m) => m.metadata.ownerReferences?.some((r) => r.controller && r.uid === cp.metadata.uid));
}

/** A label selector in its string form (equality and existence terms), or undefined when it uses anything else. */
export function selectorMatcher(selector: string): ((labels: Record<string, string> | undefined) => boolean) | undefined {
  const terms = selector.split(',').map((t) => t.trim()).filter(Boolean);
  const checks: Array<(l: Record<string, string>) => boolean> = [];
  for (const term of terms) {
    const m = /^(!?)([A-Za-z0-9./_-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*))?$/.exec(term);
    if (!m) return undefined;
    const [, not, key, op, value] = m as unknown as [string, string, string, string | undefined, string | undefined];
    if (!op) checks.push(not ? (l) => !(key in l) : (l) => key in l);
    else if (not) return undefined;
    else checks.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
  }
  return (labels) => checks.every((c) => c(labels ?? {}));
}
