// Converts our RunResult into the mochawesome report JSON that marge renders. Mapping:
//   one suite per spec section under an empty root suite, failures first: the sections holding a
//   failed test lead (then those holding a flaky one), and inside a section failed tests come first;
//   passed and flaky -> passed (a flake's attempts are listed in its context);
//   failed -> failed with the key point as err.message and the detail as err.estack;
//   skipped (not supported) -> pending (marge's "pending" is "did not run by design"), reason in context;
//   filtered -> mochawesome "skipped" (hidden until the reader ticks "Show Skipped").
import { createHash } from 'node:crypto';
import type { RunResult, TestResult } from '../../src/core/results.js';
import type { MochawesomeReport, MochawesomeState, MochawesomeSuite, MochawesomeTest } from './mochawesome-model.js';

/** A stable name-based UUID (version 5 layout over SHA-1), so the same run renders the same report. */
export function stableUuid(name: string): string {
  const bytes = createHash('sha1').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const stateOf: Record<TestResult['status'], MochawesomeState> = {
  passed: 'passed',
  flaky: 'passed',
  failed: 'failed',
  skipped: 'pending',
  filtered: 'skipped',
  interrupted: 'pending',
};

function speedOf(durationMs: number): MochawesomeTest['speed'] {
  return durationMs >= 10_000 ? 'slow' : durationMs >= 2_000 ? 'medium' : 'fast';
}

type ContextItem = { title: string; value: string | string[] };

/**
 * Marge renders a context string that looks like a URL as a link, one ending in png/jpg/gif/mp4/webm
 * as an <img>/<video> loading it, and data:image strings as images. Strings from the target must
 * stay text, so anything without whitespace or with such an ending goes in as a one-line list
 * (rendered as a code block, never as a link or media).
 */
export function contextValue(text: string): string | string[] {
  const mediaLike = /(?:png|jpe?g|gif|mp4|webm)\s*$/i.test(text) || /^\s*data:/i.test(text);
  return mediaLike || !/\s/.test(text.trim()) ? [text] : text;
}

/** What a reader needs next to the verdict: where the rule is written, why it did not run, every attempt. */
function contextOf(test: TestResult): ContextItem[] {
  const item = (title: string, text: string): ContextItem => ({ title, value: contextValue(text) });
  const items: ContextItem[] = [
    item('Spec reference', `${test.spec.section}: ${test.spec.rule}${test.spec.url ? ` (${test.spec.url})` : ''}`),
    item('Test', `${test.id} (profile ${test.profile}; tags ${test.tags.join(', ') || 'none'})`),
  ];
  if (test.operations.length > 0) items.push(item('Operations', test.operations.join(', ')));
  if (test.requires.length > 0) items.push(item('Requires', test.requires.join(', ')));
  if (test.status === 'skipped') items.push(item('Skipped: not supported', test.reason ?? 'no reason given'));
  if (test.status === 'filtered') items.push(item('Not run: filtered', test.reason ?? 'filtered'));
  if (test.status === 'interrupted') items.push(item('Not finished', test.reason ?? 'run interrupted'));
  if (test.attempts.length > 1 || test.status === 'flaky') {
    const attempts = test.attempts.map((a) => `#${a.attempt} ${a.status} in ${a.durationMs} ms${a.error ? `: ${a.error.message}` : ''}`);
    items.push({ title: test.status === 'flaky' ? 'Flaky: attempts' : 'Attempts', value: attempts });
  }
  const cleanup = test.attempts.flatMap((a) => a.cleanupFailures ?? []);
  if (cleanup.length > 0) items.push({ title: 'Cleanup failures', value: cleanup.map((c) => c.message) });
  const log = test.attempts.flatMap((a) => (test.attempts.length > 1 ? a.log.map((line) => `[attempt ${a.attempt}] ${line}`) : a.log));
  if (log.length > 0) items.push({ title: 'Log', value: log });
  return items;
}

function errorOf(test: TestResult): MochawesomeTest['err'] {
  if (test.status !== 'failed') return {};
  const last = [...test.attempts].reverse().find((a) => a.error);
  const message = last?.error?.message ?? test.reason ?? 'failed';
  const code = last?.error?.code ? `[${last.error.code}] ` : '';
  return { message: `${code}${message}`, estack: last?.error?.detail ?? message, diff: null };
}

function toTest(test: TestResult, parentUUID: string): MochawesomeTest {
  const state = stateOf[test.status];
  // Marge has no flaky state; say it in the title so a reader sees it without expanding the test.
  const passedOn = test.attempts.find((a) => a.status === 'passed')?.attempt;
  return {
    title: test.status === 'flaky' ? `${test.title} (flaky: passed on attempt ${passedOn ?? '?'} of ${test.attempts.length})` : test.title,
    fullTitle: test.name,
    timedOut: test.attempts.some((a) => a.error?.code === 'CONFORMAL_TIMEOUT'),
    duration: Math.round(test.durationMs),
    state,
    speed: state === 'passed' || state === 'failed' ? speedOf(test.durationMs) : null,
    pass: state === 'passed',
    fail: state === 'failed',
    pending: state === 'pending',
    code: '',
    err: errorOf(test),
    uuid: stableUuid(`test:${test.id}`),
    parentUUID,
    skipped: state === 'skipped',
    context: JSON.stringify(contextOf(test)),
    isHook: false,
  };
}

function uuidsIn(tests: MochawesomeTest[], state: MochawesomeState): string[] {
  return tests.filter((t) => t.state === state).map((t) => t.uuid);
}

function emptySuite(title: string, uuid: string, root: boolean): MochawesomeSuite {
  return { title, suites: [], tests: [], root, _timeout: 0, file: '', fullFile: '', uuid, beforeHooks: [], afterHooks: [], passes: [], failures: [], pending: [], skipped: [], duration: 0 };
}

const attentionRank: Record<TestResult['status'], number> = { failed: 0, flaky: 1, interrupted: 2, passed: 2, skipped: 2, filtered: 2 };

/** The run's results with failed tests first and flaky ones next, otherwise in run order (the sort is stable). */
export function failuresFirst(results: readonly TestResult[]): TestResult[] {
  return [...results].sort((a, b) => attentionRank[a.status] - attentionRank[b.status]);
}

export function toMochawesome(run: RunResult): MochawesomeReport {
  const root: MochawesomeSuite = { ...emptySuite('', stableUuid(`root:${run.interface.name}`), true), rootEmpty: true };
  const bySection = new Map<string, MochawesomeSuite>();
  for (const result of failuresFirst(run.results)) {
    let suite = bySection.get(result.spec.section);
    if (!suite) {
      suite = emptySuite(result.spec.section, stableUuid(`suite:${run.interface.name}:${result.spec.section}`), false);
      bySection.set(result.spec.section, suite);
      root.suites.push(suite);
    }
    suite.tests.push(toTest(result, suite.uuid));
  }
  for (const suite of root.suites) {
    suite.passes = uuidsIn(suite.tests, 'passed');
    suite.failures = uuidsIn(suite.tests, 'failed');
    suite.pending = uuidsIn(suite.tests, 'pending');
    suite.skipped = uuidsIn(suite.tests, 'skipped');
    suite.duration = suite.tests.reduce((sum, t) => sum + t.duration, 0);
  }
  const all = root.suites.flatMap((s) => s.tests);
  const ran = all.filter((t) => t.state !== 'skipped');
  const passes = ran.filter((t) => t.pass).length;
  const failures = ran.filter((t) => t.fail).length;
  const pending = ran.filter((t) => t.pending).length;
  const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);
  return {
    stats: {
      suites: root.suites.length,
      tests: ran.length,
      passes,
      pending,
      failures,
      start: run.startedAt,
      end: run.finishedAt,
      duration: Math.round(run.durationMs),
      testsRegistered: all.length,
      passPercent: percent(passes, ran.length - pending),
      pendingPercent: percent(pending, all.length),
      other: 0,
      hasOther: false,
      skipped: all.length - ran.length,
      hasSkipped: all.length > ran.length,
    },
    results: [root],
  };
}
