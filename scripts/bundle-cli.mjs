// Bundles the compiled CLI (dist/src/cli/main.js) into one CommonJS file, dist/cli.cjs, that the
// launcher loads with a V8 code cache (src/cli/code-cache.ts). One file instead of ~300 modules,
// and no parsing or compiling on later starts: `conformal run csi` starts ~0.15 s sooner on Node 20.
// Runs after tsc in `npm run build` (and so in `npm ci` through prepare).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// What every run needs is bundled; packages only some commands load (GCS upload, the Kubernetes
// client, the HTML report, axe) stay in node_modules and are imported when those commands run.
const BUNDLED = new Set(['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'commander', 'zod', 'yaml']);

// The Kubernetes client is hundreds of ES modules; compiling them took ~0.9 s of every Kubernetes-API
// run. It gets a CommonJS bundle of its own, dist/kube-client.cjs, loaded with a V8 code cache like
// the CLI (src/cli/code-cache.ts) and only when a command imports it, so other commands never read it.
const KUBE_CLIENT = '@kubernetes/client-node';
await build({
  entryPoints: [KUBE_CLIENT],
  absWorkingDir: root,
  outfile: join(root, 'dist/kube-client.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  logLevel: 'warning',
});

// Inside the CLI bundle, the client's import becomes: load dist/kube-client.cjs with its code cache.
const kubeClientLoader = {
  name: 'kube-client-loader',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: 'kube-client', namespace: 'kube-client-loader' }));
    build.onLoad({ filter: /.*/, namespace: 'kube-client-loader' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: [
        "const { codeCacheDir, loadWithCodeCache } = require('./dist/src/cli/code-cache.js');",
        "const loaded = loadWithCodeCache(require('node:path').join(__dirname, 'kube-client.cjs'), 'kube-client', codeCacheDir());",
        'if (loaded.saveCache) process.once(\'exit\', loaded.saveCache);',
        'module.exports = loaded.exports;',
      ].join('\n'),
    }));
  },
};

// How the CLI and the worker threads' services are bundled.
const conformalBundle = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  external: Object.keys(dependencies).filter((name) => !BUNDLED.has(name) && name !== KUBE_CLIENT),
  plugins: [kubeClientLoader],
  // Modules locate package files from import.meta.url (src/core/paths.ts walks up to package.json);
  // in the bundle that is the bundle's own URL, which sits in the same package.
  define: { 'import.meta.url': '__conformal_bundle_url' },
  banner: { js: "const __conformal_bundle_url = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};

const outfile = join(root, 'dist/cli.cjs');
await build({
  ...conformalBundle,
  entryPoints: [join(root, 'dist/src/cli/main.js')],
  outfile,
  // dist/cli.cjs.map, not referenced from the bundle (so starting never reads it): failure details
  // map bundle frames back to the test's source file with it (src/core/bundle-source-map.ts).
  sourcemap: 'external',
  sourcesContent: false,
});

// What runs on a worker thread (the embedded API server, src/core/worker-service.ts) gets a bundle of
// its own, dist/worker.cjs, that src/cli/worker-boot.ts loads with a code cache of its own.
// Everything it loads is in it (the server's certificate and schema packages too), so the code cache
// covers all of it.
const workerBundle = join(root, 'dist/worker.cjs');
await build({ ...conformalBundle, entryPoints: [join(root, 'dist/src/cli/worker-main.js')], outfile: workerBundle, external: [] });

// An all-ASCII bundle is read as latin1, which costs about 1 ms where decoding UTF-8 costs about 20
// (src/cli/code-cache.ts), and V8 then keeps its source at one byte a character. esbuild escapes
// every non-ASCII character of the code (charset ascii, its default) but keeps comments as written;
// those characters become '?', one per UTF-16 unit, so every column the source map gives stays right.
for (const bundle of [outfile, workerBundle, join(root, 'dist/kube-client.cjs')]) {
  const text = readFileSync(bundle, 'utf8');
  if (/[^\x00-\x7f]/.test(text)) writeFileSync(bundle, text.replace(/[^\x00-\x7f]/gu, (character) => '?'.repeat(character.length)));
}

// The code cache must never be used with another bundle's source: V8 itself checks only the
// source's length. Its file name carries this digest (npm packs every file with the same mtime).
for (const bundle of [outfile, workerBundle, join(root, 'dist/kube-client.cjs')]) {
  writeFileSync(`${bundle}.sha256`, `${createHash('sha256').update(readFileSync(bundle)).digest('hex')}\n`);
}

// The commit dist/ is compiled from, so a packed tarball can say which source it holds
// (src/core/harness-origin.ts). Not a checkout (or no git): nothing is claimed.
const { BUILD_INFO_FILE, gitState } = await import('../dist/src/core/harness-origin.js');
const built = gitState(root);
if (built) writeFileSync(join(root, BUILD_INFO_FILE), `${JSON.stringify(built)}\n`);
else rmSync(join(root, BUILD_INFO_FILE), { force: true });
