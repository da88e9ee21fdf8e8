// Bridge mode of the reference plugin (`"mode": "bridge"`): the container end of a veth in
// CNI_NETNS, configured as in the default mode, and its host end in the namespace the plugin runs in
// (the runtime's), attached to a bridge there that carries each range's gateway address, as the
// bridge plugin does with isGateway. Containers on one bridge reach each other, and through the
// gateway the runtime's namespace. One `ip -batch` per namespace: two processes per ADD.
import { readFileSync } from 'node:fs';
import { addressSteps, failedLine, ip, ipIn, IpError, namespaceRef, randomMac, routeSteps, word, type NamespaceRef } from './ip-command.js';
import { ipFamily } from './ip-family.js';
import { fnv1a, type LinkFacts, type LinkSpec } from './link.js';
import type { IpConfig, Route } from './results.js';
import { CniError, Code } from './skel.js';

export interface BridgedLinkSpec extends LinkSpec {
  readonly bridge: string;
  /** The host end's name (hostEndName). */
  readonly hostEnd: string;
  /** Gateway addresses with their range's prefix (198.18.0.1/24): the bridge carries them. */
  readonly gateways: readonly string[];
}

/**
 * The host end of an attachment's veth, named after the attachment so DEL and CHECK find it (no
 * node:crypto: its load would cost every plugin start). Two attachments whose names collide (32 bits)
 * make the second ADD fail with code 100, never share an interface.
 */
export const hostEndName = (containerID: string, ifname: string) => `cnf${fnv1a(`${containerID}/${ifname}`).toString(16).padStart(8, '0')}`;

const familyOf = (address: string) => (ipFamily(address.split('/')[0] ?? '') === 6 ? 6 : 4);
const DEFAULT_DST = { 4: '0.0.0.0/0', 6: '::/0' } as const;

/** The bridge's addresses: each allocated address's gateway with that address's prefix, once. */
export function gatewayAddresses(ips: readonly IpConfig[]): string[] {
  const gateways = ips.filter((i) => i.gateway).map((i) => `${i.gateway}/${i.address.split('/')[1] ?? (familyOf(i.address) === 6 ? 128 : 32)}`);
  return [...new Set(gateways)];
}

/** `routes` plus a default route via the gateway for each family the IPAM gave none for (isDefaultGateway). */
export function withDefaultRoutes(ips: readonly IpConfig[], routes: readonly Route[]): Route[] {
  const out = [...routes];
  for (const { gateway } of ips) {
    if (!gateway) continue;
    const dst = DEFAULT_DST[familyOf(gateway)];
    if (!out.some((r) => r.dst === dst)) out.push({ dst, gw: gateway });
  }
  return out;
}

/** Whether a link is in this process's namespace: /proc/self/net/dev follows the namespace, /sys only its mount. */
function linkHere(name: string): boolean {
  return readFileSync('/proc/self/net/dev', 'utf8').split('\n').some((line) => line.trimStart().startsWith(`${name}:`));
}

/** Removes the host end (the container end goes with it); a missing one is not an error (DEL). */
export function deleteHostEnd(hostEnd: string): void {
  try {
    ip(['link', 'delete', hostEnd]);
  } catch (error) {
    if (!(error instanceof IpError && /Cannot find device/.test(error.stderr))) throw error;
  }
}

/** CheckFailed unless the host end exists in this namespace with `bridge` as its master. */
export function checkHostEnd(hostEnd: string, bridge: string): void {
  let shown: string;
  try {
    shown = ip(['-j', 'link', 'show', 'dev', hostEnd]);
  } catch (error) {
    if (error instanceof IpError && /does not exist/.test(error.stderr)) throw new CniError(Code.CheckFailed, `host end ${hostEnd} of the veth is missing`);
    throw error;
  }
  const [link] = JSON.parse(shown) as Array<{ master?: string }>;
  if (link?.master !== bridge) throw new CniError(Code.CheckFailed, `host end ${hostEnd} is ${link?.master ? `on ${link.master}` : 'on no bridge'}, not on ${bridge}`);
}

/** An interface the attachment made in the runtime's namespace, for the result's interfaces list. */
export interface HostInterface {
  readonly name: string;
  readonly mac?: string;
}

/**
 * Runs the host-side batch: the bridge (made when missing), its gateway addresses, the veth with its
 * container end sent into `ns`, the host end on the bridge; returns the bridge and the host end as
 * `ip -j` shows them at the end of the same batch.
 */
function runHostSteps(ns: NamespaceRef, dev: string, mac: string, spec: BridgedLinkSpec): HostInterface[] {
  const bridge = word(spec.bridge, 'bridge');
  const common = [
    ...spec.gateways.map((gateway) => `addr replace ${word(gateway, 'gateway')} dev ${bridge}${gateway.includes(':') ? ' nodad' : ''}`),
    `link set ${bridge} up`,
    // `netns` takes a name or a path (ip -n takes only names).
    `link add ${spec.hostEnd} type veth peer name ${dev} address ${mac} netns ${ns.name ?? word(ns.path, 'CNI_NETNS')}`,
    `link set ${spec.hostEnd} master ${bridge}`,
    `link set ${spec.hostEnd} up`,
    `link show dev ${bridge}`,
    `link show dev ${spec.hostEnd}`,
  ];
  const create = !linkHere(bridge);
  const steps = create ? [`link add ${bridge} type bridge`, ...common] : common;
  const vethLine = steps.length - 4;
  let shown: string;
  try {
    shown = ip(['-j', '-batch', '-'], `${steps.join('\n')}\n`);
  } catch (error) {
    const line = failedLine(error);
    // Another ADD made the bridge between the look and the batch: it is there now, as wanted.
    if (create && line === 1 && /File exists/.test((error as IpError).stderr)) return runHostSteps(ns, dev, mac, spec);
    if (line === vethLine && /File exists/.test((error as IpError).stderr)) throw new CniError(Code.InterfaceExists, `interface ${dev} already exists in ${ns.name ?? ns.path}, or host end ${spec.hostEnd} in the runtime's namespace`);
    if (line === undefined || line > vethLine) deleteHostEnd(spec.hostEnd);
    throw error;
  }
  return shown
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as Array<{ ifname: string; address?: string }>)[0])
    .filter((link) => link !== undefined)
    .map((link) => ({ name: link.ifname, ...(link.address ? { mac: link.address } : {}) }));
}

/** Creates the veth across the two namespaces and configures both ends; undoes it all on failure. */
export function createBridgedLink(netns: string, spec: BridgedLinkSpec): LinkFacts & { readonly hostInterfaces: HostInterface[] } {
  const ns = namespaceRef(netns, true);
  const dev = spec.ifname;
  const mac = randomMac();
  const hostInterfaces = runHostSteps(ns, dev, mac, spec);
  const steps = [...addressSteps(dev, spec.addresses), `link set ${dev} up`, ...(spec.skipRoutes ? [] : routeSteps(dev, spec.routes))];
  try {
    ipIn(ns, ['-batch', '-'], `${steps.join('\n')}\n`);
  } catch (error) {
    deleteHostEnd(spec.hostEnd);
    throw error;
  }
  return { mac, addresses: spec.addresses, hostInterfaces };
}
