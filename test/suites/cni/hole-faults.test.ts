// The faults that proved holes of the rule ledger: against each, the whole suite passes except the
// test written for the hole and the tests named here (each with why), so the rest of the suite
// would not have caught it (faults.test.ts only shows the named test fails). One run per fault in
// profile strict with simulated namespaces (as a chain for a fault of the chained plugin).
import { describe, expect, it } from 'vitest';
import type { FaultName } from '../../../src/reference/cni/faults.js';
import { notPassed, referenceBuilt, runCni } from './run-cni.js';
import { repeatedCiRun } from '../../support/real-tools.js';

/** What the faultless reference skips alone (one plugin: no chain) and as a chain (no chaining before 0.3.0). */
const ALONE_SKIP = 'cni.chain.prev-result-passed: skipped';
const CHAIN_SKIPS = ['cni.result.version-0-1-0: skipped', 'cni.result.version-0-2-0: skipped'];

const HOLES: ReadonlyArray<[FaultName, readonly string[], { chain?: boolean }?]> = [
  // Results of 0.1.0 and 0.2.0 name no interface, so their tests look for CNI_IFNAME itself and fail
  // too (as does the DEL test, which looks for it to see it go): before those, the hole was open
  // for every plugin that speaks only 0.3.0 and later.
  ['ignores-ifname', ['cni.add.result-names-attachment', 'cni.del.removes-interface', 'cni.result.version-0-1-0', 'cni.result.version-0-2-0']],
  // The CHECK tests find the container interface by its sandbox, so they fail too: the hole was
  // open only where CHECK does not run (configs before 0.4.0, disableCheck).
  ['sandbox-not-reported', ['cni.add.result-names-attachment', 'cni.check.detects-removed-interface', 'cni.check.reads-prev-result', 'cni.check.tolerates-chained-changes']],
  ['check-skips-addresses', ['cni.check.reads-prev-result']],
  ['del-keeps-interface', ['cni.del.removes-interface']],
  ['check-skips-ipam', ['cni.check.asks-ipam-delegate']],
  ['check-needs-cni-path', ['cni.env.cni-path-optional-check']],
  ['status-needs-cni-path', ['cni.env.cni-path-optional-status']],
  // In the chained plugin: run as a chain (profile compatible), where the 0.1.0/0.2.0 tests skip.
  ['chain-drops-routes', ['cni.chain.prev-result-passed'], { chain: true }],
];

describe.runIf(referenceBuilt() && !repeatedCiRun)('CNI ledger holes: only the new test catches each fault', () => {
  it.each(HOLES)('%s fails exactly %j', async (fault, caughtBy, how = {}) => {
    const run = await runCni({ referenceFault: fault, simulatedNetns: true, ...(how.chain ? { referenceChain: true } : { profile: 'strict' }) });
    const failed = run.results.filter((r) => r.status === 'failed').map((r) => r.id);
    expect(failed.sort(), notPassed(run).join('\n')).toEqual([...caughtBy].sort());
    const expectedSkips = how.chain ? CHAIN_SKIPS : [ALONE_SKIP];
    expect(notPassed(run).filter((line) => !failed.some((id) => line.startsWith(`${id}:`))).map((line) => line.split(' (')[0])).toEqual(expectedSkips);
  }, 240_000);
});
