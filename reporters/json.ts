import type { RunResult } from '../src/core/results.js';

/** results.json: the complete result model; every other report can be rebuilt from it. */
export function renderJson(run: RunResult): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
