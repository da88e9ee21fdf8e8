// TypeScript shapes of the CSI v1.12.0 messages as @grpc/proto-loader decodes them
// (camelCase fields, enums as names, int64 as numbers, defaults filled in).
// Requests are Partial so tests can leave out a required field on purpose.

export type StringMap = Record<string, string>;

export const ACCESS_MODES = [
  'SINGLE_NODE_WRITER',
  'SINGLE_NODE_READER_ONLY',
  'MULTI_NODE_READER_ONLY',
  'MULTI_NODE_SINGLE_WRITER',
  'MULTI_NODE_MULTI_WRITER',
  'SINGLE_NODE_SINGLE_WRITER',
  'SINGLE_NODE_MULTI_WRITER',
] as const;
export type AccessModeName = (typeof ACCESS_MODES)[number];

export const ACCESS_TYPES = ['mount', 'block'] as const;
export type AccessType = (typeof ACCESS_TYPES)[number];

export interface VolumeCapability {
  block?: Record<string, never> | null;
  mount?: { fsType?: string; mountFlags?: string[]; volumeMountGroup?: string } | null;
  accessMode?: { mode: AccessModeName | 'UNKNOWN' } | null;
  accessType?: 'block' | 'mount';
}

export interface CapacityRange {
  requiredBytes?: number;
  limitBytes?: number;
}

export interface Topology {
  segments: StringMap;
}

export interface TopologyRequirement {
  requisite?: Topology[];
  preferred?: Topology[];
}

export interface VolumeContentSource {
  snapshot?: { snapshotId: string } | null;
  volume?: { volumeId: string } | null;
  type?: 'snapshot' | 'volume';
}

export interface Volume {
  capacityBytes: number;
  volumeId: string;
  volumeContext: StringMap;
  contentSource: VolumeContentSource | null;
  accessibleTopology: Topology[];
}

export interface VolumeCondition {
  abnormal: boolean;
  message: string;
}

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface Snapshot {
  sizeBytes: number;
  snapshotId: string;
  sourceVolumeId: string;
  creationTime: Timestamp | null;
  readyToUse: boolean;
  groupSnapshotId: string;
}

export interface VolumeGroupSnapshot {
  groupSnapshotId: string;
  snapshots: Snapshot[];
  creationTime: Timestamp | null;
  readyToUse: boolean;
}

// ---- Identity
export interface GetPluginInfoResponse {
  name: string;
  vendorVersion: string;
  manifest: StringMap;
}
export interface PluginCapability {
  service?: { type: string } | null;
  volumeExpansion?: { type: string } | null;
  type?: 'service' | 'volumeExpansion';
}
export interface GetPluginCapabilitiesResponse {
  capabilities: PluginCapability[];
}
export interface ProbeResponse {
  ready: { value: boolean } | null;
}

// ---- Controller
export interface CreateVolumeRequest {
  name?: string;
  capacityRange?: CapacityRange;
  volumeCapabilities?: VolumeCapability[];
  parameters?: StringMap;
  secrets?: StringMap;
  volumeContentSource?: VolumeContentSource;
  accessibilityRequirements?: TopologyRequirement;
  mutableParameters?: StringMap;
}
export interface CreateVolumeResponse {
  volume: Volume | null;
}
export interface DeleteVolumeRequest {
  volumeId?: string;
  secrets?: StringMap;
}
export interface ControllerPublishVolumeRequest {
  volumeId?: string;
  nodeId?: string;
  volumeCapability?: VolumeCapability;
  readonly?: boolean;
  secrets?: StringMap;
  volumeContext?: StringMap;
}
export interface ControllerPublishVolumeResponse {
  publishContext: StringMap;
}
export interface ControllerUnpublishVolumeRequest {
  volumeId?: string;
  nodeId?: string;
  secrets?: StringMap;
}
export interface ValidateVolumeCapabilitiesRequest {
  volumeId?: string;
  volumeContext?: StringMap;
  volumeCapabilities?: VolumeCapability[];
  parameters?: StringMap;
  secrets?: StringMap;
  mutableParameters?: StringMap;
}
export interface ValidateVolumeCapabilitiesResponse {
  confirmed: {
    volumeContext: StringMap;
    volumeCapabilities: VolumeCapability[];
    parameters: StringMap;
    mutableParameters: StringMap;
  } | null;
  message: string;
}
export interface ListVolumesRequest {
  maxEntries?: number;
  startingToken?: string;
}
export interface VolumeStatus {
  publishedNodeIds: string[];
  volumeCondition: VolumeCondition | null;
}
export interface ListVolumesResponse {
  entries: Array<{ volume: Volume | null; status: VolumeStatus | null }>;
  nextToken: string;
}
export interface ControllerGetVolumeResponse {
  volume: Volume | null;
  status: VolumeStatus | null;
}
export interface ControllerModifyVolumeRequest {
  volumeId?: string;
  secrets?: StringMap;
  mutableParameters?: StringMap;
}
export interface GetCapacityRequest {
  volumeCapabilities?: VolumeCapability[];
  parameters?: StringMap;
  accessibleTopology?: Topology;
}
export interface GetCapacityResponse {
  availableCapacity: number;
  maximumVolumeSize: { value: number } | null;
  minimumVolumeSize: { value: number } | null;
}
export interface RpcCapability {
  rpc?: { type: string } | null;
}
export interface CapabilitiesResponse {
  capabilities: RpcCapability[];
}
export interface CreateSnapshotRequest {
  sourceVolumeId?: string;
  name?: string;
  secrets?: StringMap;
  parameters?: StringMap;
}
export interface CreateSnapshotResponse {
  snapshot: Snapshot | null;
}
export interface DeleteSnapshotRequest {
  snapshotId?: string;
  secrets?: StringMap;
}
export interface ListSnapshotsRequest {
  maxEntries?: number;
  startingToken?: string;
  sourceVolumeId?: string;
  snapshotId?: string;
  secrets?: StringMap;
}
export interface ListSnapshotsResponse {
  entries: Array<{ snapshot: Snapshot | null }>;
  nextToken: string;
}
export interface GetSnapshotRequest {
  snapshotId?: string;
  secrets?: StringMap;
}
export interface GetSnapshotResponse {
  snapshot: Snapshot | null;
}
export interface ControllerExpandVolumeRequest {
  volumeId?: string;
  capacityRange?: CapacityRange;
  secrets?: StringMap;
  volumeCapability?: VolumeCapability;
}
export interface ControllerExpandVolumeResponse {
  capacityBytes: number;
  nodeExpansionRequired: boolean;
}

