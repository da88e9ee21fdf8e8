// A report dir holds one build: claimReportDir refuses a non-empty dir unless told to replace it,
// and replaces only what looks like an earlier conformal build.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { claimReportDir } from '../../reporters/report-dir.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'conformal-report-dir-'));

function earlierBuild(): string {
  const dir = fresh();
  mkdirSync(join(dir, 'artifacts'));
  writeFileSync(join(dir, 'started.json'), '{}');
  writeFileSync(join(dir, 'artifacts', 'junit_02.xml'), '<testsuites/>');
  return dir;
}

describe('claimReportDir', () => {
  it('accepts a dir that does not exist yet or is empty, and creates nothing', async () => {
    const missing = join(fresh(), 'job', '1763730000');
    await claimReportDir(missing, { replace: false, flag: '--report-dir' });
    expect(existsSync(missing)).toBe(false);
    await claimReportDir(fresh(), { replace: false, flag: '--report-dir' });
  });

  it('refuses a dir that holds an earlier build, naming the flag, and leaves it as it was', async () => {
    const dir = earlierBuild();
    const refused = claimReportDir(dir, { replace: false, flag: '--report-dir' });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toMatchObject({ field: '--report-dir', message: expect.stringContaining('already holds files (artifacts, started.json)') });
    expect(readdirSync(dir).sort()).toEqual(['artifacts', 'started.json']);
  });

  it('empties an earlier build when told to replace it, keeping the dir itself', async () => {
    const dir = earlierBuild();
    await claimReportDir(dir, { replace: true, flag: '--report-dir' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never empties a dir that holds no conformal build, even when told to replace', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'thesis.tex'), 'years of work');
    await expect(claimReportDir(dir, { replace: true, flag: '--report-dir' })).rejects.toMatchObject({ field: '--replace-report-dir' });
    expect(readdirSync(dir)).toEqual(['thesis.tex']);
  });

  it('names a path that is a file', async () => {
    const file = join(fresh(), 'out');
    writeFileSync(file, '');
    await expect(claimReportDir(file, { replace: false, flag: '--report-dir' })).rejects.toMatchObject({ field: '--report-dir', message: `--report-dir ${file}: not a directory` });
  });
});
