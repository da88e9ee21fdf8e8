// The reference control-plane provider: a ConformalControlPlane owned by a Cluster waits for the
// Cluster's endpoint (the infrastructure provider owns it) and provisioned infrastructure, writes the
// Cluster's kubeconfig Secret (the server at the endpoint; the provider's CA, made once per process,
// and a short-lived client certificate it signed) and its certificate Secret <cluster>-ca, keeps
// spec.replicas control-plane Machines, each with an InfraMachine cloned from
// spec.machineTemplate.spec.infrastructureRef and a bootstrap config, spread over the Cluster's
// failure domains flagged controlPlane, with spec.machineTemplate's metadata and deletion timeouts
// kept in place on them, and reports initialization (its first Machine Running), replica counts,
// versions and conditions. It respects pause and deletes its Machines behind its finalizer.
import type { V1Secret } from '@kubernetes/client-node';
import { generate } from 'selfsigned';
import { stringify } from 'yaml';
import { failureDomainsOf } from '../../interfaces/capi/contract.js';
import { CAPI_SECRET_TYPE, certificateSecretName, CLUSTER_NAME_LABEL, CONTROL_PLANE_LABEL, CoreFinalizer, kubeconfigSecretName, ownerOfKind, type CapiObject, type Condition } from '../../interfaces/capi/well-known.js';
import { statusCode } from '../cloud/kube-client.js';
import { ensureMeta, ensureStatus, get, isPaused, Kinds, ownerRef, removeFinalizer, type RefContext } from './context.js';
import { cloneFrom, owned } from './core-sets.js';
import { RefKinds } from './crds.js';
import { ignoreNotFound, splitKey, withCondition } from './runtime.js';

export const CONTROL_PLANE_FINALIZER = 'conformalcontrolplane.controlplane.conformal.io';
/** Label naming the control plane a Machine belongs to: with the cluster name, status.selector. */
export const CONTROL_PLANE_NAME_LABEL = 'controlplane.conformal.io/name';
/** The client certificate's lifetime: short, as the contract asks of kubeconfig credentials. */
const CLIENT_CERT_DAYS = 30;

/** What the provider remembers between reconciles (rebuildable: a restart only makes it redo work). */
export interface ControlPlaneMemory {
  /** Control plane uid → the kubeconfig Secret was written. */
  readonly kubeconfigs: Set<string>;
  /** Control plane uid → replicas when first seen (for the cp-replicas-ignore-spec fault). */
  readonly firstReplicas: Map<string, number>;
  /** "namespace/machine" → the failure domain a Machine was created in, until the cache shows it. */
  readonly placements: Map<string, string>;
  /** The CA and client certificate of the kubeconfigs, made once (the workload clusters are simulated; a key pair costs tens of ms of CPU). */
  credentials?: Promise<Credentials>;
}

