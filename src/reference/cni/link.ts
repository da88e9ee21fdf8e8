// The container interface the reference plugin creates: a real veth (both ends inside the
// namespace, so nothing touches the host) configured with `ip` argv calls when CNI_NETNS is a
// named namespace, or a simulated interface file when CNI_NETNS is a directory.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isSimulatedNetns, readSimulatedInterface, removeSimulatedInterface, simulatedInterfaceExists, writeSimulatedInterface } from '../../interfaces/cni/simulated-netns.js';
import { CniError, Code } from './skel.js';

export interface LinkSpec {
  readonly ifname: string;
  readonly addresses: readonly string[];
  readonly routes: ReadonlyArray<{ dst: string; gw?: string }>;
  /** Report routes without installing them (routes-not-installed fault). */
  readonly skipRoutes?: boolean;
}

export interface LinkFacts {
  readonly mac: string;
  readonly addresses: readonly string[];
}

function ip(args: readonly string[]): string {
  try {
    return execFileSync('ip', [...args], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new CniError(Code.LinkFailed, `ip ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/** The `ip netns` name of a namespace path under /run/netns or /var/run/netns. */
function namespaceName(netns: string): string {
  const dir = dirname(netns);
  if (dir !== '/run/netns' && dir !== '/var/run/netns') throw new CniError(Code.NetnsUnusable, `CNI_NETNS ${netns} is neither a named namespace (/run/netns/NAME) nor a simulated namespace directory`);
  if (!existsSync(netns)) throw new CniError(Code.NetnsUnusable, `network namespace ${netns} does not exist`);
  return basename(netns);
}

/** Peer name in the namespace: short and derived from the interface name so DEL can find it. */
const peerOf = (ifname: string) => `rp${createHash('sha256').update(ifname).digest('hex').slice(0, 10)}`;

const randomMac = () => {
  const bytes = randomBytes(6);
  bytes[0] = (bytes[0]! & 0xfe) | 0x02; // locally administered, unicast
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
};

export function linkExists(netns: string, ifname: string): boolean {
  if (isSimulatedNetns(netns)) return simulatedInterfaceExists(netns, ifname);
  const ns = namespaceName(netns);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'show', 'dev', ifname], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function createLink(netns: string, spec: LinkSpec): LinkFacts {
  if (isSimulatedNetns(netns)) {
    const mac = randomMac();
    writeSimulatedInterface(netns, { name: spec.ifname, mac, addresses: spec.addresses, routes: spec.skipRoutes ? [] : spec.routes });
    return { mac, addresses: spec.addresses };
  }
  const ns = namespaceName(netns);
  const peer = peerOf(spec.ifname);
  ip(['-n', ns, 'link', 'add', spec.ifname, 'type', 'veth', 'peer', 'name', peer]);
  try {
    for (const address of spec.addresses) ip(['-n', ns, 'addr', 'add', address, 'dev', spec.ifname, ...(address.includes(':') ? ['nodad'] : [])]);
    ip(['-n', ns, 'link', 'set', peer, 'up']);
    ip(['-n', ns, 'link', 'set', spec.ifname, 'up']);
    if (!spec.skipRoutes) {
      for (const route of spec.routes) ip(['-n', ns, 'route', 'add', route.dst, ...(route.gw ? ['via', route.gw] : []), 'dev', spec.ifname]);
    }
    const [link] = JSON.parse(ip(['-j', '-n', ns, 'link', 'show', 'dev', spec.ifname])) as Array<{ address: string }>;
    return { mac: link?.address ?? '', addresses: spec.addresses };
  } catch (error) {
    deleteLink(netns, spec.ifname);
    throw error;
  }
}

/** Removes the interface if it and its namespace still exist; missing things are not errors (DEL). */
export function deleteLink(netns: string, ifname: string): void {
  if (netns === '' || !existsSync(netns)) return;
  if (isSimulatedNetns(netns)) return removeSimulatedInterface(netns, ifname);
  if (linkExists(netns, ifname)) ip(['-n', namespaceName(netns), 'link', 'delete', ifname]);
}

/** Addresses currently on the interface, or undefined when it does not exist. */
export function linkAddresses(netns: string, ifname: string): string[] | undefined {
  if (isSimulatedNetns(netns)) return readSimulatedInterface(netns, ifname)?.addresses.slice();
  if (!linkExists(netns, ifname)) return undefined;
  const [link] = JSON.parse(ip(['-j', '-n', namespaceName(netns), 'addr', 'show', 'dev', ifname])) as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>;
  return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}
