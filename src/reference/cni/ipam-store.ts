// The reference IPAM's allocation store: one JSON file per network and range family under the
// data directory the harness gives, guarded by a real file lock (proper-lockfile) so concurrent
// plugin processes never hand out one address twice.
import { mkdirSync, readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Owner {
  readonly containerID: string;
  readonly ifname: string;
}

/** address (no prefix) -> owner */
export type Allocations = Record<string, Owner>;

export class AllocationStore {
  readonly #dir: string;
  readonly #file: string;

  constructor(dataDir: string, network: string) {
    this.#dir = join(dataDir, network);
    this.#file = join(this.#dir, 'allocations.json');
    mkdirSync(this.#dir, { recursive: true });
  }

  read(): Allocations {
    if (!existsSync(this.#file)) return {};
    return JSON.parse(readFileSync(this.#file, 'utf8')) as Allocations;
  }

  #write(allocations: Allocations): void {
    // Write-then-rename so a crashed plugin never leaves a torn file.
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(allocations, null, 1));
    renameSync(tmp, this.#file);
  }

  /**
   * Read-modify-write under the lock. `unsafe` (the ipam-no-lock fault) skips the lock and widens
   * the race window, to prove the concurrency test notices.
   */
  async update<T>(change: (allocations: Allocations) => T, unsafe = false): Promise<T> {
    if (unsafe) {
      const allocations = this.read();
      await sleep(150);
      const out = change(allocations);
      this.#write(allocations);
      return out;
    }
    // Loaded here: reading (CHECK, STATUS) needs no lock, and the library installs exit handlers when loaded.
    const { default: lockfile } = await import('proper-lockfile');
    const release = await lockfile.lock(this.#dir, {
      lockfilePath: join(this.#dir, 'store.lock'),
      retries: { retries: 200, minTimeout: 5, maxTimeout: 50 },
      stale: 10_000,
      realpath: false,
    });
    try {
      const allocations = this.read();
      const out = change(allocations);
      this.#write(allocations);
      return out;
    } finally {
      await release();
    }
  }
}

export const sameOwner = (a: Owner, b: Owner): boolean => a.containerID === b.containerID && a.ifname === b.ifname;
