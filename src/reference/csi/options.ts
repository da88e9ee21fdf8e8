// Options of the in-memory reference CSI driver and the capability switches that let the suite's
// skip logic be exercised. Everything defaults to "every capability on".
import { UsageError } from '../../core/errors.js';

export const PLUGIN_CAPABILITIES = [
  'CONTROLLER_SERVICE',
  'VOLUME_ACCESSIBILITY_CONSTRAINTS',
  'GROUP_CONTROLLER_SERVICE',
  'SNAPSHOT_METADATA_SERVICE',
] as const;

export const CONTROLLER_CAPABILITIES = [
  'CREATE_DELETE_VOLUME',
  'PUBLISH_UNPUBLISH_VOLUME',
  'LIST_VOLUMES',
  'GET_CAPACITY',
  'CREATE_DELETE_SNAPSHOT',
  'LIST_SNAPSHOTS',
  'CLONE_VOLUME',
  'PUBLISH_READONLY',
  'EXPAND_VOLUME',
  'LIST_VOLUMES_PUBLISHED_NODES',
  'VOLUME_CONDITION',
  'GET_VOLUME',
  'SINGLE_NODE_MULTI_WRITER',
  'MODIFY_VOLUME',
  'GET_SNAPSHOT',
] as const;

export const NODE_CAPABILITIES = [
  'STAGE_UNSTAGE_VOLUME',
  'GET_VOLUME_STATS',
  'EXPAND_VOLUME',
  'VOLUME_CONDITION',
  'SINGLE_NODE_MULTI_WRITER',
  'VOLUME_MOUNT_GROUP',
] as const;

export const GROUP_CONTROLLER_CAPABILITIES = ['CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT'] as const;

export type PluginCapabilityName = (typeof PLUGIN_CAPABILITIES)[number];
export type ControllerCapabilityName = (typeof CONTROLLER_CAPABILITIES)[number];
export type NodeCapabilityName = (typeof NODE_CAPABILITIES)[number];
export type GroupControllerCapabilityName = (typeof GROUP_CONTROLLER_CAPABILITIES)[number];
export type VolumeExpansionMode = 'ONLINE' | 'OFFLINE' | 'NONE';

/**
 * A capability switch as written in options and on the command line: "<service>.<NAME>",
 * e.g. "controller.LIST_VOLUMES", "node.STAGE_UNSTAGE_VOLUME", "plugin.CONTROLLER_SERVICE",
 * "group-controller.CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT".
 */
export type CapabilityKey = string;

export const ALL_CAPABILITY_KEYS: readonly CapabilityKey[] = [
  ...PLUGIN_CAPABILITIES.map((c) => `plugin.${c}`),
  ...CONTROLLER_CAPABILITIES.map((c) => `controller.${c}`),
  ...NODE_CAPABILITIES.map((c) => `node.${c}`),
  ...GROUP_CONTROLLER_CAPABILITIES.map((c) => `group-controller.${c}`),
];

export const TOPOLOGY_KEY = 'topology.conformal.dev/zone';
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

export interface CsiReferenceOptions {
  /** GetPluginInfo name (reverse domain notation). */
  readonly driverName?: string;
  readonly driverVersion?: string;
  /** The node this driver's Node service runs on. */
  readonly nodeId?: string;
  /** Further nodes the controller knows (publish targets for multi-node tests). */
  readonly otherNodeIds?: readonly string[];
  /** Capabilities to switch off, as "<service>.<NAME>" keys (see ALL_CAPABILITY_KEYS). */
  readonly disabledCapabilities?: readonly CapabilityKey[];
  /** The VolumeExpansion plugin capability; NONE advertises none. */
  readonly volumeExpansion?: VolumeExpansionMode;
  /** Zones (values of TOPOLOGY_KEY); the node is in the first, other nodes round-robin in the rest. */
  readonly zones?: readonly string[];
  /** Attach limit per node (NodeGetInfo.max_volumes_per_node, RESOURCE_EXHAUSTED beyond); 0 = none. */
  readonly maxVolumesPerNode?: number;
  /** Provisionable bytes per zone. */
  readonly capacityPerZone?: number;
  readonly maxVolumeSize?: number;
  readonly minVolumeSize?: number;
  /** Size of a volume created without a capacity range. */
  readonly defaultVolumeSize?: number;
  /** Keys ControllerModifyVolume and CreateVolume.mutable_parameters accept. */
  readonly mutableParameterKeys?: readonly string[];
  /** When set, every RPC that carries secrets must carry exactly these (else UNAUTHENTICATED). */
  readonly requiredSecrets?: Readonly<Record<string, string>>;
  /** Create/remove target paths on disk (mkdir/rmdir) instead of only tracking them in memory. */
  readonly realPaths?: boolean;
  /** Block size reported by the SnapshotMetadata service (FIXED_LENGTH). */
  readonly metadataBlockSize?: number;
  /** Name of a fault from CSI_FAULTS that breaks one spec rule on purpose. */
  readonly fault?: string;
}

