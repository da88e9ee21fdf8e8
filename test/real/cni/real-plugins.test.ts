// The CNI suite against Debian's real plugins (installed by .ci/setup/50-cni.sh), through the real
// CLI, inside a "host" network namespace this test creates so that bridges, veth host ends and
// iptables rules never touch the machine's own network. Each run must match the documented table
// (expectations.ts = docs/cni/real-plugins.md) exactly: the listed failures fail, the listed skips
// skip, everything else passes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import type { RunResult } from '../../../src/core/results.js';
import { asWarning, deviation } from '../../../src/interfaces/cni/deviations.js';
import { requireTool } from '../../support/real-tools.js';
import { REAL_CASES, type RealCase } from './expectations.js';

const run = promisify(execFile);
const pluginsDir = requireTool('CONFORMAL_CNI_PLUGINS_DIR');
const isRoot = process.getuid?.() === 0;
if (pluginsDir && !isRoot && process.env.CI === 'true') throw new Error('test/real/cni needs root for network namespaces (CI runs as root)');

const testHost = `cnfhost-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'conformal-cni-real-'));

type Fixture = { plugins: Array<{ type: string; ipam?: { dataDir?: string } }> };
const fixture = (c: RealCase) => JSON.parse(readFileSync(packagePath('fixtures/cni', c.fixture), 'utf8')) as Fixture;

/** The fixture with its host-local dataDir moved into this run's scratch directory. */
function materialise(c: RealCase, index: number): string {
  const config = fixture(c);
  for (const plugin of config.plugins) if (plugin.ipam?.dataDir) plugin.ipam.dataDir = join(work, `ipam-${index}`);
  const file = join(work, `${index}-${c.fixture}`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

async function runCase(c: RealCase, index: number): Promise<{ exitCode: number; result: RunResult; output: string }> {
  const reportDir = join(work, `report-${index}`);
  const argv = [
    'netns', 'exec', testHost, process.execPath, packagePath('bin/conformal.js'), 'run', 'cni',
    '--net-config', materialise(c, index), '--cni-path', pluginsDir!, '--profile', c.profile, '--report-dir', reportDir,
    ...(c.capabilityArgs ? ['--capability-args', packagePath('fixtures/cni', c.capabilityArgs)] : []),
  ];
  let exitCode = 0;
  let output = '';
  try {
    const { stdout, stderr } = await run('ip', argv, { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    output = stdout + stderr;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    exitCode = typeof e.code === 'number' ? e.code : -1;
    output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  const result = JSON.parse(readFileSync(join(reportDir, 'artifacts', 'results.json'), 'utf8')) as RunResult;
  return { exitCode, result, output };
}

describe.runIf(pluginsDir && isRoot)('CNI suite against Debian containernetworking-plugins', () => {
  beforeAll(async () => {
    await run('ip', ['netns', 'add', testHost]);
    await run('ip', ['-n', testHost, 'link', 'set', 'lo', 'up']);
  });
  afterAll(async () => {
    // Removing the host namespace also removes the bridges, veth ends and iptables rules in it.
    await run('ip', ['netns', 'delete', testHost]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  REAL_CASES.forEach((c, index) => {
    it(`${c.name}: matches the documented result table`, async () => {
      const { exitCode, result, output } = await runCase(c, index);
      const byStatus = (status: string) => result.results.filter((r) => r.status === status).map((r) => r.id).sort();
      const context = `\n${output.slice(-4000)}`;
      expect(byStatus('failed'), context).toEqual(c.failures.map((f) => f.id).sort());
      expect(byStatus('skipped'), context).toEqual([...c.skipped].sort());
      expect(result.summary.passed).toBe(result.summary.total - c.failures.length - c.skipped.length);
      expect(result.implementation.details?.namespaces).toBe('real');
      expect(result.leaks).toEqual([]);
      expect(exitCode).toBe(c.failures.length > 0 ? 1 : 0);
      // skel behaviours: warnings in the compatible profile (found up front), failures in strict.
      const first = fixture(c).plugins[0]!.type;
      const expectedWarnings = c.profile === 'compatible' ? [deviation.errorWithoutVersion(first), deviation.requiresCniPath(first)].map(asWarning) : [];
      expect(result.warnings).toEqual(expect.arrayContaining(expectedWarnings));
      if (c.profile === 'strict') expect(result.warnings.filter((w) => w.startsWith('compatible profile'))).toEqual([]);
    }, 200_000);
  });
});
