// --report-dir is checked before the run: a place reports cannot go is a usage error naming the flag.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReportDir } from '../../src/cli/check-report-dir.js';
import { UsageError } from '../../src/core/errors.js';

const work = mkdtempSync(join(tmpdir(), 'conformal-report-dir-check-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function rejection(dir: string): Promise<UsageError> {
  const error = await checkReportDir(dir).then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(UsageError);
  expect((error as UsageError).field).toBe('--report-dir');
  return error as UsageError;
}

describe('checkReportDir', () => {
  it('creates a missing directory (several levels) and leaves nothing else in it', async () => {
    const dir = join(work, 'a', 'b', 'c');
    await checkReportDir(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('accepts an existing writable directory', async () => {
    await expect(checkReportDir(work)).resolves.toBeUndefined();
  });

  it('rejects a file, naming it', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    expect((await rejection(file)).message).toBe(`--report-dir ${file}: is a file, not a directory`);
  });

  it('rejects a path below a file', async () => {
    const file = join(work, 'another-file');
    writeFileSync(file, 'x');
    expect((await rejection(join(file, 'out'))).message).toMatch(/a part of the path is a file, not a directory \(ENOTDIR\)$/);
  });

  it('rejects /proc at once instead of looping in a recursive mkdir', async () => {
    const started = Date.now();
    expect((await rejection('/proc/conformal-out/build')).message).toMatch(/^--report-dir \/proc\/conformal-out\/build: cannot be created: .*\((ENOENT|EACCES|EPERM)\)$/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(existsSync('/proc/conformal-out')).toBe(false);
  });
});
