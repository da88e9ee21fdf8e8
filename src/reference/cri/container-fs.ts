// What a simulated container sees as its filesystem: bind mounts onto real host paths, a
// writable layer in memory, generated /etc files and /proc/self/status, then the image's files.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mount } from '../../interfaces/cri/types.js';

export interface FsView {
  readonly mounts: readonly Mount[];
  /** Host mount points when the container started: later ones do not propagate into private mounts. */
  readonly mountPointsAtStart: ReadonlySet<string>;
  readonly readonlyRootfs: boolean;
  readonly imageFiles: ReadonlyMap<string, Buffer>;
  readonly generated: () => ReadonlyMap<string, string>;
  readonly layer: Map<string, Buffer>;
  /** Every path in the image's layers (directories and links too), for listing directories. */
  readonly imagePaths?: ReadonlySet<string>;
  /** MaskedPaths: files read as empty, directories as empty, nothing below them is reachable. */
  readonly maskedPaths?: readonly string[];
  /** ReadonlyPaths: writes below them fail as on a read-only mount. */
  readonly readonlyPaths?: readonly string[];
  /** Bind mounts the container made itself (`mount --bind`): target -> source, both container paths. */
  readonly ownMounts?: Map<string, string>;
}

function under(path: string, roots: readonly string[] | undefined): boolean {
  return (roots ?? []).some((root) => path === normalize(root) || path.startsWith(normalize(root) + '/'));
}

export function isMaskedPath(view: FsView, rawPath: string): boolean {
  return under(normalize(rawPath), view.maskedPaths);
}

/** Whether anything (a file, link or directory) is at this path of the container's filesystem. */
export function containerPathExists(view: FsView, rawPath: string): boolean {
  const path = resolve(view, rawPath);
  if (under(path, view.maskedPaths)) return view.maskedPaths!.some((m) => normalize(m) === path);
  const mounted = mountFor(view, path);
  if (mounted) return existsSync(mounted.hostPath) && !hiddenByLaterMount(view, mounted.mount, mounted.hostPath);
  return view.generated().has(path) || view.layer.has(path) || view.imageFiles.has(path) || Boolean(view.imagePaths?.has(path)) || listContainerDir(view, path) !== undefined;
}

/** A path below a bind mount the container made is the same path below that mount's source. */
function resolve(view: FsView, rawPath: string): string {
  const path = normalize(rawPath);
  for (const [target, source] of view.ownMounts ?? []) {
    if (path === target || path.startsWith(target + '/')) return resolve(view, source + path.slice(target.length));
  }
  return path;
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

function mountFor(view: FsView, path: string): { mount: Mount; hostPath: string } | undefined {
  let best: Mount | undefined;
  for (const mount of view.mounts) {
    const root = normalize(mount.containerPath);
    if ((path === root || path.startsWith(root + '/')) && (!best || root.length > normalize(best.containerPath).length)) best = mount;
  }
  if (!best) return undefined;
  return { mount: best, hostPath: join(best.hostPath, path.slice(normalize(best.containerPath).length)) };
}

/** Mount points of the node right now (Linux); empty elsewhere. */
export function hostMountPoints(): Set<string> {
  try {
    return new Set(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' ')).filter(Boolean));
  } catch {
    return new Set();
  }
}

/**
 * A read-only mount is read-only at `hostPath` unless the mount is not recursive and `hostPath` is on
 * another node mount below the mount's source (a non-recursive bind leaves submounts writable).
 */
function readOnlyAt(mount: Mount, hostPath: string): boolean {
  if (!mount.readonly) return false;
  if (mount.recursiveReadOnly) return true;
  const source = normalize(mount.hostPath);
  for (const point of hostMountPoints()) {
    if (point.startsWith(source + '/') && (hostPath === point || hostPath.startsWith(point + '/'))) return false;
  }
  return true;
}

