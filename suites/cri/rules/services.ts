// Rules written on the RPCs of RuntimeService and ImageService in api.proto.
import type { SpecRule } from '../../../src/core/rules.js';
import { BINDS_KUBELET, STREAM_EOF, STREAM_EXACTLY_ONCE, tested, untested } from './rule.js';

const streamRules = (rpc: string, name: string, tests: readonly string[]): SpecRule[] => [
  tested(`${name}.exactly-once`, `RuntimeService.${rpc}`, 'MUST', STREAM_EXACTLY_ONCE, tests),
  // The suite collects a stream until it ends: a stream never closed runs into the test's deadline.
  tested(`${name}.eof`, `RuntimeService.${rpc}`, 'MUST', STREAM_EOF, tests),
];

export const serviceRules: readonly SpecRule[] = [
  tested('run-pod-sandbox.ready', 'RuntimeService.RunPodSandbox', 'MUST', 'RunPodSandbox creates and starts a pod-level sandbox. Runtimes must ensure the sandbox is in the ready state on success.', ['cri.sandbox.run-ready']),
  tested('stop-pod-sandbox.terminates-containers', 'RuntimeService.StopPodSandbox', 'MUST', 'If there are any running containers in the sandbox, they must be forcibly terminated.', ['cri.sandbox.stop-stops-containers']),
  tested('stop-pod-sandbox.idempotent', 'RuntimeService.StopPodSandbox', 'MUST NOT', 'This call is idempotent, and must not return an error if all relevant resources have already been reclaimed.', ['cri.idempotence.stop-sandbox-twice', 'cri.idempotence.stop-unknown-sandbox']),
  tested('remove-pod-sandbox.removes-containers', 'RuntimeService.RemovePodSandbox', 'MUST', 'RemovePodSandbox removes the sandbox. If there are any running containers in the sandbox, they must be forcibly terminated and removed.', ['cri.sandbox.remove-removes-containers']),
  tested('remove-pod-sandbox.idempotent', 'RuntimeService.RemovePodSandbox', 'MUST NOT', 'This call is idempotent, and must not return an error if the sandbox has already been removed.', ['cri.idempotence.remove-sandbox']),
  ...streamRules('StreamPodSandboxes', 'stream-pod-sandboxes', ['cri.streaming-list.sandboxes']),
  // A busybox `sleep` as PID 1 has no SIGTERM handler, so a 1 s grace period ends only by a kill.
  tested('stop-container.kill-after-grace', 'RuntimeService.StopContainer', 'MUST', 'The runtime must forcibly kill the container after the grace period is reached.', ['cri.container.stop']),
  tested('stop-container.idempotent', 'RuntimeService.StopContainer', 'MUST NOT', 'This call is idempotent, and must not return an error if the container has already been stopped.', ['cri.idempotence.stop-container-twice', 'cri.idempotence.stop-unknown-container']),
  tested('remove-container.forcibly', 'RuntimeService.RemoveContainer', 'MUST', 'RemoveContainer removes the container. If the container is running, the container must be forcibly removed.', ['cri.container.remove-running']),
  tested('remove-container.idempotent', 'RuntimeService.RemoveContainer', 'MUST NOT', 'This call is idempotent, and must not return an error if the container has already been removed.', ['cri.idempotence.remove-container']),
  ...streamRules('StreamContainers', 'stream-containers', ['cri.streaming-list.containers']),
  tested('reopen-container-log.no-file-after-error', 'RuntimeService.ReopenContainerLog', 'MUST NOT', 'Once it returns error, new container log file MUST NOT be created.', ['cri.logs.reopen-error-no-file']),
  ...streamRules('StreamContainerStats', 'stream-container-stats', ['cri.streaming-list.stats']),
  ...streamRules('StreamPodSandboxStats', 'stream-pod-sandbox-stats', ['cri.streaming-list.stats']),
  untested('checkpoint-pod.caller-deadline', 'RuntimeService.CheckpointPod', 'MUST', 'CheckpointPod creates a Pod-level checkpoint. The caller must set a deadline on the call.', BINDS_KUBELET),
  untested('checkpoint-pod.running', 'RuntimeService.CheckpointPod', 'MUST', 'The pod sandbox and containers must be running when the call starts.', BINDS_KUBELET),
  untested(
    'checkpoint-pod.pause-all',
    'RuntimeService.CheckpointPod',
    'MUST',
    'The runtime must pause every selected container before capturing any of them, keep all selected containers paused until every selected container has been captured, and resume all of them before returning on success, error, or deadline expiry.',
    'the CRI has no paused container state, so no client can tell when a container was paused or resumed',
  ),
  untested('restore-pod.caller-deadline', 'RuntimeService.RestorePod', 'MUST', 'RestorePod prepares a pod sandbox and containers from a checkpoint. The caller must set a deadline on the call.', BINDS_KUBELET),
  tested('restore-pod.created-state', 'RuntimeService.RestorePod', 'MUST', 'On success, every returned container must be in the CREATED state and must not have executed the restored process; the caller invokes its pre-start hooks and then calls StartContainer for each returned ID.', ['cri.checkpoint.restore-created']),
  tested('restore-pod.cleanup-on-error', 'RuntimeService.RestorePod', 'MUST', 'On error, the runtime must remove any sandbox and containers created by the call before returning.', ['cri.checkpoint.restore-error-cleans-up']),
  untested('list-metric-descriptors.static', 'RuntimeService.ListMetricDescriptors', 'SHOULD', 'This list should be static at startup: either the client and server restart together when adding or removing metrics descriptors, or they should not change.', 'it spans the runtime\'s whole life, of which a run sees seconds; cri.metrics.descriptors checks every metric has a descriptor'),
  ...streamRules('StreamPodSandboxMetrics', 'stream-pod-sandbox-metrics', ['cri.streaming-list.metrics']),
  untested('runtime-config.static', 'RuntimeService.RuntimeConfig', 'SHOULD', 'The Kubelet will not re-request the RuntimeConfiguration after startup, and CRI implementations should avoid updating them without a full node reboot.', 'it spans the node\'s life between reboots, of which a run sees seconds; cri.runtime.runtime-config compares two answers within the run'),
  ...streamRules('StreamImages', 'stream-images', ['cri.streaming-list.images']),
  tested('pull-image.returns-ref', 'PullImageResponse.image_ref', 'MUST', 'When referring to the same image, the container runtime MUST always return the same value for: - Image.id - Container.image_id - ContainerStatus.image_id - PullImageResponse.image_ref', ['cri.container.image-id']),
  tested('remove-image.idempotent', 'ImageService.RemoveImage', 'MUST NOT', 'This call is idempotent, and must not return an error if the image has already been removed.', ['cri.idempotence.remove-unknown-image']),
  tested('remove-image.all-tags', 'ImageService.RemoveImage', 'MUST', 'Note that if the image is referenced by multiple tags (even across different repositories if they resolve to the same image digest), removing the image by a single tag will remove all of its tags.', ['cri.image.remove-all-tags']),
  tested('remove-image.gone', 'ImageService.RemoveImage', 'MUST', 'The next call to ListImages, ImageStatus, ImageFsInfo will not return this image.', ['cri.image.remove', 'cri.image.remove-by-id']),
];
