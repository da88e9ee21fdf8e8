// Controller volume rules of the reference driver, in-process.
import { describe, expect, it } from 'vitest';
import { TOPOLOGY_KEY } from '../../../src/reference/csi/options.js';
import { blockCap, createVolume, driver, expectCode, GiB, MiB, mountCap, status } from './helpers.js';

describe('CreateVolume', () => {
  it('rejects a missing name or capability list with INVALID_ARGUMENT', async () => {
    const d = driver();
    await expectCode(d.CreateVolume({ volumeCapabilities: [mountCap()] }), status.INVALID_ARGUMENT);
    await expectCode(d.CreateVolume({ name: 'v' }), status.INVALID_ARGUMENT);
    await expectCode(d.CreateVolume({ name: 'v', volumeCapabilities: [{ mount: {} }] }), status.INVALID_ARGUMENT);
    await expectCode(d.CreateVolume({ name: 'v', volumeCapabilities: [{ accessMode: { mode: 'SINGLE_NODE_WRITER' } }] }), status.INVALID_ARGUMENT);
    await expectCode(d.CreateVolume({ name: 'v', volumeCapabilities: [mountCap(), blockCap()] }), status.INVALID_ARGUMENT);
  });

  it('returns the same volume for the same name and parameters, ALREADY_EXISTS when incompatible', async () => {
    const d = driver();
    const first = await createVolume(d, 'same');
    const again = await createVolume(d, 'same');
    expect(again).toEqual(first);
    await expectCode(d.CreateVolume({ name: 'same', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 20 * MiB } }), status.ALREADY_EXISTS);
    await expectCode(d.CreateVolume({ name: 'same', volumeCapabilities: [blockCap()], capacityRange: { requiredBytes: 10 * MiB } }), status.ALREADY_EXISTS);
    await expectCode(
      d.CreateVolume({ name: 'same', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 10 * MiB }, parameters: { tier: 'gold' } }),
      status.ALREADY_EXISTS,
    );
    expect(d.state.volumes.size).toBe(1);
  });

  it('sizes volumes within the range and refuses unsatisfiable ranges', async () => {
    const d = driver({ maxVolumeSize: 4 * GiB });
    expect((await createVolume(d, 'small', { capacityRange: { requiredBytes: 1 } })).capacityBytes).toBe(MiB);
    expect((await createVolume(d, 'default', { capacityRange: undefined })).capacityBytes).toBe(GiB);
    expect((await createVolume(d, 'limited', { capacityRange: { limitBytes: 8 * MiB } })).capacityBytes).toBe(8 * MiB);
    await expectCode(d.CreateVolume({ name: 'huge', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 5 * GiB } }), status.OUT_OF_RANGE);
    await expectCode(d.CreateVolume({ name: 'tiny', volumeCapabilities: [mountCap()], capacityRange: { limitBytes: 1000 } }), status.OUT_OF_RANGE);
    await expectCode(d.CreateVolume({ name: 'bad', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 10, limitBytes: 5 } }), status.INVALID_ARGUMENT);
  });

  it('answers RESOURCE_EXHAUSTED when the pool is full', async () => {
    const d = driver({ capacityPerZone: 30 * MiB, zones: ['only'] });
    await createVolume(d, 'a', { capacityRange: { requiredBytes: 20 * MiB } });
    await expectCode(d.CreateVolume({ name: 'b', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 20 * MiB } }), status.RESOURCE_EXHAUSTED);
  });

  it('places volumes by requisite and preferred topology', async () => {
    const d = driver();
    const zone = (z: string) => ({ segments: { [TOPOLOGY_KEY]: z } });
    const preferred = await createVolume(d, 'p', { accessibilityRequirements: { requisite: [zone('zone-a'), zone('zone-b')], preferred: [zone('zone-b')] } });
    expect(preferred.accessibleTopology).toEqual([zone('zone-b')]);
    const requisite = await createVolume(d, 'r', { accessibilityRequirements: { requisite: [zone('zone-b')] } });
    expect(requisite.accessibleTopology).toEqual([zone('zone-b')]);
    await expectCode(
      d.CreateVolume({ name: 'x', volumeCapabilities: [mountCap()], accessibilityRequirements: { requisite: [zone('mars')] } }),
      status.RESOURCE_EXHAUSTED,
    );
    // The same name with a requisite its zone does not satisfy is incompatible.
    await expectCode(d.CreateVolume({ name: 'r', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 10 * MiB }, accessibilityRequirements: { requisite: [zone('zone-a')] } }), status.ALREADY_EXISTS);
  });

  it('creates from a snapshot or a volume and reports the content source', async () => {
    const d = driver();
    const source = await createVolume(d, 'src', { capacityRange: { requiredBytes: 64 * MiB } });
    const snapshot = (await d.CreateSnapshot({ name: 's', sourceVolumeId: source.volumeId })).snapshot!;
    const fromSnapshot = await createVolume(d, 'from-snap', { capacityRange: undefined, volumeContentSource: { snapshot: { snapshotId: snapshot.snapshotId } } });
    expect(fromSnapshot.contentSource).toEqual({ snapshot: { snapshotId: snapshot.snapshotId } });
    expect(fromSnapshot.capacityBytes).toBe(64 * MiB);
    const clone = await createVolume(d, 'clone', { volumeContentSource: { volume: { volumeId: source.volumeId } } });
    expect(clone.contentSource).toEqual({ volume: { volumeId: source.volumeId } });
    expect(clone.capacityBytes).toBe(64 * MiB);
    await expectCode(d.CreateVolume({ name: 'x', volumeCapabilities: [mountCap()], volumeContentSource: { snapshot: { snapshotId: 'nope' } } }), status.NOT_FOUND);
    await expectCode(d.CreateVolume({ name: 'y', volumeCapabilities: [mountCap()], volumeContentSource: { volume: { volumeId: 'nope' } } }), status.NOT_FOUND);
    await expectCode(
      d.CreateVolume({ name: 'z', volumeCapabilities: [mountCap()], capacityRange: { limitBytes: 32 * MiB }, volumeContentSource: { volume: { volumeId: source.volumeId } } }),
      status.OUT_OF_RANGE,
    );
    await expectCode(d.CreateVolume({ name: 'w', volumeCapabilities: [blockCap()], volumeContentSource: { volume: { volumeId: source.volumeId } } }), status.INVALID_ARGUMENT);
    const noClone = driver({ disabledCapabilities: ['controller.CLONE_VOLUME'] });
    const v = await createVolume(noClone, 'v');
    await expectCode(noClone.CreateVolume({ name: 'c', volumeCapabilities: [mountCap()], volumeContentSource: { volume: { volumeId: v.volumeId } } }), status.INVALID_ARGUMENT);
  });
});

