// How the reference plugin drives `ip`: argv only (values from the config become words of its batch
// language, checked to be single words), one process per call where it can, errors as CniErrors.
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { io } from './io.js';
import { CniError, Code } from './skel.js';

export class IpError extends CniError {
  constructor(
    argv: readonly string[],
    readonly stderr: string,
    fallback: string,
  ) {
    super(Code.LinkFailed, `${argv.join(' ')} failed: ${stderr || fallback}`);
  }
}

/** Runs `file` (ip, or nsenter running ip) with an argv array and `input` on stdin for -batch; returns stdout. */
function run(file: string, args: readonly string[], input?: string): string {
  // Loaded here: a plugin call in a simulated namespace never needs it.
  const { execFileSync } = process.getBuiltinModule('node:child_process');
  try {
    return execFileSync(file, [...args], { env: io().env, encoding: 'utf8', timeout: 10_000, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  } catch (error) {
    throw new IpError([file, ...args], String((error as { stderr?: unknown }).stderr ?? '').trim(), (error as Error).message);
  }
}

/** Runs `ip` with an argv array (and `input` on stdin for -batch); returns stdout. */
export const ip = (args: readonly string[], input?: string): string => run('ip', args, input);

/** A container's namespace as `ip` reaches it: by name (`ip -n NAME`) or, for any other namespace file, by path. */
export type NamespaceRef = { readonly name: string; readonly path?: undefined } | { readonly path: string; readonly name?: undefined };

/**
 * The namespace at CNI_NETNS: a named one (/run/netns/NAME, /var/run/netns/NAME) by name; when
 * `anyPath`, any other namespace file (containerd's under its state dir, /proc/PID/ns/net) by path.
 */
export function namespaceRef(netns: string, anyPath: boolean): NamespaceRef {
  const dir = dirname(netns);
  const named = dir === '/run/netns' || dir === '/var/run/netns';
  if (!named && !anyPath) throw new CniError(Code.NetnsUnusable, `CNI_NETNS ${netns} is neither a named namespace (/run/netns/NAME) nor a simulated namespace directory`);
  if (!existsSync(netns)) throw new CniError(Code.NetnsUnusable, `network namespace ${netns} does not exist`);
  return named ? { name: basename(netns) } : { path: netns };
}

/**
 * Runs `ip [options] args` inside `ref`: `ip [options] -n NAME args`, or for a path
 * `nsenter --net=PATH ip [options] args` (nsenter execs ip: still one process).
 */
export function ipIn(ref: NamespaceRef, args: readonly string[], input?: string, options: readonly string[] = []): string {
  if (ref.name !== undefined) return ip([...options, '-n', ref.name, ...args], input);
  return run('nsenter', [`--net=${ref.path}`, 'ip', ...options, ...args], input);
}

/** The 1-based line of a batch `ip` stopped at ("Command failed -:N"), or undefined. */
export function failedLine(error: unknown): number | undefined {
  const line = error instanceof IpError ? /Command failed -:(\d+)/.exec(error.stderr)?.[1] : undefined;
  return line === undefined ? undefined : Number(line);
}

/** The `ip netns` name of a namespace path under /run/netns or /var/run/netns. */
export const namespaceName = (netns: string): string => namespaceRef(netns, false).name!;

/** A random MAC, locally administered and unicast (it only has to be unlikely to repeat in a namespace). */
export const randomMac = () => {
  const bytes = Array.from({ length: 6 }, () => Math.floor(Math.random() * 256));
  bytes[0] = (bytes[0]! & 0xfe) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
};

/** A word of ip's batch language: whitespace in a value from the config would read as more words. */
export function word(value: string, what: string): string {
  if (value === '' || /\s/.test(value)) throw new CniError(Code.InvalidConfig, `${what} ${JSON.stringify(value)} is not a single word`);
  return value;
}

/** Batch lines putting `addresses` on `dev` (IPv6 without duplicate detection, usable at once). */
export const addressSteps = (dev: string, addresses: readonly string[]) =>
  addresses.map((address) => `addr add ${word(address, 'address')} dev ${dev}${address.includes(':') ? ' nodad' : ''}`);

/** Batch lines installing `routes` through `dev`. */
export const routeSteps = (dev: string, routes: ReadonlyArray<{ dst: string; gw?: string }>) =>
  routes.map((route) => `route add ${word(route.dst, 'route dst')}${route.gw ? ` via ${word(route.gw, 'route gw')}` : ''} dev ${dev}`);
