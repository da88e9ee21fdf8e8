// The reference's delegation: with `ipamInProcess` the reference's own IPAM code runs inside the
// plugin and answers exactly as its executable would; any other IPAM plugin is still executed.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { delegatingConfig } from '../../support/cni-reference-config.js';
import { packagePath } from '../../../src/core/paths.js';
import { REFERENCE_EXECUTABLES, REFERENCE_IPAM_TYPE, REFERENCE_TYPE, referenceBundle } from '../../../src/interfaces/cni/target.js';
import { isOwnIpam, RESIDENT_LAUNCHER } from '../../../src/reference/cni/delegate.js';

const dir = mkdtempSync(join(tmpdir(), 'conformal-delegate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const { type, script } of REFERENCE_EXECUTABLES) symlinkSync(packagePath(script), join(dir, type));
const foreign = join(dir, 'recording-ipam');
writeFileSync(foreign, `#!/bin/sh\ncat >/dev/null\ntouch ${JSON.stringify(join(dir, 'foreign-ran'))}\n`);
chmodSync(foreign, 0o755);

describe('isOwnIpam', () => {
  it('recognises the reference IPAM launcher through a link beside the plugin', () => {
    expect(isOwnIpam(join(dir, REFERENCE_IPAM_TYPE), join(dir, REFERENCE_TYPE))).toBe(true);
  });

  it('recognises a link named conformal-ref-ipam to the resident launcher beside a plugin linked to it, and only that name', () => {
    const resident = join(dir, 'resident');
    mkdirSync(resident);
    for (const name of [REFERENCE_TYPE, REFERENCE_IPAM_TYPE, 'other-ipam']) symlinkSync(packagePath('bin', RESIDENT_LAUNCHER), join(resident, name));
    expect(isOwnIpam(join(resident, REFERENCE_IPAM_TYPE), join(resident, REFERENCE_TYPE))).toBe(true);
    expect(isOwnIpam(join(resident, 'other-ipam'), join(resident, REFERENCE_TYPE))).toBe(false);
  });

  it('does not take another executable, or a missing one, for it', () => {
    expect(isOwnIpam(foreign, join(dir, REFERENCE_TYPE))).toBe(false);
    expect(isOwnIpam(join(dir, REFERENCE_TYPE), join(dir, REFERENCE_TYPE))).toBe(false);
    expect(isOwnIpam(join(dir, 'missing'), join(dir, REFERENCE_TYPE))).toBe(false);
  });
});

describe.runIf(existsSync(referenceBundle(REFERENCE_TYPE)))('conformal-ref delegating with ipamInProcess', () => {
  const netns = join(dir, 'netns');
  mkdirSync(netns);
  const config = (inProcess: boolean, ipamType = REFERENCE_IPAM_TYPE) => delegatingConfig({ name: 'delegation', dir, inProcess, ipamType });
  const call = (command: string, containerID: string, inProcess: boolean, prevResult?: unknown, type = REFERENCE_TYPE) => {
    const outcome = spawnSync(join(dir, type), [], {
      env: { PATH: process.env.PATH!, CNI_COMMAND: command, CNI_CONTAINERID: containerID, CNI_IFNAME: 'eth0', CNI_NETNS: join(netns, containerID), CNI_PATH: dir },
      input: JSON.stringify({ ...config(inProcess), ...(prevResult ? { prevResult } : {}) }),
      encoding: 'utf8',
    });
    return { status: outcome.status, json: outcome.stdout.trim() ? JSON.parse(outcome.stdout) : undefined, stderr: outcome.stderr };
  };
  for (const id of ['a', 'b']) mkdirSync(join(netns, id));

  it('allocates from the same store as the executed IPAM and fails the same way', () => {
    const a = call('ADD', 'a', true);
    expect(a.status, a.stderr).toBe(0);
    expect(a.json.ips.map((ip: { address: string }) => ip.address)).toEqual(['198.18.0.2/24']);
    const b = call('ADD', 'b', false);
    expect(b.json.ips.map((ip: { address: string }) => ip.address)).toEqual(['198.18.0.3/24']);
    expect(call('CHECK', 'a', true, a.json).status).toBe(0);
    // The IPAM plugin releases the allocation behind the plugin's back: CHECK fails, with the same error object either way.
    expect(call('DEL', 'a', false, a.json, REFERENCE_IPAM_TYPE).status).toBe(0);
    const inside = call('CHECK', 'a', true, a.json);
    const executed = call('CHECK', 'a', false, a.json);
    expect(inside.status).toBe(1);
    expect(inside.json).toEqual(executed.json);
    expect(inside.json.msg).toContain(`IPAM plugin ${REFERENCE_IPAM_TYPE}: `);
    for (const id of ['a', 'b']) expect(call('DEL', id, true).status).toBe(0);
  });

  it('still executes an IPAM plugin that is not its own', () => {
    const outcome = spawnSync(join(dir, REFERENCE_TYPE), [], {
      env: { PATH: process.env.PATH!, CNI_COMMAND: 'STATUS', CNI_PATH: dir },
      input: JSON.stringify(config(true, 'recording-ipam')),
      encoding: 'utf8',
    });
    expect(outcome.status, outcome.stdout + outcome.stderr).toBe(0);
    expect(existsSync(join(dir, 'foreign-ran'))).toBe(true);
  });
});
