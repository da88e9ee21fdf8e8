// The ControlPlane contract (v1beta2): act only once owned by a Cluster; report
// status.initialization.controlPlaneInitialized (mandatory) with an endpoint in place; write the
// Cluster's kubeconfig Secret (mandatory); where the CRD declares them, replicas with the scale
// subresource, versions and control-plane Machines; respect pause, run the finalizer on deletion,
// well-formed conditions, no hot loop, a stripped finalizer comes back.
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { X509Certificate } from 'node:crypto';
import { ConformanceError } from '../../src/core/errors.js';
import { CapiCapability } from '../../src/interfaces/capi/capabilities.js';
import { CAPI_SECRET_TYPE, CLUSTER_NAME_LABEL, conditionOf, CONTROL_PLANE_LABEL, CoreKinds, kubeconfigSecretName, PAUSED_ANNOTATION } from '../../src/interfaces/capi/well-known.js';
import { conditionProblems, endpointProblems } from './checks.js';
import { capiTest, CONTROL_PLANE, CONTROL_PLANE_WITH_CORE, e2eSpec, spec, type CapiContext } from './define.js';
import { describe, finalizersBack, namespace, patch, provisionedCluster, remove, type Obj } from './fixtures.js';
import { initialized, initializedControlPlane, isInitialized, machinesOf, newControlPlane, observedControlPlane, selectorMatcher, type ControlPlaneOptions, type ControlPlaneScene } from './control-plane-scene.js';

const problemsOf = (problems: string[]) => {
  if (problems.length) throw new ConformanceError(problems.join('; '));
};

/** What the provider would have changed had it acted: finalizers, spec, status of the contract. */
const touched = (before: Obj, after: Obj) => {
  const contract = (o: Obj) => JSON.stringify([o.metadata.finalizers, o.spec, o.status?.initialization, o.status?.replicas, o.status?.selector]);
  return contract(before) !== contract(after);
};

async function kubeconfigSecretExists(ctx: CapiContext, ns: string, cluster: string): Promise<boolean> {
  return ctx.env.core.readNamespacedSecret({ name: kubeconfigSecretName(cluster), namespace: ns }).then(
    () => true,
    () => false,
  );
}

/** A held control plane did nothing past a witness: no Machines, not initialized, no kubeconfig; then `release` lets it initialize. */
async function heldThenReleased(ctx: CapiContext, options: ControlPlaneOptions, what: string, release: (scene: ControlPlaneScene) => Promise<unknown>): Promise<void> {
  const { scene, witness } = await observedControlPlane(ctx, options);
  await witness();
  const held = scene.controlPlanes.get(scene.cpName)!;
  const acted = [
    ...(isInitialized(held) ? ['reported controlPlaneInitialized'] : []),
    ...(machinesOf(scene, held).length ? [`created ${machinesOf(scene, held).length} Machine(s)`] : []),
    ...((await kubeconfigSecretExists(ctx, scene.ns, scene.cluster.metadata.name)) ? ['wrote the kubeconfig Secret'] : []),
  ];
  if (acted.length) throw new ConformanceError(`ControlPlane ${scene.cpName} (${what}) ${acted.join(', ')}: ${describe(held)}`);
  await release(scene);
  await initialized(ctx, scene);
}

/** Counts the contract asks for, all equal to spec.replicas; Machines matching status.selector as many (machine-based). */
function replicasConsistent(ctx: CapiContext, scene: ControlPlaneScene, n: number): Promise<Obj> {
  return scene.controlPlanes.until(
    (latest) => {
      const cp = latest.get(`${scene.ns}/${scene.cpName}`);
      const s = cp?.status;
      if (!cp || cp.spec?.replicas !== n || typeof s?.selector !== 'string') return undefined;
      if (![s.replicas, s.readyReplicas, s.availableReplicas, s.upToDateReplicas].every((v) => v === n)) return undefined;
      if (ctx.env.controlPlane!.shape.machines) {
        const matches = selectorMatcher(s.selector);
        const selected = [...scene.machines.latest.values()].filter((m) => !m.metadata.deletionTimestamp && matches?.(m.metadata.labels));
        if (selected.length !== n) return undefined;
      }
      return cp;
    },
    `spec.replicas ${n} with status.replicas, readyReplicas, availableReplicas, upToDateReplicas all ${n}${ctx.env.controlPlane!.shape.machines ? ` and ${n} Machines matching status.selector` : ''}`,
    ctx.signal,
    () => describe(scene.controlPlanes.get(scene.cpName)),
  );
}

