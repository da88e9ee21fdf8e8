// `npm test` builds only when dist/ is older than the sources: `npm ci` already built through
// `prepare`, so building again in `npm test` doubled its start. The stamp is the last file the
// build writes (dist/build-complete, after every bundle); any source file newer than it, or no stamp, means rebuild.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Inputs of `npm run build`, relative to the package root. */
export const BUILD_INPUTS = ['src', 'suites', 'reporters', 'bench', 'scripts/compile-protos.mjs', 'scripts/bundle-cli.mjs', 'scripts/bundle-cni-ref.mjs', 'tsconfig.json', 'package.json'];
export const BUILD_STAMP = 'dist/build-complete';

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs; // a deleted source file changes its directory's mtime
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The first input newer than the stamp ("no build" without one), or undefined when dist/ is current. */
export function staleBecause(root) {
  const stamp = join(root, BUILD_STAMP);
  if (!existsSync(stamp)) return `no build (${BUILD_STAMP} missing)`;
  const built = statSync(stamp).mtimeMs;
  return BUILD_INPUTS.find((input) => newestMtime(join(root, input)) > built);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const why = staleBecause(root);
  if (why === undefined) {
    console.log('build is current (dist/ is newer than every source): not rebuilding');
  } else {
    console.log(`building: ${why.startsWith('no build') ? why : `${why} changed since the last build`}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
    process.exit(result.status ?? 1);
  }
}
