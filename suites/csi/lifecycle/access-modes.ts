// Full lifecycle per access mode and access type: create, (controller publish), (stage), publish,
// then everything undone in reverse by explicit calls — not left to cleanup as csi-sanity did.
import { ACCESS_MODES, ACCESS_TYPES, type AccessModeName, type AccessType } from '../../../src/interfaces/csi/types.js';
import { CREATE_DELETE, csi, csiTest, errorCase, spec, type CsiTest } from '../define.js';

const READ_ONLY_MODES: ReadonlySet<AccessModeName> = new Set(['SINGLE_NODE_READER_ONLY', 'MULTI_NODE_READER_ONLY']);
const slug = (mode: string) => mode.toLowerCase().replace(/_/g, '-');

function lifecycle(mode: AccessModeName, type: AccessType): CsiTest {
  // Mount volumes with SINGLE_NODE_WRITER are what every driver serves; other modes and block are features.
  const core = mode === 'SINGLE_NODE_WRITER' && type === 'mount';
  return csiTest({
    id: `csi.lifecycle.${type}.${slug(mode)}`,
    title: `A ${type} volume with ${mode} access goes through its whole lifecycle`,
    spec: spec('Volume Lifecycle', `${mode} ${type} volume: create, publish, use, unpublish, delete`),
    profile: core ? 'core' : 'extended',
    requires: [...CREATE_DELETE, `access-type.${type}`, `access-mode.${mode}`],
    tags: core ? [] : [...(mode === 'SINGLE_NODE_WRITER' ? [] : ['Feature:AccessModes']), ...(type === 'block' ? ['Feature:BlockVolume'] : [])],
    operations: ['CreateVolume', 'ControllerPublishVolume', 'NodeStageVolume', 'NodePublishVolume', 'NodeUnpublishVolume', 'NodeUnstageVolume', 'ControllerUnpublishVolume', 'DeleteVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const capability = k.capability({ type, mode });
      const readonly = READ_ONLY_MODES.has(mode);
      const published = await k.publishedVolume({ capability, readonly });
      const { volume, targetPath, stagingPath } = published;
      await k.node.NodeUnpublishVolume({ volumeId: volume.volumeId, targetPath });
      if (stagingPath) await k.node.NodeUnstageVolume({ volumeId: volume.volumeId, stagingTargetPath: stagingPath });
      if (k.has('controller.PUBLISH_UNPUBLISH_VOLUME')) await k.controller.ControllerUnpublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId });
      await k.controller.DeleteVolume({ volumeId: volume.volumeId });
    },
  });
}

/** Modes that allow several publications on one node; the others allow one writer. */
function secondTarget(mode: AccessModeName, allowed: boolean): CsiTest {
  const requires = [...CREATE_DELETE, `access-mode.${mode}`];
  if (allowed) {
    return csiTest({
      id: `csi.lifecycle.two-targets.${slug(mode)}`,
      title: `A ${mode} volume can be published at two target paths of one node`,
      spec: spec('NodePublishVolume', `${mode} allows more than one publication on a node`),
      profile: 'extended',
      requires,
      tags: ['Feature:AccessModes'],
      operations: ['NodePublishVolume'],
      async run(ctx) {
        const k = csi(ctx);
        const capability = k.capability({ mode });
        const first = await k.publishedVolume({ capability });
        await k.node.NodePublishVolume(k.publishRequest(first.volume, first, await k.targetPath()));
      },
    });
  }
  return errorCase({
    id: `csi.lifecycle.two-targets.${slug(mode)}`,
    title: `A ${mode} volume cannot be published for writing at a second target path`,
    rpc: 'NodePublishVolume', what: `of a ${mode} volume at a second target`, rule: `${mode}: one writer publication at a time; more exceeds the capability`,
    code: 'FAILED_PRECONDITION', requires, profile: 'extended', tags: ['Feature:AccessModes'],
    setup: async (k) => ({ first: await k.publishedVolume({ capability: k.capability({ mode }) }), target: await k.targetPath() }),
    call: (k, { first, target }) => k.node.NodePublishVolume(k.publishRequest(first.volume, first, target)),
  });
}

