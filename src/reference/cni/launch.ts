// Starts a reference plugin from its bundle with a V8 code cache, as the CLI starts itself
// (src/cli/code-cache.ts): a plugin process handles one call, so without a cache every call parses
// and compiles the code it runs again. One cache per CNI command, holding the code that command
// runs; written at exit by a call that found none. CONFORMAL_CODE_CACHE=0 turns it off. A resident
// worker (worker.ts, started by worker-boot.ts) has a cache of its own, named `cache`.
import { codeCacheDir, loadWithCodeCache } from '../../cli/code-cache.js';

/** Runs `bundle` (a dist/cni-ref/<type>.cjs) as this process's plugin. */
export function launch(bundle: string, cache?: string): void {
  const command = (process.env.CNI_COMMAND ?? '').toLowerCase();
  const loaded = loadWithCodeCache(bundle, cache ?? (/^[a-z]{1,16}$/.test(command) ? command : 'other'), codeCacheDir());
  if (loaded.saveCache) process.once('exit', loaded.saveCache);
}
