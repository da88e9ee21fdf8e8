// End to end through the real CLI (dist/ must be built: `npx tsc -p .`).
import { execFile as execFileCb, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CriClient } from '../../../src/interfaces/cri/client.js';
import { packageRoot } from '../../../src/core/paths.js';

const execFile = promisify(execFileCb);
const cli = join(packageRoot(), 'bin', 'conformal.js');

async function conformal(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFile(process.execPath, [cli, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('conformal CLI for CRI', () => {
  it('run cri against the embedded reference passes (exit 0)', async () => {
    const result = await conformal(['run', 'cri', '--focus', 'cri\\.(sandbox|container)\\.']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/conformal-reference/);
  }, 120_000);

  it('an unreachable runtime exits 3', async () => {
    const result = await conformal(['run', 'cri', '--runtime-endpoint', 'unix:///nonexistent/conformal-cri.sock', '--connect-timeout', '1s']);
    expect(result.code, result.stdout + result.stderr).toBe(3);
  }, 60_000);

  it('a bad fault name exits 2 naming the flag', async () => {
    const result = await conformal(['run', 'cri', '--reference-fault', 'bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr + result.stdout).toMatch(/--reference-fault/);
  }, 60_000);

  it('bench cri prints p50/p90/p99 for every lifecycle RPC', async () => {
    const result = await conformal(['bench', 'cri', '--iterations', '3', '--output', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { operations: Array<{ operation: string; count: number; p50: number; p90: number; p99: number }> };
    const operations = report.operations.map((o) => o.operation);
    for (const rpc of ['RunPodSandbox', 'CreateContainer', 'StartContainer', 'ExecSync', 'StopContainer', 'RemoveContainer', 'StopPodSandbox', 'RemovePodSandbox', 'PullImage']) expect(operations).toContain(rpc);
    for (const o of report.operations) {
      expect(o.count).toBe(3);
      expect(o.p50).toBeLessThanOrEqual(o.p90);
      expect(o.p90).toBeLessThanOrEqual(o.p99);
    }
  }, 60_000);

  it('bench refuses a bad iteration count naming the flag', async () => {
    const result = await conformal(['bench', 'cri', '--iterations', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr + result.stdout).toMatch(/--iterations/);
  }, 60_000);

  it('reference cri serves a runtime that a client can use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cri-serve-'));
    const endpoint = `unix://${join(dir, 'cri.sock')}`;
    const child = spawn(process.execPath, [cli, 'reference', 'cri', '--endpoint', endpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('reference did not start')), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('serving')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const client = new CriClient({ runtimeEndpoint: endpoint });
      await client.connect(5000);
      const version = await client.runtime<{ runtimeName: string }>('Version', {}, AbortSignal.timeout(5000));
      expect(version.runtimeName).toBe('conformal-reference');
      client.close();
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
