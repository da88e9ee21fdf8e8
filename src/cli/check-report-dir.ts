// Checks --report-dir before the run starts, so a place the reports cannot go is a usage error
// (exit 2, flag named) instead of a crash or a hang after the tests have run.
import { lstat, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { deadlineSignal, raceSignal } from '../core/deadline.js';
import { UsageError } from '../core/errors.js';

const WHY: Record<string, string> = {
  EROFS: 'it is on a read-only filesystem',
  EACCES: 'permission denied',
  EPERM: 'the filesystem does not allow it',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  // procfs and the like: the parent exists but refuses new entries.
  ENOENT: 'the filesystem does not allow creating files there',
};

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return `${WHY[code] ?? (error as Error).message}${code ? ` (${code})` : ''}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function check(dir: string, flag: string): Promise<void> {
  const fail = (reason: string, cause?: unknown) => new UsageError(`${flag} ${dir}: ${reason}`, { field: flag, cause });
  // Create missing parts one level at a time: Node's recursive mkdir loops forever under /proc.
  const missing: string[] = [];
  let existing = resolve(dir);
  try {
    while (!(await exists(existing))) {
      missing.unshift(existing);
      existing = dirname(existing);
    }
  } catch (error) {
    throw fail(`cannot be created: ${why(error)}`, error);
  }
  const found = await stat(existing).catch((error: unknown) => {
    throw fail(`${existing} cannot be read: ${why(error)}`, error);
  });
  if (!found.isDirectory()) throw fail(existing === resolve(dir) ? 'is a file, not a directory' : `${existing} is a file, not a directory`);
  for (const part of missing) {
    try {
      await mkdir(part);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fail(`cannot be created: ${why(error)}`, error);
    }
  }
  // Writable for real: access(2) says yes to root on read-only mounts and on procfs.
  const probe = join(resolve(dir), `.conformal-write-check-${process.pid}`);
  try {
    await writeFile(probe, '');
  } catch (error) {
    throw fail(`is not writable: ${why(error)}`, error);
  }
  await rm(probe, { force: true });
}

/** Throws a UsageError naming `flag` unless reports can be written into `dir` (created when missing). */
export async function checkReportDir(dir: string, flag = '--report-dir', timeoutMs = 10_000): Promise<void> {
  const deadline = deadlineSignal(timeoutMs, `checking ${flag}`);
  try {
    await raceSignal(check(dir, flag), deadline.signal).catch((error: unknown) => {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`${flag} ${dir}: the filesystem did not answer within ${timeoutMs / 1000} s`, { field: flag, cause: error });
    });
  } finally {
    deadline.dispose();
  }
}
