// Proof that testgrid reads our JUnit: test/testgrid-parser (built in CI on testgrid's own
// metadata/junit package, pinned) parses the JUnit of real suite runs and of hand-made hostile runs
// through the lead's writer; no file may fail, and the rows must match our results.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../reporters/junit.js';
import type { RunResult, TestResult } from '../../../src/core/results.js';
import { requireTool } from '../../support/real-tools.js';
import { parseWithTestgrid as parseTestgridJunit, type TestgridFileReport } from '../../support/testgrid-junit.js';
import { runConformal } from '../support/run-cli.js';
import { sampleRun, sampleTest } from '../support/sample-run.js';

type FileReport = TestgridFileReport;

const parser = requireTool('CONFORMAL_TESTGRID_JUNIT');
const parseWithTestgrid = (files: string[]) => parseTestgridJunit(parser!, files);

/** Testgrid's cell message cut: first 70 + "..." + last 70 bytes when 140 or longer. */
function testgridCut(message: string): string {
  const bytes = Buffer.from(message);
  return bytes.length < 140 ? message : `${bytes.subarray(0, 70).toString()}...${bytes.subarray(bytes.length - 70).toString()}`;
}

/** What testgrid must show for our run: one row per attempt, filtered tests dropped. */
function expectRowsMatch(report: FileReport, run: RunResult): void {
  expect(report.error).toBeUndefined();
  const shown = run.results.filter((t) => t.status !== 'filtered');
  expect(report.dropped).toBe(run.summary.filtered);
  expect(report.rows).toHaveLength(shown.reduce((n, t) => n + Math.max(1, t.attempts.length), 0));
  const failedAttempts = shown.reduce((n, t) => n + t.attempts.filter((a) => a.status === 'failed').length, 0);
  expect(report.counts.FAIL ?? 0).toBe(failedAttempts);
  expect(report.counts.PASS_WITH_SKIPS ?? 0).toBe(run.summary.skipped);
  // After testgrid's merge of same-name rows: one cell per test, flakes FLAKY.
  expect(report.cells).toHaveLength(shown.length);
  for (const test of shown) {
    const cell = report.cells.find((c) => c.name === `conformal.${test.name}`);
    const expected = { passed: 'PASS', flaky: 'FLAKY', failed: 'FAIL', skipped: 'PASS_WITH_SKIPS' }[test.status as 'passed'];
    expect(cell?.status, test.name).toBe(expected);
  }
  for (const test of shown) {
    const rows = report.rows.filter((r) => r.name === `conformal.${test.name}`);
    expect(rows.length, test.name).toBe(Math.max(1, test.attempts.length));
    if (test.status === 'skipped') {
      expect(rows[0]!.status).toBe('PASS_WITH_SKIPS');
      const reasonStart = (test.reason ?? '').replace(/\s+/g, ' ').slice(0, 40);
      expect(rows[0]!.message, test.name).toContain(reasonStart);
    }
    test.attempts.forEach((attempt, index) => {
      if (attempt.status !== 'failed') return;
      expect(rows[index]!.status).toBe('FAIL');
      const keyPoint = (attempt.error?.message ?? '').replace(/\s+/g, ' ').slice(0, 40);
      expect(rows[index]!.message, test.name).toContain(keyPoint);
    });
  }
}

async function junitOf(run: RunResult): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'tg-junit-')), 'junit_01.xml');
  await writeFile(file, renderJunit(run));
  return file;
}