/** `mkdir -p`: on a mount a real directory of the node, elsewhere a directory of the container's layer. */
export function makeContainerDir(view: FsView, rawPath: string): string | undefined {
  const path = resolve(view, rawPath);
  if (under(path, view.maskedPaths)) return 'Permission denied';
  if (under(path, view.readonlyPaths)) return 'Read-only file system';
  const mounted = mountFor(view, path);
  if (!mounted) return writeContainerFile(view, `${path}/.keep`, Buffer.alloc(0), true);
  if (readOnlyAt(mounted.mount, mounted.hostPath)) return 'Read-only file system';
  try {
    mkdirSync(mounted.hostPath, { recursive: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A private mount does not see host mounts made below its source after the container started. */
function hiddenByLaterMount(view: FsView, mount: Mount, hostPath: string): boolean {
  if (mount.propagation && mount.propagation !== 'PROPAGATION_PRIVATE') return false;
  if (view.mountPointsAtStart.has('*')) return false;
  for (const point of hostMountPoints()) {
    if (view.mountPointsAtStart.has(point) || !point.startsWith(normalize(mount.hostPath) + '/')) continue;
    if (hostPath === point || hostPath.startsWith(point + '/')) return true;
  }
  return false;
}

export function readContainerFile(view: FsView, rawPath: string): Buffer | undefined {
  const path = resolve(view, rawPath);
  if (under(path, view.maskedPaths)) return view.maskedPaths!.some((m) => normalize(m) === path) ? Buffer.alloc(0) : undefined;
  const mounted = mountFor(view, path);
  if (mounted) {
    if (hiddenByLaterMount(view, mounted.mount, mounted.hostPath)) return undefined;
    try {
      return readFileSync(mounted.hostPath);
    } catch {
      return undefined;
    }
  }
  const generated = view.generated().get(path);
  if (generated !== undefined) return Buffer.from(generated);
  return view.layer.get(path) ?? view.imageFiles.get(path);
}

/** Returns the error text a shell would print, or undefined when written. */
export function writeContainerFile(view: FsView, rawPath: string, content: Buffer, append: boolean): string | undefined {
  const path = resolve(view, rawPath);
  if (under(path, view.maskedPaths)) return 'Permission denied';
  if (under(path, view.readonlyPaths)) return 'Read-only file system';
  const mounted = mountFor(view, path);
  if (mounted) {
    if (readOnlyAt(mounted.mount, mounted.hostPath)) return 'Read-only file system';
    try {
      if (append) appendFileSync(mounted.hostPath, content);
      else writeFileSync(mounted.hostPath, content);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (path.startsWith('/proc/') || path.startsWith('/sys/')) return 'Permission denied';
  if (view.readonlyRootfs) return 'Read-only file system';
  const previous = append ? (view.layer.get(path) ?? view.imageFiles.get(path) ?? Buffer.alloc(0)) : Buffer.alloc(0);
  view.layer.set(path, Buffer.concat([previous, content]));
  return undefined;
}

/** Names in a directory the container sees (mounts, generated files, its layer, the image), or undefined. */
export function listContainerDir(view: FsView, rawPath: string): string[] | undefined {
  const path = resolve(view, rawPath);
  if (under(path, view.maskedPaths)) return view.maskedPaths!.some((m) => normalize(m) === path) ? [] : undefined;
  const mounted = mountFor(view, path);
  if (mounted) {
    if (hiddenByLaterMount(view, mounted.mount, mounted.hostPath)) return [];
    try {
      return statSync(mounted.hostPath).isDirectory() ? readdirSync(mounted.hostPath).sort() : undefined;
    } catch {
      return undefined;
    }
  }
  const prefix = path === '/' ? '/' : `${path}/`;
  const names = new Set<string>();
  let isDir = path === '/';
  const add = (candidate: string) => {
    if (!candidate.startsWith(prefix)) return;
    isDir = true;
    const name = candidate.slice(prefix.length).split('/')[0];
    if (name) names.add(name);
  };
  for (const candidate of [...view.generated().keys(), ...view.layer.keys(), ...view.imageFiles.keys(), ...(view.imagePaths ?? [])]) add(candidate);
  // Mount points are directories of their parent too.
  for (const mount of view.mounts) add(normalize(mount.containerPath));
  // `mkdir` in the layer leaves a .keep marker: the directory exists, the marker is not shown.
  names.delete('.keep');
  return isDir ? [...names].sort() : undefined;
}
