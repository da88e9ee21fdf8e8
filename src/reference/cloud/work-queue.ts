// A keyed work queue in the manner of client-go's: a key queued twice is processed once, one key
// at a time, and a failed key comes back after an exponential backoff (reset on success).
import { errorMessage, type Logger } from './kube-client.js';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly name: string,
    /** Throws to have the key retried with backoff. */
    private readonly handler: (key: string) => Promise<void>,
    private readonly backoff: Backoff,
    private readonly log: Logger,
  ) {}

  add(key: string): void {
    if (this.closed) return;
    this.queued.add(key);
    this.draining ??= this.drain();
  }

  addAfter(key: string, ms: number): void {
    if (this.closed || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Resolves once nothing is queued or being processed (retries waiting on a timer do not count). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  close(): void {
    this.closed = true;
    this.queued.clear();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async drain(): Promise<void> {
    // Start on a later tick, so keys added in one burst (an informer's initial list) coalesce.
    await new Promise((r) => setImmediate(r));
    try {
      for (let key = this.next(); key !== undefined && !this.closed; key = this.next()) {
        try {
          await this.handler(key);
          this.failures.delete(key);
        } catch (error) {
          const n = (this.failures.get(key) ?? 0) + 1;
          this.failures.set(key, n);
          const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (n - 1));
          this.log.debug(`${this.name}: ${key} failed (${errorMessage(error)}); retrying in ${delay} ms`);
          this.addAfter(key, delay);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  private next(): string | undefined {
    const [key] = this.queued;
    if (key !== undefined) this.queued.delete(key);
    return key;
  }
}
