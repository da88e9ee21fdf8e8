// gRPC handlers of the reference runtime: all 43 RPCs of RuntimeService and ImageService,
// translating between the wire messages and the in-memory model.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { grpc } from '../../transport/grpc.js';
import type { ContainerConfig, PodSandboxConfig } from '../../interfaces/cri/types.js';
import { PullError, pullFromRegistry, type ImageRecord, type ImageStore, type RegistryMirrors } from './image-store.js';
import { CriStatusError, KNOWN_HANDLERS, invalid, notFound, nowNanos, precondition, type ContainerRecord, type ReferenceRuntime, type SandboxRecord } from './runtime.js';
import type { StreamingServer } from './streaming-server.js';
import { containerMetrics, METRIC_DESCRIPTORS, type MetricSource } from './metrics.js';

export const REFERENCE_NAME = 'conformal-reference';
export const REFERENCE_VERSION = '0.1.0';

type Req = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Handler = (request: Req, call: grpc.ServerUnaryCall<Req, unknown>) => Promise<unknown> | unknown;
type StreamHandler = (request: Req, call: grpc.ServerWritableStream<Req, unknown>) => Promise<void>;

function toStatus(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof CriStatusError) return { code: error.code, details: error.message };
  return { code: grpc.status.UNKNOWN, details: (error as Error)?.message ?? String(error) };
}

function unaryHandler(fn: Handler): grpc.handleUnaryCall<Req, unknown> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request, call))
      .then((response) => callback(null, response ?? {}), (error: unknown) => callback(toStatus(error)));
  };
}

function streamHandler(fn: StreamHandler): grpc.handleServerStreamingCall<Req, unknown> {
  return (call) => {
    fn(call.request, call).then(
      () => call.end(),
      (error: unknown) => call.destroy(Object.assign(new Error(toStatus(error).details), toStatus(error))),
    );
  };
}

/** Upper bound of the pod network's set-up (namespace and ADD) in RunPodSandbox. */
const POD_NETWORK_SETUP_MS = 60_000;

function sandboxMessage(runtime: ReferenceRuntime, s: SandboxRecord) {
  const metadata = runtime.has('sandbox-attempt-dropped') ? { ...s.config.metadata, attempt: 0 } : s.config.metadata;
  return { id: s.id, metadata, state: s.state, createdAt: s.createdAt, labels: s.config.labels ?? {}, annotations: s.config.annotations ?? {}, runtimeHandler: s.runtimeHandler };
}

function sandboxStatus(runtime: ReferenceRuntime, s: SandboxRecord) {
  const options = s.config.linux?.securityContext?.namespaceOptions ?? {};
  return {
    ...sandboxMessage(runtime, s),
    annotations: runtime.has('annotations-dropped') ? {} : (s.config.annotations ?? {}),
    // With a pod network, the CNI result's addresses; nothing of the simulated processes listens there (see docs/cri/kubelet.md).
    network: options.network === 'NODE' ? { ip: '', additionalIps: [] } : s.network ? { ip: s.network.ip, additionalIps: s.network.additionalIps.map((ip) => ({ ip })) } : { ip: s.ip, additionalIps: [] },
    linux: { namespaces: { options: { network: options.network ?? 'POD', pid: options.pid ?? 'POD', ipc: options.ipc ?? 'POD', targetId: options.targetId ?? '' } } },
  };
}

function imageSpec(c: ContainerRecord) {
  return { image: c.image.id, userSpecifiedImage: c.config.image?.image ?? '', annotations: c.config.image?.annotations ?? {} };
}

function containerMessage(c: ContainerRecord) {
  return {
    id: c.id,
    podSandboxId: c.sandboxId,
    metadata: c.config.metadata,
    image: imageSpec(c),
    imageRef: c.imageRef,
    imageId: c.imageId,
    state: c.state,
    createdAt: c.createdAt,
    labels: c.config.labels ?? {},
    annotations: c.config.annotations ?? {},
  };
}

