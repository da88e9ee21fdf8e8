// Request/response types of the 32 CSI RPCs (generated message types) and the handler table
// the reference driver implements. Streaming RPCs return every message of the stream at once.
import type { GetPluginInfoRequest as GetPluginInfoReq } from '../../interfaces/csi/generated/csi/v1/GetPluginInfoRequest.js';
import type { GetPluginInfoResponse as GetPluginInfoRes } from '../../interfaces/csi/generated/csi/v1/GetPluginInfoResponse.js';
import type { GetPluginCapabilitiesRequest as GetPluginCapabilitiesReq } from '../../interfaces/csi/generated/csi/v1/GetPluginCapabilitiesRequest.js';
import type { GetPluginCapabilitiesResponse as GetPluginCapabilitiesRes } from '../../interfaces/csi/generated/csi/v1/GetPluginCapabilitiesResponse.js';
import type { ProbeRequest as ProbeReq } from '../../interfaces/csi/generated/csi/v1/ProbeRequest.js';
import type { ProbeResponse as ProbeRes } from '../../interfaces/csi/generated/csi/v1/ProbeResponse.js';
import type { CreateVolumeRequest as CreateVolumeReq } from '../../interfaces/csi/generated/csi/v1/CreateVolumeRequest.js';
import type { CreateVolumeResponse as CreateVolumeRes } from '../../interfaces/csi/generated/csi/v1/CreateVolumeResponse.js';
import type { DeleteVolumeRequest as DeleteVolumeReq } from '../../interfaces/csi/generated/csi/v1/DeleteVolumeRequest.js';
import type { DeleteVolumeResponse as DeleteVolumeRes } from '../../interfaces/csi/generated/csi/v1/DeleteVolumeResponse.js';
import type { ControllerPublishVolumeRequest as ControllerPublishVolumeReq } from '../../interfaces/csi/generated/csi/v1/ControllerPublishVolumeRequest.js';
import type { ControllerPublishVolumeResponse as ControllerPublishVolumeRes } from '../../interfaces/csi/generated/csi/v1/ControllerPublishVolumeResponse.js';
import type { ControllerUnpublishVolumeRequest as ControllerUnpublishVolumeReq } from '../../interfaces/csi/generated/csi/v1/ControllerUnpublishVolumeRequest.js';
import type { ControllerUnpublishVolumeResponse as ControllerUnpublishVolumeRes } from '../../interfaces/csi/generated/csi/v1/ControllerUnpublishVolumeResponse.js';
import type { ValidateVolumeCapabilitiesRequest as ValidateVolumeCapabilitiesReq } from '../../interfaces/csi/generated/csi/v1/ValidateVolumeCapabilitiesRequest.js';
import type { ValidateVolumeCapabilitiesResponse as ValidateVolumeCapabilitiesRes } from '../../interfaces/csi/generated/csi/v1/ValidateVolumeCapabilitiesResponse.js';
import type { ListVolumesRequest as ListVolumesReq } from '../../interfaces/csi/generated/csi/v1/ListVolumesRequest.js';
import type { ListVolumesResponse as ListVolumesRes } from '../../interfaces/csi/generated/csi/v1/ListVolumesResponse.js';
import type { GetCapacityRequest as GetCapacityReq } from '../../interfaces/csi/generated/csi/v1/GetCapacityRequest.js';
import type { GetCapacityResponse as GetCapacityRes } from '../../interfaces/csi/generated/csi/v1/GetCapacityResponse.js';
import type { ControllerGetCapabilitiesRequest as ControllerGetCapabilitiesReq } from '../../interfaces/csi/generated/csi/v1/ControllerGetCapabilitiesRequest.js';
import type { ControllerGetCapabilitiesResponse as ControllerGetCapabilitiesRes } from '../../interfaces/csi/generated/csi/v1/ControllerGetCapabilitiesResponse.js';
import type { CreateSnapshotRequest as CreateSnapshotReq } from '../../interfaces/csi/generated/csi/v1/CreateSnapshotRequest.js';
import type { CreateSnapshotResponse as CreateSnapshotRes } from '../../interfaces/csi/generated/csi/v1/CreateSnapshotResponse.js';
import type { DeleteSnapshotRequest as DeleteSnapshotReq } from '../../interfaces/csi/generated/csi/v1/DeleteSnapshotRequest.js';
import type { DeleteSnapshotResponse as DeleteSnapshotRes } from '../../interfaces/csi/generated/csi/v1/DeleteSnapshotResponse.js';
import type { ListSnapshotsRequest as ListSnapshotsReq } from '../../interfaces/csi/generated/csi/v1/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse as ListSnapshotsRes } from '../../interfaces/csi/generated/csi/v1/ListSnapshotsResponse.js';
import type { GetSnapshotRequest as GetSnapshotReq } from '../../interfaces/csi/generated/csi/v1/GetSnapshotRequest.js';
import type { GetSnapshotResponse as GetSnapshotRes } from '../../interfaces/csi/generated/csi/v1/GetSnapshotResponse.js';
import type { ControllerExpandVolumeRequest as ControllerExpandVolumeReq } from '../../interfaces/csi/generated/csi/v1/ControllerExpandVolumeRequest.js';
import type { ControllerExpandVolumeResponse as ControllerExpandVolumeRes } from '../../interfaces/csi/generated/csi/v1/ControllerExpandVolumeResponse.js';
import type { ControllerGetVolumeRequest as ControllerGetVolumeReq } from '../../interfaces/csi/generated/csi/v1/ControllerGetVolumeRequest.js';
import type { ControllerGetVolumeResponse as ControllerGetVolumeRes } from '../../interfaces/csi/generated/csi/v1/ControllerGetVolumeResponse.js';
import type { ControllerModifyVolumeRequest as ControllerModifyVolumeReq } from '../../interfaces/csi/generated/csi/v1/ControllerModifyVolumeRequest.js';
import type { ControllerModifyVolumeResponse as ControllerModifyVolumeRes } from '../../interfaces/csi/generated/csi/v1/ControllerModifyVolumeResponse.js';
import type { GroupControllerGetCapabilitiesRequest as GroupControllerGetCapabilitiesReq } from '../../interfaces/csi/generated/csi/v1/GroupControllerGetCapabilitiesRequest.js';
import type { GroupControllerGetCapabilitiesResponse as GroupControllerGetCapabilitiesRes } from '../../interfaces/csi/generated/csi/v1/GroupControllerGetCapabilitiesResponse.js';
import type { CreateVolumeGroupSnapshotRequest as CreateVolumeGroupSnapshotReq } from '../../interfaces/csi/generated/csi/v1/CreateVolumeGroupSnapshotRequest.js';
import type { CreateVolumeGroupSnapshotResponse as CreateVolumeGroupSnapshotRes } from '../../interfaces/csi/generated/csi/v1/CreateVolumeGroupSnapshotResponse.js';
import type { DeleteVolumeGroupSnapshotRequest as DeleteVolumeGroupSnapshotReq } from '../../interfaces/csi/generated/csi/v1/DeleteVolumeGroupSnapshotRequest.js';
import type { DeleteVolumeGroupSnapshotResponse as DeleteVolumeGroupSnapshotRes } from '../../interfaces/csi/generated/csi/v1/DeleteVolumeGroupSnapshotResponse.js';
import type { GetVolumeGroupSnapshotRequest as GetVolumeGroupSnapshotReq } from '../../interfaces/csi/generated/csi/v1/GetVolumeGroupSnapshotRequest.js';
import type { GetVolumeGroupSnapshotResponse as GetVolumeGroupSnapshotRes } from '../../interfaces/csi/generated/csi/v1/GetVolumeGroupSnapshotResponse.js';
import type { GetMetadataAllocatedRequest as GetMetadataAllocatedReq } from '../../interfaces/csi/generated/csi/v1/GetMetadataAllocatedRequest.js';
import type { GetMetadataAllocatedResponse as GetMetadataAllocatedRes } from '../../interfaces/csi/generated/csi/v1/GetMetadataAllocatedResponse.js';
import type { GetMetadataDeltaRequest as GetMetadataDeltaReq } from '../../interfaces/csi/generated/csi/v1/GetMetadataDeltaRequest.js';
import type { GetMetadataDeltaResponse as GetMetadataDeltaRes } from '../../interfaces/csi/generated/csi/v1/GetMetadataDeltaResponse.js';
import type { NodeStageVolumeRequest as NodeStageVolumeReq } from '../../interfaces/csi/generated/csi/v1/NodeStageVolumeRequest.js';
import type { NodeStageVolumeResponse as NodeStageVolumeRes } from '../../interfaces/csi/generated/csi/v1/NodeStageVolumeResponse.js';
import type { NodeUnstageVolumeRequest as NodeUnstageVolumeReq } from '../../interfaces/csi/generated/csi/v1/NodeUnstageVolumeRequest.js';
import type { NodeUnstageVolumeResponse as NodeUnstageVolumeRes } from '../../interfaces/csi/generated/csi/v1/NodeUnstageVolumeResponse.js';
import type { NodePublishVolumeRequest as NodePublishVolumeReq } from '../../interfaces/csi/generated/csi/v1/NodePublishVolumeRequest.js';
import type { NodePublishVolumeResponse as NodePublishVolumeRes } from '../../interfaces/csi/generated/csi/v1/NodePublishVolumeResponse.js';
import type { NodeUnpublishVolumeRequest as NodeUnpublishVolumeReq } from '../../interfaces/csi/generated/csi/v1/NodeUnpublishVolumeRequest.js';
import type { NodeUnpublishVolumeResponse as NodeUnpublishVolumeRes } from '../../interfaces/csi/generated/csi/v1/NodeUnpublishVolumeResponse.js';
import type { NodeGetVolumeStatsRequest as NodeGetVolumeStatsReq } from '../../interfaces/csi/generated/csi/v1/NodeGetVolumeStatsRequest.js';
import type { NodeGetVolumeStatsResponse as NodeGetVolumeStatsRes } from '../../interfaces/csi/generated/csi/v1/NodeGetVolumeStatsResponse.js';
import type { NodeExpandVolumeRequest as NodeExpandVolumeReq } from '../../interfaces/csi/generated/csi/v1/NodeExpandVolumeRequest.js';
import type { NodeExpandVolumeResponse as NodeExpandVolumeRes } from '../../interfaces/csi/generated/csi/v1/NodeExpandVolumeResponse.js';
import type { NodeGetCapabilitiesRequest as NodeGetCapabilitiesReq } from '../../interfaces/csi/generated/csi/v1/NodeGetCapabilitiesRequest.js';
import type { NodeGetCapabilitiesResponse as NodeGetCapabilitiesRes } from '../../interfaces/csi/generated/csi/v1/NodeGetCapabilitiesResponse.js';
import type { NodeGetInfoRequest as NodeGetInfoReq } from '../../interfaces/csi/generated/csi/v1/NodeGetInfoRequest.js';
import type { NodeGetInfoResponse as NodeGetInfoRes } from '../../interfaces/csi/generated/csi/v1/NodeGetInfoResponse.js';

