// Rules written on the messages of containers, mounts, images, exec and attach, stats and
// metrics, and pod checkpoints in api.proto.
import type { SpecRule } from '../../../src/core/rules.js';
import { ANNOTATIONS_IDENTICAL, BINDS_KUBELET, NOT_OBSERVABLE_ANNOTATIONS, WINDOWS_ONLY, tested, untested } from './rule.js';

const NO_IMAGE_VOLUMES = 'no test yet: the suite does not cover image volumes (KEP-4639)';
const STDIO_ONE_TRUE = 'One of `stdin`, `stdout`, and `stderr` MUST be true.';
const TTY_NO_STDERR = 'If `tty` is true, `stderr` MUST be false. Multiplexing is not supported in this case.';
const IMAGE_ID_MATCHES = 'This value MUST always match `PullImageResponse.image_ref` when referring to the same image.';

/** "Timestamp … Must be > 0." on every usage message of the stats. */
const timestampRule = (message: string, tests: readonly string[] | string): SpecRule =>
  typeof tests === 'string'
    ? untested(`stats.${message.toLowerCase().replace(/usage$/, '-usage')}.timestamp`, `${message}.timestamp`, 'MUST', 'Timestamp in nanoseconds at which the information were collected. Must be > 0.', tests)
    : tested(`stats.${message.toLowerCase().replace(/usage$/, '-usage')}.timestamp`, `${message}.timestamp`, 'MUST', 'Timestamp in nanoseconds at which the information were collected. Must be > 0.', tests);

