// Network namespaces for tests: real ones (`ip netns`, root) or simulated directories (embedded
// reference without root). Both answer the same questions: which interfaces exist with which
// addresses, and which routes, so results are verified inside the namespace either way.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../core/errors.js';
import { listSimulatedInterfaces, readSimulatedInterface, removeSimulatedInterface, writeSimulatedInterface } from './simulated-netns.js';

const execFileAsync = promisify(execFile);
const IP_TIMEOUT_MS = 10_000;
const netnsPath = (name: string) => `/run/netns/${name}`;

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
  /** A namespace named `name`, made now. */
  create(name: string, signal: AbortSignal): Promise<Namespace>;
  /** Removes `ns` now. */
  remove(ns: Namespace, signal: AbortSignal): Promise<void>;
  /** A new namespace for a test, named by the provider (real ones are made several at a time). */
  take(signal: AbortSignal): Promise<Namespace>;
  /** A namespace taken and no longer needed: removed now or, with others, later (see flush). */
  release(ns: Namespace, signal: AbortSignal): Promise<void>;
  /** Removes every namespace released but not yet removed, and every one made but never taken; returns those it could not remove. */
  flush(signal: AbortSignal): Promise<string[]>;
  inspect(ns: Namespace, signal: AbortSignal): Promise<NamespaceState>;
  /**
   * Removes an interface behind the plugin's back (CHECK must then fail). The loopback device
   * cannot be deleted: it is taken down and stripped of its addresses instead.
   */
  breakInterface(ns: Namespace, ifname: string, signal: AbortSignal): Promise<void>;
  /** Adds a route to an interface, as a later chained plugin might. */
  addRoute(ns: Namespace, route: { dst: string; dev: string }, signal: AbortSignal): Promise<void>;
}

