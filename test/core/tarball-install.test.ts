import { describe, expect, it } from 'vitest';
import { ShrinkwrapError, tarballInstallRoot, type Lockfile } from '../../src/core/tarball-install.js';

const shrinkwrap: Lockfile = {
  name: 'conformal',
  version: '1.2.3',
  lockfileVersion: 3,
  packages: {
    '': { name: 'conformal', version: '1.2.3', dependencies: { yaml: '2.9.1' }, devDependencies: { vitest: '4.1.12' } },
    'node_modules/yaml': { version: '2.9.1', resolved: 'https://registry.npmjs.org/yaml/-/yaml-2.9.1.tgz', integrity: 'sha512-y' },
    'node_modules/vitest': { version: '4.1.12', dev: true },
    'node_modules/a/node_modules/b': { version: '1.0.0', optional: true },
  },
};
const manifest = { name: 'conformal', version: '1.2.3', license: 'Apache-2.0', dependencies: { yaml: '2.9.1' }, bin: { conformal: 'bin/conformal.js' } };

describe('tarballInstallRoot', () => {
  it('locks the tarball at node_modules/<name> and keeps the production tree at its paths', () => {
    const { manifest: root, lockfile } = tarballInstallRoot(shrinkwrap, manifest, 'conformal-1.2.3.tgz', 'sha512-t');
    expect(root.dependencies).toEqual({ conformal: 'file:conformal-1.2.3.tgz' });
    expect(lockfile.packages['']).toEqual({ name: 'conformal-install', dependencies: { conformal: 'file:conformal-1.2.3.tgz' } });
    expect(lockfile.packages['node_modules/conformal']).toMatchObject({ version: '1.2.3', resolved: 'file:conformal-1.2.3.tgz', integrity: 'sha512-t', dependencies: { yaml: '2.9.1' } });
    expect(lockfile.packages['node_modules/yaml']).toEqual(shrinkwrap.packages['node_modules/yaml']);
    expect(lockfile.packages['node_modules/a/node_modules/b']).toEqual({ version: '1.0.0', optional: true });
    expect(lockfile.packages['node_modules/vitest']).toBeUndefined();
    expect(lockfile.lockfileVersion).toBe(3);
  });

  it('refuses a shrinkwrap of another version of the package', () => {
    expect(() => tarballInstallRoot(shrinkwrap, { ...manifest, version: '1.2.4' }, 'c.tgz', 'sha512-t')).toThrow(ShrinkwrapError);
  });
});