describe.skipIf(!parser)('testgrid parses the JUnit of real runs', () => {
  // [title, args, expect failures, skips and filtered tests in the run]
  const runs: Array<[string, string[], { failed: boolean; skipped: boolean; filtered: boolean }]> = [
    ['csi with a faulty reference, a disabled capability and a skip filter', ['csi', '--reference-fault', 'create-volume-not-idempotent', '--reference-disable', 'controller.CREATE_DELETE_SNAPSHOT', '--skip', 'ListVolumes'], { failed: true, skipped: true, filtered: true }],
    ['cri with a faulty reference and a skip filter', ['cri', '--reference-fault', 'exec-sync-loses-exit-code', '--skip', 'Status'], { failed: true, skipped: false, filtered: true }],
    ['cri passing', ['cri'], { failed: false, skipped: false, filtered: false }],
    ['cni with a faulty reference plugin, focused', ['cni', '--simulated-netns', '--reference-fault', 'error-on-stderr', '--focus', 'cni\\.(env|version)'], { failed: true, skipped: false, filtered: true }],
  ];

  it.each(runs)('%s', async (_title, args, shape) => {
    const dir = join(await mkdtemp(join(tmpdir(), 'tg-real-')), 'job', '1');
    const cli = await runConformal(['run', ...args, '--report-dir', dir, '--quiet']);
    expect([0, 1], cli.stderr).toContain(cli.code);
    const run = JSON.parse(await readFile(join(dir, 'artifacts', 'results.json'), 'utf8')) as RunResult;
    const [report] = await parseWithTestgrid([join(dir, 'artifacts', 'junit_01.xml')]);
    // The run must hold what the check is about, else it proves nothing about messages and skips.
    expect(run.summary.failed > 0).toBe(shape.failed);
    expect(run.summary.skipped > 0).toBe(shape.skipped);
    expect(run.summary.filtered > 0).toBe(shape.filtered);
    expect(cli.code).toBe(shape.failed ? 1 : 0);
    expectRowsMatch(report!, run);
  }, 240_000);
});

describe.skipIf(!parser)('testgrid shows a run that ended early red, and no test it did not finish as failed', () => {
  it('an unreachable target: one FAIL row for the setup step, every test a skip, none a pass', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'tg-unreachable-')), 'job', '1');
    const cli = await runConformal(['run', 'csi', '--endpoint', `unix://${join(dir, '..', 'no-driver.sock')}`, '--connect-timeout', '1s', '--report-dir', dir, '--quiet']);
    expect(cli.code).toBe(3);
    const [report] = await parseWithTestgrid([join(dir, 'artifacts', 'junit_01.xml')]);
    expect(report!.error).toBeUndefined();
    expect(report!.counts.FAIL).toBe(1);
    expect(report!.counts.PASS ?? 0).toBe(0);
    expect(report!.rows.find((r) => r.status === 'FAIL')).toMatchObject({ name: 'conformal.[sig-storage] [csi] conformal setup: reach the target', message: expect.stringContaining('unix://') });
  }, 120_000);

  it('an interrupted test is a skip "not finished"; the run shows one FAIL row for the interrupt', async () => {
    const test = sampleTest({ id: 'csi.running', title: 'Running at the interrupt', status: 'passed' });
    const interrupted: TestResult = { ...test, status: 'interrupted', reason: 'not finished: run interrupted', attempts: test.attempts.map((a) => ({ ...a, status: 'interrupted', error: { message: 'not finished: run interrupted' } })) };
    const run = sampleRun({ outcome: 'interrupted', failure: { step: 'run: interrupted', error: { message: 'interrupted by SIGINT' } }, results: [sampleTest({ id: 'csi.done', title: 'Done before', status: 'passed' }), interrupted] });
    const [report] = await parseWithTestgrid([await junitOf(run)]);
    expect(report!.error).toBeUndefined();
    expect(report!.counts).toEqual({ PASS: 1, PASS_WITH_SKIPS: 1, FAIL: 1 });
    expect(report!.rows.find((r) => r.name.includes('Running at the interrupt'))).toMatchObject({ status: 'PASS_WITH_SKIPS', message: expect.stringContaining('not finished: run interrupted') });
    expect(report!.rows.find((r) => r.status === 'FAIL')).toMatchObject({ name: 'conformal.[csi] conformal run: interrupted', message: expect.stringContaining('interrupted by SIGINT') });
  });
});

