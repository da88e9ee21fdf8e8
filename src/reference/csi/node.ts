// Node service of the reference driver's single node. Staging and publishing are tracked in
// memory; with `realPaths` the target path is really created (mkdir, or a file for block) and
// removed again, as the spec asks of the SP (the CO creates only the parent directory).
import { existsSync, mkdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { allowsSeveralTargets, capabilityKey, parseCapability, sameCapability } from './capability.js';
import { checkSecrets, requireNodeCapability, toNumber, topologyEnabled, unimplementedUnless, type DriverContext } from './context.js';
import type { CsiHandlers } from './rpc.js';
import type { Capability, PublishedTarget, VolumeRecord } from './state.js';
import { alreadyExists, fail, failedPrecondition, invalidArgument, notFound, outOfRange, requireString, status } from './status.js';
import { topologyOfZone, zoneOfNode } from './topology.js';
import { conditionOf, findVolume } from './volumes.js';

type NodeHandlers = Pick<
  CsiHandlers,
  | 'NodeStageVolume'
  | 'NodeUnstageVolume'
  | 'NodePublishVolume'
  | 'NodeUnpublishVolume'
  | 'NodeGetVolumeStats'
  | 'NodeExpandVolume'
  | 'NodeGetCapabilities'
  | 'NodeGetInfo'
>;

function checkAccessType(volume: VolumeRecord, capability: Capability, rpc: string): void {
  if (capability.accessType !== volume.accessType) {
    failedPrecondition(`${rpc}: volume ${volume.id} is a ${volume.accessType} volume and cannot be used with ${capability.accessType} access`);
  }
}

function sortedMap(map: Readonly<Record<string, string>> | null | undefined): [string, string][] {
  return Object.entries(map ?? {}).sort();
}

function createTarget(path: string, accessType: Capability['accessType']): void {
  if (!existsSync(dirname(path))) failedPrecondition(`the parent directory of target_path ${path} does not exist (the CO creates it)`);
  if (accessType === 'block') {
    if (!existsSync(path)) writeFileSync(path, '');
  } else {
    mkdirSync(path, { recursive: true });
  }
}

function removeTarget(path: string): void {
  if (!existsSync(path)) return;
  // Only what NodePublishVolume made: an empty directory (never recursive) or the block placeholder file.
  try {
    if (statSync(path).isDirectory()) rmdirSync(path);
    else rmSync(path, { force: true });
  } catch (error) {
    fail(status.INTERNAL, `cannot remove target_path ${path}: ${(error as Error).message}`);
  }
}

export function nodeHandlers(ctx: DriverContext): NodeHandlers {
  const { options, state } = ctx;
  const stagingOn = () => options.capabilities.node.has('STAGE_UNSTAGE_VOLUME');

  return {
    async NodeStageVolume(request) {
      requireNodeCapability(ctx, 'STAGE_UNSTAGE_VOLUME', 'NodeStageVolume');
      const volumeId = requireString(request.volumeId, 'volume_id');
      const path = requireString(request.stagingTargetPath, 'staging_target_path');
      const capability = parseCapability(request.volumeCapability, 'volume_capability', options);
      checkSecrets(ctx, 'NodeStageVolume', request.secrets);
      const volume = findVolume(ctx, volumeId);
      checkAccessType(volume, capability, 'NodeStageVolume');
      const staged = state.staged.get(volumeId);
      if (staged) {
        if (staged.path !== path) failedPrecondition(`volume ${volumeId} is already staged at ${staged.path}`);
        if (!sameCapability(staged.capability, capability)) alreadyExists(`volume ${volumeId} is staged at ${path} with another capability`);
        return {};
      }
      state.staged.set(volumeId, { path, capability });
      return {};
    },

    async NodeUnstageVolume(request) {
      requireNodeCapability(ctx, 'STAGE_UNSTAGE_VOLUME', 'NodeUnstageVolume');
      const volumeId = requireString(request.volumeId, 'volume_id');
      const path = requireString(request.stagingTargetPath, 'staging_target_path');
      findVolume(ctx, volumeId);
      const staged = state.staged.get(volumeId);
      if (!staged || staged.path !== path) return {}; // not staged there: OK (idempotent)
      const targets = state.published.get(volumeId);
      if (targets && targets.size > 0) failedPrecondition(`volume ${volumeId} is still published at ${[...targets.keys()].join(', ')}; unpublish first`);
      state.staged.delete(volumeId);
      return {};
    },

    async NodePublishVolume(request) {
      const volumeId = requireString(request.volumeId, 'volume_id');
      const targetPath = requireString(request.targetPath, 'target_path');
      const capability = parseCapability(request.volumeCapability, 'volume_capability', options);
      checkSecrets(ctx, 'NodePublishVolume', request.secrets);
      const volume = findVolume(ctx, volumeId);
      const stagingPath = request.stagingTargetPath ?? '';
      if (stagingOn()) {
        if (!stagingPath) failedPrecondition('staging_target_path is required: this driver has STAGE_UNSTAGE_VOLUME');
        const staged = state.staged.get(volumeId);
        if (!staged || staged.path !== stagingPath) failedPrecondition(`volume ${volumeId} is not staged at ${stagingPath}`);
      }
      checkAccessType(volume, capability, 'NodePublishVolume');
      const readonly = request.readonly ?? false;
      const argumentsKey = JSON.stringify([capabilityKey(capability), readonly, stagingPath, sortedMap(request.publishContext), sortedMap(request.volumeContext)]);
      const targets = state.published.get(volumeId) ?? new Map<string, PublishedTarget>();
      const same = targets.get(targetPath);
      if (same) {
        if (same.argumentsKey !== argumentsKey) alreadyExists(`volume ${volumeId} is already published at ${targetPath} with other arguments`);
        return {};
      }
      for (const other of targets.values()) {
        if (!allowsSeveralTargets(capability.mode, options)) {
          failedPrecondition(`volume ${volumeId} is already published at ${other.path} and access mode ${capability.mode} allows one target per node`);
        }
        if (!sameCapability(other.capability, capability)) failedPrecondition(`volume ${volumeId} is already published at ${other.path} with another capability`);
      }
      if (options.realPaths) createTarget(targetPath, capability.accessType);
      targets.set(targetPath, { path: targetPath, capability, readonly, stagingPath, argumentsKey });
      state.published.set(volumeId, targets);
      return {};
    },

    async NodeUnpublishVolume(request) {
      const volumeId = requireString(request.volumeId, 'volume_id');
      const targetPath = requireString(request.targetPath, 'target_path');
      findVolume(ctx, volumeId);
      const targets = state.published.get(volumeId);
      if (!targets?.has(targetPath)) return {}; // not published there: OK (idempotent)
      if (options.realPaths) removeTarget(targetPath);
      targets.delete(targetPath);
      if (targets.size === 0) state.published.delete(volumeId);
      return {};
    },

    async NodeGetVolumeStats(request) {
      const caps = options.capabilities.node;
      unimplementedUnless(caps.has('GET_VOLUME_STATS') || caps.has('VOLUME_CONDITION'), 'NodeGetVolumeStats needs GET_VOLUME_STATS or VOLUME_CONDITION, both switched off');
      const volumeId = requireString(request.volumeId, 'volume_id');
      const volumePath = requireString(request.volumePath, 'volume_path');
      const volume = findVolume(ctx, volumeId);
      if (!state.nodePathsOf(volumeId).includes(volumePath)) notFound(`volume ${volumeId} is not staged or published at ${volumePath}`);
      const total = volume.nodeCapacityBytes;
      const used = Math.floor(total / 10);
      const usage = !caps.has('GET_VOLUME_STATS')
        ? []
        : volume.accessType === 'block'
          ? [{ unit: 'BYTES' as const, total }]
          : [
              { unit: 'BYTES' as const, total, used, available: total - used },
              { unit: 'INODES' as const, total: Math.max(1024, Math.floor(total / 16384)), used: 11, available: Math.max(1024, Math.floor(total / 16384)) - 11 },
            ];
      return { usage, ...(caps.has('VOLUME_CONDITION') ? { volumeCondition: conditionOf(volume) } : {}) };
    },

    async NodeExpandVolume(request) {
      requireNodeCapability(ctx, 'EXPAND_VOLUME', 'NodeExpandVolume');
      const volumeId = requireString(request.volumeId, 'volume_id');
      const volumePath = requireString(request.volumePath, 'volume_path');
      checkSecrets(ctx, 'NodeExpandVolume', request.secrets);
      const volume = findVolume(ctx, volumeId);
      if (!state.nodePathsOf(volumeId).includes(volumePath)) notFound(`volume ${volumeId} is not staged or published at ${volumePath}`);
      if (request.volumeCapability) {
        const capability = parseCapability(request.volumeCapability, 'volume_capability', options);
        if (capability.accessType !== volume.accessType) invalidArgument(`volume ${volumeId} is a ${volume.accessType} volume, not ${capability.accessType}`);
      }
      const required = toNumber(request.capacityRange?.requiredBytes);
      const limit = toNumber(request.capacityRange?.limitBytes);
      if (required < 0 || limit < 0 || (limit > 0 && limit < required)) invalidArgument('capacity_range is invalid');
      if (required > options.maxVolumeSize) outOfRange(`required_bytes ${required} exceeds the maximum volume size ${options.maxVolumeSize}`);
      const controllerExpands = options.capabilities.controller.has('EXPAND_VOLUME');
      if (required > volume.capacityBytes) {
        if (controllerExpands) outOfRange(`required_bytes ${required} is above the volume's ${volume.capacityBytes} bytes; expand it on the controller first`);
        state.resize(volume, required); // node-only expansion grows the volume itself
      }
      volume.nodeCapacityBytes = Math.max(volume.nodeCapacityBytes, required > 0 ? required : volume.capacityBytes);
      return { capacityBytes: volume.nodeCapacityBytes };
    },

    async NodeGetCapabilities() {
      return { capabilities: [...options.capabilities.node].map((type) => ({ rpc: { type } })) };
    },

    async NodeGetInfo() {
      return {
        nodeId: options.nodeId,
        maxVolumesPerNode: options.maxVolumesPerNode,
        ...(topologyEnabled(ctx) ? { accessibleTopology: topologyOfZone(zoneOfNode(ctx)) } : {}),
      };
    },
  };
}
