#!/usr/bin/env node
// Builds conformal's container image without a daemon or a base image from a registry: the packed
// tarball installed with `npm ci` (exactly the dependency tree of its npm-shrinkwrap.json, fetched
// from the npm registry), the node binary of this machine
// and the shared libraries it links, and bash (scripts/nightly.mjs runs commands through zx). The
// result is an OCI image layout directory that umoci, skopeo and podman read.
//
//   npm pack && node scripts/build-image.mjs --tarball conformal-0.1.0.tgz --out conformal-image
//
// Same layout as deploy/Containerfile: the package at /opt/conformal, node on PATH, reports under
// /results, entrypoint `node /opt/conformal/bin/conformal.js`. It runs as root, as the Job and the
// Sonobuoy plugin do: driver and runtime sockets on the node are root's.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { buildImage, layerOf, tarDirectory } = await import(join(root, 'dist', 'src', 'registry', 'oci-image.js'));
const { writeOciLayout } = await import(join(root, 'dist', 'src', 'registry', 'oci-layout.js'));
const tar = await import('tar');

const { values: flags } = parseArgs({
  options: {
    tarball: { type: 'string' },
    out: { type: 'string' },
    tag: { type: 'string' },
    node: { type: 'string', default: process.execPath },
    bash: { type: 'string', default: '/bin/bash' },
  },
});
for (const name of ['tarball', 'out']) {
  if (!flags[name]) {
    console.error(`--${name} is required (usage: build-image.mjs --tarball conformal-X.tgz --out DIR [--tag T] [--node PATH] [--bash PATH])`);
    process.exit(2);
  }
}

const PREFIX = '/usr/local/lib/conformal'; // npm's install root; /opt/conformal links to the package in it

/** The shared libraries (and the loader) `ldd` names for a binary: none for a static one. */
function sharedLibraries(binary) {
  let out;
  try {
    out = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return []; // "not a dynamic executable"
  }
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}

/** Copies a binary to `target` in the rootfs, and every library it links to the same path there. */
function copyExecutable(rootfs, binary, target) {
  for (const [from, to] of [[binary, target], ...sharedLibraries(binary).map((lib) => [lib, lib])]) {
    mkdirSync(join(rootfs, dirname(to)), { recursive: true });
    copyFileSync(from, join(rootfs, to)); // follows symlinks: the file itself, under the name that is linked
    chmodSync(join(rootfs, to), 0o755);
  }
}

// npm run sets npm_* variables (a local prefix, a package); the install must not inherit them.
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

const tarball = resolve(flags.tarball);
const rootfs = mkdtempSync(join(tmpdir(), 'conformal-image-rootfs-'));
try {
  chmodSync(rootfs, 0o755); // the layer's "./" entry is the image's /
  for (const dir of ['etc', 'tmp', 'results', 'root', 'opt', 'proc', 'sys', 'dev', PREFIX.slice(1)]) mkdirSync(join(rootfs, dir), { recursive: true });
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(join(rootfs, 'etc/hosts'), '127.0.0.1 localhost\n::1 localhost\n');

  // The tarball stays in the image beside what npm installed from it, so the image carries the
  // exact package (and npm records it as file:<name>, not a path of this machine).
  const prefix = join(rootfs, PREFIX);
  copyFileSync(tarball, join(prefix, basename(tarball)));
  // The tarball's own manifest and shrinkwrap say what the install root locks.
  const unpacked = mkdtempSync(join(tmpdir(), 'conformal-image-package-'));
  await tar.x({ file: tarball, cwd: unpacked });
  // The tarball's own script, as deploy/Containerfile runs it.
  execFileSync(process.execPath, [join(unpacked, 'package', 'scripts', 'install-root.mjs'), '--package', join(unpacked, 'package'), '--tarball', join(prefix, basename(tarball)), '--out', prefix], { stdio: 'inherit' });
  rmSync(unpacked, { recursive: true, force: true });
  execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--no-update-notifier'], { cwd: prefix, env: npmEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  const manifest = JSON.parse(readFileSync(join(prefix, 'node_modules', 'conformal', 'package.json'), 'utf8'));
  symlinkSync(`..${PREFIX}/node_modules/conformal`, join(rootfs, 'opt/conformal'));

  copyExecutable(rootfs, flags.node, '/usr/local/bin/node');
  copyExecutable(rootfs, flags.bash, '/bin/bash');

  // What npm checked the tarball against when installing it (`certify` reports the same record).
  const lock = JSON.parse(readFileSync(join(prefix, 'node_modules', '.package-lock.json'), 'utf8'));
  const integrity = lock.packages['node_modules/conformal'].integrity;
  const image = buildImage([layerOf(await tarDirectory(rootfs))], {
    entrypoint: ['node', '/opt/conformal/bin/conformal.js'],
    cmd: ['--help'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
    user: '0:0',
    workingDir: '/results',
    labels: {
      'org.opencontainers.image.title': manifest.name,
      'org.opencontainers.image.version': manifest.version,
      'dev.conformal.package.integrity': integrity,
      'dev.conformal.node.version': execFileSync(flags.node, ['--version'], { encoding: 'utf8' }).trim(),
    },
  });
  const tag = flags.tag ?? manifest.version;
  await writeOciLayout(resolve(flags.out), image, tag);
  console.log(`${resolve(flags.out)}:${tag} ${image.manifest.digest} (conformal ${manifest.version}, package ${integrity})`);
} finally {
  rmSync(rootfs, { recursive: true, force: true });
}
