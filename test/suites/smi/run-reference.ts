// Runs (part of) the smi suite against the embedded default (in-memory API server and reference
// mesh), optionally with a fault injected into the reference mesh.
import { RunLog } from '../../../src/core/log.js';
import type { RunResult } from '../../../src/core/results.js';
import { executeRun } from '../../../src/core/run.js';
import { runSettingsSchema } from '../../../src/core/settings.js';
import { smiPlugin } from '../../../src/interfaces/smi/plugin.js';

export async function runSmiAgainstReference(options: { focus?: string[]; fault?: string; parallel?: number; timeout?: string } = {}): Promise<RunResult> {
  const settings = runSettingsSchema.parse({ focus: options.focus ?? [], parallel: options.parallel ?? 8, timeout: options.timeout ?? '60s' });
  const { result } = await executeRun({
    plugin: smiPlugin,
    settings,
    options: smiPlugin.optionsSchema.parse(options.fault ? { referenceFault: options.fault } : {}),
    command: ['conformal', 'run', 'smi'],
    log: new RunLog('quiet', () => {}),
    interrupt: new AbortController().signal,
  });
  return result;
}

export { onlyId } from '../cri/run-reference.js';
