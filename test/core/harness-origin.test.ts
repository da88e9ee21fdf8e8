// Which conformal ran, found from the files around the package: npm's install record, a git
// checkout, or neither (then nothing is claimed).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { harnessOrigin } from '../../src/core/harness-origin.js';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const INTEGRITY = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;

function packageDir(root: string, buildInfo?: object): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'conformal', version: '9.8.7' }));
  if (buildInfo) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist', 'build-info.json'), JSON.stringify(buildInfo));
  }
  return root;
}

function installed(resolved: string, key = 'node_modules/conformal'): string {
  const prefix = tempDir('origin-prefix-');
  const root = packageDir(join(prefix, ...key.split('/')), { commit: 'c0ffee', modified: false });
  writeFileSync(join(prefix, 'node_modules', '.package-lock.json'), JSON.stringify({ packages: { [key]: { version: '9.8.7', resolved, integrity: INTEGRITY } } }));
  return root;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd, encoding: 'utf8' }).trim();

describe('harnessOrigin', () => {
  it('an npm-installed tarball: npm\'s integrity, the file name only (no local path) and the build commit', () => {
    expect(harnessOrigin(installed('file:../../home/me/conformal-9.8.7.tgz'))).toEqual({
      kind: 'package', name: 'conformal', version: '9.8.7', integrity: INTEGRITY, source: 'conformal-9.8.7.tgz', fromRegistry: false, builtFrom: { commit: 'c0ffee', modified: false },
    });
  });

  it('a package from a registry, also when installed as a dependency of another package', () => {
    const url = 'https://registry.npmjs.org/conformal/-/conformal-9.8.7.tgz';
    expect(harnessOrigin(installed(url, 'node_modules/tool/node_modules/conformal'))).toMatchObject({ kind: 'package', source: url, fromRegistry: true });
  });

  it('a git checkout: the commit, and whether tracked files were changed', () => {
    const root = packageDir(tempDir('origin-checkout-'));
    git(root, 'init', '-q');
    git(root, 'add', 'package.json');
    git(root, 'commit', '-qm', 'x');
    const head = git(root, 'rev-parse', 'HEAD');
    expect(harnessOrigin(root)).toEqual({ kind: 'checkout', name: 'conformal', version: '9.8.7', commit: head, modified: false });
    writeFileSync(join(root, 'untracked.txt'), '');
    expect(harnessOrigin(root)).toMatchObject({ modified: false });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'conformal', version: '9.8.8' }));
    expect(harnessOrigin(root)).toMatchObject({ kind: 'checkout', commit: head, modified: true });
  });

  it('neither: unknown, with no digest or commit invented', () => {
    const root = packageDir(tempDir('origin-copy-'));
    expect(harnessOrigin(root)).toEqual({ kind: 'unknown', name: 'conformal', version: '9.8.7' });
  });
});
