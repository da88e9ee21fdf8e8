#!/usr/bin/env node
// Thin launcher. `npm run build` (run by `npm ci` through prepare) compiles the TypeScript into
// dist/ and bundles the CLI into dist/cli.cjs, which is loaded with a V8 code cache so a start
// does not parse and compile the same code again (src/cli/code-cache.ts). Without the bundle
// (only tsc was run) the compiled modules are imported directly.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node >= 22.1 also caches the code of modules loaded outside the bundle; a no-op on Node 20.
module.enableCompileCache?.();

async function loadMain() {
  const bundle = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
  if (!existsSync(bundle)) return (await import('../dist/src/cli/main.js')).main;
  const { codeCacheDir, commandOf, loadWithCodeCache } = await import('../dist/src/cli/code-cache.js');
  const loaded = loadWithCodeCache(bundle, commandOf(process.argv.slice(2)), codeCacheDir());
  // Written at exit, so the cache also holds the functions compiled while the command ran.
  if (loaded.saveCache) process.once('exit', loaded.saveCache);
  return loaded.exports.main;
}
const main = await loadMain();

// A reader that goes away (`conformal run csi | head`) must not kill the run before its reports
// are written: output to a closed pipe is dropped instead.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const code = await main(process.argv);
// Let piped output drain first (a write's callback runs after every earlier write is flushed;
// bounded, in case the stream is gone) …
const drained = (stream) => new Promise((resolve) => {
  if (stream.destroyed || !stream.writable) return resolve();
  stream.write('', () => resolve());
  setTimeout(resolve, 2000).unref();
});
await Promise.all([drained(process.stdout), drained(process.stderr)]);
// … then exit explicitly: nothing the target left pending (a connection attempt still retrying,
// a hung call) may keep the process alive once the reports are written.
process.exit(code);
