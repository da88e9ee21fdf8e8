// Controller: ListSnapshots, reasoning only about snapshots this test created.
import { csi, csiTest, errorCase, MISSING_ID, SNAPSHOTS, spec } from '../define.js';

const RPC = 'ListSnapshots';
const LIST = [...SNAPSHOTS, 'controller.LIST_SNAPSHOTS'] as const;
const tags = ['Feature:Snapshots'];

export const listSnapshotsTests = [
  csiTest({
    id: 'csi.controller.list-snapshots.includes-created',
    title: 'ListSnapshots includes a snapshot just created',
    spec: spec(RPC, 'all snapshots are listed'),
    profile: 'core',
    requires: LIST,
    tags,
    operations: [RPC, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const { snapshot } = await k.volumeWithSnapshot();
      const ids = (await k.listAllSnapshots()).map((s) => s.snapshotId);
      k.assert(ids.includes(snapshot.snapshotId), `ListSnapshots: new snapshot ${snapshot.snapshotId} is not listed`);
    },
  }),
  csiTest({
    id: 'csi.controller.list-snapshots.by-id',
    title: 'ListSnapshots filtered by snapshot id returns just that snapshot',
    spec: spec(RPC, 'snapshot_id filter: only the snapshot with that id'),
    profile: 'core',
    requires: LIST,
    tags,
    operations: [RPC, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const snapshot = await k.createSnapshot(volume.volumeId);
      await k.createSnapshot(volume.volumeId);
      const listed = await k.listAllSnapshots({ snapshotId: snapshot.snapshotId });
      k.assert(listed.length === 1 && listed[0]!.snapshotId === snapshot.snapshotId,
        `ListSnapshots snapshot_id=${snapshot.snapshotId}: returned [${listed.map((s) => s.snapshotId).join(', ')}]`);
    },
  }),
  csiTest({
    id: 'csi.controller.list-snapshots.by-unknown-id',
    title: 'ListSnapshots filtered by an unknown snapshot id returns nothing',
    spec: spec(RPC, 'no snapshot with that id: empty list, not an error'),
    profile: 'core',
    requires: LIST,
    tags,
    operations: [RPC, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      // Make sure there is at least one snapshot, so a plugin ignoring the filter shows it.
      await k.volumeWithSnapshot();
      const listed = await k.listAllSnapshots({ snapshotId: MISSING_ID });
      k.assert(listed.length === 0, `ListSnapshots snapshot_id=${MISSING_ID}: returned ${listed.length} snapshots`);
    },
  }),
  csiTest({
    id: 'csi.controller.list-snapshots.by-source',
    title: 'ListSnapshots filtered by source volume returns only that volume\'s snapshots',
    spec: spec(RPC, 'source_volume_id filter: only snapshots of that volume'),
    profile: 'core',
    requires: LIST,
    tags,
    operations: [RPC, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const a = await k.volumeWithSnapshot();
      await k.volumeWithSnapshot();
      const listed = await k.listAllSnapshots({ sourceVolumeId: a.volume.volumeId });
      const foreign = listed.filter((s) => s.sourceVolumeId !== a.volume.volumeId);
      k.assert(foreign.length === 0, `ListSnapshots source_volume_id=${a.volume.volumeId}: also returned snapshots of ${foreign.map((s) => s.sourceVolumeId).join(', ')}`);
      k.assert(listed.some((s) => s.snapshotId === a.snapshot.snapshotId), `ListSnapshots source_volume_id: snapshot ${a.snapshot.snapshotId} missing`);
    },
  }),
  csiTest({
    id: 'csi.controller.list-snapshots.max-entries',
    title: 'ListSnapshots returns no more entries than max_entries and a token for the rest',
    spec: spec(RPC, 'the plugin MUST NOT return more than max_entries; next_token when more remain'),
    profile: 'core',
    requires: LIST,
    tags,
    operations: [RPC, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.createSnapshot(volume.volumeId);
      await k.createSnapshot(volume.volumeId);
      const page = await k.controller.ListSnapshots({ maxEntries: 1, sourceVolumeId: volume.volumeId });
      k.assert(page.entries.length <= 1, `ListSnapshots max_entries 1: returned ${page.entries.length} entries`);
      k.assert(page.nextToken !== '', 'ListSnapshots max_entries 1: no next_token although the volume has two snapshots');
    },
  }),
  csiTest({
    id: 'csi.controller.list-snapshots.pagination',
    title: 'ListSnapshots pages through a volume\'s snapshots once each',
    spec: spec(RPC, 'starting_token continues the listing; each snapshot appears once'),
    profile: 'core',
    requires: LIST,
    tags,
    operations: [RPC, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const mine: string[] = [];
      for (let i = 0; i < 5; i++) mine.push((await k.createSnapshot(volume.volumeId)).snapshotId);
      const seen = (await k.listAllSnapshots({ sourceVolumeId: volume.volumeId, maxEntries: 2 })).map((s) => s.snapshotId);
      k.assertListedOnce('ListSnapshots pages of 2', seen, mine);
    },
  }),
  errorCase({
    id: 'csi.controller.list-snapshots.bad-token',
    title: 'ListSnapshots with a starting token the plugin never issued is aborted',
    rpc: RPC, what: 'with a made-up starting_token', rule: 'Invalid starting_token: ABORTED', code: 'ABORTED', requires: ['plugin.CONTROLLER_SERVICE', 'controller.LIST_SNAPSHOTS'], tags,
    call: (k) => k.controller.ListSnapshots({ startingToken: 'conformal-not-a-token' }),
  }),
  csiTest({
    id: 'csi.controller.list-snapshots.excludes-deleted',
    title: 'ListSnapshots no longer lists a deleted snapshot',
    spec: spec(RPC, 'deleted snapshots are not listed'),
    profile: 'core',
    requires: LIST,
    tags,
    operations: [RPC, 'DeleteSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const { volume, snapshot } = await k.volumeWithSnapshot();
      await k.controller.DeleteSnapshot({ snapshotId: snapshot.snapshotId });
      const listed = await k.listAllSnapshots({ sourceVolumeId: volume.volumeId });
      k.assert(!listed.some((s) => s.snapshotId === snapshot.snapshotId), `ListSnapshots: deleted snapshot ${snapshot.snapshotId} is still listed`);
    },
  }),
];
