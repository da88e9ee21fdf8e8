// Typed promise clients for the five CSI services over the shared gRPC transport. Each method
// takes the request, the caller's AbortSignal and an optional per-call timeout.
import { packagePath } from '../../core/paths.js';
import { CHANNEL_OPTIONS, grpc, loadProto, lookup, serverStream, unary } from '../../transport/grpc.js';
import type * as T from './types.js';

type Rpc<Req, Res> = [Req, Res];

export interface IdentityRpcs {
  GetPluginInfo: Rpc<T.Empty, T.GetPluginInfoResponse>;
  GetPluginCapabilities: Rpc<T.Empty, T.GetPluginCapabilitiesResponse>;
  Probe: Rpc<T.Empty, T.ProbeResponse>;
}

export interface ControllerRpcs {
  CreateVolume: Rpc<T.CreateVolumeRequest, T.CreateVolumeResponse>;
  DeleteVolume: Rpc<T.DeleteVolumeRequest, T.Empty>;
  ControllerPublishVolume: Rpc<T.ControllerPublishVolumeRequest, T.ControllerPublishVolumeResponse>;
  ControllerUnpublishVolume: Rpc<T.ControllerUnpublishVolumeRequest, T.Empty>;
  ValidateVolumeCapabilities: Rpc<T.ValidateVolumeCapabilitiesRequest, T.ValidateVolumeCapabilitiesResponse>;
  ListVolumes: Rpc<T.ListVolumesRequest, T.ListVolumesResponse>;
  GetCapacity: Rpc<T.GetCapacityRequest, T.GetCapacityResponse>;
  ControllerGetCapabilities: Rpc<T.Empty, T.CapabilitiesResponse>;
  CreateSnapshot: Rpc<T.CreateSnapshotRequest, T.CreateSnapshotResponse>;
  DeleteSnapshot: Rpc<T.DeleteSnapshotRequest, T.Empty>;
  ListSnapshots: Rpc<T.ListSnapshotsRequest, T.ListSnapshotsResponse>;
  GetSnapshot: Rpc<T.GetSnapshotRequest, T.GetSnapshotResponse>;
  ControllerExpandVolume: Rpc<T.ControllerExpandVolumeRequest, T.ControllerExpandVolumeResponse>;
  ControllerGetVolume: Rpc<{ volumeId?: string }, T.ControllerGetVolumeResponse>;
  ControllerModifyVolume: Rpc<T.ControllerModifyVolumeRequest, T.Empty>;
}

export interface GroupControllerRpcs {
  GroupControllerGetCapabilities: Rpc<T.Empty, T.CapabilitiesResponse>;
  CreateVolumeGroupSnapshot: Rpc<T.CreateVolumeGroupSnapshotRequest, T.VolumeGroupSnapshotResponse>;
  DeleteVolumeGroupSnapshot: Rpc<T.GroupSnapshotIdRequest, T.Empty>;
  GetVolumeGroupSnapshot: Rpc<T.GroupSnapshotIdRequest, T.VolumeGroupSnapshotResponse>;
}

/** Server-streaming: the promise resolves with every message once the stream ends. */
export interface SnapshotMetadataRpcs {
  GetMetadataAllocated: Rpc<T.GetMetadataAllocatedRequest, T.MetadataResponse[]>;
  GetMetadataDelta: Rpc<T.GetMetadataDeltaRequest, T.MetadataResponse[]>;
}

export interface NodeRpcs {
  NodeStageVolume: Rpc<T.NodeStageVolumeRequest, T.Empty>;
  NodeUnstageVolume: Rpc<T.NodeUnstageVolumeRequest, T.Empty>;
  NodePublishVolume: Rpc<T.NodePublishVolumeRequest, T.Empty>;
  NodeUnpublishVolume: Rpc<T.NodeUnpublishVolumeRequest, T.Empty>;
  NodeGetVolumeStats: Rpc<T.NodeGetVolumeStatsRequest, T.NodeGetVolumeStatsResponse>;
  NodeExpandVolume: Rpc<T.NodeExpandVolumeRequest, T.NodeExpandVolumeResponse>;
  NodeGetCapabilities: Rpc<T.Empty, T.CapabilitiesResponse>;
  NodeGetInfo: Rpc<T.Empty, T.NodeGetInfoResponse>;
}

