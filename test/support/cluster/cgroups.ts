// The cgroup kubelet puts every pod under (its cgroupRoot): made in every hierarchy before kubelet
// starts (kubelet refuses a cgroupRoot that does not exist) and removed, with everything kubelet and
// the runtime made below it, at teardown.
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

const CGROUP_FS = '/sys/fs/cgroup';

/** cgroup v2 only (cgroup.controllers at the root), or v1 with a hierarchy per directory (v1 and hybrid hosts). */
export function cgroupHierarchies(): string[] {
  if (existsSync(join(CGROUP_FS, 'cgroup.controllers'))) return [CGROUP_FS];
  return readdirSync(CGROUP_FS)
    .map((name) => join(CGROUP_FS, name))
    .filter((path) => existsSync(join(path, 'cgroup.procs')));
}

/** `name`'s directory in every hierarchy. */
export function cgroupDirs(name: string): string[] {
  return cgroupHierarchies().map((hierarchy) => join(hierarchy, name));
}

/** Makes /NAME in every hierarchy; a v1 cpuset gets its parent's CPUs and memory nodes (empty ones admit no task). */
export function createCgroup(name: string): void {
  for (const dir of cgroupDirs(name)) {
    mkdirSync(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const parent = join(dir, '..', file);
      if (existsSync(parent) && existsSync(join(dir, file)) && readFileSync(join(dir, file), 'utf8').trim() === '') writeFileSync(join(dir, file), readFileSync(parent, 'utf8'));
    }
  }
}

/** Every directory below and including `dir`, deepest first. */
function subtree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const children = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return [...children.flatMap((child) => subtree(join(dir, child.name))), dir];
}

/** PIDs in the cgroup `name` or below it, in any hierarchy. */
export function cgroupPids(name: string): number[] {
  const pids = new Set<number>();
  for (const dir of cgroupDirs(name))
    for (const sub of subtree(dir)) {
      try {
        for (const line of readFileSync(join(sub, 'cgroup.procs'), 'utf8').split('\n')) if (line.trim()) pids.add(Number(line));
      } catch {
        // removed meanwhile
      }
    }
  return [...pids];
}

/** Removes /NAME and everything below it in every hierarchy (its tasks must be gone); returns what stays. */
export function removeCgroup(name: string): string[] {
  const left: string[] = [];
  for (const dir of cgroupDirs(name))
    for (const sub of subtree(dir)) {
      try {
        rmdirSync(sub);
      } catch {
        if (existsSync(sub) && statSync(sub).isDirectory()) left.push(sub);
      }
    }
  return left;
}
