// The reference providers and core controllers pass 100 % of the capi suite on the embedded
// in-memory cluster: nothing fails, nothing is skipped and nothing the run created is left.
import { describe, expect, it } from 'vitest';
import { capiTests } from '../../../suites/capi/index.js';
import { runCapiAgainstReference } from './run-reference.js';

describe('capi suite against the embedded reference', () => {
  it('passes every test and leaves nothing behind', async () => {
    const run = await runCapiAgainstReference();
    const notPassed = run.results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.reason ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(run.summary.passed).toBe(capiTests.length);
    expect(run.leaks).toEqual([]);
    for (const name of ['infra_cluster_provisioned_seconds', 'machines_running_seconds', 'control_plane_initialized_seconds']) {
      expect(run.results.some((r) => r.attempts.some((a) => a.measurements?.[name] !== undefined)), `some test measured ${name}`).toBe(true);
    }
  }, 120_000);
});
