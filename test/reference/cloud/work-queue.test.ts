import { describe, expect, it } from 'vitest';
import { SILENT } from '../../../src/reference/cloud/kube-client.js';
import { WorkQueue } from '../../../src/reference/cloud/work-queue.js';

describe('WorkQueue', () => {
  it('processes a key queued twice once, one key at a time', async () => {
    const seen: string[] = [];
    let running = 0;
    const queue = new WorkQueue('test', async (key) => {
      running++;
      expect(running).toBe(1);
      seen.push(key);
      await new Promise((r) => setImmediate(r));
      running--;
    }, { baseMs: 1, maxMs: 1 }, SILENT);
    queue.add('a');
    queue.add('b');
    queue.add('a');
    await queue.idle();
    expect(seen).toEqual(['a', 'b']);
  });

  it('retries a failing key with doubling delays until it succeeds', async () => {
    const at: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const queue = new WorkQueue('test', async () => {
      at.push(performance.now());
      if (at.length < 4) throw new Error('not yet');
      done();
    }, { baseMs: 20, maxMs: 40 }, SILENT);
    queue.add('k');
    await finished;
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeLessThan(400);
    queue.close();
  });

  it('drops what is queued or waiting once closed', async () => {
    const seen: string[] = [];
    const queue = new WorkQueue('test', async (key) => void seen.push(key), { baseMs: 1, maxMs: 1 }, SILENT);
    queue.addAfter('late', 10);
    queue.close();
    queue.add('never');
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([]);
  });
});
