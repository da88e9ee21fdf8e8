#!/usr/bin/env node
// Writes the package.json and package-lock.json of an install root from which `npm ci --omit=dev`
// installs a packed conformal tarball with exactly the dependency tree of its npm-shrinkwrap.json
// (npm reads a dependency's shrinkwrap only when a registry serves it). Needs only Node: it runs
// from the unpacked tarball before anything is installed (deploy/Containerfile, build-image.mjs).
//
//   tar -xzf conformal-0.1.0.tgz -C /tmp/unpacked
//   node /tmp/unpacked/package/scripts/install-root.mjs --package /tmp/unpacked/package --tarball conformal-0.1.0.tgz --out .
//   npm ci --omit=dev
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({ options: { package: { type: 'string' }, tarball: { type: 'string' }, out: { type: 'string' } } });
for (const name of ['package', 'tarball', 'out']) {
  if (!flags[name]) {
    console.error(`--${name} is required (usage: install-root.mjs --package UNPACKED_DIR --tarball FILE --out DIR)`);
    process.exit(2);
  }
}
const here = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { tarballInstallRoot } = await import(join(here, 'dist', 'src', 'core', 'tarball-install.js'));

const out = resolve(flags.out);
const read = (name) => JSON.parse(readFileSync(join(flags.package, name), 'utf8'));
const tarball = resolve(flags.tarball);
// The dependency is named relative to the install root, so the lock holds no path of this machine.
const file = relative(out, tarball) || basename(tarball);
const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
const root = tarballInstallRoot(read('npm-shrinkwrap.json'), read('package.json'), file, integrity);
writeFileSync(join(out, 'package.json'), `${JSON.stringify(root.manifest, null, 2)}\n`);
writeFileSync(join(out, 'package-lock.json'), `${JSON.stringify(root.lockfile, null, 2)}\n`);
