// Building what a test needs the way Cluster API core would: Clusters and Machines around the
// provider's own specs, with the owner references, the cluster-name label and the references core
// sets, registered in the test's ledger; observers of each kind; and core's status surfacing when
// core itself does not run.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TemplateMeta } from '../../src/interfaces/capi/validate.js';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubernetesObject, type V1Secret } from '@kubernetes/client-node';
import { observe, type ResourceObserver } from '../../src/kube-kit/observe.js';
import { apiFailure, createTracked } from '../../src/kube-kit/objects.js';
import { createTestNamespace } from '../../src/kube-kit/namespace.js';
import { runLabels } from '../../src/kube-kit/run-labels.js';
import { CONTRACTS, failureDomainsOf } from '../../src/interfaces/capi/contract.js';
import { apiVersionOf, CAPI_SECRET_TYPE, CLUSTER_NAME_LABEL, CoreKinds, type CapiObject, type KindRef } from '../../src/interfaces/capi/well-known.js';
import type { CapiContext } from './define.js';

export type Obj = CapiObject & KubernetesObject & { metadata: { name: string } };
export type Observer = ResourceObserver<Obj>;

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export const namespace = (ctx: CapiContext) => createTestNamespace(ctx.env.kc, ctx, ctx.env.runId);

export function watch(ctx: CapiContext, kind: KindRef, ns: string): Promise<Observer> {
  return observe<Obj>(ctx.env.kc, { apiVersion: apiVersionOf(kind), kind: kind.kind, plural: kind.plural, namespace: ns }, ctx.ledger);
}

/** The call's result; its failure with what was done and the API server's Status message. */
export function answered<T>(what: string, call: Promise<T>): Promise<T> {
  return call.catch((error: unknown) => {
    throw apiFailure(what, error);
  });
}

/** Creates `object` with the run's labels, registered in the test's ledger. */
function createIn<T extends KubernetesObject>(ctx: CapiContext, object: T): Promise<T> {
  return answered(`creating ${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`, createTracked(ctx.env.kc, ctx.ledger, object, runLabels(ctx.env.runId, ctx.test.id), ctx.signal));
}

export function create(ctx: CapiContext, kind: KindRef, ns: string, body: Omit<Obj, 'apiVersion' | 'kind'>): Promise<Obj> {
  return createIn(ctx, { apiVersion: apiVersionOf(kind), kind: kind.kind, ...body, metadata: { ...body.metadata, namespace: ns } } as Obj);
}

/** A merge patch of the object, or of its status subresource. */
export async function patch(ctx: CapiContext, kind: KindRef, ns: string, name: string, body: unknown, status = false): Promise<Obj> {
  const api = ctx.env.kc.makeApiClient(CustomObjectsApi);
  const { group, version, plural } = kind;
  const params = { group, version, plural, namespace: ns, name, body };
  return answered(`patching ${kind.kind} ${ns}/${name}${status ? ' status' : ''}`, (status ? api.patchNamespacedCustomObjectStatus(params, MERGE) : api.patchNamespacedCustomObject(params, MERGE)) as Promise<Obj>);
}

export async function remove(ctx: CapiContext, kind: KindRef, ns: string, name: string): Promise<void> {
  const { group, version, plural } = kind;
  await answered(`deleting ${kind.kind} ${ns}/${name}`, ctx.env.kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ group, version, plural, namespace: ns, name }));
}

const clone = <T>(v: T): T => structuredClone(v);
/**
 * Whether resourceVersion `rv` is `since` or later. kube-apiserver's (etcd's revision) and the
 * in-memory server's are increasing integers; other forms cannot be ordered, so any state counts.
 */
export function notBefore(rv: string | undefined, since: string | undefined): boolean {
  if (!rv || !since || !/^\d+$/.test(rv) || !/^\d+$/.test(since)) return true;
  return BigInt(rv) >= BigInt(since);
}

/**
 * Waits until every finalizer in `wanted` is back on the object, in a state written at or after the
 * strip (`strippedAt`, the strip's resourceVersion): the observer may not have seen the strip yet,
 * and the state before it has them all.
 */
export function finalizersBack(ctx: CapiContext, observer: Observer, kind: string, name: string, wanted: readonly string[], strippedAt: string | undefined): Promise<Obj> {
  return writtenSince(ctx, observer, name, strippedAt, (now) => wanted.every((f) => now.metadata.finalizers?.includes(f)), `${kind} ${name} finalizers ${wanted.join(', ')} back`);
}

/** Waits for a state of `name` written at or after resourceVersion `since` that `accept`s: one before it may still be the observer's latest. */
export function writtenSince(ctx: CapiContext, observer: Observer, name: string, since: string | undefined, accept: (o: Obj) => boolean, description: string): Promise<Obj> {
  return observer.object(name, (o) => notBefore(o.metadata.resourceVersion, since) && accept(o), description, ctx.signal, describe);
}

