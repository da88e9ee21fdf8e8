// Controller: DeleteVolume.
import { CsiRpcError } from '../../../src/interfaces/csi/kit.js';
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, SNAPSHOTS, spec } from '../define.js';

const RPC = 'DeleteVolume';

export const deleteVolumeTests = [
  csiTest({
    id: 'csi.controller.delete-volume.keeps-snapshots',
    title: 'DeleteVolume of a volume with a snapshot leaves the snapshot usable, or refuses and leaves the volume',
    spec: spec(RPC, 'deleting a volume MUST NOT affect its snapshots, or else MUST NOT alter the volume and fail with FAILED_PRECONDITION'),
    profile: 'extended',
    requires: SNAPSHOTS,
    tags: ['Feature:Snapshots'],
    operations: [RPC, 'CreateSnapshot', 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const { volume, snapshot } = await k.volumeWithSnapshot();
      try {
        await k.controller.DeleteVolume({ volumeId: volume.volumeId });
      } catch (error) {
        // The other allowed answer: the plugin cannot delete a volume apart from its snapshots.
        if (error instanceof CsiRpcError && error.grpcCode === 'FAILED_PRECONDITION') return;
        throw error;
      }
      // Deleted without touching its snapshots: the snapshot must still restore (createVolume fails the test otherwise).
      await k.createVolume({ volumeContentSource: { snapshot: { snapshotId: snapshot.snapshotId } } });
    },
  }),
  csiTest({
    id: 'csi.controller.delete-volume.basic',
    title: 'DeleteVolume removes a volume',
    spec: spec(RPC, 'the volume is deleted and no longer listed'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC, 'CreateVolume', 'ListVolumes', 'ControllerGetVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.DeleteVolume({ volumeId: volume.volumeId });
      if (k.has('controller.GET_VOLUME')) {
        await k.expectGrpcError(k.controller.ControllerGetVolume({ volumeId: volume.volumeId }), 'NOT_FOUND', 'ControllerGetVolume after DeleteVolume');
      } else if (k.has('controller.LIST_VOLUMES')) {
        const ids = (await k.listAllVolumes()).map((e) => e.volume?.volumeId);
        k.assert(!ids.includes(volume.volumeId), `ListVolumes: deleted volume ${volume.volumeId} is still listed`);
      }
    },
  }),
  errorCase({
    id: 'csi.controller.delete-volume.missing-id',
    title: 'DeleteVolume without a volume id is rejected as invalid',
    rpc: RPC, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE,
    call: (k) => k.controller.DeleteVolume({ volumeId: '' }),
  }),
  csiTest({
    id: 'csi.controller.delete-volume.unknown-id',
    title: 'DeleteVolume of a volume that does not exist succeeds',
    spec: spec(RPC, 'if the volume does not exist or is already deleted the plugin MUST reply OK'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      await k.controller.DeleteVolume({ volumeId: MISSING_ID });
    },
  }),
  csiTest({
    id: 'csi.controller.delete-volume.idempotent',
    title: 'Repeating DeleteVolume of the same volume keeps succeeding',
    spec: spec(RPC, 'idempotent: deleting an already deleted volume replies OK'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.repeat(() => k.controller.DeleteVolume({ volumeId: volume.volumeId }));
    },
  }),
  csiTest({
    id: 'csi.controller.delete-volume.name-reusable',
    title: 'After DeleteVolume the same name provisions a volume again',
    spec: spec(RPC, 'a deleted volume no longer holds its name'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const request = k.volumeRequest();
      const first = await k.createVolume(request);
      await k.controller.DeleteVolume({ volumeId: first.volumeId });
      await k.createVolume(request);
    },
  }),
];
