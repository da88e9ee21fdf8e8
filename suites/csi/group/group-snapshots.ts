// GroupController: CreateVolumeGroupSnapshot, GetVolumeGroupSnapshot, DeleteVolumeGroupSnapshot.
import type { CsiKit } from '../define.js';
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec } from '../define.js';

const CREATE = 'CreateVolumeGroupSnapshot';
const GET = 'GetVolumeGroupSnapshot';
const DELETE = 'DeleteVolumeGroupSnapshot';
const GROUP = [...CREATE_DELETE, 'plugin.GROUP_CONTROLLER_SERVICE', 'group.CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT'] as const;
const tags = ['Feature:GroupSnapshots'];

async function twoVolumes(k: CsiKit): Promise<string[]> {
  return [(await k.createVolume()).volumeId, (await k.createVolume()).volumeId];
}

async function groupOf(k: CsiKit, sourceVolumeIds: string[], name = k.ctx.unique('group')) {
  const { groupSnapshot } = await k.group.CreateVolumeGroupSnapshot({ name, sourceVolumeIds, parameters: k.options.snapshotParameters });
  k.assert(groupSnapshot?.groupSnapshotId, 'CreateVolumeGroupSnapshot: response has no group_snapshot_id');
  return { name, group: groupSnapshot! };
}

