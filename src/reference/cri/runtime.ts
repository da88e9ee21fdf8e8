// The in-memory reference runtime: sandboxes, containers running simulated processes, logs,
// events, stats. Transport-free: services.ts maps it onto gRPC, streaming-server.ts onto HTTP.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname as nodeHostname, tmpdir } from 'node:os';
import { readlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { grpc } from '../../transport/grpc.js';
import type {
  ContainerConfig,
  ContainerEventType,
  ContainerFilter,
  ContainerState,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxState,
  StringMap,
} from '../../interfaces/cri/types.js';
import { containerPathExists, hostMountPoints, isMaskedPath, listContainerDir, makeContainerDir, readContainerFile, writeContainerFile, type FsView } from './container-fs.js';
import { CriLogWriter } from './cri-log.js';
import type { CriFault } from './faults.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import { openHostPorts } from './host-ports.js';
import type { PodAttachment, PodNetwork } from './pod-network.js';
import { loadSeccompProfile, nodeListeningSockets, nodeSharedMemory } from './node-view.js';
import { isKnownCommand, KILLED_EXIT_CODE, PidNamespace, resolveCommand, runProcess, type ProcessHost, type ProcessIO } from './processes.js';

/** A gRPC status to answer with; services.ts turns it into the call's error. */
export class CriStatusError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new CriStatusError(grpc.status.NOT_FOUND, `${what} not found`);
export const invalid = (message: string) => new CriStatusError(grpc.status.INVALID_ARGUMENT, message);
export const precondition = (message: string) => new CriStatusError(grpc.status.FAILED_PRECONDITION, message);

/** The runtime handlers the reference has: the default one ("") and "runc". */
export const KNOWN_HANDLERS: readonly string[] = ['', 'runc'];

export function nowNanos(): number {
  return Date.now() * 1_000_000;
}

export function newId(): string {
  return randomBytes(32).toString('hex');
}

/** Lines for a process's stdin, closed with null. */
export class StdinQueue {
  readonly #lines: string[] = [];
  readonly #waiters: Array<(line: string | null) => void> = [];
  #closed = false;

  push(text: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(text);
    else this.#lines.push(text);
  }

  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(null);
  }

  read(signal: AbortSignal): Promise<string | null> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#closed || signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve(null);
      };
      const waiter = (value: string | null) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }
}

export interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  runtimeHandler: string;
  state: PodSandboxState;
  createdAt: number;
  /** A loopback address of its own (127.88.x.y), so servers of the pod are reachable at pod IP and port. */
  ip: string;
  /** Container port -> where the simulated server listening there really is. */
  ports: Map<number, { host: string; port: number }>;
  /** The pod's PID namespace; PID 1 is the sandbox's own (pause) process. */
  pids: PidNamespace;
  /** Set by `hostname NAME` in a container of the pod (the pod's UTS namespace). */
  utsName?: string;
  /** Closes the host-port listeners of the port mappings. */
  closeHostPorts?: () => Promise<void>;
  /** The pod's network namespace and CNI addresses (with --cni-conf-dir), until DEL has run. */
  network?: PodAttachment;
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  image: ImageRecord;
  imageRef: string;
  /** Container.image_id: the id PullImage answered as image_ref. */
  imageId: string;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  resources: NonNullable<ContainerConfig['linux']>['resources'];
  layer: Map<string, Buffer>;
  log?: CriLogWriter;
  kill?: AbortController;
  stdin?: StdinQueue;
  /** Live output subscribers (Attach). */
  listeners: Set<(stream: 'stdout' | 'stderr', text: string) => void>;
  exited?: Promise<void>;
  pid: number;
  /** Host mount points at creation, for mount propagation. */
  mountPointsAtStart: ReadonlySet<string>;
  /** The container's own PID namespace (pid CONTAINER), made when it starts. */
  pids?: PidNamespace;
  /** System calls a Localhost seccomp profile denies (and, with a failing default, the ones it allows). */
  seccomp?: ReturnType<typeof loadSeccompProfile>;
  /** Bind mounts made inside the container (target -> source). */
  ownMounts: Map<string, string>;
  /** Set when a process went over the memory limit: the container ends as OOMKilled. */
  oomKilled?: boolean;
}

export type ContainerEvent = { containerId: string; type: ContainerEventType; createdAt: number; sandboxId: string };

