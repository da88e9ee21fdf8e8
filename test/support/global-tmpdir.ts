// vitest globalSetup: every test file, and every process it starts, gets its temporary files in one
// directory of this test run (TMPDIR), removed when the run ends. A test that forgets its temp dir,
// or a child killed before its own cleanup, then leaves nothing in /tmp: runs on one CI machine had
// left hundreds of directories there. Its name is short: sockets made under it must stay within 108 bytes.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mount points at or under `dir` (from /proc/self/mountinfo; octal escapes such as \040 decoded). */
export function mountsUnder(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((field): field is string => !!field)
    .map((field) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`));
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ctest-'));
  // As /tmp: tests that run something as another user still find their way in.
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    // A removal that crossed a mount left behind would delete what is mounted there: keep the directory and say so.
    const mounts = mountsUnder(dir);
    if (mounts.length > 0) {
      process.stderr.write(`test temp dir ${dir} kept: still mounted there: ${mounts.join(', ')}\n`);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
