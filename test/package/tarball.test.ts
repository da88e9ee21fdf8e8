// `npm pack` makes a package a third party can install and run: packed from this checkout,
// installed into an empty prefix with the tree its npm-shrinkwrap.json locks (fetched from the
// registry), run from an unrelated
// directory. The certification it writes names that exact tarball by digest.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/paths.js';
import type { RunResult } from '../../src/core/results.js';
import { cleanEnv, exec, installLocked, packTarball, type PackedTarball } from './support/packed.js';

let packed: PackedTarball;
let prefix: string;
let work: string;
const conformal = () => join(prefix, 'node_modules', '.bin', 'conformal');

beforeAll(async () => {
  packed = await packTarball();
  prefix = join(packed.dir, 'prefix');
  work = await mkdtemp(join(tmpdir(), 'conformal-installed-'));
  await installLocked(packed.tarball, prefix);
}, 240_000);

afterAll(async () => {
  await Promise.all([packed && rm(packed.dir, { recursive: true, force: true }), work && rm(work, { recursive: true, force: true })]);
});

describe('npm pack', () => {
  it('holds the built CLI and what it reads at run time, and nothing of the repository\'s development', () => {
    for (const file of ['package.json', 'bin/conformal.js', 'dist/cli.cjs', 'dist/cli.cjs.sha256', 'dist/worker.cjs', 'dist/worker.cjs.sha256', 'dist/src/cli/worker-boot.js', 'dist/build-info.json', 'src/interfaces/csi/proto/csi.proto', 'src/interfaces/cri/proto/api.proto', 'scripts/nightly.mjs', 'scripts/install-root.mjs', 'npm-shrinkwrap.json']) {
      expect(packed.files, file).toContain(file);
    }
    expect(packed.files.filter((f) => /^(test|bench|docs|\.ci)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
  });

  it('installs without the build and test tools', () => {
    expect(existsSync(join(prefix, 'node_modules', 'conformal', 'dist', 'cli.cjs'))).toBe(true);
    for (const tool of ['typescript', 'vitest', 'esbuild']) expect(existsSync(join(prefix, 'node_modules', tool)), tool).toBe(false);
  });
});

describe('the installed package', () => {
  it('runs the CSI suite against its embedded reference from any directory, with its own code cache', async () => {
    const cache = join(work, 'cache');
    const run = await exec([conformal(), 'run', 'csi', '--report-dir', join(work, 'run')], { cwd: work, env: cleanEnv({ XDG_CACHE_HOME: cache }) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/: [1-9]\d* passed, 0 failed/);
    const result = JSON.parse(await readFile(join(work, 'run', 'artifacts', 'results.json'), 'utf8')) as RunResult;
    expect(result.outcome).toBe('completed');
    expect(readdirSync(join(cache, 'conformal', 'code-cache'))).toHaveLength(1);
  }, 120_000);

  it('certify names the tarball that ran by its sha512 and says how to install it', async () => {
    const out = join(work, 'certification');
    const run = await exec([conformal(), 'certify', 'csi', '--product', packagePath('fixtures', 'reports', 'product.yaml'), '--out', out, '--quiet'], { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    const readme = await readFile(join(out, 'README.md'), 'utf8');
    const name = packed.tarball.split('/').pop()!;
    expect(readme).toContain(`installed by npm from the package tarball \`${name}\``);
    expect(readme).toContain(`integrity \`${packed.integrity}\``);
    expect(readme).toContain(`sha512sum ${name}   # must print ${Buffer.from(packed.integrity.slice(7), 'base64').toString('hex')}`);
    expect(readme).toContain(`node unpacked/package/scripts/install-root.mjs --package unpacked/package --tarball ./${name} --out ./conformal-0.1.0`);
    expect(readme).not.toContain('npx conformal@');
    expect(readme).not.toContain(packed.dir); // no path of the machine that installed it
  }, 120_000);
});
