import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';

let version: string | undefined;

/** conformal's own version, from package.json (reported in every result). */
export function harnessVersion(): string {
  version ??= (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  return version;
}
