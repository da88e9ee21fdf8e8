// Labels that mark what a run created, so cleanup and the leak check find exactly those objects.
import { createHash } from 'node:crypto';

export const RUN_ID_LABEL = 'conformal.io/run-id';
export const TEST_LABEL = 'conformal.io/test';

/** Label value for a test id (ids can be longer than the 63 characters a label value allows). */
export function testLabelValue(testId: string): string {
  return createHash('sha256').update(testId).digest('hex').slice(0, 16);
}

export function runLabels(runId: string, testId?: string): Record<string, string> {
  return testId ? { [RUN_ID_LABEL]: runId, [TEST_LABEL]: testLabelValue(testId) } : { [RUN_ID_LABEL]: runId };
}

export function runSelector(runId: string): string {
  return `${RUN_ID_LABEL}=${runId}`;
}
