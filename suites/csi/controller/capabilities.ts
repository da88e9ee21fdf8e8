// ControllerGetCapabilities, NodeGetCapabilities and GroupControllerGetCapabilities: well-formed,
// stable, and consistent with each other.
import type { CapabilitiesResponse } from '../../../src/interfaces/csi/types.js';
import { CREATE_DELETE, csi, csiTest, spec, type CsiKit, type CsiTest } from '../define.js';

const KNOWN: Record<string, ReadonlySet<string>> = {
  ControllerGetCapabilities: new Set([
    'CREATE_DELETE_VOLUME', 'PUBLISH_UNPUBLISH_VOLUME', 'LIST_VOLUMES', 'GET_CAPACITY', 'CREATE_DELETE_SNAPSHOT', 'LIST_SNAPSHOTS',
    'CLONE_VOLUME', 'PUBLISH_READONLY', 'EXPAND_VOLUME', 'LIST_VOLUMES_PUBLISHED_NODES', 'VOLUME_CONDITION', 'GET_VOLUME',
    'SINGLE_NODE_MULTI_WRITER', 'MODIFY_VOLUME', 'GET_SNAPSHOT',
  ]),
  NodeGetCapabilities: new Set(['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS', 'EXPAND_VOLUME', 'VOLUME_CONDITION', 'SINGLE_NODE_MULTI_WRITER', 'VOLUME_MOUNT_GROUP']),
  GroupControllerGetCapabilities: new Set(['CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT']),
};

type CapabilityRpc = 'ControllerGetCapabilities' | 'NodeGetCapabilities' | 'GroupControllerGetCapabilities';

function ask(k: CsiKit, rpc: CapabilityRpc): Promise<CapabilitiesResponse> {
  if (rpc === 'ControllerGetCapabilities') return k.controller.ControllerGetCapabilities({});
  if (rpc === 'NodeGetCapabilities') return k.node.NodeGetCapabilities({});
  return k.group.GroupControllerGetCapabilities({});
}

const typesOf = (response: CapabilitiesResponse) => response.capabilities.map((c) => c.rpc?.type ?? '(none)');

/** `feature` names the optional service whose capability RPC this is; without it the tests are core. */
function capabilitySet(rpc: CapabilityRpc, slug: string, requires: readonly string[], feature?: string): CsiTest[] {
  const level = feature ? { profile: 'extended' as const, tags: [`Feature:${feature}`] } : { profile: 'core' as const };
  return [
    csiTest({
      id: `csi.${slug}.get-capabilities.known-types`,
      title: `${rpc} lists only defined capability types, each once`,
      spec: spec(rpc, 'every capability is an RPC type defined by the spec'),
      ...level,
      requires,
      operations: [rpc],
      async run(ctx) {
        const k = csi(ctx);
        const types = typesOf(await ask(k, rpc));
        // UNKNOWN (0) is a defined enum value and the spec does not forbid listing it; it just means nothing.
        for (const type of types) k.assert(type === 'UNKNOWN' || KNOWN[rpc]!.has(type), `${rpc}: "${type}" is not a defined capability type`);
        const dupes = types.filter((t, i) => types.indexOf(t) !== i);
        k.assert(dupes.length === 0, `${rpc}: ${dupes.join(', ')} listed more than once`);
      },
    }),
    csiTest({
      id: `csi.${slug}.get-capabilities.stable`,
      title: `${rpc} answers the same set every time`,
      spec: spec(rpc, 'capabilities do not change while the plugin runs'),
      ...level,
      requires,
      operations: [rpc],
      async run(ctx) {
        const k = csi(ctx);
        // Compare with the answer given when the run started: that is what every skip decision used.
        const answers = k.env.capabilityAnswers;
        const discovered = rpc === 'ControllerGetCapabilities' ? answers.controller : rpc === 'NodeGetCapabilities' ? answers.node : answers.group;
        const first = typesOf(discovered ?? (await ask(k, rpc))).sort().join(',');
        for (const answer of await k.repeat(() => ask(k, rpc))) {
          const now = typesOf(answer).sort().join(',');
          k.assert(now === first, `${rpc}: answered [${now}], earlier [${first}]`);
        }
      },
    }),
  ];
}

export const capabilityTests = [
  ...capabilitySet('ControllerGetCapabilities', 'controller', CREATE_DELETE),
  ...capabilitySet('NodeGetCapabilities', 'node', []),
  ...capabilitySet('GroupControllerGetCapabilities', 'group', ['plugin.GROUP_CONTROLLER_SERVICE'], 'GroupSnapshots'),
  csiTest({
    id: 'csi.controller.get-capabilities.published-nodes-needs-list',
    tags: ['Feature:ListVolumes'],
    title: 'LIST_VOLUMES_PUBLISHED_NODES is advertised only together with LIST_VOLUMES',
    spec: spec('ControllerGetCapabilities', 'LIST_VOLUMES_PUBLISHED_NODES describes a field of the ListVolumes response'),
    profile: 'extended',
    requires: ['controller.LIST_VOLUMES_PUBLISHED_NODES'],
    operations: ['ControllerGetCapabilities'],
    async run(ctx) {
      const k = csi(ctx);
      k.assert(k.has('controller.LIST_VOLUMES'), 'ControllerGetCapabilities: LIST_VOLUMES_PUBLISHED_NODES without LIST_VOLUMES');
    },
  }),
  csiTest({
    id: 'csi.controller.get-capabilities.published-nodes-needs-publish',
    tags: ['Feature:ListVolumes'],
    title: 'LIST_VOLUMES_PUBLISHED_NODES is advertised only together with PUBLISH_UNPUBLISH_VOLUME',
    spec: spec('ControllerGetCapabilities', 'LIST_VOLUMES_PUBLISHED_NODES: the SP MUST also support PUBLISH_UNPUBLISH_VOLUME'),
    profile: 'extended',
    requires: ['controller.LIST_VOLUMES_PUBLISHED_NODES'],
    operations: ['ControllerGetCapabilities'],
    async run(ctx) {
      const k = csi(ctx);
      k.assert(k.has('controller.PUBLISH_UNPUBLISH_VOLUME'), 'ControllerGetCapabilities: LIST_VOLUMES_PUBLISHED_NODES without PUBLISH_UNPUBLISH_VOLUME');
    },
  }),
  csiTest({
    id: 'csi.controller.get-capabilities.condition-needs-reporting-rpc',
    tags: ['Feature:VolumeCondition'],
    title: 'Controller VOLUME_CONDITION comes with ListVolumes or ControllerGetVolume to report it',
    spec: spec('ControllerGetCapabilities', 'VOLUME_CONDITION: the condition is reported by ListVolumes or ControllerGetVolume'),
    profile: 'extended',
    requires: ['controller.VOLUME_CONDITION'],
    operations: ['ControllerGetCapabilities'],
    async run(ctx) {
      const k = csi(ctx);
      k.assert(k.has('controller.LIST_VOLUMES') || k.has('controller.GET_VOLUME'), 'ControllerGetCapabilities: VOLUME_CONDITION without LIST_VOLUMES or GET_VOLUME');
    },
  }),
];
