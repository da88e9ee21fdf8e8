// The InfraMachine contract (v1beta2, and the deprecated v1beta1 through the same bodies): act only once owned by a Machine and once the Cluster's
// infrastructure and the bootstrap data are there; report providerID (stable), addresses, failure
// domain and provisioned; respect pause; clones are not rewritten from their template; deletion
// releases the machine in the cloud and runs the finalizer.
import { ConformanceError } from '../../src/core/errors.js';
import { CapiCapability } from '../../src/interfaces/capi/capabilities.js';
import { failureDomainsOf } from '../../src/interfaces/capi/contract.js';
import { CoreKinds } from '../../src/interfaces/capi/well-known.js';
import { addressProblems, conditionProblems, terminalFailureProblems, v1beta1ConditionProblems } from './checks.js';
import { capiTest, CONTRACT_SUITES, e2eSpec, type CapiTest, type ContractSuite } from './define.js';
import { create, describe, isProvisioned, newMachine, orphanInfraMachine, patch, provisionedMachine, readyCluster, remove, templateMeta, watch, witness, type Obj } from './fixtures.js';

const fail = (problems: string[]) => {
  if (problems.length) throw new ConformanceError(problems.join('; '));
};
const untouched = (before: Obj, after: Obj) =>
  JSON.stringify([before.metadata.finalizers, before.spec, before.status?.initialization, before.status?.ready]) === JSON.stringify([after.metadata.finalizers, after.spec, after.status?.initialization, after.status?.ready]);