export const accessModeTests = [
  ...ACCESS_TYPES.flatMap((type) => ACCESS_MODES.map((mode) => lifecycle(mode, type))),
  secondTarget('MULTI_NODE_MULTI_WRITER', true),
  secondTarget('MULTI_NODE_READER_ONLY', true),
  secondTarget('SINGLE_NODE_MULTI_WRITER', true),
  secondTarget('SINGLE_NODE_SINGLE_WRITER', false),
  csiTest({
    id: 'csi.lifecycle.mount-group',
    title: 'NodePublishVolume accepts a volume mount group when the node advertises it',
    spec: spec('NodePublishVolume', 'VOLUME_MOUNT_GROUP: volume_mount_group of a mount capability is honoured'),
    profile: 'extended',
    requires: [...CREATE_DELETE, 'node.VOLUME_MOUNT_GROUP', 'access-type.mount'],
    tags: ['Feature:MountGroup'],
    operations: ['NodeStageVolume', 'NodePublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      await k.publishedVolume({ capability: k.capability({ type: 'mount', mountGroup: '2000' }) });
    },
  }),
  csiTest({
    id: 'csi.lifecycle.delete-published-volume',
    tags: ['Feature:ControllerPublish'],
    title: 'DeleteVolume of a volume still attached either succeeds or is refused as in use',
    spec: spec('DeleteVolume', 'a plugin that refuses to delete a volume in use answers FAILED_PRECONDITION'),
    profile: 'extended',
    requires: [...CREATE_DELETE, 'controller.PUBLISH_UNPUBLISH_VOLUME'],
    operations: ['DeleteVolume', 'ControllerPublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const volume = await k.createVolume();
      await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: k.capability() });
      try {
        await k.controller.DeleteVolume({ volumeId: volume.volumeId });
        ctx.log('DeleteVolume of an attached volume succeeded (allowed: the CO is the one that must detach first)');
      } catch (error) {
        // Refusing is allowed too, but only with the code the spec gives for "volume in use".
        await k.expectGrpcError(Promise.reject(error), 'FAILED_PRECONDITION', 'DeleteVolume of an attached volume');
      }
    },
  }),
  csiTest({
    id: 'csi.lifecycle.legacy-mode-with-controller-multi-writer',
    title: 'A controller advertising the single-node writer modes still provisions SINGLE_NODE_WRITER volumes',
    spec: spec('ControllerGetCapabilities', 'SINGLE_NODE_MULTI_WRITER: plugins MUST accept and allow use of SINGLE_NODE_WRITER'),
    profile: 'extended',
    requires: [...CREATE_DELETE, 'controller.SINGLE_NODE_MULTI_WRITER'],
    tags: ['Feature:AccessModes'],
    operations: ['CreateVolume', 'ValidateVolumeCapabilities', 'ControllerPublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const capability = k.capability({ mode: 'SINGLE_NODE_WRITER' });
      const volume = await k.createVolume({ volumeCapabilities: [capability] });
      const { confirmed } = await k.controller.ValidateVolumeCapabilities({ volumeId: volume.volumeId, volumeCapabilities: [capability] });
      k.assert(confirmed !== null, 'ValidateVolumeCapabilities: SINGLE_NODE_WRITER not confirmed although the controller must keep accepting it');
      if (k.has('controller.PUBLISH_UNPUBLISH_VOLUME')) {
        await k.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: k.nodeId, volumeCapability: capability });
      }
    },
  }),
  csiTest({
    id: 'csi.lifecycle.legacy-mode-with-node-multi-writer',
    title: 'A node advertising the single-node writer modes still publishes SINGLE_NODE_WRITER volumes',
    spec: spec('NodeGetCapabilities', 'SINGLE_NODE_MULTI_WRITER: plugins MUST accept and allow use of SINGLE_NODE_WRITER'),
    profile: 'extended',
    requires: [...CREATE_DELETE, 'node.SINGLE_NODE_MULTI_WRITER'],
    tags: ['Feature:AccessModes'],
    operations: ['NodePublishVolume'],
    async run(ctx) {
      const k = csi(ctx);
      await k.publishedVolume({ capability: k.capability({ mode: 'SINGLE_NODE_WRITER' }) });
    },
  }),
];
