// The simulated network namespace shared by the harness and the reference plugin when real
// namespaces are unavailable (not root): CNI_NETNS is a directory the harness creates, and each
// interface in it is a JSON file <dir>/<ifname>.json. Only node:fs, so the plugin stays fast.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SimulatedInterface {
  readonly name: string;
  readonly mac: string;
  /** CIDR strings, e.g. "198.18.0.5/24". */
  readonly addresses: readonly string[];
  readonly routes: ReadonlyArray<{ readonly dst: string; readonly gw?: string }>;
  readonly mtu?: number;
}

export function isSimulatedNetns(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const fileOf = (netns: string, ifname: string) => join(netns, `${ifname}.json`);

export function readSimulatedInterface(netns: string, ifname: string): SimulatedInterface | undefined {
  try {
    return JSON.parse(readFileSync(fileOf(netns, ifname), 'utf8')) as SimulatedInterface;
  } catch {
    return undefined;
  }
}

export function writeSimulatedInterface(netns: string, iface: SimulatedInterface): void {
  writeFileSync(fileOf(netns, iface.name), JSON.stringify(iface));
}

export function simulatedInterfaceExists(netns: string, ifname: string): boolean {
  return existsSync(fileOf(netns, ifname));
}

export function removeSimulatedInterface(netns: string, ifname: string): void {
  rmSync(fileOf(netns, ifname), { force: true });
}

export function listSimulatedInterfaces(netns: string): SimulatedInterface[] {
  if (!isSimulatedNetns(netns)) return [];
  return readdirSync(netns)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readSimulatedInterface(netns, f.slice(0, -'.json'.length)))
    .filter((i): i is SimulatedInterface => i !== undefined);
}