describe.skipIf(!parser)('testgrid parses the known JUnit breakers through our writer', () => {
  const withAttempts = (test: TestResult, attempts: TestResult['attempts']): TestResult => ({ ...test, attempts });

  it('ANSI escapes and control characters in names, messages and logs', async () => {
    const nasty = 'boom \u001b[31mred\u001b[0m \u0000nul \u0007bell \u000bvt \ud800lone';
    const base = sampleTest({ id: 'csi.nasty', title: `Nasty \u001b[1mtitle\u0001`, status: 'failed', reason: nasty });
    const run = sampleRun({
      implementation: { name: 'drv\u001b[0m\u0002', version: 'v1\u0000' },
      results: [
        withAttempts(base, base.attempts.map((a) => ({ ...a, log: [nasty], error: { message: nasty, detail: nasty } }))),
        sampleTest({ id: 'csi.skip', title: 'Skipped one', status: 'skipped', reason: `not supported:\u001b[33m ${nasty}` }),
      ],
    });
    const [report] = await parseWithTestgrid([await junitOf(run)]);
    expect(report!.error).toBeUndefined();
    expect(report!.counts).toEqual({ FAIL: 1, PASS_WITH_SKIPS: 1 });
    for (const row of report!.rows) expect(row.message ?? '').not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(report!.rows.find((r) => r.status === 'FAIL')!.message).toContain('boom red');
  });

  it('every duration is written as a plain decimal that testgrid reads as a number', async () => {
    const durations = [0, 0.0004, 999.9996, 1_234_567.89, 86_400_000 * 3, -5];
    const run = sampleRun({
      durationMs: 1_234_567.89,
      results: durations.map((ms, i) => {
        const test = sampleTest({ id: `csi.time.${i}`, title: `Duration ${i}`, status: 'passed' });
        return { ...withAttempts(test, test.attempts.map((a) => ({ ...a, durationMs: ms }))), durationMs: ms };
      }),
    });
    const file = await junitOf(run);
    const times = [...(await readFile(file, 'utf8')).matchAll(/ time="([^"]*)"/g)].map((m) => m[1]!);
    expect(times.length).toBe(durations.length + 2);
    for (const time of times) expect(time).toMatch(/^\d+(\.\d+)?$/);
    const [report] = await parseWithTestgrid([file]);
    expect(report!.error).toBeUndefined();
    expect(report!.counts).toEqual({ PASS: durations.length });
    expect(report!.rows.find((r) => r.name.includes('Duration 4 '))!.metrics!['test-duration-minutes']).toBeCloseTo(4320, 3);
  });

  it('multiple failures of one test (retries) become rows of the same name, each with its message', async () => {
    const base = sampleTest({ id: 'csi.retry', title: 'Retried', status: 'failed' });
    const attempt = base.attempts[0]!;
    const run = sampleRun({
      results: [
        withAttempts(base, [
          { ...attempt, attempt: 1, error: { message: 'first failure' } },
          { ...attempt, attempt: 2, error: { message: 'second failure' } },
          { ...attempt, attempt: 3, error: { message: `third failure ${'x'.repeat(400)}` } },
        ]),
        sampleTest({ id: 'csi.flake', title: 'Flaky one', status: 'flaky' }),
      ],
    });
    const [report] = await parseWithTestgrid([await junitOf(run)]);
    expectRowsMatch(report!, run);
    const retried = report!.rows.filter((r) => r.name === 'conformal.[csi] Retried [Conformance]');
    expect(retried.map((r) => r.message!.split('\n')[0])).toEqual(['first failure', 'second failure', expect.stringContaining('third failure')]);
    expect(retried[2]!.message!.length).toBeLessThanOrEqual(143);
    expect(report!.rows.filter((r) => r.name === 'conformal.[csi] Flaky one [Conformance]').map((r) => r.status)).toEqual(['FAIL', 'PASS']);
    // testgrid's own MergeCells: the retried test is one FAIL cell "0/3", the flake one FLAKY cell "1/2".
    expect(report!.cells.find((c) => c.name === 'conformal.[csi] Retried [Conformance]')).toMatchObject({ status: 'FAIL', icon: '0/3' });
    expect(report!.cells.find((c) => c.name === 'conformal.[csi] Flaky one [Conformance]')).toMatchObject({ status: 'FLAKY', icon: '1/2', message: expect.stringMatching(/^1\/2 runs passed: failed/) });
  });

  it('the checker itself rejects what testgrid rejects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tg-bad-'));
    const bad = {
      'time.xml': '<testsuites><testsuite name="s"><testcase name="a" time="1.5s"/></testsuite></testsuites>',
      'esc.xml': '<testsuites><testsuite name="s"><testcase name="a&#x1b;"/></testsuite></testsuites>',
      'root.xml': '<results><testcase name="a"/></results>',
      'charset.xml': '<?xml version="1.0" encoding="ISO-8859-1"?><testsuites/>',
    };
    for (const [name, content] of Object.entries(bad)) await writeFile(join(dir, name), content);
    const reports = await parseWithTestgrid(Object.keys(bad).map((name) => join(dir, name)));
    for (const report of reports) expect(report.error, report.file).toBeTruthy();
  });
});
