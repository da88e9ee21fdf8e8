// Each interface's reference, in its default configuration, reaches core success in every profile
// it claims, through the real CLI: the proof that the core tests are right and mandatory-able.
// Also the standalone `conformal reference csi` run against with default flags, as a vendor would.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/core/results.js';
import { conformal, spawnConformal } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'conformal-profiles-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'artifacts', 'results.json'), 'utf8')) as RunResult;

/** Every claimed profile's core result is success and no extended test failed. */
function expectCoreSuccess(result: RunResult, stdout: string): void {
  const claimed = (result.profiles ?? []).filter((p) => p.claimed);
  expect(claimed.length).toBeGreaterThan(0);
  for (const profile of claimed) {
    expect({ profile: profile.name, core: profile.core!.result, skipped: profile.core!.skippedTests }).toEqual({ profile: profile.name, core: 'success', skipped: [] });
    expect(profile.extended!.failedTests).toEqual([]);
    expect(stdout).toContain(`profile ${profile.name}: core success`);
  }
}

describe('the embedded reference reaches core success in its default configuration', { timeout: 240_000 }, () => {
  for (const iface of ['csi', 'cri', 'cni']) {
    it(`conformal run ${iface}`, async () => {
      const dir = join(work, iface);
      const run = await conformal(['run', iface, '--report-dir', dir], { timeoutMs: 220_000 });
      expect(run.code, run.stdout.slice(-3000) + run.stderr).toBe(0);
      const result = readResult(dir);
      expectCoreSuccess(result, run.stdout);
      const junit = readFileSync(join(dir, 'artifacts', 'junit_01.xml'), 'utf8');
      for (const profile of result.profiles!.filter((p) => p.claimed)) expect(junit).toContain(`<property name="profile.${profile.name}.core" value="success"/>`);
    });
  }
});

describe('conformal reference csi served standalone, run against with default flags', { timeout: 120_000 }, () => {
  const socket = join(work, 'ref.sock');
  const server = spawnConformal(['reference', 'csi', '--endpoint', `unix://${socket}`]);
  afterAll(() => {
    server.kill('SIGTERM');
  });

  it('claims both profiles and reaches core success in each', async () => {
    for (let i = 0; i < 150 && !existsSync(socket); i++) await sleep(100);
    const dir = join(work, 'standalone');
    const run = await conformal(['run', 'csi', '--endpoint', `unix://${socket}`, '--report-dir', dir, '-q'], { timeoutMs: 110_000 });
    expect(run.code, run.stdout.slice(-3000) + run.stderr).toBe(0);
    const result = readResult(dir);
    expect(result.profiles!.map((p) => [p.name, p.claimed])).toEqual([['node', true], ['controller', true]]);
    expectCoreSuccess(result, run.stdout);
  });
});
