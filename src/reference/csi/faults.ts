// Fault-injected variants of the reference driver. Each breaks exactly one spec rule by
// wrapping one RPC (or one family of RPCs with the same field), so a project test can prove
// the suite notices. Select one with the `fault` option; names are stable.
import { UsageError } from '../../core/errors.js';
import { parseCapability } from './capability.js';
import type { DriverContext } from './context.js';
import type { CsiHandlers, CsiRequests, RpcName } from './rpc.js';
import { CsiStatusError, fail, isStatus, status } from './status.js';

export interface CsiFaultInfo {
  /** What the faulty driver does. */
  readonly description: string;
  /** The spec rule it breaks: "<section>: <rule>". */
  readonly rule: string;
  /** The RPCs whose behaviour changes. */
  readonly rpcs: readonly RpcName[];
}

type Handler<R extends RpcName> = CsiHandlers[R];
type Wrapper<R extends RpcName> = (request: CsiRequests[R], next: Handler<R>, ctx: DriverContext) => ReturnType<Handler<R>>;
type Behaviour = Array<{ rpc: RpcName; wrap: Wrapper<any> }>;

function on<R extends RpcName>(rpc: R, wrap: Wrapper<R>): { rpc: RpcName; wrap: Wrapper<any> } {
  return { rpc, wrap };
}

const VOLUME_ID_RPCS = [
  'DeleteVolume',
  'ControllerPublishVolume',
  'ControllerUnpublishVolume',
  'ValidateVolumeCapabilities',
  'ControllerExpandVolume',
  'ControllerGetVolume',
  'ControllerModifyVolume',
  'NodeStageVolume',
  'NodeUnstageVolume',
  'NodePublishVolume',
  'NodeUnpublishVolume',
  'NodeGetVolumeStats',
  'NodeExpandVolume',
] as const;

/** ControllerPublishVolume that attaches anyway when the real driver refuses with `code`. */
function attachDespite(code: status): Wrapper<'ControllerPublishVolume'> {
  return async (request, next, ctx) => {
    try {
      return await next(request);
    } catch (error) {
      if (!isStatus(error, code)) throw error;
      const volume = ctx.state.volumes.get(request.volumeId ?? '')!;
      const publishContext = { devicePath: `/dev/conformal/${volume.id}` };
      const capability = parseCapability(request.volumeCapability, 'volume_capability', ctx.options);
      volume.attachments.set(request.nodeId!, { capability, readonly: !!request.readonly, publishContext });
      return { publishContext };
    }
  };
}

/** A list call that starts from the beginning instead of answering ABORTED for a foreign token. */
const restartOnAborted: Wrapper<any> = async (request: { startingToken?: string }, next: (r: unknown) => Promise<unknown>) => {
  try {
    return await next(request);
  } catch (error) {
    if (isStatus(error, status.ABORTED)) return next({ ...request, startingToken: '' });
    throw error;
  }
};

/** A wrapper that runs the real handler and lets `recover` answer in place of its error (or throw). */
function recovering(recover: (error: unknown) => unknown): Wrapper<any> {
  return async (request: unknown, next: (r: unknown) => Promise<unknown>) => {
    try {
      return await next(request);
    } catch (error) {
      return recover(error);
    }
  };
}

const PATH_RPCS = ['NodeStageVolume', 'NodeUnstageVolume', 'NodePublishVolume', 'NodeUnpublishVolume', 'NodeGetVolumeStats', 'NodeExpandVolume'] as const;

/** A node call that refuses any path of 128 bytes or more (the spec's minimum a plugin must accept). */
const refuseLongPaths: Wrapper<any> = async (request: { stagingTargetPath?: string; targetPath?: string; volumePath?: string }, next: (r: unknown) => Promise<unknown>) => {
  const long = [request.stagingTargetPath, request.targetPath, request.volumePath].find((p) => p !== undefined && Buffer.byteLength(p) >= 128);
  return long === undefined ? next(request) : fail(status.INVALID_ARGUMENT, `path ${long} is too long`);
};

/** Whether starting_offset is one the real logic accepts (so only valid offsets are ignored). */
function validOffset(ctx: DriverContext, snapshotId: string | undefined, offset: unknown): boolean {
  const snapshot = ctx.state.snapshots.get(snapshotId ?? '');
  const value = Number(offset ?? 0);
  return snapshot !== undefined && value >= 0 && value <= snapshot.sizeBytes;
}

/** A capability answer with the RPC capability `left` left out. */
function without<T extends { capabilities?: unknown[] }>(response: T, left: string): T {
  const type = (c: unknown) => (c as { rpc?: { type?: string } | null }).rpc?.type;
  return { ...response, capabilities: (response.capabilities ?? []).filter((c) => type(c) !== left) };
}

let duplicateCounter = 0;
/** validate-answers-once: volume ids already validated. */
const validatedOnce = new Set<string>();
/** capacity-ignored: volume id -> the required_bytes it was asked for before being halved. */
const halvedFrom = new Map<string, number>();

