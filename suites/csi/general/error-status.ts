// Error Scheme: what every non-OK answer carries besides its code.
import { csi, csiTest, spec } from '../define.js';

export const errorStatusTests = [
  csiTest({
    id: 'csi.general.error-status.message',
    title: 'An error answer carries a human-readable message in its status',
    spec: spec('Error Scheme', 'the status message MUST contain a human readable description of error, if the status code is not OK'),
    profile: 'core',
    operations: ['NodeUnpublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      // Any documented error will do; a missing volume_id is one every node plugin must refuse.
      const error = await k.expectGrpcError(k.node.NodeUnpublishVolume({ volumeId: '', targetPath: await k.targetPath() }),
        'INVALID_ARGUMENT', 'NodeUnpublishVolume without volume_id');
      k.assert(error.details.trim() !== '', 'NodeUnpublishVolume without volume_id: INVALID_ARGUMENT with an empty status message');
    },
  }),
];
