// Fault-injected variants of the reference runtime: each flag breaks one rule of the CRI so
// test/suites/cri/faults.test.ts can show the suite catches it.

export const CRI_FAULTS = {
  'remove-sandbox-not-idempotent': 'RemovePodSandbox of an unknown sandbox answers NOT_FOUND',
  'list-containers-ignores-label-filter': 'ListContainers ignores the label selector',
  'exec-sync-loses-exit-code': 'ExecSync always reports exit code 0',
  'sandbox-ready-after-stop': 'a stopped sandbox is still reported SANDBOX_READY',
  'logs-not-cri-format': 'container logs are written as raw lines, not in the CRI log format',
  'list-sandbox-ignores-state-filter': 'ListPodSandbox ignores the state filter',
  'stop-container-not-idempotent': 'StopContainer of an exited container fails',
  'image-status-missing-is-error': 'ImageStatus of an absent image answers NOT_FOUND instead of an empty image',
  'exec-sync-ignores-timeout': 'ExecSync ignores its timeout',
  'hostname-ignored': 'the sandbox hostname is not applied to containers',
  'run-as-user-ignored': 'run_as_user is ignored: processes run as root',
  'readonly-rootfs-ignored': 'readonly_rootfs is ignored',
  'annotations-dropped': 'PodSandboxStatus returns no annotations',
  'exec-url-dead': 'Exec returns a URL nobody serves',
  'events-skip-started': 'GetContainerEvents never sends CONTAINER_STARTED_EVENT',
  'container-stats-ignore-id-filter': 'ListContainerStats ignores the id filter',
  'port-mappings-ignored': 'RunPodSandbox accepts port mappings but binds no host port',
  'mount-propagation-ignored': 'private mounts also see host mounts made after the container started',
  'stop-sandbox-leaves-containers-running': 'StopPodSandbox leaves the containers of the sandbox running',
  'remove-sandbox-keeps-containers': 'RemovePodSandbox leaves the containers of the sandbox behind',
  'unknown-runtime-handler-accepted': 'RunPodSandbox accepts a runtime handler it does not have',
  'sandbox-attempt-dropped': 'PodSandboxStatus and ListPodSandbox report metadata.attempt as 0',
  'run-as-group-without-user-accepted': 'CreateContainer accepts run_as_group without run_as_user or run_as_username',
  'unknown-username-accepted': 'CreateContainer accepts a run_as_username the image does not have and runs as root',
  'sandbox-run-as-group-without-user-accepted': 'RunPodSandbox accepts run_as_group without run_as_user',
  'host-port-zero-refused': 'RunPodSandbox refuses a port mapping whose host_port is 0',
  'info-without-verbose': 'PodSandboxStatus returns its verbose info also when verbose is false',
  'runtime-handler-listed-twice': 'Status lists the runc runtime handler twice',
  'duplicate-container-name-accepted': 'CreateContainer accepts a second container with the name and attempt of one in the same sandbox',
  'attach-without-streams-accepted': 'Attach without stdin, stdout or stderr returns a URL',
  'reopen-log-error-creates-file': 'ReopenContainerLog of an exited container creates a new log file and then fails',
  'stats-container-annotations-dropped': 'ContainerStats attributes carry no annotations',
  'stats-sandbox-annotations-dropped': 'PodSandboxStats attributes carry no annotations',
  'info-not-json': 'the verbose info of PodSandboxStatus is plain text, not JSON',
  'runtime-version-not-semver': 'Version reports runtime_version "0.1", not a semantic version',
  'pull-unknown-handler-accepted': 'PullImage ignores an unknown runtime handler in its ImageSpec',
  'restore-pod-starts-containers': 'RestorePod starts the containers it restores',
  'restore-pod-leaves-sandbox-on-error': 'a RestorePod that fails leaves the sandbox it created',
  'remove-image-keeps-other-tags': 'RemoveImage by one tag removes only that tag; the image stays under its other tags',
  'checkpoint-pod-takes-foreign-containers': 'CheckpointPod checkpoints a container of another sandbox',
  'restore-pod-ignores-handler': 'RestorePod restores with the default handler when it is given one it does not have',
  'image-fs-mountpoint-missing': 'ImageFsInfo names a mountpoint that exists nowhere on the node (kubelet cannot stat it)',
  'container-image-id-not-pull-ref': "ContainerStatus and ListContainers report the image's repo digest as image_id, not PullImage's image_ref",
  'userns-mappings-ignored': 'a sandbox in POD user-namespace mode runs its containers with the node identity map, not its mappings',
  'userns-node-mode-private': 'a sandbox in NODE user-namespace mode gets a private user namespace',
  'userns-container-mode-accepted': 'RunPodSandbox accepts the user-namespace modes CONTAINER and TARGET',
} as const;

export type CriFault = keyof typeof CRI_FAULTS;

export function isCriFault(name: string): name is CriFault {
  return name in CRI_FAULTS;
}