export const CSI_SERVICES = {
  Identity: ['GetPluginInfo', 'GetPluginCapabilities', 'Probe'] as const,
  Controller: ['CreateVolume', 'DeleteVolume', 'ControllerPublishVolume', 'ControllerUnpublishVolume', 'ValidateVolumeCapabilities', 'ListVolumes', 'GetCapacity', 'ControllerGetCapabilities', 'CreateSnapshot', 'DeleteSnapshot', 'ListSnapshots', 'GetSnapshot', 'ControllerExpandVolume', 'ControllerGetVolume', 'ControllerModifyVolume'] as const,
  GroupController: ['GroupControllerGetCapabilities', 'CreateVolumeGroupSnapshot', 'DeleteVolumeGroupSnapshot', 'GetVolumeGroupSnapshot'] as const,
  SnapshotMetadata: ['GetMetadataAllocated', 'GetMetadataDelta'] as const,
  Node: ['NodeStageVolume', 'NodeUnstageVolume', 'NodePublishVolume', 'NodeUnpublishVolume', 'NodeGetVolumeStats', 'NodeExpandVolume', 'NodeGetCapabilities', 'NodeGetInfo'] as const,
} as const;

export type CsiService = keyof typeof CSI_SERVICES;
export type RpcName = (typeof CSI_SERVICES)[CsiService][number];
export const STREAMING_RPCS: ReadonlySet<RpcName> = new Set(['GetMetadataAllocated', 'GetMetadataDelta']);

