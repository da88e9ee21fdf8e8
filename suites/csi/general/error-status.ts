// Error Scheme: what every non-OK answer carries besides its code.
import { csi, csiTest, spec, type CsiKit } from '../define.js';

/** A documented refusal every node plugin must give: NodeUnpublishVolume without volume_id. */
async function refusedUnpublish(k: CsiKit) {
  const targetPath = await k.targetPath();
  return k.expectGrpcError(k.node.NodeUnpublishVolume({ volumeId: '', targetPath }), 'INVALID_ARGUMENT', 'NodeUnpublishVolume without volume_id');
}

export const errorStatusTests = [
  csiTest({
    id: 'csi.general.error-status.message',
    title: 'An error answer carries a human-readable message in its status',
    spec: spec('Error Scheme', 'the status message MUST contain a human readable description of error, if the status code is not OK'),
    profile: 'core',
    operations: ['NodeUnpublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const error = await refusedUnpublish(k);
      k.assert(error.details.trim() !== '', 'NodeUnpublishVolume without volume_id: INVALID_ARGUMENT with an empty status message');
    },
  }),
  csiTest({
    id: 'csi.general.error-status.no-details',
    title: 'An error answer carries no status details',
    spec: spec('Error Scheme', 'the status details MUST be empty'),
    profile: 'core',
    operations: ['NodeUnpublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const error = await refusedUnpublish(k);
      k.assert(!error.trailerKeys.includes('grpc-status-details-bin'), 'NodeUnpublishVolume without volume_id: the status carries details (grpc-status-details-bin)');
    },
  }),
];
