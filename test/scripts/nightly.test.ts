// scripts/nightly.mjs end to end: real suite runs, uploads to a file:// bucket, and the exit code
// is the worst job's (0 passed, 1 tests failed, 3 a job could not run; 2 bad script arguments).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/paths.js';

function nightly(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [packagePath('scripts', 'nightly.mjs'), ...args], { timeout: 240_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function targets(yaml: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'nightly-'));
  const file = join(dir, 'nightly.yaml');
  await writeFile(file, yaml);
  return { dir, file };
}

describe('scripts/nightly.mjs', () => {
  it('runs every job, uploads each build and exits 1 when a job has failing tests', async () => {
    const { dir, file } = await targets(`jobs:
  - job: cri-good
    interface: cri
    args: [--focus, Version]
  - job: cri-faulty
    interface: cri
    args: [--focus, ExecSync, --reference-fault, exec-sync-loses-exit-code]
`);
    const bucket = join(dir, 'bucket', 'logs');
    const result = await nightly(['--targets', file, '--work', join(dir, 'work'), '--to', pathToFileURL(bucket).href]);
    expect(result.code, result.stderr).toBe(1);
    for (const [job, passed] of [['cri-good', true], ['cri-faulty', false]] as const) {
      const latest = (await readFile(join(bucket, job, 'latest-build.txt'), 'utf8')).trim();
      expect(latest).toMatch(/^\d+$/);
      const finished = JSON.parse(await readFile(join(bucket, job, latest, 'finished.json'), 'utf8'));
      expect(finished.passed).toBe(passed);
      expect(await readdir(join(bucket, job, latest, 'artifacts'))).toContain('junit_01.xml');
    }
  }, 240_000);

  it('exits 3 when a target cannot be reached, and still runs the other jobs', async () => {
    const { dir, file } = await targets(`jobs:
  - job: cri-unreachable
    interface: cri
    args: [--runtime-endpoint, unix:///nonexistent/cri.sock, --connect-timeout, 1s]
  - job: cri-good
    interface: cri
    args: [--focus, Version]
`);
    const result = await nightly(['--targets', file, '--work', join(dir, 'work')]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('cri-unreachable: cri exited 3 (could not run)');
    expect(result.stdout).toContain('cri-good: cri exited 0 (passed)');
  }, 240_000);

  it.each([
    ['an unknown interface', 'jobs:\n  - job: x\n    interface: nope\n', 'jobs.0.interface'],
    ['a bad job name', 'jobs:\n  - job: Bad Job\n    interface: cri\n', 'jobs.0.job'],
    ['no jobs', 'jobs: []\n', 'jobs'],
  ])('exits 2 for %s in the targets file', async (_what, yaml, field) => {
    const { file } = await targets(yaml);
    const result = await nightly(['--targets', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(field);
  });

  it('exits 2 for an unusable --to', async () => {
    const result = await nightly(['--to', 's3://bucket']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to s3://bucket');
  });
});
