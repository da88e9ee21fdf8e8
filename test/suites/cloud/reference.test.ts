// The reference CCM passes 100 % of the cloud suite on the embedded in-memory cluster: nothing
// fails, nothing is skipped, every profile is claimed and nothing the run created is left.
import { describe, expect, it } from 'vitest';
import { cloudTests } from '../../../suites/cloud/index.js';
import { runCloudAgainstReference } from './run-reference.js';

describe('cloud suite against the embedded reference', () => {
  it('passes every test and leaves nothing behind', async () => {
    const run = await runCloudAgainstReference();
    const notPassed = run.results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.reason ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(run.summary.passed).toBe(cloudTests.length);
    expect(run.leaks).toEqual([]);
    for (const name of ['node_initialisation_seconds', 'load_balancer_ingress_seconds']) {
      expect(run.results.some((r) => r.attempts.some((a) => a.measurements?.[name] !== undefined)), `some test measured ${name}`).toBe(true);
    }
  }, 120_000);
});
