// The embedded reference plugin passes the whole CNI suite in both profiles, with real namespaces
// when this process may create them and with simulated ones always.
import { describe, expect, it } from 'vitest';
import { Cap } from '../../../src/interfaces/cni/capabilities.js';
import { notPassed, referenceBuilt, runCni } from './run-cni.js';

const ONLY_EXPECTED_SKIP = ['cni.chain.prev-result-passed: skipped (not supported: the target lacks capability chain)'];
const root = process.getuid?.() === 0;

describe.runIf(referenceBuilt())('CNI suite on the embedded reference', () => {
  it('passes every test in profile strict (simulated namespaces)', async () => {
    const run = await runCni({ profile: 'strict', simulatedNetns: true });
    expect(notPassed(run)).toEqual(ONLY_EXPECTED_SKIP);
    expect(run.capabilities).toContain(Cap.netns);
    expect(run.implementation.details?.namespaces).toBe('simulated');
    expect(run.leaks).toEqual([]);
    expect(run.warnings).toEqual([]);
  }, 240_000);

  // Real namespaces when this process may create them (CI runs as root), else simulated again.
  it(`passes every test in profile compatible (${root ? 'real' : 'simulated'} namespaces)`, async () => {
    const run = await runCni({ profile: 'compatible', simulatedNetns: !root });
    expect(run.implementation.details?.namespaces).toBe(root ? 'real' : 'simulated');
    expect(notPassed(run)).toEqual(ONLY_EXPECTED_SKIP);
    expect(run.leaks).toEqual([]);
    expect(run.warnings).toEqual([]);
  }, 240_000);
});
