// What the reference controllers share: the client, informers of every kind with owner indexes,
// one queue per controller, the in-memory cloud, the timing and the fault predicate, and the
// small read-modify-write helpers every controller uses (guarded by resourceVersion).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger, SharedInformer } from '../cloud/kube-client.js';
import type { NodeObject } from '../cloud/kube-types.js';
import type { Contract } from '../../interfaces/capi/contract.js';
import { CoreKinds, PAUSED_ANNOTATION, type CapiObject, type KindRef, type OwnerReference } from '../../interfaces/capi/well-known.js';
import { RefKinds } from './crds.js';
import type { CapiFaultName } from './faults.js';
import type { CapiClient, Informer, OwnerIndex, ShardedQueue } from './runtime.js';
import type { ControlPlaneMemory } from './control-plane-provider.js';

export interface CapiTiming {
  /** How long the in-memory cloud takes to make a cluster's infrastructure (load balancer, network). */
  readonly infraClusterMs: number;
  /** How long it takes to make a machine. */
  readonly infraMachineMs: number;
  /** How long a made machine takes to register its Node. */
  readonly nodeMs: number;
}

/** Small delays: every phase is visible, a whole run stays fast. */
export const EMBEDDED_TIMING: CapiTiming = { infraClusterMs: 20, infraMachineMs: 20, nodeMs: 10 };

/** What the in-memory cloud holds: infrastructure made for clusters and machines, by "namespace/name". */
export class InMemoryCloud {
  readonly clusters = new Map<string, { readyAt: number }>();
  readonly machines = new Map<string, { readyAt: number; providerID: string; reminted: boolean; ip: string }>();
  #ips = 0;

  /** Addresses from 10.0.0.0/8, never handed out twice. */
  nextIp(): string {
    const n = ++this.#ips;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }
}

export const Kinds = { ...CoreKinds, ...RefKinds } as const;
export type KindName = keyof typeof Kinds;

export interface RefContext {
  readonly client: CapiClient;
  readonly log: Logger;
  readonly timing: CapiTiming;
  /** The contract the reference providers implement; core reads the providers through it, as upstream core reads a provider by its CRD label. */
  readonly contract: Contract;
  readonly cloud: InMemoryCloud;
  faulty(name: CapiFaultName): boolean;
  readonly informers: Record<KindName, Informer>;
  readonly owners: Partial<Record<KindName, OwnerIndex>>;
  readonly queues: Record<string, ShardedQueue>;
  readonly nodes: SharedInformer<NodeObject & KubernetesObject>;
  /** MachineSet uid → names of Machines it created that the cache has not shown yet. */
  readonly pendingCreates: Map<string, Set<string>>;
  /** "machineSet/ns/name" or "machineDeployment/ns/name" with a labelled child that lost its controller reference. */
  readonly orphaned: Set<string>;
  /** Node name by spec.providerID, kept from the Node informer (a list scan per Machine would be quadratic). */
  readonly nodeByProviderID: Map<string, string>;
  /** What the control-plane provider remembers between reconciles. */
  readonly controlPlanes: ControlPlaneMemory;
}

export function get(ctx: RefContext, kind: KindName, namespace: string, name: string | undefined): CapiObject | undefined {
  return name ? ctx.informers[kind].get(name, namespace) : undefined;
}

/** The Cluster is paused, or the object carries the paused annotation. */
export function isPaused(cluster: CapiObject | undefined, object: CapiObject): boolean {
  return cluster?.spec?.paused === true || object.metadata.annotations?.[PAUSED_ANNOTATION] !== undefined;
}

export function ownerRef(kind: KindRef, owner: CapiObject, controller: boolean): OwnerReference {
  return { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, name: owner.metadata.name, uid: owner.metadata.uid!, ...(controller ? { controller: true, blockOwnerDeletion: true } : {}) };
}

export interface MetaChange {
  finalizer?: string;
  labels?: Record<string, string>;
  owner?: OwnerReference;
}

/** Adds what `change` asks to the object's metadata; one patch, only when something is missing. */
export async function ensureMeta(ctx: RefContext, kind: KindName, object: CapiObject, change: MetaChange): Promise<boolean> {
  const m = object.metadata;
  const patch: Record<string, unknown> = {};
  if (change.finalizer && !m.finalizers?.includes(change.finalizer)) patch.finalizers = [...(m.finalizers ?? []), change.finalizer];
  const missing = Object.entries(change.labels ?? {}).filter(([k, v]) => m.labels?.[k] !== v);
  if (missing.length) patch.labels = Object.fromEntries(missing);
  if (change.owner && !m.ownerReferences?.some((r) => r.uid === change.owner!.uid)) patch.ownerReferences = [...(m.ownerReferences ?? []), change.owner];
  if (Object.keys(patch).length === 0) return false;
  await ctx.client.patch(Kinds[kind], m.namespace!, m.name, { metadata: { ...patch, resourceVersion: m.resourceVersion } });
  return true;
}

export async function removeFinalizer(ctx: RefContext, kind: KindName, object: CapiObject, finalizer: string): Promise<void> {
  const m = object.metadata;
  if (!m.finalizers?.includes(finalizer)) return;
  await ctx.client.patch(Kinds[kind], m.namespace!, m.name, { metadata: { finalizers: m.finalizers.filter((f) => f !== finalizer), resourceVersion: m.resourceVersion } });
}

/** Patches status only when some field of `status` differs from what the object has. */
export async function ensureStatus(ctx: RefContext, kind: KindName, object: CapiObject, status: Record<string, unknown>): Promise<void> {
  const current = object.status ?? {};
  if (Object.entries(status).every(([k, v]) => JSON.stringify(current[k]) === JSON.stringify(v))) return;
  await ctx.client.patchStatus(Kinds[kind], object.metadata.namespace!, object.metadata.name, status);
}
