// Identity answers, option validation, capability switches and required secrets.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { ALL_CAPABILITY_KEYS, resolveOptions } from '../../../src/reference/csi/options.js';
import { createVolume, driver, expectCode, mountCap, status } from './helpers.js';

describe('identity', () => {
  it('reports name, version, capabilities and readiness', async () => {
    const d = driver({ driverName: 'x.example.com', driverVersion: '9.9' });
    expect(await d.GetPluginInfo({})).toMatchObject({ name: 'x.example.com', vendorVersion: '9.9' });
    const caps = (await d.GetPluginCapabilities({})).capabilities!;
    expect(caps).toContainEqual({ volumeExpansion: { type: 'ONLINE' } });
    expect(caps.filter((c) => c.service)).toHaveLength(4);
    expect(await d.Probe({})).toEqual({ ready: { value: true } });
    const none = driver({ volumeExpansion: 'NONE' });
    expect((await none.GetPluginCapabilities({})).capabilities!.some((c) => c.volumeExpansion)).toBe(false);
  });
});

describe('options', () => {
  it('names an unknown capability key, fault or bad number in a UsageError', () => {
    expect(() => resolveOptions({ disabledCapabilities: ['controller.NOPE'] })).toThrow(UsageError);
    expect(() => resolveOptions({ maxVolumesPerNode: -1 })).toThrow(/maxVolumesPerNode/);
    expect(() => driver({ fault: 'no-such-fault' })).toThrow(/unknown CSI fault "no-such-fault"/);
    expect(ALL_CAPABILITY_KEYS).toHaveLength(4 + 15 + 6 + 1);
  });

  it('switches every capability off individually: advertised sets shrink and gated RPCs are UNIMPLEMENTED', async () => {
    for (const key of ALL_CAPABILITY_KEYS) {
      const d = driver({ disabledCapabilities: [key] });
      const [service, name] = key.split('.') as [string, string];
      const advertised =
        service === 'plugin'
          ? (await d.GetPluginCapabilities({})).capabilities!.map((c) => c.service?.type)
          : service === 'controller' && key !== 'plugin.CONTROLLER_SERVICE'
            ? (await d.ControllerGetCapabilities({})).capabilities!.map((c) => c.rpc?.type)
            : service === 'node'
              ? (await d.NodeGetCapabilities({})).capabilities!.map((c) => c.rpc?.type)
              : (await d.GroupControllerGetCapabilities({})).capabilities!.map((c) => c.rpc?.type);
      expect(advertised, key).not.toContain(name);
    }
    const gated: Array<[string, (d: ReturnType<typeof driver>) => Promise<unknown>]> = [
      ['controller.CREATE_DELETE_VOLUME', (d) => d.CreateVolume({ name: 'v', volumeCapabilities: [mountCap()] })],
      ['controller.PUBLISH_UNPUBLISH_VOLUME', (d) => d.ControllerUnpublishVolume({ volumeId: 'v' })],
      ['controller.LIST_VOLUMES', (d) => d.ListVolumes({})],
      ['controller.GET_CAPACITY', (d) => d.GetCapacity({})],
      ['controller.CREATE_DELETE_SNAPSHOT', (d) => d.DeleteSnapshot({ snapshotId: 's' })],
      ['controller.LIST_SNAPSHOTS', (d) => d.ListSnapshots({})],
      ['controller.GET_SNAPSHOT', (d) => d.GetSnapshot({ snapshotId: 's' })],
      ['controller.EXPAND_VOLUME', (d) => d.ControllerExpandVolume({ volumeId: 'v' })],
      ['controller.GET_VOLUME', (d) => d.ControllerGetVolume({ volumeId: 'v' })],
      ['controller.MODIFY_VOLUME', (d) => d.ControllerModifyVolume({ volumeId: 'v' })],
      ['node.EXPAND_VOLUME', (d) => d.NodeExpandVolume({ volumeId: 'v' })],
      ['plugin.CONTROLLER_SERVICE', (d) => d.ControllerGetCapabilities({})],
      ['plugin.GROUP_CONTROLLER_SERVICE', (d) => d.GroupControllerGetCapabilities({})],
      ['plugin.SNAPSHOT_METADATA_SERVICE', (d) => d.GetMetadataAllocated({ snapshotId: 's' })],
    ];
    for (const [key, call] of gated) await expectCode(call(driver({ disabledCapabilities: [key] })), status.UNIMPLEMENTED);
    await expectCode(driver({ disabledCapabilities: ['node.GET_VOLUME_STATS', 'node.VOLUME_CONDITION'] }).NodeGetVolumeStats({ volumeId: 'v' }), status.UNIMPLEMENTED);
  });

  it('drops published node ids and conditions from listings when those capabilities are off', async () => {
    const d = driver({ disabledCapabilities: ['controller.LIST_VOLUMES_PUBLISHED_NODES', 'controller.VOLUME_CONDITION'] });
    await createVolume(d, 'v');
    expect((await d.ListVolumes({})).entries![0]!.status).toBeUndefined();
  });

  it('refuses the alpha single-node modes when SINGLE_NODE_MULTI_WRITER is advertised nowhere', async () => {
    const d = driver({ disabledCapabilities: ['controller.SINGLE_NODE_MULTI_WRITER', 'node.SINGLE_NODE_MULTI_WRITER'] });
    await expectCode(d.CreateVolume({ name: 'v', volumeCapabilities: [mountCap('SINGLE_NODE_MULTI_WRITER')] }), status.INVALID_ARGUMENT);
  });
});

describe('required secrets', () => {
  it('rejects calls without the configured secrets with UNAUTHENTICATED', async () => {
    const secrets = { token: 's3cret' };
    const d = driver({ requiredSecrets: secrets });
    await expectCode(d.CreateVolume({ name: 'v', volumeCapabilities: [mountCap()] }), status.UNAUTHENTICATED);
    await expectCode(d.CreateVolume({ name: 'v', volumeCapabilities: [mountCap()], secrets: { token: 'wrong' } }), status.UNAUTHENTICATED);
    const v = await createVolume(d, 'v', { secrets });
    await expectCode(d.DeleteVolume({ volumeId: v.volumeId }), status.UNAUTHENTICATED);
    await expectCode(d.CreateSnapshot({ name: 's', sourceVolumeId: v.volumeId }), status.UNAUTHENTICATED);
    await d.DeleteVolume({ volumeId: v.volumeId, secrets });
  });
});
