// RPCs the CRI marks optional or feature-gated: streaming lists (CRIListStreaming), metrics,
// checkpoint/restore, UpdatePodSandboxResources. UNIMPLEMENTED means "not supported".
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, containerStatus, optionalRpc, podConfig, removePod, rt, runContainer, runPod, runPodWithContainer, type CriContext } from '../../src/interfaces/cri/kit.js';
import { grpc, isGrpcCode } from '../../src/transport/grpc.js';
import type { Container, Image, MetricDescriptor, PodSandbox, PodSandboxConfig } from '../../src/interfaces/cri/types.js';
import { spec } from './spec.js';
import { STATS_CGROUP_PARENT } from './stats.js';

/** Items of a Stream* RPC: every item exactly once, across responses of at least one item. */
async function streamed<T>(ctx: CriContext, service: 'runtime' | 'image', rpc: string, field: string, request: object): Promise<T[]> {
  const responses = await optionalRpc(ctx, rpc, () => ctx.env.client.collect<Record<string, T[]>>(service, rpc, request, ctx.signal));
  for (const response of responses) check((response[field] ?? []).length > 0, `${rpc} sent a response with no items`);
  return responses.flatMap((r) => r[field] ?? []);
}

interface RestoredPod {
  podSandboxId: string;
  restoredContainers: { name: string; containerId: string }[];
}

/** A pod with one running container, checkpointed; the restore request for a new sandbox made of it. */
async function checkpointPod(ctx: CriContext): Promise<{ checkpointPath: string; config: PodSandboxConfig }> {
  const pod = await runPod(ctx);
  await runContainer(ctx, pod);
  const outputPath = join(ctx.env.workDir, 'checkpoints', `${ctx.unique('pod')}.tar`);
  await optionalRpc(ctx, 'CheckpointPod', () => rt(ctx, 'CheckpointPod', { podSandboxId: pod.id, outputPath }));
  check(existsSync(outputPath), `no pod checkpoint at ${outputPath}`);
  return { checkpointPath: outputPath, config: { ...pod.config, metadata: { ...pod.config.metadata, name: ctx.unique('restored'), uid: ctx.unique('uid') } } };
}

/** checkpointPod, then RestorePod with the run's runtime handler; the ledger removes the restored sandbox. */
async function checkpointAndRestore(ctx: CriContext): Promise<RestoredPod> {
  const request = await checkpointPod(ctx);
  const restored = await optionalRpc(ctx, 'RestorePod', () => rt<RestoredPod>(ctx, 'RestorePod', { ...request, runtimeHandler: ctx.env.runtimeHandler }));
  ctx.ledger.add(`restored sandbox ${restored.podSandboxId}`, (signal) => removePod(ctx, restored.podSandboxId, signal));
  return restored;
}

