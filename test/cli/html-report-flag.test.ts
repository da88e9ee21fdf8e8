// --no-html-report (htmlReport: false in a config file): the report dir keeps every other report
// and leaves out the HTML page; the default still writes it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conformal } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'conformal-html-flag-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const identityOnly = ['--focus', 'csi\\.identity\\.', '-q'];
const artifact = (dir: string, name: string) => join(dir, 'artifacts', name);

function expectBuildWithoutHtml(dir: string): void {
  expect(readFileSync(artifact(dir, 'junit_01.xml'), 'utf8')).toContain('<testsuites');
  expect(JSON.parse(readFileSync(artifact(dir, 'results.json'), 'utf8')).outcome).toBe('completed');
  expect(JSON.parse(readFileSync(join(dir, 'finished.json'), 'utf8')).result).toBe('SUCCESS');
  expect(existsSync(artifact(dir, 'report.html'))).toBe(false);
  expect(existsSync(artifact(dir, 'report.json'))).toBe(false);
}

describe('the HTML page of a report dir', { timeout: 120_000 }, () => {
  it('is written by default and left out with --no-html-report', async () => {
    const withHtml = join(work, 'default');
    const without = join(work, 'flag');
    const [first, second] = await Promise.all([
      conformal(['run', 'csi', ...identityOnly, '--report-dir', withHtml]),
      conformal(['run', 'csi', ...identityOnly, '--report-dir', without, '--no-html-report']),
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(artifact(withHtml, 'report.html'), 'utf8')).toContain('</html>');
    expect(second.code, second.stderr).toBe(0);
    expectBuildWithoutHtml(without);
  });

  it('is left out by htmlReport: false in the config file, and a bad value is refused naming the field', async () => {
    const config = join(work, 'no-html.yaml');
    writeFileSync(config, 'htmlReport: false\n');
    const bad = join(work, 'bad-html.yaml');
    writeFileSync(bad, 'htmlReport: sometimes\n');
    const dir = join(work, 'config');
    const [fromFile, refused] = await Promise.all([
      conformal(['run', 'csi', ...identityOnly, '--config', config, '--report-dir', dir]),
      conformal(['run', 'csi', ...identityOnly, '--config', bad, '--report-dir', join(work, 'refused')]),
    ]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expectBuildWithoutHtml(dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('htmlReport');
  });
});
