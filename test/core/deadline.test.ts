// waitFor: backs off instead of polling at a fixed 50 ms, and its error names what it waited
// for and the last state it saw.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../src/core/deadline.js';
import { DeadlineError } from '../../src/core/errors.js';

describe('waitFor', () => {
  it('backs off: a 2 s wait probes a handful of times, not 40', async () => {
    let probes = 0;
    const error = await waitFor(async () => void probes++, { signal: new AbortController().signal, description: 'nothing', timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(probes).toBeGreaterThan(3);
    expect(probes).toBeLessThan(15);
  });

  it('names what it waited for and the last state seen, on timeout and on abort', async () => {
    let state = 'CONTAINER_CREATED';
    const options = { description: 'container c1 reaching CONTAINER_RUNNING', lastSeen: () => `state ${state}`, timeoutMs: 300 };
    const timedOut = await waitFor(async () => undefined, { ...options, signal: new AbortController().signal }).catch((e: Error) => e.message);
    expect(timedOut).toBe('waiting for container c1 reaching CONTAINER_RUNNING (last seen: state CONTAINER_CREATED) did not finish within 300 ms');
    const controller = new AbortController();
    setTimeout(() => {
      state = 'CONTAINER_EXITED';
      controller.abort();
    }, 100);
    const aborted = await waitFor(async () => undefined, { ...options, timeoutMs: 60_000, signal: controller.signal }).catch((e: Error) => e.message);
    expect(aborted).toMatch(/^waiting for container c1 reaching CONTAINER_RUNNING \(last seen: state CONTAINER_EXITED\) did not finish within \d+ ms$/);
  });
});
