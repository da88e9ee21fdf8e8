import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../../reporters/json.js';
import { cliInProcess } from '../support/cli-in-process.js';
import { sampleRun } from '../support/sample-run.js';

describe('conformal report html', () => {
  it('rebuilds report.html from a results.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-cmd-'));
    await writeFile(join(dir, 'results.json'), renderJson(sampleRun()));
    const result = await cliInProcess('report', 'html', join(dir, 'results.json'), '--out', join(dir, 'html'));
    expect(result.code, result.stderr).toBe(0);
    const html = await readFile(join(dir, 'html', 'report.html'), 'utf8');
    expect(html).toContain('Coverage by operation');
    expect(html).toContain('hostpath.csi.example.com');
    const data = JSON.parse(await readFile(join(dir, 'html', 'report.json'), 'utf8'));
    expect(data.stats).toMatchObject({ tests: 4, failures: 1 });
  });

  it.each([
    ['a missing file', null],
    ['a file that is not a results.json', '{"timestamp": 1}'],
    ['a file that is not JSON', 'nope'],
  ])('exits 2 for %s', async (_what, content) => {
    const dir = await mkdtemp(join(tmpdir(), 'report-cmd-'));
    if (content !== null) await writeFile(join(dir, 'results.json'), content);
    const result = await cliInProcess('report', 'html', join(dir, 'results.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('results.json');
  });
});
