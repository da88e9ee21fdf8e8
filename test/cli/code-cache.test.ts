import { isAscii } from 'node:buffer';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeCacheDir, commandOf, loadWithCodeCache } from '../../src/cli/code-cache.js';
import { packagePath } from '../../src/core/paths.js';
import { conformal } from '../support/cli.js';

/** Every temporary directory of this file, removed after its tests. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

function bundleFile(source: string): { bundle: string; cacheDir: string } {
  const dir = temporaryDir('conformal-code-cache-');
  const bundle = join(dir, 'cli.cjs');
  writeFileSync(bundle, source);
  return { bundle, cacheDir: join(dir, 'cache') };
}

describe('code cache of the bundled CLI', () => {
  it('names the command being run, or "other"', () => {
    expect(commandOf(['run', 'csi', '--parallel', '2'])).toBe('run');
    expect(commandOf(['--quiet', 'list', 'csi'])).toBe('list');
    expect(commandOf(['--help'])).toBe('other');
    expect(commandOf(['../../etc/passwd'])).toBe('other');
  });

  it('lives under XDG_CACHE_HOME and can be turned off', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/conformal/code-cache');
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c', CONFORMAL_CODE_CACHE: '0' })).toBeUndefined();
  });

  it('evaluates the bundle as CommonJS, saves a cache and uses it on the next load', () => {
    const { bundle, cacheDir } = bundleFile('exports.answer = (() => 6 * 7)(); exports.file = __filename; exports.req = typeof require;');
    const first = loadWithCodeCache(bundle, 'run', cacheDir);
    expect(first.exports).toEqual({ answer: 42, file: bundle, req: 'function' });
    expect(first.cacheUsed).toBe(false);
    first.saveCache!();
    const second = loadWithCodeCache(bundle, 'run', cacheDir);
    expect(second.cacheUsed).toBe(true);
    expect(second.saveCache).toBeUndefined();
    expect((second.exports as { answer: number }).answer).toBe(42);
  });

  it('does not use a cache made for another build of the bundle, and drops it', () => {
    const { bundle, cacheDir } = bundleFile('exports.v = 1;');
    loadWithCodeCache(bundle, 'run', cacheDir).saveCache!();
    writeFileSync(bundle, 'exports.v = 22;');
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    const rebuilt = loadWithCodeCache(bundle, 'run', cacheDir);
    expect(rebuilt.cacheUsed).toBe(false);
    expect((rebuilt.exports as { v: number }).v).toBe(22);
    rebuilt.saveCache!();
    expect(readdirSync(cacheDir)).toHaveLength(1);
  });

  it('keeps the cache of the same command of a bundle in another directory (two installs, one cache dir)', () => {
    const cacheDir = join(temporaryDir('conformal-shared-cache-'), 'cache');
    const one = bundleFile('exports.v = 1;').bundle;
    const two = bundleFile('exports.v = 22;').bundle;
    loadWithCodeCache(one, 'run', cacheDir).saveCache!();
    loadWithCodeCache(two, 'run', cacheDir).saveCache!();
    expect(readdirSync(cacheDir)).toHaveLength(2);
    expect(loadWithCodeCache(one, 'run', cacheDir).cacheUsed).toBe(true);
    expect(loadWithCodeCache(two, 'run', cacheDir).cacheUsed).toBe(true);
  });

  it('does not use the cache of a same-length bundle with the same mtime but another digest', () => {
    // npm packs every file with one fixed mtime, and V8 checks only the source's length.
    const { bundle, cacheDir } = bundleFile('exports.v = 1;');
    writeFileSync(`${bundle}.sha256`, 'a'.repeat(64));
    const when = new Date('1985-10-26T08:15:00Z');
    utimesSync(bundle, when, when);
    loadWithCodeCache(bundle, 'run', cacheDir).saveCache!();
    writeFileSync(bundle, 'exports.v = 2;');
    writeFileSync(`${bundle}.sha256`, 'b'.repeat(64));
    utimesSync(bundle, when, when);
    const other = loadWithCodeCache(bundle, 'run', cacheDir);
    expect(other.cacheUsed).toBe(false);
    expect((other.exports as { v: number }).v).toBe(2);
  });

  it('works without a cache directory', () => {
    const { bundle } = bundleFile('exports.ok = true;');
    const loaded = loadWithCodeCache(bundle, 'run', undefined);
    expect(loaded.exports).toEqual({ ok: true });
    expect(loaded.saveCache).toBeUndefined();
  });

  it('reads a bundle with non-ASCII text as UTF-8, and an ASCII one the same either way', () => {
    const { bundle } = bundleFile('exports.text = "caf\u00e9 \u2192 \u{1F600}"; // \u2014 a comment\n');
    expect(loadWithCodeCache(bundle, 'run', undefined).exports).toEqual({ text: 'caf\u00e9 \u2192 \u{1F600}' });
    const ascii = bundleFile('exports.text = "caf\\u00e9"; // plain\n');
    expect(loadWithCodeCache(ascii.bundle, 'run', undefined).exports).toEqual({ text: 'caf\u00e9' });
  });

  it('the bundles the build writes are ASCII, so they are read without decoding', () => {
    for (const bundle of ['cli.cjs', 'worker.cjs', 'kube-client.cjs']) expect(isAscii(readFileSync(packagePath('dist', bundle))), bundle).toBe(true);
  });

  it('the launcher runs the bundle and writes its cache on the first run of a command', async () => {
    expect(existsSync(packagePath('dist', 'cli.cjs'))).toBe(true);
    const cacheHome = temporaryDir('conformal-xdg-');
    const env = { XDG_CACHE_HOME: cacheHome };
    const first = await conformal(['list', 'csi', '--output', 'json'], { env });
    expect(first.code).toBe(0);
    const files = readdirSync(join(cacheHome, 'conformal', 'code-cache'));
    expect(files).toEqual([expect.stringMatching(/^cli\.cjs-list-[0-9a-f]{8}-[0-9a-f]{16}-\d+-\d+-v\d+\.\d+\.\d+-\w+\.v8cache$/)]);
    const second = await conformal(['list', 'csi', '--output', 'json'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it.each([
    ['under /proc, where Node\'s recursive mkdir never returns', '/proc/conformal-no-such-dir'],
    ['under a regular file', join(packagePath('package.json'), 'cache')],
  ])('the launcher runs with an unwritable cache home (%s), only without a cache', async (_what, cacheHome) => {
    const run = await conformal(['list', 'csi', '--output', 'json'], { env: { XDG_CACHE_HOME: cacheHome }, timeoutMs: 20_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).interface).toBe('csi');
  });
});