const DEFAULT_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'NET_BIND_SERVICE', 'NET_RAW', 'SYS_CHROOT', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP'];
const CAPABILITY_BITS: Record<string, number> = {
  CHOWN: 0, DAC_OVERRIDE: 1, DAC_READ_SEARCH: 2, FOWNER: 3, FSETID: 4, KILL: 5, SETGID: 6, SETUID: 7, SETPCAP: 8, LINUX_IMMUTABLE: 9,
  NET_BIND_SERVICE: 10, NET_BROADCAST: 11, NET_ADMIN: 12, NET_RAW: 13, IPC_LOCK: 14, IPC_OWNER: 15, SYS_MODULE: 16, SYS_RAWIO: 17,
  SYS_CHROOT: 18, SYS_PTRACE: 19, SYS_PACCT: 20, SYS_ADMIN: 21, SYS_BOOT: 22, SYS_NICE: 23, SYS_RESOURCE: 24, SYS_TIME: 25,
  SYS_TTY_CONFIG: 26, MKNOD: 27, LEASE: 28, AUDIT_WRITE: 29, AUDIT_CONTROL: 30, SETFCAP: 31, MAC_OVERRIDE: 32, MAC_ADMIN: 33,
  SYSLOG: 34, WAKE_ALARM: 35, BLOCK_SUSPEND: 36, AUDIT_READ: 37, PERFMON: 38, BPF: 39, CHECKPOINT_RESTORE: 40,
};

