// Every fault-injected variant must break its rule: a scenario that holds on the reference
// driver fails on the variant (and only the named fault is needed to break it).
import { describe, expect, it } from 'vitest';
import { CSI_FAULTS, CSI_FAULT_NAMES } from '../../../src/reference/csi/faults.js';
import { TOPOLOGY_KEY } from '../../../src/reference/csi/options.js';
import type { CsiDriver } from '../../../src/reference/csi/driver.js';
import { blockCap, createVolume, driver, expectCode, MiB, mountCap, status } from './helpers.js';

const STAGE = '/csi/stage';
const zone = (z: string) => ({ segments: { [TOPOLOGY_KEY]: z } });

async function publishedVolume(d: CsiDriver, mode: Parameters<typeof mountCap>[0] = 'SINGLE_NODE_WRITER') {
  const v = await createVolume(d, 'v', { volumeCapabilities: [mountCap(mode)] });
  await d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap(mode) });
  await d.NodePublishVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, targetPath: '/csi/t', volumeCapability: mountCap(mode) });
  return v;
}

/** A 256 MiB volume with two snapshots: enough changed ranges for the metadata RPCs. */
async function twoSnapshots(d: CsiDriver) {
  const v = await createVolume(d, 'v', { capacityRange: { requiredBytes: 256 * MiB } });
  const base = (await d.CreateSnapshot({ name: 'base', sourceVolumeId: v.volumeId })).snapshot!.snapshotId!;
  const target = (await d.CreateSnapshot({ name: 'target', sourceVolumeId: v.volumeId })).snapshot!.snapshotId!;
  return { base, target };
}

