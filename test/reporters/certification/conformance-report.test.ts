import { describe, expect, it } from 'vitest';
import { conformanceReport } from '../../../reporters/certification/conformance-report.js';
import { readme } from '../../../reporters/certification/bundle.js';
import { originalCommand, reproduceArgs } from '../../../reporters/certification/reproduce.js';
import { sampleRun } from '../support/sample-run.js';

const product = { organization: 'Acme | Corp', project: 'acme-csi', url: 'https://acme.example', version: 'v2.0.0', contact: ['csi@acme.example'] };

describe('conformance report', () => {
  it('carries the run\'s per-profile results and the features, target and harness', () => {
    const run = sampleRun({ capabilities: ['CREATE_DELETE_VOLUME'] });
    const report = conformanceReport(run, product, new Date('2026-11-21T00:00:00Z'));
    expect(report.profiles.map((p) => [p.name, p.claimed, p.core?.result])).toEqual([['node', true, 'failure'], ['snapshots', false, undefined]]);
    expect(report.profiles[0]!.core!.failedTests).toEqual(['csi.controller.create.idempotent']);
    expect(report.profiles[1]!.reason).toBe('the target lacks CREATE_DELETE_SNAPSHOT');
    expect(report).toMatchObject({ kind: 'ConformanceReport', date: '2026-11-21T00:00:00.000Z', harness: { version: '0.1.0' }, interface: { specVersion: '1.12.0' }, target: { name: 'hostpath.csi.example.com' } });
  });
});

describe('README', () => {
  it('has a Reproduce section runnable from the folder and the original command, shell-quoted', () => {
    const run = sampleRun({ command: ['certify', 'csi', '--product', '/home/me/acme product.yaml', '--out', '/tmp/x', '--endpoint', "unix:///run/it's.sock"] });
    expect(reproduceArgs(run)).toEqual(['certify', 'csi', '--product', 'product.yaml', '--endpoint', "unix:///run/it's.sock"]);
    expect(originalCommand(run)).toBe("conformal certify csi --product $'/home/me/acme product.yaml' --out /tmp/x --endpoint $'unix:///run/it\\'s.sock'");
    const text = readme(conformanceReport(run, product), run, { kind: 'unknown', name: 'conformal', version: '0.1.0' });
    expect(text).toContain('## Reproduce');
    expect(text).toContain("node conformal/bin/conformal.js certify csi --product product.yaml --endpoint $'unix:///run/it\\'s.sock'");
    expect(text).toContain(originalCommand(run));
    expect(text).toContain('| node | yes | **failure** |');
    expect(text).toContain('| snapshots | no | — | — | the target lacks CREATE_DELETE_SNAPSHOT |');
    expect(text).toContain('# Acme   Corp acme-csi v2.0.0');
  });
});
