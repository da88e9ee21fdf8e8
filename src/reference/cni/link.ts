// The container interface the reference plugin creates: a real veth (both ends inside the
// namespace, so nothing touches the host) configured by `ip` (argv; the steps of one ADD go to a
// single `ip -batch -`) when CNI_NETNS is a named namespace, or a simulated interface file when
// CNI_NETNS is a directory. Every `ip` process costs a fork of this one, hence as few as possible.
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

class IpError extends CniError {
  constructor(
    args: readonly string[],
    readonly stderr: string,
    fallback: string,
  ) {
    super(Code.LinkFailed, `ip ${args.join(' ')} failed: ${stderr || fallback}`);
  }
}

/** Runs `ip` with an argv array (and `input` on stdin for -batch); returns stdout. */
function ip(args: readonly string[], input?: string): string {
  // Loaded here: a plugin call in a simulated namespace never needs it.
  const { execFileSync } = process.getBuiltinModule('node:child_process');
  try {
    return execFileSync('ip', [...args], { encoding: 'utf8', timeout: 10_000, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  } catch (error) {
    throw new IpError(args, String((error as { stderr?: unknown }).stderr ?? '').trim(), (error as Error).message);
  }
}

/** The `ip netns` name of a namespace path under /run/netns or /var/run/netns. */
function namespaceName(netns: string): string {
  const dir = dirname(netns);
  if (dir !== '/run/netns' && dir !== '/var/run/netns') throw new CniError(Code.NetnsUnusable, `CNI_NETNS ${netns} is neither a named namespace (/run/netns/NAME) nor a simulated namespace directory`);
  if (!existsSync(netns)) throw new CniError(Code.NetnsUnusable, `network namespace ${netns} does not exist`);
  return basename(netns);
}

/** FNV-1a, 32 bits: enough to tell interface names in one namespace apart. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Peer name in the namespace: short and derived from the interface name so DEL can find it. */
const peerOf = (ifname: string) => `rp${fnv1a(ifname).toString(16).padStart(8, '0')}`;

/** A random MAC, locally administered and unicast (it only has to be unlikely to repeat in a namespace). */
const randomMac = () => {
  const bytes = Array.from({ length: 6 }, () => Math.floor(Math.random() * 256));
  bytes[0] = (bytes[0]! & 0xfe) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
};

/** A word of ip's batch language: whitespace in a value from the config would read as more words. */
function word(value: string, what: string): string {
  if (value === '' || /\s/.test(value)) throw new CniError(Code.InvalidConfig, `${what} ${JSON.stringify(value)} is not a single word`);
  return value;
}

export function linkExists(netns: string, ifname: string): boolean {
  if (isSimulatedNetns(netns)) return simulatedInterfaceExists(netns, ifname);
  try {
    ip(['-n', namespaceName(netns), 'link', 'show', 'dev', ifname]);
    return true;
  } catch (error) {
    if (error instanceof IpError) return false;
    throw error;
  }
}

/**
 * Creates and configures the interface; an interface of that name already there is a CniError
 * InterfaceExists (in a real namespace found by the creation itself, which EEXIST stops).
 */
export function createLink(netns: string, spec: LinkSpec): LinkFacts {
  const mac = randomMac();
  if (isSimulatedNetns(netns)) {
    if (simulatedInterfaceExists(netns, spec.ifname)) throw new CniError(Code.InterfaceExists, `interface ${spec.ifname} already exists in ${netns}`);
    writeSimulatedInterface(netns, { name: spec.ifname, mac, addresses: spec.addresses, routes: spec.skipRoutes ? [] : spec.routes });
    return { mac, addresses: spec.addresses };
  }
  const ns = namespaceName(netns);
  const dev = spec.ifname;
  const peer = peerOf(dev);
  const steps = [
    `link add ${dev} address ${mac} type veth peer name ${peer}`,
    ...spec.addresses.map((address) => `addr add ${word(address, 'address')} dev ${dev}${address.includes(':') ? ' nodad' : ''}`),
    `link set ${peer} up`,
    `link set ${dev} up`,
    ...(spec.skipRoutes ? [] : spec.routes.map((route) => `route add ${word(route.dst, 'route dst')}${route.gw ? ` via ${word(route.gw, 'route gw')}` : ''} dev ${dev}`)),
  ];
  try {
    ip(['-n', ns, '-batch', '-'], `${steps.join('\n')}\n`);
  } catch (error) {
    // ip stops at the first failing line ("Command failed -:N"); past the first, the link exists.
    const stderr = error instanceof IpError ? error.stderr : '';
    const line = /Command failed -:(\d+)/.exec(stderr)?.[1];
    if (line !== '1') deleteLink(netns, dev);
    // The first line fails with EEXIST when CNI_IFNAME (or its peer, named after it) is there: no separate look first.
    else if (/File exists/.test(stderr)) throw new CniError(Code.InterfaceExists, `interface ${dev} already exists in ${netns}`);
    throw error;
  }
  return { mac, addresses: spec.addresses };
}

/** Removes the interface if it and its namespace still exist; missing things are not errors (DEL). */
export function deleteLink(netns: string, ifname: string): void {
  if (netns === '' || !existsSync(netns)) return;
  if (isSimulatedNetns(netns)) return removeSimulatedInterface(netns, ifname);
  try {
    ip(['-n', namespaceName(netns), 'link', 'delete', ifname]);
  } catch (error) {
    if (!(error instanceof IpError && /Cannot find device/.test(error.stderr))) throw error;
  }
}

/** Addresses currently on the interface, or undefined when it does not exist. */
export function linkAddresses(netns: string, ifname: string): string[] | undefined {
  if (isSimulatedNetns(netns)) return readSimulatedInterface(netns, ifname)?.addresses.slice();
  let shown: string;
  try {
    shown = ip(['-j', '-n', namespaceName(netns), 'addr', 'show', 'dev', ifname]);
  } catch (error) {
    if (error instanceof IpError && /does not exist/.test(error.stderr)) return undefined;
    throw error;
  }
  const [link] = JSON.parse(shown) as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>;
  return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}
