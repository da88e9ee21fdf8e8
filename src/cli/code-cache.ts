// Loads the bundled CLI (dist/cli.cjs, see scripts/bundle-cli.mjs) as a CommonJS module through
// vm.Script with a V8 code cache kept on disk. A cold start otherwise spends a good part of its
// time parsing and compiling the same code every run; Node 20 has no module compile cache of its own.
// The launcher writes the cache at exit, so it also holds the functions compiled while the command ran.
import { isAscii } from 'node:buffer';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import vm from 'node:vm';

/** Where the caches live: $XDG_CACHE_HOME/conformal/code-cache; CONFORMAL_CODE_CACHE=0 turns caching off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CONFORMAL_CODE_CACHE === '0') return undefined;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'conformal', 'code-cache');
}

/** The command being run (`run`, `list`, …): each command gets its own cache, holding the code that command runs. */
export function commandOf(args: readonly string[]): string {
  const named = args.find((arg) => !arg.startsWith('-'));
  return named !== undefined && /^[a-z][a-z-]{0,31}$/.test(named) ? named : 'other';
}

/**
 * A short tag of `text`: 32-bit FNV-1a as 8 hex digits. Not node:crypto, which a reference plugin
 * started for every CNI call would load (some 40 modules, streams included) only for this.
 */
function pathTag(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The start of every cache name of this bundle file and command. It names the bundle's directory
 * (a tag of its path), so conformal installed or checked out in two places, sharing one cache
 * directory, never removes the other's caches (each start would then compile the bundle again).
 */
function cachePrefix(bundle: string, command: string): string {
  return `${basename(bundle)}-${command}-${pathTag(resolve(dirname(bundle)))}-`;
}

/**
 * The cache file for this bundle, Node and command. V8 checks only that the source has the same
 * length, so the name carries the digest the build wrote beside the bundle (cli.cjs.sha256) and the
 * bundle's size and mtime, which also change when the file is edited in place.
 */
export function cacheFileName(bundle: string, command: string): string {
  const { size, mtimeMs } = statSync(bundle);
  let digest = 'nodigest';
  try {
    digest = readFileSync(`${bundle}.sha256`, 'utf8').trim().slice(0, 16);
  } catch {
    // Built without the digest: size and mtime alone.
  }
  return `${cachePrefix(bundle, command)}${digest}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8cache`;
}

/**
 * mkdir -p that gives up on the first directory it cannot make. Node's own recursive mkdirSync never
 * returns for a path under /proc (`XDG_CACHE_HOME=/proc/x`): it retries the ENOENT forever.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const path of missing) mkdirSync(path);
}

function writeCache(dir: string, name: string, data: Buffer, command: string, bundle: string): void {
  try {
    makeDirectories(dir);
    // Older caches of this bundle file and command (another build or Node) are useless now.
    const prefix = cachePrefix(bundle, command);
    for (const old of readdirSync(dir)) if (old.startsWith(prefix) && old !== name) rmSync(join(dir, old), { force: true });
    // Named by process and a random part: worker threads of one process may write caches at the same
    // time. Not worker_threads' threadId: node:worker_threads loads some 25 modules (the streams
    // among them), about 4 ms of CPU in every start of a reference plugin, only for this name.
    const temp = join(dir, `${name}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
    writeFileSync(temp, data);
    renameSync(temp, join(dir, name)); // atomic: a concurrent start reads a whole cache or none
  } catch {
    // A read-only or missing cache directory only costs speed.
  }
}

export interface LoadedBundle {
  readonly exports: unknown;
  /** True when V8 accepted the cache from disk. */
  readonly cacheUsed: boolean;
  /** Writes the cache (set when there was none to use); call it at exit, after the command's code has run. */
  readonly saveCache: (() => void) | undefined;
}

/** Evaluates `bundle` as a CommonJS module, with the code cache of `command` when there is a usable one. */
export function loadWithCodeCache(bundle: string, command: string, dir: string | undefined): LoadedBundle {
  const bytes = readFileSync(bundle);
  // The build makes bundles ASCII (scripts/bundle-cli.mjs): latin1 is then the same text, read without decoding.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const name = dir ? cacheFileName(bundle, command) : undefined;
  let cachedData: Buffer | undefined;
  if (dir && name) {
    try {
      cachedData = readFileSync(join(dir, name));
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    // Packages left out of the bundle are loaded with import() by the main context's loader.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const saveCache = dir && name && !cacheUsed ? () => writeCache(dir, name, script.createCachedData(), command, bundle) : undefined;
  return { exports: module.exports, cacheUsed, saveCache };
}
