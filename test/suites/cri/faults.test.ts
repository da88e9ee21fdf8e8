// Each fault-injected variant of the reference runtime is caught by the test written for the
// rule it breaks (and that test passes on the clean reference, see reference.test.ts).
import { describe, expect, it } from 'vitest';
import { CRI_FAULTS, type CriFault } from '../../../src/reference/cri/faults.js';
import { onlyId, runCriAgainstReference } from './run-reference.js';

const catchingTest: Record<CriFault, string> = {
  'remove-sandbox-not-idempotent': 'cri.idempotence.remove-sandbox',
  'list-containers-ignores-label-filter': 'cri.container.list-filters',
  'exec-sync-loses-exit-code': 'cri.exec-sync.exit-code',
  'sandbox-ready-after-stop': 'cri.sandbox.stop-not-ready',
  'logs-not-cri-format': 'cri.logs.cri-format',
  'list-sandbox-ignores-state-filter': 'cri.sandbox.list-filter-state',
  'stop-container-not-idempotent': 'cri.idempotence.stop-container-twice',
  'image-status-missing-is-error': 'cri.image.status-absent',
  'exec-sync-ignores-timeout': 'cri.exec-sync.timeout',
  'hostname-ignored': 'cri.network.hostname',
  'run-as-user-ignored': 'cri.security.run-as-user',
  'readonly-rootfs-ignored': 'cri.security.readonly-rootfs',
  'annotations-dropped': 'cri.sandbox.labels-annotations',
  'exec-url-dead': 'cri.streaming.exec',
  'events-skip-started': 'cri.events.lifecycle',
  'container-stats-ignore-id-filter': 'cri.stats.list-containers',
  'port-mappings-ignored': 'cri.network.host-port',
  'mount-propagation-ignored': 'cri.mounts.propagation',
  'stop-sandbox-leaves-containers-running': 'cri.sandbox.stop-stops-containers',
  'remove-sandbox-keeps-containers': 'cri.sandbox.remove-removes-containers',
  'unknown-runtime-handler-accepted': 'cri.sandbox.unknown-handler',
  'sandbox-attempt-dropped': 'cri.sandbox.metadata-attempt',
  'run-as-group-without-user-accepted': 'cri.security.run-as-group-needs-user',
  'unknown-username-accepted': 'cri.security.unknown-username',
  'sandbox-run-as-group-without-user-accepted': 'cri.sandbox.run-as-group-needs-user',
  'container-image-id-not-pull-ref': 'cri.container.image-id',
  'host-port-zero-refused': 'cri.sandbox.host-port-zero',
  'info-without-verbose': 'cri.runtime.info-only-verbose',
  'runtime-handler-listed-twice': 'cri.runtime.handler-names-unique',
  'duplicate-container-name-accepted': 'cri.container.duplicate-name',
  'attach-without-streams-accepted': 'cri.streaming.attach-invalid',
  'reopen-log-error-creates-file': 'cri.logs.reopen-error-no-file',
  'stats-container-annotations-dropped': 'cri.stats.container-annotations',
  'stats-sandbox-annotations-dropped': 'cri.stats.sandbox-annotations',
  'info-not-json': 'cri.runtime.info-json',
  'runtime-version-not-semver': 'cri.runtime.version-semver',
  'pull-unknown-handler-accepted': 'cri.image.pull-unknown-handler',
  'restore-pod-starts-containers': 'cri.checkpoint.restore-created',
  'restore-pod-leaves-sandbox-on-error': 'cri.checkpoint.restore-error-cleans-up',
  'remove-image-keeps-other-tags': 'cri.image.remove-all-tags',
  'checkpoint-pod-takes-foreign-containers': 'cri.checkpoint.pod-foreign-container',
  'restore-pod-ignores-handler': 'cri.checkpoint.restore-unknown-handler',
};

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