export const ownerRefTo = (kind: KindRef, o: Obj, controller: boolean) => ({ apiVersion: apiVersionOf(kind), kind: kind.kind, name: o.metadata.name, uid: o.metadata.uid!, ...(controller ? { controller: true, blockOwnerDeletion: true } : {}) });
const refTo = (kind: KindRef, name: string) => ({ apiGroup: kind.group, kind: kind.kind, name });

/** The contract of the infrastructure provider under test (its CRD labels), whose ready signal the fixtures wait for. */
export const infraContract = (ctx: CapiContext) => CONTRACTS[ctx.env.infra?.contract ?? 'v1beta2'];
/** Whether an InfraCluster or InfraMachine is provisioned by its contract's signal (status.initialization.provisioned or status.ready). */
export const isProvisioned = (ctx: CapiContext) => (o: Obj | undefined) => infraContract(ctx).infraReady(o);
const provisionedText = (ctx: CapiContext) => `${infraContract(ctx).infraReadyField}: true`;

export interface ClusterScene {
  readonly ns: string;
  readonly cluster: Obj;
  readonly infraName: string;
  readonly infraClusters: Observer;
  readonly clusters: Observer;
}

/** Labels and annotations for an object made from a template: the template's, with conformal's own on top. */
export function templateMeta(template: TemplateMeta, own: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): { labels?: Record<string, string>; annotations?: Record<string, string> } {
  const labels = { ...template.labels, ...own.labels };
  const annotations = { ...template.annotations, ...own.annotations };
  return { ...(Object.keys(labels).length ? { labels } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) };
}

/** An InfraCluster from the provider's spec, with no Cluster (so nobody sets its owner). */
export function orphanInfraCluster(ctx: CapiContext, ns: string): Promise<Obj> {
  return create(ctx, ctx.env.infra!.cluster, ns, { metadata: { name: ctx.unique('orphan'), ...templateMeta(ctx.env.infra!.clusterMeta) }, spec: clone(ctx.env.infra!.clusterSpec) });
}

/** An InfraMachine from the provider's spec that no Machine references (so nobody sets its owner). */
export function orphanInfraMachine(ctx: CapiContext, ns: string, clusterName: string): Promise<Obj> {
  return create(ctx, ctx.env.infra!.machine, ns, { metadata: { name: ctx.unique('orphan'), ...templateMeta(ctx.env.infra!.machineMeta, { labels: { [CLUSTER_NAME_LABEL]: clusterName } }) }, spec: clone(ctx.env.infra!.machineSpec) });
}

/** A Cluster and its InfraCluster, owned and labelled as core does it. */
export async function newCluster(ctx: CapiContext, ns: string, options: { paused?: boolean; pausedAnnotation?: boolean; scene?: Pick<ClusterScene, 'clusters' | 'infraClusters'> } = {}): Promise<ClusterScene> {
  const infra = ctx.env.infra!;
  const clusters = options.scene?.clusters ?? (await watch(ctx, CoreKinds.cluster, ns));
  const infraClusters = options.scene?.infraClusters ?? (await watch(ctx, infra.cluster, ns));
  const name = ctx.unique('cluster');
  const cluster = await create(ctx, CoreKinds.cluster, ns, { metadata: { name }, spec: { ...(options.paused ? { paused: true } : {}), infrastructureRef: refTo(infra.cluster, name) } });
  await create(ctx, infra.cluster, ns, {
    metadata: {
      name,
      ...templateMeta(infra.clusterMeta, { labels: { [CLUSTER_NAME_LABEL]: name }, ...(options.pausedAnnotation ? { annotations: { 'cluster.x-k8s.io/paused': '' } } : {}) }),
      ownerReferences: [ownerRefTo(CoreKinds.cluster, cluster, false)],
    },
    spec: clone(infra.clusterSpec),
  });
  return { ns, cluster, infraName: name, infraClusters, clusters };
}

/** Waits for the InfraCluster to be provisioned and, where core does not run, surfaces it (endpoint, failure domains) on the Cluster as core would. */
export async function provisionedCluster(ctx: CapiContext, scene: ClusterScene): Promise<Obj> {
  const infra = await scene.infraClusters.object(scene.infraName, isProvisioned(ctx), provisionedText(ctx), ctx.signal, describe);
  if (ctx.env.coreRunning) {
    await scene.clusters.object(scene.cluster.metadata.name, (c) => c.status?.initialization?.infrastructureProvisioned === true, 'core surfacing the provisioned infrastructure', ctx.signal, describe);
  } else {
    if (infra.spec?.controlPlaneEndpoint) await patch(ctx, CoreKinds.cluster, scene.ns, scene.cluster.metadata.name, { spec: { controlPlaneEndpoint: infra.spec.controlPlaneEndpoint } });
    // Core surfaces the failure domains (as its v1beta2 list) together with the provisioned signal.
    const failureDomains = failureDomainsOf(infra);
    await patch(ctx, CoreKinds.cluster, scene.ns, scene.cluster.metadata.name, { status: { initialization: { infrastructureProvisioned: true }, ...(failureDomains ? { failureDomains } : {}) } }, true);
  }
  return infra;
}

