// Node: NodePublishVolume and NodeUnpublishVolume.
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec } from '../define.js';

const PUB = 'NodePublishVolume';
const UNPUB = 'NodeUnpublishVolume';

/** The path length (bytes) every plugin must accept at least. */
const MIN_PATH_BYTES = 128;

export const nodePublishTests = [
  csiTest({
    id: 'csi.node.publish-volume.long-paths',
    title: 'Node calls accept staging, target and volume paths of 128 bytes and more',
    spec: spec(PUB, 'SP SHOULD support the maximum path length allowed by the operating system/filesystem, but, at a minimum, SP MUST accept a max path length of at least 128 bytes'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [PUB, UNPUB, 'NodeStageVolume', 'NodeUnstageVolume', 'NodeGetVolumeStats', 'NodeExpandVolume', 'CreateVolume', 'ControllerPublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const capability = k.capability();
      let publishContext = {};
      if (k.has('controller.PUBLISH_UNPUBLISH_VOLUME')) {
        ({ publishContext } = await k.controller.ControllerPublishVolume({
          volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: capability, readonly: false, volumeContext: volume.volumeContext,
        }));
      }
      let stagingPath: string | undefined;
      if (k.has('node.STAGE_UNSTAGE_VOLUME')) {
        stagingPath = await k.env.paths.staging(ctx.unique('long-stage'), ctx.ledger, ctx.signal, MIN_PATH_BYTES);
        await k.node.NodeStageVolume({ volumeId: volume.volumeId, publishContext, stagingTargetPath: stagingPath, volumeCapability: capability, volumeContext: volume.volumeContext });
      }
      const targetPath = await k.env.paths.target(ctx.unique('long-target'), ctx.ledger, ctx.signal, MIN_PATH_BYTES);
      await k.node.NodePublishVolume(k.publishRequest(volume, { publishContext, stagingPath, capability }, targetPath));
      const paths = { volumePath: targetPath, ...(stagingPath ? { stagingTargetPath: stagingPath } : {}) };
      if (k.has('node.GET_VOLUME_STATS')) await k.node.NodeGetVolumeStats({ volumeId: volume.volumeId, ...paths });
      // Expanding to the size the volume has is allowed at any time (idempotent), so only the paths are under test.
      if (k.has('node.EXPAND_VOLUME')) await k.node.NodeExpandVolume({ volumeId: volume.volumeId, ...paths, capacityRange: { requiredBytes: volume.capacityBytes } });
      await k.node.NodeUnpublishVolume({ volumeId: volume.volumeId, targetPath });
      if (stagingPath) await k.node.NodeUnstageVolume({ volumeId: volume.volumeId, stagingTargetPath: stagingPath });
    },
  }),
  csiTest({
    id: 'csi.node.publish-volume.basic',
    title: 'NodePublishVolume publishes a volume at the target path and NodeUnpublishVolume withdraws it',
    spec: spec(PUB, 'the volume is published at target_path; NodeUnpublishVolume undoes it'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [PUB, UNPUB, 'CreateVolume', 'ControllerPublishVolume', 'NodeStageVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const { volume, targetPath } = await k.publishedVolume();
      await k.node.NodeUnpublishVolume({ volumeId: volume.volumeId, targetPath });
    },
  }),
  errorCase({
    id: 'csi.node.publish-volume.missing-volume-id',
    title: 'NodePublishVolume without a volume id is rejected as invalid',
    rpc: PUB, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT',
    setup: (k) => k.targetPath(),
    call: (k, target) => k.node.NodePublishVolume({ volumeId: '', targetPath: target, volumeCapability: k.capability() }),
  }),
  errorCase({
    id: 'csi.node.publish-volume.missing-target',
    title: 'NodePublishVolume without a target path is rejected as invalid',
    rpc: PUB, what: 'without target_path', rule: 'target_path is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE, uses: ['CreateVolume'],
    setup: async (k) => {
      const volume = await k.createVolume();
      return { volume, ready: await k.nodeReady(volume) };
    },
    call: (k, { volume, ready }) => k.node.NodePublishVolume(k.publishRequest(volume, ready, '')),
  }),
  errorCase({
    id: 'csi.node.publish-volume.missing-capability',
    title: 'NodePublishVolume without a volume capability is rejected as invalid',
    rpc: PUB, what: 'without volume_capability', rule: 'volume_capability is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE, uses: ['CreateVolume'],
    setup: async (k) => {
      const volume = await k.createVolume();
      return { volume, ready: await k.nodeReady(volume), target: await k.targetPath() };
    },
    call: (k, { volume, ready, target }) => {
      const request = k.publishRequest(volume, ready, target);
      delete request.volumeCapability;
      return k.node.NodePublishVolume(request);
    },
  }),
  errorCase({
    id: 'csi.node.publish-volume.unknown-volume',
    title: 'NodePublishVolume of a volume that does not exist reports it not found',
    rpc: PUB, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND',
    uses: ['ControllerPublishVolume'],
    setup: async (k) => ({ publishContext: await k.realPublishContext(), target: await k.targetPath(), staging: k.has('node.STAGE_UNSTAGE_VOLUME') ? await k.stagingPath() : undefined }),
    call: (k, { publishContext, target, staging }) =>
      k.node.NodePublishVolume({ volumeId: MISSING_ID, publishContext, targetPath: target, ...(staging ? { stagingTargetPath: staging } : {}), volumeCapability: k.capability() }),
  }),
  errorCase({
    id: 'csi.node.publish-volume.not-staged',
    profile: 'extended',
    tags: ['Feature:StageUnstage'],
    title: 'NodePublishVolume without staging first is refused when the plugin stages volumes',
    rpc: PUB, what: 'without a staging_target_path', rule: 'Staging target path not set: FAILED_PRECONDITION', code: 'FAILED_PRECONDITION',
    requires: [...CREATE_DELETE, 'node.STAGE_UNSTAGE_VOLUME'], uses: ['CreateVolume'],
    setup: async (k) => {
      const volume = await k.createVolume();
      const ready = await k.nodeReady(volume);
      return { volume, ready: { ...ready, stagingPath: undefined }, target: await k.targetPath() };
    },
    call: (k, { volume, ready, target }) => k.node.NodePublishVolume(k.publishRequest(volume, ready, target)),
  }),
  csiTest({
    id: 'csi.node.publish-volume.idempotent',
    title: 'Repeating NodePublishVolume with the same arguments keeps succeeding',
    spec: spec(PUB, 'idempotent: a volume already published at target_path replies OK'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [PUB],
    async run(ctx) {
      const k = csi(ctx);
      const published = await k.publishedVolume();
      await k.repeat(() => k.node.NodePublishVolume(k.publishRequest(published.volume, published, published.targetPath)));
    },
  }),
  errorCase({
    id: 'csi.node.publish-volume.incompatible-readonly',
    title: 'NodePublishVolume again at the same target with readonly flipped reports an incompatible publication',
    rpc: PUB, what: 'again with readonly flipped', rule: 'Volume published but is incompatible: ALREADY_EXISTS', code: 'ALREADY_EXISTS', requires: CREATE_DELETE, uses: ['CreateVolume'],
    setup: (k) => k.publishedVolume(),
    call: (k, published) => k.node.NodePublishVolume(k.publishRequest(published.volume, published, published.targetPath, { readonly: true })),
  }),
  errorCase({
    id: 'csi.node.publish-volume.wrong-access-type',
    profile: 'extended',
    tags: ['Feature:BlockVolume'],
    title: 'NodePublishVolume of a block volume with mount access is refused',
    rpc: PUB, what: 'of a block volume as mount', rule: 'Exceeds capabilities: FAILED_PRECONDITION', code: ['FAILED_PRECONDITION', 'INVALID_ARGUMENT'],
    requires: [...CREATE_DELETE, 'access-type.block', 'access-type.mount'], uses: ['CreateVolume'],
    setup: async (k) => {
      const capability = k.capability({ type: 'block' });
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      return { volume, ready: await k.nodeReady(volume, capability), target: await k.targetPath() };
    },
    call: (k, { volume, ready, target }) => k.node.NodePublishVolume(k.publishRequest(volume, ready, target, { volumeCapability: k.capability({ type: 'mount' }) })),
  }),
  csiTest({
    id: 'csi.node.publish-volume.readonly',
    title: 'NodePublishVolume can publish a volume read-only',
    spec: spec(PUB, 'readonly: the volume is published read-only'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [PUB],
    async run(ctx) {
      const k = csi(ctx);
      await k.publishedVolume({ readonly: true });
    },
  }),
  csiTest({
    id: 'csi.node.publish-volume.creates-target',
    title: 'NodePublishVolume creates the target path',
    spec: spec(PUB, 'creation of target_path is the responsibility of the SP'),
    profile: 'core',
    requires: [...CREATE_DELETE, 'config.path-check'],
    operations: [PUB],
    async run(ctx) {
      const k = csi(ctx);
      const { targetPath } = await k.publishedVolume();
      const kind = await k.env.paths.check(targetPath, ctx.signal);
      k.assert(kind !== 'not_found', `NodePublishVolume: target path ${targetPath} does not exist after publishing`);
    },
  }),
  errorCase({
    id: 'csi.node.unpublish-volume.missing-volume-id',
    title: 'NodeUnpublishVolume without a volume id is rejected as invalid',
    rpc: UNPUB, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT',
    setup: (k) => k.targetPath(),
    call: (k, target) => k.node.NodeUnpublishVolume({ volumeId: '', targetPath: target }),
  }),
  errorCase({
    id: 'csi.node.unpublish-volume.missing-target',
    title: 'NodeUnpublishVolume without a target path is rejected as invalid',
    rpc: UNPUB, what: 'without target_path', rule: 'target_path is REQUIRED', code: 'INVALID_ARGUMENT', requires: CREATE_DELETE, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.node.NodeUnpublishVolume({ volumeId: volume.volumeId, targetPath: '' }),
  }),
  errorCase({
    id: 'csi.node.unpublish-volume.unknown-volume',
    title: 'NodeUnpublishVolume of a volume that does not exist reports it not found',
    rpc: UNPUB, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND',
    setup: (k) => k.targetPath(),
    call: (k, target) => k.node.NodeUnpublishVolume({ volumeId: MISSING_ID, targetPath: target }),
  }),
  csiTest({
    id: 'csi.node.unpublish-volume.idempotent',
    title: 'Repeating NodeUnpublishVolume keeps succeeding',
    spec: spec(UNPUB, 'idempotent: a volume not published at target_path replies OK'),
    profile: 'core',
    requires: CREATE_DELETE,
    operations: [UNPUB, PUB],
    async run(ctx) {
      const k = csi(ctx);
      const { volume, targetPath } = await k.publishedVolume();
      await k.repeat(() => k.node.NodeUnpublishVolume({ volumeId: volume.volumeId, targetPath }));
    },
  }),
  csiTest({
    id: 'csi.node.unpublish-volume.removes-target',
    title: 'NodeUnpublishVolume removes the target path it created',
    spec: spec(UNPUB, 'the SP MUST delete the file or directory it created at target_path'),
    profile: 'core',
    requires: [...CREATE_DELETE, 'config.path-check'],
    operations: [UNPUB, PUB],
    async run(ctx) {
      const k = csi(ctx);
      const { volume, targetPath } = await k.publishedVolume();
      await k.node.NodeUnpublishVolume({ volumeId: volume.volumeId, targetPath });
      const kind = await k.env.paths.check(targetPath, ctx.signal);
      k.assert(kind === 'not_found', `NodeUnpublishVolume: target path ${targetPath} still exists (${kind})`);
    },
  }),
];