describe('DeleteVolume', () => {
  it('is idempotent and needs a volume id', async () => {
    const d = driver();
    const v = await createVolume(d, 'v');
    await d.DeleteVolume({ volumeId: v.volumeId });
    await d.DeleteVolume({ volumeId: v.volumeId });
    await d.DeleteVolume({ volumeId: 'never-existed' });
    await expectCode(d.DeleteVolume({}), status.INVALID_ARGUMENT);
    expect(d.state.volumes.size).toBe(0);
  });

  it('keeps snapshots usable after their source volume is deleted', async () => {
    const d = driver();
    const v = await createVolume(d, 'v');
    const s = (await d.CreateSnapshot({ name: 's', sourceVolumeId: v.volumeId })).snapshot!;
    await d.DeleteVolume({ volumeId: v.volumeId });
    expect((await d.ListSnapshots({ snapshotId: s.snapshotId })).entries).toHaveLength(1);
    await createVolume(d, 'restored', { volumeContentSource: { snapshot: { snapshotId: s.snapshotId } } });
  });
});

describe('ControllerPublishVolume / ControllerUnpublishVolume', () => {
  it('validates required fields, ids and capability type', async () => {
    const d = driver();
    const v = await createVolume(d, 'v');
    await expectCode(d.ControllerPublishVolume({ nodeId: 'conformal-node-1', volumeCapability: mountCap() }), status.INVALID_ARGUMENT);
    await expectCode(d.ControllerPublishVolume({ volumeId: v.volumeId, volumeCapability: mountCap() }), status.INVALID_ARGUMENT);
    await expectCode(d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1' }), status.INVALID_ARGUMENT);
    await expectCode(d.ControllerPublishVolume({ volumeId: 'nope', nodeId: 'conformal-node-1', volumeCapability: mountCap() }), status.NOT_FOUND);
    await expectCode(d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'no-such-node', volumeCapability: mountCap() }), status.NOT_FOUND);
    await expectCode(d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: blockCap() }), status.INVALID_ARGUMENT);
  });

  it('is idempotent, ALREADY_EXISTS on other arguments, FAILED_PRECONDITION for a single-node volume elsewhere', async () => {
    const d = driver();
    const v = await createVolume(d, 'v');
    const req = { volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() };
    const first = await d.ControllerPublishVolume(req);
    expect(await d.ControllerPublishVolume(req)).toEqual(first);
    await expectCode(d.ControllerPublishVolume({ ...req, readonly: true }), status.ALREADY_EXISTS);
    const msg = await expectCode(d.ControllerPublishVolume({ ...req, nodeId: 'conformal-node-2' }), status.FAILED_PRECONDITION);
    expect(msg).toContain('conformal-node-1');
    await d.ControllerUnpublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1' });
    await d.ControllerUnpublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1' });
    await d.ControllerUnpublishVolume({ volumeId: 'gone', nodeId: 'conformal-node-1' });
    await d.ControllerPublishVolume({ ...req, nodeId: 'conformal-node-2' });
  });

  it('lets MULTI_NODE volumes attach to several nodes and reports them', async () => {
    const d = driver();
    const v = await createVolume(d, 'shared', { volumeCapabilities: [mountCap('MULTI_NODE_MULTI_WRITER')] });
    for (const nodeId of ['conformal-node-1', 'conformal-node-2']) {
      await d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId, volumeCapability: mountCap('MULTI_NODE_MULTI_WRITER') });
    }
    const got = await d.ControllerGetVolume({ volumeId: v.volumeId });
    expect(got.status?.publishedNodeIds).toEqual(['conformal-node-1', 'conformal-node-2']);
    expect(got.status?.volumeCondition).toEqual({ abnormal: false, message: 'volume is healthy' });
    const listed = await d.ListVolumes({});
    expect(listed.entries?.[0]?.status?.publishedNodeIds).toEqual(['conformal-node-1', 'conformal-node-2']);
    await d.ControllerUnpublishVolume({ volumeId: v.volumeId });
    expect((await d.ControllerGetVolume({ volumeId: v.volumeId })).status?.publishedNodeIds).toEqual([]);
  });

  it('enforces the attach limit with RESOURCE_EXHAUSTED and readonly needs PUBLISH_READONLY', async () => {
    const d = driver({ maxVolumesPerNode: 2 });
    for (const name of ['a', 'b', 'c']) {
      const v = await createVolume(d, name);
      const call = d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() });
      if (name === 'c') await expectCode(call, status.RESOURCE_EXHAUSTED);
      else await call;
    }
    const ro = driver({ disabledCapabilities: ['controller.PUBLISH_READONLY'] });
    const v = await createVolume(ro, 'v');
    await expectCode(ro.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap(), readonly: true }), status.INVALID_ARGUMENT);
  });
});

