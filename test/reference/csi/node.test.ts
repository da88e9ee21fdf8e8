// Node service rules of the reference driver, in-process, simulated and with real paths.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockCap, createVolume, driver, expectCode, MiB, mountCap, status } from './helpers.js';

const STAGE = '/csi/staging';
const TARGET = '/csi/target';

async function staged(options = {}) {
  const d = driver(options);
  const v = await createVolume(d, 'v');
  await d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap() });
  return { d, v };
}

describe('NodeStageVolume / NodeUnstageVolume', () => {
  it('requires its fields, is idempotent and refuses a second path or another capability', async () => {
    const { d, v } = await staged();
    await d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap() });
    await expectCode(d.NodeStageVolume({ stagingTargetPath: STAGE, volumeCapability: mountCap() }), status.INVALID_ARGUMENT);
    await expectCode(d.NodeStageVolume({ volumeId: v.volumeId, volumeCapability: mountCap() }), status.INVALID_ARGUMENT);
    await expectCode(d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE }), status.INVALID_ARGUMENT);
    await expectCode(d.NodeStageVolume({ volumeId: 'nope', stagingTargetPath: STAGE, volumeCapability: mountCap() }), status.NOT_FOUND);
    await expectCode(d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap('MULTI_NODE_MULTI_WRITER') }), status.ALREADY_EXISTS);
    await expectCode(d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: '/elsewhere', volumeCapability: mountCap() }), status.FAILED_PRECONDITION);
    await expectCode(d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: blockCap() }), status.FAILED_PRECONDITION);
    await d.NodeUnstageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE });
    await d.NodeUnstageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE });
    await expectCode(d.NodeUnstageVolume({ volumeId: v.volumeId }), status.INVALID_ARGUMENT);
    await expectCode(d.NodeUnstageVolume({ volumeId: 'nope', stagingTargetPath: STAGE }), status.NOT_FOUND);
  });

  it('refuses to unstage while a target is still published', async () => {
    const { d, v } = await staged();
    await d.NodePublishVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, targetPath: TARGET, volumeCapability: mountCap() });
    await expectCode(d.NodeUnstageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE }), status.FAILED_PRECONDITION);
  });

  it('is UNIMPLEMENTED without STAGE_UNSTAGE_VOLUME, and publish then needs no staging path', async () => {
    const d = driver({ disabledCapabilities: ['node.STAGE_UNSTAGE_VOLUME'] });
    const v = await createVolume(d, 'v');
    await expectCode(d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap() }), status.UNIMPLEMENTED);
    await d.NodePublishVolume({ volumeId: v.volumeId, targetPath: TARGET, volumeCapability: mountCap() });
  });
});

describe('NodePublishVolume / NodeUnpublishVolume', () => {
  it('follows the second-publish table of the spec', async () => {
    const { d, v } = await staged();
    const req = { volumeId: v.volumeId, stagingTargetPath: STAGE, targetPath: TARGET, volumeCapability: mountCap() };
    await d.NodePublishVolume(req);
    await d.NodePublishVolume(req); // T1=T2, P1=P2: OK
    await expectCode(d.NodePublishVolume({ ...req, readonly: true }), status.ALREADY_EXISTS); // T1=T2, P1!=P2
    await expectCode(d.NodePublishVolume({ ...req, targetPath: '/csi/other' }), status.FAILED_PRECONDITION); // T1!=T2, single node
    await expectCode(d.NodePublishVolume({ ...req, stagingTargetPath: '' }), status.FAILED_PRECONDITION);
    await expectCode(d.NodePublishVolume({ ...req, stagingTargetPath: '/not/staged' }), status.FAILED_PRECONDITION);
    await expectCode(d.NodePublishVolume({ ...req, targetPath: '' }), status.INVALID_ARGUMENT);
    await expectCode(d.NodePublishVolume({ ...req, volumeCapability: undefined }), status.INVALID_ARGUMENT);
    await expectCode(d.NodePublishVolume({ ...req, volumeId: 'nope' }), status.NOT_FOUND);
  });

  it('lets MULTI_NODE and SINGLE_NODE_MULTI_WRITER volumes publish at several targets', async () => {
    for (const mode of ['MULTI_NODE_MULTI_WRITER', 'SINGLE_NODE_MULTI_WRITER'] as const) {
      const d = driver();
      const v = await createVolume(d, 'v', { volumeCapabilities: [mountCap(mode)] });
      await d.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap(mode) });
      for (const target of ['/t/1', '/t/2']) {
        await d.NodePublishVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, targetPath: target, volumeCapability: mountCap(mode) });
      }
    }
    const single = driver();
    const v = await createVolume(single, 'v', { volumeCapabilities: [mountCap('SINGLE_NODE_SINGLE_WRITER')] });
    await single.NodeStageVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap('SINGLE_NODE_SINGLE_WRITER') });
    const req = { volumeId: v.volumeId, stagingTargetPath: STAGE, volumeCapability: mountCap('SINGLE_NODE_SINGLE_WRITER') };
    await single.NodePublishVolume({ ...req, targetPath: '/t/1' });
    await expectCode(single.NodePublishVolume({ ...req, targetPath: '/t/2' }), status.FAILED_PRECONDITION);
  });

  it('unpublishes idempotently', async () => {
    const { d, v } = await staged();
    await d.NodePublishVolume({ volumeId: v.volumeId, stagingTargetPath: STAGE, targetPath: TARGET, volumeCapability: mountCap() });
    await d.NodeUnpublishVolume({ volumeId: v.volumeId, targetPath: TARGET });
    await d.NodeUnpublishVolume({ volumeId: v.volumeId, targetPath: TARGET });
    await expectCode(d.NodeUnpublishVolume({ volumeId: v.volumeId }), status.INVALID_ARGUMENT);
    await expectCode(d.NodeUnpublishVolume({ targetPath: TARGET }), status.INVALID_ARGUMENT);
    await expectCode(d.NodeUnpublishVolume({ volumeId: 'nope', targetPath: TARGET }), status.NOT_FOUND);
  });

  describe('with real paths', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('creates the target (directory for mount, file for block) and removes it on unpublish', async () => {
      dir = mkdtempSync(join(tmpdir(), 'csi-node-'));
      const d = driver({ realPaths: true, disabledCapabilities: ['node.STAGE_UNSTAGE_VOLUME'] });
      const mount = await createVolume(d, 'm');
      const block = await createVolume(d, 'b', { volumeCapabilities: [blockCap()] });
      const mountTarget = join(dir, 'mount-target');
      const blockTarget = join(dir, 'block-target');
      await d.NodePublishVolume({ volumeId: mount.volumeId, targetPath: mountTarget, volumeCapability: mountCap() });
      await d.NodePublishVolume({ volumeId: block.volumeId, targetPath: blockTarget, volumeCapability: blockCap() });
      expect(statSync(mountTarget).isDirectory()).toBe(true);
      expect(statSync(blockTarget).isFile()).toBe(true);
      await d.NodeUnpublishVolume({ volumeId: mount.volumeId, targetPath: mountTarget });
      await d.NodeUnpublishVolume({ volumeId: block.volumeId, targetPath: blockTarget });
      expect(existsSync(mountTarget)).toBe(false);
      expect(existsSync(blockTarget)).toBe(false);
      await expectCode(
        d.NodePublishVolume({ volumeId: mount.volumeId, targetPath: join(dir, 'missing-parent', 't'), volumeCapability: mountCap() }),
        status.FAILED_PRECONDITION,
      );
      mkdirSync(mountTarget); // a target the CO pre-created is accepted
      await d.NodePublishVolume({ volumeId: mount.volumeId, targetPath: mountTarget, volumeCapability: mountCap() });
    });
  });
});

