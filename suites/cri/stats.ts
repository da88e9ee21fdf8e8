// Container and sandbox stats, and UpdateContainerResources.
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, optionalRpc, rt, runContainer, runPod, runPodWithContainer } from '../../src/interfaces/cri/kit.js';
import type { ContainerStats, PodSandboxStats } from '../../src/interfaces/cri/types.js';
import { spec } from './spec.js';

/**
 * The kubelet always gives sandboxes a cgroup parent and runtimes (containerd among them) read
 * sandbox stats from it, so the sandbox stats tests set one; its directory stays on the node.
 */
export const STATS_CGROUP_PARENT = '/conformal-stats';

/** Annotations whose values a runtime has no reason to touch, to compare with what stats report. */
const ANNOTATIONS = { 'conformal.io/note': 'stats annotation, with spaces', empty: '' };

/** Annotations of stats attributes MUST be identical to those of the config: same keys, same values. */
function checkAnnotations(actual: Record<string, string> | undefined, what: string): void {
  const sorted = (map: Record<string, string>) => Object.entries(map).sort(([a], [b]) => a.localeCompare(b));
  checkEqual(sorted(actual ?? {}), sorted(ANNOTATIONS), what);
}

function checkUsage(stats: ContainerStats, what: string): void {
  check(stats.cpu && stats.cpu.timestamp > 0, `${what}: cpu usage has no timestamp`);
  check(stats.memory && stats.memory.timestamp > 0, `${what}: memory usage has no timestamp`);
  check(stats.cpu.usageCoreNanoSeconds !== null, `${what}: cpu usage_core_nano_seconds missing`);
  check(stats.memory.workingSetBytes !== null, `${what}: memory working_set_bytes missing`);
}