function containerStatus(runtime: ReferenceRuntime, c: ContainerRecord) {
  const { uid, gid, groups } = runtime.identity(c);
  return {
    ...containerMessage(c),
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    exitCode: c.exitCode,
    reason: c.reason,
    message: '',
    mounts: c.config.mounts ?? [],
    logPath: c.log?.path ?? '',
    resources: { linux: c.resources ?? {} },
    // The identity of the container's first process (SupplementalGroupsPolicy): gid among the groups, as `id -G` lists it.
    user: { linux: { uid, gid, supplementalGroups: [gid, ...groups] } },
  };
}

function containerStats(runtime: ReferenceRuntime, c: ContainerRecord) {
  const now = nowNanos();
  const running = c.state === 'CONTAINER_RUNNING';
  // Simulated usage grows with run time so successive samples are plausible.
  const cpu = running ? Math.max(1, Math.round((now - c.startedAt) / 1000)) : 0;
  return {
    attributes: { id: c.id, metadata: c.config.metadata, labels: c.config.labels ?? {}, annotations: runtime.has('stats-container-annotations-dropped') ? {} : (c.config.annotations ?? {}) },
    cpu: { timestamp: now, usageCoreNanoSeconds: { value: cpu }, usageNanoCores: { value: running ? 1000 : 0 } },
    memory: { timestamp: now, workingSetBytes: { value: running ? 1 << 20 : 0 }, usageBytes: { value: running ? 1 << 20 : 0 }, availableBytes: { value: 0 }, rssBytes: { value: running ? 1 << 19 : 0 }, pageFaults: { value: 0 }, majorPageFaults: { value: 0 } },
    writableLayer: { timestamp: now, fsId: { mountpoint: runtime.fsRoot }, usedBytes: { value: [...c.layer.values()].reduce((n, b) => n + b.length, 0) }, inodesUsed: { value: c.layer.size } },
  };
}

function sandboxStats(runtime: ReferenceRuntime, s: SandboxRecord) {
  const containers = runtime.containersOf(s.id).map((c) => containerStats(runtime, c));
  const now = nowNanos();
  const sum = (pick: (c: ReturnType<typeof containerStats>) => number) => containers.reduce((n, c) => n + pick(c), 0);
  return {
    attributes: { id: s.id, metadata: s.config.metadata, labels: s.config.labels ?? {}, annotations: runtime.has('stats-sandbox-annotations-dropped') ? {} : (s.config.annotations ?? {}) },
    linux: {
      cpu: { timestamp: now, usageCoreNanoSeconds: { value: sum((c) => c.cpu.usageCoreNanoSeconds.value) }, usageNanoCores: { value: sum((c) => c.cpu.usageNanoCores.value) } },
      memory: { timestamp: now, workingSetBytes: { value: sum((c) => c.memory.workingSetBytes.value) }, usageBytes: { value: sum((c) => c.memory.usageBytes.value) } },
      process: { timestamp: now, processCount: { value: runtime.containersOf(s.id).filter((c) => c.state === 'CONTAINER_RUNNING').length } },
      containers,
    },
  };
}

function imageMessage(image: ImageRecord) {
  const user = image.config.User ?? '';
  const uid = /^\d+/.test(user) ? { value: Number.parseInt(user, 10) } : null;
  return { id: image.id, repoTags: image.repoTags, repoDigests: image.repoDigests, size: image.size, uid, username: uid ? '' : user.split(':')[0] ?? '', spec: { image: image.id }, pinned: false };
}

function podMetrics(runtime: ReferenceRuntime, s: SandboxRecord) {
  const now = nowNanos();
  return {
    podSandboxId: s.id,
    metrics: [],
    containerMetrics: runtime.containersOf(s.id).map((c) => {
      const stats = containerStats(runtime, c);
      const source: MetricSource = {
        id: c.id,
        name: c.config.metadata.name,
        image: c.config.image?.image ?? '',
        podName: s.config.metadata.name,
        namespace: s.config.metadata.namespace,
        running: c.state === 'CONTAINER_RUNNING',
        startedAtNanos: c.startedAt,
        cpuNanos: stats.cpu.usageCoreNanoSeconds.value,
        memoryBytes: stats.memory.workingSetBytes.value,
        layerBytes: stats.writableLayer.usedBytes.value,
        layerFiles: stats.writableLayer.inodesUsed.value,
        processes: c.state === 'CONTAINER_RUNNING' ? 1 : 0,
        oomKilled: Boolean(c.oomKilled),
        resources: c.resources ?? {},
      };
      return { containerId: c.id, metrics: containerMetrics(source, now) };
    }),
  };
}

