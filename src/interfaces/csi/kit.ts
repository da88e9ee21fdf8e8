// The toolkit a CSI test body works with: clients bound to the test (its signal, deadline,
// secrets, and a ledger entry for everything created), request builders from the options, node
// workflows, and assertions whose messages put the key point first.
import { ConformanceError } from '../../core/errors.js';
import type { LedgerHandle } from '../../core/ledger.js';
import type { TestContext } from '../../core/test.js';
import { grpcCodeName } from '../../transport/grpc.js';
import type { Api, ControllerRpcs, GroupControllerRpcs, IdentityRpcs, NodeRpcs, SnapshotMetadataRpcs } from './client.js';
import type { CsiEnv } from './env.js';
import { RPCS_WITH_SECRETS } from './resolve.js';
import type * as T from './types.js';

export type GrpcCodeName =
  | 'OK' | 'CANCELLED' | 'UNKNOWN' | 'INVALID_ARGUMENT' | 'DEADLINE_EXCEEDED' | 'NOT_FOUND' | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED' | 'FAILED_PRECONDITION' | 'ABORTED' | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED' | 'INTERNAL' | 'UNAVAILABLE' | 'DATA_LOSS' | 'UNAUTHENTICATED';

/** A CSI call answered with a non-OK status; the message leads with the RPC and the code. */
export class CsiRpcError extends ConformanceError {
  constructor(
    readonly rpc: string,
    readonly grpcCode: GrpcCodeName,
    readonly details: string,
    options?: { cause?: unknown },
    /** Names of the trailers the status came with (grpc-status-details-bin among them when the plugin sent details). */
    readonly trailerKeys: readonly string[] = [],
  ) {
    super(`${rpc} failed: ${grpcCode}${details ? ` (${details})` : ''}`, options);
  }
}

function toRpcError(rpc: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return error;
  const details = String((error as { details?: unknown }).details ?? '');
  const metadata = (error as { metadata?: { getMap?: () => Record<string, unknown> } }).metadata;
  return new CsiRpcError(rpc, grpcCodeName(code) as GrpcCodeName, details, { cause: error }, Object.keys(metadata?.getMap?.() ?? {}));
}

type Bound<M> = { [K in keyof M]: M[K] extends [infer Req, infer Res] ? (request: Req) => Promise<Res> : never };

export interface CapabilityOptions {
  readonly type?: T.AccessType;
  readonly mode?: T.AccessModeName;
  readonly mountGroup?: string;
  readonly mountFlags?: string[];
}

export interface NodeReady {
  readonly publishContext: T.StringMap;
  readonly stagingPath: string | undefined;
  readonly capability: T.VolumeCapability;
}

export interface Published extends NodeReady {
  readonly targetPath: string;
}

export class CsiKit {
  readonly identity: Bound<IdentityRpcs>;
  readonly controller: Bound<ControllerRpcs>;
  readonly group: Bound<GroupControllerRpcs>;
  readonly metadata: Bound<SnapshotMetadataRpcs>;
  readonly node: Bound<NodeRpcs>;
  readonly #handles = new Map<string, LedgerHandle>();
  /** Attach slots this test holds, by controller publication key. */
  readonly #slots = new Map<string, () => void>();
  #throttled = true;

  constructor(readonly ctx: TestContext<CsiEnv>) {
    const { clients } = ctx.env;
    this.identity = this.#bind(clients.identity);
    this.controller = this.#bind(clients.controller);
    this.group = this.#bind(clients.group);
    this.metadata = this.#bind(clients.metadata);
    this.node = this.#bind(clients.node);
  }

  get env(): CsiEnv {
    return this.ctx.env;
  }

  get options() {
    return this.ctx.env.options;
  }

  get nodeId(): string {
    return this.ctx.env.nodeInfo.nodeId;
  }

  has(capability: string): boolean {
    return this.ctx.capabilities.has(capability);
  }

  /** Time one call may take: the RPC bound, cut to what is left of the test's deadline. */
  callTimeout(): number {
    return Math.max(1, Math.min(this.options.rpcTimeout, this.ctx.deadline - Date.now()));
  }

