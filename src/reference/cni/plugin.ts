// The reference interface plugin (type conformal-ref): creates CNI_IFNAME in CNI_NETNS with the
// addresses its IPAM delegate allocates, chains onto prevResult, and implements DEL, CHECK,
// STATUS and GC by the spec text. Attachments are recorded under the config's dataDir. With
// "mode": "bridge" the interface's veth has its other end on a bridge in the runtime's namespace.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { atLeast } from '../../interfaces/cni/versions.js';
import { isSimulatedNetns } from '../../interfaces/cni/simulated-netns.js';
import { checkHostEnd, createBridgedLink, deleteHostEnd, gatewayAddresses, hostEndName, withDefaultRoutes, type HostInterface } from './bridge-link.js';
import { delegate } from './delegate.js';
import { validAttachments } from './gc-request.js';
import { createLink, deleteLink, linkAddresses, linkExists } from './link.js';
import { fromAnyVersion, toVersion, type Result } from './results.js';
import { CniError, Code, versionAnswer, type Request } from './skel.js';

interface Record_ {
  readonly containerID: string;
  readonly ifname: string;
  readonly netns: string;
  /** The link's name when it is not CNI_IFNAME (ignores-ifname fault). */
  readonly link?: string;
}

/** The name the container interface gets: CNI_IFNAME, as the spec asks, unless a fault renames it. */
const linkName = (request: Request) => (request.fault === 'ignores-ifname' ? 'net0' : request.ifname);

function dataDir(request: Request): string {
  const dir = request.config.dataDir;
  if (typeof dir !== 'string' || dir === '') throw new CniError(Code.InvalidConfig, 'dataDir must name a directory for the plugin state');
  const attachments = join(dir, 'attachments', String(request.config.name));
  mkdirSync(attachments, { recursive: true });
  return attachments;
}

const recordFile = (dir: string, containerID: string, ifname: string) => join(dir, `${containerID}--${ifname}.json`);

function ipamType(request: Request): string | undefined {
  const ipam = request.config.ipam as Record<string, unknown> | undefined;
  return typeof ipam?.type === 'string' ? ipam.type : undefined;
}

type Mode = { readonly kind: 'veth' } | { readonly kind: 'bridge'; readonly bridge: string };

/**
 * The interface kinds the reference makes: a veth with both ends in CNI_NETNS (the default, "veth")
 * or one whose host end is on a bridge in the runtime's namespace ("bridge", naming it in "bridge");
 * any other "mode" is an unsupported field (code 2).
 */
function networkMode(request: Request): Mode {
  const mode = request.config.mode;
  if (mode === undefined || mode === 'veth') return { kind: 'veth' };
  if (mode === 'bridge') {
    const bridge = request.config.bridge;
    if (typeof bridge !== 'string' || bridge === '') throw new CniError(Code.InvalidConfig, 'mode "bridge" needs "bridge": the name of the bridge in the runtime\'s namespace');
    return { kind: 'bridge', bridge };
  }
  if (request.fault === 'unsupported-field-vague') throw new CniError(Code.InvalidConfig, 'invalid configuration');
  throw new CniError(Code.UnsupportedField, `unsupported field mode=${JSON.stringify(mode)}: only "veth" and "bridge" are supported`);
}

/** The bridge of a bridge-mode config, else undefined: DEL and CHECK leave judging the mode to ADD. */
function bridgeOf(request: Request): string | undefined {
  const mode = request.config.mode === 'bridge' ? networkMode(request) : undefined;
  return mode?.kind === 'bridge' ? mode.bridge : undefined;
}

async function add(request: Request): Promise<unknown> {
  const mode = networkMode(request);
  if (mode.kind === 'bridge' && isSimulatedNetns(request.netns)) throw new CniError(Code.NetnsUnusable, `mode "bridge" needs a named network namespace; CNI_NETNS ${request.netns} is a simulated one`);
  const dir = dataDir(request);
  const link = linkName(request);
  // An existing interface is an error that createLink reports; only the faulty variant looks first, to replace it.
  if (request.fault === 'add-existing-succeeds' && linkExists(request.netns, link)) deleteLink(request.netns, link);
  const prev = request.fault === 'drops-prev-result' ? fromAnyVersion(undefined) : fromAnyVersion(request.config.prevResult);
  const type = ipamType(request);
  const ipam = type ? fromAnyVersion(await delegate(type, 'ADD', request)) : fromAnyVersion(undefined);
  // Bridge mode routes the container through the bridge's gateway address, as the bridge plugin's isDefaultGateway.
  const routes = mode.kind === 'bridge' ? withDefaultRoutes(ipam.ips, ipam.routes) : ipam.routes;
  const spec = { ifname: link, addresses: ipam.ips.map((i) => i.address), routes, skipRoutes: request.fault === 'routes-not-installed' };
  let mac: string;
  let hostInterfaces: HostInterface[] = [];
  try {
    if (mode.kind === 'veth') mac = createLink(request.netns, spec).mac;
    else ({ mac, hostInterfaces } = createBridgedLink(request.netns, { ...spec, bridge: mode.bridge, hostEnd: hostEndName(request.containerID, request.ifname), gateways: gatewayAddresses(ipam.ips) }));
  } catch (error) {
    // Undo the delegate's allocation before failing (the spec's advice for failed ADDs).
    if (type) await delegate(type, 'DEL', request);
    throw error;
  }
  writeFileSync(recordFile(dir, request.containerID, request.ifname), JSON.stringify({ containerID: request.containerID, ifname: request.ifname, netns: request.netns, ...(link !== request.ifname ? { link } : {}) } satisfies Record_));
  // The host interfaces (bridge mode) come first, the container interface last, as the bridge plugin lists them.
  const interfaces = [...prev.interfaces, ...hostInterfaces];
  const index = request.fault === 'bad-interface-index' ? interfaces.length + 5 : interfaces.length;
  const mtu = typeof request.config.mtu === 'number' ? request.config.mtu : undefined;
  const result: Result = {
    interfaces: [...interfaces, { name: link, mac, ...(request.fault === 'sandbox-not-reported' ? {} : { sandbox: request.netns }), ...(mtu ? { mtu } : {}) }],
    ips: [...prev.ips, ...ipam.ips.map((ip) => ({ ...ip, interface: index }))],
    routes: [...prev.routes, ...routes],
    ...((prev.dns ?? ipam.dns) ? { dns: prev.dns ?? ipam.dns } : {}),
  };
  const version = request.fault === 'wrong-result-version' ? '1.1.0' : request.cniVersion;
  return toVersion(result, version);
}