/** Request-with-signal API derived from an RPC table. */
export type Api<M> = {
  [K in keyof M]: M[K] extends Rpc<infer Req, infer Res> ? (request: Req, signal: AbortSignal, timeoutMs?: number) => Promise<Res> : never;
};

export type ServiceName = 'Identity' | 'Controller' | 'GroupController' | 'SnapshotMetadata' | 'Node';

/** Every RPC of CSI v1.12.0 by service: the suite's coverage is measured against this list. */
export const CSI_RPCS: Readonly<Record<ServiceName, readonly string[]>> = {
  Identity: ['GetPluginInfo', 'GetPluginCapabilities', 'Probe'],
  Controller: [
    'CreateVolume', 'DeleteVolume', 'ControllerPublishVolume', 'ControllerUnpublishVolume', 'ValidateVolumeCapabilities',
    'ListVolumes', 'GetCapacity', 'ControllerGetCapabilities', 'CreateSnapshot', 'DeleteSnapshot', 'ListSnapshots',
    'GetSnapshot', 'ControllerExpandVolume', 'ControllerGetVolume', 'ControllerModifyVolume',
  ],
  GroupController: ['GroupControllerGetCapabilities', 'CreateVolumeGroupSnapshot', 'DeleteVolumeGroupSnapshot', 'GetVolumeGroupSnapshot'],
  SnapshotMetadata: ['GetMetadataAllocated', 'GetMetadataDelta'],
  Node: [
    'NodeStageVolume', 'NodeUnstageVolume', 'NodePublishVolume', 'NodeUnpublishVolume', 'NodeGetVolumeStats',
    'NodeExpandVolume', 'NodeGetCapabilities', 'NodeGetInfo',
  ],
};

const STREAMING = new Set(CSI_RPCS.SnapshotMetadata);

export interface CsiClients {
  readonly identity: Api<IdentityRpcs>;
  readonly controller: Api<ControllerRpcs>;
  readonly group: Api<GroupControllerRpcs>;
  readonly metadata: Api<SnapshotMetadataRpcs>;
  readonly node: Api<NodeRpcs>;
  /** The raw channels, for waiting until ready and closing. */
  readonly channels: readonly grpc.Client[];
  close(): void;
}

let protoRoot: grpc.GrpcObject | undefined;

export function csiProtoPath(): string {
  return packagePath('src/interfaces/csi/proto/csi.proto');
}

function csiPackage(): grpc.GrpcObject {
  protoRoot ??= loadProto(csiProtoPath());
  return protoRoot;
}

type ClientCtor = new (target: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => grpc.Client;

function serviceApi<M>(client: grpc.Client, service: ServiceName): Api<M> {
  const api: Record<string, unknown> = {};
  for (const method of CSI_RPCS[service]) {
    api[method] = STREAMING.has(method)
      ? (request: unknown, signal: AbortSignal, timeoutMs?: number) => serverStream(client, method, request, signal, timeoutMs)
      : (request: unknown, signal: AbortSignal, timeoutMs?: number) => unary(client, method, request, signal, timeoutMs);
  }
  return api as Api<M>;
}

/**
 * Opens one channel to the controller target (Identity, Controller, GroupController,
 * SnapshotMetadata) and one to the node target (Node); they share a channel when the targets match.
 */
export function createCsiClients(controllerTarget: string, nodeTarget: string): CsiClients {
  const pkg = csiPackage();
  const make = (service: ServiceName, target: string) =>
    new (lookup<ClientCtor>(pkg, `csi.v1.${service}`))(target, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  const identity = make('Identity', controllerTarget);
  const controller = make('Controller', controllerTarget);
  const group = make('GroupController', controllerTarget);
  const metadata = make('SnapshotMetadata', controllerTarget);
  const node = make('Node', nodeTarget);
  const channels = [identity, controller, group, metadata, node];
  return {
    identity: serviceApi<IdentityRpcs>(identity, 'Identity'),
    controller: serviceApi<ControllerRpcs>(controller, 'Controller'),
    group: serviceApi<GroupControllerRpcs>(group, 'GroupController'),
    metadata: serviceApi<SnapshotMetadataRpcs>(metadata, 'SnapshotMetadata'),
    node: serviceApi<NodeRpcs>(node, 'Node'),
    channels,
    close() {
      for (const channel of channels) channel.close();
    },
  };
}