// ---- GroupController
export interface CreateVolumeGroupSnapshotRequest {
  name?: string;
  sourceVolumeIds?: string[];
  secrets?: StringMap;
  parameters?: StringMap;
}
export interface VolumeGroupSnapshotResponse {
  groupSnapshot: VolumeGroupSnapshot | null;
}
export interface GroupSnapshotIdRequest {
  groupSnapshotId?: string;
  snapshotIds?: string[];
  secrets?: StringMap;
}

// ---- SnapshotMetadata
export interface BlockMetadata {
  byteOffset: number;
  sizeBytes: number;
}
export interface GetMetadataAllocatedRequest {
  snapshotId?: string;
  startingOffset?: number;
  maxResults?: number;
  secrets?: StringMap;
}
export interface GetMetadataDeltaRequest {
  baseSnapshotId?: string;
  targetSnapshotId?: string;
  startingOffset?: number;
  maxResults?: number;
  secrets?: StringMap;
}
export interface MetadataResponse {
  blockMetadataType: 'UNKNOWN' | 'FIXED_LENGTH' | 'VARIABLE_LENGTH';
  volumeCapacityBytes: number;
  blockMetadata: BlockMetadata[];
}

// ---- Node
export interface NodeStageVolumeRequest {
  volumeId?: string;
  publishContext?: StringMap;
  stagingTargetPath?: string;
  volumeCapability?: VolumeCapability;
  secrets?: StringMap;
  volumeContext?: StringMap;
}
export interface NodeUnstageVolumeRequest {
  volumeId?: string;
  stagingTargetPath?: string;
}
export interface NodePublishVolumeRequest {
  volumeId?: string;
  publishContext?: StringMap;
  stagingTargetPath?: string;
  targetPath?: string;
  volumeCapability?: VolumeCapability;
  readonly?: boolean;
  secrets?: StringMap;
  volumeContext?: StringMap;
}
export interface NodeUnpublishVolumeRequest {
  volumeId?: string;
  targetPath?: string;
}
export interface NodeGetVolumeStatsRequest {
  volumeId?: string;
  volumePath?: string;
  stagingTargetPath?: string;
}
export interface VolumeUsage {
  available: number;
  total: number;
  used: number;
  unit: 'UNKNOWN' | 'BYTES' | 'INODES';
}
export interface NodeGetVolumeStatsResponse {
  usage: VolumeUsage[];
  volumeCondition: VolumeCondition | null;
}
export interface NodeExpandVolumeRequest {
  volumeId?: string;
  volumePath?: string;
  capacityRange?: CapacityRange;
  stagingTargetPath?: string;
  volumeCapability?: VolumeCapability;
  secrets?: StringMap;
}
export interface NodeExpandVolumeResponse {
  capacityBytes: number;
}
export interface NodeGetInfoResponse {
  nodeId: string;
  maxVolumesPerNode: number;
  accessibleTopology: Topology | null;
}

export type Empty = Record<string, never>;
