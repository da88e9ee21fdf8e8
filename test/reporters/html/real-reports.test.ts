/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The accessibility and layout gate over reports the real CLI writes for every suite: a passing run
// of each embedded reference (csi, cri, cni), a CSI run with failures (a fault variant) and a merged
// two-shard build. One browser for all of them; each report is opened once with every test expanded.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mochawesomeErrors } from '../../../reporters/html/validate-mochawesome.js';
import { requireTool } from '../../support/real-tools.js';
import { axeViolations, horizontalOverflow, launchChromium, openExpanded } from '../support/browser.js';
import { runConformal } from '../support/run-cli.js';

const chromiumPath = requireTool('CONFORMAL_CHROMIUM');

type ReportName = 'csi' | 'cri' | 'cni' | 'csi-failing' | 'csi-merged';
const reportNames: readonly ReportName[] = ['csi', 'cri', 'cni', 'csi-failing', 'csi-merged'];

/** Runs the CLI and insists on the exit code, so a broken run cannot pass as a report to check. */
async function conformal(expectedCode: number, ...args: string[]): Promise<void> {
  const result = await runConformal(args, { timeoutMs: 240_000 });
  if (result.code !== expectedCode) throw new Error(`conformal ${args.join(' ')} exited ${result.code}, expected ${expectedCode}:\n${result.stderr}${result.stdout.slice(-2000)}`);
}

/** Writes every report the gate checks; returns the path of each report.html. */
async function writeReports(dir: string): Promise<Record<ReportName, string>> {
  const build = (name: string) => join(dir, name);
  await Promise.all([
    conformal(0, 'run', 'cni', '--report-dir', build('cni'), '-q'), // the slowest; the others run meanwhile
    (async () => {
      await conformal(0, 'run', 'csi', '--report-dir', build('csi'), '-q');
      await conformal(0, 'run', 'cri', '--report-dir', build('cri'), '-q');
      await conformal(1, 'run', 'csi', '--reference-fault', 'create-volume-not-idempotent', '--report-dir', build('csi-failing'), '-q');
      await conformal(0, 'run', 'csi', '--shard', '1/2', '--report-dir', build('shard-1'), '-q');
      await conformal(0, 'run', 'csi', '--shard', '2/2', '--report-dir', build('shard-2'), '-q');
      await conformal(0, 'merge', build('csi-merged'), build('shard-1'), build('shard-2'));
    })(),
  ]);
  return Object.fromEntries(reportNames.map((name) => [name, join(build(name), 'artifacts', 'report.html')])) as Record<ReportName, string>;
}

interface PageShape {
  /** Per suite in page order: whether it holds a failed test, and its tests' states in order. */
  readonly suites: { failed: boolean; tests: string[] }[];
  readonly coverageAfterResults: boolean;
}

async function shapeOf(page: Page): Promise<PageShape> {
  return page.evaluate(() => {
    const stateOf = (test: Element) => /test--(passed|failed|pending|skipped)/.exec(test.className)?.[1] ?? 'unknown';
    const suites = [...document.querySelectorAll('[class*="suite--component"].has-tests')].map((suite) => ({
      failed: suite.classList.contains('has-failed'),
      tests: [...suite.querySelectorAll('[class*="test--component"]')].map(stateOf),
    }));
    const results = document.getElementById('report')!;
    const coverage = document.querySelector('.conformal-coverage');
    const coverageAfterResults = !!coverage && (results.compareDocumentPosition(coverage) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 && coverage.getBoundingClientRect().top >= results.getBoundingClientRect().bottom;
    return { suites, coverageAfterResults };
  });
}

/** True when every item with the mark comes before every item without it. */
function markedFirst<T>(items: readonly T[], marked: (item: T) => boolean): boolean {
  const firstUnmarked = items.findIndex((item) => !marked(item));
  return firstUnmarked === -1 || !items.slice(firstUnmarked).some(marked);
}

describe.skipIf(!chromiumPath)('HTML reports of real runs, in Debian chromium at 1280 px', () => {
  let context: BrowserContext;
  let reports: Record<ReportName, string>;
  const shapes = new Map<ReportName, PageShape>();
  const dirs: string[] = [];

  beforeAll(async () => {
    dirs.push(await mkdtemp(join(tmpdir(), 'conformal-real-reports-')), await mkdtemp(join(tmpdir(), 'conformal-chromium-')));
    [reports, context] = await Promise.all([writeReports(dirs[0]!), launchChromium(chromiumPath!, dirs[1]!)]);
  }, 300_000);
  afterAll(async () => {
    await context?.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  // The CLI does not validate at run time (it cost a third of writing the page); every real report is checked here.
  it.each(reportNames)('%s: the data marge rendered (report.json) matches marge\'s own tcomb types', async (name) => {
    const data: unknown = JSON.parse(await readFile(reports[name].replace(/\.html$/, '.json'), 'utf8'));
    expect(mochawesomeErrors(data)).toEqual([]);
  });

  it.each(reportNames)('%s: zero wcag2a/wcag2aa violations and nothing wider than the window, every test expanded', async (name) => {
    const page = await openExpanded(context, reports[name]);
    try {
      shapes.set(name, await shapeOf(page));
      expect(await page.locator('[class*="test--context"]').count()).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('lists failed tests first (their sections first, and first within them) and the coverage tables after the results', () => {
    for (const name of reportNames) expect(shapes.get(name)?.coverageAfterResults, name).toBe(true);
    const failing = shapes.get('csi-failing')!;
    expect(failing.suites[0]?.tests[0]).toBe('failed');
    expect(failing.suites.filter((s) => s.failed).length).toBeGreaterThan(0);
    expect(markedFirst(failing.suites, (s) => s.failed)).toBe(true);
    for (const suite of failing.suites) expect(markedFirst(suite.tests, (state) => state === 'failed'), suite.tests.join(',')).toBe(true);
  });

  it('the merged shard build shows every test of the plain run once', () => {
    const count = (name: ReportName) => shapes.get(name)!.suites.reduce((sum, s) => sum + s.tests.length, 0);
    expect(count('csi-merged')).toBe(count('csi'));
    expect(count('csi')).toBeGreaterThan(100);
  });
});
