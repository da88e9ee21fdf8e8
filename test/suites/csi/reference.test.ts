// The unmodified reference driver passes the whole suite: every test runs (none skipped) and passes.
import { describe, expect, it } from 'vitest';
import { CSI_RPCS } from '../../../src/interfaces/csi/client.js';
import { csiTests } from '../../../suites/csi/index.js';
import { failures, runCsiSuite } from './run-suite.js';

describe('CSI suite against the embedded reference', () => {
  it('passes every test and leaks nothing; only the offline-expansion test skips (the reference expands online)', async () => {
    const { result, error } = await runCsiSuite();
    expect(error).toBeUndefined();
    expect(failures(result)).toEqual([]);
    expect(result.results.filter((r) => r.status === 'skipped').map((r) => `${r.id}: ${r.reason}`)).toEqual([
      'csi.controller.expand-volume.offline-only: feature Expansion, OfflineExpansion not supported: the target lacks expansion.OFFLINE (volumes can be expanded only while not published)',
    ]);
    expect(result.profiles?.map((p) => [p.name, p.core?.result, p.extended?.result])).toEqual([
      ['node', 'success', 'success'],
      ['controller', 'success', 'success'],
    ]);
    expect(result.summary.passed).toBe(csiTests.length - 1);
    expect(result.leaks).toEqual([]);
  }, 60_000);

  it('runs the offline-expansion test against a reference that expands only offline', async () => {
    const { result } = await runCsiSuite({ referenceDisable: ['expansion.ONLINE'] });
    expect(failures(result)).toEqual([]);
    expect(result.results.find((r) => r.id === 'csi.controller.expand-volume.offline-only')?.status).toBe('passed');
  }, 60_000);

  it('has at least 150 tests with unique ids and titles, exercising all 32 RPCs', () => {
    expect(csiTests.length).toBeGreaterThanOrEqual(150);
    expect(new Set(csiTests.map((t) => t.id)).size).toBe(csiTests.length);
    expect(new Set(csiTests.map((t) => t.title)).size).toBe(csiTests.length);
    const exercised = new Set(csiTests.flatMap((t) => t.operations ?? []));
    const all = Object.values(CSI_RPCS).flat();
    expect(all).toHaveLength(32);
    expect(all.filter((rpc) => !exercised.has(rpc))).toEqual([]);
  });
});
