// The reference Cluster API management plane of the embedded default: the CRDs (core and the
// reference providers), the reference infrastructure and bootstrap providers, and the core
// Cluster, Machine, MachineSet and MachineDeployment controllers, all real clients of the API
// server the kubeconfig names. start resolves once the CRDs are served and every informer is synced.
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { CONTRACTS, type ContractVersion } from '../../interfaces/capi/contract.js';
import { CLUSTER_NAME_LABEL, DEPLOYMENT_NAME_LABEL, ownerOfKind, SET_NAME_LABEL, type CapiObject } from '../../interfaces/capi/well-known.js';
import { nodeInformer, SILENT, statusCode, type Logger } from '../cloud/kube-client.js';
import { reconcileBootstrapConfig } from './bootstrap-provider.js';
import { reconcileControlPlane } from './control-plane-provider.js';
import { EMBEDDED_TIMING, InMemoryCloud, Kinds, type CapiTiming, type KindName, type RefContext } from './context.js';
import { reconcileCluster } from './core-cluster.js';
import { reconcileMachine } from './core-machine.js';
import { reconcileMachineDeployment, reconcileMachineSet } from './core-sets.js';
import { coreCrds, providerCrds, RefKinds } from './crds.js';
import { capiFaultPredicate, type CapiFaultName } from './faults.js';
import { reconcileInfraCluster, reconcileInfraMachine } from './infra-provider.js';
import { CapiClient, keyOf, OwnerIndex, ShardedQueue, type Informer } from './runtime.js';

export { CAPI_FAULTS, type CapiFaultName } from './faults.js';
export { EMBEDDED_TIMING, type CapiTiming } from './context.js';
export { RefKinds, INFRA_GROUP, BOOTSTRAP_GROUP, CONTROL_PLANE_GROUP } from './crds.js';

export interface ReferenceCapiOptions {
  readonly kubeconfig: string;
  readonly fault?: CapiFaultName;
  /** The provider contract the reference providers implement (v1beta2 when unset); core reads either. */
  readonly contract?: ContractVersion;
  readonly timing?: Partial<CapiTiming>;
  readonly log?: Logger;
  /** Concurrent reconciles per controller. */
  readonly workers?: number;
}

export interface ReferenceCapi {
  /** What the in-memory cloud holds: "namespace/name" of InfraClusters and InfraMachines it made. */
  inventory(): { clusters: string[]; machines: string[] };
  /** API requests the controllers made. */
  requests(): number;
  close(): Promise<void>;
}

const RECONCILERS: Record<KindName, ((ctx: RefContext, key: string) => Promise<void>) | undefined> = {
  cluster: reconcileCluster,
  machine: reconcileMachine,
  machineSet: reconcileMachineSet,
  machineDeployment: reconcileMachineDeployment,
  infraCluster: reconcileInfraCluster,
  infraMachine: reconcileInfraMachine,
  bootstrapConfig: reconcileBootstrapConfig,
  infraClusterTemplate: undefined,
  infraMachineTemplate: undefined,
  bootstrapConfigTemplate: undefined,
  controlPlane: reconcileControlPlane,
  controlPlaneTemplate: undefined,
};

/** client-node's serializer knows schema extensions only by their model names (x_kubernetes_list_type …). */
function modelNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(modelNames);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('x-kubernetes-') ? k.replaceAll('-', '_') : k, modelNames(v)]));
}

async function installCrds(client: CapiClient, crds: Record<string, unknown>[]): Promise<void> {
  const api = client.kube.config.makeApiClient(ApiextensionsV1Api);
  for (const body of crds) {
    await api.createCustomResourceDefinition({ body: modelNames(body) as never }).catch((error: unknown) => {
      if (statusCode(error) !== 409) throw error;
    });
  }
}

