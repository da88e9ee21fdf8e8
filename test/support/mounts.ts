// Mounts that real runtimes and tools (containerd, critest) leave below a test's temp dir: they
// must go before the dir can be removed (else EBUSY).
import { execFile as execFileCb } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);

/** Unmounts every mount point below `dir`, deepest first, lazily (a busy mount goes too). */
export async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter((path) => path.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const path of mounts) await execFile('umount', ['-l', path]).catch(() => undefined);
}
