// Runs the real CLI (bin/conformal.js → dist/, built by `npm test`'s tsc step) as a child process
// with an argv array, as users and CI do.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { packagePath } from '../../../src/core/paths.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runConformal(args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  const launcher = packagePath('bin', 'conformal.js');
  if (!existsSync(packagePath('dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npx tsc -p .` (npm test does) before the end-to-end tests');
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], { timeout: options.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env, cwd: options.cwd }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
