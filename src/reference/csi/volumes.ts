// Controller service, volume side: create/delete (idempotent by name), publish/unpublish with the
// access-mode and attach-limit rules, validate, list, capacity, expand, get and modify.
import type { CreateVolumeRequest } from '../../interfaces/csi/generated/csi/v1/CreateVolumeRequest.js';
import type { Volume } from '../../interfaces/csi/generated/csi/v1/Volume.js';
import type { VolumeCondition } from '../../interfaces/csi/generated/csi/v1/VolumeCondition.js';
import { isMultiNode, parseCapabilities, parseCapability, sameCapability, toWire } from './capability.js';
import { checkSecrets, copyMap, requireControllerCapability, sameMap, toNumber, topologyEnabled, type DriverContext } from './context.js';
import { MiB } from './options.js';
import { paginate } from './pagination.js';
import type { CsiHandlers } from './rpc.js';
import type { Capability, ContentSource, VolumeRecord } from './state.js';
import {
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  notFound,
  outOfRange,
  requireString,
  resourceExhausted,
} from './status.js';
import { availableBytes, placeVolume, topologyOfZone, zoneOf, zoneSatisfies } from './topology.js';

type VolumeHandlers = Pick<
  CsiHandlers,
  | 'CreateVolume'
  | 'DeleteVolume'
  | 'ControllerPublishVolume'
  | 'ControllerUnpublishVolume'
  | 'ValidateVolumeCapabilities'
  | 'ListVolumes'
  | 'GetCapacity'
  | 'ControllerGetCapabilities'
  | 'ControllerExpandVolume'
  | 'ControllerGetVolume'
  | 'ControllerModifyVolume'
>;

const roundUp = (bytes: number, unit: number) => Math.ceil(bytes / unit) * unit;

export function toVolumeMessage(volume: VolumeRecord): Volume {
  return {
    capacityBytes: volume.capacityBytes,
    volumeId: volume.id,
    volumeContext: { ...volume.volumeContext },
    ...(volume.contentSource
      ? {
          contentSource:
            volume.contentSource.kind === 'snapshot' ? { snapshot: { snapshotId: volume.contentSource.id } } : { volume: { volumeId: volume.contentSource.id } },
        }
      : {}),
    accessibleTopology: volume.zone === undefined ? [] : [topologyOfZone(volume.zone)],
  };
}

export function conditionOf(volume: VolumeRecord): VolumeCondition {
  return { abnormal: volume.abnormal, message: volume.conditionMessage };
}

export function findVolume(ctx: DriverContext, volumeId: string): VolumeRecord {
  const volume = ctx.state.volumes.get(volumeId);
  if (!volume) return notFound(`volume ${volumeId} does not exist`);
  return volume;
}

/** Checks mutable parameter keys and values against the driver's accepted set. */
export function checkMutableParameters(ctx: DriverContext, parameters: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(parameters)) {
    if (!ctx.options.mutableParameterKeys.has(key)) {
      invalidArgument(`mutable parameter "${key}" is not supported; supported: ${[...ctx.options.mutableParameterKeys].join(', ')}`);
    }
    if (value === '') invalidArgument(`mutable parameter "${key}" has an empty value`);
  }
}

interface SizeRequest {
  readonly required: number;
  readonly limit: number;
}

function readCapacityRange(range: CreateVolumeRequest['capacityRange']): SizeRequest {
  const required = toNumber(range?.requiredBytes);
  const limit = toNumber(range?.limitBytes);
  if (required < 0 || limit < 0) invalidArgument('capacity_range values must not be negative');
  if (limit > 0 && limit < required) invalidArgument(`capacity_range.limit_bytes (${limit}) is below required_bytes (${required})`);
  return { required, limit };
}

