import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateLatestBuild, writeRunStarted, writeTestgridBuild } from '../../../reporters/testgrid/layout.js';
import { sampleRun, sampleTest } from '../support/sample-run.js';

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;

describe('testgrid build layout', () => {
  it('writes started.json at run start with epoch seconds and string metadata', async () => {
    const build = join(await mkdtemp(join(tmpdir(), 'tg-')), 'job', '1763726400');
    const run = sampleRun();
    await writeRunStarted(build, { startedAt: run.startedAt, harness: run.harness, interface: run.interface });
    const started = await readJson(join(build, 'started.json'));
    expect(started.timestamp).toBe(Date.parse('2026-11-21T12:00:00Z') / 1000);
    expect(started.metadata).toEqual({ 'conformal-version': '0.1.0', interface: 'csi', 'interface-spec-version': '1.12.0' });
    await expect(readdir(build)).resolves.toEqual(['started.json']);
  });

  it('writes finished.json with passed and result, the plain log and latest-build.txt', async () => {
    const job = join(await mkdtemp(join(tmpdir(), 'tg-')), 'job');
    const build = join(job, '1763726400');
    await writeTestgridBuild(sampleRun(), build, '\u001b[31mFAIL\u001b[0m one\r\nok two');
    const finished = await readJson(join(build, 'finished.json'));
    expect(finished).toMatchObject({ timestamp: Date.parse('2026-11-21T12:01:30Z') / 1000, passed: false, result: 'FAILURE' });
    for (const value of Object.values(finished.metadata)) expect(typeof value).toBe('string');
    expect(finished.metadata).toMatchObject({ implementation: 'hostpath.csi.example.com', 'implementation-version': 'v1.2.3', 'tests-failed': '1', 'tests-flaky': '1' });
    const started = await readJson(join(build, 'started.json'));
    expect(started.metadata.implementation).toBe('hostpath.csi.example.com');
    expect(await readFile(join(build, 'build-log.txt'), 'utf8')).toBe('FAIL one\nok two\n');
    expect(await readFile(join(job, 'latest-build.txt'), 'utf8')).toBe('1763726400');
  });

  it('marks passing, aborted and interrupted runs correctly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tg-'));
    const passing = sampleRun({}, [{ id: 'a', title: 'A', status: 'passed' }, { id: 'b', title: 'B', status: 'flaky' }]);
    await writeTestgridBuild(passing, join(dir, 'p'), '');
    expect(await readJson(join(dir, 'p', 'finished.json'))).toMatchObject({ passed: true, result: 'SUCCESS' });
    await writeTestgridBuild(sampleRun({ outcome: 'interrupted', results: [sampleTest({ id: 'a', title: 'A', status: 'passed' })] }), join(dir, 'i'), '');
    expect(await readJson(join(dir, 'i', 'finished.json'))).toMatchObject({ passed: false, result: 'ABORTED', metadata: { outcome: 'interrupted' } });
  });

  it('never moves latest-build.txt backwards and ignores non-numeric build dirs', async () => {
    const job = await mkdtemp(join(tmpdir(), 'tg-'));
    await mkdir(join(job, '200'));
    await writeFile(join(job, 'latest-build.txt'), '200');
    await updateLatestBuild(join(job, '100'));
    expect(await readFile(join(job, 'latest-build.txt'), 'utf8')).toBe('200');
    await updateLatestBuild(join(job, '300'));
    expect(await readFile(join(job, 'latest-build.txt'), 'utf8')).toBe('300');
    await writeTestgridBuild(sampleRun(), join(job, 'scratch'), '');
    expect(await readFile(join(job, 'latest-build.txt'), 'utf8')).toBe('300');
  });
});

describe('a run that ended without a result', () => {
  it('still gets finished.json (passed false, ABORTED) so testgrid stops showing it running', async () => {
    const { writeAbortedBuild } = await import('../../../reporters/testgrid/layout.js');
    const job = join(await mkdtemp(join(tmpdir(), 'tg-')), 'job');
    const build = join(job, '42');
    await writeRunStarted(build, { startedAt: '2026-11-21T12:00:00Z', harness: { name: 'conformal', version: '0.1.0' }, interface: { name: 'csi' } });
    await writeAbortedBuild(build, 'Cannot find module suites/csi/index.js', '\u001b[1mboom\u001b[0m', new Date('2026-11-21T12:00:05Z'));
    expect(await readJson(join(build, 'finished.json'))).toEqual({ timestamp: Date.parse('2026-11-21T12:00:05Z') / 1000, passed: false, result: 'ABORTED', metadata: { outcome: 'harness-error', error: 'Cannot find module suites/csi/index.js' } });
    expect(await readFile(join(build, 'build-log.txt'), 'utf8')).toBe('boom\n');
    expect(await readFile(join(job, 'latest-build.txt'), 'utf8')).toBe('42');
  });
});
