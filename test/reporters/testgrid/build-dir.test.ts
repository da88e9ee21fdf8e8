import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocateBuildDir, locateBuild, nextBuildId } from '../../../reporters/testgrid/build-dir.js';

describe('build ids', () => {
  const at = new Date('2026-11-21T12:00:00Z');
  const clock = String(at.getTime() / 1000);

  it('tells a build dir (numeric name) from a standalone report dir', () => {
    expect(locateBuild('/r/csi-nightly/1763726400')).toEqual({ buildDir: '/r/csi-nightly/1763726400', jobDir: '/r/csi-nightly', buildId: '1763726400' });
    expect(locateBuild('/r/out')).toEqual({ buildDir: '/r/out' });
  });

  it('uses the start time in epoch seconds for an empty or missing job dir', async () => {
    const job = await mkdtemp(join(tmpdir(), 'tg-'));
    expect(await nextBuildId(job, at)).toBe(clock);
    expect(await nextBuildId(join(job, 'missing'), at)).toBe(clock);
  });

  it('stays above builds already in the job dir, compared as numbers not strings', async () => {
    const job = await mkdtemp(join(tmpdir(), 'tg-'));
    await mkdir(join(job, '9'));
    expect(await nextBuildId(job, new Date(50_000))).toBe('50');
    await mkdir(join(job, '99999999999'));
    await mkdir(join(job, 'not-a-build'));
    expect(await nextBuildId(job, at)).toBe('100000000000');
    const dir = await allocateBuildDir(job, at);
    expect(basename(dir)).toBe('100000000000');
    expect(await nextBuildId(job, at)).toBe('100000000001');
  });
});
