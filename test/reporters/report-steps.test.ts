// Report writers run one by one under a deadline and the interrupt; one that hangs or fails is
// reported and the others still run.
import { describe, expect, it } from 'vitest';
import { runReportSteps, type ReportStep } from '../../reporters/report-steps.js';

function recorder() {
  const warnings: string[] = [];
  return { warnings, log: { warn: (line: string) => warnings.push(line) } };
}

const never = () => new Promise<never>(() => {});

describe('runReportSteps', () => {
  it('runs every step; a failing one is reported by name and the next still runs', async () => {
    const ran: string[] = [];
    const steps: ReportStep[] = [
      { name: 'a.json', run: async () => void ran.push('a') },
      { name: 'b.xml', run: async () => { throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }); } },
      { name: 'finished.json', run: async () => void ran.push('finished') },
    ];
    const { warnings, log } = recorder();
    const failures = await runReportSteps(steps, { log });
    expect(ran).toEqual(['a', 'finished']);
    expect(failures).toEqual(['b.xml not written: EROFS: read-only file system']);
    expect(warnings).toEqual(failures);
  });

  it('abandons a step that hangs at its deadline and goes on', async () => {
    const ran: string[] = [];
    const { log } = recorder();
    const started = Date.now();
    const failures = await runReportSteps([{ name: 'stuck.xml', run: never }, { name: 'finished.json', run: async () => void ran.push('finished') }], { log, timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failures).toEqual(['stuck.xml not written: writing stuck.xml did not finish within 200 ms']);
    expect(ran).toEqual(['finished']);
  });

  it('an interrupt abandons the step in progress; later steps still run under their own deadline', async () => {
    const interrupt = new AbortController();
    const ran: string[] = [];
    const { log } = recorder();
    setTimeout(() => interrupt.abort(new Error('interrupted by SIGINT')), 50);
    const failures = await runReportSteps([{ name: 'stuck.html', run: never }, { name: 'finished.json', run: async () => void ran.push('finished') }], { log, timeoutMs: 60_000, interrupt: interrupt.signal });
    expect(failures).toEqual(['stuck.html not written: interrupted by SIGINT']);
    expect(ran).toEqual(['finished']);
  });

  it('an optional step that fails is a warning, not a failure', async () => {
    const { warnings, log } = recorder();
    const failures = await runReportSteps([{ name: 'report.html', optional: true, run: async () => { throw new Error('no marge'); } }], { log });
    expect(failures).toEqual([]);
    expect(warnings).toEqual(['report.html not written: no marge']);
  });
});