export async function startReferenceCapi(options: ReferenceCapiOptions): Promise<ReferenceCapi> {
  const log = options.log ?? SILENT;
  const contract = CONTRACTS[options.contract ?? 'v1beta2'];
  const faulty = capiFaultPredicate(options.fault, contract.version);
  const client = new CapiClient(options.kubeconfig);
  const contractVersions = faulty('wrong-contract-label') ? 'v1beta1' : undefined;
  const crds = [...coreCrds(), ...providerCrds(contractVersions, contract.label, faulty('cp-template-flat'))];
  if (faulty('no-clusterctl-label')) for (const crd of crds.slice(coreCrds().length)) delete (crd.metadata as { labels: Record<string, string> }).labels['clusterctl.cluster.x-k8s.io'];
  await installCrds(client, crds);

  const kinds = Object.keys(Kinds) as KindName[];
  const informers = Object.fromEntries(kinds.map((k) => [k, client.informer(Kinds[k], log)])) as Record<KindName, Informer>;
  const ctx: RefContext = {
    client,
    log,
    timing: { ...EMBEDDED_TIMING, ...options.timing },
    contract,
    cloud: new InMemoryCloud(),
    faulty,
    informers,
    owners: { machine: new OwnerIndex(informers.machine), machineSet: new OwnerIndex(informers.machineSet) },
    queues: {},
    nodes: nodeInformer(client.kube, log),
    pendingCreates: new Map(),
    orphaned: new Set(),
    nodeByProviderID: new Map(),
    controlPlanes: { kubeconfigs: new Set(), firstReplicas: new Map(), placements: new Map() },
  };
  for (const kind of kinds) {
    const reconcile = RECONCILERS[kind];
    if (reconcile) ctx.queues[kind] = new ShardedQueue(kind, (key) => reconcile(ctx, key), log, options.workers ?? 4);
  }
  wire(ctx);
  const close = async () => {
    for (const q of Object.values(ctx.queues)) q.close();
    await Promise.all([...Object.values(informers), ctx.nodes].map((i) => i.stop().catch(() => undefined)));
    client.close();
  };
  try {
    await Promise.all([...Object.values(informers).map((i) => startWithRetry(i)), ctx.nodes.start()]);
  } catch (error) {
    await close();
    throw error;
  }
  log.info('reference Cluster API controllers and providers running');
  return {
    inventory: () => ({ clusters: [...ctx.cloud.clusters.keys()], machines: [...ctx.cloud.machines.keys()] }),
    requests: () => client.requests,
    close,
  };
}

