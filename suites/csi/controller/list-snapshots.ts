// Controller: ListSnapshots, reasoning only about snapshots this test created.
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, SNAPSHOTS, spec, type CsiKit, type CsiTest } from '../define.js';

const RPC = 'ListSnapshots';
const LIST = [...SNAPSHOTS, 'controller.LIST_SNAPSHOTS'] as const;
const tags = ['Feature:Snapshots'];

/** Every test here is extended (Feature:Snapshots), needs snapshots listed, and calls ListSnapshots after `uses` (CreateSnapshot by default). */
function listSnapshotsTest(t: { id: string; title: string; rule: string; uses?: string; run: (k: CsiKit) => Promise<void> }): CsiTest {
  return csiTest({
    id: t.id,
    title: t.title,
    spec: spec(RPC, t.rule),
    profile: 'extended',
    requires: LIST,
    tags,
    operations: [RPC, t.uses ?? 'CreateSnapshot'],
    run: (ctx) => t.run(csi(ctx)),
  });
}

export const listSnapshotsTests = [
  listSnapshotsTest({
    id: 'csi.controller.list-snapshots.includes-created',
    title: 'ListSnapshots includes a snapshot just created',
    rule: 'all snapshots are listed',
    async run(k) {
      const { snapshot } = await k.volumeWithSnapshot();
      const ids = (await k.listAllSnapshots()).map((s) => s.snapshotId);
      k.assert(ids.includes(snapshot.snapshotId), `ListSnapshots: new snapshot ${snapshot.snapshotId} is not listed`);
    },
  }),
  listSnapshotsTest({
    id: 'csi.controller.list-snapshots.by-id',
    title: 'ListSnapshots filtered by snapshot id returns just that snapshot',
    rule: 'snapshot_id filter: only the snapshot with that id',
    async run(k) {
      const [snapshot] = (await k.volumeWithSnapshots(2)).snapshots;
      const listed = await k.listAllSnapshots({ snapshotId: snapshot!.snapshotId });
      k.assert(listed.length === 1 && listed[0]!.snapshotId === snapshot!.snapshotId,
        `ListSnapshots snapshot_id=${snapshot!.snapshotId}: returned [${listed.map((s) => s.snapshotId).join(', ')}]`);
    },
  }),
  listSnapshotsTest({
    id: 'csi.controller.list-snapshots.by-unknown-id',
    title: 'ListSnapshots filtered by an unknown snapshot id returns nothing',
    rule: 'no snapshot with that id: empty list, not an error',
    async run(k) {
      // Make sure there is at least one snapshot, so a plugin ignoring the filter shows it.
      await k.volumeWithSnapshot();
      const listed = await k.listAllSnapshots({ snapshotId: MISSING_ID });
      k.assert(listed.length === 0, `ListSnapshots snapshot_id=${MISSING_ID}: returned ${listed.length} snapshots`);
    },
  }),
  listSnapshotsTest({
    id: 'csi.controller.list-snapshots.by-source',
    title: 'ListSnapshots filtered by source volume returns only that volume\'s snapshots',
    rule: 'source_volume_id filter: only snapshots of that volume',
    async run(k) {
      const a = await k.volumeWithSnapshot();
      await k.volumeWithSnapshot();
      const listed = await k.listAllSnapshots({ sourceVolumeId: a.volume.volumeId });
      const foreign = listed.filter((s) => s.sourceVolumeId !== a.volume.volumeId);
      k.assert(foreign.length === 0, `ListSnapshots source_volume_id=${a.volume.volumeId}: also returned snapshots of ${foreign.map((s) => s.sourceVolumeId).join(', ')}`);
      k.assert(listed.some((s) => s.snapshotId === a.snapshot.snapshotId), `ListSnapshots source_volume_id: snapshot ${a.snapshot.snapshotId} missing`);
    },
  }),
  listSnapshotsTest({
    id: 'csi.controller.list-snapshots.max-entries',
    title: 'ListSnapshots returns no more entries than max_entries and a token for the rest',
    rule: 'the plugin MUST NOT return more than max_entries; next_token when more remain',
    async run(k) {
      const { volume } = await k.volumeWithSnapshots(2);
      const page = await k.controller.ListSnapshots({ maxEntries: 1, sourceVolumeId: volume.volumeId });
      k.assert(page.entries.length <= 1, `ListSnapshots max_entries 1: returned ${page.entries.length} entries`);
      k.assert(page.nextToken !== '', 'ListSnapshots max_entries 1: no next_token although the volume has two snapshots');
    },
  }),
  listSnapshotsTest({
    id: 'csi.controller.list-snapshots.pagination',
    title: 'ListSnapshots pages through a volume\'s snapshots once each',
    rule: 'starting_token continues the listing; each snapshot appears once',
    async run(k) {
      const { volume, snapshots } = await k.volumeWithSnapshots(5);
      const seen = (await k.listAllSnapshots({ sourceVolumeId: volume.volumeId, maxEntries: 2 })).map((s) => s.snapshotId);
      k.assertListedOnce('ListSnapshots pages of 2', seen, snapshots.map((s) => s.snapshotId));
    },
  }),
  errorCase({
    id: 'csi.controller.list-snapshots.bad-token',
    profile: 'extended',
    title: 'ListSnapshots with a starting token the plugin never issued is aborted',
    rpc: RPC, what: 'with a made-up starting_token', rule: 'Invalid starting_token: ABORTED', code: 'ABORTED', requires: [...CREATE_DELETE, 'controller.LIST_SNAPSHOTS'], tags,
    call: (k) => k.controller.ListSnapshots({ startingToken: 'conformal-not-a-token' }),
  }),
  listSnapshotsTest({
    id: 'csi.controller.list-snapshots.excludes-deleted',
    title: 'ListSnapshots no longer lists a deleted snapshot',
    rule: 'deleted snapshots are not listed',
    uses: 'DeleteSnapshot',
    async run(k) {
      const { volume, snapshot } = await k.volumeWithSnapshot();
      await k.controller.DeleteSnapshot({ snapshotId: snapshot.snapshotId });
      const listed = await k.listAllSnapshots({ sourceVolumeId: volume.volumeId });
      k.assert(!listed.some((s) => s.snapshotId === snapshot.snapshotId), `ListSnapshots: deleted snapshot ${snapshot.snapshotId} is still listed`);
    },
  }),
];
