import { describe, expect, it } from 'vitest';
import { RunLog } from '../../src/core/log.js';
import { executeRun } from '../../src/core/run.js';
import { runSettingsSchema } from '../../src/core/settings.js';
import { fakePlugin, fakeTest } from '../support/fake-plugin.js';
import { sampleRun, sampleTests } from '../support/sample-run.js';

describe('executeRun', () => {
  it('summarizes a run and reports every status', async () => {
    const run = await sampleRun();
    expect(run.outcome).toBe('completed');
    expect(run.summary).toEqual({ total: 5, passed: 1, failed: 1, skipped: 1, filtered: 1, flaky: 1, interrupted: 0 });
    expect(run.implementation).toMatchObject({ name: 'fake-target', version: '1.0' });
    expect(run.harness.name).toBe('conformal');
  });

  it('still produces a complete result when the target is unreachable', async () => {
    const run = await sampleRun(sampleTests(), { unreachable: true });
    expect(run.outcome).toBe('aborted');
    expect(run.summary.total).toBe(5);
    expect(run.results.find((r) => r.id === 's.pass')!.reason).toMatch(/^not run: target unreachable/);
    expect(run.results.find((r) => r.id === 's.filtered')!.status).toBe('filtered');
  });

  it('reports warnings the session records while tests run, once each', async () => {
    const warnings = ['noticed at open'];
    const deviation = fakeTest({ id: 'w.dev', run: async () => { warnings.push('deviation seen by a test', 'deviation seen by a test'); } });
    const { result } = await executeRun({
      plugin: fakePlugin([deviation], { warnings }),
      settings: runSettingsSchema.parse({}),
      options: {},
      command: [],
      log: new RunLog('quiet', () => {}),
      interrupt: new AbortController().signal,
    });
    expect(result.warnings).toEqual(['noticed at open', 'deviation seen by a test']);
  });
});
