// started.json and finished.json as testgrid and Prow read them: epoch-second timestamps,
// `passed` (required by current testgrid) alongside the deprecated `result`, and string-only metadata
// (testgrid's column headers show only string values) under keys of our own.
import { runPassed, type RunResult } from '../../src/core/results.js';

export interface StartedJson {
  readonly timestamp: number;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface FinishedJson {
  readonly timestamp: number;
  readonly passed: boolean;
  readonly result: 'SUCCESS' | 'FAILURE' | 'ABORTED';
  readonly metadata: Readonly<Record<string, string>>;
}

/** What is known when a run starts (the implementation is known only once the plugin has connected). */
export interface RunStart {
  readonly startedAt: string;
  readonly harness: RunResult['harness'];
  readonly interface: Pick<RunResult['interface'], 'name'> & Partial<RunResult['interface']>;
  readonly implementation?: RunResult['implementation'];
  readonly shard?: RunResult['shard'];
}

export function epochSeconds(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TypeError(`not an ISO-8601 timestamp: ${JSON.stringify(iso)}`);
  return Math.floor(ms / 1000);
}

/** Drops undefined values so every metadata value is a string. */
function strings(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function identity(run: RunStart): Record<string, string | undefined> {
  return {
    'conformal-version': run.harness.version,
    interface: run.interface.name,
    'interface-spec-version': run.interface.specVersion,
    implementation: run.implementation?.name,
    'implementation-version': run.implementation?.version,
    'implementation-endpoint': run.implementation?.endpoint,
    shard: run.shard ? `${run.shard.index}/${run.shard.total}` : undefined,
  };
}

export function startedJson(run: RunStart): StartedJson {
  return { timestamp: epochSeconds(run.startedAt), metadata: strings(identity(run)) };
}

export function finishedJson(run: RunResult): FinishedJson {
  const passed = runPassed(run);
  const { summary } = run;
  return {
    timestamp: epochSeconds(run.finishedAt),
    passed,
    result: run.outcome !== 'completed' ? 'ABORTED' : passed ? 'SUCCESS' : 'FAILURE',
    metadata: strings({
      ...identity(run),
      outcome: run.outcome,
      'tests-total': String(summary.total),
      'tests-passed': String(summary.passed),
      'tests-failed': String(summary.failed),
      'tests-skipped': String(summary.skipped),
      'tests-filtered': String(summary.filtered),
      'tests-flaky': String(summary.flaky),
      'tests-interrupted': String(summary.interrupted ?? 0), // results.json of older versions has no count
      leaks: String(run.leaks.length),
    }),
  };
}
