// Snapshot, group snapshot and snapshot metadata rules of the reference driver, in-process.
import { describe, expect, it } from 'vitest';
import { createVolume, driver, expectCode, MiB, status } from './helpers.js';

describe('snapshots', () => {
  it('creates idempotently, ALREADY_EXISTS for another source, NOT_FOUND for a missing source', async () => {
    const d = driver();
    const a = await createVolume(d, 'a');
    const b = await createVolume(d, 'b');
    const first = (await d.CreateSnapshot({ name: 's', sourceVolumeId: a.volumeId })).snapshot!;
    expect((await d.CreateSnapshot({ name: 's', sourceVolumeId: a.volumeId })).snapshot).toEqual(first);
    expect(first).toMatchObject({ sourceVolumeId: a.volumeId, sizeBytes: 10 * MiB, readyToUse: true, groupSnapshotId: '' });
    await expectCode(d.CreateSnapshot({ name: 's', sourceVolumeId: b.volumeId }), status.ALREADY_EXISTS);
    await expectCode(d.CreateSnapshot({ name: 't', sourceVolumeId: 'nope' }), status.NOT_FOUND);
    await expectCode(d.CreateSnapshot({ sourceVolumeId: a.volumeId }), status.INVALID_ARGUMENT);
    await expectCode(d.CreateSnapshot({ name: 'u' }), status.INVALID_ARGUMENT);
  });

  it('deletes idempotently and gets or lists with filters and pages', async () => {
    const d = driver();
    const a = await createVolume(d, 'a');
    const b = await createVolume(d, 'b');
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await d.CreateSnapshot({ name: `a${i}`, sourceVolumeId: a.volumeId })).snapshot!.snapshotId!);
    const bSnap = (await d.CreateSnapshot({ name: 'b0', sourceVolumeId: b.volumeId })).snapshot!;
    expect((await d.ListSnapshots({ sourceVolumeId: a.volumeId })).entries!.map((e) => e.snapshot!.snapshotId).sort()).toEqual([...ids].sort());
    expect((await d.ListSnapshots({ snapshotId: bSnap.snapshotId })).entries).toHaveLength(1);
    expect((await d.ListSnapshots({ snapshotId: 'nope' })).entries).toHaveLength(0);
    expect((await d.ListSnapshots({ sourceVolumeId: 'nope' })).entries).toHaveLength(0);
    const page = await d.ListSnapshots({ maxEntries: 3 });
    expect(page.entries).toHaveLength(3);
    const rest = await d.ListSnapshots({ startingToken: page.nextToken });
    expect(rest.entries).toHaveLength(1);
    expect(rest.nextToken).toBe('');
    await expectCode(d.ListSnapshots({ startingToken: 'zzz' }), status.ABORTED);
    expect((await d.GetSnapshot({ snapshotId: bSnap.snapshotId })).snapshot).toEqual(bSnap);
    await expectCode(d.GetSnapshot({ snapshotId: 'nope' }), status.NOT_FOUND);
    await expectCode(d.GetSnapshot({}), status.INVALID_ARGUMENT);
    await d.DeleteSnapshot({ snapshotId: bSnap.snapshotId });
    await d.DeleteSnapshot({ snapshotId: bSnap.snapshotId });
    await expectCode(d.DeleteSnapshot({}), status.INVALID_ARGUMENT);
    await expectCode(d.GetSnapshot({ snapshotId: bSnap.snapshotId }), status.NOT_FOUND);
  });
});

describe('group snapshots', () => {
  it('cuts one snapshot per volume, is idempotent, checks member lists, deletes members with the group', async () => {
    const d = driver();
    const a = await createVolume(d, 'a');
    const b = await createVolume(d, 'b');
    const group = (await d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: [a.volumeId!, b.volumeId!] })).groupSnapshot!;
    expect(group.snapshots).toHaveLength(2);
    expect(group.snapshots!.every((s) => s.groupSnapshotId === group.groupSnapshotId && s.readyToUse)).toBe(true);
    expect((await d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: [b.volumeId!, a.volumeId!] })).groupSnapshot).toEqual(group);
    await expectCode(d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: [a.volumeId!] }), status.ALREADY_EXISTS);
    await expectCode(d.CreateVolumeGroupSnapshot({ name: 'h', sourceVolumeIds: [] }), status.INVALID_ARGUMENT);
    await expectCode(d.CreateVolumeGroupSnapshot({ sourceVolumeIds: [a.volumeId!] }), status.INVALID_ARGUMENT);
    await expectCode(d.CreateVolumeGroupSnapshot({ name: 'h', sourceVolumeIds: ['nope'] }), status.NOT_FOUND);
    const members = group.snapshots!.map((s) => s.snapshotId!);
    expect((await d.GetVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: members })).groupSnapshot).toEqual(group);
    await expectCode(d.GetVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: [members[0]!] }), status.INVALID_ARGUMENT);
    await expectCode(d.GetVolumeGroupSnapshot({ groupSnapshotId: 'nope', snapshotIds: members }), status.NOT_FOUND);
    // A member cannot be deleted on its own.
    await expectCode(d.DeleteSnapshot({ snapshotId: members[0] }), status.INVALID_ARGUMENT);
    await expectCode(d.DeleteVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: ['x'] }), status.INVALID_ARGUMENT);
    await d.DeleteVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: members });
    await d.DeleteVolumeGroupSnapshot({ groupSnapshotId: group.groupSnapshotId, snapshotIds: members });
    expect(d.state.snapshots.size).toBe(0);
  });

  it('is UNIMPLEMENTED when the capability is off', async () => {
    const d = driver({ disabledCapabilities: ['group-controller.CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT'] });
    expect((await d.GroupControllerGetCapabilities({})).capabilities).toEqual([]);
    await expectCode(d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: ['x'] }), status.UNIMPLEMENTED);
  });
});

