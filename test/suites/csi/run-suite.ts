// Runs the CSI suite in-process through the core run pipeline against the embedded reference
// (optionally with a fault or trimmed capabilities), the same path `conformal run csi` takes.
import { executeRun } from '../../../src/core/run.js';
import { RunLog } from '../../../src/core/log.js';
import type { RunResult } from '../../../src/core/results.js';
import { runSettingsSchema } from '../../../src/core/settings.js';
import { csiOptionsSchema, type CsiOptionsInput } from '../../../src/interfaces/csi/options.js';
import { csiPlugin } from '../../../src/interfaces/csi/plugin.js';

export async function runCsiSuite(options: CsiOptionsInput = {}, settings: Record<string, unknown> = {}): Promise<{ result: RunResult; error?: unknown }> {
  const interrupt = new AbortController();
  return executeRun({
    plugin: csiPlugin,
    settings: runSettingsSchema.parse({ parallel: 8, timeout: '20s', ...settings }),
    options: csiOptionsSchema.parse(options),
    command: ['conformal', 'run', 'csi'],
    log: new RunLog('quiet', () => undefined),
    interrupt: interrupt.signal,
  });
}

/** --focus patterns selecting exactly these tests by id (ids never change; full names may). */
export function focusOnIds(ids: readonly string[]): string[] {
  return ids.map((id) => `^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** "id: reason" for every failed test, for readable assertion diffs. */
export function failures(result: RunResult): string[] {
  return result.results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.reason ?? ''}`);
}