export const statsTests = [
  defineTest<CriEnv>({
    id: 'cri.stats.container',
    title: 'ContainerStats reports CPU and memory of a running container',
    spec: spec('RuntimeService.ContainerStats', 'returns stats of the container; usage fields carry timestamps'),
    profile: 'core',
    operations: ['ContainerStats'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      const { stats } = await rt<{ stats: ContainerStats | null }>(ctx, 'ContainerStats', { containerId: container.id });
      check(stats, 'ContainerStats returned no stats');
      checkEqual(stats.attributes?.id, container.id, 'stats attributes.id');
      checkEqual(stats.attributes?.metadata.name, container.config.metadata.name, 'stats attributes.metadata.name');
      checkUsage(stats, 'ContainerStats');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.stats.list-containers',
    title: 'ListContainerStats filters by id, sandbox and labels',
    spec: spec('ContainerStatsFilter', 'id, pod_sandbox_id and label_selector narrow the stats list'),
    profile: 'core',
    operations: ['ListContainerStats'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const group = ctx.unique('group');
      const a = await runContainer(ctx, pod, { labels: { 'conformal.io/group': group, pick: 'yes' } });
      const b = await runContainer(ctx, pod, { labels: { 'conformal.io/group': group, pick: 'no' } });
      const ids = async (filter: object) => (await rt<{ stats: ContainerStats[] }>(ctx, 'ListContainerStats', { filter })).stats.map((s) => s.attributes?.id).sort();
      checkEqual(await ids({ id: a.id }), [a.id], 'stats listed by id');
      checkEqual(await ids({ podSandboxId: pod.id }), [a.id, b.id].sort(), 'stats listed by sandbox');
      checkEqual(await ids({ labelSelector: { 'conformal.io/group': group, pick: 'no' } }), [b.id], 'stats listed by labels');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.stats.sandbox',
    title: 'PodSandboxStats reports the sandbox and its containers',
    spec: spec('RuntimeService.PodSandboxStats', 'returns stats of the sandbox, including its containers'),
    profile: 'extended',
    tags: ['Feature:PodSandboxStats'],
    operations: ['PodSandboxStats'],
    async run(ctx) {
      const pod = await runPod(ctx, { linux: { cgroupParent: STATS_CGROUP_PARENT } });
      const container = await runContainer(ctx, pod);
      const { stats } = await optionalRpc(ctx, 'PodSandboxStats', () => rt<{ stats: PodSandboxStats | null }>(ctx, 'PodSandboxStats', { podSandboxId: pod.id }));
      check(stats, 'PodSandboxStats returned no stats');
      checkEqual(stats.attributes?.id, pod.id, 'stats attributes.id');
      check(stats.linux, 'PodSandboxStats has no linux section');
      check(stats.linux.containers.some((c) => c.attributes?.id === container.id), 'PodSandboxStats does not list the running container');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.stats.list-sandboxes',
    title: 'ListPodSandboxStats filters by id and labels',
    spec: spec('PodSandboxStatsFilter', 'id and label_selector narrow the list'),
    profile: 'extended',
    tags: ['Feature:PodSandboxStats'],
    operations: ['ListPodSandboxStats'],
    async run(ctx) {
      const group = ctx.unique('group');
      const linux = { cgroupParent: STATS_CGROUP_PARENT };
      const a = await runPod(ctx, { labels: { 'conformal.io/group': group, pick: 'yes' }, linux });
      await runPod(ctx, { labels: { 'conformal.io/group': group, pick: 'no' }, linux });
      const ids = async (filter: object) => (await rt<{ stats: PodSandboxStats[] }>(ctx, 'ListPodSandboxStats', { filter })).stats.map((s) => s.attributes?.id);
      checkEqual(await optionalRpc(ctx, 'ListPodSandboxStats', () => ids({ id: a.id })), [a.id], 'sandbox stats listed by id');
      checkEqual(await ids({ labelSelector: { 'conformal.io/group': group, pick: 'yes' } }), [a.id], 'sandbox stats listed by labels');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.resources.update',
    title: 'UpdateContainerResources applies new CPU and memory limits',
    spec: spec('RuntimeService.UpdateContainerResources', 'updates the resource constraints of a running container'),
    profile: 'core',
    operations: ['UpdateContainerResources', 'ContainerStatus'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx, { linux: { resources: { cpuShares: 512, memoryLimitInBytes: 256 * 2 ** 20 } } });
      const update = { cpuShares: 1024, cpuPeriod: 100_000, cpuQuota: 50_000, memoryLimitInBytes: 128 * 2 ** 20 };
      await rt(ctx, 'UpdateContainerResources', { containerId: container.id, linux: update });
      const { status } = await rt<{ status: { resources: { linux: Record<string, number> | null } | null } }>(ctx, 'ContainerStatus', { containerId: container.id });
      const reported = status.resources?.linux;
      if (!reported) {
        ctx.log('the runtime does not report resources in ContainerStatus; the update was accepted');
        return;
      }
      checkEqual(Number(reported.memoryLimitInBytes), update.memoryLimitInBytes, 'memory limit reported after the update');
      checkEqual(Number(reported.cpuQuota), update.cpuQuota, 'cpu quota reported after the update');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.stats.container-annotations',
    title: 'ContainerStats attributes carry the container annotations unchanged',
    spec: spec('ContainerAttributes.annotations', 'MUST be identical to that of the corresponding ContainerConfig'),
    profile: 'core',
    operations: ['ContainerStats'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx, { annotations: ANNOTATIONS });
      const { stats } = await rt<{ stats: ContainerStats | null }>(ctx, 'ContainerStats', { containerId: container.id });
      check(stats, 'ContainerStats returned no stats');
      checkAnnotations(stats.attributes?.annotations, 'ContainerStats attributes.annotations');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.stats.sandbox-annotations',
    title: 'PodSandboxStats attributes carry the sandbox annotations unchanged',
    spec: spec('PodSandboxAttributes.annotations', 'MUST be identical to that of the corresponding PodSandboxStatus'),
    profile: 'extended',
    tags: ['Feature:PodSandboxStats'],
    operations: ['PodSandboxStats'],
    async run(ctx) {
      const pod = await runPod(ctx, { annotations: ANNOTATIONS, linux: { cgroupParent: STATS_CGROUP_PARENT } });
      await runContainer(ctx, pod);
      const { stats } = await optionalRpc(ctx, 'PodSandboxStats', () => rt<{ stats: PodSandboxStats | null }>(ctx, 'PodSandboxStats', { podSandboxId: pod.id }));
      check(stats, 'PodSandboxStats returned no stats');
      checkAnnotations(stats.attributes?.annotations, 'PodSandboxStats attributes.annotations');
    },
  }),
];
