// Every error-case test can fail: behind a proxy that turns each error the driver returns into OK,
// all of them must fail, while the same suite through an unchanged proxy passes. (The 28 reference
// faults in faults.test.ts prove specific rules; this covers every error-case test at once.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandaloneReference } from '../../../src/interfaces/csi/reference.js';
import { ACCESS_MODES } from '../../../src/interfaces/csi/types.js';
import { ERROR_CASES } from '../../../suites/csi/define.js';
import { csiTests } from '../../../suites/csi/index.js';
import { startMutatingProxy, type Mutate } from './mutating-proxy.js';
import { failures, runCsiSuite } from './run-suite.js';

let upstream: { address: string; close(): Promise<void> };
beforeAll(async () => {
  upstream = await startStandaloneReference(`unix://${process.env.TMPDIR ?? '/tmp'}/csi-mutations-${process.pid}.sock`, { referenceDisable: [], referenceFault: undefined });
});
afterAll(() => upstream.close());

/** What the embedded run declares implicitly, declared explicitly for an external endpoint. */
const externalOptions = (endpoint: string) => ({
  endpoint,
  accessType: ['mount', 'block'] as Array<'mount' | 'block'>,
  accessModes: [...ACCESS_MODES],
  otherNodeIds: ['conformal-node-2'],
  mutableParameters: { iops: '3000' },
  testNodeAttachLimit: true,
});

async function runThrough(mutate: Mutate) {
  const proxy = await startMutatingProxy(upstream.address, mutate);
  try {
    return await runCsiSuite(externalOptions(proxy.address));
  } finally {
    await proxy.close();
  }
}

describe('CSI error-case tests against a driver that never reports errors', () => {
  it('registers every error-case test of the suite', () => {
    const ids = new Set(csiTests.map((t) => t.id));
    expect(ERROR_CASES.size).toBeGreaterThanOrEqual(90);
    expect([...ERROR_CASES.keys()].filter((id) => !ids.has(id))).toEqual([]);
  });

  it('passes through an unchanged proxy (external endpoint, secrets not required)', async () => {
    const { result } = await runThrough((_rpc, _request, outcome) => outcome);
    expect(failures(result)).toEqual([]);
    expect(result.summary.passed).toBeGreaterThan(csiTests.length - 15);
  }, 120_000);

  it('fails every error-case test when errors become OK', async () => {
    const { result } = await runThrough((_rpc, _request, outcome) => (outcome.error ? { response: {} } : outcome));
    const status = new Map(result.results.map((r) => [r.id, r.status]));
    const ran = [...ERROR_CASES.keys()].filter((id) => status.get(id) !== 'skipped');
    expect(ran.length).toBeGreaterThan(ERROR_CASES.size - 15);
    expect(ran.filter((id) => status.get(id) !== 'failed')).toEqual([]);
  }, 120_000);
});
