// The result model of one run. It is written as results.json and every reporter (console,
// JUnit, testgrid layout, HTML, certification) is built from it alone.
import type { ProfileReport } from './profiles.js';
import type { Profile, SpecReference } from './test.js';

/**
 * 2: per-profile results (`profiles`, each test's `conformanceProfile`), the `interrupted` status and
 * the run's `failure`; a reader of version 1 would misread an interrupted test, so the version moved.
 */
export const RESULT_SCHEMA_VERSION = 2;

/**
 * passed / failed; skipped = not supported (capability missing or target said so, with a reason)
 * or never started (the run ended first); filtered = excluded by focus/skip/label filter or shard;
 * flaky = failed, then passed on a retry; interrupted = running when the run was interrupted, so
 * neither passed nor failed (JUnit shows it skipped, "not finished").
 */
export type TestStatus = 'passed' | 'failed' | 'skipped' | 'filtered' | 'flaky' | 'interrupted';
export type AttemptStatus = 'passed' | 'failed' | 'skipped' | 'interrupted';

/** The reason of a test that was running when the run was interrupted. */
export const NOT_FINISHED_REASON = 'not finished: run interrupted';

export interface ErrorInfo {
  /** Key point first, short: "CreateVolume: expected ALREADY_EXISTS, got OK". */
  readonly message: string;
  /** Stable error class code when known (CONFORMAL_TIMEOUT, …) or a gRPC code name. */
  readonly code?: string;
  /** Everything else: stack, cause chain, request/response dumps. */
  readonly detail?: string;
}

export interface AttemptResult {
  readonly attempt: number;
  readonly status: AttemptStatus;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly error?: ErrorInfo;
  /** Ledger entries that could not be removed after this attempt (the attempt is failed when any). */
  readonly cleanupFailures?: readonly ErrorInfo[];
  readonly log: readonly string[];
  readonly measurements?: Readonly<Record<string, number>>;
}

export interface TestResult {
  readonly id: string;
  /** Full, unique, stable name: "[csi] <title> [Feature:X] [Conformance]". */
  readonly name: string;
  readonly title: string;
  readonly spec: SpecReference;
  /** Support level inside its conformance profile: core (mandatory) or extended (a named feature). */
  readonly profile: Profile;
  /** The conformance profile the test belongs to (node, controller, runtime …); absent in results of older versions. */
  readonly conformanceProfile?: string;
  readonly tags: readonly string[];
  readonly requires: readonly string[];
  readonly operations: readonly string[];
  readonly status: TestStatus;
  /** Why the test was skipped or filtered; the failure's key point when failed. */
  readonly reason?: string;
  readonly durationMs: number;
  /** Every attempt, so a flake is visible (testgrid shows repeated names as flaky). */
  readonly attempts: readonly AttemptResult[];
}

export interface RunSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly filtered: number;
  readonly flaky: number;
  readonly interrupted: number;
}

export interface ImplementationInfo {
  /** Name the target reports (CSI GetPluginInfo name, CRI runtime name, CNI plugin type …). */
  readonly name: string;
  readonly version?: string;
  /** Where it was reached, e.g. unix:///run/csi.sock, or "embedded reference". */
  readonly endpoint?: string;
  readonly embeddedReference?: boolean;
  readonly details?: Readonly<Record<string, string>>;
}

export interface RunResult {
  readonly schemaVersion: typeof RESULT_SCHEMA_VERSION;
  readonly harness: { readonly name: 'conformal'; readonly version: string };
  /** `sig`: the Kubernetes SIG owning the interface (sig-storage …), the first part of every full name. */
  readonly interface: { readonly name: string; readonly title: string; readonly specVersion: string; readonly sig?: string };
  readonly implementation: ImplementationInfo;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** The exact command line, for reproduction. */
  readonly command: readonly string[];
  /** How the run ended: completed, interrupted by a signal, or aborted because the target became unreachable. */
  readonly outcome: 'completed' | 'interrupted' | 'aborted';
  readonly capabilities: readonly string[];
  readonly shard?: { readonly index: number; readonly total: number };
  readonly summary: RunSummary;
  /** Per conformance profile: claimed or not, core and extended results (Gateway API's ConformanceReport). */
  readonly profiles?: readonly ProfileReport[];
  readonly results: readonly TestResult[];
  /** Objects the run created that the target still lists after the run. */
  readonly leaks: readonly string[];
  /** Non-fatal notes for the user (compatibility warnings, leak check failures, …). */
  readonly warnings: readonly string[];
  /** Why the run did not complete (outcome aborted or interrupted); JUnit shows it as one failing test. */
  readonly failure?: RunFailure;
}

/**
 * What ended a run early, reported like Ginkgo's failed [SynchronizedBeforeSuite]: one failing test
 * named after the step, so a reader of the JUnit alone sees the run red, not a column of skips.
 */
export interface RunFailure {
  /** Short and stable across runs (it becomes a test name): "setup: reach the target", "run: interrupted". */
  readonly step: string;
  readonly error: ErrorInfo;
}

export function summarize(results: readonly Pick<TestResult, 'status'>[]): RunSummary {
  const count = (status: TestStatus) => results.filter((r) => r.status === status).length;
  return {
    total: results.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    filtered: count('filtered'),
    flaky: count('flaky'),
    interrupted: count('interrupted'),
  };
}

/**
 * Why a run is not green, in one line, or undefined when it is: it was cut short, a test failed,
 * no selected test passed (a run that tested nothing is not a pass), or the target claims no profile.
 */
export function notGreenReason(run: Pick<RunResult, 'summary' | 'outcome' | 'profiles'>): string | undefined {
  const s = run.summary;
  if (run.outcome !== 'completed') return `the run was ${run.outcome}`;
  if (s.failed > 0) return `${s.failed} test${s.failed === 1 ? '' : 's'} failed`;
  if (s.passed + s.flaky === 0) return `no selected test passed (${s.skipped} skipped): nothing was shown to conform`;
  if (run.profiles && run.profiles.length > 0 && !run.profiles.some((p) => p.claimed)) {
    return `the target claims no conformance profile (${run.profiles.map((p) => `${p.name}: ${p.reason ?? 'not claimed'}`).join('; ')})`;
  }
  return undefined;
}

/** A run passes when it completed, nothing failed, something passed and a profile is claimed; flakes pass (their attempts are still reported). */
export function runPassed(run: Pick<RunResult, 'summary' | 'outcome' | 'profiles'>): boolean {
  return notGreenReason(run) === undefined;
}