describe('ValidateVolumeCapabilities', () => {
  it('confirms supported capabilities only', async () => {
    const d = driver();
    const v = await createVolume(d, 'v');
    const ok = await d.ValidateVolumeCapabilities({ volumeId: v.volumeId, volumeCapabilities: [mountCap('MULTI_NODE_READER_ONLY')] });
    expect(ok.confirmed?.volumeCapabilities?.[0]?.accessMode).toEqual({ mode: 'MULTI_NODE_READER_ONLY' });
    const no = await d.ValidateVolumeCapabilities({ volumeId: v.volumeId, volumeCapabilities: [blockCap()] });
    expect(no.confirmed).toBeUndefined();
    expect(no.message).toMatch(/block/);
    await expectCode(d.ValidateVolumeCapabilities({ volumeId: 'nope', volumeCapabilities: [mountCap()] }), status.NOT_FOUND);
    await expectCode(d.ValidateVolumeCapabilities({ volumeId: v.volumeId }), status.INVALID_ARGUMENT);
    await expectCode(d.ValidateVolumeCapabilities({ volumeCapabilities: [mountCap()] }), status.INVALID_ARGUMENT);
  });
});

describe('ListVolumes', () => {
  it('pages with max_entries and next_token, and ABORTs a foreign token', async () => {
    const d = driver();
    const ids = [];
    for (let i = 0; i < 5; i += 1) ids.push((await createVolume(d, `v${i}`)).volumeId);
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await d.ListVolumes({ maxEntries: 2, startingToken: token });
      expect(page.entries!.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries!.map((e) => e.volume!.volumeId!));
      token = page.nextToken ?? '';
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(ids.sort());
    await expectCode(d.ListVolumes({ startingToken: 'not-a-token' }), status.ABORTED);
    await expectCode(d.ListVolumes({ maxEntries: -1 }), status.INVALID_ARGUMENT);
  });
});

