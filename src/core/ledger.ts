// The cleanup ledger: every object a test creates is registered with a way to remove it.
// Entries are undone in reverse order after the test body, whether it passed or failed.

export interface LedgerEntry {
  /** What the entry removes, for logs and cleanup failure messages: "volume vol-1a2b". */
  readonly description: string;
  readonly undo: (signal: AbortSignal) => Promise<void>;
}

export interface LedgerHandle {
  /** The test removed the object itself (e.g. a DeleteVolume test): do not undo it again. */
  release(): void;
}

export interface CleanupFailure {
  readonly description: string;
  readonly error: unknown;
}

export class Ledger {
  readonly #entries: Array<LedgerEntry & { released: boolean }> = [];

  /** Registers an object for removal; returns a handle to release it when the test removes it itself. */
  add(description: string, undo: (signal: AbortSignal) => Promise<void>): LedgerHandle {
    const entry = { description, undo, released: false };
    this.#entries.push(entry);
    return {
      release: () => {
        entry.released = true;
      },
    };
  }

  get size(): number {
    return this.#entries.filter((e) => !e.released).length;
  }

  /** Descriptions of the entries not yet undone, oldest first. */
  pending(): string[] {
    return this.#entries.filter((e) => !e.released).map((e) => e.description);
  }

  /**
   * Undoes every entry, newest first. A failing entry does not stop the others; failures are
   * returned so the runner can report them against the test that created the objects.
   */
  async drain(signal: AbortSignal): Promise<CleanupFailure[]> {
    const failures: CleanupFailure[] = [];
    while (this.#entries.length > 0) {
      const entry = this.#entries.pop()!;
      if (entry.released) continue;
      try {
        await entry.undo(signal);
      } catch (error) {
        failures.push({ description: entry.description, error });
      }
    }
    return failures;
  }
}
