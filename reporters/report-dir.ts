// A report dir holds exactly one build: a second run into it would leave the first run's files
// (an old junit_02.xml beside the new junit_01.xml) for upload and testgrid to mix into one build.
// So a non-empty dir is refused before the run, unless the user asks for it to be replaced.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../src/core/errors.js';

/** Files only a conformal build has: replacing a dir holding none of them could delete a user's own files. */
const BUILD_MARKERS = ['started.json', 'finished.json', 'artifacts'];

async function entriesOf(dir: string, flag: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new UsageError(`${flag} ${dir}: not a directory`, { field: flag, cause: error });
    throw error;
  }
}

/**
 * Makes sure `dir` holds no earlier build: absent or empty is fine; otherwise, with `replace`, a
 * previous conformal build in it is removed (the dir itself stays), else a UsageError names `flag`.
 */
export async function claimReportDir(dir: string, options: { replace: boolean; flag: string }): Promise<void> {
  const entries = await entriesOf(dir, options.flag);
  if (entries.length === 0) return;
  const shown = entries.sort().slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
  if (!options.replace) {
    throw new UsageError(`${options.flag} ${dir}: already holds files (${shown}); a report dir holds one build, so use a new or empty dir, or pass --replace-report-dir to empty this one first`, { field: options.flag });
  }
  if (!entries.some((entry) => BUILD_MARKERS.includes(entry))) {
    throw new UsageError(`${options.flag} ${dir}: --replace-report-dir empties only a dir holding an earlier conformal build (${BUILD_MARKERS.join(', ')}); this one holds ${shown}`, { field: '--replace-report-dir' });
  }
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}
