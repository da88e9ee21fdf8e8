// The reference control-plane provider: a ConformalControlPlane owned by a Cluster waits for the
// Cluster's endpoint (the infrastructure provider owns it) and provisioned infrastructure, writes the
// Cluster's kubeconfig Secret (the server at the endpoint; the provider's CA, made once per process,
// and a short-lived client certificate it signed), keeps spec.replicas control-plane Machines, each with an InfraMachine cloned from
// spec.machineTemplate.spec.infrastructureRef and a bootstrap config, and reports initialization
// (its first Machine Running), replica counts, versions and conditions. It respects pause and
// deletes its Machines behind its finalizer.
import type { V1Secret } from '@kubernetes/client-node';
import { generate } from 'selfsigned';
import { stringify } from 'yaml';
import { CAPI_SECRET_TYPE, CLUSTER_NAME_LABEL, CONTROL_PLANE_LABEL, CoreFinalizer, kubeconfigSecretName, ownerOfKind, type CapiObject, type Condition } from '../../interfaces/capi/well-known.js';
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
  /** The CA and client certificate of the kubeconfigs, made once (the workload clusters are simulated; a key pair costs tens of ms of CPU). */
  credentials?: Promise<Credentials>;
}

interface Credentials {
  readonly ca: string;
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
  return { ca: pems.cert, cert: pems.clientcert!, key: pems.clientprivate! };
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
  for (let i = live.length + pending.size; i < wanted; i++) pending.add(await createMachine(ctx, cp, clusterName));
  if (pending.size) ctx.pendingCreates.set(cp.metadata.uid!, pending);
  else ctx.pendingCreates.delete(cp.metadata.uid!);
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

/** A control-plane Machine with its InfraMachine (cloned from the machine template's infrastructureRef) and bootstrap config. */
async function createMachine(ctx: RefContext, cp: CapiObject, clusterName: string): Promise<string> {
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
      infrastructureRef: { apiGroup: RefKinds.infraMachine.group, kind: RefKinds.infraMachine.kind, name },
      bootstrap: { configRef: { apiGroup: RefKinds.bootstrapConfig.group, kind: RefKinds.bootstrapConfig.kind, name } },
    },
  });
  const owner = [ownerRef(Kinds.machine, machine, true)];
  await cloneFrom(ctx, 'infraMachineTemplate', 'infraMachine', namespace, infraRef.name, name, labels, owner);
  await ctx.client.create(Kinds.bootstrapConfig, namespace, { metadata: { name, namespace, labels, ownerReferences: owner }, spec: {} }).catch((error: unknown) => {
    if (statusCode(error) !== 409) throw error;
  });
  return name;
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
  const secret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: wrong ? 'Opaque' : CAPI_SECRET_TYPE,
    metadata: { name: kubeconfigSecretName(clusterName), namespace, labels: { [CLUSTER_NAME_LABEL]: clusterName }, ownerReferences: [ownerRef(Kinds.controlPlane, cp, true)] },
    data: { [wrong ? 'kubeconfig' : 'value']: b64(kubeconfig) },
  };
  ctx.client.requests++;
  await ctx.client.kube.core.createNamespacedSecret({ namespace, body: secret }).catch((error: unknown) => {
    if (statusCode(error) !== 409) throw error;
  });
}

async function deleteControlPlane(ctx: RefContext, cp: CapiObject, machines: CapiObject[]): Promise<void> {
  const namespace = cp.metadata.namespace!;
  for (const m of machines) if (!m.metadata.deletionTimestamp) await ctx.client.remove(Kinds.machine, namespace, m.metadata.name);
  if (machines.length > 0 || ctx.faulty('cp-keeps-finalizer')) return;
  const clusterName = ownerOfKind(cp, 'Cluster')?.name ?? cp.metadata.labels?.[CLUSTER_NAME_LABEL];
  if (clusterName) {
    ctx.client.requests++;
    await ctx.client.kube.core.deleteNamespacedSecret({ name: kubeconfigSecretName(clusterName), namespace }).catch(ignoreNotFound);
  }
  ctx.controlPlanes.kubeconfigs.delete(cp.metadata.uid!);
  await removeFinalizer(ctx, 'controlPlane', cp, CONTROL_PLANE_FINALIZER);
}
