// The reference driver's in-memory world: volumes, snapshots, group snapshots, controller
// attachments and the node's staged/published paths. Plain data; the services hold the rules.
import { _csi_v1_VolumeCapability_AccessMode_Mode as AccessModeEnum } from '../../interfaces/csi/generated/csi/v1/VolumeCapability.js';

export type AccessType = 'mount' | 'block';

/** The 7 access modes in enum order (index + 1 = wire number), taken from the generated enum. */
export const ACCESS_MODES = Object.values(AccessModeEnum).filter((m) => m !== 'UNKNOWN') as AccessMode[];
export type AccessMode = Exclude<(typeof AccessModeEnum)[keyof typeof AccessModeEnum], 'UNKNOWN'>;

/** A volume capability reduced to what the rules compare. */
export interface Capability {
  readonly accessType: AccessType;
  readonly mode: AccessMode;
  readonly fsType: string;
  readonly mountFlags: readonly string[];
  readonly volumeMountGroup: string;
}

export type ContentSource = { readonly kind: 'snapshot'; readonly id: string } | { readonly kind: 'volume'; readonly id: string };

export interface ControllerAttachment {
  readonly capability: Capability;
  readonly readonly: boolean;
  readonly publishContext: Record<string, string>;
}

export interface VolumeRecord {
  readonly id: string;
  readonly name: string;
  /** Change only through CsiState.resize (pool accounting). */
  capacityBytes: number;
  readonly accessType: AccessType;
  readonly capabilities: readonly Capability[];
  readonly parameters: Readonly<Record<string, string>>;
  /** Mutable parameters as given at creation (the idempotency comparison uses these). */
  readonly creationMutableParameters: Readonly<Record<string, string>>;
  mutableParameters: Record<string, string>;
  readonly volumeContext: Readonly<Record<string, string>>;
  readonly contentSource: ContentSource | undefined;
  /** Zone the volume lives in, undefined when topology is not advertised. */
  readonly zone: string | undefined;
  /** Accessibility requirements given at creation (compared on re-create). */
  readonly requirementsKey: string;
  /** Node id -> attachment (ControllerPublishVolume). */
  readonly attachments: Map<string, ControllerAttachment>;
  /** Capacity the node's filesystem has been grown to (NodeExpandVolume). */
  nodeCapacityBytes: number;
  /** Counts simulated writes; each snapshot takes the next generation (SnapshotMetadata). */
  generation: number;
  abnormal: boolean;
  conditionMessage: string;
}

export interface SnapshotRecord {
  readonly id: string;
  readonly name: string;
  readonly sourceVolumeId: string;
  readonly sizeBytes: number;
  readonly createdAt: Date;
  readonly parameters: Readonly<Record<string, string>>;
  readonly groupSnapshotId: string;
  /** Generation of the source volume this snapshot froze. */
  readonly generation: number;
  readonly accessType: AccessType;
}

export interface GroupSnapshotRecord {
  readonly id: string;
  readonly name: string;
  readonly sourceVolumeIds: readonly string[];
  readonly snapshotIds: readonly string[];
  readonly createdAt: Date;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface StagedVolume {
  readonly path: string;
  readonly capability: Capability;
}

export interface PublishedTarget {
  readonly path: string;
  readonly capability: Capability;
  readonly readonly: boolean;
  readonly stagingPath: string;
  /** Every publish argument except secrets, for the "same target, other arguments" rule. */
  readonly argumentsKey: string;
}

export class CsiState {
  readonly volumes = new Map<string, VolumeRecord>();
  readonly volumeIdsByName = new Map<string, string>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  readonly snapshotIdsByName = new Map<string, string>();
  readonly groupSnapshots = new Map<string, GroupSnapshotRecord>();
  readonly groupSnapshotIdsByName = new Map<string, string>();
  /** Node side of this driver's own node: volume id -> staging. */
  readonly staged = new Map<string, StagedVolume>();
  /** Node side: volume id -> target path -> publication. */
  readonly published = new Map<string, Map<string, PublishedTarget>>();
  #counter = 0;

  /** Opaque, unique, sortable ids ("vol-000001-<random>"), so list pagination has a stable order. */
  newId(prefix: string): string {
    this.#counter += 1;
    return `${prefix}-${String(this.#counter).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Provisioned bytes per zone ('' = no zone), kept current so capacity checks are O(1). */
  readonly #usedByZone = new Map<string, number>();
  #usedTotal = 0;

  addVolume(volume: VolumeRecord): void {
    this.volumes.set(volume.id, volume);
    this.volumeIdsByName.set(volume.name, volume.id);
    this.#account(volume.zone, volume.capacityBytes);
  }

  removeVolume(volume: VolumeRecord): void {
    this.volumes.delete(volume.id);
    if (this.volumeIdsByName.get(volume.name) === volume.id) this.volumeIdsByName.delete(volume.name);
    this.#account(volume.zone, -volume.capacityBytes);
  }

  /** Every change of a volume's size goes through here so the pool accounting stays right. */
  resize(volume: VolumeRecord, capacityBytes: number): void {
    this.#account(volume.zone, capacityBytes - volume.capacityBytes);
    volume.capacityBytes = capacityBytes;
  }

  #account(zone: string | undefined, delta: number): void {
    const key = zone ?? '';
    this.#usedByZone.set(key, (this.#usedByZone.get(key) ?? 0) + delta);
    this.#usedTotal += delta;
  }

  /** Bytes provisioned in a zone (undefined zone = topology off: everything counts). */
  usedBytes(zone: string | undefined): number {
    return zone === undefined ? this.#usedTotal : (this.#usedByZone.get(zone) ?? 0);
  }

  attachedCount(nodeId: string): number {
    let count = 0;
    for (const volume of this.volumes.values()) if (volume.attachments.has(nodeId)) count += 1;
    return count;
  }

  /** Paths at which this node has the volume staged or published. */
  nodePathsOf(volumeId: string): string[] {
    const paths: string[] = [];
    const staged = this.staged.get(volumeId);
    if (staged) paths.push(staged.path);
    for (const path of this.published.get(volumeId)?.keys() ?? []) paths.push(path);
    return paths;
  }
}
