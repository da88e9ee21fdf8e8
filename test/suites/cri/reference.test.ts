// The reference runtime passes 100 % of the CRI suite: nothing fails, nothing is skipped.
import { describe, expect, it } from 'vitest';
import { criTests } from '../../../suites/cri/index.js';
import { runCriAgainstReference } from './run-reference.js';

describe('CRI suite against the embedded reference runtime', () => {
  it('passes every test', async () => {
    const run = await runCriAgainstReference();
    const notPassed = run.results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.reason ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(run.summary.passed).toBe(criTests.length);
    expect(run.leaks).toEqual([]);
  }, 120_000);
});
