// What a cluster could leave on the host, checked after teardown: its processes, mounts, cgroups,
// network namespace and state dir, the paths kubelet, containerd and the CNI plugins write outside
// any directory they are given, kubelet's iptables chains, and the forwarding sysctl the bridge
// plugin sets. Paths, chains and sysctls count only if they were not there before the cluster started.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cgroupDirs } from './cgroups.js';
import { execArgv } from './exec.js';
import { MASKED_HOST_DIRS, maskSource } from './namespaces.js';
import { clusterProcesses, type ClusterMembership } from './processes.js';

/**
 * Written there by kubelet and kube-apiserver whatever their flags say; no other test runs them,
 * so any of these that appears is the cluster's.
 */
export const KUBELET_HOST_PATHS = ['/var/lib/kubelet', '/var/lib/kubelet/pki', '/var/lib/kubelet/device-plugins', '/var/log/containers', '/var/log/pods', '/var/run/kubernetes'] as const;

/** A container or sandbox id: what makes a runtime's or CNI plugin's file name the cluster's own. */
const OWN_NAME = /[0-9a-f]{64}/;

/**
 * The host paths of every file or directory the cluster wrote under the masked host directories
 * (/run/containerd/s/<id>, /var/lib/cni/results/<network>-<id>-eth0, ...) whose name holds a
 * container or sandbox id. Read from the state dir before it goes; other tests' runtimes write
 * beside them on the host, so only these names can be told apart as the cluster's.
 */
export function ownHostPaths(stateDir: string): string[] {
  const found: string[] = [];
  const walk = (hostDir: string, source: string, dir: string, depth: number) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      if (OWN_NAME.test(name)) found.push(join(hostDir, relative(source, path)));
      else if (depth > 0) walk(hostDir, source, path, depth - 1);
    }
  };
  for (const hostDir of MASKED_HOST_DIRS) walk(hostDir, maskSource(stateDir, hostDir), maskSource(stateDir, hostDir), 5);
  return found;
}

const SAVE_COMMANDS = ['iptables-nft-save', 'ip6tables-nft-save', 'iptables-legacy-save', 'ip6tables-legacy-save'] as const;
const SYSCTLS = ['/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv6/conf/all/forwarding'] as const;

/** What the host looks like before the cluster starts, so only what it added counts afterwards. */
export interface HostBaseline {
  readonly paths: ReadonlySet<string>;
  /** "iptables-nft-save filter KUBE-FIREWALL" for every KUBE-* chain in the host's tables. */
  readonly chains: ReadonlySet<string>;
  readonly sysctls: ReadonlyMap<string, string>;
}

async function kubeChains(signal: AbortSignal): Promise<Set<string>> {
  const chains = new Set<string>();
  for (const command of SAVE_COMMANDS) {
    let saved = '';
    try {
      saved = await execArgv([command], signal, { timeoutMs: 10_000 });
    } catch {
      continue; // that backend is not installed
    }
    let table = '';
    for (const line of saved.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      const chain = /^:(KUBE-\S+)/.exec(line)?.[1];
      if (chain) chains.add(`${command} ${table} ${chain}`);
    }
  }
  return chains;
}

function readSysctls(): Map<string, string> {
  return new Map(SYSCTLS.filter((path) => existsSync(path)).map((path) => [path, readFileSync(path, 'utf8').trim()]));
}

export async function hostBaseline(signal: AbortSignal): Promise<HostBaseline> {
  return { paths: new Set(KUBELET_HOST_PATHS.filter((path) => existsSync(path))), chains: await kubeChains(signal), sysctls: readSysctls() };
}

export interface ClusterFootprint {
  readonly stateDir: string;
  readonly netnsName: string;
  readonly membership: ClusterMembership;
  readonly baseline: HostBaseline;
  /** ownHostPaths(stateDir), taken just before the state dir is removed. */
  readonly ownHostPaths: string[];
}

/** Everything of the cluster still on the host, one line each; empty after a complete teardown. */
export async function leftovers(footprint: ClusterFootprint, signal: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  const { stateDir, baseline } = footprint;
  for (const p of clusterProcesses(footprint.membership)) found.push(`process ${p.pid} (${p.reason}): ${p.command}`);
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter(Boolean);
  const cgroups = cgroupDirs(footprint.membership.cgroup);
  const ours = (path: string) =>
    path === stateDir || path.startsWith(`${stateDir}/`) || KUBELET_HOST_PATHS.some((fixed) => !baseline.paths.has(fixed) && path.startsWith(fixed)) || footprint.ownHostPaths.includes(path) || cgroups.some((dir) => path.startsWith(dir));
  for (const mount of mountPoints.filter(ours)) found.push(`mount ${mount}`);
  for (const dir of cgroups.filter((d) => existsSync(d))) found.push(`cgroup ${dir}`);
  if (existsSync(`/run/netns/${footprint.netnsName}`)) found.push(`network namespace ${footprint.netnsName}`);
  if (existsSync(stateDir)) found.push(`state dir ${stateDir}`);
  for (const path of KUBELET_HOST_PATHS) if (existsSync(path) && !baseline.paths.has(path)) found.push(`host path ${path}`);
  for (const path of footprint.ownHostPaths) if (existsSync(path)) found.push(`host path ${path} (named by a container or sandbox of the cluster)`);
  for (const chain of await kubeChains(signal)) if (!baseline.chains.has(chain)) found.push(`iptables chain (${chain})`);
  for (const [path, value] of readSysctls()) if (baseline.sysctls.has(path) && baseline.sysctls.get(path) !== value) found.push(`sysctl ${path} changed from ${baseline.sysctls.get(path)} to ${value}`);
  return found;
}