interface Credentials {
  readonly ca: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

/** A CA and a client certificate it signed, valid CLIENT_CERT_DAYS. */
async function makeCredentials(): Promise<Credentials> {
  const pems = await generate([{ name: 'commonName', value: 'conformal-control-plane-ca' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
    ],
    clientCertificate: { cn: 'kubernetes-admin', keyType: 'ec', algorithm: 'sha256', notAfterDate: new Date(Date.now() + CLIENT_CERT_DAYS * 24 * 3600 * 1000) },
  });
  return { ca: pems.cert, caKey: pems.private, cert: pems.clientcert!, key: pems.clientprivate! };
}

const running = (m: CapiObject) => m.status?.phase === 'Running' && m.status?.nodeRef !== undefined;

function conditions(ctx: RefContext, cp: CapiObject, paused: boolean, available: boolean, reason: string): Condition[] {
  const generation = cp.metadata.generation;
  if (ctx.faulty('cp-v1beta1-conditions')) {
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return [{ type: 'Ready', status: available ? 'True' : 'False', severity: '', lastTransitionTime: at } as Condition];
  }
  const list = withCondition(cp.status?.conditions, { type: 'Paused', status: paused ? 'True' : 'False', reason: paused ? 'Paused' : 'NotPaused', message: '', observedGeneration: generation });
  return paused ? list : withCondition(list, { type: 'Available', status: available ? 'True' : 'False', reason, message: '', observedGeneration: generation });
}

export async function reconcileControlPlane(ctx: RefContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const cp = get(ctx, 'controlPlane', namespace, name);
  if (!cp) return;
  const owner = ownerOfKind(cp, 'Cluster');
  if (!owner && !ctx.faulty('cp-acts-before-owner')) return;
  const clusterName = owner?.name ?? cp.metadata.labels?.[CLUSTER_NAME_LABEL] ?? '';
  const cluster = get(ctx, 'cluster', namespace, clusterName);
  if (isPaused(cluster, cp) && !ctx.faulty('cp-ignores-pause')) return ensureStatus(ctx, 'controlPlane', cp, { conditions: conditions(ctx, cp, true, false, 'Paused') });
  const machines = owned(ctx, 'machine', cp);
  if (cp.metadata.deletionTimestamp) return deleteControlPlane(ctx, cp, machines);
  const initialized = cp.status?.initialization?.controlPlaneInitialized === true;
  const labels = { [CLUSTER_NAME_LABEL]: clusterName };
  if (!(ctx.faulty('cp-finalizer-once') && initialized) && (await ensureMeta(ctx, 'controlPlane', cp, { finalizer: CONTROL_PLANE_FINALIZER, labels }))) return;
  if (initialized && ctx.faulty('cp-hot-loop')) {
    await ctx.client.patchStatus(Kinds.controlPlane, namespace, name, { lastSyncTime: new Date().toISOString() });
    ctx.queues.controlPlane!.addAfter(key, 10);
  }
  if (ctx.faulty('cp-initialized-early') && !initialized) return ensureStatus(ctx, 'controlPlane', cp, { initialization: { controlPlaneInitialized: true } });

  // Not the endpoint's owner: wait for the Cluster's, and for its infrastructure.
  const endpoint = cluster?.spec?.controlPlaneEndpoint as { host?: string; port?: number } | undefined;
  if (!cluster || !endpoint?.host || cluster.status?.initialization?.infrastructureProvisioned !== true) {
    return ensureStatus(ctx, 'controlPlane', cp, { conditions: conditions(ctx, cp, false, false, 'WaitingForClusterInfrastructure') });
  }
  if (!ctx.controlPlanes.kubeconfigs.has(cp.metadata.uid!)) {
    await writeCertificates(ctx, cp, clusterName);
    await writeKubeconfig(ctx, cp, clusterName, `https://${endpoint.host}:${endpoint.port ?? 6443}`);
    ctx.controlPlanes.kubeconfigs.add(cp.metadata.uid!);
  }

  let wanted = (cp.spec?.replicas as number | undefined) ?? 1;
  if (ctx.faulty('cp-replicas-ignore-spec')) {
    if (!ctx.controlPlanes.firstReplicas.has(cp.metadata.uid!)) ctx.controlPlanes.firstReplicas.set(cp.metadata.uid!, wanted);
    wanted = ctx.controlPlanes.firstReplicas.get(cp.metadata.uid!)!;
  }
  const live = machines.filter((m) => !m.metadata.deletionTimestamp);
  // Machines created but not in the cache yet count too, or a quick second reconcile would make more.
  const pending = ctx.pendingCreates.get(cp.metadata.uid!) ?? new Set<string>();
  for (const m of machines) pending.delete(m.metadata.name);
  const placement = placer(ctx, cluster, live, pending);
  for (let i = live.length + pending.size; i < wanted; i++) pending.add(await createMachine(ctx, cp, clusterName, placement()));
  if (pending.size) ctx.pendingCreates.set(cp.metadata.uid!, pending);
  else ctx.pendingCreates.delete(cp.metadata.uid!);
  if (!ctx.faulty('cp-metadata-not-in-place')) for (const m of live) await keepInPlace(ctx, cp, m);
  if (live.length > wanted) {
    // Machines not yet Running go first, then the newest.
    const order = [...live].sort((a, b) => Number(running(a)) - Number(running(b)) || (b.metadata.name < a.metadata.name ? -1 : 1));
    for (const m of order.slice(0, live.length - wanted)) await ctx.client.remove(Kinds.machine, namespace, m.metadata.name);
  }

  const ready = live.filter(running).length;
  const version = cp.spec?.version as string | undefined;
  const upToDate = live.filter((m) => m.spec?.version === version).length;
  const nowInitialized = (initialized || ready > 0) && !ctx.faulty('cp-never-initialized');
  const versions = version && live.length && !ctx.faulty('cp-no-version-status') ? { version, versions: [{ version, replicas: live.length }] } : {};
  await ensureStatus(ctx, 'controlPlane', cp, {
    ...(nowInitialized ? { initialization: { controlPlaneInitialized: true } } : {}),
    ...(ctx.faulty('cp-v1beta1-conditions') ? { ready: nowInitialized } : {}),
    selector: `${CLUSTER_NAME_LABEL}=${clusterName},${CONTROL_PLANE_NAME_LABEL}=${name}`,
    replicas: machines.length,
    readyReplicas: ready,
    availableReplicas: ready,
    upToDateReplicas: upToDate,
    ...versions,
    conditions: conditions(ctx, cp, false, nowInitialized, nowInitialized ? 'Available' : 'WaitingForFirstMachine'),
    observedGeneration: cp.metadata.generation,
  });
}

/**
 * The failure domain of each next Machine: of the Cluster's domains flagged controlPlane, the one
 * with the fewest Machines (live, or created and not in the cache yet), the first on a tie.
 */
function placer(ctx: RefContext, cluster: CapiObject, live: CapiObject[], pending: Set<string>): () => string | undefined {
  const domains = (failureDomainsOf(cluster) ?? []).filter((d) => d.controlPlane === true).map((d) => d.name);
  const count = new Map(domains.map((d) => [d, 0]));
  const namespace = cluster.metadata.namespace!;
  for (const m of live) ctx.controlPlanes.placements.delete(`${namespace}/${m.metadata.name}`);
  const placed = [...live.map((m) => m.spec?.failureDomain as string | undefined), ...[...pending].map((name) => ctx.controlPlanes.placements.get(`${namespace}/${name}`))];
  for (const d of placed) if (d !== undefined && count.has(d)) count.set(d, count.get(d)! + 1);
  return () => {
    if (domains.length === 0) return undefined;
    const next = ctx.faulty('cp-ignores-failure-domains') ? domains[0]! : domains.reduce((best, d) => (count.get(d)! < count.get(best)! ? d : best));
    count.set(next, count.get(next)! + 1);
    return next;
  };
}

/** spec.machineTemplate's labels, annotations and deletion timeouts on an existing Machine, changed in place (no rollout). */
async function keepInPlace(ctx: RefContext, cp: CapiObject, m: CapiObject): Promise<void> {
  const template = cp.spec?.machineTemplate ?? {};
  const own = new Set([CLUSTER_NAME_LABEL, CONTROL_PLANE_NAME_LABEL, CONTROL_PLANE_LABEL]);
  const differing = (wanted: Record<string, string> | undefined, have: Record<string, string> | undefined) => Object.entries(wanted ?? {}).filter(([k, v]) => !own.has(k) && have?.[k] !== v);
  const labels = differing(template.metadata?.labels, m.metadata.labels);
  const annotations = differing(template.metadata?.annotations, m.metadata.annotations);
  const deletion = template.spec?.deletion;
  const deletionDiffers = deletion !== undefined && JSON.stringify(deletion) !== JSON.stringify(m.spec?.deletion);
  if (!labels.length && !annotations.length && !deletionDiffers) return;
  await ctx.client.patch(Kinds.machine, m.metadata.namespace!, m.metadata.name, {
    metadata: { ...(labels.length ? { labels: Object.fromEntries(labels) } : {}), ...(annotations.length ? { annotations: Object.fromEntries(annotations) } : {}) },
    ...(deletionDiffers ? { spec: { deletion } } : {}),
  });
}

/** A control-plane Machine with its InfraMachine (cloned from the machine template's infrastructureRef) and bootstrap config. */
async function createMachine(ctx: RefContext, cp: CapiObject, clusterName: string, failureDomain: string | undefined): Promise<string> {
  const namespace = cp.metadata.namespace!;
  const template = cp.spec?.machineTemplate ?? {};
  const infraRef = template.spec?.infrastructureRef;
  if (infraRef?.kind !== RefKinds.infraMachineTemplate.kind) throw new Error(`ConformalControlPlane ${namespace}/${cp.metadata.name}: spec.machineTemplate.spec.infrastructureRef must name a ${RefKinds.infraMachineTemplate.kind}, got ${JSON.stringify(infraRef)}`);
  // Checked before the Machine exists: a Machine whose InfraMachine could not be cloned would wait forever.
  if (!get(ctx, 'infraMachineTemplate', namespace, infraRef.name)) throw new Error(`${RefKinds.infraMachineTemplate.kind} ${namespace}/${infraRef.name} not found (yet)`);
  const name = `${cp.metadata.name}-${Math.random().toString(36).slice(2, 7)}`;
  const labels = {
    ...(template.metadata?.labels ?? {}),
    [CLUSTER_NAME_LABEL]: clusterName,
    [CONTROL_PLANE_NAME_LABEL]: cp.metadata.name,
    ...(ctx.faulty('cp-machines-unlabelled') ? {} : { [CONTROL_PLANE_LABEL]: '' }),
  };
  const machine = await ctx.client.create(Kinds.machine, namespace, {
    metadata: { name, namespace, labels, ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}), finalizers: [CoreFinalizer.machine], ownerReferences: [ownerRef(Kinds.controlPlane, cp, true)] },
    spec: {
      clusterName,
      ...(cp.spec?.version ? { version: cp.spec.version } : {}),
      ...(template.spec?.deletion ? { deletion: template.spec.deletion } : {}),
      ...(failureDomain ? { failureDomain } : {}),
      infrastructureRef: { apiGroup: RefKinds.infraMachine.group, kind: RefKinds.infraMachine.kind, name },
      bootstrap: { configRef: { apiGroup: RefKinds.bootstrapConfig.group, kind: RefKinds.bootstrapConfig.kind, name } },
    },
  });
  if (failureDomain) ctx.controlPlanes.placements.set(`${namespace}/${name}`, failureDomain);
  const owner = [ownerRef(Kinds.machine, machine, true)];
  await cloneFrom(ctx, 'infraMachineTemplate', 'infraMachine', namespace, infraRef.name, name, labels, owner);
  await ctx.client.create(Kinds.bootstrapConfig, namespace, { metadata: { name, namespace, labels, ownerReferences: owner }, spec: {} }).catch((error: unknown) => {
    if (statusCode(error) !== 409) throw error;
  });
  return name;
}

