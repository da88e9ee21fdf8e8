// User namespaces (NamespaceOption.userns_options), for runtime handlers whose Status features say
// user_namespaces: the mappings kubelet gives a sandbox are the ones its containers see, NODE mode
// keeps the node's, and only POD and NODE are valid modes.
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, podConfig, removePod, rt, runContainer, runPod, shell, type CriContext } from '../../src/interfaces/cri/kit.js';
import type { IdMapping, NamespaceMode, UserNamespace } from '../../src/interfaces/cri/types.js';
import { spec } from './spec.js';

/** kubelet gives each pod 65536 IDs starting at a multiple of 65536 above the node's own. */
const POD_RANGE = 65536;

/** /proc/<pid>/uid_map's lines without the kernel's column padding: "0 1048576 65536". */
function mapLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/).join(' '))
    .filter(Boolean);
}

/** Sandbox and container both carry the options, as kubelet sends them. */
async function podAndContainer(ctx: CriContext, userns: UserNamespace) {
  const namespaceOptions = { usernsOptions: userns };
  const pod = await runPod(ctx, { linux: { securityContext: { namespaceOptions } } });
  const container = await runContainer(ctx, pod, { linux: { securityContext: { namespaceOptions } } });
  return container;
}

let nextSlot = 16;

/** A host range no other test of the run uses, at a multiple of 65536 as kubelet allocates them. */
function podMapping(): IdMapping {
  return { hostId: nextSlot++ * POD_RANGE, containerId: 0, length: POD_RANGE };
}

export const userNamespaceTests = [
  defineTest<CriEnv>({
    id: 'cri.userns.pod-mappings',
    tags: ['Feature:UserNamespaces'],
    title: 'A sandbox in POD user-namespace mode runs its containers with the UID and GID mappings it was given',
    spec: spec('NamespaceOption.userns_options', 'The Kubelet picks the user namespace configuration to use for the pod sandbox; the mappings are specified as part of the UserNamespace struct'),
    profile: 'extended',
    requires: ['runtime.user-namespaces'],
    operations: ['RunPodSandbox', 'CreateContainer', 'ExecSync'],
    async run(ctx) {
      const uids = podMapping();
      const gids = podMapping();
      const container = await podAndContainer(ctx, { mode: 'POD', uids: [uids], gids: [gids] });
      checkEqual(mapLines(await shell(ctx, container.id, 'cat /proc/self/uid_map')), [`0 ${uids.hostId} ${POD_RANGE}`], 'uid_map of a container in the POD user namespace');
      checkEqual(mapLines(await shell(ctx, container.id, 'cat /proc/self/gid_map')), [`0 ${gids.hostId} ${POD_RANGE}`], 'gid_map of a container in the POD user namespace');
      checkEqual(await shell(ctx, container.id, 'id -u'), '0', 'UID of the container process inside its user namespace');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.userns.node-mode',
    tags: ['Feature:UserNamespaces'],
    title: 'A sandbox in NODE user-namespace mode runs its containers in the node user namespace',
    spec: spec('UserNamespace.mode', 'NamespaceMode for UserNamespace supports POD and NODE; NODE is the node namespace'),
    profile: 'extended',
    requires: ['runtime.user-namespaces'],
    operations: ['RunPodSandbox', 'CreateContainer', 'ExecSync'],
    async run(ctx) {
      const container = await podAndContainer(ctx, { mode: 'NODE' });
      // The initial user namespace maps every ID to itself.
      checkEqual(mapLines(await shell(ctx, container.id, 'cat /proc/self/uid_map')), ['0 0 4294967295'], 'uid_map of a container in the node user namespace');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.userns.pod-and-node-only',
    tags: ['Feature:UserNamespaces'],
    title: 'RunPodSandbox refuses the user-namespace modes CONTAINER and TARGET',
    spec: spec('UserNamespace.mode', 'NamespaceMode for UserNamespace currently supports only POD and NODE, not CONTAINER OR TARGET'),
    profile: 'extended',
    requires: ['runtime.user-namespaces'],
    operations: ['RunPodSandbox'],
    async run(ctx) {
      const accepted: string[] = [];
      for (const mode of ['CONTAINER', 'TARGET'] as NamespaceMode[]) {
        const mapping = podMapping();
        const config = podConfig(ctx, { linux: { securityContext: { namespaceOptions: { usernsOptions: { mode, uids: [mapping], gids: [mapping] } } } } });
        let podSandboxId: string | undefined;
        try {
          ({ podSandboxId } = await rt<{ podSandboxId: string }>(ctx, 'RunPodSandbox', { config, runtimeHandler: ctx.env.runtimeHandler }));
        } catch {
          continue; // refused, as the rule says
        }
        const id = podSandboxId;
        ctx.ledger.add(`pod sandbox ${config.metadata.name} (${id})`, (signal) => removePod(ctx, id, signal));
        accepted.push(mode);
      }
      check(accepted.length === 0, `RunPodSandbox accepted user-namespace mode ${accepted.join(' and ')}; only POD and NODE are valid`);
    },
  }),
];
