// Leak check for the embedded reference: addresses its IPAM still holds after the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkList } from './runtime/config.js';

export function listAllocations(network: NetworkList): string[] {
  const leaks: string[] = [];
  for (const plugin of network.plugins) {
    const dataDir = (plugin.ipam as { dataDir?: unknown } | undefined)?.dataDir;
    if (typeof dataDir !== 'string') continue;
    const file = join(dataDir, network.name, 'allocations.json');
    if (!existsSync(file)) continue;
    const allocations = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { containerID: string; ifname: string }>;
    for (const [ip, owner] of Object.entries(allocations)) leaks.push(`address ${ip} still allocated to ${owner.containerID}/${owner.ifname}`);
  }
  return leaks;
}
