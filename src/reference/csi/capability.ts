// Volume capabilities: parsing the wire form, checking it is complete and supported, and the
// access-mode rules (which modes allow several nodes or several targets on one node).
import type { VolumeCapability } from '../../interfaces/csi/generated/csi/v1/VolumeCapability.js';
import type { ResolvedOptions } from './options.js';
import { ACCESS_MODES, type AccessMode, type Capability } from './state.js';
import { invalidArgument } from './status.js';

function modeName(mode: unknown): AccessMode | 'UNKNOWN' {
  if (typeof mode === 'number') return mode >= 1 && mode <= ACCESS_MODES.length ? ACCESS_MODES[mode - 1]! : 'UNKNOWN';
  return (ACCESS_MODES as readonly string[]).includes(mode as string) ? (mode as AccessMode) : 'UNKNOWN';
}

/**
 * Parses one capability; INVALID_ARGUMENT when the access type or access mode is missing,
 * or when the mode needs a capability the driver does not advertise.
 */
export function parseCapability(capability: VolumeCapability | null | undefined, field: string, options: ResolvedOptions): Capability {
  if (!capability) return invalidArgument(`${field} is required`);
  const hasBlock = capability.block !== undefined && capability.block !== null;
  const hasMount = capability.mount !== undefined && capability.mount !== null;
  if (!hasBlock && !hasMount) return invalidArgument(`${field}: access_type (block or mount) is required`);
  const mode = modeName(capability.accessMode?.mode);
  if (mode === 'UNKNOWN') return invalidArgument(`${field}: access_mode is required (got UNKNOWN)`);
  if ((mode === 'SINGLE_NODE_SINGLE_WRITER' || mode === 'SINGLE_NODE_MULTI_WRITER') && !supportsSingleNodeMultiWriter(options)) {
    return invalidArgument(`${field}: access mode ${mode} needs the SINGLE_NODE_MULTI_WRITER capability, which this driver does not advertise`);
  }
  const mount = capability.mount ?? undefined;
  if (mount?.volumeMountGroup && !options.capabilities.node.has('VOLUME_MOUNT_GROUP')) {
    return invalidArgument(`${field}: volume_mount_group is set but the VOLUME_MOUNT_GROUP node capability is off`);
  }
  return {
    accessType: hasBlock ? 'block' : 'mount',
    mode,
    fsType: mount?.fsType ?? '',
    mountFlags: [...(mount?.mountFlags ?? [])],
    volumeMountGroup: mount?.volumeMountGroup ?? '',
  };
}

export function supportsSingleNodeMultiWriter(options: ResolvedOptions): boolean {
  return options.capabilities.controller.has('SINGLE_NODE_MULTI_WRITER') || options.capabilities.node.has('SINGLE_NODE_MULTI_WRITER');
}

/** Parses a REQUIRED repeated capability field (at least one element). */
export function parseCapabilities(list: readonly VolumeCapability[] | null | undefined, field: string, options: ResolvedOptions): Capability[] {
  if (!list || list.length === 0) return invalidArgument(`${field} is required (at least one capability)`);
  return list.map((c, i) => parseCapability(c, `${field}[${i}]`, options));
}

/** A mode under which the volume may be attached to more than one node at a time. */
export function isMultiNode(mode: AccessMode): boolean {
  return mode.startsWith('MULTI_NODE_');
}

/** A mode under which one node may publish the volume at several target paths. */
export function allowsSeveralTargets(mode: AccessMode, options: ResolvedOptions): boolean {
  if (isMultiNode(mode)) return true;
  return mode === 'SINGLE_NODE_MULTI_WRITER' && supportsSingleNodeMultiWriter(options);
}

export function isReadOnlyMode(mode: AccessMode): boolean {
  return mode === 'SINGLE_NODE_READER_ONLY' || mode === 'MULTI_NODE_READER_ONLY';
}

export function sameCapability(a: Capability, b: Capability): boolean {
  return capabilityKey(a) === capabilityKey(b);
}

export function capabilityKey(c: Capability): string {
  return JSON.stringify([c.accessType, c.mode, c.fsType, [...c.mountFlags].sort(), c.volumeMountGroup]);
}

/** The wire form of a parsed capability (for Confirmed responses). */
export function toWire(c: Capability): VolumeCapability {
  return {
    ...(c.accessType === 'block'
      ? { block: {} }
      : { mount: { fsType: c.fsType, mountFlags: [...c.mountFlags], volumeMountGroup: c.volumeMountGroup } }),
    accessMode: { mode: c.mode },
  };
}