/** Runs `ip` with an argv array and a deadline (`input` on its stdin, for -batch -); returns stdout. */
export async function runIp(args: readonly string[], signal: AbortSignal, input?: string): Promise<string> {
  try {
    const child = execFileAsync('ip', [...args], { signal, timeout: IP_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 });
    // ip may exit before it reads its stdin (a command without -batch, a failing line): its exit status tells, not EPIPE.
    child.child.stdin?.on('error', () => {});
    child.child.stdin?.end(input);
    const { stdout } = await child;
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new HarnessError(`ip ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

/** How many namespaces one `ip -batch` makes or removes. */
export const POOL_BATCH = 8;

/** Removes the named namespaces with one `ip -force -batch`; returns those still there afterwards. */
async function removeNamespaces(names: readonly string[], signal: AbortSignal): Promise<string[]> {
  if (names.length === 0) return [];
  await runIp(['-force', '-batch', '-'], signal, names.map((n) => `netns delete ${n}\n`).join('')).catch(() => undefined);
  return names.filter((n) => existsSync(netnsPath(n)));
}

interface IpAddrJson {
  ifname: string;
  address?: string;
  mtu?: number;
  addr_info?: Array<{ local: string; prefixlen: number }>;
}
interface IpRouteJson {
  dst: string;
  /** Absent for the main table. */
  table?: string;
  gateway?: string;
  dev?: string;
}

function normaliseDst(dst: string): string {
  if (dst === 'default') return dst;
  return dst.includes('/') ? dst : `${dst}/${dst.includes(':') ? 128 : 32}`;
}


/**
 * Real namespaces (`ip netns`). An `ip` process costs a fork of the harness, so the namespaces tests
 * take are made POOL_BATCH at a time by one `ip -batch`, and those released are removed the same
 * way, POOL_BATCH at a time in the background and the rest at `flush`.
 */
export class RealNetns implements NetnsProvider {
  readonly kind = 'real';
  /** Made and not yet taken. */
  readonly #pool: string[] = [];
  #filling: Promise<void> | undefined;
  /** Released and not yet removed. */
  #released: string[] = [];
  /** Background removals under way; each resolves to the names it could not remove. */
  readonly #removing = new Set<Promise<string[]>>();
  #made = 0;

  /** `prefix` starts the names of the namespaces tests take: `<prefix>-<n>`. */
  constructor(readonly prefix = `conformal-${process.pid}`) {}

  async create(name: string, signal: AbortSignal): Promise<Namespace> {
    await runIp(['netns', 'add', name], signal);
    return { name, path: netnsPath(name) };
  }

  async remove(ns: Namespace, signal: AbortSignal): Promise<void> {
    await runIp(['netns', 'delete', ns.name], signal);
  }

  async take(): Promise<Namespace> {
    // A batch serves several tests: bounded by ip's own deadline, not by the one test that asked first.
    while (this.#pool.length === 0) await this.fill(AbortSignal.timeout(IP_TIMEOUT_MS));
    const name = this.#pool.shift()!;
    return { name, path: netnsPath(name) };
  }

  /** POOL_BATCH more namespaces (or those of the batch already being made) for tests to take; fails only when none could be made. */
  fill(signal: AbortSignal): Promise<void> {
    this.#filling ??= this.#makeBatch(signal).finally(() => (this.#filling = undefined));
    return this.#filling;
  }

  /** One `ip -force -batch` (going on past a failing line) adding POOL_BATCH namespaces. */
  async #makeBatch(signal: AbortSignal): Promise<void> {
    const names = Array.from({ length: POOL_BATCH }, () => `${this.prefix}-${++this.#made}`);
    const failure = await runIp(['-force', '-batch', '-'], signal, names.map((n) => `netns add ${n}\n`).join('')).then(
      () => undefined,
      (error: unknown) => error,
    );
    const made = names.filter((n) => existsSync(netnsPath(n)));
    if (made.length === 0) throw failure ?? new HarnessError(`ip made none of the namespaces ${names.join(', ')}`);
    this.#pool.push(...made);
  }

  async release(ns: Namespace): Promise<void> {
    this.#released.push(ns.name);
    if (this.#released.length < POOL_BATCH) return;
    const batch = this.#released;
    this.#released = [];
    const removal = removeNamespaces(batch, AbortSignal.timeout(IP_TIMEOUT_MS));
    this.#removing.add(removal);
    void removal.finally(() => this.#removing.delete(removal));
  }

  async flush(signal: AbortSignal): Promise<string[]> {
    const rest = [...this.#released, ...this.#pool.splice(0)];
    this.#released = [];
    const left = await Promise.all([...this.#removing, removeNamespaces(rest, signal)]);
    return left.flat();
  }

  async inspect(ns: Namespace, signal: AbortSignal): Promise<NamespaceState> {
    // One `ip` for both: the addresses, then the routes of every table (both families), of which the main table's count.
    const [links, routes] = (await runIp(['-j', '-n', ns.name, '-batch', '-'], signal, 'addr show\nroute show table all\n'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown[]) as [IpAddrJson[], IpRouteJson[]];
    return {
      links: (links ?? []).map((l) => ({ name: l.ifname, mac: l.address, mtu: l.mtu, addresses: (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`) })),
      routes: (routes ?? []).filter((r) => r.table === undefined || r.table === 'main').map((r) => ({ dst: normaliseDst(r.dst), gw: r.gateway, dev: r.dev })),
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
  #made = 0;
  constructor(readonly root: string) {}

  async take(): Promise<Namespace> {
    return this.create(`ns-${++this.#made}`);
  }

  async release(ns: Namespace): Promise<void> {
    await this.remove(ns);
  }

  async flush(): Promise<string[]> {
    return [];
  }

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

/**
 * Real namespaces, or why they cannot be used here (not root, or `ip netns` fails). The proof is
 * the first batch of namespaces tests will take, so finding out costs no `ip` process of its own.
 */
export async function realNetns(prefix: string, signal: AbortSignal): Promise<{ provider: RealNetns; why?: undefined } | { provider?: undefined; why: string }> {
  const uid = process.getuid?.();
  if (uid !== 0) return { why: `network namespaces need root (running as uid ${uid ?? 'unknown'})` };
  const provider = new RealNetns(prefix);
  try {
    await provider.fill(signal);
    return { provider };
  } catch (error) {
    return { why: `cannot create network namespaces: ${(error as Error).message}` };
  }
}