describe('GetCapacity', () => {
  it('reports per-zone capacity and shrinks as volumes are created', async () => {
    const d = driver({ capacityPerZone: GiB });
    const zoneA = { segments: { [TOPOLOGY_KEY]: 'zone-a' } };
    expect((await d.GetCapacity({ accessibleTopology: zoneA })).availableCapacity).toBe(GiB);
    expect((await d.GetCapacity({})).availableCapacity).toBe(2 * GiB);
    expect((await d.GetCapacity({ accessibleTopology: { segments: { [TOPOLOGY_KEY]: 'mars' } } })).availableCapacity).toBe(0);
    await createVolume(d, 'v', { capacityRange: { requiredBytes: 100 * MiB } });
    expect((await d.GetCapacity({ accessibleTopology: zoneA })).availableCapacity).toBe(GiB - 100 * MiB);
  });
});

describe('ControllerExpandVolume', () => {
  it('grows, is idempotent, never shrinks, and says whether the node must expand', async () => {
    const d = driver();
    const v = await createVolume(d, 'v');
    const grown = await d.ControllerExpandVolume({ volumeId: v.volumeId, capacityRange: { requiredBytes: 20 * MiB } });
    expect(grown).toEqual({ capacityBytes: 20 * MiB, nodeExpansionRequired: true });
    expect((await d.ControllerExpandVolume({ volumeId: v.volumeId, capacityRange: { requiredBytes: 15 * MiB } })).capacityBytes).toBe(20 * MiB);
    await expectCode(d.ControllerExpandVolume({ volumeId: v.volumeId }), status.INVALID_ARGUMENT);
    await expectCode(d.ControllerExpandVolume({ volumeId: 'nope', capacityRange: { requiredBytes: MiB } }), status.NOT_FOUND);
    await expectCode(d.ControllerExpandVolume({ volumeId: v.volumeId, capacityRange: { requiredBytes: 10 * 1024 * GiB } }), status.OUT_OF_RANGE);
    const block = await createVolume(d, 'b', { volumeCapabilities: [blockCap()] });
    expect((await d.ControllerExpandVolume({ volumeId: block.volumeId, capacityRange: { requiredBytes: 20 * MiB } })).nodeExpansionRequired).toBe(false);
  });

  it('refuses to grow a published volume when only OFFLINE expansion is advertised', async () => {
    const d = driver({ volumeExpansion: 'OFFLINE' });
    const v = await createVolume(d, 'v');
    await d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() });
    await expectCode(d.ControllerExpandVolume({ volumeId: v.volumeId, capacityRange: { requiredBytes: 20 * MiB } }), status.FAILED_PRECONDITION);
  });
});

describe('ControllerModifyVolume', () => {
  it('applies known mutable parameters and rejects unknown keys without changing anything', async () => {
    const d = driver();
    const v = await createVolume(d, 'v', { mutableParameters: { iops: '100' } });
    await d.ControllerModifyVolume({ volumeId: v.volumeId, mutableParameters: { iops: '200' } });
    expect(d.state.volumes.get(v.volumeId!)!.mutableParameters).toEqual({ iops: '200' });
    await expectCode(d.ControllerModifyVolume({ volumeId: v.volumeId, mutableParameters: { iops: '300', colour: 'red' } }), status.INVALID_ARGUMENT);
    expect(d.state.volumes.get(v.volumeId!)!.mutableParameters).toEqual({ iops: '200' });
    await expectCode(d.ControllerModifyVolume({ volumeId: v.volumeId }), status.INVALID_ARGUMENT);
    await expectCode(d.ControllerModifyVolume({ mutableParameters: { iops: '1' } }), status.INVALID_ARGUMENT);
    await expectCode(d.ControllerModifyVolume({ volumeId: 'nope', mutableParameters: { iops: '1' } }), status.NOT_FOUND);
    await expectCode(d.CreateVolume({ name: 'w', volumeCapabilities: [mountCap()], mutableParameters: { colour: 'red' } }), status.INVALID_ARGUMENT);
  });
});