export const optionalTests = [
  defineTest<CriEnv>({
    id: 'cri.streaming-list.sandboxes',
    title: 'StreamPodSandboxes sends each matching sandbox exactly once',
    spec: spec('RuntimeService.StreamPodSandboxes', 'each item appears in exactly one response; the server ends with EOF'),
    profile: 'extended',
    tags: ['Feature:CRIListStreaming'],
    operations: ['StreamPodSandboxes'],
    async run(ctx) {
      const group = { 'conformal.io/group': ctx.unique('group') };
      const pods = [await runPod(ctx, { labels: group }), await runPod(ctx, { labels: group }), await runPod(ctx, { labels: group })];
      const items = await streamed<PodSandbox>(ctx, 'runtime', 'StreamPodSandboxes', 'podSandboxes', { filter: { labelSelector: group } });
      checkEqual(items.map((p) => p.id).sort(), pods.map((p) => p.id).sort(), 'sandbox ids streamed');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming-list.containers',
    title: 'StreamContainers sends each matching container exactly once',
    spec: spec('RuntimeService.StreamContainers', 'each item appears in exactly one response; the server ends with EOF'),
    profile: 'extended',
    tags: ['Feature:CRIListStreaming'],
    operations: ['StreamContainers'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const ids = [(await runContainer(ctx, pod)).id, (await runContainer(ctx, pod)).id, (await runContainer(ctx, pod)).id];
      const items = await streamed<Container>(ctx, 'runtime', 'StreamContainers', 'containers', { filter: { podSandboxId: pod.id } });
      checkEqual(items.map((c) => c.id).sort(), ids.sort(), 'container ids streamed');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming-list.stats',
    title: 'StreamContainerStats and StreamPodSandboxStats match the list RPCs',
    spec: spec('RuntimeService.StreamContainerStats', 'each item appears in exactly one response'),
    profile: 'extended',
    tags: ['Feature:CRIListStreaming'],
    operations: ['StreamContainerStats', 'StreamPodSandboxStats'],
    async run(ctx) {
      // A cgroup parent as the kubelet gives: containerd 2 reads sandbox stats from it and fails without one.
      const pod = await runPod(ctx, { linux: { cgroupParent: STATS_CGROUP_PARENT } });
      const container = await runContainer(ctx, pod);
      const stats = await streamed<{ attributes: { id: string } }>(ctx, 'runtime', 'StreamContainerStats', 'containerStats', { filter: { podSandboxId: pod.id } });
      checkEqual(stats.map((s) => s.attributes.id), [container.id], 'container stats streamed');
      const podStats = await streamed<{ attributes: { id: string } }>(ctx, 'runtime', 'StreamPodSandboxStats', 'podSandboxStats', { filter: { id: pod.id } });
      checkEqual(podStats.map((s) => s.attributes.id), [pod.id], 'sandbox stats streamed');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming-list.images',
    title: 'StreamImages sends the images ListImages lists',
    spec: spec('ImageService.StreamImages', 'each item appears in exactly one response'),
    profile: 'extended',
    tags: ['Feature:CRIListStreaming'],
    operations: ['StreamImages', 'ListImages'],
    async run(ctx) {
      const streamedImages = await streamed<Image>(ctx, 'image', 'StreamImages', 'images', {});
      const ids = streamedImages.map((i) => i.id);
      checkEqual(new Set(ids).size, ids.length, 'distinct image ids streamed');
      const { images } = await ctx.env.client.image<{ images: Image[] }>('ListImages', {}, ctx.signal);
      check(images.every((i) => ids.includes(i.id)) || images.length !== ids.length, 'StreamImages and ListImages disagree');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming-list.metrics',
    title: 'StreamPodSandboxMetrics sends metrics of running sandboxes',
    spec: spec('RuntimeService.StreamPodSandboxMetrics', 'each item appears in exactly one response'),
    profile: 'extended',
    tags: ['Feature:CRIListStreaming'],
    operations: ['StreamPodSandboxMetrics'],
    async run(ctx) {
      const pod = await runPod(ctx);
      await runContainer(ctx, pod);
      const items = await streamed<{ podSandboxId: string }>(ctx, 'runtime', 'StreamPodSandboxMetrics', 'podSandboxMetrics', {});
      const ids = items.map((m) => m.podSandboxId);
      checkEqual(new Set(ids).size, ids.length, 'distinct sandbox ids streamed');
      check(ids.includes(pod.id), 'StreamPodSandboxMetrics lacks the running sandbox');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.metrics.descriptors',
    title: 'Pod sandbox metrics use only described metric names',
    spec: spec('RuntimeService.ListPodSandboxMetrics', 'metrics are described by ListMetricDescriptors'),
    profile: 'extended',
    tags: ['Feature:PodAndContainerStatsFromCRI'],
    operations: ['ListMetricDescriptors', 'ListPodSandboxMetrics'],
    async run(ctx) {
      const { descriptors } = await optionalRpc(ctx, 'ListMetricDescriptors', () => rt<{ descriptors: MetricDescriptor[] }>(ctx, 'ListMetricDescriptors', {}));
      const pod = await runPod(ctx);
      await runContainer(ctx, pod);
      const { podMetrics } = await optionalRpc(ctx, 'ListPodSandboxMetrics', () => rt<{ podMetrics: Array<{ podSandboxId: string; containerMetrics: Array<{ metrics: Array<{ name: string; labelValues: string[] }> }> }> }>(ctx, 'ListPodSandboxMetrics', {}));
      const names = new Map(descriptors.map((d) => [d.name, d]));
      for (const metric of podMetrics.flatMap((p) => p.containerMetrics.flatMap((c) => c.metrics))) {
        const descriptor = names.get(metric.name);
        check(descriptor, `metric ${metric.name} has no descriptor`);
        checkEqual(metric.labelValues.length, descriptor.labelKeys.length, `label values of ${metric.name}`);
      }
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.checkpoint.container',
    title: 'CheckpointContainer writes a checkpoint archive',
    spec: spec('RuntimeService.CheckpointContainer', 'checkpoints a container to the given location'),
    profile: 'extended',
    requires: ['node.local'],
    tags: ['Feature:ContainerCheckpoint'],
    operations: ['CheckpointContainer'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      const location = join(ctx.env.workDir, 'checkpoints', `${ctx.unique('ckpt')}.tar`);
      await optionalRpc(ctx, 'CheckpointContainer', () => rt(ctx, 'CheckpointContainer', { containerId: container.id, location, timeout: 30 }));
      check(existsSync(location) && statSync(location).size > 0, `no checkpoint archive at ${location}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.checkpoint.pod-restore',
    title: 'A checkpointed pod can be restored as a new sandbox',
    spec: spec('RuntimeService.CheckpointPod / RestorePod', 'a pod checkpoint restores into a ready sandbox with its containers'),
    profile: 'extended',
    requires: ['node.local'],
    tags: ['Feature:PodCheckpoint'],
    operations: ['CheckpointPod', 'RestorePod'],
    async run(ctx) {
      const restored = await checkpointAndRestore(ctx);
      const { status } = await rt<{ status: { state: string } }>(ctx, 'PodSandboxStatus', { podSandboxId: restored.podSandboxId });
      checkEqual(status.state, 'SANDBOX_READY', 'state of the restored sandbox');
      checkEqual(restored.restoredContainers.length, 1, 'containers restored');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.checkpoint.restore-created',
    title: 'RestorePod returns named containers in the created state, not started',
    spec: spec('RuntimeService.RestorePod', 'every returned container must be in the CREATED state and must not have executed the restored process; names and container ids non-empty and unique'),
    profile: 'extended',
    requires: ['node.local'],
    tags: ['Feature:PodCheckpoint'],
    operations: ['CheckpointPod', 'RestorePod', 'ContainerStatus'],
    async run(ctx) {
      const restored = await checkpointAndRestore(ctx);
      const names = restored.restoredContainers.map((c) => c.name);
      const ids = restored.restoredContainers.map((c) => c.containerId);
      check(names.every((n) => n !== '') && new Set(names).size === names.length, `restored container names ${JSON.stringify(names)} are not non-empty and unique`);
      check(ids.every((id) => id !== '') && new Set(ids).size === ids.length, `restored container ids ${JSON.stringify(ids)} are not non-empty and unique`);
      for (const id of ids) checkEqual((await containerStatus(ctx, id)).state, 'CONTAINER_CREATED', `state of restored container ${id}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.checkpoint.restore-error-cleans-up',
    title: 'A RestorePod of something that is no checkpoint fails and leaves no sandbox',
    spec: spec('RuntimeService.RestorePod', 'the runtime must reject a checkpoint it cannot restore; on error it must remove any sandbox and containers created by the call'),
    profile: 'extended',
    requires: ['node.local'],
    tags: ['Feature:PodCheckpoint'],
    operations: ['RestorePod', 'ListPodSandbox'],
    async run(ctx) {
      const checkpointPath = join(ctx.env.workDir, 'checkpoints', ctx.unique('not-a-checkpoint'));
      mkdirSync(checkpointPath, { recursive: true });
      writeFileSync(join(checkpointPath, 'README'), 'not a checkpoint\n');
      const marker = { 'conformal.io/restore': ctx.unique('restore') };
      const config = podConfig(ctx, { labels: marker });
      let restoredId: string | undefined;
      try {
        restoredId = (await rt<{ podSandboxId: string }>(ctx, 'RestorePod', { checkpointPath, config, runtimeHandler: ctx.env.runtimeHandler })).podSandboxId;
      } catch (error) {
        if (isGrpcCode(error, grpc.status.UNIMPLEMENTED)) ctx.notSupported(`RestorePod answered UNIMPLEMENTED: ${(error as Error).message}`);
      }
      if (restoredId !== undefined) ctx.ledger.add(`sandbox restored from no checkpoint ${restoredId}`, (signal) => removePod(ctx, restoredId!, signal));
      check(restoredId === undefined, `RestorePod of ${checkpointPath}, which holds no checkpoint, succeeded (sandbox ${restoredId})`);
      const { items } = await rt<{ items: PodSandbox[] }>(ctx, 'ListPodSandbox', { filter: { labelSelector: marker } });
      for (const leftover of items) ctx.ledger.add(`sandbox left by a failed RestorePod ${leftover.id}`, (signal) => removePod(ctx, leftover.id, signal));
      checkEqual(items.map((p) => p.id), [], 'sandboxes left behind by the failed RestorePod');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.checkpoint.pod-foreign-container',
    title: 'CheckpointPod naming a container of another sandbox fails and writes no checkpoint',
    spec: spec('CheckpointPodRequest.container_ids', 'every container must belong to pod_sandbox_id and be running; otherwise the runtime must fail the request without producing a checkpoint'),
    profile: 'extended',
    requires: ['node.local'],
    tags: ['Feature:PodCheckpoint'],
    operations: ['CheckpointPod'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const { container: foreign } = await runPodWithContainer(ctx);
      const outputPath = join(ctx.env.workDir, 'checkpoints', `${ctx.unique('pod')}.tar`);
      try {
        await rt(ctx, 'CheckpointPod', { podSandboxId: pod.id, outputPath, containerIds: [foreign.id] });
      } catch (error) {
        if (isGrpcCode(error, grpc.status.UNIMPLEMENTED)) ctx.notSupported(`CheckpointPod answered UNIMPLEMENTED: ${(error as Error).message}`);
        check(!existsSync(outputPath), `CheckpointPod failed and still wrote ${outputPath}`);
        return;
      }
      check(false, `CheckpointPod of sandbox ${pod.id} accepted container ${foreign.id} of another sandbox`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.checkpoint.restore-unknown-handler',
    title: 'RestorePod with a runtime handler the runtime does not have is rejected',
    spec: spec('RestorePodRequest.runtime_handler', 'the runtime must reject an unknown non-empty handler'),
    profile: 'extended',
    requires: ['node.local'],
    tags: ['Feature:PodCheckpoint'],
    operations: ['CheckpointPod', 'RestorePod'],
    async run(ctx) {
      const request = await checkpointPod(ctx);
      const runtimeHandler = `conformal-unknown-${ctx.unique('handler')}`;
      let restoredId: string | undefined;
      try {
        restoredId = (await rt<RestoredPod>(ctx, 'RestorePod', { ...request, runtimeHandler })).podSandboxId;
      } catch (error) {
        if (isGrpcCode(error, grpc.status.UNIMPLEMENTED)) ctx.notSupported(`RestorePod answered UNIMPLEMENTED: ${(error as Error).message}`);
        return;
      }
      ctx.ledger.add(`sandbox restored with an unknown handler ${restoredId}`, (signal) => removePod(ctx, restoredId!, signal));
      check(false, `RestorePod with runtime handler ${runtimeHandler} succeeded (sandbox ${restoredId})`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.resources.update-sandbox',
    title: 'UpdatePodSandboxResources accepts new sandbox resources',
    spec: spec('RuntimeService.UpdatePodSandboxResources', 'the kubelet tells the runtime about in-place pod resizes'),
    profile: 'extended',
    tags: ['Feature:InPlacePodVerticalScaling'],
    operations: ['UpdatePodSandboxResources'],
    async run(ctx) {
      const pod = await runPod(ctx);
      await optionalRpc(ctx, 'UpdatePodSandboxResources', () => rt(ctx, 'UpdatePodSandboxResources', { podSandboxId: pod.id, resources: { cpuShares: 256, memoryLimitInBytes: 64 * 2 ** 20 } }));
    },
  }),
];
