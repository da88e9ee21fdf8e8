// Controller: ControllerExpandVolume.
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec } from '../define.js';

const RPC = 'ControllerExpandVolume';
const EXPAND = [...CREATE_DELETE, 'controller.EXPAND_VOLUME'] as const;
const tags = ['Feature:Expansion'];

export const controllerExpandTests = [
  csiTest({
    id: 'csi.controller.expand-volume.basic',
    title: 'ControllerExpandVolume grows a volume to at least the requested size',
    spec: spec(RPC, 'capacity_bytes of the response MUST be at least required_bytes'),
    profile: 'extended',
    requires: EXPAND,
    tags,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const size = k.options.expandSize;
      const response = await k.controller.ControllerExpandVolume({ volumeId: volume.volumeId, capacityRange: { requiredBytes: size }, volumeCapability: k.capability() });
      k.assert(response.capacityBytes >= size, `ControllerExpandVolume: capacity ${response.capacityBytes} after asking for ${size}`);
    },
  }),
  csiTest({
    id: 'csi.controller.expand-volume.idempotent',
    title: 'Repeating ControllerExpandVolume to the same size keeps succeeding',
    spec: spec(RPC, 'idempotent: expanding to a size the volume already has replies OK'),
    profile: 'extended',
    requires: EXPAND,
    tags,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const size = k.options.expandSize;
      for (const response of await k.repeat(() => k.controller.ControllerExpandVolume({ volumeId: volume.volumeId, capacityRange: { requiredBytes: size }, volumeCapability: k.capability() }))) {
        k.assert(response.capacityBytes >= size, `ControllerExpandVolume repeated: capacity ${response.capacityBytes}, asked for ${size}`);
      }
    },
  }),
  csiTest({
    id: 'csi.controller.expand-volume.visible',
    title: 'After ControllerExpandVolume the new size is what the plugin reports for the volume',
    spec: spec(RPC, 'the volume has the expanded capacity'),
    profile: 'extended',
    requires: [...EXPAND],
    requiresAny: ['controller.GET_VOLUME', 'controller.LIST_VOLUMES'],
    tags,
    operations: [RPC, 'ControllerGetVolume', 'ListVolumes'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const size = k.options.expandSize;
      await k.controller.ControllerExpandVolume({ volumeId: volume.volumeId, capacityRange: { requiredBytes: size }, volumeCapability: k.capability() });
      const reported = k.has('controller.GET_VOLUME')
        ? (await k.controller.ControllerGetVolume({ volumeId: volume.volumeId })).volume?.capacityBytes
        : (await k.listAllVolumes()).find((e) => e.volume?.volumeId === volume.volumeId)?.volume?.capacityBytes;
      k.assert(reported !== undefined && reported >= size, `after ControllerExpandVolume to ${size}: the volume is reported with ${reported} bytes`);
    },
  }),
  errorCase({
    id: 'csi.controller.expand-volume.missing-id',
    profile: 'extended',
    title: 'ControllerExpandVolume without a volume id is rejected as invalid',
    rpc: RPC, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: EXPAND, tags,
    call: (k) => k.controller.ControllerExpandVolume({ volumeId: '', capacityRange: { requiredBytes: k.options.expandSize } }),
  }),
  errorCase({
    id: 'csi.controller.expand-volume.missing-capacity',
    profile: 'extended',
    title: 'ControllerExpandVolume without a capacity range is rejected as invalid',
    rpc: RPC, what: 'without capacity_range', rule: 'capacity_range is REQUIRED', code: 'INVALID_ARGUMENT', requires: EXPAND, tags, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ControllerExpandVolume({ volumeId: volume.volumeId }),
  }),
  errorCase({
    id: 'csi.controller.expand-volume.unknown-volume',
    profile: 'extended',
    title: 'ControllerExpandVolume of a volume that does not exist reports it not found',
    rpc: RPC, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: EXPAND, tags,
    call: (k) => k.controller.ControllerExpandVolume({ volumeId: MISSING_ID, capacityRange: { requiredBytes: k.options.expandSize } }),
  }),
  errorCase({
    id: 'csi.controller.expand-volume.too-large',
    profile: 'extended',
    title: 'ControllerExpandVolume to an absurd size is refused as out of range',
    rpc: RPC, what: 'to 8 PiB', rule: 'Unsupported capacity_range: OUT_OF_RANGE', code: 'OUT_OF_RANGE', requires: EXPAND, tags, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ControllerExpandVolume({ volumeId: volume.volumeId, capacityRange: { requiredBytes: Number.MAX_SAFE_INTEGER - (Number.MAX_SAFE_INTEGER % 4096) } }),
  }),
  errorCase({
    id: 'csi.controller.expand-volume.offline-only',
    profile: 'extended',
    title: 'ControllerExpandVolume of a published volume is refused by an offline-only plugin',
    rpc: RPC, what: 'of a published volume (OFFLINE expansion)', rule: 'Volume in use without ONLINE expansion: FAILED_PRECONDITION', code: 'FAILED_PRECONDITION',
    // Offline-only expansion is a mode of its own: a driver that expands online never shows it.
    requires: [...EXPAND, 'expansion.OFFLINE', 'controller.PUBLISH_UNPUBLISH_VOLUME'], tags: [...tags, 'Feature:OfflineExpansion'], uses: ['CreateVolume', 'ControllerPublishVolume'],
    setup: async (k) => {
      const volume = await k.createVolume();
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability() });
      return volume;
    },
    call: (k, volume) => k.controller.ControllerExpandVolume({ volumeId: volume.volumeId, capacityRange: { requiredBytes: k.options.expandSize } }),
  }),
  csiTest({
    id: 'csi.controller.expand-volume.online',
    title: 'ControllerExpandVolume grows a published volume when the plugin expands online',
    spec: spec(RPC, 'VolumeExpansion ONLINE: volumes can be expanded while published'),
    profile: 'extended',
    requires: [...EXPAND, 'expansion.ONLINE', 'controller.PUBLISH_UNPUBLISH_VOLUME'],
    tags,
    operations: [RPC, 'ControllerPublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability() });
      const size = k.options.expandSize;
      const response = await k.controller.ControllerExpandVolume({ volumeId: volume.volumeId, capacityRange: { requiredBytes: size }, volumeCapability: k.capability() });
      k.assert(response.capacityBytes >= size, `ControllerExpandVolume of a published volume: capacity ${response.capacityBytes} after asking for ${size}`);
    },
  }),
];
