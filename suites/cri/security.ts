// Linux security context: user, group, read-only rootfs, capabilities, privileged,
// no-new-privileges, seccomp. Checked from inside the container.
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, execSync, pull, rt, runContainer, runPod, shell, type CriContext } from '../../src/interfaces/cri/kit.js';
import type { LinuxContainerSecurityContext } from '../../src/interfaces/cri/types.js';
import { spec } from './spec.js';

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;
const CAP_CHOWN = 0n;

async function withSecurity(ctx: CriContext, securityContext: LinuxContainerSecurityContext, extra: { image?: string } = {}) {
  const pod = await runPod(ctx, securityContext.privileged ? { linux: { securityContext: { privileged: true } } } : {});
  return runContainer(ctx, pod, { linux: { securityContext }, ...(extra.image ? { image: { image: extra.image } } : {}) });
}

/** A field of /proc/self/status as the container sees it. */
async function procStatus(ctx: CriContext, containerId: string, field: string): Promise<string> {
  const text = await shell(ctx, containerId, 'cat /proc/self/status');
  const line = text.split('\n').find((l) => l.startsWith(`${field}:`));
  check(line, `/proc/self/status has no ${field} line`);
  return line.slice(field.length + 1).trim();
}

/** CreateContainer or StartContainer must fail with this security context (the image is pulled first, so only the context can be refused). */
async function expectSecurityRefused(ctx: CriContext, securityContext: LinuxContainerSecurityContext, what: string): Promise<void> {
  const pod = await runPod(ctx);
  await pull(ctx, ctx.env.images.busybox, pod);
  let started: string | undefined;
  try {
    started = (await runContainer(ctx, pod, { linux: { securityContext } })).id;
  } catch {
    return;
  }
  const uid = await shell(ctx, started, 'id -u').catch(() => '?');
  check(false, `a container ${what} was created and started (container ${started}, uid ${uid})`);
}

const hasCap = (mask: string, bit: bigint) => ((BigInt(`0x${mask}`) >> bit) & 1n) === 1n;

