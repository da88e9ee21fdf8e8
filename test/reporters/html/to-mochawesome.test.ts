import { describe, expect, it } from 'vitest';
import { coverageHtml, operationCoverage, summaryHtml } from '../../../reporters/html/coverage.js';
import { stableUuid, toMochawesome } from '../../../reporters/html/to-mochawesome.js';
import { mochawesomeErrors } from '../../../reporters/html/validate-mochawesome.js';
import { injectIntoPage } from '../../../reporters/html/write-html-report.js';
import { sampleRun } from '../support/sample-run.js';

describe('RunResult -> mochawesome JSON', () => {
  const report = toMochawesome(sampleRun());
  const tests = report.results[0]!.suites.flatMap((s) => s.tests);
  const byTitle = (title: string) => tests.find((t) => t.title === title || t.title.startsWith(`${title} (`))!;

  it('matches marge\'s own tcomb types', () => {
    expect(mochawesomeErrors(report)).toEqual([]);
  });

  it('is rejected by the same validator when the shape is wrong', () => {
    const broken = structuredClone(report);
    (broken.results[0]!.suites[0]!.tests[0] as any).uuid = 'not-a-uuid';
    (broken.stats as any).start = 'yesterday';
    const errors = mochawesomeErrors(broken);
    expect(errors.some((e) => e.includes('UUID'))).toBe(true);
    expect(errors.some((e) => e.includes('/stats/start'))).toBe(true);
  });

  it('maps statuses: flaky passes, not-supported is pending, filtered is mochawesome-skipped', () => {
    expect(byTitle('GetPluginInfo returns a name').state).toBe('passed');
    expect(byTitle('NodePublishVolume mounts')).toMatchObject({ state: 'passed', pass: true, title: 'NodePublishVolume mounts (flaky: passed on attempt 2 of 2)' });
    expect(byTitle('CreateVolume is idempotent')).toMatchObject({ state: 'failed', fail: true, err: { message: '[CONFORMAL_ASSERTION] CreateVolume: expected the same volume id, got a new one', estack: 'stack' } });
    expect(byTitle('CreateSnapshot makes a snapshot')).toMatchObject({ state: 'pending', pending: true, skipped: false });
    expect(byTitle('ListVolumes pages')).toMatchObject({ state: 'skipped', skipped: true });
    expect(report.stats).toMatchObject({ tests: 4, testsRegistered: 5, passes: 2, failures: 1, pending: 1, skipped: 1, hasSkipped: true });
  });

  it('groups tests by spec section, failures first, and carries spec reference, reasons and attempts in the context', () => {
    // sample order: GetPluginInfo, CreateVolume (failed), CreateSnapshot, ListVolumes, NodePublishVolume (flaky)
    expect(report.results[0]!.suites.map((s) => s.title)).toEqual(['CreateVolume', 'NodePublishVolume', 'GetPluginInfo', 'CreateSnapshot', 'ListVolumes']);
    const context = (title: string) => JSON.parse(byTitle(title).context!) as { title: string; value: unknown }[];
    expect(context('CreateSnapshot makes a snapshot')).toContainEqual({ title: 'Skipped: not supported', value: 'not supported: capability CREATE_DELETE_SNAPSHOT missing' });
    expect(context('GetPluginInfo returns a name')).toContainEqual({ title: 'Test', value: 'csi.identity.info (profile core; tags Conformance)' });
    expect(context('CreateSnapshot makes a snapshot')).toContainEqual({ title: 'Spec reference', value: 'CreateSnapshot: rule of CreateSnapshot makes a snapshot' });
    expect(context('NodePublishVolume mounts')).toContainEqual({ title: 'Flaky: attempts', value: ['#1 failed in 120 ms: failed', '#2 passed in 120 ms'] });
    const suite = report.results[0]!.suites[0]!;
    expect(suite.failures).toEqual([suite.tests[0]!.uuid]);
  });

  it('puts failed tests before the others of their section, keeping run order otherwise', () => {
    const run = sampleRun({}, [
      { id: 'csi.a', title: 'A passes', status: 'passed' },
      { id: 'csi.b', title: 'B fails', status: 'failed' },
      { id: 'csi.c', title: 'C is skipped', status: 'skipped' },
      { id: 'csi.d', title: 'D fails', status: 'failed' },
    ]);
    expect(toMochawesome(run).results[0]!.suites[0]!.tests.map((t) => t.title)).toEqual(['B fails', 'D fails', 'A passes', 'C is skipped']);
  });

  it('gives stable UUIDs marge accepts', () => {
    expect(stableUuid('a')).toBe(stableUuid('a'));
    expect(stableUuid('a')).not.toBe(stableUuid('b'));
    expect(stableUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('coverage tables', () => {
  it('counts tests per operation by result', () => {
    const coverage = operationCoverage(sampleRun().results);
    expect(coverage.find((c) => c.operation === 'CreateVolume')!.counts).toEqual({ passed: 0, failed: 1, flaky: 0, skipped: 0, filtered: 0, interrupted: 0 });
    expect(coverage.map((c) => c.operation)).toEqual(['CreateSnapshot', 'CreateVolume', 'GetPluginInfo', 'ListVolumes', 'NodePublishVolume']);
  });

  it('escapes strings from the target', () => {
    const sample = sampleRun({ implementation: { name: '<script>alert(1)</script>' }, warnings: ['<b>w</b>'] });
    const run = { ...sample, results: [{ ...sample.results[0]!, reason: '<img src=x>' }, ...sample.results.slice(1)] };
    for (const html of [summaryHtml(run), coverageHtml(run)]) {
      expect(html).not.toMatch(/<script>|<img|<b>/);
    }
    expect(summaryHtml(run)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(coverageHtml(run)).toContain('&lt;img src=x&gt;');
  });

  it('puts the summary before marge\'s results and the coverage tables after them', () => {
    expect(() => injectIntoPage('<html><body></body></html>', 'a{}', '<section></section>', '')).toThrow(/changed shape/);
    expect(injectIntoPage('<head></head><body><div id="report"></div></body>', 'a{}', '<p>x</p>', '<p>y</p>')).toBe('<head><style>a{}</style></head><body><main><p>x</p><div id="report"></div><p>y</p></main></body>');
  });
});

describe('context values', () => {
  it('keeps strings marge would turn into links, images or videos as code', async () => {
    const { contextValue } = await import('../../../reporters/html/to-mochawesome.js');
    for (const risky of ['evil.example.com', 'http://x/y', 'see logo.png', 'movie.webm ', 'data:image/png;base64,AAAA']) {
      expect(contextValue(risky)).toEqual([risky]);
    }
    expect(contextValue('CreateVolume: expected ALREADY_EXISTS')).toBe('CreateVolume: expected ALREADY_EXISTS');
  });
});
