// Controller: ControllerModifyVolume.
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec } from '../define.js';

const RPC = 'ControllerModifyVolume';
const MODIFY = [...CREATE_DELETE, 'controller.MODIFY_VOLUME', 'config.mutable-parameters'] as const;
const tags = ['Feature:ModifyVolume'];

export const modifyVolumeTests = [
  csiTest({
    id: 'csi.controller.modify-volume.basic',
    title: 'ControllerModifyVolume applies the configured mutable parameters',
    spec: spec(RPC, 'the SP applies mutable_parameters to the volume'),
    profile: 'extended',
    requires: MODIFY,
    tags,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.ControllerModifyVolume({ volumeId: volume.volumeId, mutableParameters: k.options.mutableParameters });
    },
  }),
  csiTest({
    id: 'csi.controller.modify-volume.idempotent',
    title: 'Repeating ControllerModifyVolume with the same parameters keeps succeeding',
    spec: spec(RPC, 'idempotent: the same modification again replies OK'),
    profile: 'extended',
    requires: MODIFY,
    tags,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.repeat(() => k.controller.ControllerModifyVolume({ volumeId: volume.volumeId, mutableParameters: k.options.mutableParameters }));
    },
  }),
  errorCase({
    id: 'csi.controller.modify-volume.missing-id',
    profile: 'extended',
    title: 'ControllerModifyVolume without a volume id is rejected as invalid',
    rpc: RPC, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: MODIFY, tags,
    call: (k) => k.controller.ControllerModifyVolume({ volumeId: '', mutableParameters: k.options.mutableParameters }),
  }),
  errorCase({
    id: 'csi.controller.modify-volume.missing-parameters',
    profile: 'extended',
    title: 'ControllerModifyVolume without mutable parameters is rejected as invalid',
    rpc: RPC, what: 'without mutable_parameters', rule: 'mutable_parameters is REQUIRED', code: 'INVALID_ARGUMENT', requires: MODIFY, tags, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ControllerModifyVolume({ volumeId: volume.volumeId, mutableParameters: {} }),
  }),
  errorCase({
    id: 'csi.controller.modify-volume.unknown-volume',
    profile: 'extended',
    title: 'ControllerModifyVolume of a volume that does not exist reports it not found',
    rpc: RPC, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: MODIFY, tags,
    call: (k) => k.controller.ControllerModifyVolume({ volumeId: MISSING_ID, mutableParameters: k.options.mutableParameters }),
  }),
  errorCase({
    id: 'csi.controller.modify-volume.unsupported-key',
    profile: 'extended',
    title: 'ControllerModifyVolume with a parameter the plugin does not know is rejected as invalid',
    rpc: RPC, what: 'with an unknown mutable parameter', rule: 'Parameters not supported: INVALID_ARGUMENT, nothing applied', code: 'INVALID_ARGUMENT', requires: MODIFY, tags, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ControllerModifyVolume({ volumeId: volume.volumeId, mutableParameters: { 'conformal.invalid/unknown-key': 'x' } }),
  }),
];
