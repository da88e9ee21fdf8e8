// Bundles each CNI reference plugin (dist/src/reference/cni/main-*.js) into one CommonJS file,
// dist/cni-ref/<type>.cjs, that its launcher bin/conformal-cni-ref*.cjs requires. A CNI run starts
// a plugin process for every call (about 180 per `conformal run cni`), so each start counts: one
// CommonJS file skips the ES module loader and the resolution of a dozen modules.
// Runs after tsc in `npm run build`.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The table of executables lives in target.ts, compiled by tsc just before this script runs.
const { REFERENCE_EXECUTABLES, referenceBundle } = await import('../dist/src/interfaces/cni/target.js');

await Promise.all(
  REFERENCE_EXECUTABLES.map(({ type, entry }) =>
    build({
      entryPoints: [join(root, 'dist/src/reference/cni', entry)],
      outfile: referenceBundle(type),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20.19',
      // proper-lockfile's fs: graceful-fs patches fs when loaded (which loads fs streams) to queue
      // opens past EMFILE, which a plugin holding a few files for milliseconds never meets.
      alias: { 'graceful-fs': 'node:fs', assert: join(root, 'scripts/cni-ref-assert.cjs') },
      logLevel: 'warning',
    }),
  ),
);
