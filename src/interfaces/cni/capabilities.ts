// Capabilities of a CNI target, derived once per run from the config, the plugins' VERSION
// answers and the harness's privileges. Tests require them; the runner skips before the body.
import type { CapabilityInfo, ProfileDefinition } from '../../core/plugin.js';
import { declaredCapabilities, type NetworkList } from './runtime/config.js';
import { hasCheck, hasGcAndStatus, hasChaining, SPEC_VERSIONS } from './versions.js';

export const Cap = {
  netns: 'privileges.netns',
  interfaceCreate: 'interface.create',
  ipamPool: 'ipam.pool',
  ipamDelegate: 'ipam.delegate',
  requestIps: 'runtime-config.ips',
  check: 'command.check',
  status: 'command.status',
  gc: 'command.gc',
  chain: 'chain',
  unsupportedField: 'config.unsupported-field',
  version: (v: string) => `version:${v}`,
} as const;

export const cniCapabilityCatalog: readonly CapabilityInfo[] = [
  { name: Cap.netns, kind: 'environment', description: 'the harness can give each test its own network namespace (real: root and `ip netns`; simulated: embedded reference only)' },
  { name: Cap.interfaceCreate, kind: 'claim', description: 'the first plugin creates the container interface CNI_IFNAME (not an IPAM-only plugin)' },
  { name: Cap.ipamPool, kind: 'claim', description: 'addresses come from a pool (an ipam.type other than static/dhcp, or cni.ipamPool: true)' },
  { name: Cap.ipamDelegate, kind: 'claim', description: 'a plugin names an IPAM executable that keeps allocations (ipam.type other than static or dhcp)' },
  { name: Cap.requestIps, kind: 'feature', description: 'a plugin declares the "ips" capability, so tests can ask for a specific address' },
  { name: Cap.check, kind: 'claim', description: 'CHECK is allowed: config version >= 0.4.0 and disableCheck is not set' },
  { name: Cap.status, kind: 'claim', description: 'STATUS exists: config version >= 1.1.0' },
  { name: Cap.gc, kind: 'feature', description: 'GC is allowed: config version >= 1.1.0 and disableGC is not set' },
  { name: Cap.chain, kind: 'claim', description: 'the network is a chain of two or more plugins' },
  { name: Cap.unsupportedField, kind: 'setting', flag: '--config (cni.unsupportedField)', description: 'a field the first plugin does not support is known (built in for the embedded reference)' },
  ...SPEC_VERSIONS.map((v): CapabilityInfo => ({ name: Cap.version(v), kind: 'feature', description: `every plugin of the chain advertises version ${v} (and chaining exists at it)` })),
];

/**
 * Every plugin claims `plugin`; the network config makes the others applicable: what the first
 * plugin does (creates the interface, hands out addresses from a pool), whether it is a chain, and
 * which verbs its version and flags allow.
 */
export const cniProfiles: readonly ProfileDefinition[] = [
  { name: 'plugin', description: 'every plugin: VERSION, ADD and DEL, the environment and config errors, results', claimedBy: [] },
  { name: 'interface', description: 'plugins that create the container interface', claimedBy: [Cap.interfaceCreate] },
  { name: 'ipam', description: 'networks whose addresses come from a pool', claimedBy: [Cap.ipamPool] },
  { name: 'chain', description: 'chains of two or more plugins', claimedBy: [Cap.chain] },
  { name: 'check', description: 'CHECK (config version 0.4.0 and later, not disabled)', claimedBy: [Cap.check] },
  { name: 'check-interface', description: 'CHECK of plugins that create the container interface', claimedBy: [Cap.check, Cap.interfaceCreate] },
  { name: 'check-ipam', description: 'CHECK of plugins that delegate to an IPAM executable keeping allocations', claimedBy: [Cap.check, Cap.ipamDelegate] },
  { name: 'status', description: 'STATUS (config version 1.1.0 and later)', claimedBy: [Cap.status] },
];

/** IPAM types that keep no allocations of their own. */
export const IPAM_WITHOUT_POOL: readonly string[] = ['static', 'dhcp'];

export function deriveCapabilities(network: NetworkList, versions: readonly string[], netns: boolean, ipamPoolOverride: boolean | undefined, unsupportedField: boolean): Set<string> {
  const caps = new Set<string>();
  if (unsupportedField) caps.add(Cap.unsupportedField);
  if (netns) caps.add(Cap.netns);
  const first = network.plugins[0]!;
  const ipamTypes = network.plugins.map((p) => (p.ipam as { type?: unknown } | undefined)?.type).filter((t): t is string => typeof t === 'string');
  if (first.type !== (first.ipam as { type?: unknown } | undefined)?.type) caps.add(Cap.interfaceCreate);
  const delegatesToPool = ipamTypes.some((t) => !IPAM_WITHOUT_POOL.includes(t));
  if (delegatesToPool) caps.add(Cap.ipamDelegate);
  const pool = ipamPoolOverride ?? delegatesToPool;
  if (pool) caps.add(Cap.ipamPool);
  if (pool && network.plugins.some((p) => declaredCapabilities(p).includes('ips'))) caps.add(Cap.requestIps);
  if (hasCheck(network.cniVersion) && !network.disableCheck) caps.add(Cap.check);
  if (hasGcAndStatus(network.cniVersion)) caps.add(Cap.status);
  if (hasGcAndStatus(network.cniVersion) && !network.disableGC) caps.add(Cap.gc);
  if (network.plugins.length > 1) caps.add(Cap.chain);
  for (const v of versions) if (network.plugins.length === 1 || hasChaining(v)) caps.add(Cap.version(v));
  return caps;
}
