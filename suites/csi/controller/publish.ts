// Controller: ControllerPublishVolume and ControllerUnpublishVolume.
import { isDeepStrictEqual } from 'node:util';
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec } from '../define.js';

const PUB = 'ControllerPublishVolume';
const UNPUB = 'ControllerUnpublishVolume';
const PUBLISH = [...CREATE_DELETE, 'controller.PUBLISH_UNPUBLISH_VOLUME'] as const;

export const controllerPublishTests = [
  csiTest({
    id: 'csi.controller.publish-volume.basic',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume attaches a volume to the node',
    spec: spec(PUB, 'the volume is made available on the node; publish_context is returned'),
    profile: 'extended',
    requires: PUBLISH,
    operations: [PUB, UNPUB, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const { publishContext } = await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability(), readonly: false });
      k.assert(publishContext !== null && typeof publishContext === 'object', 'ControllerPublishVolume: no publish_context map');
      await k.controller.ControllerUnpublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId });
    },
  }),
  errorCase({
    id: 'csi.controller.publish-volume.missing-volume-id',
    profile: 'extended',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume without a volume id is rejected as invalid',
    rpc: PUB, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: PUBLISH,
    call: (k) => k.controller.ControllerPublishVolume({ volumeId: '', nodeId: k.nodeId, volumeCapability: k.capability() }),
  }),
  errorCase({
    id: 'csi.controller.publish-volume.missing-node-id',
    profile: 'extended',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume without a node id is rejected as invalid',
    rpc: PUB, what: 'without node_id', rule: 'node_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: PUBLISH, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: '', volumeCapability: k.capability() }),
  }),
  errorCase({
    id: 'csi.controller.publish-volume.wrong-access-type',
    profile: 'extended',
    tags: ['Feature:ControllerPublish', 'Feature:BlockVolume'],
    title: 'ControllerPublishVolume of a block volume with mount access is refused',
    rpc: PUB, what: 'of a block volume as mount', rule: 'volume_capability: SP MUST ensure the CO can use the published volume as described, otherwise return the appropriate error',
    code: ['FAILED_PRECONDITION', 'INVALID_ARGUMENT'], requires: [...PUBLISH, 'access-type.block', 'access-type.mount'], uses: ['CreateVolume'],
    setup: (k) => k.createVolume({ volumeCapabilities: [k.capability({ type: 'block' })] }),
    call: (k, volume) => k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability({ type: 'mount' }), readonly: false }),
  }),
  errorCase({
    id: 'csi.controller.publish-volume.missing-capability',
    profile: 'extended',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume without a volume capability is rejected as invalid',
    rpc: PUB, what: 'without volume_capability', rule: 'volume_capability is REQUIRED', code: 'INVALID_ARGUMENT', requires: PUBLISH, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId }),
  }),
  errorCase({
    id: 'csi.controller.publish-volume.unknown-volume',
    profile: 'extended',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume of a volume that does not exist reports it not found',
    rpc: PUB, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: PUBLISH,
    call: (k) => k.controller.ControllerPublishVolume({ volumeId: MISSING_ID, nodeId: k.nodeId, volumeCapability: k.capability() }),
  }),
  errorCase({
    id: 'csi.controller.publish-volume.unknown-node',
    profile: 'extended',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume to a node that does not exist reports it not found',
    rpc: PUB, what: 'to an unknown node', rule: 'Node does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: PUBLISH, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: MISSING_ID, volumeCapability: k.capability() }),
  }),
  csiTest({
    id: 'csi.controller.publish-volume.idempotent',
    tags: ['Feature:ControllerPublish'],
    title: 'Repeating ControllerPublishVolume with the same arguments succeeds with the same context',
    spec: spec(PUB, 'idempotent: an identical publish replies OK'),
    profile: 'extended',
    requires: PUBLISH,
    operations: [PUB, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const request = { volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability(), readonly: false };
      const first = await k.controller.ControllerPublishVolume(request);
      for (const again of await k.repeat(() => k.controller.ControllerPublishVolume(request))) {
        // publish_context is a protobuf map: its entries have no order on the wire.
        k.assert(isDeepStrictEqual(again.publishContext, first.publishContext),
          `ControllerPublishVolume repeated: publish_context ${JSON.stringify(again.publishContext)}, first ${JSON.stringify(first.publishContext)}`);
      }
    },
  }),
  errorCase({
    id: 'csi.controller.publish-volume.incompatible-readonly',
    profile: 'extended',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume again with another readonly flag reports an incompatible publication',
    rpc: PUB, what: 'again with readonly flipped', rule: 'Volume published but is incompatible: ALREADY_EXISTS', code: 'ALREADY_EXISTS',
    requires: [...PUBLISH, 'controller.PUBLISH_READONLY'], uses: ['CreateVolume'],
    setup: async (k) => {
      const volume = await k.createVolume();
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability(), readonly: false });
      return volume;
    },
    call: (k, volume) => k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability(), readonly: true }),
  }),
  csiTest({
    id: 'csi.controller.publish-volume.readonly',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume can attach a volume read-only',
    spec: spec(PUB, 'PUBLISH_READONLY: the readonly field is honoured'),
    profile: 'extended',
    requires: [...PUBLISH, 'controller.PUBLISH_READONLY'],
    operations: [PUB, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability(), readonly: true });
    },
  }),
  errorCase({
    id: 'csi.controller.publish-volume.single-node-elsewhere',
    profile: 'extended',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerPublishVolume of a single-node volume to a second node is refused',
    rpc: PUB, what: 'of a SINGLE_NODE_WRITER volume to a second node', rule: 'Volume published to another node without MULTI_NODE capability: FAILED_PRECONDITION',
    code: 'FAILED_PRECONDITION', requires: [...PUBLISH, 'config.other-node', 'access-mode.SINGLE_NODE_WRITER'], uses: ['CreateVolume'],
    setup: async (k) => {
      const capability = k.capability({ mode: 'SINGLE_NODE_WRITER' });
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: capability });
      return { volume, capability };
    },
    call: (k, { volume, capability }) => k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.options.otherNodeIds[0]!, volumeCapability: capability }),
  }),
  csiTest({
    id: 'csi.controller.publish-volume.multi-node',
    title: 'ControllerPublishVolume attaches a multi-node volume to two nodes at once',
    spec: spec(PUB, 'MULTI_NODE access modes allow publication at several nodes'),
    profile: 'extended',
    requires: [...PUBLISH, 'config.other-node', 'access-mode.MULTI_NODE_MULTI_WRITER'],
    tags: ['Feature:MultiNode'],
    operations: [PUB, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const capability = k.capability({ mode: 'MULTI_NODE_MULTI_WRITER' });
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      for (const nodeId of [k.nodeId, k.options.otherNodeIds[0]!]) {
        await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId, volumeCapability: capability });
      }
    },
  }),
  csiTest({
    id: 'csi.controller.publish-volume.attach-limit',
    title: 'ControllerPublishVolume beyond the node attach limit is refused as exhausted',
    spec: spec(PUB, 'Max volumes attached: RESOURCE_EXHAUSTED'),
    profile: 'extended',
    requires: [...PUBLISH, 'node.max-volumes'],
    // It fills the node's attach slots, which would make other tests' publications fail.
    serial: true,
    tags: ['Feature:AttachLimit', 'Serial'],
    operations: [PUB, 'CreateVolume'],
    timeoutMs: 120_000,
    async run(ctx) {
      const k = csi(ctx).withoutAttachSlots();
      const limit = k.env.nodeInfo.maxVolumesPerNode;
      const publish = async () => {
        const volume = await k.createVolume();
        return k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability() });
      };
      // Volumes other tests attach concurrently also count, so attach until refused, at most limit + 1 times.
      let attached = 0;
      for (; attached <= limit; attached++) {
        try {
          await publish();
        } catch (error) {
          if ((error as { grpcCode?: string }).grpcCode === 'RESOURCE_EXHAUSTED') return;
          throw error;
        }
      }
      k.assert(false, `ControllerPublishVolume: ${attached} volumes attached to ${k.nodeId}, max_volumes_per_node is ${limit}; expected RESOURCE_EXHAUSTED`);
    },
  }),
  errorCase({
    id: 'csi.controller.unpublish-volume.missing-volume-id',
    profile: 'extended',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerUnpublishVolume without a volume id is rejected as invalid',
    rpc: UNPUB, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: PUBLISH,
    call: (k) => k.controller.ControllerUnpublishVolume({ volumeId: '', nodeId: k.nodeId }),
  }),
  csiTest({
    id: 'csi.controller.unpublish-volume.idempotent',
    tags: ['Feature:ControllerPublish'],
    title: 'Repeating ControllerUnpublishVolume keeps succeeding',
    spec: spec(UNPUB, 'idempotent: a volume not published at the node replies OK'),
    profile: 'extended',
    requires: PUBLISH,
    operations: [UNPUB, PUB, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability() });
      await k.repeat(() => k.controller.ControllerUnpublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId }));
    },
  }),
  csiTest({
    id: 'csi.controller.unpublish-volume.never-published',
    tags: ['Feature:ControllerPublish'],
    title: 'ControllerUnpublishVolume of a volume that was never attached succeeds',
    spec: spec(UNPUB, 'a volume already unpublished from the node replies OK'),
    profile: 'extended',
    requires: PUBLISH,
    operations: [UNPUB, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.ControllerUnpublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId });
    },
  }),
  csiTest({
    id: 'csi.controller.unpublish-volume.all-nodes',
    title: 'ControllerUnpublishVolume without a node id detaches the volume from every node',
    spec: spec(UNPUB, 'node_id unset: the SP MUST unpublish the volume from all nodes it is published to'),
    profile: 'extended',
    requires: [...PUBLISH, 'config.other-node', 'access-mode.MULTI_NODE_MULTI_WRITER', 'controller.GET_VOLUME', 'controller.LIST_VOLUMES_PUBLISHED_NODES'],
    tags: ['Feature:MultiNode'],
    operations: [UNPUB, PUB, 'ControllerGetVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const capability = k.capability({ mode: 'MULTI_NODE_MULTI_WRITER' });
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      for (const nodeId of [k.nodeId, k.options.otherNodeIds[0]!]) {
        await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId, volumeCapability: capability });
      }
      await k.controller.ControllerUnpublishVolume({ volumeId: volume.volumeId, nodeId: '' });
      const { status } = await k.controller.ControllerGetVolume({ volumeId: volume.volumeId });
      k.assert((status?.publishedNodeIds ?? []).length === 0, `ControllerUnpublishVolume without node_id: still published to ${status?.publishedNodeIds.join(', ')}`);
    },
  }),
];
