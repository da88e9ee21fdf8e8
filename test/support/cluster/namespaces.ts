// The namespaces every cluster component runs in. A network namespace of its own holds the node's
// address (198.18.0.0/15, benchmarking space: kube-apiserver refuses a loopback --advertise-address
// and kubelet a loopback --node-ip) and everything the cluster listens on or routes. A private mount
// namespace, kept by a holder process, is shared by all components (kubelet's volume mounts must be
// visible to the runtime and its containers, which `ip netns exec`, one mount namespace per command,
// would not give) and has directories of the state dir bound over /var/lib, /var/log and /run, where
// kubelet, containerd and the CNI plugins write whatever their flags cannot move. Every mount made
// in it goes when it does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runIp } from '../../../src/interfaces/cni/netns.js';
import { HarnessError } from '../../../src/core/errors.js';
import { raceSignal } from '../../../src/core/deadline.js';
import { execArgv } from './exec.js';
import { killOnExit } from '../kill-on-exit.js';

/** The node's address: the only one kube-apiserver and kubelet listen on besides loopback. */
export const NODE_IP = '198.18.0.1';
/** Host directories hidden inside the mount namespace behind directories of the state dir. */
export const MASKED_HOST_DIRS = ['/var/lib', '/var/log', '/run'] as const;

/** The state dir's directory that stands for `hostDir` inside the mount namespace. */
export function maskSource(stateDir: string, hostDir: string): string {
  return join(stateDir, 'host', hostDir.slice(1).replace(/\//g, '-'));
}

export interface ClusterNamespaces {
  /** The network namespace's name (/run/netns/NAME). */
  readonly netnsName: string;
  /** /run/netns/NAME. */
  readonly netns: string;
  /** /proc/PID/ns/mnt of the process holding the mount namespace. */
  readonly mnt: string;
  /** The node interface: a dummy device, or a bridge without ports where the kernel has no dummy driver. */
  readonly nodeInterface: { readonly name: string; readonly kind: 'dummy' | 'bridge' };
  /** `net:[inode]` and `mnt:[inode]`, as /proc/PID/ns/* links read: which processes are inside. */
  readonly ids: { readonly net: string; readonly mnt: string };
  /** argv that runs `argv` inside both namespaces. */
  enter(argv: readonly string[]): string[];
  /** Stops the holder and deletes the network namespace (call once every process inside is gone). */
  remove(signal: AbortSignal): Promise<void>;
}

const NODE_INTERFACE = 'conformal0';

async function addNodeInterface(netns: string, signal: AbortSignal): Promise<'dummy' | 'bridge'> {
  try {
    await runIp(['-n', netns, 'link', 'add', NODE_INTERFACE, 'type', 'dummy'], signal);
    return 'dummy';
  } catch (error) {
    if (!/Unknown device type/i.test(String((error as Error).message))) throw error;
    // Kernels built without the dummy driver: a port-less bridge holds a local address just as well.
    await runIp(['-n', netns, 'link', 'add', NODE_INTERFACE, 'type', 'bridge'], signal);
    return 'bridge';
  }
}

async function createNetwork(netns: string, signal: AbortSignal): Promise<'dummy' | 'bridge'> {
  await runIp(['netns', 'add', netns], signal);
  const kind = await addNodeInterface(netns, signal);
  await runIp(['-n', netns, 'addr', 'add', `${NODE_IP}/32`, 'dev', NODE_INTERFACE], signal);
  for (const link of ['lo', NODE_INTERFACE]) await runIp(['-n', netns, 'link', 'set', link, 'up'], signal);
  // A default route keeps "which interface is the host's" lookups working; nothing it carries leaves the namespace.
  await runIp(['-n', netns, 'route', 'add', 'default', 'dev', NODE_INTERFACE], signal);
  return kind;
}

/** A process that only holds a new, private mount namespace for the others to enter. */
async function startHolder(signal: AbortSignal): Promise<{ process: ChildProcess; mntPath: string; mnt: string }> {
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sleep', 'infinity'], { stdio: 'ignore', detached: true });
  holder.once('exit', killOnExit(() => holder.kill('SIGKILL')));
  const hostMnt = readlinkSync('/proc/self/ns/mnt');
  const mntPath = `/proc/${holder.pid}/ns/mnt`;
  // unshare execs sleep once the namespace exists: wait until its link differs from ours.
  for (const started = Date.now(); ; ) {
    if (holder.exitCode !== null || holder.signalCode !== null || holder.pid === undefined) throw new HarnessError('unshare --mount exited before holding the mount namespace');
    let mnt = '';
    try {
      mnt = readlinkSync(mntPath);
    } catch {
      // not yet
    }
    if (mnt && mnt !== hostMnt) return { process: holder, mntPath, mnt };
    if (signal.aborted || Date.now() - started > 10_000) {
      holder.kill('SIGKILL');
      throw new HarnessError('the mount namespace holder did not start within 10 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function createClusterNamespaces(name: string, stateDir: string, signal: AbortSignal): Promise<ClusterNamespaces> {
  const netnsPath = `/run/netns/${name}`;
  let holder: Awaited<ReturnType<typeof startHolder>> | undefined;
  const remove = async (removeSignal: AbortSignal) => {
    // Killed by a signal, a ChildProcess keeps exitCode null: signalCode tells it has gone.
    if (holder && holder.process.exitCode === null && holder.process.signalCode === null) {
      const exited = new Promise((resolve) => holder!.process.once('exit', resolve));
      holder.process.kill('SIGKILL');
      await raceSignal(exited, removeSignal, 'the mount namespace holder to exit').catch(() => undefined);
    }
    await runIp(['netns', 'delete', name], removeSignal).catch(() => undefined);
  };
  try {
    const kind = await createNetwork(name, signal);
    holder = await startHolder(signal);
    const enterMnt = (argv: readonly string[]) => ['nsenter', `--mount=${holder!.mntPath}`, '--', ...argv];
    for (const dir of MASKED_HOST_DIRS) {
      const source = maskSource(stateDir, dir);
      mkdirSync(source, { recursive: true });
      await execArgv(enterMnt(['mount', '--bind', source, dir]), signal);
      // Shared, as / is on a systemd node: a container's hostPath volume with mountPropagation
      // HostToContainer (a CSI client seeing what the driver mounts) needs a shared or slave mount.
      await execArgv(enterMnt(['mount', '--make-shared', dir]), signal);
    }
    const ids = { net: `net:[${statSync(netnsPath).ino}]`, mnt: holder.mnt };
    return {
      netnsName: name,
      netns: netnsPath,
      mnt: holder.mntPath,
      nodeInterface: { name: NODE_INTERFACE, kind },
      ids,
      enter: (argv) => ['nsenter', `--mount=${holder!.mntPath}`, `--net=${netnsPath}`, '--', ...argv],
      remove,
    };
  } catch (error) {
    await remove(AbortSignal.timeout(10_000));
    throw error;
  }
}