function capabilityMask(names: Iterable<string>): bigint {
  let mask = 0n;
  for (const name of names) {
    const bit = CAPABILITY_BITS[name.toUpperCase().replace(/^CAP_/, '')];
    if (bit !== undefined) mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** Only containers with bind mounts need the node's mount table. */
function mountTableFor(config: ContainerConfig): ReadonlySet<string> {
  return config.mounts?.length ? hostMountPoints() : new Set();
}

/** The fields of the image's /etc/passwd line for this user name. */
function passwdEntry(image: ImageRecord, user: string): string[] | undefined {
  const passwd = image.files.get('/etc/passwd')?.toString() ?? '';
  return passwd.split('\n').map((line) => line.split(':')).find((fields) => fields[0] === user && fields.length > 2);
}

/** The /etc/passwd line of the image for this uid. */
function passwdEntryByUid(image: ImageRecord, uid: number): string[] | undefined {
  const passwd = image.files.get('/etc/passwd')?.toString() ?? '';
  return passwd.split('\n').map((line) => line.split(':')).find((fields) => fields[2] === String(uid) && fields.length > 3);
}

/** Groups of the image's /etc/group that list `user` as a member. */
function imageGroupsOf(image: ImageRecord, user: string): number[] {
  const groups = image.files.get('/etc/group')?.toString() ?? '';
  return groups
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => (fields[3] ?? '').split(',').includes(user))
    .map((fields) => Number(fields[2]));
}

function matchesLabels(labels: StringMap | undefined, selector: StringMap | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}

/** Upper bound of DEL and the namespace's removal in StopPodSandbox and RemovePodSandbox. */
const NETWORK_TEARDOWN_MS = 60_000;

/** 127.88.0.2, 127.88.0.3, …: every address of 127.0.0.0/8 is loopback on Linux. */
function podAddress(n: number): string {
  const host = 2 + (n % 65_000);
  return `127.88.${Math.floor(host / 254)}.${(host % 254) + 1}`;
}

export class ReferenceRuntime {
  readonly sandboxes = new Map<string, SandboxRecord>();
  readonly containers = new Map<string, ContainerRecord>();
  readonly #eventListeners = new Set<(event: ContainerEvent) => void>();
  /** The node's PID namespace, shared by containers with pid NODE. */
  readonly #nodePids = new PidNamespace();
  #nextIp = 0;

  constructor(
    readonly images: ImageStore,
    readonly faults: ReadonlySet<CriFault>,
    /**
     * A directory on the filesystem ImageFsInfo and the writable-layer stats name. Images and layers
     * live in memory, but kubelet stats this path to find the filesystem's device and capacity, so
     * it must exist on the node.
     */
    readonly fsRoot: string = tmpdir(),
    /** With a CNI configuration: pods get a network namespace and the addresses its plugins give. */
    readonly podNetwork?: PodNetwork,
  ) {}

  has(fault: CriFault): boolean {
    return this.faults.has(fault);
  }

  onEvent(listener: (event: ContainerEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  #emit(container: ContainerRecord, type: ContainerEventType): void {
    if (type === 'CONTAINER_STARTED_EVENT' && this.has('events-skip-started')) return;
    const event = { containerId: container.id, type, createdAt: nowNanos(), sandboxId: container.sandboxId };
    for (const listener of this.#eventListeners) listener(event);
  }

  // ---- sandboxes ----

  runSandbox(config: PodSandboxConfig | undefined, runtimeHandler: string): SandboxRecord {
    if (!config?.metadata?.name || !config.metadata.uid || !config.metadata.namespace) throw invalid('sandbox config metadata needs name, uid and namespace');
    if (!KNOWN_HANDLERS.includes(runtimeHandler) && !this.has('unknown-runtime-handler-accepted')) throw invalid(`runtime handler "${runtimeHandler}" is not configured`);
    if (this.has('host-port-zero-refused') && (config.portMappings ?? []).some((m) => !m.hostPort)) throw invalid('port mapping without a host port');
    const security = config.linux?.securityContext;
    if (security?.runAsGroup && !security.runAsUser && !this.has('sandbox-run-as-group-without-user-accepted')) throw invalid('sandbox run_as_group is set without run_as_user');
    const userns = security?.namespaceOptions?.usernsOptions;
    if (userns) {
      const mode = userns.mode ?? 'POD';
      if ((mode === 'CONTAINER' || mode === 'TARGET') && !this.has('userns-container-mode-accepted')) throw invalid(`user namespace mode ${mode} is not supported: only POD and NODE`);
      // One range each, from container ID 0: what kubelet sends and containerd and CRI-O accept.
      if (mode === 'POD' && (userns.uids?.length !== 1 || userns.gids?.length !== 1)) throw invalid('user namespace mode POD needs exactly one UID and one GID mapping');
      if (mode === 'POD' && (userns.uids![0]!.containerId !== 0 || userns.gids![0]!.containerId !== 0)) throw invalid('user namespace mappings must start at container ID 0');
    }
    const key = (c: PodSandboxConfig) => `${c.metadata.name}_${c.metadata.namespace}_${c.metadata.uid}_${c.metadata.attempt ?? 0}`;
    for (const other of this.sandboxes.values()) {
      if (key(other.config) === key(config)) throw new CriStatusError(grpc.status.ALREADY_EXISTS, `sandbox name ${key(config)} is reserved for ${other.id}`);
    }
    const pids = new PidNamespace();
    pids.start(['/pause']);
    const sandbox: SandboxRecord = {
      id: newId(),
      config,
      runtimeHandler,
      state: 'SANDBOX_READY',
      createdAt: nowNanos(),
      ip: podAddress(this.#nextIp++),
      ports: new Map(),
      pids,
    };
    this.sandboxes.set(sandbox.id, sandbox);
    return sandbox;
  }

  /**
   * With a pod network: the pod's namespace and ADD (not for pods on the node's network). A failure
   * fails RunPodSandbox and leaves no sandbox, as in containerd.
   */
  async attachNetwork(sandbox: SandboxRecord, signal: AbortSignal): Promise<void> {
    if (!this.podNetwork || sandbox.config.linux?.securityContext?.namespaceOptions?.network === 'NODE') return;
    try {
      sandbox.network = await this.podNetwork.setUp(sandbox.id, sandbox.config, signal);
    } catch (error) {
      this.sandboxes.delete(sandbox.id);
      throw new CriStatusError(grpc.status.UNKNOWN, `failed to set up the network of sandbox ${sandbox.config.metadata.name}: ${(error as Error).message}`);
    }
  }

  /** DEL and the namespace's removal, once; a failed DEL is tried again by the next Stop or Remove. */
  async #detachNetwork(sandbox: SandboxRecord): Promise<void> {
    const pod = sandbox.network;
    if (!pod || !this.podNetwork) return;
    try {
      await this.podNetwork.tearDown(pod, sandbox.config, AbortSignal.timeout(NETWORK_TEARDOWN_MS));
    } catch (error) {
      throw new CriStatusError(grpc.status.UNKNOWN, `failed to tear down the network of sandbox ${sandbox.id}: ${(error as Error).message}`);
    }
    sandbox.network = undefined;
  }

  /** Binds the sandbox's host ports (loopback only); a port in use fails RunPodSandbox. */
  async openPortMappings(sandbox: SandboxRecord): Promise<void> {
    if (this.has('port-mappings-ignored')) return;
    try {
      sandbox.closeHostPorts = await openHostPorts(sandbox.config.portMappings ?? [], (port) => sandbox.ports.get(port));
    } catch (error) {
      await this.#detachNetwork(sandbox).catch(() => undefined);
      this.sandboxes.delete(sandbox.id);
      throw new CriStatusError(grpc.status.UNKNOWN, `port mappings of sandbox ${sandbox.config.metadata.name}: ${(error as Error).message}`);
    }
  }

  sandbox(id: string): SandboxRecord {
    const sandbox = this.sandboxes.get(id) ?? [...this.sandboxes.values()].find((s) => id.length >= 6 && s.id.startsWith(id));
    if (!sandbox) throw notFound(`sandbox ${JSON.stringify(id)}`);
    return sandbox;
  }

  async stopSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    if (!this.has('stop-sandbox-leaves-containers-running')) for (const container of this.containersOf(id)) await this.stopContainer(container.id, 0);
    await sandbox.closeHostPorts?.();
    sandbox.closeHostPorts = undefined;
    await this.#detachNetwork(sandbox);
    if (!this.has('sandbox-ready-after-stop')) sandbox.state = 'SANDBOX_NOTREADY';
  }

  async removeSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) {
      if (this.has('remove-sandbox-not-idempotent')) throw notFound(`sandbox ${id}`);
      return;
    }
    if (!this.has('remove-sandbox-keeps-containers')) for (const container of this.containersOf(id)) await this.removeContainer(container.id);
    await sandbox.closeHostPorts?.();
    await this.#detachNetwork(sandbox);
    this.sandboxes.delete(id);
  }

  listSandboxes(filter: PodSandboxFilter | null | undefined): SandboxRecord[] {
    return [...this.sandboxes.values()].filter((s) => {
      if (filter?.id && !s.id.startsWith(filter.id)) return false;
      if (filter?.state && !this.has('list-sandbox-ignores-state-filter') && s.state !== filter.state.state) return false;
      return matchesLabels(s.config.labels, filter?.labelSelector);
    });
  }

  containersOf(sandboxId: string): ContainerRecord[] {
    return [...this.containers.values()].filter((c) => c.sandboxId === sandboxId);
  }

  // ---- containers ----

  createContainer(sandboxId: string, config: ContainerConfig | undefined, sandboxConfig: PodSandboxConfig | undefined): ContainerRecord {
    const sandbox = this.sandbox(sandboxId);
    if (!config?.metadata?.name) throw invalid('container config metadata needs a name');
    if (sandbox.state !== 'SANDBOX_READY') throw precondition(`sandbox ${sandboxId} is not ready`);
    const imageName = config.image?.image ?? '';
    const image = this.images.find(imageName);
    if (!image) throw notFound(`image ${JSON.stringify(imageName)}`);
    this.#checkUser(config, image);
    for (const mount of config.mounts ?? []) {
      // A recursive read-only mount must be read-only and private (Mount.recursive_read_only).
      if (mount.recursiveReadOnly && !mount.readonly) throw invalid(`mount ${mount.containerPath}: recursive_read_only needs readonly`);
      if (mount.recursiveReadOnly && (mount.propagation ?? 'PROPAGATION_PRIVATE') !== 'PROPAGATION_PRIVATE') throw invalid(`mount ${mount.containerPath}: recursive_read_only needs PROPAGATION_PRIVATE, got ${mount.propagation}`);
    }
    const seccomp = config.linux?.securityContext?.seccomp;
    let seccompProfile: ContainerRecord['seccomp'];
    if (seccomp?.profileType === 'Localhost' && !config.linux?.securityContext?.privileged) {
      try {
        seccompProfile = loadSeccompProfile(seccomp.localhostRef ?? '');
      } catch (error) {
        throw invalid((error as Error).message);
      }
    }
    const clash = this.containersOf(sandboxId).find((c) => c.config.metadata.name === config.metadata.name && (c.config.metadata.attempt ?? 0) === (config.metadata.attempt ?? 0));
    if (clash && !this.has('duplicate-container-name-accepted')) throw new CriStatusError(grpc.status.ALREADY_EXISTS, `container name ${config.metadata.name} is reserved for ${clash.id}`);
    const logDirectory = sandboxConfig?.logDirectory || sandbox.config.logDirectory;
    const logPath = config.logPath ? (isAbsolute(config.logPath) ? config.logPath : logDirectory ? join(logDirectory, config.logPath) : '') : '';
    const container: ContainerRecord = {
      id: newId(),
      sandboxId,
      config,
      image,
      imageRef: image.repoDigests[0] ?? image.id,
      imageId: this.has('container-image-id-not-pull-ref') ? (image.repoDigests[0] ?? image.id) : image.id,
      state: 'CONTAINER_CREATED',
      createdAt: nowNanos(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      resources: config.linux?.resources ?? {},
      layer: new Map(),
      ownMounts: new Map(),
      listeners: new Set(),
      pid: 0,
      // With the fault, no snapshot: every later host mount counts as seen at start.
      mountPointsAtStart: this.has('mount-propagation-ignored') ? new Set(['*']) : mountTableFor(config),
      ...(seccompProfile ? { seccomp: seccompProfile } : {}),
      ...(logPath ? { log: new CriLogWriter(logPath, this.has('logs-not-cri-format')) } : {}),
    };
    this.containers.set(container.id, container);
    this.#emit(container, 'CONTAINER_CREATED_EVENT');
    return container;
  }

  container(id: string): ContainerRecord {
    const container = this.containers.get(id) ?? [...this.containers.values()].find((c) => id.length >= 6 && c.id.startsWith(id));
    if (!container) throw notFound(`container ${JSON.stringify(id)}`);
    return container;
  }

  /** Why `name` cannot be started in the container (not in its image, or not simulated), or undefined. */
  #missingExecutable(container: ContainerRecord, name: string): string | undefined {
    const host = this.processHost(container, 0);
    const path = resolveCommand(name, host);
    if (!path) return `exec: "${name}": executable file not found in $PATH`;
    if (host.isMasked?.(path)) return `exec: "${name}": permission denied`;
    if (!isKnownCommand(name)) return `exec: "${name}": the reference does not simulate this program`;
    return undefined;
  }

  /** The argv a container runs: command/args override the image's entrypoint/cmd as Docker does. */
  argvOf(container: ContainerRecord): string[] {
    const { config, image } = container;
    const entrypoint = config.command?.length ? config.command : (image.config.Entrypoint ?? []);
    const args = config.args?.length ? config.args : config.command?.length ? [] : (image.config.Cmd ?? []);
    return [...entrypoint, ...args];
  }

  /** A group without a user, or a user name the image's /etc/passwd lacks, is an error (LinuxContainerSecurityContext). */
  #checkUser(config: ContainerConfig, image: ImageRecord): void {
    const security = config.linux?.securityContext;
    if (security?.runAsGroup && !security.runAsUser && !security.runAsUsername && !this.has('run-as-group-without-user-accepted')) {
      throw invalid('run_as_group is set without run_as_user or run_as_username');
    }
    if (security?.runAsUsername && !this.has('unknown-username-accepted') && passwdEntry(image, security.runAsUsername) === undefined) {
      throw invalid(`user ${JSON.stringify(security.runAsUsername)} is not in the image's /etc/passwd`);
    }
  }

  /**
   * The user a container's processes run as (ContainerStatus.user): uid and gid from the security
   * context or the image's /etc/passwd; supplementary groups are the listed ones, plus, with the
   * Merge policy (the default), the groups /etc/group of the image gives the user.
   */
  identity(container: ContainerRecord): { uid: number; gid: number; groups: number[] } {
    const security = container.config.linux?.securityContext;
    if (this.has('run-as-user-ignored')) return { uid: 0, gid: 0, groups: [] };
    let uid = security?.runAsUser ? Number(security.runAsUser.value) : Number.NaN;
    if (Number.isNaN(uid)) {
      const user = security?.runAsUsername || container.image.config.User || '';
      const entry = user === '' ? undefined : passwdEntry(container.image, user);
      uid = entry ? Number(entry[2]) : /^\d+/.test(user) ? Number.parseInt(user, 10) : 0;
    }
    const account = passwdEntryByUid(container.image, uid);
    const gid = security?.runAsGroup ? Number(security.runAsGroup.value) : account ? Number(account[3]) : uid === 0 ? 0 : uid;
    const listed = (security?.supplementalGroups ?? []).map(Number);
    const fromImage = security?.supplementalGroupsPolicy === 'Strict' || !account ? [] : imageGroupsOf(container.image, account[0]!);
    return { uid, gid, groups: [...new Set([...listed, ...fromImage])].filter((g) => g !== gid) };
  }

  /** The bounding capability set: the default set with adds and drops applied, or all when privileged. */
  #boundingSet(container: ContainerRecord): bigint {
    const security = container.config.linux?.securityContext;
    const all = (1n << 41n) - 1n;
    let bounding: bigint;
    if (security?.privileged) bounding = all;
    else {
      const names = new Set(DEFAULT_CAPABILITIES);
      const add = security?.capabilities?.addCapabilities ?? [];
      const drop = security?.capabilities?.dropCapabilities ?? [];
      if (add.some((c) => c.toUpperCase() === 'ALL')) bounding = all;
      else {
        for (const name of add) names.add(name.toUpperCase().replace(/^CAP_/, ''));
        bounding = capabilityMask(names);
      }
      if (drop.some((c) => c.toUpperCase() === 'ALL')) bounding = 0n;
      else bounding &= ~capabilityMask(drop);
    }
    return bounding;
  }

  #procStatus(container: ContainerRecord, uid: number): string {
    const security = container.config.linux?.securityContext;
    const bounding = this.#boundingSet(container);
    const effective = uid === 0 ? bounding : 0n;
    const hex = (mask: bigint) => mask.toString(16).padStart(16, '0');
    const seccomp = security?.seccomp?.profileType === 'RuntimeDefault' || security?.seccomp?.profileType === 'Localhost' ? 2 : 0;
    return [
      `Name:\t${this.argvOf(container)[0]?.split('/').pop() ?? 'sh'}`,
      `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`,
      `CapInh:\t${hex(0n)}`,
      `CapPrm:\t${hex(effective)}`,
      `CapEff:\t${hex(effective)}`,
      `CapBnd:\t${hex(bounding)}`,
      `CapAmb:\t${hex(0n)}`,
      `NoNewPrivs:\t${security?.noNewPrivs ? 1 : 0}`,
      `Seccomp:\t${security?.privileged ? 0 : seccomp}`,
      '',
    ].join('\n');
  }

  /** The process host of a container: identity, filesystem view, pod network. */
  processHost(container: ContainerRecord, pid: number): ProcessHost {
    const sandbox = this.sandbox(container.sandboxId);
    const identity = this.identity(container);
    const security = container.config.linux?.securityContext;
    const nodeNetwork = sandbox.config.linux?.securityContext?.namespaceOptions?.network === 'NODE';
    const hostname = nodeNetwork ? nodeHostname() : this.has('hostname-ignored') ? sandbox.id.slice(0, 12) : sandbox.utsName || sandbox.config.hostname || sandbox.config.metadata.name;
    const dns = sandbox.config.dnsConfig;
    const generated = () =>
      new Map<string, string>([
        ['/etc/hostname', `${hostname}\n`],
        ['/etc/hosts', `127.0.0.1\tlocalhost\n${sandbox.ip}\t${hostname}\n`],
        [
          '/etc/resolv.conf',
          [...(dns?.searches?.length ? [`search ${dns.searches.join(' ')}`] : []), ...(dns?.servers ?? []).map((s) => `nameserver ${s}`), ...(dns?.options?.length ? [`options ${dns.options.join(' ')}`] : [])].join('\n') + '\n',
        ],
        ['/proc/self/status', this.#procStatus(container, identity.uid)],
        ['/proc/self/uid_map', this.#idMap(sandbox, 'uids')],
        ['/proc/self/gid_map', this.#idMap(sandbox, 'gids')],
        // Sysctls of the sandbox, as the pod's namespaces show them.
        ...Object.entries(sandbox.config.linux?.sysctls ?? {}).map(([key, value]) => [`/proc/sys/${key.replace(/\./g, '/')}`, `${value}\n`] as [string, string]),
      ]);
    const view: FsView = {
      mounts: container.config.mounts ?? [],
      mountPointsAtStart: container.mountPointsAtStart,
      readonlyRootfs: Boolean(security?.readonlyRootfs) && !this.has('readonly-rootfs-ignored'),
      imageFiles: container.image.files,
      generated,
      layer: container.layer,
      imagePaths: container.image.paths,
      maskedPaths: security?.privileged ? [] : (security?.maskedPaths ?? []),
      readonlyPaths: security?.privileged ? [] : (security?.readonlyPaths ?? []),
      ownMounts: container.ownMounts,
    };
    const env: Record<string, string> = {};
    for (const entry of container.image.config.Env ?? []) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    env['HOSTNAME'] = hostname;
    for (const kv of container.config.envs ?? []) env[kv.key] = String(kv.value);
    const options = this.#namespaceModes(container);
    const effective = identity.uid === 0 ? this.#boundingSet(container) : 0n;
    const capable = (name: string) => (effective & capabilityMask([name])) !== 0n;
    const seccompDenies = (syscall: string) => {
      const profile = container.seccomp;
      return profile !== undefined && (profile.denied.has(syscall) || (profile.allowed !== undefined && !profile.allowed.has(syscall)));
    };
    return {
      env,
      ...identity,
      hostname,
      pid,
      pids: this.#pidNamespace(container),
      readFile: (path) => readContainerFile(view, path),
      listDir: (path) => listContainerDir(view, path),
      isMasked: (path) => isMaskedPath(view, path),
      exists: (path) => containerPathExists(view, path),
      readLink: (path) => this.#namespaceLink(container, path),
      writeFile: (path, content, append) => writeContainerFile(view, path, content, append),
      serveHttp: (port, dir) => this.#serveHttp(sandbox, view, port, dir),
      capable,
      seccompDenies,
      setHostname: (name) => {
        if (!capable('SYS_ADMIN') || seccompDenies('sethostname') || nodeNetwork) throw new Error('sethostname: Operation not permitted');
        sandbox.utsName = name;
      },
      listeningSockets: () =>
        options.network === 'NODE' ? nodeListeningSockets() : [...sandbox.ports.keys()].map((port) => `tcp        0      0 ${`0.0.0.0:${port}`.padEnd(23)} 0.0.0.0:*               LISTEN`),
      sharedMemory: () => (options.ipc === 'NODE' ? nodeSharedMemory() : []),
      makeDir: (path) => makeContainerDir(view, path),
      bindMount: (source, target) => {
        if (listContainerDir(view, target) === undefined) return `${target}: No such file or directory`;
        container.ownMounts.set(target.replace(/\/+$/, '') || '/', source.replace(/\/+$/, '') || '/');
        return undefined;
      },
      allocate: (bytes) => {
        const limit = Number(container.resources?.memoryLimitInBytes ?? 0);
        if (limit <= 0 || bytes <= limit) return true;
        container.oomKilled = true;
        container.kill?.abort();
        return false;
      },
    };
  }

  /**
   * /proc/self/uid_map (or gid_map) as the kernel prints it: the sandbox's mappings in POD mode, the
   * node's identity map otherwise (no user namespace, or NODE).
   */
  #idMap(sandbox: SandboxRecord, which: 'uids' | 'gids'): string {
    const userns = sandbox.config.linux?.securityContext?.namespaceOptions?.usernsOptions;
    const podMode = userns && (userns.mode ?? 'POD') === 'POD' && !this.has('userns-mappings-ignored');
    const nodeMapped = userns?.mode === 'NODE' && this.has('userns-node-mode-private');
    const mappings = podMode ? (userns[which] ?? []) : nodeMapped ? [{ containerId: 0, hostId: 65536, length: 65536 }] : [{ containerId: 0, hostId: 0, length: 4294967295 }];
    return mappings.map((m) => `${String(m.containerId ?? 0).padStart(10)} ${String(m.hostId ?? 0).padStart(10)} ${String(m.length ?? 0).padStart(10)}\n`).join('');
  }

  /** The effective namespace modes of a container: its own options, else its sandbox's; unset is POD. */
  #namespaceModes(container: ContainerRecord): { pid: string; ipc: string; network: string } {
    const pod = this.sandbox(container.sandboxId).config.linux?.securityContext?.namespaceOptions;
    const own = container.config.linux?.securityContext?.namespaceOptions;
    return { pid: own?.pid ?? pod?.pid ?? 'POD', ipc: own?.ipc ?? pod?.ipc ?? 'POD', network: pod?.network ?? 'POD' };
  }

  #pidNamespace(container: ContainerRecord): PidNamespace {
    const mode = this.#namespaceModes(container).pid;
    if (mode === 'NODE') return this.#nodePids;
    if (mode === 'CONTAINER') return (container.pids ??= new PidNamespace());
    return this.sandbox(container.sandboxId).pids;
  }

  /**
   * /proc/self/ns/<kind>: the node's own namespace (read from the real /proc) in NODE mode, else
   * one private to the sandbox (or the container) with a made-up inode.
   */
  #namespaceLink(container: ContainerRecord, path: string): string | undefined {
    const kind = /^\/proc\/(?:self|\d+)\/ns\/(ipc|pid|net|uts|mnt)$/.exec(path)?.[1];
    if (!kind) return undefined;
    const sandbox = this.sandbox(container.sandboxId);
    const podOptions = sandbox.config.linux?.securityContext?.namespaceOptions;
    const containerOptions = container.config.linux?.securityContext?.namespaceOptions;
    const mode = kind === 'ipc' ? (containerOptions?.ipc ?? podOptions?.ipc) : kind === 'pid' ? (containerOptions?.pid ?? podOptions?.pid) : kind === 'net' ? (containerOptions?.network ?? podOptions?.network) : undefined;
    if (mode === 'NODE') {
      try {
        return readlinkSync(`/proc/self/ns/${kind}`);
      } catch {
        return `${kind}:[4026531839]`;
      }
    }
    const owner = mode === 'CONTAINER' || kind === 'mnt' ? container.id : sandbox.id;
    return `${kind}:[${4026532000 + (Number.parseInt(owner.slice(0, 6), 16) % 100_000)}]`;
  }

  /**
   * A server of the pod listens on the pod's loopback address at the container port (the node's
   * 127.0.0.1 with host network); when that port cannot be bound (not root, or taken on the node) it
   * gets another one there, which port mappings and port-forward still reach.
   */
  async #serveHttp(sandbox: SandboxRecord, view: FsView, port: number, dir: string): Promise<() => void> {
    if (sandbox.ports.has(port)) throw new Error(`port ${port} is in use`);
    const server: Server = createServer((req, res) => {
      const path = `${dir}/${(req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').split('?')[0]}`;
      const body = readContainerFile(view, path);
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html' });
      res.end(body ?? '404 Not Found\n');
    });
    const host = sandbox.config.linux?.securityContext?.namespaceOptions?.network === 'NODE' ? '127.0.0.1' : sandbox.ip;
    const listen = (on: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(on, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    await listen(port).catch(() => listen(0));
    sandbox.ports.set(port, { host, port: (server.address() as AddressInfo).port });
    return () => {
      sandbox.ports.delete(port);
      server.closeAllConnections();
      server.close();
    };
  }

  startContainer(id: string): void {
    const container = this.container(id);
    if (container.state !== 'CONTAINER_CREATED') throw precondition(`container ${id} is ${container.state}, not CONTAINER_CREATED`);
    const argv = this.argvOf(container);
    if (argv.length === 0) throw invalid('no command given and the image has none');
    const missing = this.#missingExecutable(container, argv[0]!);
    if (missing) {
      // As runc fails: the task never starts and the container ends with StartError.
      Object.assign(container, { state: 'CONTAINER_EXITED', finishedAt: nowNanos(), exitCode: 128, reason: 'StartError' });
      throw new CriStatusError(grpc.status.UNKNOWN, `failed to start container ${id}: ${missing}`);
    }
    container.pid = this.#pidNamespace(container).start(argv);
    const host = this.processHost(container, container.pid);
    const kill = new AbortController();
    const stdin = new StdinQueue();
    if (!container.config.stdin) stdin.close();
    container.kill = kill;
    container.stdin = stdin;
    container.state = 'CONTAINER_RUNNING';
    container.startedAt = nowNanos();
    const output = (stream: 'stdout' | 'stderr') => (text: string) => {
      container.log?.write(stream, text);
      for (const listener of container.listeners) listener(stream, text);
    };
    const io: ProcessIO = { stdout: output('stdout'), stderr: output('stderr'), readStdin: (signal) => stdin.read(signal) };
    this.#emit(container, 'CONTAINER_STARTED_EVENT');
    container.exited = runProcess(argv, host, io, kill.signal)
      .catch((error: unknown) => {
        io.stderr(`${(error as Error).message}\n`);
        return 1;
      })
      .then((code) => {
        container.log?.flush();
        container.state = 'CONTAINER_EXITED';
        container.finishedAt = nowNanos();
        container.exitCode = code;
        container.reason = container.oomKilled ? 'OOMKilled' : kill.signal.aborted ? 'Killed' : code === 0 ? 'Completed' : 'Error';
        this.#emit(container, 'CONTAINER_STOPPED_EVENT');
      });
  }

  async stopContainer(id: string, _timeoutSeconds: number): Promise<void> {
    const container = this.containers.get(id);
    if (!container) return;
    if (container.state === 'CONTAINER_EXITED' && this.has('stop-container-not-idempotent')) throw precondition(`container ${id} is already stopped`);
    if (container.state === 'CONTAINER_CREATED') {
      container.state = 'CONTAINER_EXITED';
      container.finishedAt = nowNanos();
      return;
    }
    container.kill?.abort();
    container.stdin?.close();
    await container.exited;
    if (container.exitCode === 0 && container.reason === 'Killed') container.exitCode = KILLED_EXIT_CODE;
  }

  async removeContainer(id: string): Promise<void> {
    const container = this.containers.get(id);
    if (!container) return;
    if (container.state === 'CONTAINER_RUNNING') await this.stopContainer(id, 0);
    container.log?.close();
    this.containers.delete(id);
    this.#emit(container, 'CONTAINER_DELETED_EVENT');
  }

  listContainers(filter: ContainerFilter | null | undefined): ContainerRecord[] {
    return [...this.containers.values()].filter((c) => {
      if (filter?.id && !c.id.startsWith(filter.id)) return false;
      if (filter?.podSandboxId && !c.sandboxId.startsWith(filter.podSandboxId)) return false;
      if (filter?.state && c.state !== filter.state.state) return false;
      if (this.has('list-containers-ignores-label-filter')) return true;
      return matchesLabels(c.config.labels, filter?.labelSelector);
    });
  }

  /** Runs a command inside a running container (ExecSync and Exec). */
  async exec(
    id: string,
    argv: readonly string[],
    io: ProcessIO,
    signal: AbortSignal,
  ): Promise<number> {
    const container = this.container(id);
    if (container.state !== 'CONTAINER_RUNNING') throw precondition(`container ${id} is not running`);
    if (argv.length === 0) throw invalid('exec needs a command');
    const missing = this.#missingExecutable(container, argv[0]!);
    if (missing) throw new CriStatusError(grpc.status.UNKNOWN, `failed to exec in container ${id}: ${missing}`);
    const pid = this.#pidNamespace(container).start(argv);
    // Exec'd processes die with the container.
    const combined = AbortSignal.any([signal, container.kill?.signal ?? new AbortController().signal]);
    return runProcess(argv, this.processHost(container, pid), io, combined);
  }
}
