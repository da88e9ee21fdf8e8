// TypeScript shapes of the runtime.v1 messages conformal reads and writes, as @grpc/proto-loader
// decodes them (camelCase fields, enums as names, int64 as numbers, defaults filled in responses).
// Requests are partial: proto3 treats a missing field as its default.

export type StringMap = Record<string, string>;

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type ContainerEventType = 'CONTAINER_CREATED_EVENT' | 'CONTAINER_STARTED_EVENT' | 'CONTAINER_STOPPED_EVENT' | 'CONTAINER_DELETED_EVENT';

export interface Int64Value {
  value: number;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt?: number;
}

export interface ContainerMetadata {
  name: string;
  attempt?: number;
}

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  targetId?: string;
  usernsOptions?: UserNamespace | null;
}

/** Host-to-container ID range of a user namespace. */
export interface IdMapping {
  hostId?: number;
  containerId?: number;
  length?: number;
}

/** The sandbox's user namespace: only POD (with mappings) and NODE are valid modes. */
export interface UserNamespace {
  mode?: NamespaceMode;
  uids?: IdMapping[];
  gids?: IdMapping[];
}

export interface SecurityProfile {
  profileType?: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  localhostRef?: string;
}

export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface PortMapping {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  containerPort?: number;
  hostPort?: number;
  hostIp?: string;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: StringMap;
  annotations?: StringMap;
  linux?: {
    cgroupParent?: string;
    securityContext?: {
      namespaceOptions?: NamespaceOption;
      runAsUser?: Int64Value;
      runAsGroup?: Int64Value;
      readonlyRootfs?: boolean;
      privileged?: boolean;
      seccomp?: SecurityProfile;
    };
    sysctls?: StringMap;
  };
}

export interface ImageSpec {
  image: string;
  annotations?: StringMap;
  userSpecifiedImage?: string;
  runtimeHandler?: string;
  imageRef?: string;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  propagation?: MountPropagation;
  /** With readonly: mounts below the host path are read-only too. */
  recursiveReadOnly?: boolean;
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
}

export interface LinuxContainerSecurityContext {
  capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
  privileged?: boolean;
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  supplementalGroupsPolicy?: 'Merge' | 'Strict';
  noNewPrivs?: boolean;
  seccomp?: SecurityProfile;
  /** Paths the runtime must mask (bind /dev/null or an empty tmpfs over them). */
  maskedPaths?: string[];
  /** Paths the runtime must make read-only. */
  readonlyPaths?: string[];
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: Array<{ key: string; value: string }>;
  mounts?: Mount[];
  labels?: StringMap;
  annotations?: StringMap;
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: { resources?: LinuxContainerResources; securityContext?: LinuxContainerSecurityContext };
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: StringMap;
  annotations: StringMap;
  runtimeHandler: string;
}

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  network: { ip: string; additionalIps: Array<{ ip: string }> } | null;
  linux: { namespaces: { options: NamespaceOption | null } | null } | null;
  labels: StringMap;
  annotations: StringMap;
  runtimeHandler: string;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec | null;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: StringMap;
  annotations: StringMap;
  imageId: string;
}

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: ImageSpec | null;
  imageRef: string;
  reason: string;
  message: string;
  labels: StringMap;
  annotations: StringMap;
  mounts: Mount[];
  logPath: string;
  resources: { linux: LinuxContainerResources | null } | null;
  imageId: string;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  uid: Int64Value | null;
  username: string;
  spec: ImageSpec | null;
  pinned: boolean;
}

export interface UInt64Value {
  value: number;
}

export interface FilesystemUsage {
  timestamp: number;
  fsId: { mountpoint: string } | null;
  usedBytes: UInt64Value | null;
  inodesUsed: UInt64Value | null;
}

export interface ContainerStats {
  attributes: { id: string; metadata: ContainerMetadata; labels: StringMap; annotations: StringMap } | null;
  cpu: { timestamp: number; usageCoreNanoSeconds: UInt64Value | null; usageNanoCores: UInt64Value | null } | null;
  memory: { timestamp: number; workingSetBytes: UInt64Value | null; usageBytes: UInt64Value | null } | null;
  writableLayer: FilesystemUsage | null;
}

export interface PodSandboxStats {
  attributes: { id: string; metadata: PodSandboxMetadata; labels: StringMap; annotations: StringMap } | null;
  linux: { cpu: ContainerStats['cpu']; memory: ContainerStats['memory']; containers: ContainerStats[] } | null;
}

export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: StringMap;
  runtimeHandlers: Array<{ name: string; features: { recursiveReadOnlyMounts: boolean; userNamespaces: boolean } | null }>;
  features: { supplementalGroupsPolicy: boolean } | null;
}

export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface ContainerEventResponse {
  containerId: string;
  containerEventType: ContainerEventType;
  createdAt: number;
  podSandboxStatus: PodSandboxStatus | null;
  containersStatuses: ContainerStatus[];
}

export interface MetricDescriptor {
  name: string;
  help: string;
  labelKeys: string[];
}

/** Filters as sent: the state filters wrap the enum in a message. */
export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  labelSelector?: StringMap;
}

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState };
  podSandboxId?: string;
  labelSelector?: StringMap;
}
