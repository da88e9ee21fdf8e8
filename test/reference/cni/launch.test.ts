// The reference launchers start their plugin with a V8 code cache per CNI command, kept where the
// CLI keeps its own (CONFORMAL_CODE_CACHE=0 turns it off); the plugin answers the same either way.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import { REFERENCE_EXECUTABLES, REFERENCE_TYPE, referenceBundle } from '../../../src/interfaces/cni/target.js';

const launcher = packagePath(REFERENCE_EXECUTABLES[0].script);
const cacheHome = mkdtempSync(join(tmpdir(), 'conformal-launch-'));
afterAll(() => rmSync(cacheHome, { recursive: true, force: true }));

function version(env: Record<string, string>) {
  const outcome = spawnSync(launcher, [], { env: { PATH: process.env.PATH!, CNI_COMMAND: 'VERSION', XDG_CACHE_HOME: cacheHome, ...env }, input: '', encoding: 'utf8' });
  expect(outcome.status, outcome.stderr).toBe(0);
  return JSON.parse(outcome.stdout) as { supportedVersions: string[] };
}
const caches = () => (existsSync(join(cacheHome, 'conformal/code-cache')) ? readdirSync(join(cacheHome, 'conformal/code-cache')) : []);

describe.runIf(existsSync(referenceBundle(REFERENCE_TYPE)))('reference launcher', () => {
  it('writes no cache when CONFORMAL_CODE_CACHE=0', () => {
    expect(version({ CONFORMAL_CODE_CACHE: '0' }).supportedVersions).toContain('1.1.0');
    expect(caches()).toEqual([]);
  });

  it('keeps one cache per command and answers the same with it', () => {
    const first = version({});
    expect(caches()).toEqual([expect.stringMatching(/^conformal-ref\.cjs-version-[0-9a-f]{8}-[0-9a-f]{16}-.*\.v8cache$/)]);
    expect(version({})).toEqual(first);
    expect(caches()).toHaveLength(1);
  });

  it('starts without node:crypto or node:worker_threads (modules a plugin start would load only to name its cache)', () => {
    // NODE_OPTIONS reaches the plugin's Node: the required script reports the modules it loaded,
    // set against those an empty script loads with the same Node.
    const report = join(cacheHome, 'modules.cjs');
    const empty = join(cacheHome, 'empty.cjs');
    writeFileSync(report, "process.on('exit', () => process.stderr.write('MODULES ' + process.moduleLoadList.join(',')));\n");
    writeFileSync(empty, '');
    const modules = (file: string, args: string[]) => {
      const outcome = spawnSync(file, args, { env: { PATH: process.env.PATH!, CNI_COMMAND: 'VERSION', XDG_CACHE_HOME: cacheHome, NODE_OPTIONS: `--require ${report}` }, input: '', encoding: 'utf8' });
      expect(outcome.status, outcome.stderr).toBe(0);
      return /MODULES (.*)/.exec(outcome.stderr)?.[1]?.split(',') ?? [];
    };
    const bare = new Set(modules(process.execPath, [empty]));
    const loaded = modules(launcher, []).filter((name) => !bare.has(name));
    expect(loaded).toContain('NativeModule vm');
    expect(loaded.filter((name) => /crypto|worker/.test(name))).toEqual([]);
  });
});
