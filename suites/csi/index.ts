// The CSI v1.12.0 conformance suite: every test, in a stable order.
import type { CsiTest } from './define.js';
import { capabilityTests } from './controller/capabilities.js';
import { contentSourceTests } from './controller/content-source.js';
import { createVolumeTests } from './controller/create-volume.js';
import { deleteVolumeTests } from './controller/delete-volume.js';
import { controllerExpandTests } from './controller/expand-volume.js';
import { getCapacityTests } from './controller/get-capacity.js';
import { getVolumeTests } from './controller/get-volume.js';
import { listSnapshotsTests } from './controller/list-snapshots.js';
import { listVolumesTests } from './controller/list-volumes.js';
import { modifyVolumeTests } from './controller/modify-volume.js';
import { controllerPublishTests } from './controller/publish.js';
import { snapshotTests } from './controller/snapshots.js';
import { validateTests } from './controller/validate.js';
import { errorStatusTests } from './general/error-status.js';
import { groupSnapshotTests } from './group/group-snapshots.js';
import { pluginCapabilityTests } from './identity/capabilities.js';
import { pluginInfoTests } from './identity/plugin-info.js';
import { accessModeTests } from './lifecycle/access-modes.js';
import { secretsTests } from './lifecycle/secrets.js';
import { snapshotMetadataTests } from './metadata/snapshot-metadata.js';
import { nodeInfoTests } from './node/get-info.js';
import { nodePublishTests } from './node/publish.js';
import { stageTests } from './node/stage.js';
import { statsExpandTests } from './node/stats-expand.js';

export const csiTests: readonly CsiTest[] = [
  ...pluginInfoTests,
  ...pluginCapabilityTests,
  ...errorStatusTests,
  ...capabilityTests,
  ...createVolumeTests,
  ...contentSourceTests,
  ...deleteVolumeTests,
  ...controllerPublishTests,
  ...validateTests,
  ...listVolumesTests,
  ...getCapacityTests,
  ...getVolumeTests,
  ...modifyVolumeTests,
  ...controllerExpandTests,
  ...snapshotTests,
  ...listSnapshotsTests,
  ...groupSnapshotTests,
  ...snapshotMetadataTests,
  ...nodeInfoTests,
  ...stageTests,
  ...nodePublishTests,
  ...statsExpandTests,
  ...accessModeTests,
  ...secretsTests,
];
