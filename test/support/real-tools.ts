// Tests against real implementations read the tool's path from an environment variable that a
// .ci/setup/*.sh script exports. Locally a missing tool skips the test; under CI=true it fails, so CI
// can never silently not run a real-tool test.
import { existsSync } from 'node:fs';

/**
 * The path in `process.env[envVar]` when it exists; undefined (skip) locally when it does not.
 * Throws under CI=true, which fails the test file that asked.
 */
export function requireTool(envVar: string): string | undefined {
  const path = process.env[envVar];
  if (path && existsSync(path)) return path;
  if (process.env.CI === 'true') {
    throw new Error(`${envVar} ${path ? `points at a missing file (${path})` : 'is not set'}; the .ci/setup script for this tool must install it and export ${envVar}`);
  }
  return undefined;
}

/**
 * True in CI's second run of the test command (under the other Node version). Comparisons whose
 * subject is a fault table (the CNI ledger-hole faults, critest against the CRI faults) cost minutes
 * and do not depend on the Node version that runs conformal, so they run once, in the first run;
 * everything else runs under both.
 */
export const repeatedCiRun = process.env.CONFORMAL_CI_REPEAT === '1';
