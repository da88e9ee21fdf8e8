// Network namespaces for tests: real ones (`ip netns`, root) or simulated directories (embedded
// reference without root). Both answer the same questions: which interfaces exist with which
// addresses, and which routes, so results are verified inside the namespace either way.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../core/errors.js';
import { listSimulatedInterfaces, readSimulatedInterface, removeSimulatedInterface, writeSimulatedInterface } from './simulated-netns.js';

const execFileAsync = promisify(execFile);
const IP_TIMEOUT_MS = 10_000;

export interface Namespace {
  readonly name: string;
  /** What CNI_NETNS gets. */
  readonly path: string;
}

export interface LinkState {
  readonly name: string;
  readonly mac?: string;
  readonly mtu?: number;
  /** CIDR strings. */
  readonly addresses: readonly string[];
}

export interface RouteState {
  readonly dst: string;
  readonly gw?: string;
  readonly dev?: string;
}

export interface NamespaceState {
  readonly links: readonly LinkState[];
  readonly routes: readonly RouteState[];
}

export interface NetnsProvider {
  readonly kind: 'real' | 'simulated';
  create(name: string, signal: AbortSignal): Promise<Namespace>;
  remove(ns: Namespace, signal: AbortSignal): Promise<void>;
  inspect(ns: Namespace, signal: AbortSignal): Promise<NamespaceState>;
  /**
   * Removes an interface behind the plugin's back (CHECK must then fail). The loopback device
   * cannot be deleted: it is taken down and stripped of its addresses instead.
   */
  breakInterface(ns: Namespace, ifname: string, signal: AbortSignal): Promise<void>;
  /** Adds a route to an interface, as a later chained plugin might. */
  addRoute(ns: Namespace, route: { dst: string; dev: string }, signal: AbortSignal): Promise<void>;
}

/** Runs `ip` with an argv array and a deadline; returns stdout. */
export async function runIp(args: readonly string[], signal: AbortSignal): Promise<string> {
  try {
    const { stdout } = await execFileAsync('ip', [...args], { signal, timeout: IP_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new HarnessError(`ip ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

interface IpAddrJson {
  ifname: string;
  address?: string;
  mtu?: number;
  addr_info?: Array<{ local: string; prefixlen: number }>;
}
interface IpRouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
}

function normaliseDst(dst: string): string {
  if (dst === 'default') return dst;
  return dst.includes('/') ? dst : `${dst}/${dst.includes(':') ? 128 : 32}`;
}

export class RealNetns implements NetnsProvider {
  readonly kind = 'real';

  async create(name: string, signal: AbortSignal): Promise<Namespace> {
    await runIp(['netns', 'add', name], signal);
    return { name, path: `/run/netns/${name}` };
  }

  async remove(ns: Namespace, signal: AbortSignal): Promise<void> {
    await runIp(['netns', 'delete', ns.name], signal);
  }

  async inspect(ns: Namespace, signal: AbortSignal): Promise<NamespaceState> {
    const links = JSON.parse((await runIp(['-j', '-n', ns.name, 'addr', 'show'], signal)) || '[]') as IpAddrJson[];
    const routes4 = JSON.parse((await runIp(['-j', '-n', ns.name, '-4', 'route', 'show'], signal)) || '[]') as IpRouteJson[];
    const routes6 = JSON.parse((await runIp(['-j', '-n', ns.name, '-6', 'route', 'show'], signal)) || '[]') as IpRouteJson[];
    return {
      links: links.map((l) => ({ name: l.ifname, mac: l.address, mtu: l.mtu, addresses: (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`) })),
      routes: [...routes4, ...routes6].map((r) => ({ dst: normaliseDst(r.dst), gw: r.gateway, dev: r.dev })),
    };
  }

  async breakInterface(ns: Namespace, ifname: string, signal: AbortSignal): Promise<void> {
    if (ifname !== 'lo') return void (await runIp(['-n', ns.name, 'link', 'delete', ifname], signal));
    await runIp(['-n', ns.name, 'link', 'set', 'dev', 'lo', 'down'], signal);
    await runIp(['-n', ns.name, 'addr', 'flush', 'dev', 'lo'], signal);
  }

  async addRoute(ns: Namespace, route: { dst: string; dev: string }, signal: AbortSignal): Promise<void> {
    await runIp(['-n', ns.name, 'route', 'add', route.dst, 'dev', route.dev], signal);
  }
}

export class SimulatedNetns implements NetnsProvider {
  readonly kind = 'simulated';
  constructor(readonly root: string) {}

  async create(name: string): Promise<Namespace> {
    const path = join(this.root, name);
    mkdirSync(path, { recursive: true });
    return { name, path };
  }

  async remove(ns: Namespace): Promise<void> {
    rmSync(ns.path, { recursive: true, force: true });
  }

  async inspect(ns: Namespace): Promise<NamespaceState> {
    const ifaces = listSimulatedInterfaces(ns.path);
    return {
      links: ifaces.map((i) => ({ name: i.name, mac: i.mac, mtu: i.mtu, addresses: i.addresses })),
      routes: ifaces.flatMap((i) => i.routes.map((r) => ({ dst: normaliseDst(r.dst), gw: r.gw, dev: i.name }))),
    };
  }

  async breakInterface(ns: Namespace, ifname: string): Promise<void> {
    removeSimulatedInterface(ns.path, ifname);
  }

  async addRoute(ns: Namespace, route: { dst: string; dev: string }): Promise<void> {
    const iface = readSimulatedInterface(ns.path, route.dev);
    if (!iface) throw new HarnessError(`simulated namespace ${ns.name} has no interface ${route.dev}`);
    writeSimulatedInterface(ns.path, { ...iface, routes: [...iface.routes, { dst: route.dst }] });
  }
}

/** Why real namespaces cannot be used here, or undefined when they can (root and a working `ip netns`). */
export async function realNetnsUnavailable(signal: AbortSignal, probeName: string): Promise<string | undefined> {
  const uid = process.getuid?.();
  if (uid !== 0) return `network namespaces need root (running as uid ${uid ?? 'unknown'})`;
  try {
    await runIp(['netns', 'add', probeName], signal);
    await runIp(['netns', 'delete', probeName], signal);
    return undefined;
  } catch (error) {
    return `cannot create network namespaces: ${(error as Error).message}`;
  }
}
