// Host-path mounts: readable, read-only enforced, propagation of later host mounts, status.
import { execFile as execFileCb } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, containerStatus, execSync, runContainer, runPod, runPodWithContainer, shell, type CriContext } from '../../src/interfaces/cri/kit.js';
import { spec } from './spec.js';

function hostDir(ctx: CriContext): string {
  const dir = join(ctx.env.workDir, 'mounts', ctx.unique('dir'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

const execFile = promisify(execFileCb);

/** Runs mount/umount on the node (argv, no shell). */
async function hostMount(args: string[]): Promise<void> {
  await execFile('mount', args);
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
      const { container } = await runPodWithContainer(ctx, { mounts: [{ containerPath: '/mnt/shared', hostPath: dir }] });
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
      const { container } = await runPodWithContainer(ctx, { mounts: [{ containerPath: '/mnt/ro', hostPath: dir, readonly: true }] });
      checkEqual(await shell(ctx, container.id, 'cat /mnt/ro/kept.txt'), 'kept', 'file read through the read-only mount');
      const write = await execSync(ctx, container.id, ['sh', '-c', 'echo x > /mnt/ro/new.txt']);
      check(write.exitCode !== 0, 'writing through a read-only mount succeeded');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.mounts.propagation',
    title: 'A later host mount reaches a host-to-container mount but not a private one',
    spec: spec('MountPropagation', 'PROPAGATION_HOST_TO_CONTAINER (rslave) receives host mounts; PROPAGATION_PRIVATE does not'),
    profile: 'extended',
    requires: ['node.local', 'node.root'],
    tags: ['Feature:MountPropagation'],
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const dir = hostDir(ctx);
      // The source must be a shared mount for rslave to receive anything: make it one.
      await hostMount(['--bind', dir, dir]);
      ctx.ledger.add(`bind mount ${dir}`, async () => void (await execFile('umount', ['-l', dir])));
      await hostMount(['--make-rshared', dir]);
      const pod = await runPod(ctx);
      const slave = await runContainer(ctx, pod, { mounts: [{ containerPath: '/mnt/prop', hostPath: dir, propagation: 'PROPAGATION_HOST_TO_CONTAINER' }] });
      const isolated = await runContainer(ctx, pod, { mounts: [{ containerPath: '/mnt/prop', hostPath: dir, propagation: 'PROPAGATION_PRIVATE' }] });
      const late = join(dir, 'late');
      mkdirSync(late);
      await hostMount(['-t', 'tmpfs', 'tmpfs', late]);
      ctx.ledger.add(`tmpfs ${late}`, async () => void (await execFile('umount', ['-l', late])));
      const marker = ctx.unique('propagated');
      writeFileSync(join(late, 'marker'), `${marker}\n`);
      checkEqual(await shell(ctx, slave.id, 'cat /mnt/prop/late/marker'), marker, 'file on the later host mount, seen through PROPAGATION_HOST_TO_CONTAINER');
      const hidden = await execSync(ctx, isolated.id, ['cat', '/mnt/prop/late/marker']);
      check(hidden.exitCode !== 0, `a PROPAGATION_PRIVATE mount saw the later host mount (read ${JSON.stringify(hidden.stdout.trim())})`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.mounts.status',
    tags: ['Feature:MountStatus'],
    title: 'ContainerStatus lists the mounts with their propagation',
    spec: spec('ContainerStatus', 'mounts of the container, with propagation'),
    profile: 'extended',
    requires: ['node.local'],
    operations: ['ContainerStatus'],
    async run(ctx) {
      const dir = hostDir(ctx);
      const { container } = await runPodWithContainer(ctx, { mounts: [{ containerPath: '/mnt/private', hostPath: dir, propagation: 'PROPAGATION_PRIVATE' }] });
      const status = await containerStatus(ctx, container.id);
      const mount = status.mounts.find((m) => m.containerPath === '/mnt/private');
      check(mount, `ContainerStatus.mounts ${JSON.stringify(status.mounts)} lacks /mnt/private`);
      checkEqual(mount.hostPath, dir, 'host_path of the mount');
      checkEqual(mount.propagation ?? 'PROPAGATION_PRIVATE', 'PROPAGATION_PRIVATE', 'propagation of the mount');
    },
  }),
];
