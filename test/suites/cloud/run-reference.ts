// Runs (part of) the cloud suite against the embedded default (in-memory API server, reference
// cloud and CCM), optionally with a fault injected into the reference CCM.
import { RunLog } from '../../../src/core/log.js';
import type { RunResult } from '../../../src/core/results.js';
import { executeRun } from '../../../src/core/run.js';
import { runSettingsSchema } from '../../../src/core/settings.js';
import { cloudPlugin } from '../../../src/interfaces/cloud/plugin.js';

export async function runCloudAgainstReference(options: { focus?: string[]; fault?: string; parallel?: number; timeout?: string } = {}): Promise<RunResult> {
  const settings = runSettingsSchema.parse({ focus: options.focus ?? [], parallel: options.parallel ?? 8, timeout: options.timeout ?? '20s' });
  const { result } = await executeRun({
    plugin: cloudPlugin,
    settings,
    options: cloudPlugin.optionsSchema.parse(options.fault ? { referenceFault: options.fault } : {}),
    command: ['conformal', 'run', 'cloud'],
    log: new RunLog('quiet', () => {}),
    interrupt: new AbortController().signal,
  });
  return result;
}

export { onlyId } from '../cri/run-reference.js';
