// Sonobuoy's done-file contract, checked on a plugin's results dir as the worker would find it: the
// worker waits for `done` in $SONOBUOY_RESULTS_DIR, reads the path in it and uploads what is there;
// with `result-format: junit` the aggregator reads the .xml files in it. So `done` must come last,
// name a path inside the results dir that exists, and that path must hold exactly one .xml: the JUnit.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * What breaks the contract in `hostDir`, the host side of the plugin's results dir, mounted in the
 * container at `containerDir`; empty when it holds.
 */
export function doneFileProblems(hostDir: string, containerDir = '/tmp/sonobuoy/results'): string[] {
  const done = join(hostDir, 'done');
  if (!existsSync(done)) return ['no done file'];
  const problems: string[] = [];
  const doneAt = statSync(done).mtimeMs;
  const later = filesUnder(hostDir).filter((file) => file !== 'done' && statSync(join(hostDir, file)).mtimeMs > doneAt);
  if (later.length > 0) problems.push(`written after done: ${later.join(', ')}`);
  const named = readFileSync(done, 'utf8').trim();
  const inside = posix.relative(containerDir, named);
  if (!posix.isAbsolute(named) || inside === '' || inside.startsWith('..')) return [...problems, `done names ${JSON.stringify(named)}, not a path inside ${containerDir}`];
  const target = join(hostDir, inside);
  if (!existsSync(target)) return [...problems, `done names ${named}, which does not exist`];
  const xml = statSync(target).isDirectory() ? filesUnder(target).filter((file) => file.endsWith('.xml')) : target.endsWith('.xml') ? [''] : [];
  if (xml.length !== 1) problems.push(`${named} holds ${xml.length} .xml files (${xml.join(', ')}), not exactly the JUnit`);
  else if (!/<testsuites?[\s>]/.test(readFileSync(join(target, xml[0]!), 'utf8'))) problems.push(`${join(named, xml[0]!)} is not JUnit`);
  return problems;
}

/** The one .xml under the path `done` names (call when doneFileProblems() is empty). */
export function junitNamedByDone(hostDir: string, containerDir = '/tmp/sonobuoy/results'): string {
  const target = join(hostDir, posix.relative(containerDir, readFileSync(join(hostDir, 'done'), 'utf8').trim()));
  return statSync(target).isDirectory() ? join(target, filesUnder(target).find((file) => file.endsWith('.xml'))!) : target;
}
