// What every service of the reference driver shares: resolved options, the in-memory state,
// and small request helpers (int64 coercion, secrets, capability gates).
import type { ResolvedOptions, ControllerCapabilityName, NodeCapabilityName } from './options.js';
import type { CsiState } from './state.js';
import { fail, status, unimplemented } from './status.js';

export interface DriverContext {
  readonly options: ResolvedOptions;
  readonly state: CsiState;
}

/** int64 fields arrive as numbers (proto-loader longs: Number) but the generated input type also allows string/Long. */
export function toNumber(value: number | string | { toNumber(): number } | null | undefined): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return value.toNumber();
}

/** With `requiredSecrets` configured, an RPC that carries secrets must carry every one of them. */
export function checkSecrets(ctx: DriverContext, rpc: string, secrets: Readonly<Record<string, string>> | null | undefined): void {
  const required = ctx.options.requiredSecrets;
  if (!required) return;
  for (const [key, value] of Object.entries(required)) {
    const given = secrets?.[key];
    if (given === undefined) fail(status.UNAUTHENTICATED, `${rpc}: required secret "${key}" is missing`);
    if (given !== value) fail(status.UNAUTHENTICATED, `${rpc}: secret "${key}" is not valid`);
  }
}

export function requireControllerCapability(ctx: DriverContext, capability: ControllerCapabilityName, rpc: string): void {
  if (!ctx.options.capabilities.controller.has(capability)) unimplemented(`${rpc} needs the ${capability} controller capability, which is switched off`);
}

export function requireNodeCapability(ctx: DriverContext, capability: NodeCapabilityName, rpc: string): void {
  if (!ctx.options.capabilities.node.has(capability)) unimplemented(`${rpc} needs the ${capability} node capability, which is switched off`);
}

export function unimplementedUnless(condition: boolean, message: string): void {
  if (!condition) unimplemented(message);
}

export function topologyEnabled(ctx: DriverContext): boolean {
  return ctx.options.capabilities.plugin.has('VOLUME_ACCESSIBILITY_CONSTRAINTS');
}

export function sameMap(a: Readonly<Record<string, string>> | null | undefined, b: Readonly<Record<string, string>> | null | undefined): boolean {
  const left = Object.entries(a ?? {}).sort();
  const right = Object.entries(b ?? {}).sort();
  return JSON.stringify(left) === JSON.stringify(right);
}

export function copyMap(map: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  return { ...(map ?? {}) };
}
