// Runtime-side serialisation the spec demands: never two operations on one container at once,
// and GC exclusive with every ADD/DEL/CHECK (a GC must not reclaim an attachment being added).

/** Runs tasks with the same key one after another; different keys run freely. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}

/** Many shared holders or one exclusive holder; exclusive waiters block new shared holders. */
export class SharedExclusiveLock {
  #shared = 0;
  #exclusive = false;
  #waiting: Array<{ exclusive: boolean; grant: () => void }> = [];

  async shared<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire(false);
    try {
      return await task();
    } finally {
      this.#shared--;
      this.#pump();
    }
  }

  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire(true);
    try {
      return await task();
    } finally {
      this.#exclusive = false;
      this.#pump();
    }
  }

  #acquire(exclusive: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push({ exclusive, grant: resolve });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#waiting.length > 0 && !this.#exclusive) {
      const head = this.#waiting[0]!;
      if (head.exclusive) {
        if (this.#shared > 0) return;
        this.#exclusive = true;
      } else {
        this.#shared++;
      }
      this.#waiting.shift();
      head.grant();
    }
  }
}

/** The locks of one network: per attachment, and GC against everything else. */
export class NetworkLocks {
  readonly perAttachment = new KeyedQueue();
  readonly gc = new SharedExclusiveLock();
}
