// Node: NodeStageVolume and NodeUnstageVolume.
import { CREATE_DELETE, csi, csiTest, errorCase, MISSING_ID, spec } from '../define.js';

const STAGE = 'NodeStageVolume';
const UNSTAGE = 'NodeUnstageVolume';
const STAGING = [...CREATE_DELETE, 'node.STAGE_UNSTAGE_VOLUME'] as const;
// Staging is optional in CSI (node.STAGE_UNSTAGE_VOLUME): every test here is of that feature.
const STAGE_UNSTAGE_FEATURE = { profile: 'extended', tags: ['Feature:StageUnstage'] } as const;

export const stageTests = [
  csiTest({
    id: 'csi.node.stage-volume.basic',
    tags: ['Feature:StageUnstage'],
    title: 'NodeStageVolume stages a volume and NodeUnstageVolume releases it',
    spec: spec(STAGE, 'the volume is staged at staging_target_path; NodeUnstageVolume undoes it'),
    profile: 'extended',
    requires: STAGING,
    operations: [STAGE, UNSTAGE, 'CreateVolume', 'ControllerPublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const ready = await k.nodeReady(volume);
      await k.node.NodeUnstageVolume({ volumeId: volume.volumeId, stagingTargetPath: ready.stagingPath! });
    },
  }),
  errorCase({
    id: 'csi.node.stage-volume.missing-volume-id',
    ...STAGE_UNSTAGE_FEATURE,
    title: 'NodeStageVolume without a volume id is rejected as invalid',
    rpc: STAGE, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: ['node.STAGE_UNSTAGE_VOLUME'],
    setup: (k) => k.stagingPath(),
    call: (k, path) => k.node.NodeStageVolume({ volumeId: '', stagingTargetPath: path, volumeCapability: k.capability() }),
  }),
  errorCase({
    id: 'csi.node.stage-volume.missing-path',
    ...STAGE_UNSTAGE_FEATURE,
    title: 'NodeStageVolume without a staging path is rejected as invalid',
    rpc: STAGE, what: 'without staging_target_path', rule: 'staging_target_path is REQUIRED', code: 'INVALID_ARGUMENT', requires: STAGING, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.node.NodeStageVolume({ volumeId: volume.volumeId, stagingTargetPath: '', volumeCapability: k.capability() }),
  }),
  errorCase({
    id: 'csi.node.stage-volume.missing-capability',
    ...STAGE_UNSTAGE_FEATURE,
    title: 'NodeStageVolume without a volume capability is rejected as invalid',
    rpc: STAGE, what: 'without volume_capability', rule: 'volume_capability is REQUIRED', code: 'INVALID_ARGUMENT', requires: STAGING, uses: ['CreateVolume'],
    setup: async (k) => ({ volume: await k.createVolume(), path: await k.stagingPath() }),
    call: (k, { volume, path }) => k.node.NodeStageVolume({ volumeId: volume.volumeId, stagingTargetPath: path }),
  }),
  errorCase({
    id: 'csi.node.stage-volume.unknown-volume',
    ...STAGE_UNSTAGE_FEATURE,
    title: 'NodeStageVolume of a volume that does not exist reports it not found',
    rpc: STAGE, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: ['node.STAGE_UNSTAGE_VOLUME'],
    uses: ['ControllerPublishVolume'],
    setup: async (k) => ({ publishContext: await k.realPublishContext(), path: await k.stagingPath() }),
    call: (k, { publishContext, path }) => k.node.NodeStageVolume({ volumeId: MISSING_ID, publishContext, stagingTargetPath: path, volumeCapability: k.capability() }),
  }),
  csiTest({
    id: 'csi.node.stage-volume.idempotent',
    tags: ['Feature:StageUnstage'],
    title: 'Repeating NodeStageVolume with the same arguments keeps succeeding',
    spec: spec(STAGE, 'idempotent: a volume already staged at the path replies OK'),
    profile: 'extended',
    requires: STAGING,
    operations: [STAGE],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const ready = await k.nodeReady(volume);
      await k.repeat(() => k.node.NodeStageVolume({
        volumeId: volume.volumeId, publishContext: ready.publishContext, stagingTargetPath: ready.stagingPath!, volumeCapability: ready.capability, volumeContext: volume.volumeContext,
      }));
    },
  }),
  errorCase({
    id: 'csi.node.stage-volume.incompatible',
    ...STAGE_UNSTAGE_FEATURE,
    title: 'NodeStageVolume again with another mount flag set reports an incompatible staging',
    rpc: STAGE, what: 'again with other mount flags', rule: 'Volume published but is incompatible: ALREADY_EXISTS', code: 'ALREADY_EXISTS',
    requires: [...STAGING, 'access-type.mount'], uses: ['CreateVolume'],
    setup: async (k) => {
      const capability = k.capability({ type: 'mount' });
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      const ready = await k.nodeReady(volume, capability);
      return { volume, ready };
    },
    call: (k, { volume, ready }) => k.node.NodeStageVolume({
      volumeId: volume.volumeId, publishContext: ready.publishContext, stagingTargetPath: ready.stagingPath!,
      volumeCapability: k.capability({ type: 'mount', mountFlags: ['ro', 'noexec'] }), volumeContext: volume.volumeContext,
    }),
  }),
  errorCase({
    id: 'csi.node.stage-volume.exceeds-capabilities',
    profile: 'extended',
    tags: ['Feature:StageUnstage', 'Feature:BlockVolume'],
    title: 'NodeStageVolume of a block volume with mount access is refused',
    rpc: STAGE, what: 'of a block volume as mount', rule: 'Exceeds capabilities: FAILED_PRECONDITION', code: ['FAILED_PRECONDITION', 'INVALID_ARGUMENT'],
    requires: [...STAGING, 'access-type.block', 'access-type.mount'], uses: ['CreateVolume', 'ControllerPublishVolume'],
    setup: async (k) => {
      const capability = k.capability({ type: 'block' });
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      let publishContext = {};
      if (k.has('controller.PUBLISH_UNPUBLISH_VOLUME')) {
        ({ publishContext } = await k.controller.ControllerPublishVolume({
          volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: capability, readonly: false, volumeContext: volume.volumeContext,
        }));
      }
      return { volume, publishContext, path: await k.stagingPath() };
    },
    call: (k, { volume, publishContext, path }) => k.node.NodeStageVolume({
      volumeId: volume.volumeId, publishContext, stagingTargetPath: path, volumeCapability: k.capability({ type: 'mount' }), volumeContext: volume.volumeContext,
    }),
  }),
  errorCase({
    id: 'csi.node.unstage-volume.unknown-volume',
    ...STAGE_UNSTAGE_FEATURE,
    title: 'NodeUnstageVolume of a volume that does not exist reports it not found',
    rpc: UNSTAGE, what: 'of an unknown volume', rule: 'Volume does not exist: NOT_FOUND', code: 'NOT_FOUND', requires: ['node.STAGE_UNSTAGE_VOLUME'],
    setup: (k) => k.stagingPath(),
    call: (k, path) => k.node.NodeUnstageVolume({ volumeId: MISSING_ID, stagingTargetPath: path }),
  }),
  errorCase({
    id: 'csi.node.unstage-volume.missing-volume-id',
    ...STAGE_UNSTAGE_FEATURE,
    title: 'NodeUnstageVolume without a volume id is rejected as invalid',
    rpc: UNSTAGE, what: 'without volume_id', rule: 'volume_id is REQUIRED', code: 'INVALID_ARGUMENT', requires: ['node.STAGE_UNSTAGE_VOLUME'],
    setup: (k) => k.stagingPath(),
    call: (k, path) => k.node.NodeUnstageVolume({ volumeId: '', stagingTargetPath: path }),
  }),
  errorCase({
    id: 'csi.node.unstage-volume.missing-path',
    ...STAGE_UNSTAGE_FEATURE,
    title: 'NodeUnstageVolume without a staging path is rejected as invalid',
    rpc: UNSTAGE, what: 'without staging_target_path', rule: 'staging_target_path is REQUIRED', code: 'INVALID_ARGUMENT', requires: STAGING, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.node.NodeUnstageVolume({ volumeId: volume.volumeId, stagingTargetPath: '' }),
  }),
  csiTest({
    id: 'csi.node.unstage-volume.idempotent',
    tags: ['Feature:StageUnstage'],
    title: 'Repeating NodeUnstageVolume keeps succeeding',
    spec: spec(UNSTAGE, 'idempotent: a volume not staged at the path replies OK'),
    profile: 'extended',
    requires: STAGING,
    operations: [UNSTAGE, STAGE],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      const ready = await k.nodeReady(volume);
      await k.repeat(() => k.node.NodeUnstageVolume({ volumeId: volume.volumeId, stagingTargetPath: ready.stagingPath! }));
    },
  }),
  csiTest({
    id: 'csi.node.unstage-volume.never-staged',
    tags: ['Feature:StageUnstage'],
    title: 'NodeUnstageVolume of a volume that was never staged succeeds',
    spec: spec(UNSTAGE, 'a volume not staged at staging_target_path replies OK'),
    profile: 'extended',
    requires: STAGING,
    operations: [UNSTAGE, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.node.NodeUnstageVolume({ volumeId: volume.volumeId, stagingTargetPath: await k.stagingPath() });
    },
  }),
];
