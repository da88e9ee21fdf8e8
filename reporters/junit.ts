// JUnit XML that testgrid (and Sonobuoy, and the k8s-conformance bot) parse: a <testsuites> root
// with one <testsuite>; one <testcase> per attempt so retries show as flakes; names end in the
// tags; skip reasons kept in <skipped>; filtered tests as the empty "skipped" marker testgrid drops;
// tests cut short by an interrupt as skipped "not finished"; a run that ended early as one failing
// synthetic test first (as Ginkgo reports a failed BeforeSuite), so a JUnit-only reader sees it red.
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { NOT_FINISHED_REASON, type AttemptResult, type RunFailure, type RunResult, type TestResult } from '../src/core/results.js';
import { namePrefix } from '../src/core/test.js';
import { cleanText, shortMessage } from './sanitize.js';

export const JUNIT_SUITE_NAME = 'conformal';

// Testgrid rejects a non-numeric time; never write NaN or Infinity whatever a clock reported.
const seconds = (ms: number) => (Number.isFinite(ms) ? Math.max(0, ms) / 1000 : 0).toFixed(3);

function addProperties(node: XMLBuilder, properties: Array<[string, string | number]>): void {
  if (properties.length === 0) return;
  const container = node.ele('properties');
  for (const [name, value] of properties) container.ele('property', { name: cleanText(name), value: cleanText(String(value)) });
}

function attemptBody(test: TestResult, attempt: AttemptResult): string {
  const parts = [`${test.id}: ${test.spec.section} — ${test.spec.rule}`];
  if (attempt.error?.detail) parts.push(attempt.error.detail);
  for (const cleanup of attempt.cleanupFailures ?? []) parts.push(cleanup.message);
  if (attempt.log.length) parts.push('log:', ...attempt.log);
  return cleanText(parts.join('\n'));
}

function addTestcase(suite: XMLBuilder, test: TestResult, attempt: AttemptResult | undefined, interfaceName: string): void {
  const testcase = suite.ele('testcase', {
    name: cleanText(test.name),
    classname: `${JUNIT_SUITE_NAME}.${interfaceName}`,
    time: seconds(attempt?.durationMs ?? test.durationMs),
  });
  // Testgrid turns numeric testcase properties into metrics; keep descriptive ones non-numeric.
  const properties: Array<[string, string | number]> = [
    ['id', test.id],
    ['spec', `${test.spec.section}: ${test.spec.rule}`],
  ];
  for (const [name, value] of Object.entries(attempt?.measurements ?? {})) properties.push([name, value]);
  addProperties(testcase, properties);

  if (test.status === 'filtered') {
    testcase.ele('skipped', { message: 'skipped' });
    return;
  }
  if (attempt?.status === 'interrupted') {
    testcase.ele('skipped', { message: NOT_FINISHED_REASON }).txt(cleanText(attemptBody(test, attempt)));
    return;
  }
  if (!attempt || attempt.status === 'skipped') {
    testcase.ele('skipped', { message: shortMessage(test.reason ?? 'skipped: not supported') }).txt(cleanText(test.reason ?? ''));
    return;
  }
  if (attempt.status === 'failed') {
    const message = attempt.error?.message ?? 'failed';
    testcase.ele('failure', { message: shortMessage(message), type: attempt.error?.code ?? 'failed' }).txt(`${cleanText(message)}\n${attemptBody(test, attempt)}`);
    return;
  }
  if (attempt.log.length) testcase.ele('system-out').txt(cleanText(attempt.log.join('\n')));
}

/** The synthetic test standing for what ended the run early: "[sig-storage] [csi] conformal setup: reach the target". */
function addRunFailure(suite: XMLBuilder, iface: RunResult['interface'], failure: RunFailure, durationMs: number): void {
  const testcase = suite.ele('testcase', { name: cleanText(`${namePrefix(iface.name, iface.sig)} conformal ${failure.step}`), classname: `${JUNIT_SUITE_NAME}.${iface.name}`, time: seconds(durationMs) });
  const { message, code, detail } = failure.error;
  testcase.ele('failure', { message: shortMessage(message), type: code ?? 'aborted' }).txt(cleanText(detail ? `${message}\n${detail}` : message));
}

interface SuiteCounts {
  readonly tests: number;
  readonly failures: number;
  readonly skipped: number;
  readonly disabled: number;
}

/** The <testsuites> root and its one <testsuite>, both carrying the counts testgrid and Sonobuoy read. */
function openSuite(counts: SuiteCounts, durationMs: number, startedAt: string): XMLBuilder {
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' });
  const attributes = { ...counts, errors: 0, time: seconds(durationMs) };
  const root = doc.ele('testsuites', { name: JUNIT_SUITE_NAME, ...attributes });
  return root.ele('testsuite', { name: JUNIT_SUITE_NAME, ...attributes, timestamp: startedAt.replace(/\.\d+Z$/, '') });
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
  const suite = openSuite({ tests, failures, skipped, disabled: summary.filtered }, run.durationMs, run.startedAt);
  addProperties(suite, [
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
  if (run.failure) addRunFailure(suite, run.interface, run.failure, run.durationMs);
  for (const test of run.results) {
    if (test.attempts.length === 0) addTestcase(suite, test, undefined, run.interface.name);
    else for (const attempt of test.attempts) addTestcase(suite, test, attempt, run.interface.name);
  }
  return suite.end({ prettyPrint: true });
}

/** The JUnit of a run that crashed before it had any result: only the failing synthetic test. */
export function renderAbortedJunit(iface: RunResult['interface'], failure: RunFailure, startedAt: Date, durationMs: number): string {
  const suite = openSuite({ tests: 1, failures: 1, skipped: 0, disabled: 0 }, durationMs, startedAt.toISOString());
  addRunFailure(suite, iface, failure, durationMs);
  return suite.end({ prettyPrint: true });
}
