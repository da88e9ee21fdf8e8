// The install root that makes `npm ci` put a packed conformal tarball and exactly the dependency
// tree of its npm-shrinkwrap.json in place. npm honours a dependency's shrinkwrap only when the
// registry says it has one, so a tarball installed from a file would otherwise get whatever
// versions the registry lists that day (the image build met a registry that listed a version it
// could not serve).

/** The parts of a lockfile (v2/v3) this reads and writes. */
export interface Lockfile {
  readonly name?: string;
  readonly version?: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

export interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly license?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly bin?: unknown;
  readonly engines?: unknown;
}

export interface TarballInstallRoot {
  /** package.json of the install root: one dependency, the tarball. */
  readonly manifest: { readonly name: string; readonly private: true; readonly dependencies: Record<string, string> };
  /** package-lock.json of the install root, for `npm ci --omit=dev`. */
  readonly lockfile: Lockfile;
}

export class ShrinkwrapError extends Error {
  readonly code = 'SHRINKWRAP_MISMATCH';
}

/**
 * The package's locked tree moved under an install root that depends on the tarball `file` (a
 * name relative to that root, e.g. `conformal-0.1.0.tgz`) with npm's `integrity` of it. The
 * shrinkwrap's production packages keep their paths (`node_modules/x`): the package itself now
 * sits at `node_modules/<name>`, so every require from it resolves to the same files as in the
 * tree npm locked. Development-only packages are left out.
 */
export function tarballInstallRoot(shrinkwrap: Lockfile, manifest: PackageManifest, file: string, integrity: string): TarballInstallRoot {
  const { packages } = shrinkwrap;
  const lockedRoot = packages[''];
  if (!lockedRoot || lockedRoot.version !== manifest.version) {
    throw new ShrinkwrapError(`npm-shrinkwrap.json is for ${String(lockedRoot?.version)}, the package is ${manifest.version}`);
  }
  const own = `node_modules/${manifest.name}`;
  if (packages[own]) throw new ShrinkwrapError(`npm-shrinkwrap.json already places a package at ${own}`);
  const spec = `file:${file}`;
  const production = Object.entries(packages).filter(([path, entry]) => path !== '' && !entry.dev);
  return {
    manifest: { name: `${manifest.name}-install`, private: true, dependencies: { [manifest.name]: spec } },
    lockfile: {
      name: `${manifest.name}-install`,
      lockfileVersion: shrinkwrap.lockfileVersion,
      requires: true,
      packages: {
        '': { name: `${manifest.name}-install`, dependencies: { [manifest.name]: spec } },
        [own]: {
          version: manifest.version,
          resolved: spec,
          integrity,
          ...(manifest.license ? { license: manifest.license } : {}),
          ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
          ...(manifest.bin ? { bin: manifest.bin } : {}),
          ...(manifest.engines ? { engines: manifest.engines } : {}),
        },
        ...Object.fromEntries(production),
      },
    },
  };
}