/** A short account of an object for timeout messages. */
export function describe(o: Obj | undefined): string {
  if (!o) return 'absent';
  return JSON.stringify({ finalizers: o.metadata.finalizers, owners: o.metadata.ownerReferences?.map((r) => r.kind), spec: o.spec, status: o.status }).slice(0, 600);
}

export interface MachineScene {
  readonly machine: Obj;
  readonly infraName: string;
  readonly infraMachines: Observer;
  readonly machines: Observer;
}

/** A Machine of the Cluster with its bootstrap data Secret and its InfraMachine, owned as core does it. */
export async function newMachine(
  ctx: CapiContext,
  scene: ClusterScene,
  options: { failureDomain?: string; bootstrapData?: boolean; observers?: Pick<MachineScene, 'infraMachines' | 'machines'>; fromTemplate?: string } = {},
): Promise<MachineScene> {
  const infra = ctx.env.infra!;
  const { ns } = scene;
  const machines = options.observers?.machines ?? (await watch(ctx, CoreKinds.machine, ns));
  const infraMachines = options.observers?.infraMachines ?? (await watch(ctx, infra.machine, ns));
  const name = ctx.unique('machine');
  const clusterName = scene.cluster.metadata.name;
  let dataSecretName: string | undefined;
  if (options.bootstrapData !== false) {
    dataSecretName = `${name}-bootstrap`;
    const secret: V1Secret = { apiVersion: 'v1', kind: 'Secret', type: CAPI_SECRET_TYPE, metadata: { name: dataSecretName, namespace: ns, labels: { [CLUSTER_NAME_LABEL]: clusterName } }, data: { value: Buffer.from('#!/bin/sh\ntrue\n').toString('base64') } };
    await createIn(ctx, secret);
  }
  const machine = await create(ctx, CoreKinds.machine, ns, {
    metadata: { name, labels: { [CLUSTER_NAME_LABEL]: clusterName } },
    spec: {
      clusterName,
      bootstrap: dataSecretName ? { dataSecretName } : {},
      infrastructureRef: refTo(infra.machine, name),
      ...(options.failureDomain ? { failureDomain: options.failureDomain } : {}),
    },
  });
  await create(ctx, infra.machine, ns, {
    metadata: {
      name,
      ...templateMeta(infra.machineMeta, {
        labels: { [CLUSTER_NAME_LABEL]: clusterName },
        ...(options.fromTemplate ? { annotations: { 'cluster.x-k8s.io/cloned-from-name': options.fromTemplate, 'cluster.x-k8s.io/cloned-from-groupkind': `${infra.machineTemplate!.kind}.${infra.machineTemplate!.group}` } } : {}),
      }),
      ownerReferences: [ownerRefTo(CoreKinds.machine, machine, true)],
    },
    spec: clone(infra.machineSpec),
  });
  return { machine, infraName: name, infraMachines, machines };
}

/** A fresh namespace with a Cluster whose infrastructure is provisioned. */
export async function readyCluster(ctx: CapiContext): Promise<ClusterScene> {
  const scene = await newCluster(ctx, await namespace(ctx));
  await provisionedCluster(ctx, scene);
  return scene;
}

/** A provisioned Cluster with one provisioned Machine. */
export async function provisionedMachine(ctx: CapiContext, options: { failureDomain?: (cluster: Obj) => string | undefined } = {}) {
  const ns = await namespace(ctx);
  const scene = await newCluster(ctx, ns);
  const infraCluster = await provisionedCluster(ctx, scene);
  const failureDomain = options.failureDomain?.(infraCluster);
  const m = await newMachine(ctx, scene, failureDomain ? { failureDomain } : {});
  const infraMachine = await m.infraMachines.object(m.infraName, isProvisioned(ctx), provisionedText(ctx), ctx.signal, describe);
  return { ns, scene, infraCluster, m, infraMachine };
}

/**
 * A witness for "never happens": a fresh Cluster's infrastructure provisioned, then as long again.
 * The provider had at least that long for every earlier object, so anything it would have done to
 * them it has done. The second span covers a provider that does not work in order (several
 * workers, a retry after a conflict): the witness alone could overtake an earlier object.
 */
export async function witness(ctx: CapiContext, ns: string, scene?: Pick<ClusterScene, 'clusters' | 'infraClusters'>): Promise<void> {
  const started = Date.now();
  const fresh = await newCluster(ctx, ns, scene ? { scene } : {});
  await fresh.infraClusters.object(fresh.infraName, isProvisioned(ctx), 'the witness InfraCluster provisioned', ctx.signal, describe);
  await sleep(Date.now() - started, undefined, { signal: ctx.signal });
}