/** A Secret of the Cluster as the contract has them: type cluster.x-k8s.io/secret, the cluster-name label, controlled by the control plane; kept if it exists. */
async function writeClusterSecret(ctx: RefContext, cp: CapiObject, secret: V1Secret): Promise<void> {
  ctx.client.requests++;
  await ctx.client.kube.core.createNamespacedSecret({ namespace: cp.metadata.namespace!, body: { apiVersion: 'v1', kind: 'Secret', ...secret } }).catch((error: unknown) => {
    if (statusCode(error) !== 409) throw error;
  });
}

const clusterSecretMeta = (cp: CapiObject, name: string, clusterName: string, labelled = true) => ({
  name,
  namespace: cp.metadata.namespace!,
  ...(labelled ? { labels: { [CLUSTER_NAME_LABEL]: clusterName } } : {}),
  ownerReferences: [ownerRef(Kinds.controlPlane, cp, true)],
});

/** The cluster certificates: `<cluster>-ca`, the CA (certificate and key) the kubeconfig's client certificate is signed by. */
async function writeCertificates(ctx: RefContext, cp: CapiObject, clusterName: string): Promise<void> {
  const pems = await (ctx.controlPlanes.credentials ??= makeCredentials());
  const wrong = ctx.faulty('cp-certificates-format');
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  await writeClusterSecret(ctx, cp, { type: wrong ? 'kubernetes.io/tls' : CAPI_SECRET_TYPE, metadata: clusterSecretMeta(cp, certificateSecretName(clusterName, 'ca'), clusterName, !wrong), data: { 'tls.crt': b64(pems.ca), 'tls.key': b64(pems.caKey) } });
}