export const infraMachineTestsFor = (s: ContractSuite): CapiTest[] => [
  capiTest({
    id: s.id('capi.infra.machine.waits-for-owner'),
    title: s.title('an InfraMachine without an owner reference to a Machine is left alone'),
    spec: s.spec('infra-machine', 'InfraMachine: owner reference', 'the provider reconciles an InfraMachine only once core set its owner reference to the Machine'),
    profile: 'core',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    async run(ctx) {
      const scene = await readyCluster(ctx);
      const { ns } = scene;
      const infraMachines = await watch(ctx, ctx.env.infra!.machine, ns);
      const orphan = await orphanInfraMachine(ctx, ns, scene.cluster.metadata.name);
      const owned = await newMachine(ctx, scene, { observers: { infraMachines, machines: await watch(ctx, CoreKinds.machine, ns) } });
      await infraMachines.object(owned.infraName, isProvisioned(ctx), 'the witness InfraMachine provisioned', ctx.signal, describe);
      const now = infraMachines.get(orphan.metadata.name)!;
      if (!untouched(orphan, now)) throw new ConformanceError(`InfraMachine ${orphan.metadata.name} has no owner but the provider acted on it: ${describe(now)}`);
    },
  }),
  capiTest({
    id: s.id('capi.infra.machine.waits-for-bootstrap-data'),
    title: s.title('an InfraMachine is not provisioned before its Machine has bootstrap data'),
    spec: s.spec('infra-machine', 'InfraMachine: initialization completed', "the provider waits for the Cluster's infrastructure and the Machine's spec.bootstrap.dataSecretName before creating the machine"),
    profile: 'core',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    async run(ctx) {
      const scene = await readyCluster(ctx);
      const { ns } = scene;
      const waiting = await newMachine(ctx, scene, { bootstrapData: false });
      const witnessMachine = await newMachine(ctx, scene, { observers: waiting });
      await witnessMachine.infraMachines.object(witnessMachine.infraName, isProvisioned(ctx), 'the witness InfraMachine provisioned', ctx.signal, describe);
      const held = waiting.infraMachines.get(waiting.infraName)!;
      if (isProvisioned(ctx)(held) || held.spec?.providerID) throw new ConformanceError(`InfraMachine ${waiting.infraName} was provisioned although its Machine has no bootstrap data secret: ${describe(held)}`);
    },
  }),
  capiTest({
    id: s.id('capi.infra.machine.provisioned'),
    title: s.title(`an InfraMachine reports ${s.c.version === 'v1beta1' ? 'ready' : 'provisioned'} with its providerID and well-formed addresses and conditions`),
    spec: s.spec('infra-machine', 'InfraMachine: provider ID; addresses; initialization completed', `spec.providerID (1-512) is set when ${s.c.infraReadyField} becomes true; addresses have a known type`),
    profile: 'core',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    async run(ctx) {
      const started = Date.now();
      const { m, infraMachine } = await provisionedMachine(ctx);
      ctx.measure('infra_machine_provisioned_seconds', (Date.now() - started) / 1000);
      const first = m.infraMachines.history(m.infraName).map((e) => e.object).find(isProvisioned(ctx))!;
      const id = first.spec?.providerID;
      if (typeof id !== 'string' || id.length < 1 || id.length > 512) throw new ConformanceError(`InfraMachine ${m.infraName} became provisioned with spec.providerID ${JSON.stringify(id)}`);
      fail(addressProblems(infraMachine));
      if (infraMachine.status?.conditions !== undefined) fail(s.c.version === 'v1beta1' ? v1beta1ConditionProblems(infraMachine) : conditionProblems(infraMachine));
    },
  }),
  ...(s.c.version === 'v1beta1'
    ? [
        capiTest({
          id: 'capi.v1beta1.infra.machine.terminal-failures',
          title: s.title('a provisioned InfraMachine never reported a terminal failure, and never failureReason without failureMessage'),
          spec: s.spec('infra-machine', 'InfraMachine: terminal failures', 'status.failureReason and status.failureMessage report a state that cannot be recovered, together; never set for transitive errors'),
          profile: 'core',
          operations: ['InfraMachine'],
          requires: s.INFRA,
          async run(ctx) {
            const { m } = await provisionedMachine(ctx);
            fail(terminalFailureProblems(m.infraMachines.history(m.infraName).map((e) => e.object)));
          },
        }),
      ]
    : []),
  capiTest({
    id: s.id('capi.infra.machine.provider-id-stable'),
    title: s.title("an InfraMachine's providerID never changes once set"),
    spec: s.spec('infra-machine', 'InfraMachine: provider ID', 'spec.providerID, once set, is stable: core finds the Node by it'),
    profile: 'core',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    async run(ctx) {
      const { ns, scene, m } = await provisionedMachine(ctx);
      // A change of the owning Machine makes the provider reconcile the InfraMachine again.
      await patch(ctx, CoreKinds.machine, ns, m.machine.metadata.name, { metadata: { annotations: { 'conformal.io/poke': '1' } } });
      await witness(ctx, ns, scene);
      const ids = [...new Set(m.infraMachines.history(m.infraName).map((e) => e.object.spec?.providerID).filter((id) => id !== undefined))];
      if (ids.length > 1) throw new ConformanceError(`InfraMachine ${m.infraName} changed its providerID: ${ids.join(' → ')}`);
    },
  }),
  capiTest({
    id: s.id('capi.infra.machine.failure-domain'),
    title: s.title("an InfraMachine placed in a failure domain reports it"),
    spec: s.spec(
      'infra-machine',
      'InfraMachine: failure domain',
      s.c.version === 'v1beta1'
        ? "the InfraMachine is placed in the Machine's spec.failureDomain; what it reports (status.failureDomain, or the deprecated spec.failureDomain) is that domain"
        : "the provider honours the Machine's spec.failureDomain and reports it in status.failureDomain",
    ),
    // Only where the InfraCluster offers failure domains, which the contract leaves optional.
    profile: 'extended',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    tags: ['Feature:FailureDomains'],
    async run(ctx) {
      // The first failure domain of the contract's shape (a v1beta2 list, a v1beta1 map).
      const pick = (c: Obj) => (Array.isArray(c.status?.failureDomains) === (s.c.failureDomainShape === 'list') ? failureDomainsOf(c)?.[0]?.name : undefined);
      const { infraCluster, infraMachine } = await provisionedMachine(ctx, { failureDomain: pick });
      const domain = pick(infraCluster);
      if (!domain) ctx.notSupported('the InfraCluster reports no failure domains to place a machine in');
      // v1beta1 has no status field for it: the v1beta2 one a provider may add, or the deprecated spec.failureDomain.
      const field = s.c.version === 'v1beta1' && infraMachine.status?.failureDomain === undefined ? 'spec.failureDomain' : 'status.failureDomain';
      const reported = field === 'spec.failureDomain' ? infraMachine.spec?.failureDomain : infraMachine.status?.failureDomain;
      if (s.c.version === 'v1beta1' && reported === undefined) ctx.notSupported('the InfraMachine reports no failure domain (status.failureDomain or spec.failureDomain), so its placement cannot be seen');
      if (reported !== domain) throw new ConformanceError(`InfraMachine ${infraMachine.metadata.name} was placed in ${domain} but reports ${field} ${JSON.stringify(reported)}`);
    },
  }),
  capiTest({
    id: s.id('capi.infra.machine.paused'),
    title: s.title('an InfraMachine of a paused Cluster is not provisioned until the Cluster is unpaused'),
    spec: s.spec('infra-machine', 'InfraMachine: pausing', 'while Cluster spec.paused is true the provider does not reconcile the InfraMachine'),
    profile: 'core',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    async run(ctx) {
      const scene = await readyCluster(ctx);
      const { ns } = scene;
      await patch(ctx, CoreKinds.cluster, ns, scene.cluster.metadata.name, { spec: { paused: true } });
      const m = await newMachine(ctx, scene);
      await witness(ctx, ns, scene);
      const held = m.infraMachines.get(m.infraName)!;
      if (isProvisioned(ctx)(held) || held.spec?.providerID) throw new ConformanceError(`InfraMachine ${m.infraName} of paused Cluster ${scene.cluster.metadata.name} was provisioned: ${describe(held)}`);
      await patch(ctx, CoreKinds.cluster, ns, scene.cluster.metadata.name, { spec: { paused: false } });
      await m.infraMachines.object(m.infraName, isProvisioned(ctx), 'provisioned after unpausing', ctx.signal, describe);
    },
  }),
  capiTest({
    id: s.id('capi.infra.machine.template-clone-kept'),
    title: s.title('a change of the InfraMachineTemplate leaves existing clones as they are'),
    spec: s.spec('infra-machine', 'InfraMachineTemplate', 'templates are cloned; a changed template reaches machines only through new clones (rollout), never by rewriting existing InfraMachines'),
    profile: 'core',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    async run(ctx) {
      const infra = ctx.env.infra!;
      if (!infra.machineTemplate) throw new ConformanceError(`the provider has no ${infra.machine.kind}Template CRD; the contract makes InfraMachineTemplate mandatory`);
      const scene = await readyCluster(ctx);
      const { ns } = scene;
      const templateName = ctx.unique('template');
      await create(ctx, infra.machineTemplate, ns, { metadata: { name: templateName }, spec: { template: { metadata: templateMeta(infra.machineMeta), spec: structuredClone(infra.machineSpec) } } });
      const m = await newMachine(ctx, scene, { fromTemplate: templateName });
      const provisioned = await m.infraMachines.object(m.infraName, isProvisioned(ctx), 'provisioned', ctx.signal, describe);
      // A template change as a user would make it: a new template spec field the clone does not have.
      await patch(ctx, infra.machineTemplate, ns, templateName, { spec: { template: { spec: { conformalProbe: 'changed' } } } }).catch(() => ctx.notSupported('the template rejects a spec change (immutable by webhook), so clones cannot follow it'));
      await witness(ctx, ns, scene);
      const now = m.infraMachines.get(m.infraName)!;
      if (JSON.stringify(now.spec) !== JSON.stringify(provisioned.spec)) throw new ConformanceError(`InfraMachine ${m.infraName} was rewritten after its template changed: spec ${JSON.stringify(provisioned.spec)} → ${JSON.stringify(now.spec)}`);
    },
  }),
  capiTest({
    id: s.id('capi.infra.machine.deletion'),
    title: s.title('a deleted InfraMachine runs its finalizer and goes away'),
    spec: s.spec('infra-machine', 'InfraMachine: finalizer', 'the provider adds its finalizer and removes it once the machine is deleted in the cloud'),
    profile: 'core',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    async run(ctx) {
      const { ns, m, infraMachine } = await provisionedMachine(ctx);
      if (!infraMachine.metadata.finalizers?.length) throw new ConformanceError(`provisioned InfraMachine ${m.infraName} has no finalizer`);
      await remove(ctx, ctx.env.infra!.machine, ns, m.infraName);
      await m.infraMachines.gone(m.infraName, `InfraMachine ${m.infraName} deleted (finalizer removed)`, ctx.signal);
    },
  }),
  capiTest({
    id: s.id('capi.infra.machine.deletion-releases-cloud'),
    title: s.title("a deleted InfraMachine's machine is gone from the cloud"),
    spec: s.spec('infra-machine', 'InfraMachine: finalizer', 'deletion removes what the provider created in the cloud before the finalizer goes'),
    profile: 'extended',
    operations: ['InfraMachine'],
    requires: [...s.INFRA, CapiCapability.cloudInventory],
    tags: ['Feature:CloudInventory'],
    async run(ctx) {
      const { ns, m } = await provisionedMachine(ctx);
      const key = `${ns}/${m.infraName}`;
      if (!ctx.env.inventory!().machines.includes(key)) throw new ConformanceError(`the cloud holds no machine for provisioned InfraMachine ${m.infraName}`);
      await remove(ctx, ctx.env.infra!.machine, ns, m.infraName);
      await m.infraMachines.gone(m.infraName, `InfraMachine ${m.infraName} deleted`, ctx.signal);
      if (ctx.env.inventory!().machines.includes(key)) throw new ConformanceError(`InfraMachine ${m.infraName} is gone but its machine is still in the cloud`);
    },
  }),
  capiTest({
    id: s.id('capi.infra.machine.no-hot-loop'),
    title: s.title('a provisioned InfraMachine is not rewritten while nothing changes'),
    spec: e2eSpec('ValidateResourceVersionStable', 'no hot loop: resourceVersions stay stable once provisioned', 'resourceversion_helpers.go'),
    profile: 'core',
    operations: ['InfraMachine'],
    requires: s.INFRA,
    async run(ctx) {
      const { ns, scene, m } = await provisionedMachine(ctx);
      await witness(ctx, ns, scene);
      const before = m.infraMachines.get(m.infraName)!.metadata.resourceVersion;
      await witness(ctx, ns, scene);
      const after = m.infraMachines.get(m.infraName)!.metadata.resourceVersion;
      if (before !== after) throw new ConformanceError(`InfraMachine ${m.infraName} kept changing with nothing to do (resourceVersion ${before} → ${after})`);
    },
  }),
];

export const infraMachineTests = infraMachineTestsFor(CONTRACT_SUITES.v1beta2);
