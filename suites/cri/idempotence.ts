// Stop and remove are idempotent: repeating them, or naming something already gone, is no error.
import { randomBytes } from 'node:crypto';
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { img, rt, runPod, runPodWithContainer, stopContainer } from '../../src/interfaces/cri/kit.js';
import { spec } from './spec.js';

const unknownId = () => randomBytes(32).toString('hex');

export const idempotenceTests = [
  defineTest<CriEnv>({
    id: 'cri.idempotence.stop-sandbox-twice',
    title: 'Stopping a pod sandbox twice succeeds',
    spec: spec('RuntimeService.StopPodSandbox', 'idempotent: no error if resources are already reclaimed'),
    profile: 'core',
    operations: ['StopPodSandbox'],
    async run(ctx) {
      const pod = await runPod(ctx);
      await rt(ctx, 'StopPodSandbox', { podSandboxId: pod.id });
      await rt(ctx, 'StopPodSandbox', { podSandboxId: pod.id });
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.idempotence.stop-unknown-sandbox',
    title: 'Stopping an unknown pod sandbox succeeds',
    spec: spec('RuntimeService.StopPodSandbox', 'idempotent: must not return an error if all resources are already reclaimed'),
    profile: 'core',
    operations: ['StopPodSandbox'],
    async run(ctx) {
      await rt(ctx, 'StopPodSandbox', { podSandboxId: unknownId() });
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.idempotence.remove-sandbox',
    title: 'Removing a pod sandbox twice, or an unknown one, succeeds',
    spec: spec('RuntimeService.RemovePodSandbox', 'idempotent: no error if the sandbox has already been removed'),
    profile: 'core',
    operations: ['RemovePodSandbox'],
    async run(ctx) {
      const pod = await runPod(ctx);
      await rt(ctx, 'StopPodSandbox', { podSandboxId: pod.id });
      await rt(ctx, 'RemovePodSandbox', { podSandboxId: pod.id });
      await rt(ctx, 'RemovePodSandbox', { podSandboxId: pod.id });
      await rt(ctx, 'RemovePodSandbox', { podSandboxId: unknownId() });
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.idempotence.stop-container-twice',
    title: 'Stopping an exited container again succeeds',
    spec: spec('RuntimeService.StopContainer', 'idempotent: no error if the container is already stopped'),
    profile: 'core',
    operations: ['StopContainer'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      await stopContainer(ctx, container.id);
      await stopContainer(ctx, container.id);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.idempotence.stop-unknown-container',
    title: 'Stopping an unknown container succeeds',
    spec: spec('RuntimeService.StopContainer', 'idempotent: must not return an error if the container is gone'),
    profile: 'core',
    operations: ['StopContainer'],
    async run(ctx) {
      await rt(ctx, 'StopContainer', { containerId: unknownId(), timeout: 0 });
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.idempotence.remove-container',
    title: 'Removing a container twice, or an unknown one, succeeds',
    spec: spec('RuntimeService.RemoveContainer', 'idempotent: no error if the container has already been removed'),
    profile: 'core',
    operations: ['RemoveContainer'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      await stopContainer(ctx, container.id);
      await rt(ctx, 'RemoveContainer', { containerId: container.id });
      await rt(ctx, 'RemoveContainer', { containerId: container.id });
      await rt(ctx, 'RemoveContainer', { containerId: unknownId() });
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.idempotence.remove-unknown-image',
    title: 'Removing an unknown image succeeds',
    spec: spec('ImageService.RemoveImage', 'idempotent: no error if the image has already been removed'),
    profile: 'core',
    operations: ['RemoveImage'],
    async run(ctx) {
      const id = '0'.repeat(64);
      await img(ctx, 'RemoveImage', { image: { image: id } });
      await img(ctx, 'RemoveImage', { image: { image: id } });
    },
  }),
];
