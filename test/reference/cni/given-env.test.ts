// The reference's launchers start Node without NODE_EXTRA_CA_CERTS (Node 20 parses that file whole
// at every start) and carry its value, so a delegate still gets the environment the runtime gave.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import { CARRIER, givenEnvironment } from '../../../src/reference/cni/given-env.js';
import { REFERENCE_EXECUTABLES, REFERENCE_TYPE, referenceBundle } from '../../../src/interfaces/cni/target.js';

describe('givenEnvironment', () => {
  it('puts NODE_EXTRA_CA_CERTS back and drops the carrier', () => {
    expect(givenEnvironment({ PATH: '/bin', [CARRIER]: '/etc/ca.pem' })).toEqual({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' });
  });

  it('leaves NODE_EXTRA_CA_CERTS unset when the runtime did not set it (the carrier is then empty)', () => {
    expect(givenEnvironment({ PATH: '/bin', [CARRIER]: '' })).toEqual({ PATH: '/bin' });
    expect(givenEnvironment({ PATH: '/bin' })).toEqual({ PATH: '/bin' });
  });
});

describe.runIf(existsSync(referenceBundle(REFERENCE_TYPE)))('the reference launchers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conformal-given-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Node warns on stderr at start when NODE_EXTRA_CA_CERTS names a file it cannot read.
  const MISSING_CA = join(dir, 'missing-ca.pem');
  const run = (file: string, env: Record<string, string>, input = '') =>
    spawnSync(file, [], { env: { PATH: process.env.PATH!, NODE_EXTRA_CA_CERTS: MISSING_CA, ...env }, input, encoding: 'utf8' });

  it.each(REFERENCE_EXECUTABLES.map((e) => e.script))('%s starts Node without NODE_EXTRA_CA_CERTS', (script) => {
    const outcome = run(packagePath(script), { CNI_COMMAND: 'VERSION' });
    expect(outcome.status).toBe(0);
    expect(outcome.stderr).toBe('');
    expect(JSON.parse(outcome.stdout).supportedVersions).toContain('1.1.0');
  });

  it('gives a delegate NODE_EXTRA_CA_CERTS as the runtime set it, without the carrier', () => {
    symlinkSync(packagePath(REFERENCE_EXECUTABLES[0].script), join(dir, REFERENCE_TYPE));
    const record = join(dir, 'delegate-env.json');
    // A stand-in IPAM plugin that reads its config and records what it was given.
    const fake = join(dir, 'recording-ipam');
    writeFileSync(fake, `#!/bin/sh\ncat >/dev/null\nprintf '%s\\n' "\${NODE_EXTRA_CA_CERTS-unset}" "\${${CARRIER}-unset}" > ${JSON.stringify(record)}\n`);
    chmodSync(fake, 0o755);
    const config = { cniVersion: '1.1.0', name: 'given-env', type: REFERENCE_TYPE, ipam: { type: 'recording-ipam' } };
    const outcome = run(join(dir, REFERENCE_TYPE), { CNI_COMMAND: 'STATUS', CNI_PATH: dir }, JSON.stringify(config));
    expect(outcome.status, outcome.stdout + outcome.stderr).toBe(0);
    expect(readFileSync(record, 'utf8').split('\n').slice(0, 2)).toEqual([MISSING_CA, 'unset']);
  });
});
