import { describe, expect, it } from 'vitest';
import { conformanceReport, profileReport } from '../../../reporters/certification/conformance-report.js';
import { readme } from '../../../reporters/certification/bundle.js';
import { originalCommand, reproduceArgs } from '../../../reporters/certification/reproduce.js';
import { sampleRun, sampleTest } from '../support/sample-run.js';

const product = { organization: 'Acme | Corp', project: 'acme-csi', url: 'https://acme.example', version: 'v2.0.0', contact: ['csi@acme.example'] };
const t = (id: string, status: 'passed' | 'failed' | 'skipped' | 'filtered' | 'flaky', profile: 'core' | 'extended' = 'core') => sampleTest({ id, title: id, status, profile, reason: `${status} because` });

describe('profile verdicts', () => {
  it('success when every test passed (flakes pass), partial when some did not run, failure when one failed', () => {
    expect(profileReport('core', [t('a', 'passed'), t('b', 'flaky')], true).result).toBe('success');
    expect(profileReport('core', [t('a', 'passed'), t('b', 'skipped')], true)).toMatchObject({ result: 'partial', skippedTests: [{ id: 'b', reason: 'skipped because' }] });
    expect(profileReport('core', [t('a', 'passed'), t('c', 'filtered')], true).result).toBe('partial');
    expect(profileReport('core', [t('a', 'failed'), t('b', 'skipped')], true)).toMatchObject({ result: 'failure', failedTests: ['a'], statistics: { failed: 1, skipped: 1 } });
    expect(profileReport('core', [t('a', 'passed')], false).result).toBe('failure');
  });

  it('reports each profile, features from the capability catalog, target and harness', () => {
    const run = sampleRun({ capabilities: ['CREATE_DELETE_VOLUME'] });
    const report = conformanceReport(run, product, [{ name: 'CREATE_DELETE_VOLUME', description: '' }, { name: 'CREATE_DELETE_SNAPSHOT', description: '' }], new Date('2026-11-21T00:00:00Z'));
    expect(report.profiles.map((p) => [p.name, p.result])).toEqual([['core', 'failure'], ['extended', 'partial']]);
    expect(report.supportedFeatures).toEqual(['CREATE_DELETE_VOLUME']);
    expect(report.unsupportedFeatures).toEqual(['CREATE_DELETE_SNAPSHOT']);
    expect(report).toMatchObject({ kind: 'ConformanceReport', date: '2026-11-21T00:00:00.000Z', harness: { version: '0.1.0' }, interface: { specVersion: '1.12.0' }, target: { name: 'hostpath.csi.example.com' } });
  });
});

describe('README', () => {
  it('has a Reproduce section runnable from the folder and the original command, shell-quoted', () => {
    const run = sampleRun({ command: ['certify', 'csi', '--product', '/home/me/acme product.yaml', '--out', '/tmp/x', '--endpoint', "unix:///run/it's.sock"] });
    expect(reproduceArgs(run)).toEqual(['certify', 'csi', '--product', 'product.yaml', '--endpoint', "unix:///run/it's.sock"]);
    expect(originalCommand(run)).toBe("conformal certify csi --product $'/home/me/acme product.yaml' --out /tmp/x --endpoint $'unix:///run/it\\'s.sock'");
    const text = readme(conformanceReport(run, product, []), run, { kind: 'unknown', name: 'conformal', version: '0.1.0' });
    expect(text).toContain('## Reproduce');
    expect(text).toContain("node conformal/bin/conformal.js certify csi --product product.yaml --endpoint $'unix:///run/it\\'s.sock'");
    expect(text).toContain(originalCommand(run));
    expect(text).toContain('| core | **failure** |');
    expect(text).toContain('# Acme   Corp acme-csi v2.0.0');
  });
});