async function del(request: Request): Promise<void> {
  const dir = dataDir(request);
  const file = recordFile(dir, request.containerID, request.ifname);
  let known = true;
  try {
    readFileSync(file);
  } catch {
    known = false;
  }
  if (!known && request.fault === 'del-not-idempotent') throw new CniError(Code.UnknownContainer, `no attachment ${request.containerID}/${request.ifname}`);
  const type = ipamType(request);
  if (type) await delegate(type, 'DEL', request);
  // Only an attachment ADD recorded has an interface to remove: nothing to ask `ip` for otherwise.
  if (known && request.fault !== 'del-keeps-interface') {
    // Removing the host end removes its container end too, even when CNI_NETNS is already gone.
    if (bridgeOf(request) !== undefined) deleteHostEnd(hostEndName(request.containerID, request.ifname));
    else deleteLink(request.netns, linkName(request));
  }
  rmSync(file, { force: true });
}

async function check(request: Request): Promise<unknown> {
  if (request.config.prevResult === undefined) throw new CniError(Code.InvalidConfig, 'CHECK needs prevResult');
  const prev = fromAnyVersion(request.config.prevResult);
  const link = linkName(request);
  // The sandbox-not-reported variant looks its interface up by name only, as it never wrote the sandbox.
  const inSandbox = (sandbox: string | undefined) => request.fault === 'sandbox-not-reported' || sandbox === request.netns;
  const index = prev.interfaces.findIndex((i) => i.name === link && inSandbox(i.sandbox));
  if (index < 0) throw new CniError(Code.CheckFailed, `prevResult lists no interface ${link} in ${request.netns}`);
  if (request.fault !== 'check-ignores-interface') {
    // Bridge mode takes any namespace file for CNI_NETNS (as ADD does), the default mode named ones.
    const bridge = bridgeOf(request);
    const actual = linkAddresses(request.netns, link, bridge !== undefined);
    if (!actual) throw new CniError(Code.CheckFailed, `interface ${link} is missing from ${request.netns}`);
    for (const ip of prev.ips.filter((i) => i.interface === index && request.fault !== 'check-skips-addresses')) {
      if (!actual.includes(ip.address)) throw new CniError(Code.CheckFailed, `interface ${link} lacks address ${ip.address}`);
    }
    if (bridge !== undefined) checkHostEnd(hostEndName(request.containerID, request.ifname), bridge);
  }
  const type = ipamType(request);
  if (type && request.fault !== 'check-skips-ipam') await delegate(type, 'CHECK', request);
  // Extra interfaces, addresses or routes added by later plugins are tolerated: only ours are checked.
  return request.fault === 'check-prints-result' ? request.config.prevResult : undefined;
}

async function gc(request: Request): Promise<void> {
  const dir = dataDir(request);
  const valid = validAttachments(request) ?? [];
  const errors: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record_;
    if (valid.some((v) => v.containerID === record.containerID && v.ifname === record.ifname)) continue;
    try {
      deleteLink(record.netns, record.link ?? record.ifname);
      rmSync(join(dir, file), { force: true });
    } catch (error) {
      errors.push((error as Error).message); // keep going; report every failure at the end
    }
  }
  const type = ipamType(request);
  if (type) {
    try {
      await delegate(type, 'GC', request);
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  if (errors.length > 0) throw new CniError(Code.TryAgainLater, `GC left ${errors.length} problem(s)`, errors.join('; '));
}

export async function pluginMain(request: Request): Promise<unknown> {
  switch (request.command) {
    case 'VERSION':
      return versionAnswer(request);
    case 'ADD':
      return add(request);
    case 'DEL':
      return del(request);
    case 'CHECK':
      return check(request);
    case 'GC':
      return gc(request);
    case 'STATUS': {
      if (request.fault === 'status-unavailable') throw new CniError(Code.NotAvailable, 'plugin reports itself unavailable');
      const type = ipamType(request);
      if (type && atLeast(request.cniVersion, '1.1.0')) await delegate(type, 'STATUS', request);
      return undefined;
    }
  }
}