  #secrets(rpc: string): T.StringMap | undefined {
    return RPCS_WITH_SECRETS.has(rpc) ? this.options.secretsByRpc[rpc] : undefined;
  }

  #bind<M>(api: Api<M>): Bound<M> {
    const bound: Record<string, unknown> = {};
    for (const [rpc, call] of Object.entries(api as Record<string, (req: unknown, signal: AbortSignal, timeoutMs?: number) => Promise<unknown>>)) {
      bound[rpc] = async (request: Record<string, unknown>) => {
        const secrets = this.#secrets(rpc);
        const sent = secrets && request.secrets === undefined ? { ...request, secrets } : request;
        const slot = await this.#attachSlot(rpc, sent);
        let response: unknown;
        try {
          response = await call(sent, this.ctx.signal, this.callTimeout());
        } catch (error) {
          slot?.();
          throw toRpcError(rpc, error);
        }
        if (slot) this.#slots.set(`cpub:${sent.volumeId}:${sent.nodeId}`, slot);
        this.#track(rpc, sent, response);
        return response;
      };
    }
    return bound as Bound<M>;
  }

  /** A slot for a new attachment to this node when the node has an attach limit (see AttachSlots). */
  async #attachSlot(rpc: string, req: Record<string, any>): Promise<(() => void) | undefined> {
    const slots = this.env.attachSlots;
    if (rpc !== 'ControllerPublishVolume' || !slots || !this.#throttled || req.nodeId !== this.nodeId) return undefined;
    if (this.#slots.has(`cpub:${req.volumeId}:${req.nodeId}`)) return undefined;
    return slots.acquire(this.ctx.signal);
  }

  /** For the attach limit test, which runs alone and must be able to exceed the limit. */
  withoutAttachSlots(): this {
    this.#throttled = false;
    return this;
  }

  /** Registers the undo of a successful create/publish/stage once, and releases it when the test undoes it itself. */
  #track(rpc: string, req: Record<string, any>, res: any): void {
    const created = this.env.created;
    switch (rpc) {
      case 'CreateVolume': {
        const id: string | undefined = res?.volume?.volumeId;
        if (!id) return;
        created.volumes.add(id);
        created.everVolumes.add(id);
        this.#register(`volume:${id}`, `volume ${id}`, 'DeleteVolume', { volumeId: id }, () => created.volumes.delete(id));
        return;
      }
      case 'DeleteVolume':
        this.#release(`volume:${req.volumeId}`);
        created.volumes.delete(req.volumeId);
        return;
      case 'ControllerPublishVolume':
        this.#register(`cpub:${req.volumeId}:${req.nodeId}`, `controller publication of ${req.volumeId} on ${req.nodeId}`, 'ControllerUnpublishVolume', { volumeId: req.volumeId, nodeId: req.nodeId },
          undefined, () => this.#freeSlots(`cpub:${req.volumeId}:${req.nodeId}`));
        return;
      case 'ControllerUnpublishVolume': {
        const key = req.nodeId ? `cpub:${req.volumeId}:${req.nodeId}` : `cpub:${req.volumeId}:`;
        this.#release(key, !req.nodeId);
        this.#freeSlots(key, !req.nodeId);
        return;
      }
      case 'NodeStageVolume':
        this.#register(`stage:${req.volumeId}:${req.stagingTargetPath}`, `staging of ${req.volumeId} at ${req.stagingTargetPath}`, 'NodeUnstageVolume', { volumeId: req.volumeId, stagingTargetPath: req.stagingTargetPath });
        return;
      case 'NodeUnstageVolume':
        this.#release(`stage:${req.volumeId}:${req.stagingTargetPath}`);
        return;
      case 'NodePublishVolume':
        this.#register(`npub:${req.volumeId}:${req.targetPath}`, `node publication of ${req.volumeId} at ${req.targetPath}`, 'NodeUnpublishVolume', { volumeId: req.volumeId, targetPath: req.targetPath });
        return;
      case 'NodeUnpublishVolume':
        this.#release(`npub:${req.volumeId}:${req.targetPath}`);
        return;
      case 'CreateSnapshot': {
        const id: string | undefined = res?.snapshot?.snapshotId;
        if (!id) return;
        created.snapshots.add(id);
        created.everSnapshots.add(id);
        this.#register(`snap:${id}`, `snapshot ${id}`, 'DeleteSnapshot', { snapshotId: id }, () => created.snapshots.delete(id));
        return;
      }
      case 'DeleteSnapshot':
        this.#release(`snap:${req.snapshotId}`);
        created.snapshots.delete(req.snapshotId);
        return;
      case 'CreateVolumeGroupSnapshot': {
        const group: T.VolumeGroupSnapshot | undefined = res?.groupSnapshot;
        if (!group?.groupSnapshotId) return;
        const id = group.groupSnapshotId;
        created.groupSnapshots.add(id);
        const snapshotIds = group.snapshots.map((s) => s.snapshotId);
        this.#register(`group:${id}`, `group snapshot ${id}`, 'DeleteVolumeGroupSnapshot', { groupSnapshotId: id, snapshotIds }, () => created.groupSnapshots.delete(id));
        return;
      }
      case 'DeleteVolumeGroupSnapshot':
        this.#release(`group:${req.groupSnapshotId}`);
        created.groupSnapshots.delete(req.groupSnapshotId);
        return;
    }
  }

  #register(key: string, description: string, undoRpc: string, request: Record<string, unknown>, onUndone?: () => void, always?: () => void): void {
    if (this.#handles.has(key)) return;
    const { clients } = this.env;
    const service = undoRpc.startsWith('Node') ? clients.node : undoRpc.includes('Group') ? clients.group : clients.controller;
    const call = (service as unknown as Record<string, (r: unknown, s: AbortSignal, t: number) => Promise<unknown>>)[undoRpc]!;
    const secrets = this.#secrets(undoRpc);
    const handle = this.ctx.ledger.add(description, async (signal) => {
      try {
        await call(secrets ? { ...request, secrets } : request, signal, this.options.rpcTimeout);
      } catch (error) {
        const wrapped = toRpcError(undoRpc, error);
        // Already gone is what cleanup wants; anything else is a real cleanup failure.
        if (!(wrapped instanceof CsiRpcError && wrapped.grpcCode === 'NOT_FOUND')) throw wrapped;
      } finally {
        always?.();
      }
      onUndone?.();
    });
    this.#handles.set(key, handle);
  }

  #freeSlots(key: string, prefix = false): void {
    for (const [k, release] of this.#slots) {
      if (prefix ? k.startsWith(key) : k === key) {
        release();
        this.#slots.delete(k);
      }
    }
  }

  #release(key: string, prefix = false): void {
    for (const [k, handle] of this.#handles) {
      if (prefix ? k.startsWith(key) : k === key) {
        handle.release();
        this.#handles.delete(k);
      }
    }
  }

  // ---- assertions

  /** Fails the test with `message` (key point first) unless `condition` holds. */
  assert(condition: unknown, message: string): void {
    if (!condition) throw new ConformanceError(message);
  }

  /**
   * Awaits a call that must fail with one of `expected`; returns the error. The message says
   * what was expected and what came: "CreateVolume without name: expected INVALID_ARGUMENT, got OK".
   */
  async expectGrpcError(call: Promise<unknown>, expected: GrpcCodeName | readonly GrpcCodeName[], what: string): Promise<CsiRpcError> {
    const codes: readonly GrpcCodeName[] = typeof expected === 'string' ? [expected] : expected;
    const want = codes.join(' or ');
    let outcome: unknown;
    try {
      await call;
    } catch (error) {
      outcome = error;
    }
    if (outcome === undefined) throw new ConformanceError(`${what}: expected ${want}, got OK`);
    if (!(outcome instanceof CsiRpcError)) throw outcome;
    if (!codes.includes(outcome.grpcCode)) {
      throw new ConformanceError(`${what}: expected ${want}, got ${outcome.grpcCode}${outcome.details ? ` (${outcome.details})` : ''}`, { cause: outcome });
    }
    return outcome;
  }

  /** Pagination check: every id in `mine` appears in `seen`, and nothing appears twice. */
  assertListedOnce(what: string, seen: readonly string[], mine: readonly string[]): void {
    const dupes = seen.filter((id, i) => seen.indexOf(id) !== i);
    this.assert(dupes.length === 0, `${what}: ${dupes.join(', ')} listed more than once`);
    const missing = mine.filter((id) => !seen.includes(id));
    this.assert(missing.length === 0, `${what}: omitted ${missing.join(', ')}`);
  }

  /** Runs `call` the configured number of times (idempotency tests). */
  async repeat<R>(call: (attempt: number) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    for (let i = 0; i < this.options.idempotentCount; i++) results.push(await call(i));
    return results;
  }

  // ---- builders

  capability(options: CapabilityOptions = {}): T.VolumeCapability {
    const type = options.type ?? this.options.accessTypes[0] ?? 'mount';
    const mode = options.mode ?? this.options.accessModes[0] ?? 'SINGLE_NODE_WRITER';
    const accessMode = { mode };
    if (type === 'block') return { block: {}, accessMode };
    return {
      mount: { fsType: this.options.fsType, mountFlags: options.mountFlags ?? [], volumeMountGroup: options.mountGroup ?? '' },
      accessMode,
    };
  }

  volumeRequest(overrides: Partial<T.CreateVolumeRequest> = {}): T.CreateVolumeRequest {
    return {
      name: this.ctx.unique('vol'),
      capacityRange: { requiredBytes: this.options.testVolumeSize },
      volumeCapabilities: [this.capability()],
      parameters: this.options.volumeParameters,
      ...(this.env.topology ? { accessibilityRequirements: this.env.topology } : {}),
      ...overrides,
    };
  }

  async createVolume(overrides: Partial<T.CreateVolumeRequest> = {}): Promise<T.Volume> {
    const { volume } = await this.controller.CreateVolume(this.volumeRequest(overrides));
    if (!volume?.volumeId) throw new ConformanceError('CreateVolume: response has no volume id');
    return volume;
  }

  snapshotRequest(sourceVolumeId: string, overrides: Partial<T.CreateSnapshotRequest> = {}): T.CreateSnapshotRequest {
    return { name: this.ctx.unique('snap'), sourceVolumeId, parameters: this.options.snapshotParameters, ...overrides };
  }

  async createSnapshot(sourceVolumeId: string, overrides: Partial<T.CreateSnapshotRequest> = {}): Promise<T.Snapshot> {
    const { snapshot } = await this.controller.CreateSnapshot(this.snapshotRequest(sourceVolumeId, overrides));
    if (!snapshot?.snapshotId) throw new ConformanceError('CreateSnapshot: response has no snapshot id');
    return snapshot;
  }

  /** A volume and a snapshot of it. */
  async volumeWithSnapshot(): Promise<{ volume: T.Volume; snapshot: T.Snapshot }> {
    const { volume, snapshots } = await this.volumeWithSnapshots(1);
    return { volume, snapshot: snapshots[0]! };
  }

  /** A volume and `count` snapshots of it, taken one after another. */
  async volumeWithSnapshots(count: number): Promise<{ volume: T.Volume; snapshots: T.Snapshot[] }> {
    const volume = await this.createVolume();
    const snapshots: T.Snapshot[] = [];
    for (let i = 0; i < count; i++) snapshots.push(await this.createSnapshot(volume.volumeId));
    return { volume, snapshots };
  }

  stagingPath(): Promise<string> {
    return this.env.paths.staging(this.ctx.unique('stage'), this.ctx.ledger, this.ctx.signal);
  }

  targetPath(): Promise<string> {
    return this.env.paths.target(this.ctx.unique('target'), this.ctx.ledger, this.ctx.signal);
  }

  // ---- node workflows (each step lands in the ledger, undone in reverse)

  /** ControllerPublish (when the driver needs it) and NodeStage (when it stages): the volume is ready for NodePublish. */
  async nodeReady(volume: T.Volume, capability = this.capability()): Promise<NodeReady> {
    let publishContext: T.StringMap = {};
    if (this.has('controller.PUBLISH_UNPUBLISH_VOLUME')) {
      const response = await this.controller.ControllerPublishVolume({
        volumeId: volume.volumeId, nodeId: this.nodeId, volumeCapability: capability, readonly: false, volumeContext: volume.volumeContext,
      });
      publishContext = response.publishContext;
    }
    let stagingPath: string | undefined;
    if (this.has('node.STAGE_UNSTAGE_VOLUME')) {
      stagingPath = await this.stagingPath();
      await this.node.NodeStageVolume({
        volumeId: volume.volumeId, publishContext, stagingTargetPath: stagingPath, volumeCapability: capability, volumeContext: volume.volumeContext,
      });
    }
    return { publishContext, stagingPath, capability };
  }

  /**
   * A publish_context as the driver really hands it out (from publishing a fresh volume), for node
   * calls about other volumes: drivers may require its keys before they look the volume up.
   */
  async realPublishContext(): Promise<T.StringMap> {
    if (!this.has('controller.PUBLISH_UNPUBLISH_VOLUME') || !this.has('controller.CREATE_DELETE_VOLUME')) return {};
    const volume = await this.createVolume();
    const response = await this.controller.ControllerPublishVolume({ volumeId: volume.volumeId, nodeId: this.nodeId, volumeCapability: this.capability(), volumeContext: volume.volumeContext });
    return response.publishContext;
  }

  /** The NodePublishVolume request for a volume made ready by nodeReady. */
  publishRequest(volume: T.Volume, ready: NodeReady, targetPath: string, overrides: Partial<T.NodePublishVolumeRequest> = {}): T.NodePublishVolumeRequest {
    return {
      volumeId: volume.volumeId,
      publishContext: ready.publishContext,
      ...(ready.stagingPath ? { stagingTargetPath: ready.stagingPath } : {}),
      targetPath,
      volumeCapability: ready.capability,
      readonly: false,
      volumeContext: volume.volumeContext,
      ...overrides,
    };
  }

  /** A volume published on the node: controller publish, stage, publish as the driver requires. */
  async publishedVolume(options: { capability?: T.VolumeCapability; volume?: T.Volume; readonly?: boolean } = {}): Promise<Published & { volume: T.Volume }> {
    const capability = options.capability ?? this.capability();
    const volume = options.volume ?? (await this.createVolume({ volumeCapabilities: [capability] }));
    const ready = await this.nodeReady(volume, capability);
    const targetPath = await this.targetPath();
    await this.node.NodePublishVolume(this.publishRequest(volume, ready, targetPath, { readonly: options.readonly ?? false }));
    return { ...ready, targetPath, volume };
  }

  /** Lists every page of ListVolumes (bounded by `maxPages`). */
  async listAllVolumes(maxEntries = 0, maxPages = 1000): Promise<T.ListVolumesResponse['entries']> {
    const entries: T.ListVolumesResponse['entries'] = [];
    let token = '';
    for (let page = 0; page < maxPages; page++) {
      const response = await this.controller.ListVolumes({ maxEntries, startingToken: token });
      entries.push(...response.entries);
      if (!response.nextToken) return entries;
      token = response.nextToken;
    }
    throw new ConformanceError(`ListVolumes: still returning next_token after ${maxPages} pages`);
  }

  async listAllSnapshots(request: T.ListSnapshotsRequest = {}, maxPages = 1000): Promise<T.Snapshot[]> {
    const snapshots: T.Snapshot[] = [];
    let token = '';
    for (let page = 0; page < maxPages; page++) {
      const response = await this.controller.ListSnapshots({ ...request, startingToken: token });
      snapshots.push(...response.entries.flatMap((e) => (e.snapshot ? [e.snapshot] : [])));
      if (!response.nextToken) return snapshots;
      token = response.nextToken;
    }
    throw new ConformanceError(`ListSnapshots: still returning next_token after ${maxPages} pages`);
  }
}

/** The toolkit for one test: `const k = csi(ctx)`. */
export function csi(ctx: TestContext<CsiEnv>): CsiKit {
  return new CsiKit(ctx);
}
