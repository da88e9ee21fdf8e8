// Each fault-injected variant of the reference runtime is caught by the test written for the
// rule it breaks (and that test passes on the clean reference, see reference.test.ts).
import { describe, expect, it } from 'vitest';
import { CRI_FAULTS, type CriFault } from '../../../src/reference/cri/faults.js';
import { catchingTest } from './catching-tests.js';
import { onlyId, runCriAgainstReference } from './run-reference.js';

/** Faults of rules the ledger found unchecked (suites/cri/rules): the whole suite runs and only the new test may fail. */
const caughtAlone: readonly CriFault[] = [
  'stop-sandbox-leaves-containers-running',
  'remove-sandbox-keeps-containers',
  'unknown-runtime-handler-accepted',
  'sandbox-attempt-dropped',
  'run-as-group-without-user-accepted',
  'unknown-username-accepted',
  'sandbox-run-as-group-without-user-accepted',
  'container-image-id-not-pull-ref',
  'image-fs-mountpoint-missing',
  'host-port-zero-refused',
  'info-without-verbose',
  'runtime-handler-listed-twice',
  'duplicate-container-name-accepted',
  'attach-without-streams-accepted',
  'reopen-log-error-creates-file',
  'stats-container-annotations-dropped',
  'stats-sandbox-annotations-dropped',
  'info-not-json',
  'runtime-version-not-semver',
  'pull-unknown-handler-accepted',
  'restore-pod-starts-containers',
  'restore-pod-leaves-sandbox-on-error',
  'remove-image-keeps-other-tags',
  'checkpoint-pod-takes-foreign-containers',
  'restore-pod-ignores-handler',
];

describe('CRI fault variants of the reference runtime', () => {
  it('covers every fault the reference can inject (at least 10)', () => {
    expect(Object.keys(catchingTest).sort()).toEqual(Object.keys(CRI_FAULTS).sort());
    expect(Object.keys(CRI_FAULTS).length).toBeGreaterThanOrEqual(10);
  });

  for (const [fault, testId] of Object.entries(catchingTest).filter(([fault]) => !caughtAlone.includes(fault as CriFault))) {
    it(`${fault} is caught by ${testId}`, async () => {
      const run = await runCriAgainstReference({ fault, focus: [onlyId(testId)] });
      const result = run.results.find((r) => r.id === testId);
      expect(result?.status, `${testId} under fault ${fault}: ${result?.reason ?? ''}`).toBe('failed');
      expect(run.implementation.details?.fault).toBe(fault);
    }, 60_000);
  }

  for (const fault of caughtAlone) {
    const testId = catchingTest[fault];
    it(`${fault} is caught by ${testId} and by no other test`, async () => {
      const run = await runCriAgainstReference({ fault });
      const failed = run.results.filter((r) => r.status === 'failed').map((r) => r.id);
      expect(failed, `failed tests under fault ${fault}`).toEqual([testId]);
      expect(run.implementation.details?.fault).toBe(fault);
    }, 120_000);
  }
});
