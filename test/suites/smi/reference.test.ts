// The reference mesh passes 100 % of the smi suite on the embedded in-memory cluster: nothing
// fails, nothing is skipped and nothing the run created is left.
import { describe, expect, it } from 'vitest';
import { smiTests } from '../../../suites/smi/index.js';
import { runSmiAgainstReference } from './run-reference.js';

describe('smi suite against the embedded reference', () => {
  it('passes every test and leaves nothing behind', async () => {
    const run = await runSmiAgainstReference();
    const notPassed = run.results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.reason ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(run.summary.passed).toBe(smiTests.length);
    expect(run.leaks).toEqual([]);
    expect(run.results.some((r) => r.attempts.some((a) => a.measurements?.weight_check_attempts !== undefined)), 'some test measured weight_check_attempts').toBe(true);
  }, 120_000);
});
