// The CSI capability names tests declare, and their discovery: one round of GetPluginCapabilities,
// ControllerGetCapabilities, NodeGetCapabilities and GroupControllerGetCapabilities per run
// (csi-sanity spent 45 % of its calls re-asking these in every test).
import type { CapabilityInfo, ProfileDefinition } from '../../core/plugin.js';
import type { CsiClients } from './client.js';
import { ACCESS_MODES, type AccessModeName, type AccessType, type CapabilitiesResponse, type GetPluginCapabilitiesResponse } from './types.js';

const PLUGIN: Record<string, string> = {
  CONTROLLER_SERVICE: 'serves the Controller service',
  VOLUME_ACCESSIBILITY_CONSTRAINTS: 'volumes may be reachable from only some nodes (topology)',
  GROUP_CONTROLLER_SERVICE: 'serves the GroupController service',
  SNAPSHOT_METADATA_SERVICE: 'serves the SnapshotMetadata service (alpha)',
};
const EXPANSION: Record<string, string> = {
  ONLINE: 'volumes can be expanded while published',
  OFFLINE: 'volumes can be expanded only while not published',
};
const CONTROLLER: Record<string, string> = {
  CREATE_DELETE_VOLUME: 'CreateVolume and DeleteVolume',
  PUBLISH_UNPUBLISH_VOLUME: 'ControllerPublishVolume and ControllerUnpublishVolume',
  LIST_VOLUMES: 'ListVolumes',
  GET_CAPACITY: 'GetCapacity',
  CREATE_DELETE_SNAPSHOT: 'CreateSnapshot and DeleteSnapshot',
  LIST_SNAPSHOTS: 'ListSnapshots',
  CLONE_VOLUME: 'CreateVolume from an existing volume',
  PUBLISH_READONLY: 'read-only ControllerPublishVolume',
  EXPAND_VOLUME: 'ControllerExpandVolume',
  LIST_VOLUMES_PUBLISHED_NODES: 'ListVolumes reports published node ids',
  VOLUME_CONDITION: 'ListVolumes/ControllerGetVolume report the volume condition (alpha)',
  GET_VOLUME: 'ControllerGetVolume (alpha)',
  SINGLE_NODE_MULTI_WRITER: 'SINGLE_NODE_SINGLE_WRITER and SINGLE_NODE_MULTI_WRITER access modes (alpha)',
  MODIFY_VOLUME: 'ControllerModifyVolume',
  GET_SNAPSHOT: 'GetSnapshot (alpha)',
};
const NODE: Record<string, string> = {
  STAGE_UNSTAGE_VOLUME: 'NodeStageVolume and NodeUnstageVolume',
  GET_VOLUME_STATS: 'NodeGetVolumeStats',
  EXPAND_VOLUME: 'NodeExpandVolume',
  VOLUME_CONDITION: 'NodeGetVolumeStats reports the volume condition (alpha)',
  SINGLE_NODE_MULTI_WRITER: 'SINGLE_NODE_SINGLE_WRITER and SINGLE_NODE_MULTI_WRITER access modes (alpha)',
  VOLUME_MOUNT_GROUP: 'honours volume_mount_group of mount volumes',
};
const GROUP: Record<string, string> = {
  CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT: 'CreateVolumeGroupSnapshot, DeleteVolumeGroupSnapshot, GetVolumeGroupSnapshot',
};

/** Derived capabilities: not reported by the driver, but declared by the options or the node info. */
const DERIVED: readonly CapabilityInfo[] = [
  // Environment: declarations whose default holds for every driver (mount volumes, SINGLE_NODE_WRITER, local paths).
  { name: 'access-type.mount', kind: 'environment', description: 'the driver serves mount volumes (option accessType; the default)' },
  { name: 'access-type.block', kind: 'feature', description: 'the driver serves block volumes (--access-type block)' },
  ...ACCESS_MODES.map((mode): CapabilityInfo =>
    mode === 'SINGLE_NODE_WRITER'
      ? { name: `access-mode.${mode}`, kind: 'environment', description: `the driver supports the ${mode} access mode (the default of --access-mode)` }
      : { name: `access-mode.${mode}`, kind: 'feature', description: `the driver supports the ${mode} access mode (--access-mode ${mode})` },
  ),
  { name: 'node.max-volumes', kind: 'setting', flag: '--test-node-attach-limit', description: 'NodeGetInfo reports max_volumes_per_node > 0 and the attach limit test is enabled' },
  { name: 'node.topology', kind: 'feature', description: 'NodeGetInfo reports an accessible topology' },
  { name: 'config.other-node', kind: 'setting', flag: '--other-node-id', description: 'another node id the controller knows: multi-node publish tests' },
  { name: 'config.secrets-required', kind: 'setting', flag: '--secrets-required', description: 'the driver rejects calls without the configured secrets (with --secrets-file)' },
  { name: 'config.mutable-parameters', kind: 'setting', flag: '--mutable-parameter', description: 'mutable parameters the driver accepts in ControllerModifyVolume' },
  { name: 'config.path-check', kind: 'environment', description: 'target paths can be inspected: local temporary directories, or a checkPathCmd' },
];

/** The capabilities whose presence claims a profile; every other reported capability is a feature. */
const CLAIMS = new Set(['plugin.CONTROLLER_SERVICE', 'controller.CREATE_DELETE_VOLUME']);
const reported = (prefix: string, entries: Record<string, string>): CapabilityInfo[] =>
  Object.entries(entries).map(([k, description]) => {
    const name = `${prefix}.${k}`;
    return { name, description, kind: CLAIMS.has(name) ? 'claim' : 'feature' };
  });

