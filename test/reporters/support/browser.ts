/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Debian's chromium driven by playwright-core (no browser download), for checks a person would make
// of the HTML report: axe-core's wcag2a/wcag2aa rules, whether any script ran, a screenshot.
import axe from 'axe-core';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser context on an empty --user-data-dir (playwright passes it for a persistent context). */
export async function launchChromium(executablePath: string, userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath, args: chromiumArgs, headless: true, timeout: 60_000 });
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: number;
  readonly targets: string[];
}

export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, targets: v.nodes.map((n: any) => String(n.target)) }));
  });
}

/** The width the HTML report must fit without sideways scrolling. */
export const reportViewport = { width: 1280, height: 900 };

/**
 * Opens a report at 1280 px and expands every test (one click per header, all in the page: a
 * round trip per header took half a minute on a 222-test report), so checks see error details and contexts.
 */
export async function openExpanded(context: BrowserContext, file: string, before?: (page: Page) => void): Promise<Page> {
  const page = await context.newPage();
  before?.(page);
  await page.setViewportSize(reportViewport);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('[class*="test--component"]', { timeout: 20_000 });
  await page.evaluate(() => {
    for (const header of document.querySelectorAll<HTMLElement>('[class*="test--header"]')) header.click();
  });
  await page.waitForSelector('[class*="test--context"]', { timeout: 10_000 });
  return page;
}

/** The document, tables and <pre> blocks wider than their box (each would scroll sideways), described. */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const wide = (element: Element) => element.scrollWidth > element.clientWidth;
    const describe = (element: Element) => `${element.tagName.toLowerCase()}.${element.className} ${element.scrollWidth} > ${element.clientWidth}: ${(element.textContent ?? '').slice(0, 80)}`;
    const root = document.documentElement;
    return [...(wide(root) ? [`document ${root.scrollWidth} > ${root.clientWidth}`] : []), ...[...document.querySelectorAll('table, pre')].filter(wide).map(describe)];
  });
}
