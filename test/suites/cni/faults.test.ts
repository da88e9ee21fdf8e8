// Proof that the suite catches bugs: every fault-injected variant of the reference plugin makes
// the test named in FAULTS fail (the same test passes on the faultless reference: reference.test.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import { FAULTS, type FaultName } from '../../../src/reference/cni/faults.js';
import { escapeRegex, referenceBuilt, runCni } from './run-cni.js';

const faults = Object.entries(FAULTS) as Array<[FaultName, (typeof FAULTS)[FaultName]]>;

describe.runIf(referenceBuilt())('CNI fault-injected reference variants', () => {
  it('has at least ten variants, each aimed at an existing test', async () => {
    const { cniTests } = await import('../../../suites/cni/index.js');
    const ids = new Set(cniTests.map((t) => t.id));
    expect(faults.length).toBeGreaterThanOrEqual(10);
    for (const [, info] of faults) expect(ids, info.caughtBy).toContain(info.caughtBy);
  });

  it('are all listed in docs/cni/reference.md with the test that catches them', () => {
    const lines = readFileSync(packagePath('docs/cni/reference.md'), 'utf8').split('\n');
    for (const [fault, info] of faults) {
      const row = lines.find((line) => line.startsWith(`| \`${fault}\` |`));
      expect(row, `no row for ${fault}`).toBeDefined();
      expect(row!.endsWith(`| \`${info.caughtBy}\` |`), row).toBe(true);
    }
  });

  it.concurrent.each(faults)('%s is caught', async (fault, info) => {
    const chain = 'chain' in info && info.chain === true;
    const run = await runCni({ referenceFault: fault, simulatedNetns: true, referenceChain: chain }, { focus: [`^${escapeRegex(info.caughtBy)}$`] });
    const result = run.results.find((r) => r.id === info.caughtBy)!;
    expect(result.status, `${info.caughtBy} on ${fault}: ${result.reason ?? ''}`).toBe('failed');
  }, 120_000);
});