/** `<cluster>-kubeconfig`: the server at the endpoint, the CA, a short-lived client certificate it signed. */
async function writeKubeconfig(ctx: RefContext, cp: CapiObject, clusterName: string, server: string): Promise<void> {
  const namespace = cp.metadata.namespace!;
  const memory = ctx.controlPlanes;
  const pems = await (memory.credentials ??= makeCredentials());
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const user = `${clusterName}-admin`;
  const kubeconfig = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server, 'certificate-authority-data': b64(pems.ca) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(pems.cert), 'client-key-data': b64(pems.key) } }],
    contexts: [{ name: `${user}@${clusterName}`, context: { cluster: clusterName, user } }],
    'current-context': `${user}@${clusterName}`,
  });
  const wrong = ctx.faulty('cp-kubeconfig-format');
  await writeClusterSecret(ctx, cp, { type: wrong ? 'Opaque' : CAPI_SECRET_TYPE, metadata: clusterSecretMeta(cp, kubeconfigSecretName(clusterName), clusterName), data: { [wrong ? 'kubeconfig' : 'value']: b64(kubeconfig) } });
}

async function deleteControlPlane(ctx: RefContext, cp: CapiObject, machines: CapiObject[]): Promise<void> {
  const namespace = cp.metadata.namespace!;
  for (const m of machines) if (!m.metadata.deletionTimestamp) await ctx.client.remove(Kinds.machine, namespace, m.metadata.name);
  if (machines.length > 0 || ctx.faulty('cp-keeps-finalizer')) return;
  const clusterName = ownerOfKind(cp, 'Cluster')?.name ?? cp.metadata.labels?.[CLUSTER_NAME_LABEL];
  if (clusterName) {
    for (const name of [kubeconfigSecretName(clusterName), certificateSecretName(clusterName, 'ca')]) {
      ctx.client.requests++;
      await ctx.client.kube.core.deleteNamespacedSecret({ name, namespace }).catch(ignoreNotFound);
    }
  }
  ctx.controlPlanes.kubeconfigs.delete(cp.metadata.uid!);
  await removeFinalizer(ctx, 'controlPlane', cp, CONTROL_PLANE_FINALIZER);
}
