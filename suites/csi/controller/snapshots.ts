// Controller: CreateSnapshot, DeleteSnapshot and GetSnapshot.
import { csi, csiTest, errorCase, MISSING_ID, SNAPSHOTS, spec } from '../define.js';

const CREATE = 'CreateSnapshot';
const DELETE = 'DeleteSnapshot';
const GET = 'GetSnapshot';
const tags = ['Feature:Snapshots'];
const GET_SNAPSHOT = [...SNAPSHOTS, 'controller.GET_SNAPSHOT'] as const;

export const snapshotTests = [
  csiTest({
    id: 'csi.controller.create-snapshot.basic',
    title: 'CreateSnapshot cuts a snapshot of a volume and describes it',
    spec: spec(CREATE, 'snapshot_id, source_volume_id and creation_time are REQUIRED; size_bytes is not negative'),
    profile: 'extended',
    requires: SNAPSHOTS,
    tags,
    operations: [CREATE, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const { volume, snapshot } = await k.volumeWithSnapshot();
      k.assert(snapshot.sourceVolumeId === volume.volumeId, `CreateSnapshot: source_volume_id ${snapshot.sourceVolumeId}, expected ${volume.volumeId}`);
      k.assert(snapshot.creationTime !== null && snapshot.creationTime.seconds > 0, 'CreateSnapshot: creation_time is missing');
      k.assert(snapshot.sizeBytes >= 0, `CreateSnapshot: size_bytes ${snapshot.sizeBytes}`);
    },
  }),
  errorCase({
    id: 'csi.controller.create-snapshot.missing-name',
    profile: 'extended',
    title: 'CreateSnapshot without a name is rejected as invalid',
    rpc: CREATE, what: 'without name', rule: 'name is REQUIRED', code: 'INVALID_ARGUMENT', requires: SNAPSHOTS, tags, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.CreateSnapshot(k.snapshotRequest(volume.volumeId, { name: '' })),
  }),
  errorCase({
    id: 'csi.controller.create-snapshot.missing-source',
    profile: 'extended',
    title: 'CreateSnapshot without a source volume is rejected as invalid',
    rpc: CREATE, what: 'without source_volume_id', rule: 'source_volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: SNAPSHOTS, tags,
    call: (k) => k.controller.CreateSnapshot(k.snapshotRequest('')),
  }),
  errorCase({
    id: 'csi.controller.create-snapshot.unknown-source',
    profile: 'extended',
    title: 'CreateSnapshot of a volume that does not exist fails',
    rpc: CREATE, what: 'of an unknown volume', rule: 'the call must fail (the error table names no code; a missing source is NOT_FOUND, an invalid one INVALID_ARGUMENT)', code: ['NOT_FOUND', 'INVALID_ARGUMENT'], requires: SNAPSHOTS, tags,
    call: (k) => k.controller.CreateSnapshot(k.snapshotRequest(MISSING_ID)),
  }),
  csiTest({
    id: 'csi.controller.create-snapshot.idempotent',
    title: 'Repeating CreateSnapshot with the same name and source returns the same snapshot',
    spec: spec(CREATE, 'idempotent: an existing compatible snapshot with the same name is returned with OK'),
    profile: 'extended',
    requires: SNAPSHOTS,
    tags,
    operations: [CREATE, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const request = k.snapshotRequest(volume.volumeId);
      const first = await k.createSnapshot(volume.volumeId, request);
      for (const again of await k.repeat(() => k.controller.CreateSnapshot(request))) {
        k.assert(again.snapshot?.snapshotId === first.snapshotId, `CreateSnapshot repeated: returned ${again.snapshot?.snapshotId}, first call ${first.snapshotId}`);
      }
    },
  }),
  errorCase({
    id: 'csi.controller.create-snapshot.name-taken',
    profile: 'extended',
    title: 'CreateSnapshot reusing a name for another volume reports that the snapshot already exists',
    rpc: CREATE, what: 'with an existing name and another source', rule: 'Snapshot already exists but is incompatible: ALREADY_EXISTS', code: 'ALREADY_EXISTS',
    requires: SNAPSHOTS, tags, uses: ['CreateVolume'],
    setup: async (k) => {
      const first = await k.createVolume();
      const second = await k.createVolume();
      const request = k.snapshotRequest(first.volumeId);
      await k.createSnapshot(first.volumeId, request);
      return { request, other: second.volumeId };
    },
    call: (k, { request, other }) => k.controller.CreateSnapshot({ ...request, sourceVolumeId: other }),
  }),
  csiTest({
    id: 'csi.controller.create-snapshot.distinct',
    title: 'Two snapshots of one volume get different ids',
    spec: spec(CREATE, 'snapshot_id uniquely identifies the snapshot'),
    profile: 'extended',
    requires: SNAPSHOTS,
    tags,
    operations: [CREATE],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const a = await k.createSnapshot(volume.volumeId);
      const b = await k.createSnapshot(volume.volumeId);
      k.assert(a.snapshotId !== b.snapshotId, `CreateSnapshot: two names got the same snapshot id ${a.snapshotId}`);
    },
  }),
  csiTest({
    id: 'csi.controller.delete-snapshot.basic',
    title: 'DeleteSnapshot removes a snapshot',
    spec: spec(DELETE, 'the snapshot is deleted and no longer listed'),
    profile: 'extended',
    requires: SNAPSHOTS,
    tags,
    operations: [DELETE, 'ListSnapshots', 'GetSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const { snapshot } = await k.volumeWithSnapshot();
      await k.controller.DeleteSnapshot({ snapshotId: snapshot.snapshotId });
      if (k.has('controller.GET_SNAPSHOT')) {
        await k.expectGrpcError(k.controller.GetSnapshot({ snapshotId: snapshot.snapshotId }), 'NOT_FOUND', 'GetSnapshot after DeleteSnapshot');
      } else if (k.has('controller.LIST_SNAPSHOTS')) {
        const listed = await k.listAllSnapshots({ snapshotId: snapshot.snapshotId });
        k.assert(listed.length === 0, `ListSnapshots: deleted snapshot ${snapshot.snapshotId} is still listed`);
      }
    },
  }),
  errorCase({
    id: 'csi.controller.delete-snapshot.missing-id',
    profile: 'extended',
    title: 'DeleteSnapshot without a snapshot id is rejected as invalid',
    rpc: DELETE, what: 'without snapshot_id', rule: 'snapshot_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: SNAPSHOTS, tags,
    call: (k) => k.controller.DeleteSnapshot({ snapshotId: '' }),
  }),
  csiTest({
    id: 'csi.controller.delete-snapshot.unknown-id',
    title: 'DeleteSnapshot of a snapshot that does not exist succeeds',
    spec: spec(DELETE, 'if the snapshot does not exist the plugin MUST reply OK'),
    profile: 'extended',
    requires: SNAPSHOTS,
    tags,
    operations: [DELETE],
    async run(ctx) {
      const k = csi(ctx);
      await k.controller.DeleteSnapshot({ snapshotId: MISSING_ID });
    },
  }),
  csiTest({
    id: 'csi.controller.delete-snapshot.idempotent',
    title: 'Repeating DeleteSnapshot of the same snapshot keeps succeeding',
    spec: spec(DELETE, 'idempotent: deleting an already deleted snapshot replies OK'),
    profile: 'extended',
    requires: SNAPSHOTS,
    tags,
    operations: [DELETE, CREATE],
    async run(ctx) {
      const k = csi(ctx);
      const { snapshot } = await k.volumeWithSnapshot();
      await k.repeat(() => k.controller.DeleteSnapshot({ snapshotId: snapshot.snapshotId }));
    },
  }),
  csiTest({
    id: 'csi.controller.get-snapshot.basic',
    title: 'GetSnapshot returns the snapshot CreateSnapshot made',
    spec: spec(GET, 'snapshot describes the requested snapshot'),
    profile: 'extended',
    requires: GET_SNAPSHOT,
    tags: [...tags, 'Feature:GetSnapshot'],
    operations: [GET, CREATE],
    async run(ctx) {
      const k = csi(ctx);
      const { snapshot } = await k.volumeWithSnapshot();
      const got = (await k.controller.GetSnapshot({ snapshotId: snapshot.snapshotId })).snapshot;
      k.assert(got?.snapshotId === snapshot.snapshotId, `GetSnapshot: returned ${got?.snapshotId}, asked for ${snapshot.snapshotId}`);
      k.assert(got?.sourceVolumeId === snapshot.sourceVolumeId, `GetSnapshot: source ${got?.sourceVolumeId}, CreateSnapshot said ${snapshot.sourceVolumeId}`);
    },
  }),
  errorCase({
    id: 'csi.controller.get-snapshot.missing-id',
    title: 'GetSnapshot without a snapshot id is rejected as invalid',
    rpc: GET, what: 'without snapshot_id', rule: 'snapshot_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: GET_SNAPSHOT, profile: 'extended', tags: [...tags, 'Feature:GetSnapshot'],
    call: (k) => k.controller.GetSnapshot({ snapshotId: '' }),
  }),
  errorCase({
    id: 'csi.controller.get-snapshot.unknown-id',
    title: 'GetSnapshot of a snapshot that does not exist reports it not found',
    rpc: GET, what: 'of an unknown snapshot', rule: 'Snapshot does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: GET_SNAPSHOT, profile: 'extended', tags: [...tags, 'Feature:GetSnapshot'],
    call: (k) => k.controller.GetSnapshot({ snapshotId: MISSING_ID }),
  }),
];
