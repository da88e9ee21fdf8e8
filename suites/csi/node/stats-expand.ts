// Node: NodeGetVolumeStats and NodeExpandVolume.
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec } from '../define.js';

const STATS = 'NodeGetVolumeStats';
const EXPAND = 'NodeExpandVolume';
const WITH_STATS = [...CREATE_DELETE, 'node.GET_VOLUME_STATS'] as const;
const WITH_EXPAND = [...CREATE_DELETE, 'node.EXPAND_VOLUME'] as const;
// NodeGetVolumeStats is optional (node.GET_VOLUME_STATS).
const VOLUME_STATS_FEATURE = { profile: 'extended', tags: ['Feature:VolumeStats'] } as const;

export const statsExpandTests = [
  csiTest({
    id: 'csi.node.get-volume-stats.usage',
    tags: ['Feature:VolumeStats'],
    title: 'NodeGetVolumeStats reports consistent usage for a published volume',
    spec: spec(STATS, 'usage entries: non-negative counts, used + available within total'),
    profile: 'extended',
    requires: WITH_STATS,
    operations: [STATS, 'NodePublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const { volume, targetPath } = await k.publishedVolume();
      const { usage } = await k.node.NodeGetVolumeStats({ volumeId: volume.volumeId, volumePath: targetPath });
      k.assert(usage.length > 0, 'NodeGetVolumeStats: no usage entries');
      for (const u of usage) {
        k.assert(u.unit !== 'UNKNOWN', 'NodeGetVolumeStats: usage with unit UNKNOWN');
        k.assert(u.total >= 0 && u.used >= 0 && u.available >= 0, `NodeGetVolumeStats: negative ${u.unit} counts (total ${u.total}, used ${u.used}, available ${u.available})`);
        k.assert(u.total === 0 || u.used + u.available <= u.total, `NodeGetVolumeStats: ${u.unit} used ${u.used} + available ${u.available} exceed total ${u.total}`);
      }
    },
  }),
  errorCase({
    id: 'csi.node.get-volume-stats.missing-volume-id',
    ...VOLUME_STATS_FEATURE,
    title: 'NodeGetVolumeStats without a volume id is rejected as invalid',
    rpc: STATS, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: ['node.GET_VOLUME_STATS'],
    setup: (k) => k.targetPath(),
    call: (k, path) => k.node.NodeGetVolumeStats({ volumeId: '', volumePath: path }),
  }),
  errorCase({
    id: 'csi.node.get-volume-stats.missing-path',
    ...VOLUME_STATS_FEATURE,
    title: 'NodeGetVolumeStats without a volume path is rejected as invalid',
    rpc: STATS, what: 'without volume_path', rule: 'volume_path is REQUIRED', code: 'INVALID_ARGUMENT', requires: WITH_STATS, uses: ['NodePublishVolume'],
    setup: (k) => k.publishedVolume(),
    call: (k, { volume }) => k.node.NodeGetVolumeStats({ volumeId: volume.volumeId, volumePath: '' }),
  }),
  errorCase({
    id: 'csi.node.get-volume-stats.unknown-volume',
    ...VOLUME_STATS_FEATURE,
    title: 'NodeGetVolumeStats of a volume that does not exist reports it not found',
    rpc: STATS, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: ['node.GET_VOLUME_STATS'],
    setup: (k) => k.targetPath(),
    call: (k, path) => k.node.NodeGetVolumeStats({ volumeId: MISSING_ID, volumePath: path }),
  }),
  errorCase({
    id: 'csi.node.get-volume-stats.wrong-path',
    ...VOLUME_STATS_FEATURE,
    title: 'NodeGetVolumeStats at a path where the volume is not published reports it not found',
    rpc: STATS, what: 'at a path the volume is not published at', rule: 'Volume does not exist on volume_path: NOT_FOUND', code: 'NOT_FOUND', requires: WITH_STATS, uses: ['NodePublishVolume'],
    setup: async (k) => ({ published: await k.publishedVolume(), elsewhere: await k.targetPath() }),
    call: (k, { published, elsewhere }) => k.node.NodeGetVolumeStats({ volumeId: published.volume.volumeId, volumePath: elsewhere }),
  }),
  csiTest({
    id: 'csi.node.get-volume-stats.condition',
    title: 'NodeGetVolumeStats reports a healthy volume condition',
    spec: spec(STATS, 'VOLUME_CONDITION: volume_condition is set'),
    profile: 'extended',
    requires: [...WITH_STATS, 'node.VOLUME_CONDITION'],
    tags: ['Feature:VolumeCondition'],
    operations: [STATS],
    async run(ctx) {
      const k = csi(ctx);
      const { volume, targetPath } = await k.publishedVolume();
      const { volumeCondition } = await k.node.NodeGetVolumeStats({ volumeId: volume.volumeId, volumePath: targetPath });
      k.assert(volumeCondition, 'NodeGetVolumeStats: no volume_condition although node VOLUME_CONDITION is advertised');
      k.assert(volumeCondition?.abnormal === false, `NodeGetVolumeStats: fresh volume reported abnormal: ${volumeCondition?.message}`);
    },
  }),
  csiTest({
    id: 'csi.node.expand-volume.basic',
    title: 'NodeExpandVolume grows a published volume after the controller did',
    spec: spec(EXPAND, 'capacity_bytes of the response is at least required_bytes'),
    profile: 'extended',
    requires: WITH_EXPAND,
    tags: ['Feature:Expansion'],
    operations: [EXPAND, 'ControllerExpandVolume', 'NodePublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const size = k.options.expandSize;
      // Grow on the controller first (before publishing, which suits online and offline plugins), then on the node.
      const capability = k.capability();
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      if (k.has('controller.EXPAND_VOLUME')) {
        await k.controller.ControllerExpandVolume({ volumeId: volume.volumeId, capacityRange: { requiredBytes: size }, volumeCapability: capability });
      }
      const published = await k.publishedVolume({ volume, capability });
      const response = await k.node.NodeExpandVolume({
        volumeId: published.volume.volumeId, volumePath: published.targetPath, capacityRange: { requiredBytes: size },
        ...(published.stagingPath ? { stagingTargetPath: published.stagingPath } : {}), volumeCapability: published.capability,
      });
      k.assert(response.capacityBytes === 0 || response.capacityBytes >= size, `NodeExpandVolume: capacity ${response.capacityBytes} after asking for ${size}`);
    },
  }),
  errorCase({
    id: 'csi.node.expand-volume.missing-volume-id',
    profile: 'extended',
    title: 'NodeExpandVolume without a volume id is rejected as invalid',
    rpc: EXPAND, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: ['node.EXPAND_VOLUME'], tags: ['Feature:Expansion'],
    setup: (k) => k.targetPath(),
    call: (k, path) => k.node.NodeExpandVolume({ volumeId: '', volumePath: path, capacityRange: { requiredBytes: k.options.expandSize } }),
  }),
  errorCase({
    id: 'csi.node.expand-volume.missing-path',
    profile: 'extended',
    title: 'NodeExpandVolume without a volume path is rejected as invalid',
    rpc: EXPAND, what: 'without volume_path', rule: 'volume_path is REQUIRED', code: 'INVALID_ARGUMENT', requires: WITH_EXPAND, tags: ['Feature:Expansion'], uses: ['NodePublishVolume'],
    setup: (k) => k.publishedVolume(),
    call: (k, { volume }) => k.node.NodeExpandVolume({ volumeId: volume.volumeId, volumePath: '', capacityRange: { requiredBytes: k.options.expandSize } }),
  }),
  errorCase({
    id: 'csi.node.expand-volume.unknown-volume',
    profile: 'extended',
    title: 'NodeExpandVolume of a volume that does not exist reports it not found',
    rpc: EXPAND, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: ['node.EXPAND_VOLUME'], tags: ['Feature:Expansion'],
    setup: (k) => k.targetPath(),
    call: (k, path) => k.node.NodeExpandVolume({ volumeId: MISSING_ID, volumePath: path, capacityRange: { requiredBytes: k.options.expandSize } }),
  }),
  csiTest({
    id: 'csi.node.expand-volume.idempotent',
    title: 'Repeating NodeExpandVolume to the same size keeps succeeding',
    spec: spec(EXPAND, 'idempotent: expanding to a size the file system already has replies OK'),
    profile: 'extended',
    requires: WITH_EXPAND,
    tags: ['Feature:Expansion'],
    operations: [EXPAND, 'ControllerExpandVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const size = k.options.expandSize;
      const capability = k.capability();
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      if (k.has('controller.EXPAND_VOLUME')) await k.controller.ControllerExpandVolume({ volumeId: volume.volumeId, capacityRange: { requiredBytes: size }, volumeCapability: capability });
      const published = await k.publishedVolume({ volume, capability });
      await k.repeat(() => k.node.NodeExpandVolume({
        volumeId: volume.volumeId, volumePath: published.targetPath, capacityRange: { requiredBytes: size },
        ...(published.stagingPath ? { stagingTargetPath: published.stagingPath } : {}), volumeCapability: capability,
      }));
    },
  }),
  errorCase({
    id: 'csi.node.expand-volume.too-large',
    profile: 'extended',
    title: 'NodeExpandVolume to an absurd size is refused as out of range',
    rpc: EXPAND, what: 'to 8 PiB', rule: 'Unsupported capacity_range: OUT_OF_RANGE', code: 'OUT_OF_RANGE', requires: WITH_EXPAND, tags: ['Feature:Expansion'], uses: ['NodePublishVolume'],
    setup: (k) => k.publishedVolume(),
    call: (k, published) => k.node.NodeExpandVolume({
      volumeId: published.volume.volumeId, volumePath: published.targetPath, capacityRange: { requiredBytes: Number.MAX_SAFE_INTEGER - (Number.MAX_SAFE_INTEGER % 4096) },
      ...(published.stagingPath ? { stagingTargetPath: published.stagingPath } : {}), volumeCapability: published.capability,
    }),
  }),
];