async function scaleTo(ctx: CapiContext, scene: ControlPlaneScene, replicas: number): Promise<void> {
  const { group, version, plural } = ctx.env.controlPlane!.controlPlane;
  await ctx.env.kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectScale({ group, version, plural, namespace: scene.ns, name: scene.cpName, body: { spec: { replicas } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

/** The kubeconfig's server, its CA and client credentials, as a client would load them. */
function kubeconfigProblems(text: string, server: string): string[] {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (error) {
    return [`the kubeconfig does not parse: ${(error as Error).message}`];
  }
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) return [`the kubeconfig's current context "${kc.getCurrentContext()}" names no cluster`];
  const problems: string[] = [];
  if (cluster.server.replace(/\/$/, '') !== server) problems.push(`the kubeconfig's server is ${cluster.server}, the control plane endpoint ${server}`);
  const pem = (data: string | undefined, what: string) => {
    if (!data) return undefined;
    try {
      return new X509Certificate(Buffer.from(data, 'base64'));
    } catch (error) {
      problems.push(`${what} is not a certificate: ${(error as Error).message}`);
      return undefined;
    }
  };
  pem(cluster.caData, 'certificate-authority-data');
  if (!user) problems.push('the kubeconfig names no user');
  else if (!user.token && !(user.certData && user.keyData) && !user.exec && !user.authProvider) problems.push(`user ${user.name} has no credentials (token, client certificate and key, exec or auth provider)`);
  const cert = pem(user?.certData, 'client-certificate-data');
  if (cert && Date.parse(cert.validTo) <= Date.now()) problems.push(`the client certificate expired at ${cert.validTo}`);
  return problems;
}

export const controlPlaneTests = [
  capiTest({
    id: 'capi.control-plane.waits-for-owner',
    title: 'a ControlPlane without an owner reference to a Cluster is left alone',
    spec: spec('control-plane', 'Typical ControlPlane reconciliation workflow', 'the provider reconciles a ControlPlane only once core set its owner reference to the Cluster'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    async run(ctx) {
      const { scene: orphan, witness } = await observedControlPlane(ctx, { owned: false });
      const before = orphan.controlPlanes.get(orphan.cpName) ?? (await orphan.controlPlanes.object(orphan.cpName, () => true, 'the orphan ControlPlane in the watch', ctx.signal));
      await witness();
      const now = orphan.controlPlanes.get(orphan.cpName)!;
      if (touched(before, now) || machinesOf(orphan, now).length) throw new ConformanceError(`ControlPlane ${orphan.cpName} has no owner but the provider acted on it: ${describe(now)}`);
    },
  }),
  capiTest({
    id: 'capi.control-plane.initialized',
    title: 'an owned ControlPlane reports status.initialization.controlPlaneInitialized',
    spec: spec('control-plane', 'ControlPlane: initialization completed', 'each ControlPlane MUST report when the Kubernetes control plane is initialized in status.initialization.controlPlaneInitialized'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    async run(ctx) {
      const started = Date.now();
      await initializedControlPlane(ctx, await namespace(ctx));
      ctx.measure('control_plane_initialized_seconds', (Date.now() - started) / 1000);
    },
  }),
  capiTest({
    id: 'capi.control-plane.endpoint',
    title: "a ControlPlane is initialized only with an endpoint: its own spec.controlPlaneEndpoint or, waited for, the Cluster's",
    spec: spec('control-plane', 'ControlPlane: endpoint', "a provider owning the endpoint surfaces it on spec.controlPlaneEndpoint; one not owning it exits reconciliation until the Cluster's spec.controlPlaneEndpoint is populated"),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    async run(ctx) {
      // The InfraCluster is paused: the Cluster gets no endpoint from the infrastructure provider.
      const { scene, witness } = await observedControlPlane(ctx, { infraPaused: true });
      await witness();
      const held = scene.controlPlanes.get(scene.cpName)!;
      if (isInitialized(held)) {
        if (!held.spec?.controlPlaneEndpoint) throw new ConformanceError(`ControlPlane ${scene.cpName} reports controlPlaneInitialized, but neither it nor its Cluster has a control plane endpoint: ${describe(held)}`);
        problemsOf(endpointProblems(held));
      }
      await patch(ctx, ctx.env.infra!.cluster, scene.ns, scene.infraName, { metadata: { annotations: { [PAUSED_ANNOTATION]: null } } });
      await provisionedCluster(ctx, scene);
      const cp = await initialized(ctx, scene);
      const cluster = scene.clusters.get(scene.cluster.metadata.name)!;
      problemsOf(cp.spec?.controlPlaneEndpoint ? endpointProblems(cp) : endpointProblems(cluster).map((p) => `the control plane has no endpoint of its own and its Cluster: ${p}`));
    },
  }),
  capiTest({
    id: 'capi.control-plane.kubeconfig',
    title: "the Cluster's kubeconfig Secret has the contract's name, type, label and value key, and holds a kubeconfig for the endpoint",
    spec: spec('control-plane', 'Cluster kubeconfig management', 'Secret <cluster>-kubeconfig in the Cluster namespace, type cluster.x-k8s.io/secret, label cluster.x-k8s.io/cluster-name, the kubeconfig under value'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    async run(ctx) {
      const { scene, cp } = await initializedControlPlane(ctx, await namespace(ctx));
      const clusterName = scene.cluster.metadata.name;
      const name = kubeconfigSecretName(clusterName);
      const secret = await ctx.env.core.readNamespacedSecret({ name, namespace: scene.ns }).catch((error: unknown) => {
        throw new ConformanceError(`the control plane is initialized but Secret ${name} cannot be read: ${(error as Error).message}`, { cause: error });
      });
      const problems: string[] = [];
      if (secret.type !== CAPI_SECRET_TYPE) problems.push(`Secret ${name} has type ${JSON.stringify(secret.type)}, expected ${CAPI_SECRET_TYPE}`);
      if (secret.metadata?.labels?.[CLUSTER_NAME_LABEL] !== clusterName) problems.push(`Secret ${name} has ${CLUSTER_NAME_LABEL}=${JSON.stringify(secret.metadata?.labels?.[CLUSTER_NAME_LABEL])}, expected ${clusterName}`);
      const value = secret.data?.value;
      if (!value) problems.push(`Secret ${name} has no key "value" (keys: ${Object.keys(secret.data ?? {}).join(', ')})`);
      else {
        const endpoint = cp.spec?.controlPlaneEndpoint ?? scene.clusters.get(clusterName)?.spec?.controlPlaneEndpoint;
        problems.push(...kubeconfigProblems(Buffer.from(value, 'base64').toString('utf8'), `https://${endpoint?.host}:${endpoint?.port}`).map((p) => `Secret ${name}: ${p}`));
      }
      problemsOf(problems);
    },
  }),
  capiTest({
    id: 'capi.control-plane.replicas',
    title: 'a ControlPlane scaled through its scale subresource reports replica counts following spec.replicas',
    spec: spec('control-plane', 'ControlPlane: replicas', 'spec.replicas; status.selector, replicas, readyReplicas, availableReplicas, upToDateReplicas; scale subresource .spec.replicas / .status.replicas / .status.selector'),
    profile: 'extended',
    operations: ['ControlPlane'],
    requires: [...CONTROL_PLANE, CapiCapability.controlPlaneReplicas],
    tags: ['Feature:ControlPlaneReplicas'],
    async run(ctx) {
      const scale = ctx.env.controlPlane!.shape.scale;
      const wanted = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };
      if (!scale) throw new ConformanceError('the ControlPlane CRD has spec.replicas but no scale subresource');
      problemsOf(Object.entries(wanted).filter(([k, v]) => scale[k as keyof typeof scale] !== v).map(([k, v]) => `the scale subresource has ${k} ${JSON.stringify(scale[k as keyof typeof scale])}, expected ${v}`));
      const scene = await newControlPlane(ctx, await namespace(ctx), { replicas: 1 });
      await replicasConsistent(ctx, scene, 1);
      await scaleTo(ctx, scene, 2);
      const cp = await replicasConsistent(ctx, scene, 2);
      const { group, version, plural } = ctx.env.controlPlane!.controlPlane;
      const read = (await ctx.env.kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObjectScale({ group, version, plural, namespace: scene.ns, name: scene.cpName })) as { spec?: { replicas?: number }; status?: { replicas?: number; selector?: string } };
      if (read.spec?.replicas !== 2 || read.status?.replicas !== 2 || read.status?.selector !== cp.status?.selector) throw new ConformanceError(`the scale subresource reads ${JSON.stringify(read)}; expected replicas 2 and selector ${cp.status?.selector}`);
      await scaleTo(ctx, scene, 1);
      await replicasConsistent(ctx, scene, 1);
    },
  }),
  capiTest({
    id: 'capi.control-plane.version',
    title: 'a ControlPlane reports the Kubernetes version of spec.version in status.version or status.versions',
    spec: spec('control-plane', 'ControlPlane: version', 'spec.version; status.version (the minimum version of the control plane) or status.versions[]{version, replicas}'),
    profile: 'extended',
    operations: ['ControlPlane'],
    requires: [...CONTROL_PLANE, CapiCapability.controlPlaneVersion],
    tags: ['Feature:ControlPlaneVersion'],
    async run(ctx) {
      const scene = await newControlPlane(ctx, await namespace(ctx));
      const reports = (cp: Obj) => cp.status?.version !== undefined || (Array.isArray(cp.status?.versions) && cp.status.versions.length > 0);
      const cp = await scene.controlPlanes.object(scene.cpName, (o) => isInitialized(o) && reports(o) && (!ctx.env.controlPlane!.shape.replicas || o.status?.readyReplicas === o.spec?.replicas), 'initialized, all replicas ready, with status.version or status.versions', ctx.signal, describe);
      const wanted = cp.spec?.version;
      const problems: string[] = [];
      if (cp.status?.version !== undefined && cp.status.version !== wanted) problems.push(`status.version is ${JSON.stringify(cp.status.version)} with every replica ready at spec.version ${wanted}`);
      for (const v of (cp.status?.versions ?? []) as Array<{ version?: unknown; replicas?: unknown }>) {
        if (typeof v.version !== 'string' || !/^v?\d+\.\d+\.\d+/.test(v.version)) problems.push(`status.versions has version ${JSON.stringify(v.version)}`);
        else if (v.version !== wanted) problems.push(`status.versions lists ${v.version} with every replica ready at spec.version ${wanted}`);
        if (v.replicas !== undefined && (!Number.isInteger(v.replicas) || (v.replicas as number) < 0)) problems.push(`status.versions ${String(v.version)} has replicas ${JSON.stringify(v.replicas)}`);
      }
      problemsOf(problems);
    },
  }),
  capiTest({
    id: 'capi.control-plane.machines',
    title: 'control-plane Machines carry the control-plane and cluster-name labels and a controller reference to the ControlPlane',
    spec: spec('control-plane', 'ControlPlane: machines', 'Machines created by the provider carry cluster.x-k8s.io/control-plane: "" and are controlled by the ControlPlane; spec.machineTemplate.spec.infrastructureRef'),
    profile: 'extended',
    operations: ['ControlPlane', 'Machine'],
    requires: [...CONTROL_PLANE, CapiCapability.controlPlaneMachines],
    tags: ['Feature:ControlPlaneMachines'],
    async run(ctx) {
      const { scene, cp } = await initializedControlPlane(ctx, await namespace(ctx));
      const clusterName = scene.cluster.metadata.name;
      const machines = await scene.machines.until(() => (machinesOf(scene, cp).length ? machinesOf(scene, cp) : undefined), `Machines controlled by ControlPlane ${scene.cpName}`, ctx.signal);
      const problems = machines.flatMap((m) => {
        const where = `Machine ${m.metadata.name}`;
        const found: string[] = [];
        if (m.metadata.labels?.[CONTROL_PLANE_LABEL] !== '') found.push(`${where} has ${CONTROL_PLANE_LABEL}=${JSON.stringify(m.metadata.labels?.[CONTROL_PLANE_LABEL])}, expected ""`);
        if (m.metadata.labels?.[CLUSTER_NAME_LABEL] !== clusterName) found.push(`${where} has ${CLUSTER_NAME_LABEL}=${JSON.stringify(m.metadata.labels?.[CLUSTER_NAME_LABEL])}, expected ${clusterName}`);
        const controller = m.metadata.ownerReferences?.find((r) => r.controller);
        if (controller?.kind !== ctx.env.controlPlane!.controlPlane.kind) found.push(`${where}'s controller is ${JSON.stringify(controller)}, not the ControlPlane`);
        if (m.spec?.clusterName !== clusterName) found.push(`${where} has spec.clusterName ${JSON.stringify(m.spec?.clusterName)}`);
        if (m.spec?.infrastructureRef?.kind !== ctx.env.infra!.machine.kind) found.push(`${where}'s infrastructureRef is ${JSON.stringify(m.spec?.infrastructureRef)}, not a ${ctx.env.infra!.machine.kind} cloned from spec.machineTemplate`);
        return found;
      });
      problemsOf(problems);
    },
  }),
  capiTest({
    id: 'capi.control-plane.paused',
    title: 'a ControlPlane of a paused Cluster does nothing until the Cluster is unpaused',
    spec: spec('control-plane', 'ControlPlane: pausing', 'no reconciliation while the Cluster has spec.paused (clusterctl move relies on it)'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    run: (ctx) => heldThenReleased(ctx, { paused: 'cluster' }, 'Cluster spec.paused', (scene) => patch(ctx, CoreKinds.cluster, scene.ns, scene.cluster.metadata.name, { spec: { paused: false } })),
  }),
  capiTest({
    id: 'capi.control-plane.paused-annotation',
    title: 'a ControlPlane with the paused annotation does nothing until the annotation goes',
    spec: spec('control-plane', 'ControlPlane: pausing', 'no reconciliation while the ControlPlane carries annotation cluster.x-k8s.io/paused'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    run: (ctx) => heldThenReleased(ctx, { paused: 'annotation' }, 'paused annotation', (scene) => patch(ctx, ctx.env.controlPlane!.controlPlane, scene.ns, scene.cpName, { metadata: { annotations: { [PAUSED_ANNOTATION]: null } } })),
  }),
  capiTest({
    id: 'capi.control-plane.deletion',
    title: 'a deleted ControlPlane removes its Machines and goes away through its finalizer',
    spec: spec('control-plane', 'Typical ControlPlane reconciliation workflow', 'on deletion the provider removes what it made (its Machines) before removing its finalizer'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    async run(ctx) {
      const { scene, cp } = await initializedControlPlane(ctx, await namespace(ctx));
      if (!cp.metadata.finalizers?.length) throw new ConformanceError(`initialized ControlPlane ${scene.cpName} has no finalizer, so what it made cannot be cleaned up on deletion`);
      const machines = machinesOf(scene, scene.controlPlanes.get(scene.cpName)!).map((m) => m.metadata.name);
      await remove(ctx, ctx.env.controlPlane!.controlPlane, scene.ns, scene.cpName);
      await scene.controlPlanes.gone(scene.cpName, `ControlPlane ${scene.cpName} deleted (finalizer removed)`, ctx.signal);
      await scene.machines.until((latest) => (machines.every((m) => !latest.has(`${scene.ns}/${m}`)) ? true : undefined), `its Machines ${machines.join(', ')} gone`, ctx.signal);
    },
  }),
  capiTest({
    id: 'capi.control-plane.conditions',
    title: "the ControlPlane's conditions are v1beta2 metav1.Conditions, with no v1beta1 fields",
    spec: spec('control-plane', 'ControlPlane: conditions; terminal failures', 'status.conditions has type, status, reason, lastTransitionTime (observedGeneration); v1beta2 drops failureReason/failureMessage'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    async run(ctx) {
      const { cp } = await initializedControlPlane(ctx, await namespace(ctx));
      if (cp.status?.conditions === undefined) ctx.notSupported('the ControlPlane reports no conditions (they are a SHOULD)');
      problemsOf(conditionProblems(cp));
    },
  }),
  capiTest({
    id: 'capi.control-plane.no-hot-loop',
    title: 'an initialized ControlPlane is not rewritten while nothing changes',
    spec: e2eSpec('ValidateResourceVersionStable', 'no hot loop: resourceVersions stay stable once provisioned', 'resourceversion_helpers.go'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    async run(ctx) {
      const { scene, witness } = await observedControlPlane(ctx);
      // Let it settle: initialized, every replica ready, and (with core) surfaced on the Cluster.
      const settled = (cp: Obj) => isInitialized(cp) && (!ctx.env.controlPlane!.shape.replicas || cp.status?.readyReplicas === cp.spec?.replicas);
      await scene.controlPlanes.object(scene.cpName, settled, 'initialized with every replica ready', ctx.signal, describe);
      if (ctx.env.coreRunning) await scene.clusters.object(scene.cluster.metadata.name, (c) => c.status?.initialization?.controlPlaneInitialized === true, 'core surfacing the initialization', ctx.signal, describe);
      const before = scene.controlPlanes.get(scene.cpName)!.metadata.resourceVersion;
      await witness();
      const after = scene.controlPlanes.get(scene.cpName)!.metadata.resourceVersion;
      if (before !== after) throw new ConformanceError(`ControlPlane ${scene.cpName} kept changing with nothing to do (resourceVersion ${before} → ${after}): ${describe(scene.controlPlanes.get(scene.cpName))}`);
    },
  }),
  capiTest({
    id: 'capi.control-plane.finalizer-restored',
    title: 'a stripped ControlPlane finalizer comes back',
    spec: e2eSpec('ValidateFinalizersResilience', 'finalizers removed from provider objects are added back', 'finalizers_helpers.go'),
    profile: 'core',
    operations: ['ControlPlane'],
    requires: CONTROL_PLANE,
    async run(ctx) {
      const { scene, cp } = await initializedControlPlane(ctx, await namespace(ctx));
      const finalizers = cp.metadata.finalizers ?? [];
      if (finalizers.length === 0) throw new ConformanceError(`initialized ControlPlane ${scene.cpName} has no finalizer`);
      const stripped = await patch(ctx, ctx.env.controlPlane!.controlPlane, scene.ns, scene.cpName, { metadata: { finalizers: null } });
      await finalizersBack(ctx, scene.controlPlanes, 'ControlPlane', scene.cpName, finalizers, stripped.metadata.resourceVersion);
    },
  }),
  capiTest({
    id: 'capi.control-plane.cluster-initialized',
    title: "core surfaces the control plane's initialization on the Cluster: status.initialization.controlPlaneInitialized and condition ControlPlaneInitialized",
    spec: spec('control-plane', 'ControlPlane: initialization completed', "once set, the Cluster controller bubbles it up into the Cluster's status.initialization.controlPlaneInitialized and ControlPlaneInitialized condition"),
    profile: 'core',
    operations: ['ControlPlane', 'Cluster'],
    requires: CONTROL_PLANE_WITH_CORE,
    async run(ctx) {
      const { scene, cp } = await initializedControlPlane(ctx, await namespace(ctx));
      const cluster = await scene.clusters.object(
        scene.cluster.metadata.name,
        (c) => c.status?.initialization?.controlPlaneInitialized === true && conditionOf(c, 'ControlPlaneInitialized')?.status === 'True',
        'Cluster status.initialization.controlPlaneInitialized: true and condition ControlPlaneInitialized True',
        ctx.signal,
        describe,
      );
      const own = cp.spec?.controlPlaneEndpoint;
      if (own?.host && (cluster.spec?.controlPlaneEndpoint?.host !== own.host || cluster.spec?.controlPlaneEndpoint?.port !== own.port)) {
        throw new ConformanceError(`the ControlPlane's endpoint ${JSON.stringify(own)} is not surfaced on the Cluster (${JSON.stringify(cluster.spec?.controlPlaneEndpoint)})`);
      }
    },
  }),
];
