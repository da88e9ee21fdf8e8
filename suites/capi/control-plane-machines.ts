// What the ControlPlane contract expects of the control-plane Machines beyond their labels: placed
// over the Cluster's failure domains flagged controlPlane (machine placement), and carrying
// spec.machineTemplate's metadata and deletion timeouts, a change of which reaches the existing
// Machines in place, without a rollout (metadata propagation). Both for machine-based control planes.
import { ConformanceError } from '../../src/core/errors.js';
import { failureDomainsOf } from '../../src/interfaces/capi/contract.js';
import { CapiCapability } from '../../src/interfaces/capi/capabilities.js';
import { failOn } from './checks.js';
import { initialized, machinesOf, newControlPlane, type ControlPlaneScene } from './control-plane-scene.js';
import { capiTest, CONTROL_PLANE, spec, type CapiContext } from './define.js';
import { describe, namespace, patch, type Obj } from './fixtures.js';

const CONTROL_PLANE_MACHINES = [...CONTROL_PLANE, CapiCapability.controlPlaneMachines];
/** The label and annotation key the metadata test puts on spec.machineTemplate. */
const PROBE = 'conformal.io/machine-template-probe';
/** nodeDrainTimeoutSeconds the metadata test changes spec.machineTemplate to. */
const DRAIN_SECONDS = 37;

const live = (scene: ControlPlaneScene, cp: Obj) => machinesOf(scene, cp).filter((m) => !m.metadata.deletionTimestamp);

/** `n` live Machines controlled by the control plane, each passing `ready`. */
function machines(ctx: CapiContext, scene: ControlPlaneScene, cp: Obj, n: number, ready: (m: Obj) => boolean, what: string): Promise<Obj[]> {
  return scene.machines.until(
    () => {
      const ms = live(scene, cp);
      return ms.length === n && ms.every(ready) ? ms : undefined;
    },
    `${n} Machine(s) controlled by ControlPlane ${scene.cpName} ${what}`,
    ctx.signal,
    () => live(scene, cp).map((m) => `${m.metadata.name} ${JSON.stringify({ labels: m.metadata.labels, annotations: m.metadata.annotations, spec: m.spec })}`).join('; ').slice(0, 1200),
  );
}

/** Where Machines were placed against the failure domains flagged controlPlane: each in one of them, their counts at most one apart. */
export function placementProblems(placed: Readonly<Record<string, string | undefined>>, controlPlaneDomains: readonly string[]): string[] {
  const problems: string[] = [];
  const count = new Map(controlPlaneDomains.map((d) => [d, 0]));
  for (const [machine, domain] of Object.entries(placed)) {
    if (domain === undefined) problems.push(`Machine ${machine} has no spec.failureDomain`);
    else if (!count.has(domain)) problems.push(`Machine ${machine} is in failure domain ${domain}, not one of the Cluster's flagged controlPlane (${controlPlaneDomains.join(', ')})`);
    else count.set(domain, count.get(domain)! + 1);
  }
  const counts = [...count.values()];
  if (!problems.length && Math.max(...counts) - Math.min(...counts) > 1) problems.push(`the Machines are not spread over the failure domains flagged controlPlane: ${[...count].map(([d, n]) => `${d}: ${n}`).join(', ')}`);
  return problems;
}

