// Topology: every zone is one segment value of TOPOLOGY_KEY with its own capacity pool.
// A volume is placed in the first preferred zone that is allowed and has room, else the first
// requisite zone with room.
import type { TopologyRequirement } from '../../interfaces/csi/generated/csi/v1/TopologyRequirement.js';
import type { Topology } from '../../interfaces/csi/generated/csi/v1/Topology.js';
import { TOPOLOGY_KEY } from './options.js';
import { topologyEnabled, type DriverContext } from './context.js';
import { resourceExhausted } from './status.js';

/** The zone a topology names, or undefined when it has other keys or an unknown zone. */
export function zoneOf(ctx: DriverContext, topology: Topology | null | undefined): string | undefined {
  const segments = topology?.segments ?? {};
  const keys = Object.keys(segments);
  if (keys.length !== 1 || keys[0] !== TOPOLOGY_KEY) return undefined;
  const zone = segments[TOPOLOGY_KEY]!;
  return ctx.options.zones.includes(zone) ? zone : undefined;
}

export function topologyOfZone(zone: string): Topology {
  return { segments: { [TOPOLOGY_KEY]: zone } };
}

/** Every node this driver knows lives in the first zone. */
export function zoneOfNode(ctx: DriverContext): string {
  return ctx.options.zones[0]!;
}

/** Zones allowed by the requirement, in the order the spec asks to try them. */
function candidateZones(ctx: DriverContext, requirement: TopologyRequirement | null | undefined): string[] {
  const requisite = requirement?.requisite ?? [];
  const preferred = requirement?.preferred ?? [];
  const allowed = requisite.length > 0 ? requisite.map((t) => zoneOf(ctx, t)).filter((z): z is string => z !== undefined) : [...ctx.options.zones];
  const ordered = [...preferred.map((t) => zoneOf(ctx, t)).filter((z): z is string => z !== undefined && allowed.includes(z)), ...allowed];
  if (requisite.length === 0 && preferred.length === 0) ordered.unshift(zoneOfNode(ctx));
  return [...new Set(ordered)];
}

/**
 * Picks the zone for a new volume of `size` bytes; RESOURCE_EXHAUSTED when no allowed zone
 * exists or none has room. Returns undefined when topology is not advertised (one pool).
 */
export function placeVolume(ctx: DriverContext, requirement: TopologyRequirement | null | undefined, size: number): string | undefined {
  if (!topologyEnabled(ctx)) {
    const total = ctx.options.capacityPerZone * ctx.options.zones.length;
    if (ctx.state.usedBytes(undefined) + size > total) resourceExhausted(`not enough capacity for ${size} bytes`);
    return undefined;
  }
  const zones = candidateZones(ctx, requirement);
  if (zones.length === 0) resourceExhausted('no zone satisfies accessibility_requirements.requisite');
  for (const zone of zones) {
    if (ctx.state.usedBytes(zone) + size <= ctx.options.capacityPerZone) return zone;
  }
  return resourceExhausted(`no allowed zone (${zones.join(', ')}) has room for ${size} bytes`);
}

/** Whether an existing volume in `zone` is accessible under the requirement (idempotent re-create). */
export function zoneSatisfies(ctx: DriverContext, zone: string | undefined, requirement: TopologyRequirement | null | undefined): boolean {
  if (zone === undefined) return true;
  const requisite = requirement?.requisite ?? [];
  return requisite.length === 0 || requisite.some((t) => zoneOf(ctx, t) === zone);
}

/** Bytes still free in a zone (or in every zone together). */
export function availableBytes(ctx: DriverContext, zone: string | undefined): number {
  if (zone === undefined || !topologyEnabled(ctx)) {
    const total = ctx.options.capacityPerZone * ctx.options.zones.length;
    return Math.max(0, total - ctx.state.usedBytes(undefined));
  }
  return Math.max(0, ctx.options.capacityPerZone - ctx.state.usedBytes(zone));
}