/** The size a new volume gets, OUT_OF_RANGE when the range cannot be satisfied. */
function chooseSize(ctx: DriverContext, range: SizeRequest, sourceSize: number | undefined): number {
  const { minVolumeSize, maxVolumeSize, defaultVolumeSize } = ctx.options;
  if (range.required > maxVolumeSize) outOfRange(`required_bytes ${range.required} exceeds the maximum volume size ${maxVolumeSize}`);
  if (range.limit > 0 && range.limit < minVolumeSize) outOfRange(`limit_bytes ${range.limit} is below the minimum volume size ${minVolumeSize}`);
  if (sourceSize !== undefined && range.limit > 0 && range.limit < sourceSize) {
    outOfRange(`limit_bytes ${range.limit} is smaller than the source (${sourceSize} bytes)`);
  }
  let size = range.required > 0 ? Math.max(roundUp(range.required, MiB), minVolumeSize) : (sourceSize ?? defaultVolumeSize);
  if (sourceSize !== undefined) size = Math.max(size, sourceSize);
  if (range.limit > 0 && size > range.limit) size = range.limit;
  return Math.min(size, maxVolumeSize);
}

function readContentSource(ctx: DriverContext, request: CreateVolumeRequest): { source?: ContentSource; size?: number; accessType?: string } {
  const source = request.volumeContentSource;
  if (!source || (!source.snapshot && !source.volume)) return {};
  if (source.snapshot) {
    if (!ctx.options.capabilities.controller.has('CREATE_DELETE_SNAPSHOT')) invalidArgument('volume_content_source.snapshot: this driver does not support snapshots');
    const id = requireString(source.snapshot.snapshotId, 'volume_content_source.snapshot.snapshot_id');
    const snapshot = ctx.state.snapshots.get(id);
    if (!snapshot) return notFound(`source snapshot ${id} does not exist`);
    return { source: { kind: 'snapshot', id }, size: snapshot.sizeBytes, accessType: snapshot.accessType };
  }
  if (!ctx.options.capabilities.controller.has('CLONE_VOLUME')) invalidArgument('volume_content_source.volume: this driver does not support cloning (CLONE_VOLUME is off)');
  const id = requireString(source.volume!.volumeId, 'volume_content_source.volume.volume_id');
  const volume = ctx.state.volumes.get(id);
  if (!volume) return notFound(`source volume ${id} does not exist`);
  return { source: { kind: 'volume', id }, size: volume.capacityBytes, accessType: volume.accessType };
}

function sameSource(a: ContentSource | undefined, b: ContentSource | undefined): boolean {
  return a?.kind === b?.kind && a?.id === b?.id;
}

/** Why an existing volume of the same name cannot be returned for this request, or undefined. */
function incompatibility(
  ctx: DriverContext,
  existing: VolumeRecord,
  request: CreateVolumeRequest,
  capabilities: readonly Capability[],
  range: SizeRequest,
  source: ContentSource | undefined,
): string | undefined {
  if (existing.capacityBytes < range.required) return `its capacity ${existing.capacityBytes} is below required_bytes ${range.required}`;
  if (range.limit > 0 && existing.capacityBytes > range.limit) return `its capacity ${existing.capacityBytes} is above limit_bytes ${range.limit}`;
  if (capabilities.some((c) => c.accessType !== existing.accessType)) return `it is a ${existing.accessType} volume`;
  if (!sameMap(existing.parameters, request.parameters)) return 'it was created with other parameters';
  if (!sameMap(existing.creationMutableParameters, request.mutableParameters)) return 'it was created with other mutable_parameters';
  if (!sameSource(existing.contentSource, source)) return 'it was created from another content source';
  if (!zoneSatisfies(ctx, existing.zone, request.accessibilityRequirements)) return `its zone ${existing.zone} is not in accessibility_requirements`;
  return undefined;
}

function statusOf(ctx: DriverContext, volume: VolumeRecord, always: boolean) {
  const caps = ctx.options.capabilities.controller;
  const published = always || caps.has('LIST_VOLUMES_PUBLISHED_NODES');
  const condition = caps.has('VOLUME_CONDITION');
  if (!published && !condition) return undefined;
  return {
    publishedNodeIds: published ? [...volume.attachments.keys()].sort() : [],
    ...(condition ? { volumeCondition: conditionOf(volume) } : {}),
  };
}