export const controlPlaneMachineTests = [
  capiTest({
    id: 'capi.control-plane.placement',
    title: "control-plane Machines are spread over the Cluster's failure domains flagged controlPlane",
    spec: spec('control-plane', 'Machine placement', "Machines are placed in failure domains of the Cluster's status.failureDomains, spread across those flagged controlPlane"),
    profile: 'extended',
    operations: ['ControlPlane', 'Machine'],
    requires: CONTROL_PLANE_MACHINES,
    tags: ['Feature:ControlPlaneMachines', 'Feature:FailureDomains'],
    async run(ctx) {
      // Three replicas where the control plane has a number of them (an odd count, as etcd-based ones ask).
      const n = ctx.env.controlPlane!.shape.replicas ? 3 : 1;
      const scene = await newControlPlane(ctx, await namespace(ctx), { replicas: n });
      // The Cluster's failure domains are surfaced with its provisioned infrastructure, before the ControlPlane was made.
      const cluster = scene.clusters.get(scene.cluster.metadata.name);
      const domains = (failureDomainsOf(cluster) ?? []).filter((d) => d.controlPlane === true).map((d) => d.name);
      if (domains.length === 0) ctx.notSupported(`the Cluster has no failure domain flagged controlPlane (the infrastructure provider reports ${JSON.stringify(cluster?.status?.failureDomains ?? null)})`);
      const cp = await initialized(ctx, scene);
      const placed = await machines(ctx, scene, cp, n, () => true, 'exist');
      ctx.log(`placed: ${placed.map((m) => `${m.metadata.name} → ${m.spec?.failureDomain}`).join(', ')}`);
      failOn(placementProblems(Object.fromEntries(placed.map((m) => [m.metadata.name, m.spec?.failureDomain as string | undefined])), domains));
    },
  }),
  capiTest({
    id: 'capi.control-plane.metadata-propagation',
    title: "spec.machineTemplate's labels, annotations and deletion timeouts reach the control-plane Machines, a change of them in place, without a rollout",
    spec: spec('control-plane', 'Metadata propagation; ControlPlane: machines', 'labels and annotations propagate to control-plane Machines; metadata and nodeDrainTimeoutSeconds, nodeVolumeDetachTimeoutSeconds, nodeDeletionTimeoutSeconds MUST be propagated without triggering rollouts'),
    profile: 'extended',
    operations: ['ControlPlane', 'Machine'],
    requires: CONTROL_PLANE_MACHINES,
    tags: ['Feature:ControlPlaneMachines'],
    async run(ctx) {
      const { controlPlane } = ctx.env;
      const base = structuredClone(controlPlane!.spec) as Record<string, any>;
      const metadata = base.machineTemplate?.metadata ?? {};
      base.machineTemplate = { ...base.machineTemplate, metadata: { ...metadata, labels: { ...metadata.labels, [PROBE]: 'before' }, annotations: { ...metadata.annotations, [PROBE]: 'before' } } };
      const scene = await newControlPlane(ctx, await namespace(ctx), { base: { ...controlPlane!.meta, spec: base } });
      const cp = await initialized(ctx, scene);
      const n = (cp.spec?.replicas as number | undefined) ?? 1;
      const carries = (value: string) => (m: Obj) => m.metadata.labels?.[PROBE] === value && m.metadata.annotations?.[PROBE] === value;
      const before = await machines(ctx, scene, cp, n, carries('before'), `with label and annotation ${PROBE}=before from spec.machineTemplate.metadata`);
      const names = new Set(before.map((m) => m.metadata.name));

      await patch(ctx, controlPlane!.controlPlane, scene.ns, scene.cpName, { spec: { machineTemplate: { metadata: { labels: { [PROBE]: 'after' }, annotations: { [PROBE]: 'after' } }, spec: { deletion: { nodeDrainTimeoutSeconds: DRAIN_SECONDS } } } } });
      const rolledOut = () => before.filter((m) => { const now = scene.machines.get(m.metadata.name); return !now || now.metadata.deletionTimestamp; });
      const propagated = await scene.machines.until(
        () => {
          if (rolledOut().length) return 'rollout' as const;
          const ms = before.map((m) => scene.machines.get(m.metadata.name)!);
          return ms.every((m) => carries('after')(m) && m.spec?.deletion?.nodeDrainTimeoutSeconds === DRAIN_SECONDS) ? ms : undefined;
        },
        `the existing Machines ${[...names].join(', ')} with ${PROBE}=after and spec.deletion.nodeDrainTimeoutSeconds ${DRAIN_SECONDS}`,
        ctx.signal,
        () => before.map((m) => describe(scene.machines.get(m.metadata.name))).join('; '),
      );
      if (propagated === 'rollout') throw new ConformanceError(`changing spec.machineTemplate's metadata and deletion timeouts rolled out Machines ${rolledOut().map((m) => m.metadata.name).join(', ')}: they must be changed in place`);
      const added = live(scene, cp).filter((m) => !names.has(m.metadata.name));
      if (added.length) throw new ConformanceError(`changing spec.machineTemplate's metadata and deletion timeouts made new Machines ${added.map((m) => m.metadata.name).join(', ')}: a rollout, where the change must be made in place`);
    },
  }),
];
