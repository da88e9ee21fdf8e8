// Controller: ValidateVolumeCapabilities.
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec, type CsiKit } from '../define.js';

const RPC = 'ValidateVolumeCapabilities';

/** A volume created with one capability, and a call that asks ValidateVolumeCapabilities about exactly that capability. */
async function validatingOwnCapability(k: CsiKit) {
  const capability = k.capability();
  const volume = await k.createVolume({ volumeCapabilities: [capability] });
  return () => k.controller.ValidateVolumeCapabilities({ volumeId: volume.volumeId, volumeCapabilities: [capability], volumeContext: volume.volumeContext, parameters: k.options.volumeParameters });
}

export const validateTests = [
  csiTest({
    id: 'csi.controller.validate-volume-capabilities.confirms',
    title: 'ValidateVolumeCapabilities confirms the capability a volume was created with',
    spec: spec(RPC, 'confirmed is set when every requested capability is supported'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const response = await (await validatingOwnCapability(k))();
      k.assert(response.confirmed !== null, `ValidateVolumeCapabilities: capability the volume was created with is not confirmed (${response.message || 'no message'})`);
      k.assert(response.confirmed!.volumeCapabilities.length >= 1, 'ValidateVolumeCapabilities: confirmed lists no capabilities');
    },
  }),
  csiTest({
    id: 'csi.controller.validate-volume-capabilities.repeatable',
    title: 'ValidateVolumeCapabilities gives the same answer when asked again',
    spec: spec(RPC, 'this operation MUST be idempotent'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const ask = await validatingOwnCapability(k);
      const answer = (r: Awaited<ReturnType<typeof ask>>) => (r.confirmed === null ? 'not confirmed' : `confirmed ${r.confirmed.volumeCapabilities.length} capabilities`);
      const first = answer(await ask());
      for (const again of await k.repeat(ask)) k.assert(answer(again) === first, `ValidateVolumeCapabilities asked again: ${answer(again)}, first ${first}`);
    },
  }),
  csiTest({
    id: 'csi.controller.validate-volume-capabilities.rejects-other-type',
    tags: ['Feature:BlockVolume'],
    title: 'ValidateVolumeCapabilities does not confirm block access for a mount volume',
    spec: spec(RPC, 'confirmed SHALL be returned only if all requested capabilities are supported'),
    profile: 'extended',
    requires: [...CREATE_DELETE, 'access-type.mount', 'access-type.block'],
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume({ volumeCapabilities: [k.capability({ type: 'mount' })] });
      try {
        const response = await k.controller.ValidateVolumeCapabilities({ volumeId: volume.volumeId, volumeCapabilities: [k.capability({ type: 'block' })] });
        k.assert(response.confirmed === null, 'ValidateVolumeCapabilities: confirmed block access for a volume created as mount');
      } catch (error) {
        // Refusing the capability outright is also a correct "not supported".
        if ((error as { grpcCode?: string }).grpcCode !== 'INVALID_ARGUMENT') throw error;
      }
    },
  }),
  errorCase({
    id: 'csi.controller.validate-volume-capabilities.missing-volume-id',
    title: 'ValidateVolumeCapabilities without a volume id is rejected as invalid',
    rpc: RPC, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE,
    call: (k) => k.controller.ValidateVolumeCapabilities({ volumeId: '', volumeCapabilities: [k.capability()] }),
  }),
  errorCase({
    id: 'csi.controller.validate-volume-capabilities.missing-capabilities',
    title: 'ValidateVolumeCapabilities without capabilities is rejected as invalid',
    rpc: RPC, what: 'without volume_capabilities', rule: 'volume_capabilities is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ValidateVolumeCapabilities({ volumeId: volume.volumeId, volumeCapabilities: [] }),
  }),
  errorCase({
    id: 'csi.controller.validate-volume-capabilities.unknown-volume',
    title: 'ValidateVolumeCapabilities of a volume that does not exist reports it not found',
    rpc: RPC, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: CREATE_DELETE,
    call: (k) => k.controller.ValidateVolumeCapabilities({ volumeId: MISSING_ID, volumeCapabilities: [k.capability()] }),
  }),
];
