// `npm test` rebuilds only when a build input is newer than the last build's stamp.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { BUILD_STAMP, staleBecause } from '../../scripts/build-if-stale.mjs';

const root = mkdtempSync(join(tmpdir(), 'conformal-build-stale-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, secondsAgo: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  const when = new Date(Date.now() - secondsAgo * 1000);
  for (let path = file; path !== root; path = dirname(path)) utimesSync(path, when, when);
}

describe('staleBecause', () => {
  it('is stale without a build, current after one, stale again when a source changes', () => {
    write('src/core/a.ts', 100);
    write('package.json', 100);
    expect(staleBecause(root)).toMatch(/^no build/);
    write(BUILD_STAMP, 50);
    expect(staleBecause(root)).toBeUndefined();
    write('src/core/a.ts', 10);
    expect(staleBecause(root)).toBe('src');
  });
});