describe('snapshot metadata', () => {
  async function twoSnapshots() {
    const d = driver();
    const v = await createVolume(d, 'v', { capacityRange: { requiredBytes: 512 * MiB } });
    const base = (await d.CreateSnapshot({ name: 'base', sourceVolumeId: v.volumeId })).snapshot!;
    const target = (await d.CreateSnapshot({ name: 'target', sourceVolumeId: v.volumeId })).snapshot!;
    return { d, base, target };
  }
  const flat = (messages: Array<{ blockMetadata?: Array<{ byteOffset?: unknown; sizeBytes?: unknown }> | null }>) =>
    messages.flatMap((m) => (m.blockMetadata ?? []).map((b) => ({ offset: Number(b.byteOffset), size: Number(b.sizeBytes) })));

  it('returns ordered, non-overlapping fixed-length ranges, honouring starting_offset and max_results', async () => {
    const { d, target } = await twoSnapshots();
    const all = flat(await d.GetMetadataAllocated({ snapshotId: target.snapshotId }));
    expect(all.length).toBeGreaterThan(10);
    for (let i = 1; i < all.length; i += 1) expect(all[i - 1]!.offset + all[i - 1]!.size).toBeLessThanOrEqual(all[i]!.offset);
    expect(new Set(all.map((b) => b.size)).size).toBe(1);
    const middle = all[Math.floor(all.length / 2)]!.offset + 1;
    const resumed = flat(await d.GetMetadataAllocated({ snapshotId: target.snapshotId, startingOffset: middle }));
    expect(resumed[0]!.offset + resumed[0]!.size).toBeGreaterThan(middle);
    expect(resumed).toEqual(all.filter((b) => b.offset + b.size > middle));
    const paged = await d.GetMetadataAllocated({ snapshotId: target.snapshotId, maxResults: 4 });
    expect(paged.every((m) => (m.blockMetadata ?? []).length <= 4)).toBe(true);
    await expectCode(d.GetMetadataAllocated({ snapshotId: target.snapshotId, startingOffset: -1 }), status.OUT_OF_RANGE);
    await expectCode(d.GetMetadataAllocated({ snapshotId: target.snapshotId, startingOffset: 513 * MiB }), status.OUT_OF_RANGE);
    await expectCode(d.GetMetadataAllocated({ snapshotId: 'nope' }), status.NOT_FOUND);
    await expectCode(d.GetMetadataAllocated({}), status.INVALID_ARGUMENT);
  });

  it('reports a delta that is a non-empty subset of the target allocation', async () => {
    const { d, base, target } = await twoSnapshots();
    const allocatedBase = flat(await d.GetMetadataAllocated({ snapshotId: base.snapshotId }));
    const allocatedTarget = flat(await d.GetMetadataAllocated({ snapshotId: target.snapshotId }));
    const delta = flat(await d.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: target.snapshotId }));
    expect(delta.length).toBeGreaterThan(0);
    const targetOffsets = new Set(allocatedTarget.map((b) => b.offset));
    expect(delta.every((b) => targetOffsets.has(b.offset))).toBe(true);
    expect(allocatedTarget.length).toBeGreaterThan(allocatedBase.length);
    await expectCode(d.GetMetadataDelta({ baseSnapshotId: target.snapshotId, targetSnapshotId: base.snapshotId }), status.INVALID_ARGUMENT);
    await expectCode(d.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: 'nope' }), status.NOT_FOUND);
    await expectCode(d.GetMetadataDelta({ targetSnapshotId: target.snapshotId }), status.INVALID_ARGUMENT);
  });
});
