// The runtime's result cache: the final ADD result per (network, container, ifname), as libcni
// keeps under /var/lib/cni/results. DEL and CHECK read it for prevResult; DEL removes it.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CachedAttachment {
  readonly network: string;
  readonly containerID: string;
  readonly ifname: string;
  readonly netns?: string;
  readonly cniVersion: string;
  readonly result: unknown;
}

export class ResultCache {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  #file(network: string, containerID: string, ifname: string): string {
    // Names are validated (no path separators), so they are safe file name parts.
    return join(this.dir, `${network}-${containerID}-${ifname}.json`);
  }

  put(entry: CachedAttachment): void {
    writeFileSync(this.#file(entry.network, entry.containerID, entry.ifname), JSON.stringify(entry));
  }

  get(network: string, containerID: string, ifname: string): CachedAttachment | undefined {
    try {
      return JSON.parse(readFileSync(this.#file(network, containerID, ifname), 'utf8')) as CachedAttachment;
    } catch {
      return undefined;
    }
  }

  remove(network: string, containerID: string, ifname: string): void {
    rmSync(this.#file(network, containerID, ifname), { force: true });
  }

  list(network: string): CachedAttachment[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as CachedAttachment)
      .filter((entry) => entry.network === network);
  }
}
