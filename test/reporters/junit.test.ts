import { setTimeout as sleep } from 'node:timers/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderAbortedJunit, renderJunit } from '../../reporters/junit.js';
import { RunLog } from '../../src/core/log.js';
import { executeRun } from '../../src/core/run.js';
import { runSettingsSchema } from '../../src/core/settings.js';
import { fakePlugin, fakeTest } from '../support/fake-plugin.js';
import { sampleRun, sampleTests } from '../support/sample-run.js';

type Case = { '@_name': string; '@_time': string; failure?: { '@_message': string; '#text'?: string }; skipped?: { '@_message': string; '#text'?: string }; properties?: { property: Array<{ '@_name': string; '@_value': string }> } };

type Suite = { testcase: Case[]; '@_tests': string; '@_failures': string; '@_skipped': string; '@_time': string };

function parse(xml: string) {
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testcase', 'property'].includes(name) });
  return parser.parse(xml) as { testsuites: { testsuite: Suite; '@_failures': string } };
}

async function parsed() {
  const xml = renderJunit(await sampleRun());
  return { xml, doc: parse(xml) };
}

/** A real run through the core whose second test is still running when the interrupt comes. */
async function interruptedRun() {
  const interrupt = new AbortController();
  const tests = [
    fakeTest({ id: 'i.done', title: 'finished before' }),
    fakeTest({ id: 'i.running', title: 'still running', serial: true, run: async (ctx) => { interrupt.abort(new Error('interrupted by SIGINT')); await sleep(5000, undefined, { signal: ctx.signal }); } }),
  ];
  const { result } = await executeRun({ plugin: fakePlugin(tests), settings: runSettingsSchema.parse({}), options: {}, command: [], log: new RunLog('quiet', () => {}), interrupt: interrupt.signal });
  return result;
}

describe('renderJunit', () => {
  it('is well-formed XML with a <testsuites> root and a single <testsuite>', async () => {
    const { xml, doc } = await parsed();
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(Array.isArray(doc.testsuites.testsuite)).toBe(false);
  });

  it('contains no ANSI escapes or XML-invalid control characters, raw or as references', async () => {
    const { xml } = await parsed();
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    expect(xml).not.toMatch(/&#x?0*(1b|27|0|7);/i);
    expect(xml).not.toContain('[31m');
  });

  it('uses plain decimal seconds and integer counts', async () => {
    const { doc } = await parsed();
    const suite = doc.testsuites.testsuite;
    expect(suite['@_time']).toMatch(/^\d+\.\d{3}$/);
    expect(suite['@_tests']).toMatch(/^\d+$/);
    for (const testcase of suite.testcase) expect(testcase['@_time']).toMatch(/^\d+\.\d{3}$/);
  });

  it('puts the key point first in a failure message of at most 140 characters, the detail in the body', async () => {
    const { doc } = await parsed();
    const failing = doc.testsuites.testsuite.testcase.filter((c) => c['@_name'].includes('hostile'));
    expect(failing).toHaveLength(2); // retried once: both attempts reported
    const failure = failing[0]!.failure!;
    expect(failure['@_message'].length).toBeLessThanOrEqual(140);
    expect(failure['@_message'].startsWith('expected NOT_FOUND')).toBe(true);
    expect(failure['#text']).toContain('<script>alert(1)</script>');
    expect(failure['#text']).toContain('s.fail: Fake — a rule');
  });

  it('keeps the reason of a not-supported skip and marks filtered tests the way testgrid drops', async () => {
    const { doc } = await parsed();
    const cases = doc.testsuites.testsuite.testcase;
    const skipped = cases.find((c) => c['@_name'].includes('missing capability'))!;
    expect(skipped['@_name']).toBe('[sig-testing] [fake] needs a missing capability [Feature:Absent]');
    expect(skipped.skipped!['@_message']).toBe('not supported: the target lacks capability cap.absent');
    const filtered = cases.find((c) => c['@_name'].includes('filtered'))!;
    expect(filtered.skipped!['@_message']).toBe('skipped');
    expect(filtered.skipped!['#text']).toBeUndefined();
  });

  it('reports a flake as repeated testcases with the same name: failed, then passed', async () => {
    const { doc } = await parsed();
    const flaky = doc.testsuites.testsuite.testcase.filter((c) => c['@_name'] === '[sig-testing] [fake] fails once then passes [Conformance]');
    expect(flaky.map((c) => (c.failure ? 'failed' : 'passed'))).toEqual(['failed', 'passed']);
  });

  it('carries numeric measurements as testcase properties (testgrid metrics) and names ending in [Conformance]', async () => {
    const { doc } = await parsed();
    const passing = doc.testsuites.testsuite.testcase.find((c) => c['@_name'] === '[sig-testing] [fake] passes [Conformance]')!;
    const props = Object.fromEntries(passing.properties!.property.map((p) => [p['@_name'], p['@_value']]));
    expect(props).toMatchObject({ id: 's.pass', volumes_created: '3' });
  });

  it('a run that could not reach its target is red: one failing setup test first, the tests skipped as not run', async () => {
    const run = await sampleRun(sampleTests(), { unreachable: true });
    const suite = parse(renderJunit(run)).testsuites.testsuite;
    const [setup, ...tests] = suite.testcase;
    expect(setup!['@_name']).toBe('[sig-testing] [fake] conformal setup: reach the target');
    expect(setup!.failure!['@_message']).toBe('cannot connect to unix:///nowhere');
    expect(setup!.failure!['#text']).toContain('TargetUnreachableError');
    expect(suite['@_failures']).toBe('1');
    expect(suite['@_tests']).toBe(String(run.results.length + 1));
    expect(tests.every((c) => c.skipped && !c.failure)).toBe(true);
    expect(tests.find((c) => c['@_name'].includes('passes'))!.skipped!['@_message']).toMatch(/^not run: target unreachable/);
  });

  it('tests cut short by an interrupt are skipped "not finished", never failures; the run shows one failing test', async () => {
    const run = await interruptedRun();
    expect(run.outcome).toBe('interrupted');
    const suite = parse(renderJunit(run)).testsuites.testsuite;
    const byName = (part: string) => suite.testcase.find((c) => c['@_name'].includes(part))!;
    expect(byName('still running').failure).toBeUndefined();
    expect(byName('still running').skipped!['@_message']).toBe('not finished: run interrupted');
    expect(byName('finished before').skipped).toBeUndefined();
    expect(byName('conformal run: interrupted').failure!['@_message']).toBe('interrupted by SIGINT');
    expect(suite['@_failures']).toBe('1');
    expect(suite['@_skipped']).toBe('1');
  });

  it('a run that crashed before any result still gets a JUnit with one failing test', () => {
    const iface = { name: 'csi', title: 'CSI', specVersion: '1.12.0', sig: 'sig-storage' };
    const doc = parse(renderAbortedJunit(iface, { step: 'run: harness failure', error: { message: 'Cannot find module suites/csi/index.js' } }, new Date('2026-11-21T12:00:00Z'), 5));
    expect(doc.testsuites['@_failures']).toBe('1');
    expect(doc.testsuites.testsuite.testcase.map((c) => [c['@_name'], c.failure?.['@_message']])).toEqual([['[sig-storage] [csi] conformal run: harness failure', 'Cannot find module suites/csi/index.js']]);
  });
});
