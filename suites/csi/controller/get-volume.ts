// Controller: ControllerGetVolume (alpha).
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec } from '../define.js';

const RPC = 'ControllerGetVolume';
const GET = [...CREATE_DELETE, 'controller.GET_VOLUME'] as const;
const tags = ['Feature:GetVolume'];

export const getVolumeTests = [
  csiTest({
    id: 'csi.controller.get-volume.same-context',
    title: 'ControllerGetVolume reports the volume_context CreateVolume returned',
    spec: spec('CreateVolume', 'a volume uniquely identified by volume_id SHALL always report the same volume_context'),
    profile: 'extended',
    requires: GET,
    tags,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const created = await k.createVolume();
      const { volume } = await k.controller.ControllerGetVolume({ volumeId: created.volumeId });
      const sorted = (context: Record<string, string> | undefined) => JSON.stringify(Object.entries(context ?? {}).sort());
      k.assert(sorted(volume?.volumeContext) === sorted(created.volumeContext),
        `ControllerGetVolume: volume_context ${sorted(volume?.volumeContext)}, CreateVolume said ${sorted(created.volumeContext)}`);
    },
  }),
  csiTest({
    id: 'csi.controller.get-volume.basic',
    title: 'ControllerGetVolume returns the volume CreateVolume made',
    spec: spec(RPC, 'volume is REQUIRED and describes the volume'),
    profile: 'extended',
    requires: GET,
    tags,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const created = await k.createVolume();
      const { volume, status } = await k.controller.ControllerGetVolume({ volumeId: created.volumeId });
      k.assert(volume?.volumeId === created.volumeId, `ControllerGetVolume: returned volume ${volume?.volumeId}, asked for ${created.volumeId}`);
      k.assert(volume?.capacityBytes === created.capacityBytes, `ControllerGetVolume: capacity ${volume?.capacityBytes}, CreateVolume said ${created.capacityBytes}`);
      k.assert(status !== null, 'ControllerGetVolume: status is missing (REQUIRED)');
    },
  }),
  errorCase({
    id: 'csi.controller.get-volume.missing-id',
    title: 'ControllerGetVolume without a volume id is rejected as invalid',
    rpc: RPC, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: GET, profile: 'extended', tags,
    call: (k) => k.controller.ControllerGetVolume({ volumeId: '' }),
  }),
  errorCase({
    id: 'csi.controller.get-volume.unknown-id',
    title: 'ControllerGetVolume of a volume that does not exist reports it not found',
    rpc: RPC, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: GET, profile: 'extended', tags,
    call: (k) => k.controller.ControllerGetVolume({ volumeId: MISSING_ID }),
  }),
  csiTest({
    id: 'csi.controller.get-volume.published-nodes',
    title: 'ControllerGetVolume lists the node a volume is published to',
    spec: spec(RPC, 'status.published_node_ids MUST be specified when LIST_VOLUMES_PUBLISHED_NODES is supported'),
    profile: 'extended',
    requires: [...GET, 'controller.PUBLISH_UNPUBLISH_VOLUME', 'controller.LIST_VOLUMES_PUBLISHED_NODES'],
    tags,
    operations: [RPC, 'ControllerPublishVolume', 'ControllerUnpublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability() });
      const published = (await k.controller.ControllerGetVolume({ volumeId: volume.volumeId })).status?.publishedNodeIds ?? [];
      k.assert(published.includes(k.nodeId), `ControllerGetVolume: published_node_ids [${published.join(', ')}] lacks ${k.nodeId}`);
      // Not checked after unpublishing: "published_node_ids MAY include nodes not published to" (VolumeStatus).
    },
  }),
  csiTest({
    id: 'csi.controller.get-volume.condition',
    title: 'ControllerGetVolume reports the condition of a healthy volume as normal',
    spec: spec(RPC, 'VOLUME_CONDITION: status.volume_condition is set'),
    profile: 'extended',
    requires: [...GET, 'controller.VOLUME_CONDITION'],
    tags: [...tags, 'Feature:VolumeCondition'],
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const { status } = await k.controller.ControllerGetVolume({ volumeId: volume.volumeId });
      k.assert(status?.volumeCondition, 'ControllerGetVolume: no volume_condition although VOLUME_CONDITION is advertised');
      k.assert(status?.volumeCondition?.abnormal === false, `ControllerGetVolume: fresh volume reported abnormal: ${status?.volumeCondition?.message}`);
    },
  }),
];
