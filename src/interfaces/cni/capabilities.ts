// Capabilities of a CNI target, derived once per run from the config, the plugins' VERSION
// answers and the harness's privileges. Tests require them; the runner skips before the body.
import type { CapabilityInfo } from '../../core/plugin.js';
import { declaredCapabilities, type NetworkList } from './runtime/config.js';
import { hasCheck, hasGcAndStatus, hasChaining, SPEC_VERSIONS } from './versions.js';

export const Cap = {
  netns: 'privileges.netns',
  interfaceCreate: 'interface.create',
  ipamPool: 'ipam.pool',
  requestIps: 'runtime-config.ips',
  check: 'command.check',
  status: 'command.status',
  gc: 'command.gc',
  chain: 'chain',
  unsupportedField: 'config.unsupported-field',
  version: (v: string) => `version:${v}`,
} as const;

export const cniCapabilityCatalog: readonly CapabilityInfo[] = [
  { name: Cap.netns, description: 'the harness can give each test its own network namespace (real: root and `ip netns`; simulated: embedded reference only)' },
  { name: Cap.interfaceCreate, description: 'the first plugin creates the container interface CNI_IFNAME (not an IPAM-only plugin)' },
  { name: Cap.ipamPool, description: 'addresses come from a pool (an ipam.type other than static/dhcp, or cni.ipamPool: true)' },
  { name: Cap.requestIps, description: 'a plugin declares the "ips" capability, so tests can ask for a specific address' },
  { name: Cap.check, description: 'CHECK is allowed: config version >= 0.4.0 and disableCheck is not set' },
  { name: Cap.status, description: 'STATUS exists: config version >= 1.1.0' },
  { name: Cap.gc, description: 'GC is allowed: config version >= 1.1.0 and disableGC is not set' },
  { name: Cap.chain, description: 'the network is a chain of two or more plugins' },
  { name: Cap.unsupportedField, description: 'a field the first plugin does not support is known (cni.unsupportedField; built in for the embedded reference)' },
  ...SPEC_VERSIONS.map((v) => ({ name: Cap.version(v), description: `every plugin of the chain advertises version ${v} (and chaining exists at it)` })),
];

const IPAM_WITHOUT_POOL = ['static', 'dhcp'];

export function deriveCapabilities(network: NetworkList, versions: readonly string[], netns: boolean, ipamPoolOverride: boolean | undefined, unsupportedField: boolean): Set<string> {
  const caps = new Set<string>();
  if (unsupportedField) caps.add(Cap.unsupportedField);
  if (netns) caps.add(Cap.netns);
  const first = network.plugins[0]!;
  const ipamTypes = network.plugins.map((p) => (p.ipam as { type?: unknown } | undefined)?.type).filter((t): t is string => typeof t === 'string');
  if (first.type !== (first.ipam as { type?: unknown } | undefined)?.type) caps.add(Cap.interfaceCreate);
  const pool = ipamPoolOverride ?? ipamTypes.some((t) => !IPAM_WITHOUT_POOL.includes(t));
  if (pool) caps.add(Cap.ipamPool);
  if (pool && network.plugins.some((p) => declaredCapabilities(p).includes('ips'))) caps.add(Cap.requestIps);
  if (hasCheck(network.cniVersion) && !network.disableCheck) caps.add(Cap.check);
  if (hasGcAndStatus(network.cniVersion)) caps.add(Cap.status);
  if (hasGcAndStatus(network.cniVersion) && !network.disableGC) caps.add(Cap.gc);
  if (network.plugins.length > 1) caps.add(Cap.chain);
  for (const v of versions) if (network.plugins.length === 1 || hasChaining(v)) caps.add(Cap.version(v));
  return caps;
}