/** fault name -> a check of the rule that the reference passes and the variant fails. */
const SCENARIOS: Record<string, (d: CsiDriver) => Promise<void>> = {
  'create-volume-not-idempotent': async (d) => {
    expect((await createVolume(d, 'v')).volumeId).toBe((await createVolume(d, 'v')).volumeId);
  },
  'no-already-exists-on-incompatible-recreate': async (d) => {
    await createVolume(d, 'v');
    await expectCode(d.CreateVolume({ name: 'v', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 50 * MiB } }), status.ALREADY_EXISTS);
  },
  'capacity-ignored': async (d) => {
    expect(Number((await createVolume(d, 'v', { capacityRange: { requiredBytes: 40 * MiB } })).capacityBytes)).toBeGreaterThanOrEqual(40 * MiB);
  },
  'snapshot-source-ignored': async (d) => {
    const v = await createVolume(d, 'src');
    const s = (await d.CreateSnapshot({ name: 's', sourceVolumeId: v.volumeId })).snapshot!;
    const restored = await createVolume(d, 'r', { volumeContentSource: { snapshot: { snapshotId: s.snapshotId } } });
    expect(restored.contentSource?.snapshot?.snapshotId).toBe(s.snapshotId);
  },
  'create-volume-ignores-requisite-topology': async (d) => {
    expect((await createVolume(d, 'v', { accessibilityRequirements: { requisite: [zone('zone-b')] } })).accessibleTopology).toEqual([zone('zone-b')]);
  },
  'delete-volume-unknown-id-error': async (d) => {
    await d.DeleteVolume({ volumeId: 'does-not-exist' });
  },
  'wrong-code-missing-volume-id': async (d) => {
    await expectCode(d.DeleteVolume({}), status.INVALID_ARGUMENT);
    await expectCode(d.NodeUnpublishVolume({ targetPath: '/x' }), status.INVALID_ARGUMENT);
  },
  'list-volumes-ignores-max-entries': async (d) => {
    for (const n of ['a', 'b', 'c']) await createVolume(d, n);
    const page = await d.ListVolumes({ maxEntries: 1 });
    expect(page.entries).toHaveLength(1);
    expect(page.nextToken).not.toBe('');
  },
  'bad-starting-token-accepted': async (d) => {
    await expectCode(d.ListVolumes({ startingToken: 'forged' }), status.ABORTED);
    await expectCode(d.ListSnapshots({ startingToken: 'forged' }), status.ABORTED);
  },
  'publish-without-node-id-accepted': async (d) => {
    const v = await createVolume(d, 'v');
    await expectCode(d.ControllerPublishVolume({ volumeId: v.volumeId, volumeCapability: mountCap() }), status.INVALID_ARGUMENT);
  },
  'single-node-volume-published-twice': async (d) => {
    const v = await createVolume(d, 'v');
    await d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() });
    await expectCode(d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-2', volumeCapability: mountCap() }), status.FAILED_PRECONDITION);
  },
  'attach-limit-ignored': async (d) => {
    for (let i = 0; i < d.options.maxVolumesPerNode; i += 1) {
      const v = await createVolume(d, `v${i}`);
      await d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() });
    }
    const extra = await createVolume(d, 'extra');
    await expectCode(d.ControllerPublishVolume({ volumeId: extra.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() }), status.RESOURCE_EXHAUSTED);
  },
  'controller-publish-not-idempotent': async (d) => {
    const v = await createVolume(d, 'v');
    const req = { volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() };
    expect(await d.ControllerPublishVolume(req)).toEqual(await d.ControllerPublishVolume(req));
  },
  'controller-unpublish-not-idempotent': async (d) => {
    const v = await createVolume(d, 'v');
    await d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() });
    await d.ControllerUnpublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1' });
    await d.ControllerUnpublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1' });
  },
  'list-volumes-pagination-skips': async (d) => {
    const ids: string[] = [];
    for (const n of ['a', 'b', 'c', 'd', 'e']) ids.push((await createVolume(d, n)).volumeId!);
    const seen: string[] = [];
    let token = '';
    do {
      const page = await d.ListVolumes({ maxEntries: 2, startingToken: token });
      seen.push(...page.entries!.map((e) => e.volume!.volumeId!));
      token = page.nextToken ?? '';
    } while (token);
    expect(seen.sort()).toEqual(ids.sort());
  },
  'delete-volume-keeps-volume': async (d) => {
    const v = await createVolume(d, 'v');
    await d.DeleteVolume({ volumeId: v.volumeId });
    expect((await d.ListVolumes({})).entries).toHaveLength(0);
  },
  'node-stage-not-idempotent': async (d) => {
    const v = await createVolume(d, 'v');
    const req = { volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap() };
    await d.NodeStageVolume(req);
    await d.NodeStageVolume(req);
  },
  'node-unstage-not-idempotent': async (d) => {
    const v = await createVolume(d, 'v');
    await d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap() });
    await d.NodeUnstageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE });
    await d.NodeUnstageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE });
  },
  'node-publish-not-idempotent': async (d) => {
    const v = await publishedVolume(d);
    await d.NodePublishVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, targetPath: '/csi/t', volumeCapability: mountCap() });
  },
  'validate-confirms-unsupported-mode': async (d) => {
    const v = await createVolume(d, 'v');
    expect((await d.ValidateVolumeCapabilities({ volumeId: v.volumeId, volumeCapabilities: [blockCap()] })).confirmed).toBeUndefined();
  },
  'expand-shrinks-or-ignores': async (d) => {
    const v = await createVolume(d, 'v');
    expect(Number((await d.ControllerExpandVolume({ volumeId: v.volumeId, capacityRange: { requiredBytes: 30 * MiB } })).capacityBytes)).toBeGreaterThanOrEqual(30 * MiB);
  },
  'modify-accepts-unknown-key': async (d) => {
    const v = await createVolume(d, 'v');
    await expectCode(d.ControllerModifyVolume({ volumeId: v.volumeId, mutableParameters: { 'no-such-key': '1' } }), status.INVALID_ARGUMENT);
  },
  'controller-get-volume-no-published-nodes': async (d) => {
    const v = await createVolume(d, 'v');
    await d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() });
    expect((await d.ControllerGetVolume({ volumeId: v.volumeId })).status?.publishedNodeIds).toEqual(['conformal-node-1']);
  },
  'get-capacity-ignores-topology': async (d) => {
    const all = Number((await d.GetCapacity({})).availableCapacity);
    expect(Number((await d.GetCapacity({ accessibleTopology: zone('zone-a') })).availableCapacity)).toBeLessThan(all);
  },
  'delete-snapshot-unknown-id-error': async (d) => {
    await d.DeleteSnapshot({ snapshotId: 'does-not-exist' });
  },
  'list-snapshots-ignores-source-filter': async (d) => {
    const a = await createVolume(d, 'a');
    const b = await createVolume(d, 'b');
    await d.CreateSnapshot({ name: 'sa', sourceVolumeId: a.volumeId });
    await d.CreateSnapshot({ name: 'sb', sourceVolumeId: b.volumeId });
    expect((await d.ListSnapshots({ sourceVolumeId: a.volumeId })).entries).toHaveLength(1);
  },
  'group-snapshot-not-idempotent': async (d) => {
    const v = await createVolume(d, 'v');
    const first = await d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: [v.volumeId!] });
    expect((await d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: [v.volumeId!] })).groupSnapshot?.groupSnapshotId).toBe(first.groupSnapshot?.groupSnapshotId);
  },
  'metadata-stream-ignores-offset': async (d) => {
    const v = await createVolume(d, 'v', { capacityRange: { requiredBytes: 256 * MiB } });
    const s = (await d.CreateSnapshot({ name: 's', sourceVolumeId: v.volumeId })).snapshot!;
    const offset = 128 * MiB;
    const messages = await d.GetMetadataAllocated({ snapshotId: s.snapshotId, startingOffset: offset });
    const first = messages[0]!.blockMetadata![0]!;
    expect(Number(first.byteOffset) + Number(first.sizeBytes)).toBeGreaterThan(offset);
  },
  'stage-ignores-missing-capability': async (d) => {
    const v = await createVolume(d, 'v');
    await expectCode(d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE }), status.INVALID_ARGUMENT);
  },
  'block-volume-published-as-mount': async (d) => {
    const v = await createVolume(d, 'b', { volumeCapabilities: [blockCap()] });
    await d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: blockCap() });
    await expectCode(d.NodePublishVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, targetPath: '/t', volumeCapability: mountCap() }), status.FAILED_PRECONDITION);
  },
  'node-unpublish-not-idempotent': async (d) => {
    const v = await publishedVolume(d);
    await d.NodeUnpublishVolume({ volumeId: v.volumeId, targetPath: '/csi/t' });
    await d.NodeUnpublishVolume({ volumeId: v.volumeId, targetPath: '/csi/t' });
  },
  'volume-stats-negative': async (d) => {
    const v = await publishedVolume(d);
    for (const u of (await d.NodeGetVolumeStats({ volumeId: v.volumeId, volumePath: '/csi/t' })).usage!) {
      expect(Number(u.available)).toBeGreaterThanOrEqual(0);
      expect(Number(u.used) + Number(u.available)).toBeLessThanOrEqual(Number(u.total));
    }
  },
  'node-get-info-missing-topology': async (d) => {
    expect((await d.NodeGetInfo({})).accessibleTopology).toEqual(zone('zone-a'));
  },
  'get-plugin-info-empty-name': async (d) => {
    expect((await d.GetPluginInfo({})).name).not.toBe('');
  },
  'expansion-without-rpc': async (d) => {
    expect((await d.ControllerGetCapabilities({})).capabilities!.map((c) => c.rpc?.type)).toContain('EXPAND_VOLUME');
  },
  'error-without-message': async (d) => {
    expect(await expectCode(d.NodeUnpublishVolume({ targetPath: '/x' }), status.INVALID_ARGUMENT)).not.toBe('');
  },
  'error-with-details': async (d) => {
    const error = await d.NodeUnpublishVolume({ targetPath: '/x' }).then(() => undefined, (e: unknown) => e);
    expect((error as { trailers?: object }).trailers).toEqual({});
  },
  'node-unstage-unknown-volume-ok': async (d) => {
    await expectCode(d.NodeUnstageVolume({ volumeId: 'does-not-exist', stagingTargetPath: STAGE }), status.NOT_FOUND);
  },
  'member-snapshot-delete-ok': async (d) => {
    const v = await createVolume(d, 'v');
    const { groupSnapshot } = await d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: [v.volumeId!] });
    await expectCode(d.DeleteSnapshot({ snapshotId: groupSnapshot!.snapshots![0]!.snapshotId }), status.INVALID_ARGUMENT);
  },
  'delta-offset-out-of-range-accepted': async (d) => {
    const { base, target } = await twoSnapshots(d);
    await expectCode(d.GetMetadataDelta({ baseSnapshotId: base, targetSnapshotId: target, startingOffset: 1024 * MiB * 1024 }), status.OUT_OF_RANGE);
  },
  'delta-ignores-max-results': async (d) => {
    const { base, target } = await twoSnapshots(d);
    for (const m of await d.GetMetadataDelta({ baseSnapshotId: base, targetSnapshotId: target, maxResults: 1 })) expect(m.blockMetadata!.length).toBeLessThanOrEqual(1);
  },
  'metadata-without-capacity': async (d) => {
    const { base, target } = await twoSnapshots(d);
    for (const m of await d.GetMetadataAllocated({ snapshotId: target })) expect(Number(m.volumeCapacityBytes)).toBeGreaterThan(0);
    for (const m of await d.GetMetadataDelta({ baseSnapshotId: base, targetSnapshotId: target })) expect(Number(m.volumeCapacityBytes)).toBeGreaterThan(0);
  },
  'group-snapshot-without-creation-time': async (d) => {
    const v = await createVolume(d, 'v');
    expect((await d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: [v.volumeId!] })).groupSnapshot?.creationTime).toBeTruthy();
  },
  'group-ready-before-members': async (d) => {
    const v = await createVolume(d, 'v');
    const group = (await d.CreateVolumeGroupSnapshot({ name: 'g', sourceVolumeIds: [v.volumeId!] })).groupSnapshot!;
    expect(!group.readyToUse || group.snapshots!.every((s) => s.readyToUse)).toBe(true);
  },
  'published-nodes-without-publish': async (d) => {
    expect((await d.ControllerGetCapabilities({})).capabilities!.map((c) => c.rpc?.type)).toContain('PUBLISH_UNPUBLISH_VOLUME');
  },
  'stage-ignores-access-type': async (d) => {
    const v = await createVolume(d, 'b', { volumeCapabilities: [blockCap()] });
    await expectCode(d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap() }), status.FAILED_PRECONDITION);
  },
  'delete-volume-drops-snapshots': async (d) => {
    const v = await createVolume(d, 'v');
    const s = (await d.CreateSnapshot({ name: 's', sourceVolumeId: v.volumeId })).snapshot!;
    await d.DeleteVolume({ volumeId: v.volumeId });
    await createVolume(d, 'r', { volumeContentSource: { snapshot: { snapshotId: s.snapshotId } } });
  },
  'topology-bad-key': async (d) => {
    const keys = (await createVolume(d, 'v')).accessibleTopology!.flatMap((t) => Object.keys(t.segments ?? {}));
    expect(keys.filter((k) => !/[a-zA-Z0-9]$/.test(k))).toEqual([]);
  },
  'get-volume-other-context': async (d) => {
    const v = await createVolume(d, 'v');
    expect((await d.ControllerGetVolume({ volumeId: v.volumeId })).volume?.volumeContext).toEqual(v.volumeContext);
  },
  'short-paths-only': async (d) => {
    const v = await createVolume(d, 'v');
    await d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: `/csi/${'p'.repeat(130)}`, volumeCapability: mountCap() });
  },
  'volume-topology-without-capability': async (d) => {
    const v = await createVolume(d, 'v');
    const services = (await d.GetPluginCapabilities({})).capabilities!.map((c) => c.service?.type);
    expect(v.accessibleTopology!.length === 0 || services.includes('VOLUME_ACCESSIBILITY_CONSTRAINTS')).toBe(true);
  },
  'controller-publish-ignores-access-type': async (d) => {
    const v = await createVolume(d, 'b', { volumeCapabilities: [blockCap()] });
    await expectCode(d.ControllerPublishVolume({ volumeId: v.volumeId, nodeId: 'conformal-node-1', volumeCapability: mountCap() }), status.INVALID_ARGUMENT);
  },
  'validate-answers-once': async (d) => {
    const v = await createVolume(d, 'v');
    for (let i = 0; i < 2; i++) expect((await d.ValidateVolumeCapabilities({ volumeId: v.volumeId, volumeCapabilities: [mountCap()] })).confirmed).toBeTruthy();
  },
  'probe-error': async (d) => {
    await d.Probe({});
  },
};

