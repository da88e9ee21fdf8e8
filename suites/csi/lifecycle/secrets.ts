// Secrets: the configured secrets reach the plugin, and a plugin that requires them refuses calls
// without them. The suite passes secrets on every RPC that has the field (see docs/csi/options.md).
import { CREATE_DELETE, errorCase, SNAPSHOTS } from '../define.js';

const CODES = ['UNAUTHENTICATED', 'PERMISSION_DENIED', 'INVALID_ARGUMENT'] as const;
const tags = ['Feature:Secrets'];
const rule = 'secrets the plugin requires are missing: the call is refused';

export const secretsTests = [
  errorCase({
    id: 'csi.secrets.create-volume-without',
    profile: 'extended',
    title: 'CreateVolume without the required secrets is refused',
    rpc: 'CreateVolume', what: 'without secrets', rule, code: CODES, requires: [...CREATE_DELETE, 'config.secrets-required'], tags,
    call: (k) => k.controller.CreateVolume(k.volumeRequest({ secrets: {} })),
  }),
  errorCase({
    id: 'csi.secrets.create-volume-wrong',
    profile: 'extended',
    title: 'CreateVolume with wrong secret values is refused',
    rpc: 'CreateVolume', what: 'with wrong secret values', rule: 'secrets that do not authenticate: UNAUTHENTICATED', code: CODES, requires: [...CREATE_DELETE, 'config.secrets-required'], tags,
    call: (k) => {
      const configured = k.options.secretsByRpc.CreateVolume ?? {};
      const wrong = Object.fromEntries(Object.keys(configured).map((key) => [key, 'conformal-wrong-value']));
      return k.controller.CreateVolume(k.volumeRequest({ secrets: Object.keys(wrong).length > 0 ? wrong : { 'conformal-bogus': 'x' } }));
    },
  }),
  errorCase({
    id: 'csi.secrets.delete-volume-without',
    profile: 'extended',
    title: 'DeleteVolume without the required secrets is refused',
    rpc: 'DeleteVolume', what: 'without secrets', rule, code: CODES, requires: [...CREATE_DELETE, 'config.secrets-required'], tags, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.DeleteVolume({ volumeId: volume.volumeId, secrets: {} }),
  }),
  errorCase({
    id: 'csi.secrets.create-snapshot-without',
    profile: 'extended',
    title: 'CreateSnapshot without the required secrets is refused',
    rpc: 'CreateSnapshot', what: 'without secrets', rule, code: CODES, requires: [...SNAPSHOTS, 'config.secrets-required'], tags, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.CreateSnapshot(k.snapshotRequest(volume.volumeId, { secrets: {} })),
  }),
  errorCase({
    id: 'csi.secrets.node-stage-without',
    profile: 'extended',
    title: 'NodeStageVolume without the required secrets is refused',
    rpc: 'NodeStageVolume', what: 'without secrets', rule, code: CODES, requires: [...CREATE_DELETE, 'node.STAGE_UNSTAGE_VOLUME', 'config.secrets-required'], tags, uses: ['CreateVolume'],
    setup: async (k) => {
      const volume = await k.createVolume();
      let publishContext = {};
      if (k.has('controller.PUBLISH_UNPUBLISH_VOLUME')) {
        publishContext = (await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability() })).publishContext;
      }
      return { volume, publishContext, path: await k.stagingPath() };
    },
    call: (k, { volume, publishContext, path }) => k.node.NodeStageVolume({ volumeId: volume.volumeId, publishContext, stagingTargetPath: path, volumeCapability: k.capability(), secrets: {} }),
  }),
  errorCase({
    id: 'csi.secrets.controller-publish-without',
    profile: 'extended',
    title: 'ControllerPublishVolume without the required secrets is refused',
    rpc: 'ControllerPublishVolume', what: 'without secrets', rule, code: CODES, requires: [...CREATE_DELETE, 'controller.PUBLISH_UNPUBLISH_VOLUME', 'config.secrets-required'], tags, uses: ['CreateVolume'],
    setup: (k) => k.createVolume(),
    call: (k, volume) => k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability(), secrets: {} }),
  }),
];
