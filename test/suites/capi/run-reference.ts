// Runs (part of) the capi suite against the embedded default (in-memory API server, reference
// providers and core controllers), optionally with a fault injected into them.
import { RunLog } from '../../../src/core/log.js';
import type { RunResult } from '../../../src/core/results.js';
import { executeRun } from '../../../src/core/run.js';
import { runSettingsSchema } from '../../../src/core/settings.js';
import { capiPlugin } from '../../../src/interfaces/capi/plugin.js';

export async function runCapiAgainstReference(options: { focus?: string[]; fault?: string; contract?: 'v1beta1' | 'v1beta2'; parallel?: number; timeout?: string } = {}): Promise<RunResult> {
  const settings = runSettingsSchema.parse({ focus: options.focus ?? [], parallel: options.parallel ?? 8, timeout: options.timeout ?? '20s' });
  const { result } = await executeRun({
    plugin: capiPlugin,
    settings,
    options: capiPlugin.optionsSchema.parse({ ...(options.fault ? { referenceFault: options.fault } : {}), ...(options.contract ? { contract: options.contract } : {}) }),
    command: ['conformal', 'run', 'capi'],
    log: new RunLog('quiet', () => {}),
    interrupt: new AbortController().signal,
  });
  return result;
}

export { onlyId } from '../cri/run-reference.js';
