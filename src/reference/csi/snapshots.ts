// Controller service, snapshot side (create/delete/list/get) and the GroupController service.
// Snapshots are cut instantly (ready_to_use) and stay valid after their source volume is deleted.
import type { Snapshot } from '../../interfaces/csi/generated/csi/v1/Snapshot.js';
import type { VolumeGroupSnapshot } from '../../interfaces/csi/generated/csi/v1/VolumeGroupSnapshot.js';
import { checkSecrets, copyMap, requireControllerCapability, sameMap, unimplementedUnless, type DriverContext } from './context.js';
import { paginate } from './pagination.js';
import type { CsiHandlers } from './rpc.js';
import type { GroupSnapshotRecord, SnapshotRecord, VolumeRecord } from './state.js';
import { alreadyExists, invalidArgument, notFound, requireString } from './status.js';

type SnapshotHandlers = Pick<
  CsiHandlers,
  | 'CreateSnapshot'
  | 'DeleteSnapshot'
  | 'ListSnapshots'
  | 'GetSnapshot'
  | 'GroupControllerGetCapabilities'
  | 'CreateVolumeGroupSnapshot'
  | 'DeleteVolumeGroupSnapshot'
  | 'GetVolumeGroupSnapshot'
>;

function timestamp(date: Date) {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function toSnapshotMessage(snapshot: SnapshotRecord): Snapshot {
  return {
    sizeBytes: snapshot.sizeBytes,
    snapshotId: snapshot.id,
    sourceVolumeId: snapshot.sourceVolumeId,
    creationTime: timestamp(snapshot.createdAt),
    readyToUse: true,
    groupSnapshotId: snapshot.groupSnapshotId,
  };
}

function toGroupMessage(ctx: DriverContext, group: GroupSnapshotRecord): VolumeGroupSnapshot {
  return {
    groupSnapshotId: group.id,
    snapshots: group.snapshotIds.map((id) => toSnapshotMessage(ctx.state.snapshots.get(id)!)),
    creationTime: timestamp(group.createdAt),
    readyToUse: true,
  };
}

/** Freezes the volume's current generation; the volume then moves on (simulated new writes). */
function cutSnapshot(ctx: DriverContext, volume: VolumeRecord, name: string, parameters: Record<string, string>, groupSnapshotId: string): SnapshotRecord {
  const snapshot: SnapshotRecord = {
    id: ctx.state.newId('snap'),
    name,
    sourceVolumeId: volume.id,
    sizeBytes: volume.capacityBytes,
    createdAt: new Date(),
    parameters,
    groupSnapshotId,
    generation: volume.generation,
    accessType: volume.accessType,
  };
  volume.generation += 1;
  ctx.state.snapshots.set(snapshot.id, snapshot);
  if (name) ctx.state.snapshotIdsByName.set(name, snapshot.id);
  return snapshot;
}

function removeSnapshot(ctx: DriverContext, snapshot: SnapshotRecord): void {
  ctx.state.snapshots.delete(snapshot.id);
  if (snapshot.name && ctx.state.snapshotIdsByName.get(snapshot.name) === snapshot.id) ctx.state.snapshotIdsByName.delete(snapshot.name);
}

/** snapshot_ids must name exactly the group's members (spec: "Snapshot list mismatch"). */
function checkMembers(group: GroupSnapshotRecord, snapshotIds: readonly string[] | null | undefined): void {
  const given = [...new Set(snapshotIds ?? [])].sort();
  if (given.length === 0) invalidArgument('snapshot_ids is required');
  const members = [...group.snapshotIds].sort();
  if (JSON.stringify(given) !== JSON.stringify(members)) {
    invalidArgument(`snapshot_ids do not match the members of group snapshot ${group.id}`);
  }
}

export function snapshotHandlers(ctx: DriverContext): SnapshotHandlers {
  const { options, state } = ctx;
  const requireGroup = (rpc: string) => {
    unimplementedUnless(options.capabilities.plugin.has('GROUP_CONTROLLER_SERVICE'), `${rpc}: the GroupController service is switched off`);
    unimplementedUnless(
      options.capabilities.groupController.has('CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT'),
      `${rpc} needs the CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT capability, which is switched off`,
    );
  };

  return {
    async CreateSnapshot(request) {
      requireControllerCapability(ctx, 'CREATE_DELETE_SNAPSHOT', 'CreateSnapshot');
      const sourceVolumeId = requireString(request.sourceVolumeId, 'source_volume_id');
      const name = requireString(request.name, 'name');
      checkSecrets(ctx, 'CreateSnapshot', request.secrets);
      const existingId = state.snapshotIdsByName.get(name);
      if (existingId) {
        const existing = state.snapshots.get(existingId)!;
        if (existing.sourceVolumeId !== sourceVolumeId) alreadyExists(`snapshot "${name}" already exists for volume ${existing.sourceVolumeId}, not ${sourceVolumeId}`);
        if (!sameMap(existing.parameters, request.parameters)) alreadyExists(`snapshot "${name}" already exists with other parameters`);
        return { snapshot: toSnapshotMessage(existing) };
      }
      const volume = state.volumes.get(sourceVolumeId);
      if (!volume) return notFound(`source volume ${sourceVolumeId} does not exist`);
      return { snapshot: toSnapshotMessage(cutSnapshot(ctx, volume, name, copyMap(request.parameters), '')) };
    },

    async DeleteSnapshot(request) {
      requireControllerCapability(ctx, 'CREATE_DELETE_SNAPSHOT', 'DeleteSnapshot');
      const id = requireString(request.snapshotId, 'snapshot_id');
      checkSecrets(ctx, 'DeleteSnapshot', request.secrets);
      const snapshot = state.snapshots.get(id);
      if (!snapshot) return {}; // already gone: OK (idempotent)
      if (snapshot.groupSnapshotId) invalidArgument(`snapshot ${id} belongs to group snapshot ${snapshot.groupSnapshotId}; delete the group instead`);
      removeSnapshot(ctx, snapshot);
      return {};
    },

    async ListSnapshots(request) {
      requireControllerCapability(ctx, 'LIST_SNAPSHOTS', 'ListSnapshots');
      checkSecrets(ctx, 'ListSnapshots', request.secrets);
      let snapshots = [...state.snapshots.values()];
      if (request.snapshotId) snapshots = snapshots.filter((s) => s.id === request.snapshotId);
      if (request.sourceVolumeId) snapshots = snapshots.filter((s) => s.sourceVolumeId === request.sourceVolumeId);
      const page = paginate(snapshots, (s) => s.id, request.maxEntries, request.startingToken);
      return { entries: page.items.map((s) => ({ snapshot: toSnapshotMessage(s) })), nextToken: page.nextToken };
    },

    async GetSnapshot(request) {
      requireControllerCapability(ctx, 'GET_SNAPSHOT', 'GetSnapshot');
      const id = requireString(request.snapshotId, 'snapshot_id');
      checkSecrets(ctx, 'GetSnapshot', request.secrets);
      const snapshot = state.snapshots.get(id);
      if (!snapshot) return notFound(`snapshot ${id} does not exist`);
      return { snapshot: toSnapshotMessage(snapshot) };
    },

    async GroupControllerGetCapabilities() {
      unimplementedUnless(options.capabilities.plugin.has('GROUP_CONTROLLER_SERVICE'), 'the GroupController service is switched off');
      return { capabilities: [...options.capabilities.groupController].map((type) => ({ rpc: { type } })) };
    },

    async CreateVolumeGroupSnapshot(request) {
      requireGroup('CreateVolumeGroupSnapshot');
      const name = requireString(request.name, 'name');
      const sources = request.sourceVolumeIds ?? [];
      if (sources.length === 0) invalidArgument('source_volume_ids is required (at least one volume)');
      if (new Set(sources).size !== sources.length) invalidArgument('source_volume_ids names a volume twice');
      checkSecrets(ctx, 'CreateVolumeGroupSnapshot', request.secrets);
      const existingId = state.groupSnapshotIdsByName.get(name);
      if (existingId) {
        const existing = state.groupSnapshots.get(existingId)!;
        const same = JSON.stringify([...existing.sourceVolumeIds].sort()) === JSON.stringify([...sources].sort());
        if (!same) alreadyExists(`group snapshot "${name}" already exists for other source volumes`);
        if (!sameMap(existing.parameters, request.parameters)) alreadyExists(`group snapshot "${name}" already exists with other parameters`);
        return { groupSnapshot: toGroupMessage(ctx, existing) };
      }
      const volumes = sources.map((id) => state.volumes.get(id) ?? notFound(`source volume ${id} does not exist`));
      const id = state.newId('group');
      const snapshots = volumes.map((volume) => cutSnapshot(ctx, volume, '', copyMap(request.parameters), id));
      const group: GroupSnapshotRecord = {
        id,
        name,
        sourceVolumeIds: [...sources],
        snapshotIds: snapshots.map((s) => s.id),
        createdAt: new Date(),
        parameters: copyMap(request.parameters),
      };
      state.groupSnapshots.set(id, group);
      state.groupSnapshotIdsByName.set(name, id);
      return { groupSnapshot: toGroupMessage(ctx, group) };
    },

    async DeleteVolumeGroupSnapshot(request) {
      requireGroup('DeleteVolumeGroupSnapshot');
      const id = requireString(request.groupSnapshotId, 'group_snapshot_id');
      if ((request.snapshotIds ?? []).length === 0) invalidArgument('snapshot_ids is required');
      checkSecrets(ctx, 'DeleteVolumeGroupSnapshot', request.secrets);
      const group = state.groupSnapshots.get(id);
      if (!group) return {}; // already gone: OK (idempotent)
      checkMembers(group, request.snapshotIds);
      for (const snapshotId of group.snapshotIds) {
        const snapshot = state.snapshots.get(snapshotId);
        if (snapshot) removeSnapshot(ctx, snapshot);
      }
      state.groupSnapshots.delete(id);
      state.groupSnapshotIdsByName.delete(group.name);
      return {};
    },

    async GetVolumeGroupSnapshot(request) {
      requireGroup('GetVolumeGroupSnapshot');
      const id = requireString(request.groupSnapshotId, 'group_snapshot_id');
      if ((request.snapshotIds ?? []).length === 0) invalidArgument('snapshot_ids is required');
      checkSecrets(ctx, 'GetVolumeGroupSnapshot', request.secrets);
      const group = state.groupSnapshots.get(id);
      if (!group) return notFound(`group snapshot ${id} does not exist`);
      checkMembers(group, request.snapshotIds);
      return { groupSnapshot: toGroupMessage(ctx, group) };
    },
  };
}
