// Bundles each CNI reference plugin (dist/src/reference/cni/main-*.js) into one CommonJS file,
// dist/cni-ref/<type>.cjs, and the loader its launcher bin/conformal-cni-ref*.cjs starts it with
// (src/reference/cni/launch.ts: a V8 code cache) into dist/cni-ref/launch.cjs. A CNI run starts a
// plugin process for every call (about 150 per `conformal run cni`), so each start counts: one
// CommonJS file skips the ES module loader and the resolution of a dozen modules.
// The resident workers of an embedded run (src/interfaces/cni/resident.ts) load all three plugins
// from dist/cni-ref/worker.cjs, started by dist/cni-ref/worker-boot.cjs with a code cache.
// Runs after tsc in `npm run build`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The table of executables lives in target.ts, compiled by tsc just before this script runs.
const { REFERENCE_EXECUTABLES, REFERENCE_LAUNCH, referenceBundle } = await import('../dist/src/interfaces/cni/target.js');
const { REFERENCE_WORKER, REFERENCE_WORKER_BOOT } = await import('../dist/src/interfaces/cni/resident.js');

const bundle = (entry, outfile) =>
  build({
    entryPoints: [join(root, 'dist/src/reference/cni', entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.19',
    // proper-lockfile's fs: graceful-fs patches fs when loaded (which loads fs streams) to queue
    // opens past EMFILE, which a plugin holding a few files for milliseconds never meets.
    alias: { 'graceful-fs': 'node:fs', assert: join(root, 'scripts/cni-ref-assert.cjs') },
    logLevel: 'warning',
  });

await Promise.all([bundle('launch.js', REFERENCE_LAUNCH), bundle('worker-boot.js', REFERENCE_WORKER_BOOT), bundle('worker.js', REFERENCE_WORKER), ...REFERENCE_EXECUTABLES.map(({ type, entry }) => bundle(entry, referenceBundle(type)))]);

// A code cache must never be used with another bundle's source (V8 checks only its length): the
// cache's file name carries this digest (src/cli/code-cache.ts).
for (const file of [...REFERENCE_EXECUTABLES.map(({ type }) => referenceBundle(type)), REFERENCE_WORKER]) {
  writeFileSync(`${file}.sha256`, `${createHash('sha256').update(readFileSync(file)).digest('hex')}\n`);
}
