// JUnit XML that testgrid (and Sonobuoy, and the k8s-conformance bot) parse: a <testsuites> root
// with one <testsuite>; one <testcase> per attempt so retries show as flakes; names end in the
// tags; skip reasons kept in <skipped>; filtered tests as the empty "skipped" marker testgrid drops;
// tests cut short by an interrupt as skipped "not finished"; a run that ended early as one failing
// synthetic test first (as Ginkgo reports a failed BeforeSuite), so a JUnit-only reader sees it red.
import { NOT_FINISHED_REASON, type AttemptResult, type RunFailure, type RunResult, type TestResult } from '../src/core/results.js';
import { namePrefix } from '../src/core/test.js';
import { shortMessage } from './sanitize.js';
import { attrs, textElement, xmlDocument, type XmlElement } from './xml.js';

export const JUNIT_SUITE_NAME = 'conformal';

// Testgrid rejects a non-numeric time; never write NaN or Infinity whatever a clock reported.
const seconds = (ms: number) => (Number.isFinite(ms) ? Math.max(0, ms) / 1000 : 0).toFixed(3);

function properties(list: Array<[string, string | number]>): XmlElement | undefined {
  if (list.length === 0) return undefined;
  return { property: list.map(([name, value]) => attrs({ name, value: String(value) })) };
}

function attemptBody(test: TestResult, attempt: AttemptResult): string {
  const parts = [`${test.id}: ${test.spec.section} — ${test.spec.rule}`];
  if (attempt.error?.detail) parts.push(attempt.error.detail);
  for (const cleanup of attempt.cleanupFailures ?? []) parts.push(cleanup.message);
  if (attempt.log.length) parts.push('log:', ...attempt.log);
  return parts.join('\n');
}

/** What ends a testcase: skipped, failure or system-out, by the attempt's outcome. */
function outcome(test: TestResult, attempt: AttemptResult | undefined): XmlElement {
  if (test.status === 'filtered') return { skipped: attrs({ message: 'skipped' }) };
  if (attempt?.status === 'interrupted') return { skipped: textElement({ message: NOT_FINISHED_REASON }, attemptBody(test, attempt)) };
  if (!attempt || attempt.status === 'skipped') return { skipped: textElement({ message: shortMessage(test.reason ?? 'skipped: not supported') }, test.reason ?? '') };
  if (attempt.status === 'failed') {
    const message = attempt.error?.message ?? 'failed';
    return { failure: textElement({ message: shortMessage(message), type: attempt.error?.code ?? 'failed' }, `${message}\n${attemptBody(test, attempt)}`) };
  }
  return attempt.log.length ? { 'system-out': textElement({}, attempt.log.join('\n')) } : {};
}

function testcase(test: TestResult, attempt: AttemptResult | undefined, interfaceName: string): XmlElement {
  // Testgrid turns numeric testcase properties into metrics; keep descriptive ones non-numeric.
  const list: Array<[string, string | number]> = [
    ['id', test.id],
    ['spec', `${test.spec.section}: ${test.spec.rule}`],
  ];
  for (const [name, value] of Object.entries(attempt?.measurements ?? {})) list.push([name, value]);
  return {
    ...attrs({ name: test.name, classname: `${JUNIT_SUITE_NAME}.${interfaceName}`, time: seconds(attempt?.durationMs ?? test.durationMs) }),
    properties: properties(list),
    ...outcome(test, attempt),
  };
}

/** The synthetic test standing for what ended the run early: "[sig-storage] [csi] conformal setup: reach the target". */
function runFailureCase(iface: RunResult['interface'], failure: RunFailure, durationMs: number): XmlElement {
  const { message, code, detail } = failure.error;
  return {
    ...attrs({ name: `${namePrefix(iface.name, iface.sig)} conformal ${failure.step}`, classname: `${JUNIT_SUITE_NAME}.${iface.name}`, time: seconds(durationMs) }),
    failure: textElement({ message: shortMessage(message), type: code ?? 'aborted' }, detail ? `${message}\n${detail}` : message),
  };
}

