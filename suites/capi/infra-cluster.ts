// The InfraCluster contract (v1beta2, and the deprecated v1beta1 through the same bodies): act only
// once core's owner reference is there, report provisioned (status.ready for v1beta1) with the
// endpoint and well-formed failure domains and conditions, respect pause, run the finalizer on
// deletion, never hot-loop, and put a stripped finalizer back; v1beta1 also: terminal failures.
import { ConformanceError } from '../../src/core/errors.js';
import { CONTRACTS } from '../../src/interfaces/capi/contract.js';
import { CoreKinds } from '../../src/interfaces/capi/well-known.js';
import { conditionProblems, endpointProblems, failureDomainProblems, terminalFailureProblems, v1beta1ConditionProblems } from './checks.js';
import { capiTest, CONTRACT_SUITES, e2eSpec, type CapiContext, type CapiTest, type ContractSuite } from './define.js';
import { describe, finalizersBack, isProvisioned, type ClusterScene, namespace, newCluster, orphanInfraCluster, patch, provisionedCluster, remove, watch, witness, type Obj } from './fixtures.js';

const problemsOf = (problems: string[]) => {
  if (problems.length) throw new ConformanceError(problems.join('; '));
};

/** Whether the provider changed anything of the object: finalizers, spec or status. */
const touched = (before: Obj, after: Obj) =>
  JSON.stringify([before.metadata.finalizers, before.spec, before.status?.initialization, before.status?.ready, before.status?.failureDomains]) !==
  JSON.stringify([after.metadata.finalizers, after.spec, after.status?.initialization, after.status?.ready, after.status?.failureDomains]);

/** A new InfraCluster once ready by either contract's signal, so a v1beta1 shape is reported as such, not as a timeout. */
async function readyEitherContract(ctx: CapiContext): Promise<Obj> {
  const scene = await newCluster(ctx, await namespace(ctx));
  return scene.infraClusters.object(scene.infraName, (o) => CONTRACTS.v1beta2.infraReady(o) || CONTRACTS.v1beta1.infraReady(o), 'provisioned (v1beta2) or ready (v1beta1)', ctx.signal, describe);
}

/** A paused InfraCluster stays unprovisioned past a witness, and is provisioned once `unpause` ran. */
async function heldWhilePaused(ctx: CapiContext, how: { paused?: boolean; pausedAnnotation?: boolean }, unpause: (scene: ClusterScene) => Promise<unknown>): Promise<void> {
  const ns = await namespace(ctx);
  const scene = await newCluster(ctx, ns, how);
  await witness(ctx, ns, scene);
  const held = scene.infraClusters.get(scene.infraName)!;
  if (isProvisioned(ctx)(held) || held.spec?.controlPlaneEndpoint) throw new ConformanceError(`paused InfraCluster ${scene.infraName} (${how.paused ? 'Cluster spec.paused' : 'paused annotation'}) was provisioned: ${describe(held)}`);
  await unpause(scene);
  await scene.infraClusters.object(scene.infraName, isProvisioned(ctx), 'provisioned once unpaused', ctx.signal, describe);
}

/** Contract v1beta1: an InfraCluster that provisions never reported a terminal failure on the way. */
const terminalFailuresTest = (s: ContractSuite) =>
  capiTest({
    id: 'capi.v1beta1.infra.cluster.terminal-failures',
    title: s.title('a provisioned InfraCluster never reported a terminal failure, and never failureReason without failureMessage'),
    spec: s.spec('infra-cluster', 'InfraCluster: terminal failures', 'status.failureReason and status.failureMessage report a state that cannot be recovered, together; never set for transitive errors'),
    profile: 'core',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    async run(ctx) {
      const scene = await newCluster(ctx, await namespace(ctx));
      await provisionedCluster(ctx, scene);
      problemsOf(terminalFailureProblems(scene.infraClusters.history(scene.infraName).map((e) => e.object)));
    },
  });