/** Splits a list into responses of at most `size` items (Stream* RPCs send at least one item per message). */
async function sendInChunks<T>(call: grpc.ServerWritableStream<Req, unknown>, items: T[], field: string, size = 2): Promise<void> {
  for (let i = 0; i < items.length; i += size) call.write({ [field]: items.slice(i, i + size) });
}

export function runtimeHandlers(runtime: ReferenceRuntime, streaming: StreamingServer, workState: { podCidr: string }): grpc.UntypedServiceImplementation {
  const statusOf = (id: string) => containerStatus(runtime, runtime.container(id));
  const listContainerStats = (filter: Req | null) =>
    runtime
      .listContainers({ id: runtime.has('container-stats-ignore-id-filter') ? '' : filter?.id, podSandboxId: filter?.podSandboxId, labelSelector: filter?.labelSelector })
      .map((c) => containerStats(runtime, c));
  const listSandboxStats = (filter: Req | null) => runtime.listSandboxes({ id: filter?.id, labelSelector: filter?.labelSelector }).map((s) => sandboxStats(runtime, s));
  const handlers: Record<string, Handler> = {
    Version: () => ({ version: '0.1.0', runtimeName: REFERENCE_NAME, runtimeVersion: runtime.has('runtime-version-not-semver') ? '0.1' : REFERENCE_VERSION, runtimeApiVersion: 'v1' }),
    Status: (r) => ({
      status: { conditions: [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: true, reason: '', message: '' }] },
      info: r.verbose ? { config: JSON.stringify({ podCidr: workState.podCidr, faults: [...runtime.faults] }) } : {},
      runtimeHandlers: [...KNOWN_HANDLERS, ...(runtime.has('runtime-handler-listed-twice') ? ['runc'] : [])].map((name) => ({ name, features: { recursiveReadOnlyMounts: true, userNamespaces: true } })),
      features: { supplementalGroupsPolicy: true, userNamespacesHostNetwork: false, mountOptions: false },
    }),
    RuntimeConfig: () => ({ linux: { cgroupDriver: 'CGROUPFS' } }),
    UpdateRuntimeConfig: (r) => {
      workState.podCidr = r.runtimeConfig?.networkConfig?.podCidr ?? workState.podCidr;
      return {};
    },
    RunPodSandbox: async (r) => {
      const sandbox = runtime.runSandbox(r.config as PodSandboxConfig, r.runtimeHandler ?? '');
      await runtime.attachNetwork(sandbox, AbortSignal.timeout(POD_NETWORK_SETUP_MS));
      await runtime.openPortMappings(sandbox);
      return { podSandboxId: sandbox.id };
    },
    StopPodSandbox: async (r) => void (await runtime.stopSandbox(r.podSandboxId)),
    RemovePodSandbox: async (r) => void (await runtime.removeSandbox(r.podSandboxId)),
    PodSandboxStatus: (r) => {
      const sandbox = runtime.sandbox(r.podSandboxId);
      return {
        status: sandboxStatus(runtime, sandbox),
        info: r.verbose || runtime.has('info-without-verbose') ? { info: runtime.has('info-not-json') ? `pid 1, handler ${sandbox.runtimeHandler}` : JSON.stringify({ pid: 1, runtimeHandler: sandbox.runtimeHandler }) } : {},
        containersStatuses: runtime.containersOf(sandbox.id).map((c) => containerStatus(runtime, c)),
        timestamp: nowNanos(),
      };
    },
    ListPodSandbox: (r) => ({ items: runtime.listSandboxes(r.filter).map((s) => sandboxMessage(runtime, s)) }),
    UpdatePodSandboxResources: (r) => void runtime.sandbox(r.podSandboxId),
    CreateContainer: (r) => ({ containerId: runtime.createContainer(r.podSandboxId, r.config as ContainerConfig, r.sandboxConfig as PodSandboxConfig).id }),
    StartContainer: (r) => void runtime.startContainer(r.containerId),
    StopContainer: async (r) => void (await runtime.stopContainer(r.containerId, Number(r.timeout ?? 0))),
    RemoveContainer: async (r) => void (await runtime.removeContainer(r.containerId)),
    ListContainers: (r) => ({ containers: runtime.listContainers(r.filter).map(containerMessage) }),
    ContainerStatus: (r) => ({ status: statusOf(r.containerId), info: r.verbose ? { info: JSON.stringify({ pid: runtime.container(r.containerId).pid }) } : {} }),
    UpdateContainerResources: (r) => {
      const container = runtime.container(r.containerId);
      if (container.state === 'CONTAINER_EXITED') throw precondition(`container ${r.containerId} has exited`);
      container.resources = { ...container.resources, ...(r.linux ?? {}) };
    },
    ReopenContainerLog: (r) => {
      const container = runtime.container(r.containerId);
      if (container.state !== 'CONTAINER_RUNNING') {
        if (runtime.has('reopen-log-error-creates-file')) container.log?.reopen();
        throw precondition(`container ${r.containerId} is not running`);
      }
      container.log?.reopen();
    },
    ExecSync: async (r) => {
      let stdout = '';
      let stderr = '';
      const timeoutSeconds = Number(r.timeout ?? 0);
      const controller = new AbortController();
      const timer = timeoutSeconds > 0 && !runtime.has('exec-sync-ignores-timeout') ? setTimeout(() => controller.abort(), timeoutSeconds * 1000) : undefined;
      try {
        const code = await runtime.exec(r.containerId, r.cmd ?? [], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => null }, controller.signal);
        if (controller.signal.aborted) throw new CriStatusError(grpc.status.DEADLINE_EXCEEDED, `command timed out after ${timeoutSeconds}s`);
        return { stdout: Buffer.from(stdout), stderr: Buffer.from(stderr), exitCode: runtime.has('exec-sync-loses-exit-code') ? 0 : code };
      } finally {
        clearTimeout(timer);
      }
    },
    Exec: (r) => {
      const container = runtime.container(r.containerId);
      if (container.state !== 'CONTAINER_RUNNING') throw precondition(`container ${r.containerId} is not running`);
      if (!r.cmd?.length) throw invalid('exec needs a command');
      if (!r.stdin && !r.stdout && !r.stderr) throw invalid('one of stdin, stdout or stderr must be set');
      if (r.tty && r.stderr) throw invalid('tty and stderr cannot both be set');
      return { url: streaming.url({ kind: 'exec', containerId: container.id, cmd: r.cmd, stdin: !!r.stdin, stdout: !!r.stdout, stderr: !!r.stderr, tty: !!r.tty }, runtime.has('exec-url-dead')) };
    },
    Attach: (r) => {
      const container = runtime.container(r.containerId);
      if (container.state !== 'CONTAINER_RUNNING') throw precondition(`container ${r.containerId} is not running`);
      if (!r.stdin && !r.stdout && !r.stderr && !runtime.has('attach-without-streams-accepted')) throw invalid('one of stdin, stdout or stderr must be set');
      return { url: streaming.url({ kind: 'attach', containerId: container.id, stdin: !!r.stdin, stdout: !!r.stdout, stderr: !!r.stderr }) };
    },
    PortForward: (r) => {
      const sandbox = runtime.sandbox(r.podSandboxId);
      if (sandbox.state !== 'SANDBOX_READY') throw precondition(`sandbox ${r.podSandboxId} is not ready`);
      return { url: streaming.url({ kind: 'portforward', sandboxId: sandbox.id }) };
    },
    ContainerStats: (r) => ({ stats: containerStats(runtime, runtime.container(r.containerId)) }),
    ListContainerStats: (r) => ({ stats: listContainerStats(r.filter) }),
    PodSandboxStats: (r) => ({ stats: sandboxStats(runtime, runtime.sandbox(r.podSandboxId)) }),
    ListPodSandboxStats: (r) => ({ stats: listSandboxStats(r.filter) }),
    CheckpointContainer: (r) => {
      const container = runtime.container(r.containerId);
      if (!r.location) throw invalid('checkpoint location is required');
      mkdirSync(dirname(r.location), { recursive: true });
      writeFileSync(r.location, JSON.stringify({ kind: 'conformal-reference-checkpoint', container: containerStatus(runtime, container), config: container.config }));
    },
    CheckpointPod: (r) => {
      const sandbox = runtime.sandbox(r.podSandboxId);
      if (!r.outputPath) throw invalid('output_path is required');
      const ids: string[] = r.containerIds?.length ? r.containerIds : runtime.containersOf(sandbox.id).map((c) => c.id);
      for (const id of ids) {
        const container = runtime.container(id);
        const foreign = container.sandboxId !== sandbox.id || container.state !== 'CONTAINER_RUNNING';
        if (foreign && !runtime.has('checkpoint-pod-takes-foreign-containers')) throw precondition(`container ${id} is not a running container of sandbox ${sandbox.id}`);
      }
      mkdirSync(dirname(r.outputPath), { recursive: true });
      writeFileSync(r.outputPath, JSON.stringify({ kind: 'conformal-reference-pod-checkpoint', sandbox: sandbox.config, containers: ids.map((id) => runtime.container(id).config) }));
    },
    RestorePod: async (r) => {
      // With the fault, a restore that fails leaves behind the sandbox it had made.
      const fail = (error: CriStatusError): never => {
        if (runtime.has('restore-pod-leaves-sandbox-on-error') && r.config) runtime.runSandbox(r.config as PodSandboxConfig, r.runtimeHandler ?? '');
        throw error;
      };
      let saved: { kind?: string; sandbox?: PodSandboxConfig; containers?: ContainerConfig[] } = {};
      try {
        saved = JSON.parse(readFileSync(r.checkpointPath, 'utf8')) as typeof saved;
      } catch {
        fail(notFound(`checkpoint ${JSON.stringify(r.checkpointPath)}`));
      }
      if (saved.kind !== 'conformal-reference-pod-checkpoint' || !saved.sandbox) fail(invalid('not a pod checkpoint of this runtime'));
      const config = (r.config as PodSandboxConfig | null) ?? saved.sandbox;
      // Checked here, not only by runSandbox, so the two faults about handlers stay apart.
      const handler: string = r.runtimeHandler ?? '';
      const known = KNOWN_HANDLERS.includes(handler);
      if (!known && !runtime.has('restore-pod-ignores-handler')) throw invalid(`runtime handler "${handler}" is not configured`);
      const sandbox = runtime.runSandbox(config, known ? handler : '');
      await runtime.openPortMappings(sandbox);
      const configs = (r.containerConfigs as ContainerConfig[] | undefined)?.length ? (r.containerConfigs as ContainerConfig[]) : (saved.containers ?? []);
      const restored = configs.map((c) => {
        const container = runtime.createContainer(sandbox.id, c, config);
        // The caller starts restored containers (after its pre-start hooks); the fault starts them here.
        if (runtime.has('restore-pod-starts-containers')) runtime.startContainer(container.id);
        return { name: c.metadata.name, containerId: container.id };
      });
      return { podSandboxId: sandbox.id, restoredContainers: restored };
    },
    ListMetricDescriptors: () => ({ descriptors: METRIC_DESCRIPTORS }),
    ListPodSandboxMetrics: () => ({ podMetrics: [...runtime.sandboxes.values()].map((s) => podMetrics(runtime, s)) }),
  };
  const streams: Record<string, StreamHandler> = {
    StreamPodSandboxes: async (r, call) => sendInChunks(call, runtime.listSandboxes(r.filter).map((s) => sandboxMessage(runtime, s)), 'podSandboxes'),
    StreamContainers: async (r, call) => sendInChunks(call, runtime.listContainers(r.filter).map(containerMessage), 'containers'),
    StreamContainerStats: async (r, call) => sendInChunks(call, listContainerStats(r.filter), 'containerStats'),
    StreamPodSandboxStats: async (r, call) => sendInChunks(call, listSandboxStats(r.filter), 'podSandboxStats'),
    StreamPodSandboxMetrics: async (_r, call) => sendInChunks(call, [...runtime.sandboxes.values()].map((s) => podMetrics(runtime, s)), 'podSandboxMetrics'),
    GetContainerEvents: (_r, call) =>
      new Promise<void>((resolve) => {
        const unsubscribe = runtime.onEvent((event) => {
          const container = runtime.containers.get(event.containerId);
          const sandbox = runtime.sandboxes.get(event.sandboxId);
          call.write({
            containerId: event.containerId,
            containerEventType: event.type,
            createdAt: event.createdAt,
            podSandboxStatus: sandbox ? sandboxStatus(runtime, sandbox) : null,
            containersStatuses: container ? [containerStatus(runtime, container)] : [],
          });
        });
        call.on('cancelled', () => {
          unsubscribe();
          resolve();
        });
      }),
  };
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, fn] of Object.entries(handlers)) implementation[name] = unaryHandler(fn);
  for (const [name, fn] of Object.entries(streams)) implementation[name] = streamHandler(fn);
  return implementation;
}

