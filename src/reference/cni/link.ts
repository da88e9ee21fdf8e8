// The container interface the reference plugin creates: a real veth (both ends inside the
// namespace, so nothing touches the host) configured by `ip` (argv; the steps of one ADD go to a
// single `ip -batch -`) when CNI_NETNS is a named namespace, or a simulated interface file when
// CNI_NETNS is a directory. Every `ip` process costs a fork of this one, hence as few as possible.
import { existsSync } from 'node:fs';
import { isSimulatedNetns, readSimulatedInterface, removeSimulatedInterface, simulatedInterfaceExists, writeSimulatedInterface } from '../../interfaces/cni/simulated-netns.js';
import { addressSteps, failedLine, ip, ipIn, IpError, namespaceName, namespaceRef, randomMac, routeSteps } from './ip-command.js';
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

/** FNV-1a, 32 bits: enough to tell interface names in one namespace apart. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Peer name in the namespace: short and derived from the interface name so DEL can find it. */
const peerOf = (ifname: string) => `rp${fnv1a(ifname).toString(16).padStart(8, '0')}`;

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
    ...addressSteps(dev, spec.addresses),
    `link set ${peer} up`,
    `link set ${dev} up`,
    ...(spec.skipRoutes ? [] : routeSteps(dev, spec.routes)),
  ];
  try {
    ip(['-n', ns, '-batch', '-'], `${steps.join('\n')}\n`);
  } catch (error) {
    // ip stops at the first failing line ("Command failed -:N"); past the first, the link exists.
    if (failedLine(error) !== 1) deleteLink(netns, dev);
    // The first line fails with EEXIST when CNI_IFNAME (or its peer, named after it) is there: no separate look first.
    else if (/File exists/.test((error as IpError).stderr)) throw new CniError(Code.InterfaceExists, `interface ${dev} already exists in ${netns}`);
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

/** Addresses currently on the interface, or undefined when it does not exist; `anyPath` as namespaceRef's. */
export function linkAddresses(netns: string, ifname: string, anyPath = false): string[] | undefined {
  if (isSimulatedNetns(netns)) return readSimulatedInterface(netns, ifname)?.addresses.slice();
  let shown: string;
  try {
    shown = ipIn(namespaceRef(netns, anyPath), ['addr', 'show', 'dev', ifname], undefined, ['-j']);
  } catch (error) {
    if (error instanceof IpError && /does not exist/.test(error.stderr)) return undefined;
    throw error;
  }
  const [link] = JSON.parse(shown) as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>;
  return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}