export const infraClusterTestsFor = (s: ContractSuite): CapiTest[] => [
  capiTest({
    id: s.id('capi.infra.cluster.waits-for-owner'),
    title: s.title('an InfraCluster without an owner reference to a Cluster is left alone'),
    spec: s.spec('infra-cluster', 'InfraCluster: owner reference', 'the provider reconciles an InfraCluster only once core set its owner reference to the Cluster'),
    profile: 'core',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    async run(ctx) {
      const ns = await namespace(ctx);
      const infraClusters = await watch(ctx, ctx.env.infra!.cluster, ns);
      const orphan = await orphanInfraCluster(ctx, ns);
      await witness(ctx, ns, { infraClusters, clusters: await watch(ctx, CoreKinds.cluster, ns) });
      const now = infraClusters.get(orphan.metadata.name)!;
      if (touched(orphan, now)) throw new ConformanceError(`InfraCluster ${orphan.metadata.name} has no owner but the provider acted on it: ${describe(now)}`);
    },
  }),
  capiTest({
    id: s.id('capi.infra.cluster.provisioned-with-endpoint'),
    title: s.title(`an owned InfraCluster reports ${s.c.version === 'v1beta1' ? 'ready' : 'provisioned'}, with a valid control plane endpoint already set`),
    spec: s.spec('infra-cluster', 'InfraCluster: initialization completed', `${s.c.infraReadyField} is true only once spec.controlPlaneEndpoint {host, port} is set`),
    profile: 'core',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    async run(ctx) {
      const ns = await namespace(ctx);
      const started = Date.now();
      const scene = await newCluster(ctx, ns);
      const infra = await provisionedCluster(ctx, scene);
      ctx.measure('infra_cluster_provisioned_seconds', (Date.now() - started) / 1000);
      const first = scene.infraClusters.history(scene.infraName).map((e) => e.object).find(isProvisioned(ctx))!;
      problemsOf(endpointProblems(first).map((p) => `when ${s.c.infraReadyField} first became true: ${p}`));
      problemsOf(endpointProblems(infra));
    },
  }),
  capiTest({
    id: s.id('capi.infra.cluster.failure-domains'),
    title: s.title(s.c.failureDomainShape === 'map' ? "the InfraCluster's failure domains have the v1beta1 map shape" : "the InfraCluster's failure domains have the v1beta2 list shape"),
    spec: s.spec(
      'infra-cluster',
      'InfraCluster: failure domains',
      s.c.failureDomainShape === 'map' ? 'status.failureDomains is a map of unique names to {controlPlane, attributes}' : 'status.failureDomains is a list of {name, controlPlane, attributes}, names unique, 1 to 100',
    ),
    // Failure domains are optional in the contract: a provider that reports none is "not supported" here, not failed.
    profile: 'extended',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    tags: ['Feature:FailureDomains'],
    async run(ctx) {
      const provisioned = await readyEitherContract(ctx);
      if (provisioned.status?.failureDomains === undefined) ctx.notSupported('the InfraCluster reports no failure domains');
      problemsOf(failureDomainProblems(provisioned, s.c.failureDomainShape));
    },
  }),
  s.c.version === 'v1beta1'
    ? capiTest({
        id: 'capi.v1beta1.infra.cluster.conditions',
        title: s.title("the InfraCluster's conditions are Cluster API v1beta1 conditions, any status.v1beta2.conditions metav1.Conditions"),
        spec: s.spec('infra-cluster', 'InfraCluster: conditions', 'status.conditions use the Cluster API condition type: type, status, severity only when False, reason, lastTransitionTime'),
        profile: 'core',
        operations: ['InfraCluster'],
        requires: s.INFRA,
        async run(ctx) {
          const infra = await readyEitherContract(ctx);
          if (infra.status?.conditions === undefined) ctx.notSupported('the InfraCluster reports no conditions (they are a SHOULD)');
          problemsOf(v1beta1ConditionProblems(infra));
        },
      })
    : capiTest({
        id: 'capi.infra.cluster.conditions',
        title: "the InfraCluster's conditions are v1beta2 metav1.Conditions, with no v1beta1 failure fields",
        spec: s.spec('infra-cluster', 'InfraCluster: conditions; terminal failures', 'status.conditions has type, status, reason, lastTransitionTime (observedGeneration); v1beta2 drops failureReason/failureMessage'),
        profile: 'core',
        operations: ['InfraCluster'],
        requires: s.INFRA,
        async run(ctx) {
          const infra = await readyEitherContract(ctx);
          if (!Array.isArray(infra.status?.conditions) && infra.status?.conditions === undefined) ctx.notSupported('the InfraCluster reports no conditions (they are a SHOULD)');
          problemsOf(conditionProblems(infra));
        },
      }),
  ...(s.c.version === 'v1beta1' ? [terminalFailuresTest(s)] : []),
  capiTest({
    id: s.id('capi.infra.cluster.paused'),
    title: s.title('an InfraCluster of a paused Cluster is not provisioned until the Cluster is unpaused'),
    spec: s.spec('infra-cluster', 'InfraCluster: pausing', 'while Cluster spec.paused is true the provider does not reconcile the InfraCluster'),
    profile: 'core',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    run: (ctx) => heldWhilePaused(ctx, { paused: true }, (scene) => patch(ctx, CoreKinds.cluster, scene.ns, scene.cluster.metadata.name, { spec: { paused: false } })),
  }),
  capiTest({
    id: s.id('capi.infra.cluster.paused-annotation'),
    title: s.title('an InfraCluster with the paused annotation is not provisioned until the annotation goes'),
    spec: s.spec('infra-cluster', 'InfraCluster: pausing', 'an object with annotation cluster.x-k8s.io/paused is not reconciled'),
    profile: 'core',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    run: (ctx) => heldWhilePaused(ctx, { pausedAnnotation: true }, (scene) => patch(ctx, ctx.env.infra!.cluster, scene.ns, scene.infraName, { metadata: { annotations: { 'cluster.x-k8s.io/paused': null } } })),
  }),
  capiTest({
    id: s.id('capi.infra.cluster.deletion'),
    title: s.title('a deleted InfraCluster runs its finalizer and goes away'),
    spec: s.spec('infra-cluster', 'InfraCluster: finalizer', 'the provider adds its finalizer and removes it once the infrastructure is cleaned up'),
    profile: 'core',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    async run(ctx) {
      const ns = await namespace(ctx);
      const scene = await newCluster(ctx, ns);
      const infra = await provisionedCluster(ctx, scene);
      if (!infra.metadata.finalizers?.length) throw new ConformanceError(`provisioned InfraCluster ${scene.infraName} has no finalizer, so its infrastructure cannot be cleaned up on deletion`);
      await remove(ctx, ctx.env.infra!.cluster, ns, scene.infraName);
      await scene.infraClusters.gone(scene.infraName, `InfraCluster ${scene.infraName} deleted (finalizer removed)`, ctx.signal);
      const left = ctx.env.inventory?.().clusters.includes(`${ns}/${scene.infraName}`);
      if (left) throw new ConformanceError(`the cloud still holds the infrastructure of deleted InfraCluster ${scene.infraName}`);
    },
  }),
  capiTest({
    id: s.id('capi.infra.cluster.no-hot-loop'),
    title: s.title('a provisioned InfraCluster is not rewritten while nothing changes'),
    spec: e2eSpec('ValidateResourceVersionStable', 'no hot loop: resourceVersions stay stable once provisioned', 'resourceversion_helpers.go'),
    profile: 'core',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    async run(ctx) {
      const ns = await namespace(ctx);
      const scene = await newCluster(ctx, ns);
      const infra = await provisionedCluster(ctx, scene);
      // Let the surfacing settle: the provider may react once to the Cluster's change.
      await witness(ctx, ns, scene);
      const before = scene.infraClusters.get(scene.infraName)!.metadata.resourceVersion;
      await witness(ctx, ns, scene);
      const after = scene.infraClusters.get(scene.infraName)!.metadata.resourceVersion;
      if (before !== after) {
        const writes = scene.infraClusters.history(scene.infraName).filter((e) => Number(e.object.metadata.resourceVersion) > Number(infra.metadata.resourceVersion)).length;
        throw new ConformanceError(`InfraCluster ${scene.infraName} kept changing with nothing to do (resourceVersion ${before} → ${after}; ${writes} writes since provisioned)`);
      }
    },
  }),
  capiTest({
    id: s.id('capi.infra.cluster.finalizer-restored'),
    title: s.title("a stripped InfraCluster finalizer comes back"),
    spec: e2eSpec('ValidateFinalizersResilience', 'finalizers removed from provider objects are added back', 'finalizers_helpers.go'),
    profile: 'core',
    operations: ['InfraCluster'],
    requires: s.INFRA,
    async run(ctx) {
      const ns = await namespace(ctx);
      const scene = await newCluster(ctx, ns);
      const infra = await provisionedCluster(ctx, scene);
      const finalizers = infra.metadata.finalizers ?? [];
      if (finalizers.length === 0) throw new ConformanceError(`provisioned InfraCluster ${scene.infraName} has no finalizer`);
      const stripped = await patch(ctx, ctx.env.infra!.cluster, ns, scene.infraName, { metadata: { finalizers: null } });
      await finalizersBack(ctx, scene.infraClusters, 'InfraCluster', scene.infraName, finalizers, stripped.metadata.resourceVersion);
    },
  }),
];

export const infraClusterTests = infraClusterTestsFor(CONTRACT_SUITES.v1beta2);
