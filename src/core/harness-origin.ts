// Where the running conformal came from, so a certification can name exactly what ran: a package
// tarball npm installed (with the sha512 integrity npm checked it against when installing), or a
// source checkout at a commit. Nothing is claimed that was not recorded.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { packageRoot } from './paths.js';

/** What `npm run build` records in dist/build-info.json: the commit the code in dist/ was compiled from. */
export interface BuildInfo {
  readonly commit: string;
  /** Tracked files differed from the commit when it was built. */
  readonly modified: boolean;
}

interface OriginBase {
  readonly name: string;
  readonly version: string;
  readonly builtFrom?: BuildInfo;
}

export type HarnessOrigin =
  | (OriginBase & {
      readonly kind: 'package';
      /** npm's Subresource Integrity string of the tarball, `sha512-<base64>`. */
      readonly integrity: string;
      /** A registry URL, or the tarball's file name when it was installed from a file. */
      readonly source: string;
      readonly fromRegistry: boolean;
    })
  | (OriginBase & { readonly kind: 'checkout'; readonly commit: string; readonly modified: boolean })
  | (OriginBase & { readonly kind: 'unknown' });

export const BUILD_INFO_FILE = join('dist', 'build-info.json');

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function buildInfo(root: string): BuildInfo | undefined {
  const info = readJson(join(root, BUILD_INFO_FILE)) as Partial<BuildInfo> | undefined;
  return typeof info?.commit === 'string' ? { commit: info.commit, modified: info.modified === true } : undefined;
}

/**
 * npm's record of the install: the nearest node_modules/.package-lock.json above the package lists
 * it under its path from the install root, with `resolved` and `integrity`.
 */
function installedPackage(root: string): { integrity: string; resolved: string } | undefined {
  for (let dir = dirname(root); dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') continue;
    const lock = readJson(join(dir, '.package-lock.json')) as { packages?: Record<string, { integrity?: string; resolved?: string }> } | undefined;
    const entry = lock?.packages?.[relative(dirname(dir), root).split(sep).join('/')];
    if (entry?.integrity && entry.resolved) return { integrity: entry.integrity, resolved: entry.resolved };
  }
  return undefined;
}

/** Tracked-file state of a git checkout at `root`: undefined when it is not one or git is missing. */
export function gitState(root: string): BuildInfo | undefined {
  if (!existsSync(join(root, '.git'))) return undefined;
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), modified: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return undefined;
  }
}

export function harnessOrigin(root: string = packageRoot()): HarnessOrigin {
  const manifest = readJson(join(root, 'package.json')) as { name?: string; version?: string } | undefined;
  const builtFrom = buildInfo(root);
  const base: OriginBase = { name: manifest?.name ?? 'conformal', version: manifest?.version ?? 'unknown', ...(builtFrom ? { builtFrom } : {}) };
  const installed = installedPackage(root);
  if (installed) {
    const fromRegistry = /^https?:\/\//.test(installed.resolved);
    // A file: tarball's path is the installing machine's; only its name identifies it to others.
    const source = fromRegistry ? installed.resolved : basename(installed.resolved.replace(/^file:/, ''));
    return { ...base, kind: 'package', integrity: installed.integrity, source, fromRegistry };
  }
  const checkout = gitState(root);
  if (checkout) return { ...base, kind: 'checkout', ...checkout };
  return { ...base, kind: 'unknown' };
}