interface SuiteCounts {
  readonly tests: number;
  readonly failures: number;
  readonly skipped: number;
  readonly disabled: number;
}

/** The <testsuites> document with its one <testsuite>, both carrying the counts testgrid and Sonobuoy read. */
function suiteDocument(counts: SuiteCounts, durationMs: number, startedAt: string, suite: XmlElement): string {
  const attributes = { name: JUNIT_SUITE_NAME, ...counts, errors: 0, time: seconds(durationMs) };
  return xmlDocument('testsuites', { ...attrs(attributes), testsuite: { ...attrs({ ...attributes, timestamp: startedAt.replace(/\.\d+Z$/, '') }), ...suite } });
}

/** Per conformance profile: profile.<name>.core = success | partial | failure | not-claimed, and the features. */
function profileProperties(run: RunResult): Array<[string, string]> {
  return (run.profiles ?? []).flatMap((p): Array<[string, string]> => {
    const key = `profile.${p.name}`;
    if (!p.claimed) return [[`${key}.core`, 'not-claimed'], [`${key}.reason`, p.reason ?? '']];
    return [
      [`${key}.core`, p.core!.result],
      [`${key}.extended`, p.extended!.result],
      [`${key}.supportedFeatures`, p.extended!.supportedFeatures.join(',')],
      [`${key}.unsupportedFeatures`, p.extended!.unsupportedFeatures.map((f) => f.name).join(',')],
    ];
  });
}

export function renderJunit(run: RunResult): string {
  const { summary } = run;
  // Every attempt is a testcase, so counts are per testcase, as testgrid and Sonobuoy count them.
  const attemptsOf = (t: TestResult) => Math.max(1, t.attempts.length);
  const synthetic = run.failure ? 1 : 0;
  const tests = run.results.reduce((n, t) => n + attemptsOf(t), 0) + synthetic;
  const failures = run.results.reduce((n, t) => n + t.attempts.filter((a) => a.status === 'failed').length, 0) + synthetic;
  const interrupted = run.results.reduce((n, t) => n + t.attempts.filter((a) => a.status === 'interrupted').length, 0);
  const skipped = run.results.filter((t) => t.status === 'skipped' || t.status === 'filtered').length + interrupted;
  const cases: XmlElement[] = run.failure ? [runFailureCase(run.interface, run.failure, run.durationMs)] : [];
  for (const test of run.results) {
    if (test.attempts.length === 0) cases.push(testcase(test, undefined, run.interface.name));
    else for (const attempt of test.attempts) cases.push(testcase(test, attempt, run.interface.name));
  }
  const suiteProperties = properties([
    ['harness.version', run.harness.version],
    ['interface', run.interface.name],
    ['interface.specVersion', run.interface.specVersion],
    ['implementation.name', run.implementation.name],
    ['implementation.version', run.implementation.version ?? ''],
    ['outcome', run.outcome],
    ['passed', summary.passed],
    ['failed', summary.failed],
    ['skipped', summary.skipped],
    ['flaky', summary.flaky],
    ['interrupted', summary.interrupted ?? 0],
    ['leaks', run.leaks.length],
    ...profileProperties(run),
  ]);
  return suiteDocument({ tests, failures, skipped, disabled: summary.filtered }, run.durationMs, run.startedAt, { properties: suiteProperties, testcase: cases });
}

/** The JUnit of a run that crashed before it had any result: only the failing synthetic test. */
export function renderAbortedJunit(iface: RunResult['interface'], failure: RunFailure, startedAt: Date, durationMs: number): string {
  return suiteDocument({ tests: 1, failures: 1, skipped: 0, disabled: 0 }, durationMs, startedAt.toISOString(), { testcase: [runFailureCase(iface, failure, durationMs)] });
}