export interface ResolvedCapabilities {
  readonly plugin: ReadonlySet<PluginCapabilityName>;
  readonly controller: ReadonlySet<ControllerCapabilityName>;
  readonly node: ReadonlySet<NodeCapabilityName>;
  readonly groupController: ReadonlySet<GroupControllerCapabilityName>;
  readonly volumeExpansion: VolumeExpansionMode;
}

export interface ResolvedOptions {
  readonly driverName: string;
  readonly driverVersion: string;
  readonly nodeId: string;
  readonly otherNodeIds: readonly string[];
  readonly capabilities: ResolvedCapabilities;
  readonly zones: readonly string[];
  readonly maxVolumesPerNode: number;
  readonly capacityPerZone: number;
  readonly maxVolumeSize: number;
  readonly minVolumeSize: number;
  readonly defaultVolumeSize: number;
  readonly mutableParameterKeys: ReadonlySet<string>;
  readonly requiredSecrets: Readonly<Record<string, string>> | undefined;
  readonly realPaths: boolean;
  readonly metadataBlockSize: number;
  readonly fault: string | undefined;
}

export const DEFAULT_DRIVER_NAME = 'reference.csi.conformal.dev';
export const DEFAULT_NODE_ID = 'conformal-node-1';
export const DEFAULT_OTHER_NODE_IDS = ['conformal-node-2', 'conformal-node-3'] as const;
export const DEFAULT_ZONES = ['zone-a', 'zone-b'] as const;
export const DEFAULT_MUTABLE_PARAMETER_KEYS = ['iops', 'throughput'] as const;

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UsageError(`reference option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`, { field: name });
  }
  return value;
}

/** Validates the options and fills in defaults; unknown capability keys are a UsageError naming the key. */
export function resolveOptions(options: CsiReferenceOptions = {}): ResolvedOptions {
  const disabled = new Set(options.disabledCapabilities ?? []);
  for (const key of disabled) {
    if (!ALL_CAPABILITY_KEYS.includes(key)) {
      throw new UsageError(`unknown CSI capability "${key}"; use one of: ${ALL_CAPABILITY_KEYS.join(', ')}`, { field: 'disabledCapabilities' });
    }
  }
  const keep = <T extends string>(prefix: string, names: readonly T[]) => new Set(names.filter((n) => !disabled.has(`${prefix}.${n}`)));
  const expansion = options.volumeExpansion ?? 'ONLINE';
  if (!['ONLINE', 'OFFLINE', 'NONE'].includes(expansion)) {
    throw new UsageError(`volumeExpansion must be ONLINE, OFFLINE or NONE, got ${expansion}`, { field: 'volumeExpansion' });
  }
  const zones = options.zones ?? DEFAULT_ZONES;
  if (zones.length === 0) throw new UsageError('zones must name at least one zone', { field: 'zones' });
  const minVolumeSize = positive('minVolumeSize', options.minVolumeSize, MiB);
  const maxVolumeSize = positive('maxVolumeSize', options.maxVolumeSize, TiB);
  if (maxVolumeSize < minVolumeSize) throw new UsageError('maxVolumeSize is below minVolumeSize', { field: 'maxVolumeSize' });
  return {
    driverName: options.driverName ?? DEFAULT_DRIVER_NAME,
    driverVersion: options.driverVersion ?? '0.1.0',
    nodeId: options.nodeId ?? DEFAULT_NODE_ID,
    otherNodeIds: options.otherNodeIds ?? DEFAULT_OTHER_NODE_IDS,
    capabilities: {
      plugin: keep('plugin', PLUGIN_CAPABILITIES),
      controller: keep('controller', CONTROLLER_CAPABILITIES),
      node: keep('node', NODE_CAPABILITIES),
      groupController: keep('group-controller', GROUP_CONTROLLER_CAPABILITIES),
      volumeExpansion: expansion,
    },
    zones,
    maxVolumesPerNode: positive('maxVolumesPerNode', options.maxVolumesPerNode, 32, true),
    capacityPerZone: positive('capacityPerZone', options.capacityPerZone, 10 * TiB),
    maxVolumeSize,
    minVolumeSize,
    defaultVolumeSize: positive('defaultVolumeSize', options.defaultVolumeSize, GiB),
    mutableParameterKeys: new Set(options.mutableParameterKeys ?? DEFAULT_MUTABLE_PARAMETER_KEYS),
    requiredSecrets: options.requiredSecrets,
    realPaths: options.realPaths ?? false,
    metadataBlockSize: positive('metadataBlockSize', options.metadataBlockSize, MiB),
    fault: options.fault,
  };
}
