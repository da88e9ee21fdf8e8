// Where a testgrid build lives on disk. A build dir is <job dir>/<build id>; testgrid sorts builds by
// the natural order of their folder names and Prow's job history parses latest-build.txt as an
// unsigned integer, so build ids are increasing decimal numbers.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface BuildLocation {
  readonly buildDir: string;
  /** The job dir holding latest-build.txt; absent when the build dir is not named by a numeric id. */
  readonly jobDir?: string;
  readonly buildId?: string;
}

const NUMERIC_ID = /^[0-9]+$/;

export function isBuildId(name: string): boolean {
  return NUMERIC_ID.test(name) && name.length < 19; // testgrid treats numbers below 1e18 specially; stay below
}

/** `runs/csi-nightly/1763730000` is a build of job `runs/csi-nightly`; `out/` is a standalone build dir. */
export function locateBuild(buildDir: string): BuildLocation {
  const name = basename(buildDir);
  return isBuildId(name) ? { buildDir, jobDir: dirname(buildDir), buildId: name } : { buildDir };
}

/** Numeric build ids already present in a job dir, ascending. */
export async function existingBuildIds(jobDir: string): Promise<bigint[]> {
  let entries: string[];
  try {
    entries = await readdir(jobDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter(isBuildId).map((id) => BigInt(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The id for a new build: the start time in epoch seconds (so ids from fresh CI machines still
 * increase night after night, as upload_e2e.py does), bumped past any id already in the job dir.
 */
export async function nextBuildId(jobDir: string, startedAt: Date): Promise<string> {
  const fromClock = BigInt(Math.floor(startedAt.getTime() / 1000));
  const ids = await existingBuildIds(jobDir);
  const latest = ids.at(-1);
  return String(latest !== undefined && latest >= fromClock ? latest + 1n : fromClock);
}

/** Creates <jobDir>/<next id> and returns it: what a user who passes a job dir gets. */
export async function allocateBuildDir(jobDir: string, startedAt: Date): Promise<string> {
  const id = await nextBuildId(jobDir, startedAt);
  const buildDir = join(jobDir, id);
  await mkdir(buildDir, { recursive: true });
  return buildDir;
}

/** The build id recorded in <jobDir>/latest-build.txt, if any. */
export async function readLatestBuild(jobDir: string): Promise<string | undefined> {
  try {
    const text = (await readFile(join(jobDir, 'latest-build.txt'), 'utf8')).trim();
    return isBuildId(text) ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** True when `candidate` should replace `current` as the latest build (numeric comparison). */
export function isNewerBuild(candidate: string, current: string | undefined): boolean {
  return current === undefined || BigInt(candidate) >= BigInt(current);
}
