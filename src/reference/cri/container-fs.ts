// What a simulated container sees as its filesystem: bind mounts onto real host paths, a
// writable layer in memory, generated /etc files and /proc/self/status, then the image's files.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
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
  const path = normalize(rawPath);
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
  const path = normalize(rawPath);
  const mounted = mountFor(view, path);
  if (mounted) {
    if (mounted.mount.readonly) return 'Read-only file system';
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
