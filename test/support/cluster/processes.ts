// Which processes belong to the cluster: those in its mount or network namespace (every component,
// containerd's shims, kubelet's helpers), in its cgroup (every container), or naming its state dir
// on their command line. Found through /proc, so a process that escaped its process group is still found.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ClusterMembership {
  /** `mnt:[inode]` and `net:[inode]` of the cluster's namespaces. */
  readonly namespaceIds: readonly string[];
  /** The cgroup kubelet puts pods under (its cgroupRoot, e.g. /conformal-k8s-abc). */
  readonly cgroup: string;
  readonly stateDir: string;
}

export interface ClusterProcess {
  readonly pid: number;
  readonly command: string;
  /** Why it belongs: the namespace link or cgroup line that matched. */
  readonly reason: string;
}

function belongs(pid: string, command: string, membership: ClusterMembership): string | undefined {
  for (const ns of ['mnt', 'net']) {
    try {
      const link = readlinkSync(`/proc/${pid}/ns/${ns}`);
      if (membership.namespaceIds.includes(link)) return link;
    } catch {
      return undefined;
    }
  }
  if (command.includes(membership.stateDir)) return 'names the state dir';
  try {
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .find((l) => {
        const path = l.split(':')[2] ?? '';
        return path === membership.cgroup || path.startsWith(`${membership.cgroup}/`);
      });
    return line ? `cgroup ${line}` : undefined;
  } catch {
    return undefined;
  }
}

export function clusterProcesses(membership: ClusterMembership): ClusterProcess[] {
  const found: ClusterProcess[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue;
    }
    const reason = belongs(pid, command, membership);
    if (reason) found.push({ pid: Number(pid), command, reason });
  }
  return found;
}

/** SIGKILLs every cluster process until none is left or `timeoutMs` passes; returns those still there. */
export async function killClusterProcesses(membership: ClusterMembership, timeoutMs: number): Promise<ClusterProcess[]> {
  const started = Date.now();
  for (;;) {
    const left = clusterProcesses(membership);
    if (left.length === 0 || Date.now() - started > timeoutMs) return left;
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await sleep(100);
  }
}
