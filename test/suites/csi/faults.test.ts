// Proof that the suite catches bugs: for each fault-injected variant of the reference driver
// (src/reference/csi/faults.ts) the suite runs in-process and the tests that check the broken
// rule must fail. The unmodified reference passing everything is in reference.test.ts.
import { describe, expect, it } from 'vitest';
import { CSI_FAULT_NAMES } from '../../../src/reference/csi/index.js';
import { csiTests } from '../../../suites/csi/index.js';
import { EXPECTED, ONLY_CAUGHT_BY_EXPECTED } from './fault-expectations.js';
import { focusOnIds, runCsiSuite } from './run-suite.js';

/** Runs `work` over `items` with at most `limit` at once (each run starts its own reference server). */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  }));
  return results;
}

describe('CSI suite against fault-injected reference drivers', () => {
  it('knows every fault and expects only tests that exist', () => {
    expect([...CSI_FAULT_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(CSI_FAULT_NAMES.length).toBeGreaterThanOrEqual(15);
    const ids = new Set(csiTests.map((t) => t.id));
    expect(Object.values(EXPECTED).flat().filter((id) => !ids.has(id))).toEqual([]);
  });

  it('fails the expected tests for each fault, and no fault breaks the run itself', async () => {
    const outcomes = await pool(CSI_FAULT_NAMES, 4, async (fault) => {
      // Only the expected tests run (selected by their ids), which keeps 28 runs fast.
      const focus = focusOnIds(EXPECTED[fault] ?? []);
      const { result, error } = await runCsiSuite({ referenceFault: fault }, { focus });
      const failed = new Set(result.results.filter((r) => r.status === 'failed').map((r) => r.id));
      const ran = result.results.filter((r) => r.status !== 'filtered').length;
      return { fault, ran, error: error === undefined ? undefined : String(error), missed: (EXPECTED[fault] ?? []).filter((id) => !failed.has(id)) };
    });
    expect(outcomes.filter((o) => o.error !== undefined || o.missed.length > 0 || o.ran !== EXPECTED[o.fault]!.length)).toEqual([]);
  }, 240_000);

  it.each(ONLY_CAUGHT_BY_EXPECTED)('%s is caught by its expected tests and by no other test of a full run', async (fault) => {
    const { result, error } = await runCsiSuite({ referenceFault: fault });
    expect(error).toBeUndefined();
    const failed = result.results.filter((r) => r.status === 'failed').map((r) => r.id).sort();
    expect(failed).toEqual([...EXPECTED[fault]!].sort());
  }, 120_000);
});