export const groupSnapshotTests = [
  csiTest({
    id: 'csi.group.create-group-snapshot.basic',
    title: 'CreateVolumeGroupSnapshot snapshots several volumes together',
    spec: spec(CREATE, 'one snapshot per source volume, each carrying the group_snapshot_id'),
    profile: 'extended',
    requires: GROUP,
    tags,
    operations: [CREATE, DELETE, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const sources = await twoVolumes(k);
      const { group } = await groupOf(k, sources);
      const covered = group.snapshots.map((s) => s.sourceVolumeId).sort();
      k.assert(JSON.stringify(covered) === JSON.stringify([...sources].sort()), `CreateVolumeGroupSnapshot: snapshots cover [${covered.join(', ')}], sources were [${sources.join(', ')}]`);
      for (const snapshot of group.snapshots) {
        k.assert(snapshot.groupSnapshotId === group.groupSnapshotId, `CreateVolumeGroupSnapshot: member ${snapshot.snapshotId} has group_snapshot_id "${snapshot.groupSnapshotId}"`);
      }
      await k.group.DeleteVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: group.snapshots.map((s) => s.snapshotId) });
    },
  }),
  csiTest({
    id: 'csi.group.create-group-snapshot.status-fields',
    title: 'CreateVolumeGroupSnapshot reports when the group was cut, and ready only when every member is',
    spec: spec(CREATE, 'creation_time is REQUIRED; ready_to_use MUST be false if any member snapshot is not ready'),
    profile: 'extended',
    requires: GROUP,
    tags,
    operations: [CREATE, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const { group } = await groupOf(k, await twoVolumes(k));
      k.assert(group.creationTime !== null && group.creationTime.seconds > 0, 'CreateVolumeGroupSnapshot: creation_time is missing');
      const unready = group.snapshots.filter((s) => !s.readyToUse).map((s) => s.snapshotId);
      k.assert(!group.readyToUse || unready.length === 0, `CreateVolumeGroupSnapshot: group ready_to_use although members ${unready.join(', ')} are not`);
    },
  }),
  errorCase({
    id: 'csi.group.create-group-snapshot.missing-name',
    profile: 'extended',
    title: 'CreateVolumeGroupSnapshot without a name is rejected as invalid',
    rpc: CREATE, what: 'without name', rule: 'name is REQUIRED', code: 'INVALID_ARGUMENT', requires: GROUP, tags, uses: ['CreateVolume'],
    setup: twoVolumes,
    call: (k, sources) => k.group.CreateVolumeGroupSnapshot({ name: '', sourceVolumeIds: sources }),
  }),
  errorCase({
    id: 'csi.group.create-group-snapshot.missing-sources',
    profile: 'extended',
    title: 'CreateVolumeGroupSnapshot without source volumes is rejected as invalid',
    rpc: CREATE, what: 'without source_volume_ids', rule: 'source_volume_ids is REQUIRED', code: 'INVALID_ARGUMENT', requires: GROUP, tags,
    call: (k) => k.group.CreateVolumeGroupSnapshot({ name: k.ctx.unique('group'), sourceVolumeIds: [] }),
  }),
  csiTest({
    id: 'csi.group.create-group-snapshot.idempotent',
    title: 'Repeating CreateVolumeGroupSnapshot with the same name and volumes returns the same group',
    spec: spec(CREATE, 'idempotent: an existing compatible group snapshot is returned with OK'),
    profile: 'extended',
    requires: GROUP,
    tags,
    operations: [CREATE],
    async run(ctx) {
      const k = csi(ctx);
      const sources = await twoVolumes(k);
      const { name, group } = await groupOf(k, sources);
      for (const again of await k.repeat(() => k.group.CreateVolumeGroupSnapshot({ name, sourceVolumeIds: sources, parameters: k.options.snapshotParameters }))) {
        k.assert(again.groupSnapshot?.groupSnapshotId === group.groupSnapshotId, `CreateVolumeGroupSnapshot repeated: returned ${again.groupSnapshot?.groupSnapshotId}, first call ${group.groupSnapshotId}`);
      }
    },
  }),
  errorCase({
    id: 'csi.group.create-group-snapshot.name-taken',
    profile: 'extended',
    title: 'CreateVolumeGroupSnapshot reusing a name for other volumes reports that the group already exists',
    rpc: CREATE, what: 'with an existing name and other volumes', rule: 'Group snapshot already exists but is incompatible: ALREADY_EXISTS', code: 'ALREADY_EXISTS', requires: GROUP, tags, uses: ['CreateVolume'],
    setup: async (k) => {
      const sources = await twoVolumes(k);
      const { name } = await groupOf(k, sources);
      return { name, other: [(await k.createVolume()).volumeId] };
    },
    call: (k, { name, other }) => k.group.CreateVolumeGroupSnapshot({ name, sourceVolumeIds: other }),
  }),
  csiTest({
    id: 'csi.group.get-group-snapshot.basic',
    title: 'GetVolumeGroupSnapshot returns the group and its snapshots',
    spec: spec(GET, 'group_snapshot describes the requested group'),
    profile: 'extended',
    requires: GROUP,
    tags,
    operations: [GET, CREATE],
    async run(ctx) {
      const k = csi(ctx);
      const { group } = await groupOf(k, await twoVolumes(k));
      const ids = group.snapshots.map((s) => s.snapshotId);
      const got = (await k.group.GetVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: ids })).groupSnapshot;
      k.assert(got?.groupSnapshotId === group.groupSnapshotId, `GetVolumeGroupSnapshot: returned ${got?.groupSnapshotId}, asked for ${group.groupSnapshotId}`);
      const gotIds = (got?.snapshots ?? []).map((s) => s.snapshotId).sort();
      k.assert(JSON.stringify(gotIds) === JSON.stringify([...ids].sort()), `GetVolumeGroupSnapshot: members [${gotIds.join(', ')}], created with [${ids.join(', ')}]`);
    },
  }),
  errorCase({
    id: 'csi.group.delete-member-snapshot.refused',
    profile: 'extended',
    title: 'DeleteSnapshot of a snapshot that belongs to a group snapshot is rejected as invalid',
    rpc: 'DeleteSnapshot', what: 'of a member of a group snapshot', rule: 'Snapshot is part of a group: INVALID_ARGUMENT', code: 'INVALID_ARGUMENT',
    requires: [...GROUP, 'controller.CREATE_DELETE_SNAPSHOT'], tags: [...tags, 'Feature:Snapshots'], uses: [CREATE],
    setup: async (k) => {
      const { group } = await groupOf(k, await twoVolumes(k));
      return group.snapshots[0]!;
    },
    call: (k, member) => k.controller.DeleteSnapshot({ snapshotId: member.snapshotId }),
  }),
  errorCase({
    id: 'csi.group.get-group-snapshot.missing-id',
    profile: 'extended',
    title: 'GetVolumeGroupSnapshot without a group id is rejected as invalid',
    rpc: GET, what: 'without group_snapshot_id', rule: 'group_snapshot_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: GROUP, tags,
    call: (k) => k.group.GetVolumeGroupSnapshot({ groupSnapshotId: '', snapshotIds: [MISSING_ID] }),
  }),
  errorCase({
    id: 'csi.group.get-group-snapshot.unknown-id',
    profile: 'extended',
    title: 'GetVolumeGroupSnapshot of a group that does not exist reports it not found',
    rpc: GET, what: 'of an unknown group', rule: 'Volume group snapshot does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: GROUP, tags,
    call: (k) => k.group.GetVolumeGroupSnapshot({ groupSnapshotId: MISSING_ID, snapshotIds: [MISSING_ID] }),
  }),
  errorCase({
    id: 'csi.group.get-group-snapshot.mismatch',
    profile: 'extended',
    title: 'GetVolumeGroupSnapshot with snapshot ids that are not the group\'s members is rejected as invalid',
    rpc: GET, what: 'with a wrong snapshot_ids list', rule: 'Snapshot list mismatch: INVALID_ARGUMENT', code: 'INVALID_ARGUMENT', requires: GROUP, tags, uses: [CREATE],
    setup: async (k) => (await groupOf(k, await twoVolumes(k))).group,
    call: (k, group) => k.group.GetVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: [group.snapshots[0]!.snapshotId, MISSING_ID] }),
  }),
  errorCase({
    id: 'csi.group.delete-group-snapshot.missing-id',
    profile: 'extended',
    title: 'DeleteVolumeGroupSnapshot without a group id is rejected as invalid',
    rpc: DELETE, what: 'without group_snapshot_id', rule: 'group_snapshot_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: GROUP, tags,
    call: (k) => k.group.DeleteVolumeGroupSnapshot({ groupSnapshotId: '', snapshotIds: [MISSING_ID] }),
  }),
  errorCase({
    id: 'csi.group.delete-group-snapshot.missing-snapshot-ids',
    profile: 'extended',
    title: 'DeleteVolumeGroupSnapshot without the member snapshot ids is rejected as invalid',
    rpc: DELETE, what: 'without snapshot_ids', rule: 'snapshot_ids is REQUIRED', code: 'INVALID_ARGUMENT', requires: GROUP, tags, uses: [CREATE],
    setup: async (k) => (await groupOf(k, await twoVolumes(k))).group,
    call: (k, group) => k.group.DeleteVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: [] }),
  }),
  errorCase({
    id: 'csi.group.get-group-snapshot.missing-snapshot-ids',
    profile: 'extended',
    title: 'GetVolumeGroupSnapshot without the member snapshot ids is rejected as invalid',
    rpc: GET, what: 'without snapshot_ids', rule: 'snapshot_ids is REQUIRED', code: 'INVALID_ARGUMENT', requires: GROUP, tags, uses: [CREATE],
    setup: async (k) => (await groupOf(k, await twoVolumes(k))).group,
    call: (k, group) => k.group.GetVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: [] }),
  }),
  csiTest({
    id: 'csi.group.delete-group-snapshot.unknown-id',
    title: 'DeleteVolumeGroupSnapshot of a group that does not exist succeeds',
    spec: spec(DELETE, 'if the group snapshot does not exist the plugin MUST reply OK'),
    profile: 'extended',
    requires: GROUP,
    tags,
    operations: [DELETE],
    async run(ctx) {
      const k = csi(ctx);
      await k.group.DeleteVolumeGroupSnapshot({ groupSnapshotId: MISSING_ID, snapshotIds: [MISSING_ID] });
    },
  }),
  csiTest({
    id: 'csi.group.delete-group-snapshot.idempotent',
    title: 'Repeating DeleteVolumeGroupSnapshot keeps succeeding and the group is gone',
    spec: spec(DELETE, 'idempotent: deleting a deleted group replies OK; the group no longer exists'),
    profile: 'extended',
    requires: GROUP,
    tags,
    operations: [DELETE, GET],
    async run(ctx) {
      const k = csi(ctx);
      const { group } = await groupOf(k, await twoVolumes(k));
      const snapshotIds = group.snapshots.map((s) => s.snapshotId);
      await k.repeat(() => k.group.DeleteVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds }));
      await k.expectGrpcError(k.group.GetVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds }), 'NOT_FOUND', 'GetVolumeGroupSnapshot after DeleteVolumeGroupSnapshot');
    },
  }),
  errorCase({
    id: 'csi.group.delete-group-snapshot.mismatch',
    profile: 'extended',
    title: 'DeleteVolumeGroupSnapshot with snapshot ids that are not the group\'s members is rejected as invalid',
    rpc: DELETE, what: 'with a wrong snapshot_ids list', rule: 'Snapshot list mismatch: INVALID_ARGUMENT', code: 'INVALID_ARGUMENT', requires: GROUP, tags, uses: [CREATE],
    setup: async (k) => (await groupOf(k, await twoVolumes(k))).group,
    call: (k, group) => k.group.DeleteVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: [MISSING_ID] }),
  }),
  csiTest({
    id: 'csi.group.member-snapshot.visible',
    title: 'A snapshot cut as part of a group is listed with its group id',
    spec: spec('ListSnapshots', 'group_snapshot_id is set on snapshots that belong to a group'),
    profile: 'extended',
    requires: [...GROUP, 'controller.LIST_SNAPSHOTS'],
    tags,
    operations: ['ListSnapshots', CREATE],
    async run(ctx) {
      const k = csi(ctx);
      const { group } = await groupOf(k, await twoVolumes(k));
      const member = group.snapshots[0]!;
      const listed = await k.listAllSnapshots({ snapshotId: member.snapshotId });
      k.assert(listed[0]?.groupSnapshotId === group.groupSnapshotId, `ListSnapshots: member ${member.snapshotId} listed with group id "${listed[0]?.groupSnapshotId}"`);
    },
  }),
];
