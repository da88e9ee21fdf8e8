// Writes the testgrid build layout into a report dir:
//   <job>/latest-build.txt            (only when the build dir is named by a numeric id)
//   <job>/<build>/started.json        (at run start, rewritten at the end with the implementation)
//   <job>/<build>/finished.json       (at the end; its presence marks the build complete)
//   <job>/<build>/build-log.txt       (the human log, without ANSI codes)
//   <job>/<build>/artifacts/junit_01.xml, results.json (written by the core reporters)
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../../src/core/results.js';
import { plainBuildLog } from './build-log.js';
import { isNewerBuild, locateBuild, readLatestBuild } from './build-dir.js';
import { finishedJson, startedJson, type RunStart } from './metadata.js';

/** Write-then-rename, so a reader (or an upload racing the run) never sees half a JSON file. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Called when the run starts, so testgrid shows the build as running. */
export async function writeRunStarted(buildDir: string, start: RunStart): Promise<void> {
  await mkdir(buildDir, { recursive: true });
  await writeFileAtomic(join(buildDir, 'started.json'), json(startedJson(start)));
}

/** Points <job>/latest-build.txt at this build unless a newer build is already recorded. */
export async function updateLatestBuild(buildDir: string): Promise<void> {
  const { jobDir, buildId } = locateBuild(buildDir);
  if (!jobDir || !buildId) return;
  if (isNewerBuild(buildId, await readLatestBuild(jobDir))) await writeFileAtomic(join(jobDir, 'latest-build.txt'), buildId);
}

/** Called once the run is over (in every outcome); finished.json is written last. */
export async function writeTestgridBuild(result: RunResult, buildDir: string, buildLog: string): Promise<void> {
  await mkdir(join(buildDir, 'artifacts'), { recursive: true });
  await writeFileAtomic(join(buildDir, 'started.json'), json(startedJson(result)));
  await writeFileAtomic(join(buildDir, 'build-log.txt'), plainBuildLog(buildLog));
  await writeFileAtomic(join(buildDir, 'finished.json'), json(finishedJson(result)));
  await updateLatestBuild(buildDir);
}

/**
 * For a run that ended without a RunResult (the harness itself threw): marks the build as ended so
 * testgrid shows it failed now instead of RUNNING for 24 hours. Keeps the log when one is given.
 */
export async function writeAbortedBuild(buildDir: string, reason: string, buildLog?: string, finishedAt = new Date()): Promise<void> {
  await mkdir(buildDir, { recursive: true });
  if (buildLog !== undefined) await writeFileAtomic(join(buildDir, 'build-log.txt'), plainBuildLog(buildLog));
  const finished = { timestamp: Math.floor(finishedAt.getTime() / 1000), passed: false, result: 'ABORTED', metadata: { outcome: 'harness-error', error: reason.slice(0, 1000) } };
  await writeFileAtomic(join(buildDir, 'finished.json'), json(finished));
  await updateLatestBuild(buildDir);
}
