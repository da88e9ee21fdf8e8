// The providers driven through Cluster API core: a MachineDeployment scales 0 → N → 0 with every
// Machine walking its phases to Running with a Node; deleting a Cluster removes all it owns; owner
// references and finalizers stripped while paused come back (CAPI's own e2e resilience checks).
// With a control-plane provider under test the Cluster gets its control plane from it, made as the
// control-plane profile makes one (a kubeadm-style bootstrap provider writes a worker's data only
// once the control plane is initialized); without one the Cluster has no control plane.
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { ConformanceError } from '../../src/core/errors.js';
import { apiFailure, isNotFound } from '../../src/kube-kit/objects.js';
import { CLUSTER_NAME_LABEL, CoreKinds, DEPLOYMENT_NAME_LABEL, kubeconfigSecretName, MACHINE_KUBERNETES_VERSION, MACHINE_PHASES, type KindRef } from '../../src/interfaces/capi/well-known.js';
import { capiTest, CONTRACT_SUITES, e2eSpec, type CapiContext, type CapiTest, type ContractSuite } from './define.js';
import { create, describe, finalizersBack, namespace, newCluster, patch, provisionedCluster, remove, templateMeta, watch, writtenSince, type ClusterScene, type Obj, type Observer } from './fixtures.js';
import { isInitialized, newControlPlane, type ControlPlaneScene } from './control-plane-scene.js';

const SCALE_TO = 3;
const CORE_BOOK = 'https://github.com/kubernetes-sigs/cluster-api/blob/release-1.14/docs/book/src/reference/api/labels-and-annotations.md';

/** A Cluster, with its control plane when the run has a control-plane provider under test. */
type WorkersScene = ClusterScene & Partial<Pick<ControlPlaneScene, 'cpName' | 'controlPlanes'>>;

interface Workers {
  readonly scene: WorkersScene;
  readonly name: string;
  readonly machines: Observer;
  readonly infraMachines: Observer;
  readonly sets: Observer;
  readonly deployments: Observer;
}

/** A provisioned Cluster: with a ControlPlane of the provider under test, made as the control-plane profile makes it, if there is one. */
async function clusterOfWorkers(ctx: CapiContext, ns: string): Promise<WorkersScene> {
  if (ctx.env.controlPlane) return newControlPlane(ctx, ns);
  const scene = await newCluster(ctx, ns);
  await provisionedCluster(ctx, scene);
  return scene;
}

/** A provisioned Cluster with a MachineDeployment of `replicas` over the providers' templates. */
async function workers(ctx: CapiContext, replicas: number): Promise<Workers> {
  const { infra, bootstrap } = ctx.env;
  const ns = await namespace(ctx);
  const scene = await clusterOfWorkers(ctx, ns);
  const bootstrapTemplate = bootstrap!.kinds.find((k) => k.kind === `${bootstrap!.config.kind}Template`);
  if (!infra!.machineTemplate || !bootstrapTemplate) throw new ConformanceError('the providers lack the InfraMachineTemplate or BootstrapConfigTemplate CRD the contract makes mandatory');
  const name = ctx.unique('workers');
  await create(ctx, infra!.machineTemplate, ns, { metadata: { name }, spec: { template: { metadata: templateMeta(infra!.machineMeta), spec: structuredClone(infra!.machineSpec) } } });
  await create(ctx, bootstrapTemplate, ns, { metadata: { name }, spec: { template: { spec: structuredClone(bootstrap!.spec) } } });
  const [machines, infraMachines, sets, deployments] = await Promise.all([watch(ctx, CoreKinds.machine, ns), watch(ctx, infra!.machine, ns), watch(ctx, CoreKinds.machineSet, ns), watch(ctx, CoreKinds.machineDeployment, ns)]);
  const clusterName = scene.cluster.metadata.name;
  const ref = (k: KindRef) => ({ apiGroup: k.group, kind: k.kind, name });
  await create(ctx, CoreKinds.machineDeployment, ns, {
    metadata: { name, labels: { [CLUSTER_NAME_LABEL]: clusterName } },
    spec: {
      clusterName,
      replicas,
      // What core's defaulting webhook fills in, written out so the run does not depend on the webhook
      // (without a strategy type core's controller stops: "unexpected deployment strategy type").
      rollout: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
      deletion: { order: 'Random' },
      selector: { matchLabels: { [DEPLOYMENT_NAME_LABEL]: name } },
      template: { metadata: { labels: { [DEPLOYMENT_NAME_LABEL]: name } }, spec: { clusterName, version: MACHINE_KUBERNETES_VERSION, infrastructureRef: ref(infra!.machineTemplate), bootstrap: { configRef: ref(bootstrapTemplate) } } },
    },
  });
  return { scene, name, machines, infraMachines, sets, deployments };
}

