// `conformal run cni` end to end through the real CLI: the embedded reference passes, bad flags
// are usage errors naming the flag (exit 2), a plugin missing from CNI_PATH is unreachable (exit 3).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import { REFERENCE_TYPE, referenceBundle } from '../../../src/interfaces/cni/target.js';

const run = promisify(execFile);
const cliBuilt = existsSync(packagePath('dist/src/cli/main.js')) && existsSync(referenceBundle(REFERENCE_TYPE));

async function conformal(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [packagePath('bin/conformal.js'), 'run', 'cni', ...args], { timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe.runIf(cliBuilt)('conformal run cni', () => {
  it('passes against the embedded reference and writes results', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'cni-cli-'));
    const { code, output } = await conformal(['--simulated-netns', '--focus', '^cni\\.(version|del)\\.', '--report-dir', reportDir]);
    expect(code, output).toBe(0);
    const result = JSON.parse(readFileSync(join(reportDir, 'artifacts', 'results.json'), 'utf8'));
    expect(result.implementation).toMatchObject({ name: 'conformal-ref', embeddedReference: true });
    expect(result.summary.passed).toBeGreaterThanOrEqual(5);
  }, 130_000);

  it.each([
    [['--profile', 'bogus'], '--profile'],
    [['--plugin-timeout-ms', 'soon'], '--plugin-timeout-ms'],
    [['--reference-fault', 'no-such-fault'], '--reference-fault'],
    [['--net-config', '/nonexistent/net.conflist', '--cni-path', '/tmp'], '--net-config'],
    [['--plugin', '/nonexistent/plugin'], '--plugin'],
  ])('rejects %j with exit 2 naming %s', async (args, flag) => {
    const { code, output } = await conformal(args);
    expect(code, output).toBe(2);
    expect(output).toContain(flag);
  }, 60_000);

  it('reports a plugin missing from CNI_PATH as unreachable (exit 3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cni-cli-'));
    const config = join(dir, 'net.conf');
    writeFileSync(config, JSON.stringify({ cniVersion: '1.0.0', name: 'n', type: 'no-such-plugin' }));
    const { code, output } = await conformal(['--net-config', config, '--cni-path', dir]);
    expect(code, output).toBe(3);
    expect(output).toContain('no-such-plugin');
  }, 60_000);
});
