// Finding out, once per run, what the management cluster has: the CRDs of the providers named
// (and their version implementing the contract), core's CRDs, and whether core's controllers run.
import { ApiextensionsV1Api, type KubeConfig, type KubernetesObject, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { deadlineSignal } from '../../core/deadline.js';
import { Ledger } from '../../core/ledger.js';
import type { Logger } from '../../core/plugin.js';
import { observe } from '../../kube-kit/observe.js';
import { createTracked } from '../../kube-kit/objects.js';
import { runLabels } from '../../kube-kit/run-labels.js';
import type { ControlPlaneShape, CrdInfo } from './env.js';
import { apiVersionOf, CONTRACT_LABEL, CORE_GROUP, CoreFinalizer, CoreKinds, type CapiObject, type KindRef } from './well-known.js';

export async function listCrds(kc: KubeConfig): Promise<V1CustomResourceDefinition[]> {
  return (await kc.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition()).items;
}

/** Kubernetes version order: v2 > v1 > v1beta2 > v1beta1 > v1alpha1. */
export function versionRank(v: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return -1;
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return Number(m[1]) * 1_000_000 + stage * 10_000 + Number(m[3] ?? 0);
}

export function crdInfo(crd: V1CustomResourceDefinition): CrdInfo {
  return {
    name: crd.metadata?.name ?? '',
    group: crd.spec.group,
    kind: crd.spec.names.kind,
    labels: crd.metadata?.labels ?? {},
    servedVersions: crd.spec.versions.filter((v) => v.served).map((v) => v.name),
  };
}

/** The CRD of `Kind` or `Kind.group`. */
export function findCrd(crds: readonly V1CustomResourceDefinition[], qualified: string): V1CustomResourceDefinition | undefined {
  const dot = qualified.indexOf('.');
  const kind = dot < 0 ? qualified : qualified.slice(0, dot);
  const group = dot < 0 ? undefined : qualified.slice(dot + 1);
  return crds.find((c) => c.spec.names.kind === kind && (group === undefined || c.spec.group === group));
}

/** The version core would use: the highest served one the contract's label names, else the storage version. */
export function kindRef(crd: V1CustomResourceDefinition, label: string = CONTRACT_LABEL): KindRef {
  const info = crdInfo(crd);
  const labelled = (info.labels[label] ?? '').split('_').filter((v) => info.servedVersions.includes(v));
  const storage = crd.spec.versions.find((v) => v.storage)?.name ?? info.servedVersions[0] ?? 'v1';
  const version = labelled.sort((a, b) => versionRank(b) - versionRank(a))[0] ?? storage;
  return { group: crd.spec.group, version, kind: crd.spec.names.kind, plural: crd.spec.names.plural };
}

export const hasCoreApi = (crds: readonly V1CustomResourceDefinition[]) =>
  Object.values(CoreKinds).every((k) => crds.some((c) => c.spec.group === CORE_GROUP && c.spec.names.plural === k.plural));

/** Creates a Cluster in a namespace of its own and waits for core's finalizer; removes both whatever the answer. */
export async function probeCore(kc: KubeConfig, runId: string, timeoutMs: number, parent: AbortSignal, log: Logger): Promise<boolean> {
  const ledger = new Ledger();
  const deadline = deadlineSignal(timeoutMs, "the probe Cluster getting core's finalizer", parent);
  try {
    const namespace = `conformal-probe-${runId}`;
    const labels = runLabels(runId);
    await createTracked(kc, ledger, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, labels, deadline.signal);
    const ref = { apiVersion: apiVersionOf(CoreKinds.cluster), kind: 'Cluster', plural: 'clusters', namespace };
    const clusters = await observe<CapiObject & KubernetesObject & { metadata: { name: string } }>(kc, ref, ledger);
    // Upstream's v1beta2 schema refuses an empty spec (minProperties 1); a service domain is inert.
    const spec = { clusterNetwork: { serviceDomain: 'cluster.local' } };
    await createTracked(kc, ledger, { apiVersion: ref.apiVersion, kind: 'Cluster', metadata: { name: 'core-probe', namespace }, spec }, labels, deadline.signal);
    await clusters.object('core-probe', (c) => c.metadata.finalizers?.includes(CoreFinalizer.cluster) ?? false, "core's finalizer", deadline.signal);
    return true;
  } catch (error) {
    log.info(`no Cluster API core controllers found: ${(error as Error).message}`);
    return false;
  } finally {
    deadline.dispose();
    const cleanup = deadlineSignal(timeoutMs, 'removing the probe Cluster', parent);
    await ledger.drain(cleanup.signal);
    cleanup.dispose();
  }
}

/**
 * The optional parts of the ControlPlane contract a CRD takes on, read from the schema of the
 * version core uses: spec.machineTemplate (machine-based), spec.replicas or a scale subresource,
 * spec.version. A schema that types none of spec's fields declares none of them.
 */
export function controlPlaneShape(crd: V1CustomResourceDefinition): ControlPlaneShape {
  const served = crd.spec.versions.find((v) => v.name === kindRef(crd).version);
  const spec = served?.schema?.openAPIV3Schema?.properties?.spec?.properties ?? {};
  const scale = served?.subresources?.scale;
  return {
    machines: 'machineTemplate' in spec,
    replicas: 'replicas' in spec || scale !== undefined,
    version: 'version' in spec,
    ...(scale ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } } : {}),
  };
}