const ofDeployment = (w: Workers) => [...w.machines.latest.values()].filter((m) => m.metadata.labels?.[DEPLOYMENT_NAME_LABEL] === w.name);
const running = (m: Obj) => m.status?.phase === 'Running' && typeof m.status?.nodeRef?.name === 'string';
/** The InfraMachines of the workers: all but those of Machines not of the MachineDeployment (the control plane's). */
function workerInfraMachines(w: Workers): Obj[] {
  const others = new Set([...w.machines.latest.values()].filter((m) => m.metadata.labels?.[DEPLOYMENT_NAME_LABEL] !== w.name).map((m) => m.spec?.infrastructureRef?.name));
  return [...w.infraMachines.latest.values()].filter((i) => !others.has(i.metadata.name));
}
/** The control plane's state, for a wait that may be held up by it (a kubeadm-style bootstrap provider waits for its initialization). */
function controlPlaneState(w: Workers): string {
  if (!w.scene.controlPlanes) return '; the Cluster has no control plane (the run has no control-plane provider under test)';
  const cp = w.scene.controlPlanes.get(w.scene.cpName!);
  return `; ControlPlane ${w.scene.cpName} ${isInitialized(cp) ? 'initialized' : `not initialized: ${describe(cp)}`}`;
}

function allRunning(ctx: CapiContext, w: Workers, n: number): Promise<Obj[]> {
  return w.machines.until(
    () => {
      const list = ofDeployment(w);
      return list.length === n && list.every(running) ? list : undefined;
    },
    `${n} Machines Running with a nodeRef`,
    ctx.signal,
    () => (ofDeployment(w).map((m) => `${m.metadata.name}: ${m.status?.phase ?? 'no phase'}${m.status?.nodeRef ? ' with nodeRef' : ''}`).join(', ') || 'no machine') + controlPlaneState(w),
  );
}

type NodeReader = (name: string) => Promise<V1Node | undefined>;

/** Reads a Node through `api`: undefined when there is none, any other failure thrown naming `where`. */
const nodeReader = (api: CoreV1Api, where: string): NodeReader => (name) =>
  api.readNode({ name }).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(apiFailure(`reading Node ${name} in ${where}`, error))));

/** The workload cluster's Nodes, through the Cluster's kubeconfig Secret; undefined without that Secret. */
async function workloadNodeReader(ctx: CapiContext, scene: ClusterScene): Promise<NodeReader | undefined> {
  const name = kubeconfigSecretName(scene.cluster.metadata.name);
  const secret = await ctx.env.core.readNamespacedSecret({ name, namespace: scene.ns }).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(apiFailure(`reading Secret ${scene.ns}/${name}`, error))));
  if (!secret?.data?.value) return undefined;
  const kc = new KubeConfig();
  kc.loadFromString(Buffer.from(secret.data.value, 'base64').toString('utf8'));
  return nodeReader(kc.makeApiClient(CoreV1Api), `the workload cluster (${kc.getCurrentCluster()?.server}, from Secret ${name})`);
}

/**
 * A Machine's Node where it is: in the management cluster, where a provider that simulates its
 * machines may register them (conformal's reference does), else in the workload cluster, reached
 * as core reaches it through the Cluster's kubeconfig Secret. With a reader of that cluster (the
 * management cluster when the Node is in neither), to look again after the Machine is deleted.
 */
async function locateNode(ctx: CapiContext, scene: ClusterScene, name: string): Promise<{ node: V1Node | undefined; read: NodeReader }> {
  const management = nodeReader(ctx.env.core, 'the management cluster');
  const node = await management(name);
  const workload = node ? undefined : await workloadNodeReader(ctx, scene);
  if (!workload) return { node, read: management };
  return { node: await workload(name), read: workload };
}

/** A MachineDeployment of one Running Machine, with its MachineSet. */
async function oneRunning(ctx: CapiContext) {
  const w = await workers(ctx, 1);
  const [machine] = await allRunning(ctx, w, 1);
  return { w, machine: machine!, ns: w.scene.ns, set: [...w.sets.latest.values()][0]! };
}

