// The CSI capability names tests declare, and their discovery: one round of GetPluginCapabilities,
// ControllerGetCapabilities, NodeGetCapabilities and GroupControllerGetCapabilities per run
// (csi-sanity spent 45 % of its calls re-asking these in every test).
import type { CapabilityInfo } from '../../core/plugin.js';
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
const DERIVED: Record<string, string> = {
  'access-type.mount': 'the driver serves mount volumes (option accessType)',
  'access-type.block': 'the driver serves block volumes (option accessType)',
  ...Object.fromEntries(ACCESS_MODES.map((mode) => [`access-mode.${mode}`, `the driver supports the ${mode} access mode (option accessModes)`])),
  'node.max-volumes': 'NodeGetInfo reports max_volumes_per_node > 0 and the attach limit test is enabled (testNodeAttachLimit)',
  'node.topology': 'NodeGetInfo reports an accessible topology',
  'config.other-node': 'another node id is known (option otherNodeIds): multi-node publish tests',
  'config.secrets-required': 'the driver rejects calls without the configured secrets (option secretsRequired)',
  'config.mutable-parameters': 'mutable parameters are configured (option mutableParameters)',
  'config.path-check': 'target paths can be inspected: local temporary directories, or a checkPathCmd',
};

export const capabilityCatalog: readonly CapabilityInfo[] = [
  ...Object.entries(PLUGIN).map(([k, d]) => ({ name: `plugin.${k}`, description: d })),
  ...Object.entries(EXPANSION).map(([k, d]) => ({ name: `expansion.${k}`, description: d })),
  ...Object.entries(CONTROLLER).map(([k, d]) => ({ name: `controller.${k}`, description: d })),
  ...Object.entries(NODE).map(([k, d]) => ({ name: `node.${k}`, description: d })),
  ...Object.entries(GROUP).map(([k, d]) => ({ name: `group.${k}`, description: d })),
  ...Object.entries(DERIVED).map(([k, d]) => ({ name: k, description: d })),
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
