// Namespaces of its own for a critest run and the runtime it tests. A network namespace: critest's
// specs listen on fixed ports (12000-12003), which runs side by side would share. An IPC namespace:
// critest's host-IPC specs create System V shared memory segments (ipcmk) and never remove them;
// they go with the namespace. Processes enter them with nsenter, which, unlike `ip netns exec`,
// keeps the node's mount namespace (critest's mount specs need the runtime to see its mounts).
import { execFile as execFileCb } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RealNetns, runIp } from '../../src/interfaces/cni/netns.js';

const execFile = promisify(execFileCb);

export interface RunNamespaces {
  /** Name of a network namespace (/run/netns/NAME). */
  readonly net?: string;
  /** A file holding a persistent IPC namespace. */
  readonly ipc?: string;
  /** A mount namespace (/proc/PID/ns/mnt of a process that holds it). */
  readonly mnt?: string;
}

/** argv that runs `argv` inside the namespaces. */
export function enter(namespaces: RunNamespaces | undefined, argv: readonly string[]): string[] {
  const flags = [
    ...(namespaces?.mnt ? [`--mount=${namespaces.mnt}`] : []),
    ...(namespaces?.net ? [`--net=/run/netns/${namespaces.net}`] : []),
    ...(namespaces?.ipc ? [`--ipc=${namespaces.ipc}`] : []),
  ];
  return flags.length > 0 ? ['nsenter', ...flags, '--', ...argv] : [...argv];
}

/** An IPC namespace kept by a bind mount on `dir/ipc`; removing it drops every segment made in it. */
export async function createIpcNamespace(dir: string): Promise<{ readonly path: string; remove(): Promise<void> }> {
  const path = join(dir, 'ipc');
  writeFileSync(path, '');
  await execFile('unshare', [`--ipc=${path}`, 'true']);
  return {
    path,
    async remove() {
      await execFile('umount', [path]).catch(() => undefined);
      rmSync(path, { force: true });
    },
  };
}

/** A network namespace `name` (loopback up) and an IPC namespace in `dir`. */
export async function createRunNamespaces(name: string, dir: string): Promise<RunNamespaces & { remove(): Promise<void> }> {
  const netns = new RealNetns();
  const signal = AbortSignal.timeout(10_000);
  const net = await netns.create(name, signal);
  await runIp(['-n', name, 'link', 'set', 'lo', 'up'], signal);
  const ipc = await createIpcNamespace(dir);
  return {
    net: name,
    ipc: ipc.path,
    async remove() {
      await ipc.remove();
      await netns.remove(net, AbortSignal.timeout(10_000));
    },
  };
}