export const withCoreTestsFor = (s: ContractSuite): CapiTest[] => [
  capiTest({
    id: s.id('capi.core.machine-deployment.scale'),
    title: s.title('a MachineDeployment scales 0 → 3 → 0; each Machine walks Pending → Provisioning → Provisioned → Running with a Node'),
    spec: { section: 'Machine phases; MachineDeployment', rule: 'Machines walk the phases in order to Running with status.nodeRef; scaling down removes Machines, InfraMachines and Nodes', url: CORE_BOOK },
    profile: 'core',
    operations: ['MachineDeployment', 'Machine'],
    requires: s.WITH_CORE,
    async run(ctx) {
      const w = await workers(ctx, 0);
      const ns = w.scene.ns;
      await w.deployments.object(w.name, (d) => d.status?.replicas === 0 && typeof d.status?.selector === 'string', 'status.replicas 0 and a selector', ctx.signal, describe);
      const started = Date.now();
      await patch(ctx, CoreKinds.machineDeployment, ns, w.name, { spec: { replicas: SCALE_TO } });
      const list = await allRunning(ctx, w, SCALE_TO);
      ctx.measure('machines_running_seconds', (Date.now() - started) / 1000);
      const problems: string[] = [];
      const nodes: Array<[string, NodeReader]> = [];
      for (const m of list) {
        const phases = w.machines.history(m.metadata.name).map((e) => e.object.status?.phase).filter((p): p is string => typeof p === 'string');
        const order = phases.map((p) => MACHINE_PHASES.indexOf(p as (typeof MACHINE_PHASES)[number]));
        if (order.some((i) => i < 0) || order.some((i, k) => k > 0 && i < order[k - 1]!)) problems.push(`Machine ${m.metadata.name} went ${phases.join(' → ')}`);
        const { node, read } = await locateNode(ctx, w.scene, m.status!.nodeRef.name);
        nodes.push([m.status!.nodeRef.name, read]);
        if (!node) problems.push(`Machine ${m.metadata.name} has nodeRef ${m.status!.nodeRef.name}, which does not exist`);
        else if (node.spec?.providerID !== m.spec?.providerID) problems.push(`Node ${node.metadata?.name} has providerID ${node.spec?.providerID}, its Machine ${m.spec?.providerID}`);
      }
      if (problems.length) throw new ConformanceError(problems.join('; '));
      await patch(ctx, CoreKinds.machineDeployment, ns, w.name, { spec: { replicas: 0 } });
      await w.machines.until(() => (ofDeployment(w).length === 0 ? true : undefined), 'every Machine gone after scaling to 0', ctx.signal);
      await w.infraMachines.until(() => (workerInfraMachines(w).length === 0 ? true : undefined), 'every InfraMachine of the workers gone', ctx.signal);
      for (const [node, read] of nodes) if (await read(node)) throw new ConformanceError(`Node ${node} is still there after its Machine was deleted`);
    },
  }),
  capiTest({
    id: s.id('capi.core.cluster.deletion-cascade'),
    title: s.title('deleting a Cluster removes its MachineDeployments, Machines, control plane and infrastructure before the Cluster goes'),
    spec: e2eSpec('ClusterDeletionSpec', 'a deleted Cluster takes everything it owns with it', 'clusterctl_helpers.go'),
    profile: 'core',
    operations: ['Cluster'],
    requires: s.WITH_CORE,
    async run(ctx) {
      const w = await workers(ctx, 2);
      await allRunning(ctx, w, 2);
      const ns = w.scene.ns;
      await remove(ctx, CoreKinds.cluster, ns, w.scene.cluster.metadata.name);
      await w.scene.clusters.gone(w.scene.cluster.metadata.name, 'the Cluster gone', ctx.signal);
      const left = [
        ...[...w.deployments.latest.values()].map((o) => `MachineDeployment ${o.metadata.name}`),
        ...[...w.machines.latest.values()].map((o) => `Machine ${o.metadata.name}`),
        ...[...w.infraMachines.latest.values()].map((o) => `InfraMachine ${o.metadata.name}`),
        ...[...w.scene.infraClusters.latest.values()].map((o) => `InfraCluster ${o.metadata.name}`),
        ...[...(w.scene.controlPlanes?.latest.values() ?? [])].map((o) => `ControlPlane ${o.metadata.name}`),
      ];
      if (left.length) throw new ConformanceError(`the Cluster is gone but these of it are left: ${left.join(', ')}`);
    },
  }),
  capiTest({
    id: s.id('capi.core.owner-references-restored'),
    title: s.title('owner references stripped while the Cluster is paused are rebuilt after unpausing'),
    spec: e2eSpec('ValidateOwnerReferencesResilience', 'pause, strip every ownerReference, unpause: the ownership graph is rebuilt', 'ownerreference_helpers.go'),
    profile: 'core',
    operations: ['Cluster', 'MachineSet', 'Machine'],
    requires: s.WITH_CORE,
    async run(ctx) {
      const { w, machine, ns, set } = await oneRunning(ctx);
      const clusterName = w.scene.cluster.metadata.name;
      const targets: Array<[KindRef, string, Observer, string]> = [
        [CoreKinds.machineSet, set.metadata.name, w.sets, 'MachineDeployment'],
        [CoreKinds.machine, machine.metadata.name, w.machines, 'MachineSet'],
        [ctx.env.infra!.machine, machine.spec?.infrastructureRef?.name, w.infraMachines, 'Machine'],
        [ctx.env.infra!.cluster, w.scene.infraName, w.scene.infraClusters, 'Cluster'],
        ...(w.scene.controlPlanes ? [[ctx.env.controlPlane!.controlPlane, w.scene.cpName!, w.scene.controlPlanes, 'Cluster'] as [KindRef, string, Observer, string]] : []),
      ];
      await patch(ctx, CoreKinds.cluster, ns, clusterName, { spec: { paused: true } });
      const strippedAt: Array<string | undefined> = [];
      for (const [kind, name] of targets) strippedAt.push((await patch(ctx, kind, ns, name, { metadata: { ownerReferences: null } })).metadata.resourceVersion);
      await patch(ctx, CoreKinds.cluster, ns, clusterName, { spec: { paused: false } });
      for (const [i, [kind, name, observer, ownerKind]] of targets.entries()) {
        await writtenSince(ctx, observer, name, strippedAt[i], (o) => o.metadata.ownerReferences?.some((r) => r.kind === ownerKind) ?? false, `${kind.kind} ${name} owned by a ${ownerKind} again`);
      }
    },
  }),
  capiTest({
    id: s.id('capi.core.finalizers-restored'),
    title: s.title('finalizers stripped from core and provider objects come back'),
    spec: e2eSpec('ValidateFinalizersResilience', 'stripped finalizers of Cluster, MachineDeployment, MachineSet, Machine and provider objects are added back', 'finalizers_helpers.go'),
    profile: 'core',
    operations: ['Cluster', 'MachineDeployment', 'MachineSet', 'Machine'],
    requires: s.WITH_CORE,
    async run(ctx) {
      const { w, machine, ns, set } = await oneRunning(ctx);
      // As upstream's e2e does, on a provisioned cluster: a ControlPlane still initializing adds its
      // finalizer on its next pass anyway, so stripping it then shows nothing.
      if (w.scene.controlPlanes) await w.scene.controlPlanes.object(w.scene.cpName!, isInitialized, `ControlPlane ${w.scene.cpName} initialized`, ctx.signal, describe);
      const targets: Array<[KindRef, Obj, Observer]> = [
        [CoreKinds.cluster, w.scene.clusters.get(w.scene.cluster.metadata.name)!, w.scene.clusters],
        [CoreKinds.machineDeployment, w.deployments.get(w.name)!, w.deployments],
        [CoreKinds.machineSet, set, w.sets],
        [CoreKinds.machine, machine!, w.machines],
        [ctx.env.infra!.machine, w.infraMachines.get(machine.spec?.infrastructureRef?.name)!, w.infraMachines],
        [ctx.env.infra!.cluster, w.scene.infraClusters.get(w.scene.infraName)!, w.scene.infraClusters],
        ...(w.scene.controlPlanes ? [[ctx.env.controlPlane!.controlPlane, w.scene.controlPlanes.get(w.scene.cpName!)!, w.scene.controlPlanes] as [KindRef, Obj, Observer]] : []),
      ];
      const strippedAt: Array<string | undefined> = [];
      for (const [kind, o] of targets) strippedAt.push((await patch(ctx, kind, ns, o.metadata.name, { metadata: { finalizers: null } })).metadata.resourceVersion);
      for (const [i, [kind, o, observer]] of targets.entries()) {
        const wanted = o.metadata.finalizers ?? [];
        if (wanted.length === 0) throw new ConformanceError(`${kind.kind} ${o.metadata.name} had no finalizer to strip`);
        await finalizersBack(ctx, observer, kind.kind, o.metadata.name, wanted, strippedAt[i]);
      }
    },
  }),
];


export const withCoreTests = withCoreTestsFor(CONTRACT_SUITES.v1beta2);
