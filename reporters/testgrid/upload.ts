// Uploads one local build in the order testgrid expects: started.json first (the build appears as
// running), then every artifact, finished.json last (the build is complete only once all its
// results are there), then <job>/latest-build.txt, which is never moved backwards.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import { isBuildId, isNewerBuild, readLatestBuild } from './build-dir.js';
import type { Destination } from './destination.js';

export interface LocalBuild {
  readonly buildDir: string;
  readonly buildId: string;
}

const exists = (path: string) => stat(path).then(() => true, () => false);

/**
 * DIR may be a build dir (it holds started.json; its id is its numeric name, else `buildId`, else
 * started.json's timestamp) or a job dir (it holds latest-build.txt naming the build to upload).
 */
export async function resolveLocalBuild(dir: string, buildId?: string): Promise<LocalBuild> {
  if (buildId !== undefined && !isBuildId(buildId)) throw new UsageError(`--build ${buildId}: must be a decimal number`, { field: '--build' });
  if (await exists(join(dir, 'started.json'))) {
    if (buildId) return { buildDir: dir, buildId };
    if (isBuildId(basename(dir))) return { buildDir: dir, buildId: basename(dir) };
    const started = JSON.parse(await readFile(join(dir, 'started.json'), 'utf8')) as { timestamp?: unknown };
    if (typeof started.timestamp !== 'number') throw new UsageError(`${dir}/started.json has no numeric timestamp; pass --build <id>`, { field: '--build' });
    return { buildDir: dir, buildId: String(started.timestamp) };
  }
  const latest = await readLatestBuild(dir);
  if (latest !== undefined) {
    const buildDir = join(dir, buildId ?? latest);
    if (!(await exists(join(buildDir, 'started.json')))) throw new UsageError(`${buildDir} has no started.json`, { field: 'DIR' });
    return { buildDir, buildId: buildId ?? latest };
  }
  throw new UsageError(`${dir} is neither a build dir (started.json) nor a job dir (latest-build.txt)`, { field: 'DIR' });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** started.json first, finished.json last, everything else in between in a stable order. */
export function uploadOrder(files: readonly string[]): string[] {
  const rank = (file: string) => (file === 'started.json' ? 0 : file === 'finished.json' ? 2 : 1);
  return [...files].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

const contentTypes: Record<string, string> = {
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.yaml': 'application/yaml',
};

export function contentTypeOf(file: string): string {
  return contentTypes[extname(file)] ?? 'application/octet-stream';
}

export interface UploadReport {
  readonly buildId: string;
  /** Object paths relative to the job, in the order they were written. */
  readonly uploaded: string[];
  readonly latestBuildUpdated: boolean;
  readonly finished: boolean;
}

export async function uploadBuild(build: LocalBuild, destination: Destination, log: (line: string) => void = () => {}): Promise<UploadReport> {
  const files = uploadOrder(await listFiles(build.buildDir));
  const uploaded: string[] = [];
  for (const file of files) {
    const path = `${build.buildId}/${file}`;
    await destination.put(path, await readFile(join(build.buildDir, file)), contentTypeOf(file));
    uploaded.push(path);
    log(`uploaded ${destination.url}/${path}`);
  }
  const finished = files.includes('finished.json');
  if (!finished) log(`warning: ${build.buildDir} has no finished.json; testgrid will show build ${build.buildId} as running`);
  const remoteLatest = (await destination.get('latest-build.txt'))?.trim();
  const latestBuildUpdated = isNewerBuild(build.buildId, remoteLatest && isBuildId(remoteLatest) ? remoteLatest : undefined);
  if (latestBuildUpdated) {
    await destination.put('latest-build.txt', Buffer.from(build.buildId), 'text/plain; charset=utf-8');
    uploaded.push('latest-build.txt');
    log(`uploaded ${destination.url}/latest-build.txt -> ${build.buildId}`);
  }
  return { buildId: build.buildId, uploaded, latestBuildUpdated, finished };
}