export const containerMessageRules: readonly SpecRule[] = [
  untested('mount.missing-host-path', 'Mount.host_path', 'SHOULD', "If the image field below is nil and the host path doesn't exist, then runtimes should report an error.", 'no test yet: CreateContainer or StartContainer with a host_path that does not exist, then an error'),
  untested('mount.follow-symlink', 'Mount.host_path', 'SHOULD', 'If the hostpath is a symbolic link, runtimes should follow the symlink and mount the real destination to container.', 'no test yet: a host_path that is a symbolic link to a directory (node.local), then its files readable in the container'),
  untested('mount.recursive-read-only-requires', 'Mount.recursive_read_only', 'MUST', 'when set to true, readonly must be explicitly set to true, and propagation must be PRIVATE (0).', BINDS_KUBELET),
  untested('mount.image-no-host-path', 'Mount.image', 'SHOULD', 'If this field is set, then host_path should be unset.', BINDS_KUBELET),
  untested('mount.image-mounted', 'Mount.image', 'SHOULD', 'Runtimes are expected to mount the image as required.', NO_IMAGE_VOLUMES),
  untested('mount.image-sub-path-missing', 'Mount.image_sub_path', 'SHOULD', 'If the sub path is not empty and does not exist in the image, then runtimes should fail and return an error.', NO_IMAGE_VOLUMES),
  untested('mount.options-applied', 'Mount.mount_options', 'MUST', 'mount_options specifies additional bind mount options (e.g., noexec, nodev, nosuid) that the runtime must apply when mounting this volume into the container.', 'no test yet: only for runtimes whose Status sets features.mount_options; a noexec mount, then a script on it refused'),
  tested('image-spec.unknown-handler', 'ImageSpec.runtime_handler', 'SHOULD', 'Runtime handler to use for pulling the image. If the runtime handler is unknown, the request should be rejected.', ['cri.image.pull-unknown-handler']),
  untested('image-spec.image-ref', 'ImageSpec.image_ref', 'SHOULD', "The digest of the image used for this volume. It should have a value that's similar to the pod's status.containerStatuses[i].imageID.", NO_IMAGE_VOLUMES),
  untested('hugepage-limit.page-size', 'HugepageLimit.page_size', 'MUST', 'The value of PageSize has the format <size><unit-prefix>B (2MB, 1GB), and must match the <hugepagesize> of the corresponding control file found in `hugetlb.<hugepagesize>.limit_in_bytes`.', BINDS_KUBELET),
  tested('container-security.run-as-group-needs-user', 'LinuxContainerSecurityContext.run_as_group', 'MUST', 'run_as_group should only be specified when run_as_user or run_as_username is specified; otherwise, the runtime MUST error.', ['cri.security.run-as-group-needs-user']),
  tested('container-security.run-as-username', 'LinuxContainerSecurityContext.run_as_username', 'MUST', 'User name to run the container process as. If specified, the user MUST exist in the container image (i.e. in the /etc/passwd inside the image), and be resolved there by the runtime; otherwise, the runtime MUST error.', ['cri.security.unknown-username']),
  tested('container-security.no-new-privs', 'LinuxContainerSecurityContext.no_new_privs', 'SHOULD', 'no_new_privs defines if the flag for no_new_privs should be set on the container.', ['cri.security.no-new-privs']),
  untested('container-security.masked-paths', 'LinuxContainerSecurityContext.masked_paths', 'SHOULD', 'masked_paths is a slice of paths that should be masked by the container runtime, this can be passed directly to the OCI spec.', 'no test yet: a masked path, then reading it in the container gives nothing'),
  untested('container-security.readonly-paths', 'LinuxContainerSecurityContext.readonly_paths', 'SHOULD', 'readonly_paths is a slice of paths that should be set as readonly by the container runtime, this can be passed directly to the OCI spec.', 'no test yet: a read-only path, then a write to it refused in the container'),
  untested('windows-container.run-as-username', 'WindowsContainerSecurityContext.run_as_username', 'MUST', 'User name to run the container process as. If specified, the user MUST exist in the container image and be resolved there by the runtime; otherwise, the runtime MUST return error.', WINDOWS_ONLY),
  tested('container-config.metadata-identifies', 'ContainerConfig.metadata', 'SHOULD', 'Metadata of the container. This information will uniquely identify the container, and the runtime should leverage this to ensure correct operation.', ['cri.container.duplicate-name']),
  tested('container-config.annotations-returned', 'ContainerConfig.annotations', 'MUST', 'Annotations MUST NOT be altered by the runtime; the annotations stored here MUST be returned in the ContainerStatus associated with the container this ContainerConfig creates.', ['cri.container.labels-annotations']),
  untested('container-config.annotations-no-influence', 'ContainerConfig.annotations', 'SHOULD NOT', 'In general, in order to preserve a well-defined interface between the kubelet and the container runtime, annotations SHOULD NOT influence runtime behaviour.', NOT_OBSERVABLE_ANNOTATIONS),
  tested('container.annotations-identical', 'Container.annotations', 'MUST', `${ANNOTATIONS_IDENTICAL} ContainerConfig used to instantiate this Container.`, ['cri.container.labels-annotations']),
  tested('container.image-id', 'Container.image_id', 'MUST', IMAGE_ID_MATCHES, ['cri.container.image-id']),
  tested('container-status.exit-code', 'ContainerStatus.exit_code', 'REQUIRED', 'Exit code of the container. Only required when finished_at != 0.', ['cri.container.exit-code']),
  untested('container-status.oom-killed', 'ContainerStatus.reason', 'MUST', 'Must be set to "OOMKilled" for containers terminated by cgroup-based Out-of-Memory killer.', 'no test yet: a container that allocates past its memory limit, then reason OOMKilled (the reference runtime simulates processes and has no OOM killer)'),
  tested('container-status.annotations-identical', 'ContainerStatus.annotations', 'MUST', `${ANNOTATIONS_IDENTICAL} ContainerConfig used to instantiate the Container this status represents.`, ['cri.container.labels-annotations']),
  tested('container-status.image-id', 'ContainerStatus.image_id', 'MUST', IMAGE_ID_MATCHES, ['cri.container.image-id']),
  tested('container-status.info-json', 'ContainerStatusResponse.info', 'SHOULD', 'The key could be arbitrary string, and value should be in json format.', ['cri.runtime.info-json']),
  tested('container-status.info-verbose-only', 'ContainerStatusResponse.info', 'SHOULD', 'It should only be returned non-empty when Verbose is true.', ['cri.runtime.info-only-verbose']),
  untested('exec-sync.cap-output', 'ExecSyncResponse.stdout', 'SHOULD', 'The runtime should cap the output of this response to 16MB. If the stdout of the command produces more than 16MB, the remaining output should be discarded, and the command should proceed with no error.', 'no test yet: ExecSync of a command writing more than 16 MiB, then at most 16 MiB and exit code 0'),
  tested('exec.one-stream', 'ExecRequest', 'MUST', STDIO_ONE_TRUE, ['cri.streaming.exec-invalid']),
  untested('exec.tty-no-stderr', 'ExecRequest.stderr', 'MUST', TTY_NO_STDERR, BINDS_KUBELET),
  tested('attach.one-stream', 'AttachRequest', 'MUST', STDIO_ONE_TRUE, ['cri.streaming.attach-invalid']),
  untested('attach.tty-matches-config', 'AttachRequest.tty', 'MUST', 'Whether the process being attached is running in a TTY. This must match the TTY setting in the ContainerConfig.', BINDS_KUBELET),
  untested('attach.tty-no-stderr', 'AttachRequest.stderr', 'MUST', TTY_NO_STDERR, BINDS_KUBELET),
  tested('image.id', 'Image.id', 'MUST', IMAGE_ID_MATCHES, ['cri.container.image-id']),
  tested('image.size', 'Image.size', 'MUST', 'Size of the image in bytes. Must be > 0.', ['cri.image.pull-tag']),
  untested('image.pinned-removable', 'Image.pinned', 'MUST', 'It must only be treated as a recommendation -- the client can still request that the image be deleted, and the runtime must oblige.', 'runtimes pin only their own sandbox image; removing it to test the rule would break the pods of the node, and the test images are never pinned'),
  tested('container-attributes.annotations-identical', 'ContainerAttributes.annotations', 'MUST', `${ANNOTATIONS_IDENTICAL} ContainerConfig used to instantiate the Container this status represents.`, ['cri.stats.container-annotations']),
  timestampRule('CpuUsage', ['cri.stats.container']),
  timestampRule('MemoryUsage', ['cri.stats.container']),
  timestampRule('NetworkUsage', 'no test yet: cri.stats.sandbox checks the sandbox and its containers, not the network usage timestamp'),
  timestampRule('ProcessUsage', 'no test yet: cri.stats.sandbox checks the sandbox and its containers, not the process usage timestamp'),
  timestampRule('FilesystemUsage', ['cri.image.fs-info']),
  timestampRule('IoUsage', 'no test yet: IoUsage is reported only by runtimes with cgroup v2 I/O accounting; no test reads it'),
  timestampRule('SwapUsage', 'no test yet: no test reads the swap usage of a container'),
  timestampRule('WindowsCpuUsage', WINDOWS_ONLY),
  timestampRule('WindowsMemoryUsage', WINDOWS_ONLY),
  timestampRule('WindowsNetworkUsage', WINDOWS_ONLY),
  timestampRule('WindowsProcessUsage', WINDOWS_ONLY),
  timestampRule('WindowsFilesystemUsage', WINDOWS_ONLY),
  tested('metric-descriptor.declared-labels', 'MetricDescriptor.label_keys', 'SHOULD', 'When a metric uses this metric descriptor, it should only define labels that have previously been declared in label_keys.', ['cri.metrics.descriptors']),
  tested('metric.described-name', 'Metric.name', 'MUST', 'Name must match a name previously returned in a MetricDescriptors call, otherwise, it will be ignored.', ['cri.metrics.descriptors']),
  untested('metric.timestamp', 'Metric.timestamp', 'SHOULD', 'Timestamp should be 0 if the metric was gathered live. If it was cached, the Timestamp should reflect the time in nanoseconds it was collected.', 'a client cannot tell a metric gathered live from a cached one, so no value of the timestamp is wrong from outside'),
  untested('checkpoint-pod.output-path', 'CheckpointPodRequest.output_path', 'MUST', 'Absolute path to an existing, empty directory where the runtime must write the checkpoint.', 'no test yet: cri.checkpoint.pod-restore checks that a checkpoint exists at output_path after the call'),
  untested('checkpoint-pod.no-remove-directory', 'CheckpointPodRequest.output_path', 'MUST NOT', 'The runtime must not remove the directory.', 'no test yet: a failed CheckpointPod, then the output directory still there'),
  untested('checkpoint-pod.write-inside', 'CheckpointPodRequest.output_path', 'MUST', 'The runtime must not write outside this directory and must remove partial artifacts before returning an error.', 'no test yet: a failed CheckpointPod, then an empty output directory and nothing new beside it'),
  untested('checkpoint-pod.containers-list', 'CheckpointPodRequest.container_ids', 'MUST', 'The list must be non-empty, must not contain duplicates, and must contain exactly the running containers selected by the caller.', BINDS_KUBELET),
  tested('checkpoint-pod.containers-running', 'CheckpointPodRequest.container_ids', 'MUST', 'Every container must belong to `pod_sandbox_id` and be running; otherwise the runtime must fail the request without producing a checkpoint.', ['cri.checkpoint.pod-foreign-container']),
  untested('checkpoint-pod.reject-options', 'CheckpointPodRequest.options', 'MUST', 'The runtime must reject unsupported or invalid keys and values rather than silently ignore them. Options must not contain secrets.', 'no test yet: CheckpointPod with an option key no runtime defines, then an error'),
  untested('restore-pod.no-modify', 'RestorePodRequest.checkpoint_path', 'MUST NOT', 'The runtime must not modify the checkpoint data.', 'no test yet: the checkpoint files hashed before and after RestorePod'),
  tested('restore-pod.compatible-handler', 'RestorePodRequest.runtime_handler', 'MUST', 'The selected handler must be compatible with the checkpoint; the runtime must reject a checkpoint it cannot restore.', ['cri.checkpoint.restore-error-cleans-up']),
  tested('restore-pod.reject-unknown-handler', 'RestorePodRequest.runtime_handler', 'MUST', 'The runtime must reject an unknown non-empty handler.', ['cri.checkpoint.restore-unknown-handler']),
  untested('restore-pod.reject-options', 'RestorePodRequest.options', 'MUST', 'The runtime must reject unsupported or invalid keys and values rather than silently ignore them. Options must not contain secrets.', 'no test yet: RestorePod with an option key no runtime defines, then an error'),
  untested('restore-pod.container-configs', 'RestorePodRequest.container_configs', 'MUST', 'The list must be non-empty. Every entry must have a non-empty, unique metadata name, and those names must be the exact set of container names in the checkpoint.', BINDS_KUBELET),
  untested('restore-pod.match-by-name', 'RestorePodRequest.container_configs', 'MUST', 'The runtime must match containers by metadata name.', 'no test yet: cri.checkpoint.pod-restore restores one container, so no mix-up of names can show'),
  untested('restore-pod.mismatch-fails', 'RestorePodRequest.container_configs', 'MUST', 'they must not start or mutate it, and any mismatch the runtime can validate must fail the restore.', 'no test yet: RestorePod with a container config whose image differs from the checkpoint, then an error'),
  untested('restore-pod.incompatible-settings', 'RestorePodRequest.container_configs', 'MUST', 'The runtime applies restore-time settings outside checkpoint-owned process state, including labels, annotations, mounts, devices, Linux resources, logging, and security constraints, and must fail settings incompatible with the checkpoint.', 'no test yet: which settings are incompatible with a checkpoint is runtime-defined'),
  tested('restore-pod-response.containers', 'RestorePodResponse.restored_containers', 'MUST', 'This must contain exactly one entry for every request.container_configs entry. Names and container IDs must each be non-empty and unique.', ['cri.checkpoint.restore-created']),
];
