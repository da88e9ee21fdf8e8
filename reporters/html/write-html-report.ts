// Writes <dir>/report.html (and report.json, the mochawesome data) for a run: our model converted
// to mochawesome JSON, rendered by marge's create(), then the accessibility theme, the run's summary
// (above the results) and the coverage tables (after them) are injected into the page. The converted
// data is checked against marge's own types in conformal's tests (test/reporters/html), not at every
// run: the check cost more than a third of writing the page.
import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { HarnessError } from '../../src/core/errors.js';
import type { RunResult } from '../../src/core/results.js';
import { coverageHtml, summaryHtml } from './coverage.js';
import { accessibleTheme } from './theme.js';
import { toMochawesome } from './to-mochawesome.js';

interface Marge {
  create(data: unknown, options: Record<string, unknown>): Promise<(string | null)[]>;
}

const marge = createRequire(import.meta.url)('mochawesome-report-generator') as Marge;

const HEAD_END = '</head>';
const APP_ROOT = '<div id="report"></div>';

/** Adds our stylesheet, a section before marge's results and one after; a missing anchor means marge changed, a harness bug. */
export function injectIntoPage(html: string, css: string, before: string, after: string): string {
  if (!html.includes(HEAD_END) || !html.includes(APP_ROOT)) throw new HarnessError('marge output changed shape: cannot inject the accessibility theme');
  return html.replace(HEAD_END, () => `<style>${css}</style>${HEAD_END}`).replace(APP_ROOT, () => `<main>${before}${APP_ROOT}${after}</main>`);
}

export interface HtmlReportFiles {
  readonly html: string;
  readonly json: string;
}

export async function writeHtmlReport(run: RunResult, dir: string, filename = 'report'): Promise<HtmlReportFiles> {
  const data = toMochawesome(run);
  const title = `conformal ${run.interface.name}: ${run.implementation.name}`;
  const [html, json] = await marge.create(data, {
    reportDir: dir,
    reportFilename: filename,
    reportTitle: title,
    reportPageTitle: title,
    inline: true,
    charts: false,
    code: false,
    saveJson: true,
    showPending: true,
    showSkipped: false,
    timestamp: false,
    autoOpen: false,
    overwrite: true,
  });
  if (!html || !json) throw new HarnessError('marge did not write the HTML report');
  await writeFile(html, injectIntoPage(await readFile(html, 'utf8'), accessibleTheme, summaryHtml(run), coverageHtml(run)));
  return { html, json };
}
