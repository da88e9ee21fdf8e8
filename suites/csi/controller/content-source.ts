// Controller: CreateVolume from a snapshot or from another volume (clone).
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, SNAPSHOTS, spec } from '../define.js';

const RPC = 'CreateVolume';
const CLONE = [...CREATE_DELETE, 'controller.CLONE_VOLUME'] as const;

export const contentSourceTests = [
  csiTest({
    id: 'csi.controller.create-volume.from-snapshot',
    title: 'CreateVolume restores a volume from a snapshot',
    spec: spec(RPC, 'volume_content_source.snapshot pre-populates the volume; content_source names that snapshot'),
    profile: 'extended',
    requires: SNAPSHOTS,
    tags: ['Feature:Snapshots'],
    operations: [RPC, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const { snapshot } = await k.volumeWithSnapshot();
      const volume = await k.createVolume({ volumeContentSource: { snapshot: { snapshotId: snapshot.snapshotId } } });
      k.assert(volume.capacityBytes === 0 || volume.capacityBytes >= snapshot.sizeBytes, `CreateVolume from snapshot: capacity ${volume.capacityBytes} smaller than the snapshot (${snapshot.sizeBytes})`);
      k.assert(volume.contentSource?.snapshot?.snapshotId === snapshot.snapshotId,
        `CreateVolume from snapshot: content_source is ${JSON.stringify(volume.contentSource)}, expected snapshot ${snapshot.snapshotId}`);
    },
  }),
  errorCase({
    id: 'csi.controller.create-volume.from-missing-snapshot',
    profile: 'extended',
    title: 'CreateVolume from a snapshot that does not exist reports the source not found',
    rpc: RPC, what: 'from an unknown snapshot', rule: 'Source does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: SNAPSHOTS, tags: ['Feature:Snapshots'],
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ volumeContentSource: { snapshot: { snapshotId: MISSING_ID } } })),
  }),
  csiTest({
    id: 'csi.controller.create-volume.clone',
    title: 'CreateVolume clones an existing volume',
    spec: spec(RPC, 'volume_content_source.volume pre-populates the volume; content_source names the source volume'),
    profile: 'extended',
    requires: CLONE,
    tags: ['Feature:Clone'],
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const source = await k.createVolume();
      const clone = await k.createVolume({ volumeContentSource: { volume: { volumeId: source.volumeId } } });
      k.assert(clone.volumeId !== source.volumeId, 'CreateVolume clone: got the source volume id back');
      k.assert(clone.contentSource?.volume?.volumeId === source.volumeId,
        `CreateVolume clone: content_source is ${JSON.stringify(clone.contentSource)}, expected volume ${source.volumeId}`);
    },
  }),
  errorCase({
    id: 'csi.controller.create-volume.clone-missing-source',
    profile: 'extended',
    title: 'CreateVolume cloning a volume that does not exist reports the source not found',
    rpc: RPC, what: 'cloning an unknown volume', rule: 'Source does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: CLONE, tags: ['Feature:Clone'],
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ volumeContentSource: { volume: { volumeId: MISSING_ID } } })),
  }),
  errorCase({
    id: 'csi.controller.create-volume.clone-smaller',
    profile: 'extended',
    title: 'CreateVolume cloning into a volume smaller than its source is refused as out of range',
    rpc: RPC, what: 'cloning into a smaller limit_bytes', rule: 'Unsupported capacity_range, e.g. smaller than the source: OUT_OF_RANGE', code: 'OUT_OF_RANGE', requires: CLONE, tags: ['Feature:Clone'],
    setup: (k) => k.createVolume({ capacityRange: { requiredBytes: k.options.expandSize } }),
    call: (k, source) => k.controller.CreateVolume(k.volumeRequest({
      capacityRange: { requiredBytes: Math.floor(source.capacityBytes / 2), limitBytes: Math.floor(source.capacityBytes / 2) },
      volumeContentSource: { volume: { volumeId: source.volumeId } },
    })),
  }),
  errorCase({
    id: 'csi.controller.create-volume.from-snapshot-incompatible-recreate',
    profile: 'extended',
    title: 'CreateVolume reusing a name with another content source reports that the volume already exists',
    rpc: RPC, what: 'with an existing name and another snapshot source', rule: 'existing volume incompatible with volume_content_source: ALREADY_EXISTS', code: 'ALREADY_EXISTS',
    requires: SNAPSHOTS, tags: ['Feature:Snapshots'], uses: ['CreateSnapshot'],
    setup: async (k) => {
      const { volume, snapshot } = await k.volumeWithSnapshot();
      const other = await k.createSnapshot(volume.volumeId);
      const request = k.volumeRequest({ volumeContentSource: { snapshot: { snapshotId: snapshot.snapshotId } } });
      await k.createVolume(request);
      return { request, other: other.snapshotId };
    },
    call: (k, { request, other }) => k.controller.CreateVolume({ ...request, volumeContentSource: { snapshot: { snapshotId: other } } }),
  }),
  errorCase({
    id: 'csi.controller.create-volume.from-snapshot-smaller',
    profile: 'extended',
    title: 'CreateVolume restoring a snapshot into a smaller volume is refused as out of range',
    rpc: RPC, what: 'from a snapshot into a smaller limit_bytes', rule: 'Unsupported capacity_range, e.g. smaller than the source snapshot: OUT_OF_RANGE', code: 'OUT_OF_RANGE',
    requires: SNAPSHOTS, tags: ['Feature:Snapshots'], uses: ['CreateSnapshot'],
    setup: async (k) => {
      const volume = await k.createVolume({ capacityRange: { requiredBytes: k.options.expandSize } });
      return k.createSnapshot(volume.volumeId);
    },
    call: (k, snapshot) => {
      const half = Math.floor(Math.max(snapshot.sizeBytes, k.options.expandSize) / 2);
      return k.controller.CreateVolume(k.volumeRequest({ capacityRange: { requiredBytes: half, limitBytes: half }, volumeContentSource: { snapshot: { snapshotId: snapshot.snapshotId } } }));
    },
  }),
];
