import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mountsUnder } from './global-tmpdir.js';

describe('the test run temp dir', () => {
  it('is where this worker and its children put temporary files', () => {
    expect(basename(tmpdir())).toMatch(/^ctest-/);
    expect(process.env.TMPDIR).toBe(tmpdir());
  });

  it('finds the mounts at or under a directory, with escaped spaces decoded', () => {
    const mountinfo = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
      '40 22 0:35 / /tmp/conformal-tests-abc/mnt rw - tmpfs tmpfs rw',
      '41 22 0:36 / /tmp/conformal-tests-abc/with\\040space rw - tmpfs tmpfs rw',
      '42 22 0:37 / /tmp/conformal-tests-abcdef rw - tmpfs tmpfs rw',
      '43 22 0:38 / /tmp/conformal-tests-abc rw - tmpfs tmpfs rw',
      '',
    ].join('\n');
    expect(mountsUnder('/tmp/conformal-tests-abc', mountinfo)).toEqual(['/tmp/conformal-tests-abc/mnt', '/tmp/conformal-tests-abc/with space', '/tmp/conformal-tests-abc']);
    expect(mountsUnder('/srv', mountinfo)).toEqual([]);
  });
});
