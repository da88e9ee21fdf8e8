// The CNI suite through the real CLI against the reference plugin in bridge mode (a config given with
// --net-config, as for any plugin): the CLI runs inside a "node" namespace this test makes, where the
// bridge and the veth host ends go, never in the machine's own. Every test but the chaining one (a
// single plugin) must pass in both profiles, and the node namespace keeps only the bridge.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import type { RunResult } from '../../../src/core/results.js';
import { embeddedReferenceConfig, REFERENCE_UNSUPPORTED_FIELD } from '../../../src/interfaces/cni/target.js';
import { notPassed, referenceBuilt } from './run-cni.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI === 'true') throw new Error('test/suites/cni/reference-bridge.test.ts needs root for network namespaces (CI runs as root)');

const ONLY_EXPECTED_SKIP = ['cni.chain.prev-result-passed: skipped (profile chain not claimed: the target lacks chain)'];
const BRIDGE = 'cnfbr0';

describe.runIf(referenceBuilt() && isRoot)('CNI suite on the reference in bridge mode (CLI inside a node namespace)', () => {
  const node = `conformal-cninet-${randomBytes(3).toString('hex')}-node`;
  const work = mkdtempSync(join(tmpdir(), 'conformal-cninet-suite-'));

  beforeAll(async () => {
    await run('ip', ['netns', 'add', node], { timeout: 10_000 });
    await run('ip', ['-n', node, 'link', 'set', 'lo', 'up'], { timeout: 10_000 });
  });
  afterAll(async () => {
    // Removing the node namespace removes the bridge and any host end left in it.
    await run('ip', ['netns', 'delete', node], { timeout: 10_000 }).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  /** `conformal run cni` with a YAML config (JSON is YAML) naming the bridge-mode conflist; its results.json. */
  async function runSuite(profile: 'strict' | 'compatible'): Promise<RunResult> {
    const dir = join(work, profile);
    const reference = embeddedReferenceConfig(dir, undefined);
    const [plugin] = reference.config.plugins as Array<Record<string, unknown>>;
    const netConfig = join(dir, 'bridge.conflist');
    writeFileSync(netConfig, JSON.stringify({ ...reference.config, name: 'cninet', plugins: [{ ...plugin, mode: 'bridge', bridge: BRIDGE }] }));
    const config = join(dir, 'run.yaml');
    writeFileSync(config, JSON.stringify({ cni: { netConfig, cniPath: [reference.cniPath], profile, unsupportedField: REFERENCE_UNSUPPORTED_FIELD } }));
    const reportDir = join(dir, 'report');
    const argv = ['netns', 'exec', node, process.execPath, packagePath('bin/conformal.js'), 'run', 'cni', '--config', config, '--report-dir', reportDir];
    const outcome = await run('ip', argv, { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout?: string; stderr?: string }) => error);
    const result = JSON.parse(readFileSync(join(reportDir, 'artifacts', 'results.json'), 'utf8')) as RunResult;
    expect(notPassed(result), `${outcome.stdout ?? ''}${outcome.stderr ?? ''}`.slice(-4000)).toEqual(ONLY_EXPECTED_SKIP);
    return result;
  }

  for (const profile of ['strict', 'compatible'] as const) {
    it(`passes every test in profile ${profile}, leaving only the bridge in the node namespace`, async () => {
      const result = await runSuite(profile);
      expect(result.implementation.details?.namespaces).toBe('real');
      expect(result.leaks).toEqual([]);
      expect(result.warnings).toEqual([]);
      const links = JSON.parse((await run('ip', ['-j', '-n', node, 'link', 'show'], { timeout: 10_000 })).stdout) as Array<{ ifname: string }>;
      expect(links.map((l) => l.ifname).sort()).toEqual([BRIDGE, 'lo']);
    }, 200_000);
  }
});