export const securityTests = [
  defineTest<CriEnv>({
    id: 'cri.security.run-as-user',
    title: 'run_as_user and run_as_group set the process identity',
    spec: spec('LinuxContainerSecurityContext', 'run_as_user / run_as_group: the UID and GID the process runs as'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const container = await withSecurity(ctx, { runAsUser: { value: 1234 }, runAsGroup: { value: 5678 } });
      checkEqual(await shell(ctx, container.id, 'id -u'), '1234', 'uid in the container');
      checkEqual(await shell(ctx, container.id, 'id -g'), '5678', 'gid in the container');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.supplemental-groups',
    title: 'Supplemental groups are added to the process',
    spec: spec('LinuxContainerSecurityContext', 'supplemental_groups are added to the primary group'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const container = await withSecurity(ctx, { runAsUser: { value: 1000 }, supplementalGroups: [4321, 4322] });
      const groups = (await shell(ctx, container.id, 'id -G')).split(/\s+/);
      check(groups.includes('4321') && groups.includes('4322'), `id -G printed ${groups.join(' ')}, missing 4321 or 4322`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.image-user',
    tags: ['Feature:ImageUser'],
    title: 'Without run_as_user the image user is used',
    spec: spec('LinuxContainerSecurityContext', 'run_as_user unset: the user from the image config'),
    profile: 'extended',
    requires: ['image.user'],
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const container = await withSecurity(ctx, {}, { image: ctx.env.images.userImage! });
      checkEqual(await shell(ctx, container.id, 'id -u'), '1000', 'uid of a container from the user image');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.readonly-rootfs',
    title: 'A read-only root filesystem refuses writes',
    spec: spec('LinuxContainerSecurityContext', 'readonly_rootfs mounts the container root filesystem read-only'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const readonly = await withSecurity(ctx, { readonlyRootfs: true });
      const denied = await execSync(ctx, readonly.id, ['sh', '-c', 'echo data > /written-file']);
      check(denied.exitCode !== 0, 'writing to / succeeded on a read-only root filesystem');
      const writable = await withSecurity(ctx, { readonlyRootfs: false });
      const allowed = await execSync(ctx, writable.id, ['sh', '-c', 'echo data > /written-file']);
      checkEqual(allowed.exitCode, 0, `exit code writing to / on a writable root filesystem (${allowed.stderr.trim()})`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.capabilities',
    title: 'Added capabilities are granted and dropped ones removed',
    spec: spec('Capability', 'add_capabilities and drop_capabilities change the capability sets'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const added = await withSecurity(ctx, { capabilities: { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['CHOWN'] } });
      const mask = await procStatus(ctx, added.id, 'CapEff');
      check(hasCap(mask, CAP_NET_ADMIN), `CapEff ${mask} lacks the added NET_ADMIN`);
      check(!hasCap(mask, CAP_CHOWN), `CapEff ${mask} still has the dropped CHOWN`);
      const plain = await withSecurity(ctx, {});
      const defaultMask = await procStatus(ctx, plain.id, 'CapEff');
      check(!hasCap(defaultMask, CAP_NET_ADMIN), `CapEff ${defaultMask} of a default container has NET_ADMIN`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.drop-all',
    title: 'Dropping ALL capabilities leaves none',
    spec: spec('Capability', 'drop_capabilities ALL removes every capability'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const container = await withSecurity(ctx, { capabilities: { dropCapabilities: ['ALL'] } });
      checkEqual(BigInt(`0x${await procStatus(ctx, container.id, 'CapEff')}`).toString(16), '0', 'CapEff after dropping ALL');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.privileged',
    title: 'A privileged container gets every capability',
    spec: spec('LinuxContainerSecurityContext', 'privileged grants all capabilities'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const privileged = await withSecurity(ctx, { privileged: true });
      check(hasCap(await procStatus(ctx, privileged.id, 'CapEff'), CAP_SYS_ADMIN), 'a privileged container lacks SYS_ADMIN');
      const plain = await withSecurity(ctx, {});
      check(!hasCap(await procStatus(ctx, plain.id, 'CapEff'), CAP_SYS_ADMIN), 'an unprivileged container has SYS_ADMIN');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.no-new-privs',
    title: 'no_new_privs sets the no-new-privileges flag',
    spec: spec('LinuxContainerSecurityContext', 'no_new_privs: the process cannot gain privileges'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const on = await withSecurity(ctx, { noNewPrivs: true });
      checkEqual(await procStatus(ctx, on.id, 'NoNewPrivs'), '1', 'NoNewPrivs with no_new_privs');
      const off = await withSecurity(ctx, { noNewPrivs: false });
      checkEqual(await procStatus(ctx, off.id, 'NoNewPrivs'), '0', 'NoNewPrivs without no_new_privs');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.seccomp',
    title: 'The runtime default seccomp profile filters and unconfined does not',
    spec: spec('SecurityProfile', 'RuntimeDefault applies the runtime seccomp profile; Unconfined applies none'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const filtered = await withSecurity(ctx, { seccomp: { profileType: 'RuntimeDefault' } });
      checkEqual(await procStatus(ctx, filtered.id, 'Seccomp'), '2', 'Seccomp mode with RuntimeDefault (2 = filter)');
      const unconfined = await withSecurity(ctx, { seccomp: { profileType: 'Unconfined' } });
      checkEqual(await procStatus(ctx, unconfined.id, 'Seccomp'), '0', 'Seccomp mode with Unconfined');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.run-as-group-needs-user',
    title: 'run_as_group without run_as_user or run_as_username is refused',
    spec: spec('LinuxContainerSecurityContext', 'run_as_group should only be specified when run_as_user or run_as_username is specified; otherwise, the runtime MUST error'),
    profile: 'core',
    operations: ['CreateContainer', 'StartContainer'],
    async run(ctx) {
      await expectSecurityRefused(ctx, { runAsGroup: { value: 5678 } }, 'with run_as_group and no user');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.security.unknown-username',
    title: 'A run_as_username the image does not have is refused',
    spec: spec('LinuxContainerSecurityContext', 'run_as_username: the user MUST exist in the container image and be resolved there by the runtime; otherwise, the runtime MUST error'),
    profile: 'core',
    operations: ['CreateContainer', 'StartContainer'],
    async run(ctx) {
      await expectSecurityRefused(ctx, { runAsUsername: 'conformal-no-such-user' }, 'with a run_as_username missing from the image');
    },
  }),
];