const FAULTS: Record<string, CsiFaultInfo & { behaviour: Behaviour }> = {
  'create-volume-not-idempotent': {
    description: 'CreateVolume with the name of an existing volume provisions a second volume with a new id',
    rule: 'CreateVolume: the operation MUST be idempotent (same name and compatible parameters return the existing volume)',
    rpcs: ['CreateVolume'],
    behaviour: [
      on('CreateVolume', (request, next, ctx) => {
        if (request.name && ctx.state.volumeIdsByName.has(request.name)) {
          duplicateCounter += 1;
          return next({ ...request, name: `${request.name}~duplicate-${duplicateCounter}` });
        }
        return next(request);
      }),
    ],
  },
  'no-already-exists-on-incompatible-recreate': {
    description: 'CreateVolume with an existing name but incompatible size/capabilities/parameters returns the old volume instead of failing',
    rule: 'CreateVolume errors: a volume with that name exists but is incompatible -> 6 ALREADY_EXISTS',
    rpcs: ['CreateVolume'],
    behaviour: [
      on('CreateVolume', async (request, next, ctx) => {
        try {
          return await next(request);
        } catch (error) {
          if (!isStatus(error, status.ALREADY_EXISTS)) throw error;
          const id = ctx.state.volumeIdsByName.get(request.name ?? '')!;
          const volume = ctx.state.volumes.get(id)!;
          return { volume: { volumeId: volume.id, capacityBytes: volume.capacityBytes, volumeContext: { ...volume.volumeContext } } };
        }
      }),
    ],
  },
  'capacity-ignored': {
    description: 'CreateVolume provisions half of capacity_range.required_bytes (an identical repeat still returns that volume)',
    rule: 'CreateVolume: capacity_range.required_bytes — the volume MUST be at least this big',
    rpcs: ['CreateVolume'],
    behaviour: [
      on('CreateVolume', async (request, next, ctx) => {
        const required = Number(request.capacityRange?.requiredBytes ?? 0);
        const existingId = ctx.state.volumeIdsByName.get(request.name ?? '');
        if (existingId !== undefined && halvedFrom.get(existingId) === required) {
          // A repeat of the call that made this (shrunk) volume: stay idempotent, break only the size rule.
          const existing = ctx.state.volumes.get(existingId)!;
          return next({ ...request, capacityRange: { ...request.capacityRange, requiredBytes: existing.capacityBytes } });
        }
        const response = await next(request);
        const volume = ctx.state.volumes.get(response.volume?.volumeId ?? '');
        if (!volume || existingId !== undefined || required <= 1) return response;
        ctx.state.resize(volume, Math.floor(required / 2));
        volume.nodeCapacityBytes = volume.capacityBytes;
        halvedFrom.set(volume.id, required);
        return { volume: { ...response.volume, capacityBytes: volume.capacityBytes } };
      }),
    ],
  },
  'snapshot-source-ignored': {
    description: 'CreateVolume drops volume_content_source.snapshot and creates an empty volume (no content_source, no NOT_FOUND for a missing snapshot)',
    rule: 'CreateVolume: a volume created from a snapshot carries that content_source; a missing source snapshot -> 5 NOT_FOUND',
    rpcs: ['CreateVolume'],
    behaviour: [
      on('CreateVolume', (request, next) => (request.volumeContentSource?.snapshot ? next({ ...request, volumeContentSource: null }) : next(request))),
    ],
  },
  'create-volume-ignores-requisite-topology': {
    description: 'CreateVolume ignores accessibility_requirements and always places the volume in the node\'s zone',
    rule: 'CreateVolume: accessible_topology of the new volume MUST satisfy accessibility_requirements.requisite',
    rpcs: ['CreateVolume'],
    behaviour: [on('CreateVolume', (request, next) => next({ ...request, accessibilityRequirements: null }))],
  },
  'delete-volume-unknown-id-error': {
    description: 'DeleteVolume of an id that does not exist fails with NOT_FOUND',
    rule: 'DeleteVolume: if the volume does not exist the plugin MUST reply 0 OK (idempotent)',
    rpcs: ['DeleteVolume'],
    behaviour: [
      on('DeleteVolume', (request, next, ctx) => {
        if (request.volumeId && !ctx.state.volumes.has(request.volumeId)) return fail(status.NOT_FOUND, `volume ${request.volumeId} not found`);
        return next(request);
      }),
    ],
  },
  'wrong-code-missing-volume-id': {
    description: 'Every RPC taking a volume_id answers NOT_FOUND instead of INVALID_ARGUMENT when volume_id is empty',
    rule: 'Error Scheme: a missing required field -> 3 INVALID_ARGUMENT',
    rpcs: [...VOLUME_ID_RPCS],
    behaviour: VOLUME_ID_RPCS.map((rpc) =>
      on(rpc, (request, next) => {
        if (!(request as { volumeId?: string }).volumeId) return fail(status.NOT_FOUND, 'volume not found');
        return (next as (r: unknown) => Promise<unknown>)(request) as never;
      }),
    ),
  },
  'list-volumes-ignores-max-entries': {
    description: 'ListVolumes returns every volume whatever max_entries says, with no next_token',
    rule: 'ListVolumes: the plugin MUST NOT return more entries than max_entries',
    rpcs: ['ListVolumes'],
    // Only a valid (positive) limit is dropped, so a negative one still gets INVALID_ARGUMENT.
    behaviour: [on('ListVolumes', (request, next) => next((request.maxEntries ?? 0) > 0 ? { ...request, maxEntries: 0 } : request))],
  },
  'bad-starting-token-accepted': {
    description: 'ListVolumes and ListSnapshots treat a starting_token they never issued as "from the beginning"',
    rule: 'ListVolumes/ListSnapshots errors: invalid starting_token -> 10 ABORTED',
    rpcs: ['ListVolumes', 'ListSnapshots'],
    behaviour: [on('ListVolumes', restartOnAborted), on('ListSnapshots', restartOnAborted)],
  },
  'publish-without-node-id-accepted': {
    description: 'ControllerPublishVolume with an empty node_id publishes to the driver\'s own node',
    rule: 'ControllerPublishVolume: node_id is REQUIRED; missing -> 3 INVALID_ARGUMENT',
    rpcs: ['ControllerPublishVolume'],
    behaviour: [on('ControllerPublishVolume', (request, next, ctx) => next({ ...request, nodeId: request.nodeId || ctx.options.nodeId }))],
  },
  'single-node-volume-published-twice': {
    description: 'ControllerPublishVolume attaches a SINGLE_NODE_* volume to a second node instead of refusing',
    rule: 'ControllerPublishVolume errors: published to another node without MULTI_NODE capability -> 9 FAILED_PRECONDITION',
    rpcs: ['ControllerPublishVolume'],
    behaviour: [on('ControllerPublishVolume', attachDespite(status.FAILED_PRECONDITION))],
  },
  'attach-limit-ignored': {
    description: 'ControllerPublishVolume keeps attaching beyond max_volumes_per_node',
    rule: 'ControllerPublishVolume errors: max volumes attached -> 8 RESOURCE_EXHAUSTED',
    rpcs: ['ControllerPublishVolume'],
    behaviour: [on('ControllerPublishVolume', attachDespite(status.RESOURCE_EXHAUSTED))],
  },
  'controller-publish-not-idempotent': {
    description: 'ControllerPublishVolume repeated with the same arguments answers OK but with a different publish_context',
    rule: 'ControllerPublishVolume: the operation MUST be idempotent (same volume, node and arguments return the same result)',
    rpcs: ['ControllerPublishVolume'],
    behaviour: [
      on('ControllerPublishVolume', async (request, next, ctx) => {
        const repeated = ctx.state.volumes.get(request.volumeId ?? '')?.attachments.has(request.nodeId ?? '') ?? false;
        const response = await next(request);
        if (!repeated) return response;
        duplicateCounter += 1;
        return { publishContext: { ...(response.publishContext ?? {}), devicePath: `/dev/conformal/again-${duplicateCounter}` } };
      }),
    ],
  },
  'controller-unpublish-not-idempotent': {
    description: 'ControllerUnpublishVolume of a volume that is not (or no longer) attached to the node fails with NOT_FOUND',
    rule: 'ControllerUnpublishVolume: if the volume is not attached to the node the plugin MUST reply 0 OK',
    rpcs: ['ControllerUnpublishVolume'],
    behaviour: [
      on('ControllerUnpublishVolume', (request, next, ctx) => {
        const volume = ctx.state.volumes.get(request.volumeId ?? '');
        if (volume && request.nodeId && !volume.attachments.has(request.nodeId)) {
          return fail(status.NOT_FOUND, `volume ${volume.id} is not attached to ${request.nodeId}`);
        }
        return next(request);
      }),
    ],
  },
  'validate-confirms-unsupported-mode': {
    description: 'ValidateVolumeCapabilities confirms whatever it is asked (e.g. block access for a mount volume)',
    rule: 'ValidateVolumeCapabilities: confirmed SHALL be returned only if all requested capabilities are supported',
    rpcs: ['ValidateVolumeCapabilities'],
    behaviour: [
      on('ValidateVolumeCapabilities', async (request, next) => {
        const response = await next(request);
        if (response.confirmed) return response;
        return {
          confirmed: {
            volumeContext: { ...(request.volumeContext ?? {}) },
            volumeCapabilities: [...(request.volumeCapabilities ?? [])],
            parameters: { ...(request.parameters ?? {}) },
            mutableParameters: { ...(request.mutableParameters ?? {}) },
          },
        };
      }),
    ],
  },
  'expand-shrinks-or-ignores': {
    description: 'ControllerExpandVolume answers OK but leaves the volume at its old size and reports the old capacity',
    rule: 'ControllerExpandVolume: capacity_bytes of the response MUST be at least required_bytes',
    rpcs: ['ControllerExpandVolume'],
    behaviour: [
      on('ControllerExpandVolume', async (request, next, ctx) => {
        const volume = ctx.state.volumes.get(request.volumeId ?? '');
        const before = volume?.capacityBytes;
        const response = await next(request);
        if (volume && before !== undefined) {
          ctx.state.resize(volume, before);
          volume.nodeCapacityBytes = Math.min(volume.nodeCapacityBytes, before);
          return { ...response, capacityBytes: before };
        }
        return response;
      }),
    ],
  },
  'modify-accepts-unknown-key': {
    description: 'ControllerModifyVolume silently drops mutable_parameters keys it does not know and answers OK',
    rule: 'ControllerModifyVolume errors: unsupported mutable parameter keys or values -> 3 INVALID_ARGUMENT',
    rpcs: ['ControllerModifyVolume'],
    behaviour: [
      on('ControllerModifyVolume', async (request, next, ctx) => {
        const known = Object.fromEntries(Object.entries(request.mutableParameters ?? {}).filter(([key]) => ctx.options.mutableParameterKeys.has(key)));
        if (Object.keys(known).length === 0 && Object.keys(request.mutableParameters ?? {}).length > 0) {
          if (request.volumeId && !ctx.state.volumes.has(request.volumeId)) return next(request);
          return {};
        }
        return next({ ...request, mutableParameters: Object.keys(known).length > 0 ? known : (request.mutableParameters ?? {}) });
      }),
    ],
  },
  'controller-get-volume-no-published-nodes': {
    description: 'ControllerGetVolume leaves status.published_node_ids empty even when the volume is published',
    rule: 'ControllerGetVolume: published_node_ids MUST be specified when LIST_VOLUMES_PUBLISHED_NODES is supported',
    rpcs: ['ControllerGetVolume'],
    behaviour: [
      on('ControllerGetVolume', async (request, next) => {
        const response = await next(request);
        return { ...response, status: { ...(response.status ?? {}), publishedNodeIds: [] } };
      }),
    ],
  },
  'get-capacity-ignores-topology': {
    description: 'GetCapacity reports the capacity of every zone together, whatever accessible_topology asks for',
    rule: 'GetCapacity: available_capacity is the capacity for the given accessible_topology',
    rpcs: ['GetCapacity'],
    behaviour: [on('GetCapacity', (request, next) => next({ ...request, accessibleTopology: null }))],
  },
  'list-volumes-pagination-skips': {
    description: 'ListVolumes hands out a next_token that skips the first volume of the next page',
    rule: 'ListVolumes: starting_token continues the listing where the previous page ended (every volume is returned)',
    rpcs: ['ListVolumes'],
    behaviour: [
      on('ListVolumes', async (request, next) => {
        const response = await next(request);
        if (!response.nextToken) return response;
        // Advance the token past one more entry: the caller never sees that volume.
        const skipped = await next({ ...request, maxEntries: 1, startingToken: response.nextToken });
        return { ...response, nextToken: skipped.nextToken ?? '' };
      }),
    ],
  },
  'delete-volume-keeps-volume': {
    description: 'DeleteVolume answers OK but the volume stays (listed, gettable, its name still taken)',
    rule: 'DeleteVolume: deprovisions the volume; afterwards it no longer exists',
    rpcs: ['DeleteVolume'],
    behaviour: [
      on('DeleteVolume', async (request, next, ctx) => {
        // Let the real logic validate and delete, then put the volume back.
        const volume = ctx.state.volumes.get(request.volumeId ?? '');
        const response = await next(request);
        if (volume && !ctx.state.volumes.has(volume.id)) ctx.state.addVolume(volume);
        return response;
      }),
    ],
  },
  'delete-snapshot-unknown-id-error': {
    description: 'DeleteSnapshot of an id that does not exist fails with NOT_FOUND',
    rule: 'DeleteSnapshot: if the snapshot does not exist the plugin MUST reply 0 OK (idempotent)',
    rpcs: ['DeleteSnapshot'],
    behaviour: [
      on('DeleteSnapshot', (request, next, ctx) => {
        if (request.snapshotId && !ctx.state.snapshots.has(request.snapshotId)) return fail(status.NOT_FOUND, `snapshot ${request.snapshotId} not found`);
        return next(request);
      }),
    ],
  },
  'list-snapshots-ignores-source-filter': {
    description: 'ListSnapshots ignores source_volume_id and lists snapshots of every volume',
    rule: 'ListSnapshots: source_volume_id restricts the list to snapshots of that volume',
    rpcs: ['ListSnapshots'],
    behaviour: [on('ListSnapshots', (request, next) => next({ ...request, sourceVolumeId: '' }))],
  },
  'group-snapshot-not-idempotent': {
    description: 'CreateVolumeGroupSnapshot with the name of an existing group snapshot cuts a new group',
    rule: 'CreateVolumeGroupSnapshot: the operation MUST be idempotent',
    rpcs: ['CreateVolumeGroupSnapshot'],
    behaviour: [
      on('CreateVolumeGroupSnapshot', (request, next, ctx) => {
        if (request.name && ctx.state.groupSnapshotIdsByName.has(request.name)) {
          duplicateCounter += 1;
          return next({ ...request, name: `${request.name}~duplicate-${duplicateCounter}` });
        }
        return next(request);
      }),
    ],
  },
  'metadata-stream-ignores-offset': {
    description: 'GetMetadataAllocated and GetMetadataDelta stream from offset 0 whatever starting_offset says',
    rule: 'SnapshotMetadata: the stream MUST NOT contain ranges that end before starting_offset',
    rpcs: ['GetMetadataAllocated', 'GetMetadataDelta'],
    behaviour: [
      on('GetMetadataAllocated', (request, next, ctx) => next(validOffset(ctx, request.snapshotId, request.startingOffset) ? { ...request, startingOffset: 0 } : request)),
      on('GetMetadataDelta', (request, next, ctx) => next(validOffset(ctx, request.targetSnapshotId, request.startingOffset) ? { ...request, startingOffset: 0 } : request)),
    ],
  },
  'node-stage-not-idempotent': {
    description: 'NodeStageVolume repeated with the same arguments fails with ALREADY_EXISTS',
    rule: 'NodeStageVolume: the operation MUST be idempotent (already staged at that path, compatible -> 0 OK)',
    rpcs: ['NodeStageVolume'],
    behaviour: [
      on('NodeStageVolume', (request, next, ctx) => {
        if (ctx.state.staged.get(request.volumeId ?? '')?.path === request.stagingTargetPath) {
          return fail(status.ALREADY_EXISTS, `volume ${request.volumeId} is already staged`);
        }
        return next(request);
      }),
    ],
  },
  'node-unstage-not-idempotent': {
    description: 'NodeUnstageVolume of a volume that is not (or no longer) staged at the path fails with NOT_FOUND',
    rule: 'NodeUnstageVolume: the operation MUST be idempotent',
    rpcs: ['NodeUnstageVolume'],
    behaviour: [
      on('NodeUnstageVolume', (request, next, ctx) => {
        if (request.volumeId && request.stagingTargetPath && ctx.state.volumes.has(request.volumeId) && ctx.state.staged.get(request.volumeId)?.path !== request.stagingTargetPath) {
          return fail(status.NOT_FOUND, `volume ${request.volumeId} is not staged at ${request.stagingTargetPath}`);
        }
        return next(request);
      }),
    ],
  },
  'node-publish-not-idempotent': {
    description: 'NodePublishVolume repeated with the same target and arguments fails with FAILED_PRECONDITION',
    rule: 'NodePublishVolume: the operation MUST be idempotent (same target_path and arguments -> 0 OK)',
    rpcs: ['NodePublishVolume'],
    behaviour: [
      on('NodePublishVolume', async (request, next, ctx) => {
        const repeated = ctx.state.published.get(request.volumeId ?? '')?.has(request.targetPath ?? '') ?? false;
        const response = await next(request); // other arguments still get ALREADY_EXISTS from the real logic
        if (repeated) fail(status.FAILED_PRECONDITION, `volume ${request.volumeId} is already published at ${request.targetPath}`);
        return response;
      }),
    ],
  },
  'stage-ignores-missing-capability': {
    description: 'NodeStageVolume without volume_capability stages the volume anyway',
    rule: 'NodeStageVolume: volume_capability is REQUIRED; missing -> 3 INVALID_ARGUMENT',
    rpcs: ['NodeStageVolume'],
    behaviour: [
      on('NodeStageVolume', (request, next, ctx) => {
        if (request.volumeCapability) return next(request);
        const volume = ctx.state.volumes.get(request.volumeId ?? '');
        const accessType = volume?.accessType === 'block' ? { block: {} } : { mount: {} };
        return next({ ...request, volumeCapability: { ...accessType, accessMode: { mode: 'SINGLE_NODE_WRITER' } } });
      }),
    ],
  },
  'block-volume-published-as-mount': {
    description: 'NodePublishVolume accepts a mount capability for a block volume (and block for a mount volume)',
    rule: 'NodePublishVolume errors: capabilities not supported by the volume -> 9 FAILED_PRECONDITION',
    rpcs: ['NodePublishVolume'],
    behaviour: [
      on('NodePublishVolume', (request, next, ctx) => {
        const volume = ctx.state.volumes.get(request.volumeId ?? '');
        const capability = request.volumeCapability;
        if (!volume || !capability?.accessMode) return next(request);
        const accessType = volume.accessType === 'block' ? { block: {}, mount: null } : { mount: capability.mount ?? {}, block: null };
        const staged = ctx.state.staged.get(volume.id);
        // Publish with the capability the volume was staged with, so only the access-type check is bypassed.
        const mode = staged ? { mode: staged.capability.mode } : capability.accessMode;
        return next({ ...request, volumeCapability: { ...accessType, accessMode: mode } });
      }),
    ],
  },
  'node-unpublish-not-idempotent': {
    description: 'NodeUnpublishVolume of a target path that is not (or no longer) published fails with NOT_FOUND',
    rule: 'NodeUnpublishVolume: the operation MUST be idempotent',
    rpcs: ['NodeUnpublishVolume'],
    behaviour: [
      on('NodeUnpublishVolume', (request, next, ctx) => {
        const targets = ctx.state.published.get(request.volumeId ?? '');
        if (request.volumeId && request.targetPath && !targets?.has(request.targetPath)) {
          return fail(status.NOT_FOUND, `volume ${request.volumeId} is not published at ${request.targetPath}`);
        }
        return next(request);
      }),
    ],
  },
  'volume-stats-negative': {
    description: 'NodeGetVolumeStats reports more bytes used than the volume holds and a negative available count',
    rule: 'NodeGetVolumeStats: usage counts are non-negative and used + available do not exceed total',
    rpcs: ['NodeGetVolumeStats'],
    behaviour: [
      on('NodeGetVolumeStats', async (request, next) => {
        const response = await next(request);
        const usage = (response.usage ?? []).map((u) => {
          const total = Number(u.total ?? 0);
          return { ...u, used: total * 2, available: -total };
        });
        return { ...response, usage };
      }),
    ],
  },
  'node-get-info-missing-topology': {
    description: 'NodeGetInfo omits accessible_topology although VOLUME_ACCESSIBILITY_CONSTRAINTS is advertised',
    rule: 'NodeGetInfo: accessible_topology MUST be set when the plugin has VOLUME_ACCESSIBILITY_CONSTRAINTS',
    rpcs: ['NodeGetInfo'],
    behaviour: [
      on('NodeGetInfo', async (request, next) => {
        const response = await next(request);
        return { ...response, accessibleTopology: null };
      }),
    ],
  },
  'get-plugin-info-empty-name': {
    description: 'GetPluginInfo returns an empty name',
    rule: 'GetPluginInfo: name is REQUIRED (reverse domain notation, at most 63 characters)',
    rpcs: ['GetPluginInfo'],
    behaviour: [
      on('GetPluginInfo', async (request, next) => {
        const response = await next(request);
        return { ...response, name: '' };
      }),
    ],
  },
  'expansion-without-rpc': {
    description: 'GetPluginCapabilities still advertises volume expansion while neither ControllerGetCapabilities nor NodeGetCapabilities lists EXPAND_VOLUME',
    rule: 'GetPluginCapabilities: a plugin with ONLINE expansion MUST implement the controller or node EXPAND_VOLUME capability (OFFLINE: the controller one)',
    rpcs: ['ControllerGetCapabilities', 'NodeGetCapabilities'],
    behaviour: [
      on('ControllerGetCapabilities', async (request, next) => {
        const response = await next(request);
        return without(response, 'EXPAND_VOLUME');
      }),
      on('NodeGetCapabilities', async (request, next) => {
        const response = await next(request);
        return without(response, 'EXPAND_VOLUME');
      }),
    ],
  },
  'error-without-message': {
    description: 'NodeUnpublishVolume refuses with the right code but an empty status message',
    rule: 'Error Scheme: the status message MUST contain a human readable description of error, if the status code is not OK',
    rpcs: ['NodeUnpublishVolume'],
    behaviour: [
      on('NodeUnpublishVolume', recovering((error) => {
        if (error instanceof CsiStatusError) fail(error.code, '');
        throw error;
      })),
    ],
  },
  'node-unstage-unknown-volume-ok': {
    description: 'NodeUnstageVolume of a volume id the driver does not know answers OK',
    rule: 'NodeUnstageVolume errors: Volume does not exist -> 5 NOT_FOUND',
    rpcs: ['NodeUnstageVolume'],
    behaviour: [
      on('NodeUnstageVolume', recovering((error) => {
        if (isStatus(error, status.NOT_FOUND)) return {};
        throw error;
      })),
    ],
  },
  'member-snapshot-delete-ok': {
    description: 'DeleteSnapshot of a member of a group snapshot answers OK (and keeps it) instead of refusing',
    rule: 'DeleteSnapshot errors: Snapshot is part of a group -> 3 INVALID_ARGUMENT',
    rpcs: ['DeleteSnapshot'],
    behaviour: [
      on('DeleteSnapshot', async (request, next, ctx) => {
        if (ctx.state.snapshots.get(request.snapshotId ?? '')?.groupSnapshotId) return {};
        return next(request);
      }),
    ],
  },
  'delta-offset-out-of-range-accepted': {
    description: 'GetMetadataDelta streams from offset 0 when starting_offset lies beyond the volume',
    rule: 'GetMetadataDelta errors: Invalid starting_offset -> 11 OUT_OF_RANGE',
    rpcs: ['GetMetadataDelta'],
    behaviour: [
      on('GetMetadataDelta', (request, next, ctx) => next(validOffset(ctx, request.targetSnapshotId, request.startingOffset) ? request : { ...request, startingOffset: 0 })),
    ],
  },
  'delta-ignores-max-results': {
    description: 'GetMetadataDelta pages by its own default whatever max_results says',
    rule: 'GetMetadataDelta: the number of entries in block_metadata MUST be at most max_results when it is greater than zero',
    rpcs: ['GetMetadataDelta'],
    behaviour: [on('GetMetadataDelta', (request, next) => next({ ...request, maxResults: 0 }))],
  },
  'group-snapshot-without-creation-time': {
    description: 'CreateVolumeGroupSnapshot answers a group snapshot without creation_time',
    rule: 'VolumeGroupSnapshot: creation_time is REQUIRED',
    rpcs: ['CreateVolumeGroupSnapshot'],
    behaviour: [
      on('CreateVolumeGroupSnapshot', async (request, next) => {
        const { groupSnapshot } = await next(request);
        return { groupSnapshot: groupSnapshot && { ...groupSnapshot, creationTime: null } };
      }),
    ],
  },
  'group-ready-before-members': {
    description: 'CreateVolumeGroupSnapshot reports the group ready_to_use while its member snapshots say they are not',
    rule: 'VolumeGroupSnapshot: if any snapshot in the list has ready_to_use false, the SP MUST set ready_to_use to false',
    rpcs: ['CreateVolumeGroupSnapshot'],
    behaviour: [
      on('CreateVolumeGroupSnapshot', async (request, next) => {
        const { groupSnapshot } = await next(request);
        return { groupSnapshot: groupSnapshot && { ...groupSnapshot, readyToUse: true, snapshots: (groupSnapshot.snapshots ?? []).map((s) => ({ ...s, readyToUse: false })) } };
      }),
    ],
  },
  'published-nodes-without-publish': {
    description: 'ControllerGetCapabilities lists LIST_VOLUMES_PUBLISHED_NODES but not PUBLISH_UNPUBLISH_VOLUME',
    rule: 'ControllerGetCapabilities: an SP with LIST_VOLUMES_PUBLISHED_NODES MUST also support PUBLISH_UNPUBLISH_VOLUME',
    rpcs: ['ControllerGetCapabilities'],
    behaviour: [
      on('ControllerGetCapabilities', async (request, next) => {
        const response = await next(request);
        return without(response, 'PUBLISH_UNPUBLISH_VOLUME');
      }),
    ],
  },
  'stage-ignores-access-type': {
    description: 'NodeStageVolume answers OK (staging nothing) when the capability does not fit the volume',
    rule: 'NodeStageVolume errors: Exceeds capabilities -> 9 FAILED_PRECONDITION',
    rpcs: ['NodeStageVolume'],
    behaviour: [
      on('NodeStageVolume', recovering((error) => {
        if (isStatus(error, status.FAILED_PRECONDITION)) return {};
        throw error;
      })),
    ],
  },
  'delete-volume-drops-snapshots': {
    description: 'DeleteVolume also deletes the snapshots taken of the volume',
    rule: 'DeleteVolume: snapshots of a deleted volume MUST still be fully operational (or the volume MUST NOT be altered and FAILED_PRECONDITION returned)',
    rpcs: ['DeleteVolume'],
    behaviour: [
      on('DeleteVolume', async (request, next, ctx) => {
        const response = await next(request);
        for (const snapshot of [...ctx.state.snapshots.values()]) {
          if (snapshot.sourceVolumeId !== request.volumeId) continue;
          ctx.state.snapshots.delete(snapshot.id);
          if (snapshot.name) ctx.state.snapshotIdsByName.delete(snapshot.name);
        }
        return response;
      }),
    ],
  },
  'topology-bad-key': {
    description: 'CreateVolume adds an accessible topology whose key name ends with an underscore',
    rule: 'Topology: a key name MUST begin and end with an alphanumeric character',
    rpcs: ['CreateVolume'],
    behaviour: [
      on('CreateVolume', async (request, next) => {
        const { volume } = await next(request);
        return { volume: volume && { ...volume, accessibleTopology: [...(volume.accessibleTopology ?? []), { segments: { zone_: 'z1' } }] } };
      }),
    ],
  },
  'get-volume-other-context': {
    description: 'ControllerGetVolume reports a volume_context with a key CreateVolume did not return',
    rule: 'Volume: a volume uniquely identified by volume_id SHALL always report the same volume_context',
    rpcs: ['ControllerGetVolume'],
    behaviour: [
      on('ControllerGetVolume', async (request, next) => {
        const response = await next(request);
        return { ...response, volume: response.volume && { ...response.volume, volumeContext: { ...response.volume.volumeContext, generation: 'later' } } };
      }),
    ],
  },
  'metadata-without-capacity': {
    description: 'GetMetadataAllocated and GetMetadataDelta leave volume_capacity_bytes unset',
    rule: 'GetMetadataAllocatedResponse / GetMetadataDeltaResponse: volume_capacity_bytes is REQUIRED',
    rpcs: ['GetMetadataAllocated', 'GetMetadataDelta'],
    behaviour: [
      on('GetMetadataAllocated', async (request, next) => (await next(request)).map((m) => ({ ...m, volumeCapacityBytes: 0 }))),
      on('GetMetadataDelta', async (request, next) => (await next(request)).map((m) => ({ ...m, volumeCapacityBytes: 0 }))),
    ],
  },
  'short-paths-only': {
    description: 'Node calls refuse staging, target and volume paths of 128 bytes or more as INVALID_ARGUMENT',
    rule: 'Node RPCs: at a minimum, SP MUST accept a max path length of at least 128 bytes',
    rpcs: PATH_RPCS,
    behaviour: PATH_RPCS.map((rpc) => on(rpc, refuseLongPaths)),
  },
  'volume-topology-without-capability': {
    description: 'The plugin no longer advertises VOLUME_ACCESSIBILITY_CONSTRAINTS (and NodeGetInfo drops its topology), yet CreateVolume still answers accessible_topology',
    rule: 'Volume.accessible_topology: a plugin that returns this field MUST also set the VOLUME_ACCESSIBILITY_CONSTRAINTS plugin capability',
    rpcs: ['GetPluginCapabilities', 'NodeGetInfo'],
    behaviour: [
      on('GetPluginCapabilities', async (request, next) => {
        const { capabilities } = await next(request);
        return { capabilities: (capabilities ?? []).filter((c) => c.service?.type !== 'VOLUME_ACCESSIBILITY_CONSTRAINTS') };
      }),
      on('NodeGetInfo', async (request, next) => ({ ...(await next(request)), accessibleTopology: null })),
    ],
  },
  'controller-publish-ignores-access-type': {
    description: 'ControllerPublishVolume answers OK (attaching nothing) when asked for an access type the volume was not created with',
    rule: 'ControllerPublishVolume.volume_capability: SP MUST ensure the CO can use the published volume as described, otherwise return the appropriate gRPC error code',
    rpcs: ['ControllerPublishVolume'],
    behaviour: [
      on('ControllerPublishVolume', async (request, next, ctx) => {
        const volume = ctx.state.volumes.get(request.volumeId ?? '');
        const asked = request.volumeCapability?.block ? 'block' : request.volumeCapability?.mount ? 'mount' : undefined;
        if (volume && asked && asked !== volume.accessType) return { publishContext: {} };
        return next(request);
      }),
    ],
  },
  'validate-answers-once': {
    description: 'ValidateVolumeCapabilities confirms a volume the first time only; later calls answer without confirmed',
    rule: 'ValidateVolumeCapabilities: this operation MUST be idempotent',
    rpcs: ['ValidateVolumeCapabilities'],
    behaviour: [
      on('ValidateVolumeCapabilities', async (request, next) => {
        const response = await next(request);
        if (!validatedOnce.has(request.volumeId ?? '')) {
          validatedOnce.add(request.volumeId ?? '');
          return response;
        }
        return { ...response, confirmed: null, message: 'validated before' };
      }),
    ],
  },
  'error-with-details': {
    description: 'NodeUnpublishVolume refuses with the right code and message but adds status details',
    rule: 'Error Scheme: the status details MUST be empty',
    rpcs: ['NodeUnpublishVolume'],
    behaviour: [
      on('NodeUnpublishVolume', recovering((error) => {
        // A google.rpc.Status with only code 3, as a plugin attaching details would send it.
        if (error instanceof CsiStatusError) throw new CsiStatusError(error.code, error.details, { 'grpc-status-details-bin': Buffer.from([0x08, error.code]) });
        throw error;
      })),
    ],
  },
  'probe-error': {
    description: 'Probe of a healthy plugin fails with INTERNAL',
    rule: 'Probe: a healthy, ready plugin answers 0 OK (errors only when not healthy: FAILED_PRECONDITION)',
    rpcs: ['Probe'],
    behaviour: [on('Probe', () => fail(status.INTERNAL, 'probe failed'))],
  },
};

/** Every fault by name: what it does, the rule it breaks and the RPCs it changes. */
export const CSI_FAULTS: Readonly<Record<string, CsiFaultInfo>> = Object.fromEntries(
  Object.entries(FAULTS).map(([name, { description, rule, rpcs }]) => [name, { description, rule, rpcs }]),
);

export const CSI_FAULT_NAMES: readonly string[] = Object.keys(FAULTS);

/** Wraps the handlers of the RPCs the configured fault changes; unknown names are a UsageError. */
export function applyFault(ctx: DriverContext, handlers: CsiHandlers): CsiHandlers {
  const name = ctx.options.fault;
  if (!name) return handlers;
  const fault = FAULTS[name];
  if (!fault) throw new UsageError(`unknown CSI fault "${name}"; choose one of: ${CSI_FAULT_NAMES.join(', ')}`, { field: 'fault' });
  const wrapped: Record<string, unknown> = { ...handlers };
  for (const { rpc, wrap } of fault.behaviour) {
    const next = handlers[rpc] as (request: unknown) => Promise<unknown>;
    wrapped[rpc] = async (request: unknown) => wrap(request as never, next as never, ctx);
  }
  return wrapped as unknown as CsiHandlers;
}