describe('NodeGetVolumeStats / NodeExpandVolume / NodeGetInfo', () => {
  it('reports usage and condition for staged and published paths only', async () => {
    const { d, v } = await staged();
    const stats = await d.NodeGetVolumeStats({ volumeId: v.volumeId, volumePath: STAGE });
    const bytes = stats.usage!.find((u) => u.unit === 'BYTES')!;
    expect(Number(bytes.total)).toBe(10 * MiB);
    expect(Number(bytes.used) + Number(bytes.available)).toBe(Number(bytes.total));
    expect(stats.volumeCondition).toEqual({ abnormal: false, message: 'volume is healthy' });
    await expectCode(d.NodeGetVolumeStats({ volumeId: v.volumeId, volumePath: '/unknown' }), status.NOT_FOUND);
    await expectCode(d.NodeGetVolumeStats({ volumeId: 'nope', volumePath: STAGE }), status.NOT_FOUND);
    await expectCode(d.NodeGetVolumeStats({ volumeId: v.volumeId }), status.INVALID_ARGUMENT);
  });

  it('expands on the node up to the controller size', async () => {
    const { d, v } = await staged();
    await d.ControllerExpandVolume({ volumeId: v.volumeId, capacityRange: { requiredBytes: 20 * MiB } });
    expect(Number((await d.NodeGetVolumeStats({ volumeId: v.volumeId, volumePath: STAGE })).usage![0]!.total)).toBe(10 * MiB);
    expect(await d.NodeExpandVolume({ volumeId: v.volumeId, volumePath: STAGE, capacityRange: { requiredBytes: 20 * MiB } })).toEqual({ capacityBytes: 20 * MiB });
    expect(Number((await d.NodeGetVolumeStats({ volumeId: v.volumeId, volumePath: STAGE })).usage![0]!.total)).toBe(20 * MiB);
    await expectCode(d.NodeExpandVolume({ volumeId: v.volumeId, volumePath: STAGE, capacityRange: { requiredBytes: 40 * MiB } }), status.OUT_OF_RANGE);
    await expectCode(d.NodeExpandVolume({ volumeId: v.volumeId, volumePath: '/unknown' }), status.NOT_FOUND);
    await expectCode(d.NodeExpandVolume({ volumeId: v.volumeId }), status.INVALID_ARGUMENT);
  });

  it('reports node id, attach limit and topology', async () => {
    const d = driver({ nodeId: 'n1', maxVolumesPerNode: 7 });
    expect(await d.NodeGetInfo({})).toEqual({ nodeId: 'n1', maxVolumesPerNode: 7, accessibleTopology: { segments: { 'topology.conformal.dev/zone': 'zone-a' } } });
    const flat = driver({ disabledCapabilities: ['plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS'] });
    expect((await flat.NodeGetInfo({})).accessibleTopology).toBeUndefined();
    expect((await createVolume(flat, 'v')).accessibleTopology).toEqual([]);
  });
});
