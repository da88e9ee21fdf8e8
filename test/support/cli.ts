// Runs the real CLI (the built bin/conformal.js) as a child process with an argv array.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { packagePath } from '../../src/core/paths.js';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const CLI = packagePath('bin', 'conformal.js');

export function conformal(args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: options.timeoutMs ?? 60_000, env: { ...process.env, ...options.env }, cwd: options.cwd ?? packagePath(), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts the CLI without waiting, for signal tests. */
export function spawnConformal(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: packagePath(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts `conformal reference <name> ...args` and resolves once it says it is serving. */
export async function startReferenceCli(name: string, args: readonly string[], timeoutMs = 30_000): Promise<ChildProcess> {
  const server = spawnConformal(['reference', name, ...args]);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`conformal reference ${name} did not start in ${timeoutMs / 1000} s`)), timeoutMs);
      server.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes(`serving the ${name} reference`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.on('exit', (code) => reject(new Error(`conformal reference ${name} exited with ${code}`)));
    });
  } catch (error) {
    server.kill('SIGTERM');
    throw error;
  }
  return server;
}