describe('CSI_FAULTS', () => {
  it('lists at least 18 faults, each with a description, a rule and the RPCs it changes', () => {
    expect(CSI_FAULT_NAMES.length).toBeGreaterThanOrEqual(18);
    for (const [name, info] of Object.entries(CSI_FAULTS)) {
      expect(name).toMatch(/^[a-z0-9-]+$/);
      expect(info.description.length, name).toBeGreaterThan(10);
      expect(info.rule, name).toMatch(/^[A-Za-z ]+.*: /);
      expect(info.rpcs.length, name).toBeGreaterThan(0);
    }
  });

  it('has a scenario for every fault', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...CSI_FAULT_NAMES].sort());
  });

  for (const name of CSI_FAULT_NAMES) {
    it(`${name}: the rule holds on the reference and breaks on the variant`, async () => {
      await SCENARIOS[name]!(driver());
      await expect(SCENARIOS[name]!(driver({ fault: name }))).rejects.toThrow();
    });
  }
});

describe('faults break only their own rule', () => {
  it('capacity-ignored stays idempotent and still refuses an incompatible size', async () => {
    const d = driver({ fault: 'capacity-ignored' });
    const first = await createVolume(d, 'v', { capacityRange: { requiredBytes: 40 * MiB } });
    expect(Number(first.capacityBytes)).toBe(20 * MiB);
    expect(await createVolume(d, 'v', { capacityRange: { requiredBytes: 40 * MiB } })).toEqual(first);
    await expectCode(d.CreateVolume({ name: 'v', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 80 * MiB } }), status.ALREADY_EXISTS);
    await expectCode(d.CreateVolume({ name: 'w', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 10, limitBytes: 5 } }), status.INVALID_ARGUMENT);
  });

  it('list-volumes-ignores-max-entries still rejects a negative max_entries', async () => {
    await expectCode(driver({ fault: 'list-volumes-ignores-max-entries' }).ListVolumes({ maxEntries: -1 }), status.INVALID_ARGUMENT);
  });

  it('metadata-stream-ignores-offset still rejects offsets outside the volume', async () => {
    const d = driver({ fault: 'metadata-stream-ignores-offset' });
    const v = await createVolume(d, 'v');
    const s = (await d.CreateSnapshot({ name: 's', sourceVolumeId: v.volumeId })).snapshot!;
    await expectCode(d.GetMetadataAllocated({ snapshotId: s.snapshotId, startingOffset: -1 }), status.OUT_OF_RANGE);
    await expectCode(d.GetMetadataAllocated({ snapshotId: s.snapshotId, startingOffset: 11 * MiB }), status.OUT_OF_RANGE);
  });
});

describe('docs/csi/faults.md', () => {
  it('lists every fault', async () => {
    const { readFileSync } = await import('node:fs');
    const { packagePath } = await import('../../../src/core/paths.js');
    const doc = readFileSync(packagePath('docs/csi/faults.md'), 'utf8');
    for (const name of CSI_FAULT_NAMES) expect(doc, name).toContain(`| \`${name}\` |`);
  });
});
