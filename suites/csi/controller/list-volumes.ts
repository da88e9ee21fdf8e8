// Controller: ListVolumes. Every check reasons only about volumes this test created, so other
// tests (or other users of a shared backend) creating and deleting volumes cannot break it.
import { CREATE_DELETE, csi, csiTest, errorCase, spec } from '../define.js';

const RPC = 'ListVolumes';
const LIST = [...CREATE_DELETE, 'controller.LIST_VOLUMES'] as const;

export const listVolumesTests = [
  csiTest({
    id: 'csi.controller.list-volumes.includes-created',
    tags: ['Feature:ListVolumes'],
    title: 'ListVolumes includes a volume just created, with its id and capacity',
    spec: spec(RPC, 'all volumes are listed'),
    profile: 'extended',
    requires: LIST,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const entry = (await k.listAllVolumes()).find((e) => e.volume?.volumeId === volume.volumeId);
      k.assert(entry, `ListVolumes: new volume ${volume.volumeId} is not listed`);
      k.assert(entry?.volume?.capacityBytes === volume.capacityBytes, `ListVolumes: capacity ${entry?.volume?.capacityBytes}, CreateVolume said ${volume.capacityBytes}`);
    },
  }),
  csiTest({
    id: 'csi.controller.list-volumes.excludes-deleted',
    tags: ['Feature:ListVolumes'],
    title: 'ListVolumes no longer lists a deleted volume',
    spec: spec(RPC, 'deleted volumes are not listed'),
    profile: 'extended',
    requires: LIST,
    operations: [RPC, 'CreateVolume', 'DeleteVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.DeleteVolume({ volumeId: volume.volumeId });
      const ids = (await k.listAllVolumes()).map((e) => e.volume?.volumeId);
      k.assert(!ids.includes(volume.volumeId), `ListVolumes: deleted volume ${volume.volumeId} is still listed`);
    },
  }),
  csiTest({
    id: 'csi.controller.list-volumes.max-entries',
    tags: ['Feature:ListVolumes'],
    title: 'ListVolumes returns no more entries than max_entries and a token for the rest',
    spec: spec(RPC, 'the plugin MUST NOT return more than max_entries; next_token when more remain'),
    profile: 'extended',
    requires: LIST,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      await k.createVolume();
      await k.createVolume();
      const page = await k.controller.ListVolumes({ maxEntries: 1 });
      k.assert(page.entries.length <= 1, `ListVolumes max_entries 1: returned ${page.entries.length} entries`);
      k.assert(page.nextToken !== '', 'ListVolumes max_entries 1: no next_token although at least two volumes exist');
    },
  }),
  csiTest({
    id: 'csi.controller.list-volumes.pagination',
    title: 'ListVolumes pages through every volume once, without duplicates or omissions',
    spec: spec(RPC, 'starting_token continues the listing; each volume appears once'),
    profile: 'extended',
    requires: LIST,
    // Volumes other tests delete while we page can shift an index-based token; run alone.
    serial: true,
    tags: ['Feature:ListVolumes', 'Serial'],
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const mine = [];
      for (let i = 0; i < 5; i++) mine.push((await k.createVolume()).volumeId);
      const seen = (await k.listAllVolumes(2)).map((e) => e.volume?.volumeId ?? '');
      k.assertListedOnce('ListVolumes pages of 2', seen, mine);
    },
  }),
  errorCase({
    id: 'csi.controller.list-volumes.bad-token',
    profile: 'extended',
    tags: ['Feature:ListVolumes'],
    title: 'ListVolumes with a starting token the plugin never issued is aborted',
    rpc: RPC, what: 'with a made-up starting_token', rule: 'Invalid starting_token: ABORTED', code: 'ABORTED', requires: [...CREATE_DELETE, 'controller.LIST_VOLUMES'],
    call: (k) => k.controller.ListVolumes({ startingToken: 'conformal-not-a-token' }),
  }),
  errorCase({
    id: 'csi.controller.list-volumes.negative-max-entries',
    profile: 'extended',
    tags: ['Feature:ListVolumes'],
    title: 'ListVolumes with a negative max_entries is rejected as invalid',
    rpc: RPC, what: 'with max_entries -1', rule: 'max_entries MUST NOT be negative', code: 'INVALID_ARGUMENT', requires: [...CREATE_DELETE, 'controller.LIST_VOLUMES'],
    call: (k) => k.controller.ListVolumes({ maxEntries: -1 }),
  }),
  csiTest({
    id: 'csi.controller.list-volumes.published-nodes',
    tags: ['Feature:ListVolumes'],
    title: 'ListVolumes reports the node a volume is published to',
    spec: spec(RPC, 'LIST_VOLUMES_PUBLISHED_NODES: status.published_node_ids lists the nodes'),
    profile: 'extended',
    requires: [...LIST, 'controller.PUBLISH_UNPUBLISH_VOLUME', 'controller.LIST_VOLUMES_PUBLISHED_NODES'],
    operations: [RPC, 'ControllerPublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability() });
      const entry = (await k.listAllVolumes()).find((e) => e.volume?.volumeId === volume.volumeId);
      const nodes = entry?.status?.publishedNodeIds ?? [];
      k.assert(nodes.includes(k.nodeId), `ListVolumes: published_node_ids [${nodes.join(', ')}] lacks ${k.nodeId}`);
    },
  }),
  csiTest({
    id: 'csi.controller.list-volumes.condition',
    title: 'ListVolumes reports a volume condition for each volume',
    spec: spec(RPC, 'VOLUME_CONDITION: status.volume_condition is set'),
    profile: 'extended',
    requires: [...LIST, 'controller.VOLUME_CONDITION'],
    tags: ['Feature:VolumeCondition'],
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const entry = (await k.listAllVolumes()).find((e) => e.volume?.volumeId === volume.volumeId);
      k.assert(entry?.status?.volumeCondition, `ListVolumes: volume ${volume.volumeId} has no volume_condition`);
      k.assert(entry?.status?.volumeCondition?.abnormal === false, `ListVolumes: a fresh volume is reported abnormal: ${entry?.status?.volumeCondition?.message}`);
    },
  }),
];