export function volumeHandlers(ctx: DriverContext): VolumeHandlers {
  const { options, state } = ctx;
  const knownNodes = new Set([options.nodeId, ...options.otherNodeIds]);

  return {
    async CreateVolume(request) {
      requireControllerCapability(ctx, 'CREATE_DELETE_VOLUME', 'CreateVolume');
      const name = requireString(request.name, 'name');
      const capabilities = parseCapabilities(request.volumeCapabilities, 'volume_capabilities', options);
      const accessTypes = new Set(capabilities.map((c) => c.accessType));
      if (accessTypes.size > 1) invalidArgument('volume_capabilities mix block and mount access types; a volume is one or the other');
      checkSecrets(ctx, 'CreateVolume', request.secrets);
      const range = readCapacityRange(request.capacityRange);
      const mutable = copyMap(request.mutableParameters);
      checkMutableParameters(ctx, mutable);
      if (!options.capabilities.controller.has('MODIFY_VOLUME') && Object.keys(mutable).length > 0) {
        invalidArgument('mutable_parameters given but MODIFY_VOLUME is off');
      }
      const { source, size: sourceSize, accessType: sourceAccessType } = readContentSource(ctx, request);
      const accessType = capabilities[0]!.accessType;
      if (sourceAccessType !== undefined && sourceAccessType !== accessType) {
        invalidArgument(`volume_content_source is a ${sourceAccessType} volume; cannot create a ${accessType} volume from it`);
      }

      const existingId = state.volumeIdsByName.get(name);
      if (existingId) {
        const existing = state.volumes.get(existingId)!;
        const why = incompatibility(ctx, existing, request, capabilities, range, source);
        if (why) alreadyExists(`volume "${name}" already exists (${existing.id}) but ${why}`);
        return { volume: toVolumeMessage(existing) };
      }

      const size = chooseSize(ctx, range, sourceSize);
      const zone = placeVolume(ctx, request.accessibilityRequirements, size);
      const id = state.newId('vol');
      const volume: VolumeRecord = {
        id,
        name,
        capacityBytes: size,
        accessType,
        capabilities,
        parameters: copyMap(request.parameters),
        creationMutableParameters: mutable,
        mutableParameters: { ...mutable },
        volumeContext: { 'conformal.dev/name': name, ...(zone ? { 'conformal.dev/zone': zone } : {}) },
        contentSource: source,
        zone,
        requirementsKey: JSON.stringify(request.accessibilityRequirements ?? null),
        attachments: new Map(),
        nodeCapacityBytes: size,
        generation: 1,
        abnormal: false,
        conditionMessage: 'volume is healthy',
      };
      state.addVolume(volume);
      return { volume: toVolumeMessage(volume) };
    },

    async DeleteVolume(request) {
      requireControllerCapability(ctx, 'CREATE_DELETE_VOLUME', 'DeleteVolume');
      const id = requireString(request.volumeId, 'volume_id');
      checkSecrets(ctx, 'DeleteVolume', request.secrets);
      const volume = state.volumes.get(id);
      if (!volume) return {}; // already gone: OK (idempotent)
      if (volume.attachments.size > 0) failedPrecondition(`volume ${id} is still published to ${[...volume.attachments.keys()].join(', ')}`);
      if (state.nodePathsOf(id).length > 0) failedPrecondition(`volume ${id} is still staged or published on node ${options.nodeId}`);
      // Snapshots are independent of their source volume (spec: "SHOULD treat volumes independent from their snapshots").
      state.removeVolume(volume);
      return {};
    },

    async ControllerPublishVolume(request) {
      requireControllerCapability(ctx, 'PUBLISH_UNPUBLISH_VOLUME', 'ControllerPublishVolume');
      const volumeId = requireString(request.volumeId, 'volume_id');
      const nodeId = requireString(request.nodeId, 'node_id');
      const capability = parseCapability(request.volumeCapability, 'volume_capability', options);
      checkSecrets(ctx, 'ControllerPublishVolume', request.secrets);
      const readonly = request.readonly ?? false;
      if (readonly && !options.capabilities.controller.has('PUBLISH_READONLY')) invalidArgument('readonly publish requested but PUBLISH_READONLY is off');
      const volume = findVolume(ctx, volumeId);
      if (!knownNodes.has(nodeId)) notFound(`node ${nodeId} does not exist`);
      if (capability.accessType !== volume.accessType) {
        invalidArgument(`volume ${volumeId} is a ${volume.accessType} volume; cannot publish it with ${capability.accessType} access`);
      }
      const existing = volume.attachments.get(nodeId);
      if (existing) {
        if (!sameCapability(existing.capability, capability) || existing.readonly !== readonly) {
          alreadyExists(`volume ${volumeId} is already published to ${nodeId} with another capability or readonly flag`);
        }
        return { publishContext: { ...existing.publishContext } };
      }
      for (const [otherNode, attachment] of volume.attachments) {
        if (!isMultiNode(attachment.capability.mode) || !isMultiNode(capability.mode)) {
          failedPrecondition(`volume ${volumeId} is already published to node ${otherNode} and its access mode is not MULTI_NODE`);
        }
      }
      if (options.maxVolumesPerNode > 0 && state.attachedCount(nodeId) >= options.maxVolumesPerNode) {
        resourceExhausted(`node ${nodeId} already has the maximum of ${options.maxVolumesPerNode} volumes attached`);
      }
      const publishContext = { devicePath: `/dev/conformal/${volumeId}`, readonly: String(readonly) };
      volume.attachments.set(nodeId, { capability, readonly, publishContext });
      return { publishContext: { ...publishContext } };
    },

    async ControllerUnpublishVolume(request) {
      requireControllerCapability(ctx, 'PUBLISH_UNPUBLISH_VOLUME', 'ControllerUnpublishVolume');
      const volumeId = requireString(request.volumeId, 'volume_id');
      checkSecrets(ctx, 'ControllerUnpublishVolume', request.secrets);
      const volume = state.volumes.get(volumeId);
      if (!volume) return {}; // unknown volume can be regarded as unpublished: OK
      if (request.nodeId) volume.attachments.delete(request.nodeId);
      else volume.attachments.clear();
      return {};
    },

    async ValidateVolumeCapabilities(request) {
      const volumeId = requireString(request.volumeId, 'volume_id');
      const capabilities = parseCapabilities(request.volumeCapabilities, 'volume_capabilities', options);
      checkSecrets(ctx, 'ValidateVolumeCapabilities', request.secrets);
      const volume = findVolume(ctx, volumeId);
      const context = request.volumeContext ?? {};
      if (Object.keys(context).length > 0 && !sameMap(context, volume.volumeContext)) return { message: 'volume_context does not match the volume' };
      const parameters = request.parameters ?? {};
      if (Object.keys(parameters).length > 0 && !sameMap(parameters, volume.parameters)) return { message: 'parameters do not match the volume' };
      const mutable = request.mutableParameters ?? {};
      if (Object.keys(mutable).length > 0 && !sameMap(mutable, volume.mutableParameters)) return { message: 'mutable_parameters do not match the volume' };
      const unsupported = capabilities.find((c) => c.accessType !== volume.accessType);
      if (unsupported) return { message: `volume ${volumeId} is a ${volume.accessType} volume; ${unsupported.accessType} access is not supported` };
      return {
        confirmed: {
          volumeContext: { ...context },
          volumeCapabilities: capabilities.map(toWire),
          parameters: { ...parameters },
          mutableParameters: { ...mutable },
        },
      };
    },

    async ListVolumes(request) {
      requireControllerCapability(ctx, 'LIST_VOLUMES', 'ListVolumes');
      const page = paginate([...state.volumes.values()], (v) => v.id, request.maxEntries, request.startingToken);
      return {
        entries: page.items.map((volume) => {
          const status = statusOf(ctx, volume, false);
          return { volume: toVolumeMessage(volume), ...(status ? { status } : {}) };
        }),
        nextToken: page.nextToken,
      };
    },

    async GetCapacity(request) {
      requireControllerCapability(ctx, 'GET_CAPACITY', 'GetCapacity');
      for (const [i, c] of (request.volumeCapabilities ?? []).entries()) parseCapability(c, `volume_capabilities[${i}]`, options);
      let zone: string | undefined;
      if (request.accessibleTopology && topologyEnabled(ctx)) {
        zone = zoneOf(ctx, request.accessibleTopology);
        // A topology this driver has no storage in has no capacity.
        if (zone === undefined) return { availableCapacity: 0, maximumVolumeSize: { value: 0 }, minimumVolumeSize: { value: options.minVolumeSize } };
      }
      const available = availableBytes(ctx, zone);
      return {
        availableCapacity: available,
        maximumVolumeSize: { value: Math.min(available, options.maxVolumeSize) },
        minimumVolumeSize: { value: options.minVolumeSize },
      };
    },

    async ControllerGetCapabilities() {
      return { capabilities: [...options.capabilities.controller].map((type) => ({ rpc: { type } })) };
    },

    async ControllerExpandVolume(request) {
      requireControllerCapability(ctx, 'EXPAND_VOLUME', 'ControllerExpandVolume');
      const volumeId = requireString(request.volumeId, 'volume_id');
      if (!request.capacityRange) invalidArgument('capacity_range is required');
      checkSecrets(ctx, 'ControllerExpandVolume', request.secrets);
      const range = readCapacityRange(request.capacityRange);
      if (range.required === 0 && range.limit === 0) invalidArgument('capacity_range needs required_bytes or limit_bytes');
      const volume = findVolume(ctx, volumeId);
      if (request.volumeCapability) {
        const capability = parseCapability(request.volumeCapability, 'volume_capability', options);
        if (capability.accessType !== volume.accessType) invalidArgument(`volume ${volumeId} is a ${volume.accessType} volume, not ${capability.accessType}`);
      }
      const nodeRequired = options.capabilities.node.has('EXPAND_VOLUME') && volume.accessType === 'mount';
      if (volume.capacityBytes >= range.required) {
        if (range.limit > 0 && volume.capacityBytes > range.limit) outOfRange(`volume is already ${volume.capacityBytes} bytes, above limit_bytes ${range.limit}; shrinking is not supported`);
        return { capacityBytes: volume.capacityBytes, nodeExpansionRequired: nodeRequired && volume.nodeCapacityBytes < volume.capacityBytes };
      }
      if (range.required > options.maxVolumeSize) outOfRange(`required_bytes ${range.required} exceeds the maximum volume size ${options.maxVolumeSize}`);
      const inUse = volume.attachments.size > 0 || state.nodePathsOf(volumeId).length > 0;
      if (inUse && options.capabilities.volumeExpansion !== 'ONLINE') {
        failedPrecondition(`volume ${volumeId} is published and this driver only expands offline`);
      }
      let size = roundUp(range.required, MiB);
      if (range.limit > 0 && size > range.limit) size = range.limit;
      if (availableBytes(ctx, volume.zone) < size - volume.capacityBytes) outOfRange(`not enough capacity to grow volume ${volumeId} to ${size} bytes`);
      state.resize(volume, size);
      if (!nodeRequired) volume.nodeCapacityBytes = size;
      return { capacityBytes: size, nodeExpansionRequired: nodeRequired };
    },

    async ControllerGetVolume(request) {
      requireControllerCapability(ctx, 'GET_VOLUME', 'ControllerGetVolume');
      const volume = findVolume(ctx, requireString(request.volumeId, 'volume_id'));
      return { volume: toVolumeMessage(volume), status: statusOf(ctx, volume, true) ?? { publishedNodeIds: [] } };
    },

    async ControllerModifyVolume(request) {
      requireControllerCapability(ctx, 'MODIFY_VOLUME', 'ControllerModifyVolume');
      const volumeId = requireString(request.volumeId, 'volume_id');
      const mutable = request.mutableParameters ?? {};
      if (Object.keys(mutable).length === 0) invalidArgument('mutable_parameters is required (at least one entry)');
      checkSecrets(ctx, 'ControllerModifyVolume', request.secrets);
      const volume = findVolume(ctx, volumeId);
      checkMutableParameters(ctx, mutable); // all-or-nothing: validated before anything changes
      Object.assign(volume.mutableParameters, mutable);
      return {};
    },
  };
}

