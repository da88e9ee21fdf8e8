/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The HTML report as a person meets it: Debian's chromium (driven by playwright-core) opens the file,
// axe-core checks wcag2a/wcag2aa, a hostile implementation's strings must not run, and a screenshot
// is kept for looking at.
import { createRequire } from 'node:module';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMochawesome } from '../../../reporters/html/to-mochawesome.js';
import { mochawesomeErrors } from '../../../reporters/html/validate-mochawesome.js';
import { writeHtmlReport } from '../../../reporters/html/write-html-report.js';
import { requireTool } from '../../support/real-tools.js';
import { axeViolations, horizontalOverflow, launchChromium, openExpanded } from '../support/browser.js';
import { sampleRun, sampleTest } from '../support/sample-run.js';

const chromiumPath = requireTool('CONFORMAL_CHROMIUM');

const hostileName = '<script>window.__pwned="name"</script>"><img src=x onerror="window.__pwned=\'img\'">';
const hostileMessage = '"><img src=x onerror="window.__pwned=\'message\';alert(1)"><script>window.__pwned="script"</script>';
// One unbroken 400-character word: it must wrap, not widen the page.
const longWord = `unix:///${'very-long-socket-path/'.repeat(18)}csi.sock`;

function hostileRun() {
  const failing = sampleTest({ id: 'csi.hostile', title: 'CreateVolume rejects bad names', status: 'failed', reason: hostileMessage });
  const skipped = sampleTest({ id: 'csi.hostile.skip', title: 'Snapshot skip', status: 'skipped', reason: hostileMessage });
  return sampleRun({
    implementation: { name: hostileName, version: '</title><script>window.__pwned="version"</script>', endpoint: 'unix:///x' },
    warnings: [hostileMessage, longWord],
    leaks: ['<svg onload="window.__pwned=\'leak\'">'],
    results: [
      { ...failing, attempts: failing.attempts.map((a) => ({ ...a, log: [hostileMessage, longWord], error: { message: hostileMessage, detail: hostileMessage } })) },
      skipped,
      sampleTest({ id: 'csi.ok', title: 'GetPluginInfo returns a name', status: 'passed' }),
    ],
  });
}

describe.skipIf(!chromiumPath)('HTML report in Debian chromium', () => {
  let context: BrowserContext;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformal-html-'));
    context = await launchChromium(chromiumPath!, await mkdtemp(join(tmpdir(), 'conformal-chromium-')));
  }, 90_000);
  afterAll(async () => context?.close());

  it('has zero wcag2a/wcag2aa violations, with every test expanded', async () => {
    const { html } = await writeHtmlReport(sampleRun(), join(dir, 'sample'));
    const page = await openExpanded(context, html);
    expect(await page.locator('[class*="test--context"]').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(dir, 'sample', 'report.png'), fullPage: true });
    await page.close();
  }, 90_000);

  it('the same gate finds the serious violations of stock marge output (so it can fail)', async () => {
    const marge = createRequire(import.meta.url)('mochawesome-report-generator');
    const [stock] = await marge.create(toMochawesome(sampleRun()), { reportDir: join(dir, 'stock'), reportFilename: 'stock', inline: true, timestamp: false, charts: false, code: false });
    const page = await openExpanded(context, stock);
    const violations = await axeViolations(page);
    expect(violations.map((v) => v.id).sort()).toEqual(['color-contrast', 'link-in-text-block']);
    expect(violations.every((v) => v.impact === 'serious')).toBe(true);
    await page.close();
  }, 90_000);

  it('shows a hostile implementation\'s strings as text and runs none of them', async () => {
    const { html, json } = await writeHtmlReport(hostileRun(), join(dir, 'hostile'));
    expect(mochawesomeErrors(JSON.parse(await readFile(json, 'utf8')))).toEqual([]);
    const dialogs: string[] = [];
    const page = await openExpanded(context, html, (opened) =>
      opened.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.waitForTimeout(300); // let any injected onerror handler fire
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain(hostileName);
    expect(text).toContain(hostileMessage);
    expect(text).toContain(longWord);
    expect(await page.$$eval('img[src="x"], svg[onload]', (nodes) => nodes.length)).toBe(0);
    expect(await page.title()).toContain('<script>window.__pwned="name"</script>');
    expect(await axeViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toEqual([]);
    await page.screenshot({ path: join(dir, 'hostile', 'report.png'), fullPage: true });
    console.info(`screenshots: ${dir}/{sample,hostile}/report.png`);
    await page.close();
    expect(await readFile(html, 'utf8')).not.toContain('<script>window.__pwned');
  }, 90_000);
});
