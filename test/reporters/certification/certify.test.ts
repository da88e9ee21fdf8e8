// `conformal certify` end to end: the product file is checked first (exit 2 naming the field), then
// the real suite runs against the embedded CRI reference (good and faulty) and the folder is written.
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/results.js';
import { packagePath } from '../../../src/core/paths.js';
import { cliInProcess } from '../support/cli-in-process.js';
import { runConformal } from '../support/run-cli.js';

const goodProduct = packagePath('fixtures', 'reports', 'product.yaml');

async function productFile(content: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'product-')), 'product.yaml');
  await writeFile(file, content);
  return file;
}

describe('certify: product file errors exit 2 and name the field', () => {
  const valid = 'organization: Acme\nproject: p\nurl: https://acme.example\nversion: v1\ncontact: a@acme.example\n';
  it.each([
    ['a missing field', valid.replace('version: v1\n', ''), 'version'],
    ['a bad email', valid.replace('a@acme.example', 'not-mail'), 'contact'],
    ['a non-http url', valid.replace('https://acme.example', 'ftp://acme.example'), 'url'],
    ['a misspelt key', `${valid}organisation: Acme\n`, 'organisation'],
    ['an empty project', valid.replace('project: p', 'project: ""'), 'project'],
    ['a list at the top', '- a\n- b\n', 'top level must be a mapping'],
    ['broken YAML', 'organization: [\n', 'not valid YAML'],
  ])('%s', async (_what, content, field) => {
    const out = join(await mkdtemp(join(tmpdir(), 'cert-')), 'out');
    const result = await cliInProcess('certify', 'cri', '--product', await productFile(content), '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(field);
    await expect(readdir(out)).rejects.toThrow(); // nothing ran, nothing written
  });

  it('a missing product file', async () => {
    const result = await cliInProcess('certify', 'cri', '--product', '/nonexistent/product.yaml');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--product /nonexistent/product.yaml: cannot read the file');
  });
});

describe('certify: real runs against the embedded CRI reference', () => {
  it('a conformant target gives success and a complete folder', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'cert-')), 'acme');
    const cli = await runConformal(['certify', 'cri', '--product', goodProduct, '--out', out, '--quiet']);
    expect(cli.code, cli.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['README.md', 'build-log.txt', 'conformance-report.yaml', 'junit_01.xml', 'product.yaml', 'report.html', 'results.json', 'run']);
    const report = parse(await readFile(join(out, 'conformance-report.yaml'), 'utf8'));
    expect(report.profiles.map((p: { name: string; core: { result: string } }) => [p.name, p.core.result])).toEqual([['runtime', 'success']]);
    expect(report.implementation).toMatchObject({ organization: 'Example Storage Inc.', version: 'v1.4.0', contact: ['csi-maintainers@example.com'] });
    expect(await readFile(join(out, 'product.yaml'), 'utf8')).toBe(await readFile(goodProduct, 'utf8'));
    expect(await readFile(join(out, 'junit_01.xml'), 'utf8')).toBe(await readFile(join(out, 'run', 'artifacts', 'junit_01.xml'), 'utf8'));
    const readmeText = await readFile(join(out, 'README.md'), 'utf8');
    // Run from this checkout, not from a registry package: no `npx conformal@…` that nobody could run.
    expect(readmeText).toContain('node conformal/bin/conformal.js certify cri --product product.yaml --quiet');
    expect(readmeText).not.toContain('npx conformal@');
    expect(report.harness.origin).toMatchObject({ kind: 'checkout', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(cli.stdout).toContain('profile runtime: core success');
  }, 240_000);

  it('a faulty target gives failure, names the failed tests and exits 1', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'cert-')), 'faulty');
    const cli = await runConformal(['certify', 'cri', '--product', goodProduct, '--out', out, '--quiet', '--reference-fault', 'exec-sync-loses-exit-code']);
    expect(cli.code, cli.stderr).toBe(1);
    const run = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    const failed = run.results.filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const report = parse(await readFile(join(out, 'conformance-report.yaml'), 'utf8'));
    type Level = { result: string; failedTests: string[] };
    const failedIds = report.profiles.flatMap((p: { core: Level; extended: Level }) => [...p.core.failedTests, ...p.extended.failedTests]);
    expect(failedIds.sort()).toEqual(failed.map((r) => r.id).sort());
    expect(report.profiles.some((p: { core: Level }) => p.core.result === 'failure')).toBe(true);
    expect(await readFile(join(out, 'README.md'), 'utf8')).toContain('**failure**');
  }, 240_000);
});
