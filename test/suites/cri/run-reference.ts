// Runs (part of) the CRI suite against the embedded reference, optionally with a fault injected.
import { RunLog } from '../../../src/core/log.js';
import type { RunResult } from '../../../src/core/results.js';
import { executeRun } from '../../../src/core/run.js';
import { runSettingsSchema } from '../../../src/core/settings.js';
import { criPlugin } from '../../../src/interfaces/cri/plugin.js';

export async function runCriAgainstReference(options: { focus?: string[]; fault?: string } = {}): Promise<RunResult> {
  const settings = runSettingsSchema.parse({ focus: options.focus ?? [], parallel: 4, timeout: '30s' });
  const { result } = await executeRun({
    plugin: criPlugin,
    settings,
    options: criPlugin.optionsSchema.parse(options.fault ? { referenceFault: options.fault } : {}),
    command: ['conformal', 'run', 'cri'],
    log: new RunLog('quiet', () => {}),
    interrupt: new AbortController().signal,
  });
  return result;
}

/** An anchored --focus pattern selecting exactly one test id. */
export function onlyId(id: string): string {
  return `^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}
