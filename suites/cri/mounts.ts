// Host-path mounts: readable, read-only enforced, propagation reported.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, containerStatus, execSync, runContainer, runPod, shell, type CriContext } from '../../src/interfaces/cri/kit.js';
import { spec } from './spec.js';

function hostDir(ctx: CriContext): string {
  const dir = join(ctx.env.workDir, 'mounts', ctx.unique('dir'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const mountTests = [
  defineTest<CriEnv>({
    id: 'cri.mounts.host-path',
    title: 'A host directory mounted into the container is readable and writable',
    spec: spec('Mount', 'host_path is mounted at container_path'),
    profile: 'core',
    requires: ['node.local'],
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const dir = hostDir(ctx);
      writeFileSync(join(dir, 'from-host.txt'), 'written by the host\n');
      const pod = await runPod(ctx);
      const container = await runContainer(ctx, pod, { mounts: [{ containerPath: '/mnt/shared', hostPath: dir }] });
      checkEqual(await shell(ctx, container.id, 'cat /mnt/shared/from-host.txt'), 'written by the host', 'file read through the mount');
      await shell(ctx, container.id, 'echo written by the container > /mnt/shared/from-container.txt');
      checkEqual(readFileSync(join(dir, 'from-container.txt'), 'utf8'), 'written by the container\n', 'file written through the mount');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.mounts.readonly',
    title: 'A read-only mount refuses writes',
    spec: spec('Mount', 'readonly: the mount is read-only in the container'),
    profile: 'core',
    requires: ['node.local'],
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const dir = hostDir(ctx);
      writeFileSync(join(dir, 'kept.txt'), 'kept\n');
      const pod = await runPod(ctx);
      const container = await runContainer(ctx, pod, { mounts: [{ containerPath: '/mnt/ro', hostPath: dir, readonly: true }] });
      checkEqual(await shell(ctx, container.id, 'cat /mnt/ro/kept.txt'), 'kept', 'file read through the read-only mount');
      const write = await execSync(ctx, container.id, ['sh', '-c', 'echo x > /mnt/ro/new.txt']);
      check(write.exitCode !== 0, 'writing through a read-only mount succeeded');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.mounts.status',
    title: 'ContainerStatus lists the mounts with their propagation',
    spec: spec('ContainerStatus', 'mounts of the container, with propagation'),
    profile: 'extended',
    requires: ['node.local'],
    operations: ['ContainerStatus'],
    async run(ctx) {
      const dir = hostDir(ctx);
      const pod = await runPod(ctx);
      const container = await runContainer(ctx, pod, { mounts: [{ containerPath: '/mnt/private', hostPath: dir, propagation: 'PROPAGATION_PRIVATE' }] });
      const status = await containerStatus(ctx, container.id);
      const mount = status.mounts.find((m) => m.containerPath === '/mnt/private');
      check(mount, `ContainerStatus.mounts ${JSON.stringify(status.mounts)} lacks /mnt/private`);
      checkEqual(mount.hostPath, dir, 'host_path of the mount');
      checkEqual(mount.propagation ?? 'PROPAGATION_PRIVATE', 'PROPAGATION_PRIVATE', 'propagation of the mount');
    },
  }),
];