export interface CsiRequests {
  GetPluginInfo: GetPluginInfoReq;
  GetPluginCapabilities: GetPluginCapabilitiesReq;
  Probe: ProbeReq;
  CreateVolume: CreateVolumeReq;
  DeleteVolume: DeleteVolumeReq;
  ControllerPublishVolume: ControllerPublishVolumeReq;
  ControllerUnpublishVolume: ControllerUnpublishVolumeReq;
  ValidateVolumeCapabilities: ValidateVolumeCapabilitiesReq;
  ListVolumes: ListVolumesReq;
  GetCapacity: GetCapacityReq;
  ControllerGetCapabilities: ControllerGetCapabilitiesReq;
  CreateSnapshot: CreateSnapshotReq;
  DeleteSnapshot: DeleteSnapshotReq;
  ListSnapshots: ListSnapshotsReq;
  GetSnapshot: GetSnapshotReq;
  ControllerExpandVolume: ControllerExpandVolumeReq;
  ControllerGetVolume: ControllerGetVolumeReq;
  ControllerModifyVolume: ControllerModifyVolumeReq;
  GroupControllerGetCapabilities: GroupControllerGetCapabilitiesReq;
  CreateVolumeGroupSnapshot: CreateVolumeGroupSnapshotReq;
  DeleteVolumeGroupSnapshot: DeleteVolumeGroupSnapshotReq;
  GetVolumeGroupSnapshot: GetVolumeGroupSnapshotReq;
  GetMetadataAllocated: GetMetadataAllocatedReq;
  GetMetadataDelta: GetMetadataDeltaReq;
  NodeStageVolume: NodeStageVolumeReq;
  NodeUnstageVolume: NodeUnstageVolumeReq;
  NodePublishVolume: NodePublishVolumeReq;
  NodeUnpublishVolume: NodeUnpublishVolumeReq;
  NodeGetVolumeStats: NodeGetVolumeStatsReq;
  NodeExpandVolume: NodeExpandVolumeReq;
  NodeGetCapabilities: NodeGetCapabilitiesReq;
  NodeGetInfo: NodeGetInfoReq;
}

