// The Sonobuoy plugin contract: results under $SONOBUOY_RESULTS_DIR, JUnit as the only .xml, and a
// `done` file naming the results path, written even when the run cannot start.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/results.js';
import { sonobuoyResultsDir } from '../../../src/cli/commands/sonobuoy-run.js';
import { runConformal } from '../support/run-cli.js';

async function xmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => e.endsWith('.xml')).sort();
}

describe('conformal sonobuoy-run', () => {
  it('finds the results dir the way Sonobuoy passes it', () => {
    expect(sonobuoyResultsDir({ SONOBUOY_RESULTS_DIR: '/a', RESULTS_DIR: '/b' })).toBe('/a');
    expect(sonobuoyResultsDir({ RESULTS_DIR: '/b' })).toBe('/b');
    expect(sonobuoyResultsDir({})).toBe(join(tmpdir(), 'sonobuoy', 'results'));
  });

  it('writes the results, then `done` naming them; exit code follows the run', async () => {
    const results = await mkdtemp(join(tmpdir(), 'sonobuoy-'));
    const cli = await runConformal(['sonobuoy-run', 'cri', '--quiet', '--reference-fault', 'exec-sync-loses-exit-code', '--focus', 'ExecSync'], { env: { ...process.env, SONOBUOY_RESULTS_DIR: results } });
    expect(cli.code, cli.stderr).toBe(1);
    expect(await readFile(join(results, 'done'), 'utf8')).toBe(join(results, 'conformal'));
    expect(await xmlFiles(results)).toEqual([join('conformal', 'artifacts', 'junit_01.xml')]);
    const run = JSON.parse(await readFile(join(results, 'conformal', 'artifacts', 'results.json'), 'utf8')) as RunResult;
    expect(run.summary.failed).toBeGreaterThan(0);
    const junit = await readFile(join(results, 'conformal', 'artifacts', 'junit_01.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml[^>]*>\s*<testsuites/);
  }, 120_000);

  it('still writes `done` when the flags are bad (exit 2)', async () => {
    const results = await mkdtemp(join(tmpdir(), 'sonobuoy-'));
    const cli = await runConformal(['sonobuoy-run', 'cri', '--parallel', '0'], { env: { ...process.env, SONOBUOY_RESULTS_DIR: results } });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--parallel');
    expect(await readFile(join(results, 'done'), 'utf8')).toBe(join(results, 'conformal'));
    // Sonobuoy reads only the JUnit: the refused run is one failing test there, naming the flag.
    const junit = await readFile(join(results, 'conformal', 'artifacts', 'junit_01.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="conformal" tests="1" failures="1"/);
    expect(junit).toContain('<testcase name="[sig-node] [cri] conformal setup: read the settings"');
    expect(junit).toContain('--parallel');
  }, 60_000);

  it('an unreachable target gives a JUnit a JUnit-only reader sees red, then `done` (exit 3)', async () => {
    const results = await mkdtemp(join(tmpdir(), 'sonobuoy-'));
    const cli = await runConformal(['sonobuoy-run', 'csi', '--quiet', '--endpoint', `unix://${join(results, 'no-driver.sock')}`, '--connect-timeout', '1s'], { env: { ...process.env, SONOBUOY_RESULTS_DIR: results } });
    expect(cli.code).toBe(3);
    expect(await readFile(join(results, 'done'), 'utf8')).toBe(join(results, 'conformal'));
    const junit = await readFile(join(results, 'conformal', 'artifacts', 'junit_01.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="conformal" tests="\d+" failures="1"/);
    expect(junit).toContain('<testcase name="[sig-storage] [csi] conformal setup: reach the target"');
    const count = (pattern: RegExp) => junit.match(pattern)?.length ?? 0;
    expect(count(/<testcase /g)).toBe(count(/<failure /g) + count(/<skipped /g)); // no test shown as passed
  }, 60_000);
});
