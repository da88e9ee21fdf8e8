// Stack frames of the CLI bundle (dist/cli.cjs:52057:17) name no file a vendor can open. The build
// writes dist/cli.cjs.map (chained through tsc's maps to the TypeScript sources); this maps a
// bundle position back to `<package>/suites/csi/controller/create-volume.ts:40:11`. The map is read only
// when a failure is described, never at start-up.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let loaded: { bundle: string; map: SourceMap | undefined } | undefined;

function loadMap(bundle: string): SourceMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  } catch {
    return undefined; // no map (a build without one): frames stay as bundle positions
  }
}

/** `<root>/dist/cli.cjs:52057:17` → the absolute original `<file>:<line>:<column>`; undefined for other locations or without a map. */
export function bundleOrigin(root: string, location: string): string | undefined {
  const bundle = join(root, 'dist', 'cli.cjs');
  const position = location.startsWith(`${bundle}:`) ? /:(\d+):(\d+)$/.exec(location) : null;
  if (!position) return undefined;
  if (loaded?.bundle !== bundle) loaded = { bundle, map: loadMap(bundle) };
  const entry = loaded.map?.findEntry(Number(position[1]) - 1, Number(position[2]) - 1);
  if (!entry || !('originalSource' in entry) || !entry.originalSource) return undefined;
  const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(bundle), entry.originalSource);
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}