export interface CsiResponses {
  GetPluginInfo: GetPluginInfoRes;
  GetPluginCapabilities: GetPluginCapabilitiesRes;
  Probe: ProbeRes;
  CreateVolume: CreateVolumeRes;
  DeleteVolume: DeleteVolumeRes;
  ControllerPublishVolume: ControllerPublishVolumeRes;
  ControllerUnpublishVolume: ControllerUnpublishVolumeRes;
  ValidateVolumeCapabilities: ValidateVolumeCapabilitiesRes;
  ListVolumes: ListVolumesRes;
  GetCapacity: GetCapacityRes;
  ControllerGetCapabilities: ControllerGetCapabilitiesRes;
  CreateSnapshot: CreateSnapshotRes;
  DeleteSnapshot: DeleteSnapshotRes;
  ListSnapshots: ListSnapshotsRes;
  GetSnapshot: GetSnapshotRes;
  ControllerExpandVolume: ControllerExpandVolumeRes;
  ControllerGetVolume: ControllerGetVolumeRes;
  ControllerModifyVolume: ControllerModifyVolumeRes;
  GroupControllerGetCapabilities: GroupControllerGetCapabilitiesRes;
  CreateVolumeGroupSnapshot: CreateVolumeGroupSnapshotRes;
  DeleteVolumeGroupSnapshot: DeleteVolumeGroupSnapshotRes;
  GetVolumeGroupSnapshot: GetVolumeGroupSnapshotRes;
  GetMetadataAllocated: GetMetadataAllocatedRes;
  GetMetadataDelta: GetMetadataDeltaRes;
  NodeStageVolume: NodeStageVolumeRes;
  NodeUnstageVolume: NodeUnstageVolumeRes;
  NodePublishVolume: NodePublishVolumeRes;
  NodeUnpublishVolume: NodeUnpublishVolumeRes;
  NodeGetVolumeStats: NodeGetVolumeStatsRes;
  NodeExpandVolume: NodeExpandVolumeRes;
  NodeGetCapabilities: NodeGetCapabilitiesRes;
  NodeGetInfo: NodeGetInfoRes;
}

/** One async function per RPC; streaming RPCs resolve to the list of stream messages. */
export type CsiHandlers = {
  [R in RpcName]: (request: CsiRequests[R]) => Promise<R extends 'GetMetadataAllocated' | 'GetMetadataDelta' ? CsiResponses[R][] : CsiResponses[R]>;
};
