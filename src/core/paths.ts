// Locating files shipped with the package (protos, fixtures, reference executables) whether the
// code runs from src/ (vitest) or from dist/ (the CLI).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The directory holding conformal's package.json. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot locate the conformal package root');
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** Absolute path of a file in the package source tree, e.g. packagePath('src/interfaces/csi/proto/csi.proto'). */
export function packagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}
