// Target and staging paths for node tests. By default every test gets fresh temporary directories
// (removed by the ledger), so one failed cleanup never breaks the next test the way csi-sanity's
// shared mkdir did. Drivers running elsewhere (in a pod) get user commands, run as argv arrays.
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, mkdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConformanceError } from '../../core/errors.js';
import type { Ledger } from '../../core/ledger.js';

const run = promisify(execFile);

export type PathKind = 'file' | 'directory' | 'not_found' | 'other';

export interface PathCommands {
  readonly baseDir: string;
  readonly createTargetPathCmd?: readonly string[] | undefined;
  readonly createStagingPathCmd?: readonly string[] | undefined;
  readonly removeTargetPathCmd?: readonly string[] | undefined;
  readonly removeStagingPathCmd?: readonly string[] | undefined;
  readonly checkPathCmd?: readonly string[] | undefined;
  readonly timeoutMs: number;
}

async function runCommand(argv: readonly string[], path: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
  const [file, ...args] = argv;
  try {
    const { stdout } = await run(file!, [...args, path], { timeout: timeoutMs, signal, encoding: 'utf8' });
    return stdout.trim();
  } catch (error) {
    throw new ConformanceError(`path command ${JSON.stringify([...argv, path])} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Removes a per-test directory: one rmdir when the driver cleaned up after itself, else the whole tree. */
async function removeDirectory(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch {
    // Not empty (the driver left its target behind) or already gone: rm handles both.
    await rm(dir, { recursive: true, force: true });
  }
}

export class TestPaths {
  /** The base directory is made once per run, not once per path. */
  #baseDirMade: Promise<unknown> | undefined;

  constructor(private readonly config: PathCommands) {}

  /**
   * A staging path: an existing directory (the CO creates it, per NodeStageVolume). `name` makes
   * it unique; the ledger removes it.
   */
  async staging(name: string, ledger: Ledger, signal: AbortSignal, minBytes = 0): Promise<string> {
    return this.make('staging', name, ledger, signal, this.config.createStagingPathCmd, this.config.removeStagingPathCmd, minBytes);
  }

  /** A target path: its parent exists, the path itself does not (creating it is the SP's job). */
  async target(name: string, ledger: Ledger, signal: AbortSignal, minBytes = 0): Promise<string> {
    return this.make('target', name, ledger, signal, this.config.createTargetPathCmd, this.config.removeTargetPathCmd, minBytes);
  }

  private async make(
    kind: 'staging' | 'target',
    name: string,
    ledger: Ledger,
    signal: AbortSignal,
    create: readonly string[] | undefined,
    remove: readonly string[] | undefined,
    minBytes: number,
  ): Promise<string> {
    const { baseDir, timeoutMs } = this.config;
    // Padding that makes a path at least minBytes long (the spec's path-length minimum is tested this way).
    const padding = (path: string) => 'p'.repeat(Math.max(0, minBytes - Buffer.byteLength(path)));
    if (create) {
      const plain = join(baseDir, `${kind}-${name}`);
      const suggested = `${plain}${padding(plain)}`;
      const path = (await runCommand(create, suggested, timeoutMs, signal)) || suggested;
      if (remove) ledger.add(`${kind} path ${path}`, (undoSignal) => runCommand(remove, path, timeoutMs, undoSignal).then(() => undefined));
      return path;
    }
    this.#baseDirMade ??= mkdir(baseDir, { recursive: true }).catch((error: unknown) => {
      this.#baseDirMade = undefined; // let the next test try again
      throw error;
    });
    await this.#baseDirMade;
    const dir = await mkdtemp(join(baseDir, `${kind}-`));
    ledger.add(`${kind} directory ${dir}`, () => removeDirectory(dir));
    const path = kind === 'staging' ? dir : join(dir, 'target');
    const pad = padding(path);
    if (pad === '') return path;
    const padded = join(dir, pad);
    await mkdir(padded);
    return kind === 'staging' ? padded : join(padded, 'target');
  }

  /** What is at `path`: asked from checkPathCmd when given, else looked up locally. */
  async check(path: string, signal: AbortSignal): Promise<PathKind> {
    if (this.config.checkPathCmd) {
      const answer = await runCommand(this.config.checkPathCmd, path, this.config.timeoutMs, signal);
      if (answer === 'file' || answer === 'directory' || answer === 'not_found' || answer === 'other') return answer;
      throw new ConformanceError(`check path command printed "${answer}", expected file, directory, not_found or other`);
    }
    try {
      const stat = await lstat(path);
      return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'not_found';
      throw error;
    }
  }
}
