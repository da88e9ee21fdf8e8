// The reference providers and core controllers pass 100 % of the capi suite that applies on the
// embedded in-memory cluster, serving either contract: nothing fails, every test of the other
// contract's profiles is skipped saying the provider implements this one, and nothing the run
// created is left.
import { describe, expect, it } from 'vitest';
import { capiTests } from '../../../suites/capi/index.js';
import { runCapiAgainstReference } from './run-reference.js';

const isV1beta1 = (id: string) => id.startsWith('capi.v1beta1.');

describe('capi suite against the embedded reference', () => {
  for (const contract of ['v1beta2', 'v1beta1'] as const) {
    it(`contract ${contract}: passes every test of its profiles, skips the other contract's naming why, and leaves nothing behind`, async () => {
      const run = await runCapiAgainstReference(contract === 'v1beta1' ? { contract } : {});
      const ours = (id: string) => isV1beta1(id) === (contract === 'v1beta1');
      const notPassed = run.results.filter((r) => ours(r.id) && r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.reason ?? ''}`);
      expect(notPassed).toEqual([]);
      expect(run.summary.passed).toBe(capiTests.filter((t) => ours(t.id)).length);
      const others = run.results.filter((r) => !ours(r.id));
      expect(others.length).toBeGreaterThan(0);
      for (const r of others) {
        expect(r.status, r.id).toBe('skipped');
        expect(r.reason, r.id).toMatch(new RegExp(`is a contract ${contract} (infrastructure|bootstrap) provider: its CRDs carry cluster\\.x-k8s\\.io/${contract}`));
      }
      expect(run.leaks).toEqual([]);
      // The control plane (v1beta2 only) runs its tests, and measures its initialization, on the v1beta2 reference.
      for (const name of ['infra_cluster_provisioned_seconds', 'machines_running_seconds', ...(contract === 'v1beta2' ? ['control_plane_initialized_seconds'] : [])]) {
        expect(run.results.some((r) => r.attempts.some((a) => a.measurements?.[name] !== undefined)), `some test measured ${name}`).toBe(true);
      }
    }, 120_000);
  }
});
