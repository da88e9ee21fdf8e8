// The --report-dir wiring in reporters/index.ts: startReports writes started.json before any test,
// writeReports leaves a complete testgrid build with finished.json last.
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startReports, writeReports } from '../../../reporters/index.js';
import { RunLog } from '../../../src/core/log.js';
import { sampleRun } from '../support/sample-run.js';

describe('--report-dir as a testgrid build', () => {
  it('has started.json at start and every file at the end, finished.json written last', async () => {
    const job = join(await mkdtemp(join(tmpdir(), 'report-dir-')), 'csi-nightly');
    const build = join(job, '1763726400');
    await startReports(build, { interface: { name: 'csi', title: 'Container Storage Interface', specVersion: '1.12.0' }, startedAt: new Date('2026-11-21T12:00:00Z'), command: ['run', 'csi'] });
    expect(await readdir(build)).toEqual(expect.arrayContaining(['started.json']));
    expect(await readdir(build)).not.toContain('finished.json');
    expect(JSON.parse(await readFile(join(build, 'started.json'), 'utf8'))).toMatchObject({ timestamp: Date.parse('2026-11-21T12:00:00Z') / 1000, metadata: { interface: 'csi', 'interface-spec-version': '1.12.0' } });

    const log = new RunLog('quiet', () => {});
    log.info('\u001b[32mgreen\u001b[0m line');
    await writeReports(sampleRun(), build, log);
    expect((await readdir(build)).sort()).toEqual(['artifacts', 'build-log.txt', 'finished.json', 'started.json']);
    expect((await readdir(join(build, 'artifacts'))).sort()).toEqual(['junit_01.xml', 'report.html', 'report.json', 'results.json']);
    expect(await readFile(join(build, 'build-log.txt'), 'utf8')).toMatch(/INFO green line\n$/);
    expect(await readFile(join(job, 'latest-build.txt'), 'utf8')).toBe('1763726400');
    const mtime = async (file: string) => (await stat(join(build, file))).mtimeMs;
    for (const file of ['started.json', 'build-log.txt', 'artifacts/junit_01.xml', 'artifacts/report.html']) {
      expect(await mtime(file)).toBeLessThanOrEqual(await mtime('finished.json'));
    }
  });
});
