import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../reporters/junit.js';
import { sampleRun } from '../support/sample-run.js';

type Case = { '@_name': string; '@_time': string; failure?: { '@_message': string; '#text'?: string }; skipped?: { '@_message': string; '#text'?: string }; properties?: { property: Array<{ '@_name': string; '@_value': string }> } };

async function parsed() {
  const xml = renderJunit(await sampleRun());
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testcase', 'property'].includes(name) });
  return { xml, doc: parser.parse(xml) as { testsuites: { testsuite: { testcase: Case[]; '@_tests': string; '@_failures': string; '@_time': string } } } };
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
    expect(skipped['@_name']).toBe('[fake] needs a missing capability [Feature:Absent]');
    expect(skipped.skipped!['@_message']).toBe('not supported: the target lacks capability cap.absent');
    const filtered = cases.find((c) => c['@_name'].includes('filtered'))!;
    expect(filtered.skipped!['@_message']).toBe('skipped');
    expect(filtered.skipped!['#text']).toBeUndefined();
  });

  it('reports a flake as repeated testcases with the same name: failed, then passed', async () => {
    const { doc } = await parsed();
    const flaky = doc.testsuites.testsuite.testcase.filter((c) => c['@_name'] === '[fake] fails once then passes [Conformance]');
    expect(flaky.map((c) => (c.failure ? 'failed' : 'passed'))).toEqual(['failed', 'passed']);
  });

  it('carries numeric measurements as testcase properties (testgrid metrics) and names ending in [Conformance]', async () => {
    const { doc } = await parsed();
    const passing = doc.testsuites.testsuite.testcase.find((c) => c['@_name'] === '[fake] passes [Conformance]')!;
    const props = Object.fromEntries(passing.properties!.property.map((p) => [p['@_name'], p['@_value']]));
    expect(props).toMatchObject({ id: 's.pass', volumes_created: '3' });
  });
});
