// Runs the CNI suite through the core (executeRun) against the embedded reference or a variant,
// for the project's own tests. The reference executables run from dist/: build first.
import { existsSync } from 'node:fs';
import { RunLog } from '../../../src/core/log.js';
import type { RunResult } from '../../../src/core/results.js';
import { executeRun } from '../../../src/core/run.js';
import { runSettingsSchema } from '../../../src/core/settings.js';
import { cniOptionsSchema } from '../../../src/interfaces/cni/options.js';
import { cniPlugin } from '../../../src/interfaces/cni/plugin.js';
import { REFERENCE_TYPE, referenceBundle } from '../../../src/interfaces/cni/target.js';

export function referenceBuilt(): boolean {
  return existsSync(referenceBundle(REFERENCE_TYPE));
}

export async function runCni(options: Record<string, unknown>, settings: Record<string, unknown> = {}): Promise<RunResult> {
  const { result, error } = await executeRun({
    plugin: cniPlugin,
    settings: runSettingsSchema.parse({ timeout: 60_000, ...settings }),
    options: cniOptionsSchema.parse(options),
    command: ['run', 'cni'],
    log: new RunLog('quiet', () => {}),
    interrupt: new AbortController().signal,
  });
  if (error) throw error;
  return result;
}

/** "id: status (reason)" for every test that did not pass, for readable assertion failures. */
export function notPassed(run: RunResult): string[] {
  return run.results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
}

export const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