/** A CRD just created may take a moment to be served; the first list is retried briefly. */
async function startWithRetry(informer: Informer): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await informer.start();
    } catch (error) {
      if (attempt >= 50 || statusCode(error) !== 404) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Which reconciles each change triggers. */
function wire(ctx: RefContext): void {
  const q = ctx.queues;
  const at = (o: CapiObject, name: string | undefined) => (name ? `${o.metadata.namespace}/${name}` : undefined);
  const add = (queue: string, key: string | undefined) => key && q[queue]!.add(key);
  const onChange = (kind: KindName, handler: (o: CapiObject) => void) => ctx.informers[kind].on({ add: handler, update: handler, delete: handler });
  const byProviderID = new Map<string, string>();

  const machineAndRefs = (m: CapiObject) => {
    add('machine', keyOf(m));
    add('infraMachine', at(m, m.spec?.infrastructureRef?.name));
    add('bootstrapConfig', at(m, m.spec?.bootstrap?.configRef?.name));
  };
  onChange('cluster', (c) => {
    add('cluster', keyOf(c));
    add('infraCluster', at(c, c.spec?.infrastructureRef?.name));
    add('controlPlane', at(c, c.spec?.controlPlaneRef?.name));
    const ofCluster = (kind: KindName) => ctx.informers[kind].list().filter((o) => o.metadata.namespace === c.metadata.namespace && (o.spec?.clusterName === c.metadata.name || o.metadata.labels?.[CLUSTER_NAME_LABEL] === c.metadata.name));
    for (const m of ofCluster('machine')) machineAndRefs(m);
    for (const s of ofCluster('machineSet')) add('machineSet', keyOf(s));
    for (const d of ofCluster('machineDeployment')) add('machineDeployment', keyOf(d));
    for (const i of ofCluster('infraMachine')) add('infraMachine', keyOf(i));
  });
  onChange('infraCluster', (i) => {
    add('infraCluster', keyOf(i));
    const owner = ownerOfKind(i, 'Cluster');
    if (owner) add('cluster', at(i, owner.name));
    else for (const c of ctx.informers.cluster.list()) if (c.metadata.namespace === i.metadata.namespace && c.spec?.infrastructureRef?.name === i.metadata.name) add('cluster', keyOf(c));
  });
  for (const kind of ['infraMachine', 'bootstrapConfig'] as const) {
    onChange(kind, (o) => {
      add(kind, keyOf(o));
      const owner = ownerOfKind(o, 'Machine');
      if (owner) add('machine', at(o, owner.name));
      else {
        const ref = kind === 'infraMachine' ? (m: CapiObject) => m.spec?.infrastructureRef?.name : (m: CapiObject) => m.spec?.bootstrap?.configRef?.name;
        for (const m of ctx.informers.machine.list()) if (m.metadata.namespace === o.metadata.namespace && ref(m) === o.metadata.name) add('machine', keyOf(m));
      }
    });
  }
  const orphan = (o: CapiObject, kind: 'machineSet' | 'machineDeployment', label: string) => {
    const owner = o.metadata.labels?.[label];
    if (!owner || o.metadata.ownerReferences?.some((r) => r.controller)) return;
    ctx.orphaned.add(`${kind}/${o.metadata.namespace}/${owner}`);
    add(kind, at(o, owner));
  };
  onChange('machine', (m) => {
    machineAndRefs(m);
    orphan(m, 'machineSet', SET_NAME_LABEL);
    if (m.spec?.providerID) byProviderID.set(m.spec.providerID, keyOf(m));
    const owner = ownerOfKind(m, 'MachineSet');
    if (owner) add('machineSet', at(m, owner.name));
    add('controlPlane', at(m, ownerOfKind(m, RefKinds.controlPlane.kind)?.name));
  });
  onChange('controlPlane', (cp) => {
    add('controlPlane', keyOf(cp));
    add('cluster', at(cp, ownerOfKind(cp, 'Cluster')?.name));
  });
  onChange('machineSet', (s) => {
    add('machineSet', keyOf(s));
    orphan(s, 'machineDeployment', DEPLOYMENT_NAME_LABEL);
    const owner = ownerOfKind(s, 'MachineDeployment');
    if (owner) add('machineDeployment', at(s, owner.name));
  });
  onChange('machineDeployment', (d) => add('machineDeployment', keyOf(d)));
  // A deleting Cluster waits for its workers to go: each one gone wakes it.
  for (const kind of ['machine', 'machineSet', 'machineDeployment'] as const) {
    ctx.informers[kind].on({ delete: (o) => add('cluster', at(o, o.metadata.labels?.[CLUSTER_NAME_LABEL])) });
  }
  onChange('infraMachineTemplate', (t) => {
    if (!ctx.faulty('mutable-template')) return;
    for (const i of ctx.informers.infraMachine.list()) if (i.metadata.namespace === t.metadata.namespace) add('infraMachine', keyOf(i));
  });
  const onNode = (n: { metadata: { name: string }; spec?: { providerID?: string } }) => {
    if (n.spec?.providerID) ctx.nodeByProviderID.set(n.spec.providerID, n.metadata.name);
    add('machine', byProviderID.get(n.spec?.providerID ?? ''));
  };
  ctx.nodes.on({
    add: onNode,
    update: onNode,
    delete: (n) => {
      if (n.spec?.providerID) ctx.nodeByProviderID.delete(n.spec.providerID);
      add('machine', byProviderID.get(n.spec?.providerID ?? ''));
    },
  });
}
