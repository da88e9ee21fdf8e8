// The package as a third party gets it: `npm pack` of this checkout, and npm run from a clean
// environment (npm run's npm_* variables would point npm back at this checkout).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../../src/core/paths.js';

export interface Exec {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))),
  ...extra,
});

/** Runs argv (no shell); never rejects: the exit code is part of what a test checks. */
export function exec(argv: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? cleanEnv(), timeout: options.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

export interface PackedTarball {
  readonly dir: string;
  readonly tarball: string;
  readonly files: readonly string[];
  /** `sha512-<base64>` of the tarball, computed here (not taken from npm). */
  readonly integrity: string;
}

/**
 * `npm pack` of this checkout. Scripts are not run: `npm test` has just built dist/ (prepare would
 * build it a second time), so the tarball holds the build under test.
 */
export async function packTarball(): Promise<PackedTarball> {
  if (!existsSync(packagePath('dist', 'cli.cjs'))) throw new Error('dist/ is not built: run `npm run build` first');
  const dir = await mkdtemp(join(tmpdir(), 'conformal-pack-'));
  const packed = await exec(['npm', 'pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: packagePath() });
  if (packed.code !== 0) throw new Error(`npm pack failed (${packed.code}): ${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(dir, info!.filename);
  const integrity = `sha512-${createHash('sha512').update(await readFile(tarball)).digest('base64')}`;
  return { dir, tarball, files: info!.files.map((f) => f.path), integrity };
}

/**
 * Installs a packed tarball into `prefix` as deploy/README.md says: the tarball's install-root.mjs
 * writes an install root locked to its npm-shrinkwrap.json, and `npm ci` fills it.
 */
export async function installLocked(tarball: string, prefix: string): Promise<void> {
  const unpacked = await mkdtemp(join(tmpdir(), 'conformal-unpacked-'));
  try {
    await mkdir(prefix, { recursive: true });
    const steps = [
      ['tar', '-xzf', tarball, '-C', unpacked],
      [process.execPath, join(unpacked, 'package', 'scripts', 'install-root.mjs'), '--package', join(unpacked, 'package'), '--tarball', tarball, '--out', prefix],
      ['npm', 'ci', '--omit=dev', '--no-audit', '--no-fund', '--no-update-notifier'],
    ];
    for (const argv of steps) {
      const step = await exec(argv, { cwd: prefix, timeoutMs: 240_000 });
      if (step.code !== 0) throw new Error(`${argv.slice(0, 2).join(' ')} failed (${step.code}): ${step.stderr}`);
    }
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}
