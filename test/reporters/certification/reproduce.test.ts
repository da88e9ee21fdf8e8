// The Reproduce section names exactly what ran and how to get it, and never offers
// `npx conformal@<version>` for a package that did not come from a registry.
import { describe, expect, it } from 'vitest';
import type { HarnessOrigin } from '../../../src/core/harness-origin.js';
import { reproduceSection, sha512Hex } from '../../../reporters/certification/reproduce.js';
import { sampleRun } from '../support/sample-run.js';

const run = sampleRun({ command: ['certify', 'csi', '--product', '/home/me/p.yaml', '--out', '/tmp/x', '--parallel', '2'] });
const digest = Buffer.alloc(64, 0xab);
const integrity = `sha512-${digest.toString('base64')}`;
const section = (origin: HarnessOrigin) => reproduceSection(run, origin, 'csi implementation').join('\n');
const base = { name: 'conformal', version: '0.1.0' } as const;

describe('Reproduce section', () => {
  it('sha512Hex turns npm\'s integrity into what sha512sum prints', () => {
    expect(sha512Hex(integrity)).toBe('ab'.repeat(64));
    expect(sha512Hex('sha1-abc')).toBeUndefined();
  });

  it('a tarball: its name, digest (both forms), build commit, and an install from that file', () => {
    const text = section({ ...base, kind: 'package', integrity, source: 'conformal-0.1.0.tgz', fromRegistry: false, builtFrom: { commit: 'abc123', modified: false } });
    expect(text).toContain('conformal 0.1.0, installed by npm from the package tarball `conformal-0.1.0.tgz`, built from commit `abc123`.');
    expect(text).toContain(`integrity \`${integrity}\` (sha512 \`${'ab'.repeat(64)}\`)`);
    expect(text).toContain(`sha512sum conformal-0.1.0.tgz   # must print ${'ab'.repeat(64)}`);
    expect(text).toContain('node unpacked/package/scripts/install-root.mjs --package unpacked/package --tarball ./conformal-0.1.0.tgz --out ./conformal-0.1.0');
    expect(text).toContain('(cd ./conformal-0.1.0 && npm ci --omit=dev)');
    expect(text).toContain('./conformal-0.1.0/node_modules/.bin/conformal certify csi --product product.yaml --parallel 2');
    expect(text).toContain('conformal certify csi --product /home/me/p.yaml --out /tmp/x --parallel 2');
    expect(text).not.toContain('npx');
    expect(text).toContain('not published to a registry');
  });

  it('a registry package: installed by name and version', () => {
    const text = section({ ...base, kind: 'package', integrity, source: 'https://registry.npmjs.org/conformal/-/conformal-0.1.0.tgz', fromRegistry: true });
    expect(text).toContain('npm install --prefix ./conformal-0.1.0 conformal@0.1.0');
    expect(text).not.toContain('not published');
  });

  it('a checkout: the commit, no digest, and a warning when tracked files were changed', () => {
    const clean = section({ ...base, kind: 'checkout', commit: 'deadbeef', modified: false });
    expect(clean).toContain('run from a source checkout at commit `deadbeef`.');
    expect(clean).toContain('there is no package digest');
    expect(clean).toContain('git -C conformal checkout deadbeef');
    expect(clean).toContain('node conformal/bin/conformal.js certify csi --product product.yaml --parallel 2');
    expect(clean).not.toContain('uncommitted');
    expect(section({ ...base, kind: 'checkout', commit: 'deadbeef', modified: true })).toContain('with uncommitted changes to tracked files');
  });

  it('an unknown copy: says so, and invents no commit', () => {
    const text = section({ ...base, kind: 'unknown' });
    expect(text).toContain('origin was not recorded');
    expect(text).not.toContain('checkout ');
  });
});