export function imageHandlers(runtime: ReferenceRuntime, images: ImageStore, imageFsRoot: string, mirrors?: RegistryMirrors): grpc.UntypedServiceImplementation {
  const filtered = (filter: Req | null) => images.list().filter((image) => !filter?.image?.image || images.find(filter.image.image)?.id === image.id).map(imageMessage);
  const handlers: Record<string, Handler> = {
    ListImages: (r) => ({ images: filtered(r.filter) }),
    ImageStatus: (r) => {
      const image = images.find(r.image?.image ?? '');
      if (!image && runtime.has('image-status-missing-is-error')) throw notFound(`image ${r.image?.image}`);
      return { image: image ? imageMessage(image) : null, info: image && r.verbose ? { info: JSON.stringify({ config: image.config }) } : {} };
    },
    PullImage: async (r, call) => {
      const reference: string = r.image?.image ?? '';
      if (!reference) throw invalid('image reference is empty');
      const handler: string = r.image?.runtimeHandler ?? '';
      if (!KNOWN_HANDLERS.includes(handler) && !runtime.has('pull-unknown-handler-accepted')) throw invalid(`runtime handler "${handler}" is not configured`);
      const deadline = call.getDeadline();
      const ms = deadline instanceof Date ? deadline.getTime() - Date.now() : Number.isFinite(Number(deadline)) ? Number(deadline) - Date.now() : 300_000;
      try {
        const pulled = await pullFromRegistry(reference, AbortSignal.timeout(Math.max(1000, ms)), mirrors);
        return { imageRef: images.add(pulled).id };
      } catch (error) {
        if (error instanceof PullError) throw new CriStatusError(error.notFound ? grpc.status.NOT_FOUND : grpc.status.UNKNOWN, `pulling ${reference}: ${error.message}`);
        throw error;
      }
    },
    RemoveImage: (r) => void images.remove(r.image?.image ?? '', runtime.has('remove-image-keeps-other-tags')),
    ImageFsInfo: () => {
      const now = nowNanos();
      const used = images.list().reduce((n, image) => n + image.size, 0);
      // The fault names what the reference once did: a path of its own that no one created.
      const mountpoint = runtime.has('image-fs-mountpoint-missing') ? join(imageFsRoot, `conformal-missing-${process.pid}`, 'images') : imageFsRoot;
      return {
        imageFilesystems: [{ timestamp: now, fsId: { mountpoint }, usedBytes: { value: used }, inodesUsed: { value: images.list().length } }],
        containerFilesystems: [{ timestamp: now, fsId: { mountpoint }, usedBytes: { value: 0 }, inodesUsed: { value: runtime.containers.size } }],
      };
    },
  };
  const streams: Record<string, StreamHandler> = {
    StreamImages: async (r, call) => sendInChunks(call, filtered(r.filter), 'images'),
  };
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, fn] of Object.entries(handlers)) implementation[name] = unaryHandler(fn);
  for (const [name, fn] of Object.entries(streams)) implementation[name] = streamHandler(fn);
  return implementation;
}