export const capabilityCatalog: readonly CapabilityInfo[] = [
  ...reported('plugin', PLUGIN),
  ...reported('expansion', EXPANSION),
  ...reported('controller', CONTROLLER),
  ...reported('node', NODE),
  ...reported('group', GROUP),
  ...DERIVED,
];

/** Every CSI driver serves Identity and Node; one that serves a Controller with CreateVolume/DeleteVolume claims the controller profile too. */
export const csiProfiles: readonly ProfileDefinition[] = [
  { name: 'node', description: 'Identity and Node services: every CSI driver', claimedBy: [] },
  { name: 'controller', description: 'the Controller service with dynamic provisioning (CreateVolume, DeleteVolume)', claimedBy: ['plugin.CONTROLLER_SERVICE', 'controller.CREATE_DELETE_VOLUME'] },
];

export const KNOWN_CAPABILITIES: ReadonlySet<string> = new Set(capabilityCatalog.map((c) => c.name));

/** Names from a driver's capability answers: plugin.X, expansion.X. */
export function pluginCapabilityNames(response: GetPluginCapabilitiesResponse): string[] {
  const names: string[] = [];
  for (const cap of response.capabilities) {
    if (cap.service?.type) names.push(`plugin.${cap.service.type}`);
    if (cap.volumeExpansion?.type) names.push(`expansion.${cap.volumeExpansion.type}`);
  }
  return names;
}

/** Names from a ControllerGetCapabilities / NodeGetCapabilities / GroupControllerGetCapabilities answer. */
export function rpcCapabilityNames(prefix: 'controller' | 'node' | 'group', response: CapabilitiesResponse): string[] {
  return response.capabilities.flatMap((cap) => (cap.rpc?.type ? [`${prefix}.${cap.rpc.type}`] : []));
}

export interface DiscoveredCapabilities {
  readonly names: Set<string>;
  /** Raw type names per service, including unknown ones, for the capability tests. */
  readonly raw: { plugin: GetPluginCapabilitiesResponse; controller?: CapabilitiesResponse; node: CapabilitiesResponse; group?: CapabilitiesResponse };
}

/** Asks the driver once for all its capabilities. */
export async function discoverCapabilities(clients: CsiClients, signal: AbortSignal, timeoutMs: number): Promise<DiscoveredCapabilities> {
  const plugin = await clients.identity.GetPluginCapabilities({}, signal, timeoutMs);
  const names = new Set(pluginCapabilityNames(plugin));
  const controller = names.has('plugin.CONTROLLER_SERVICE') ? await clients.controller.ControllerGetCapabilities({}, signal, timeoutMs) : undefined;
  const node = await clients.node.NodeGetCapabilities({}, signal, timeoutMs);
  const group = names.has('plugin.GROUP_CONTROLLER_SERVICE') ? await clients.group.GroupControllerGetCapabilities({}, signal, timeoutMs) : undefined;
  if (controller) for (const n of rpcCapabilityNames('controller', controller)) names.add(n);
  for (const n of rpcCapabilityNames('node', node)) names.add(n);
  if (group) for (const n of rpcCapabilityNames('group', group)) names.add(n);
  return { names, raw: { plugin, node, ...(controller ? { controller } : {}), ...(group ? { group } : {}) } };
}

/** The SINGLE_NODE_*_WRITER modes need both the controller and node SINGLE_NODE_MULTI_WRITER capability. */
const ALPHA_MODES: readonly AccessModeName[] = ['SINGLE_NODE_SINGLE_WRITER', 'SINGLE_NODE_MULTI_WRITER'];

export function derivedCapabilities(
  discovered: ReadonlySet<string>,
  declared: { accessTypes: readonly AccessType[]; accessModes: readonly AccessModeName[]; testNodeAttachLimit: boolean },
  facts: { maxVolumesPerNode: number; hasTopology: boolean; otherNodes: boolean; secretsRequired: boolean; mutableParameters: boolean; pathCheck: boolean },
): string[] {
  const names = declared.accessTypes.map((t) => `access-type.${t}`);
  const alphaModesOk = discovered.has('controller.SINGLE_NODE_MULTI_WRITER') || !discovered.has('plugin.CONTROLLER_SERVICE');
  for (const mode of declared.accessModes) {
    if (ALPHA_MODES.includes(mode) && !(alphaModesOk && discovered.has('node.SINGLE_NODE_MULTI_WRITER'))) continue;
    names.push(`access-mode.${mode}`);
  }
  if (declared.testNodeAttachLimit && facts.maxVolumesPerNode > 0) names.push('node.max-volumes');
  if (facts.hasTopology) names.push('node.topology');
  if (facts.otherNodes) names.push('config.other-node');
  if (facts.secretsRequired) names.push('config.secrets-required');
  if (facts.mutableParameters) names.push('config.mutable-parameters');
  if (facts.pathCheck) names.push('config.path-check');
  return names;
}

/** Every capability type name the driver answered, as written (unknown ones included), for the log. */
export function capabilityAnswerNames(discovered: DiscoveredCapabilities): string[] {
  const { plugin, controller, node, group } = discovered.raw;
  return [
    ...pluginCapabilityNames(plugin),
    ...(controller ? rpcCapabilityNames('controller', controller) : []),
    ...rpcCapabilityNames('node', node),
    ...(group ? rpcCapabilityNames('group', group) : []),
  ];
}
