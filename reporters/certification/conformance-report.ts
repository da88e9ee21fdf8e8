// A ConformanceReport-style summary of a certification run (modelled on the Gateway API report):
// who and what was tested, with which harness and spec version, and per profile (core, extended)
// a result of success | partial | failure with statistics and the failed and skipped tests.
import type { HarnessOrigin } from '../../src/core/harness-origin.js';
import type { CapabilityInfo } from '../../src/core/plugin.js';
import type { RunResult, TestResult } from '../../src/core/results.js';
import type { Profile } from '../../src/core/test.js';
import type { Product } from './product.js';

export type ProfileVerdict = 'success' | 'partial' | 'failure';

export interface ProfileReport {
  readonly name: Profile;
  readonly result: ProfileVerdict;
  readonly summary: string;
  readonly statistics: { passed: number; failed: number; flaky: number; skipped: number; filtered: number };
  readonly failedTests: string[];
  readonly skippedTests: Array<{ id: string; reason: string }>;
}

export interface ConformanceReport {
  readonly apiVersion: 'conformal.dev/v1alpha1';
  readonly kind: 'ConformanceReport';
  readonly date: string;
  readonly implementation: Product;
  /** What the target itself reported (name, version, endpoint). */
  readonly target: RunResult['implementation'];
  /** With `origin` in a submission: which package or commit ran (src/core/harness-origin.ts). */
  readonly harness: RunResult['harness'] & { readonly origin?: HarnessOrigin };
  readonly interface: RunResult['interface'];
  readonly outcome: RunResult['outcome'];
  readonly profiles: ProfileReport[];
  readonly supportedFeatures: string[];
  readonly unsupportedFeatures: string[];
  readonly leaks: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * failure: a test failed (or the run did not complete); partial: nothing failed but tests did not
 * run (not supported, or excluded by a filter/shard); success: every test of the profile passed.
 * Flakes pass, as in the run's own verdict, and are counted.
 */
export function profileReport(name: Profile, tests: readonly TestResult[], completed: boolean): ProfileReport {
  const count = (status: TestResult['status']) => tests.filter((t) => t.status === status).length;
  const statistics = { passed: count('passed'), failed: count('failed'), flaky: count('flaky'), skipped: count('skipped'), filtered: count('filtered') };
  const result: ProfileVerdict = statistics.failed > 0 || !completed ? 'failure' : statistics.skipped + statistics.filtered > 0 ? 'partial' : 'success';
  return {
    name,
    result,
    summary: `${statistics.passed + statistics.flaky} of ${tests.length} ${name} tests passed${statistics.failed ? `, ${statistics.failed} failed` : ''}${statistics.skipped ? `, ${statistics.skipped} not supported` : ''}${statistics.filtered ? `, ${statistics.filtered} not run (filtered)` : ''}${completed ? '' : '; the run did not complete'}`,
    statistics,
    failedTests: tests.filter((t) => t.status === 'failed').map((t) => t.id),
    skippedTests: tests.filter((t) => t.status === 'skipped' || t.status === 'filtered').map((t) => ({ id: t.id, reason: t.reason ?? t.status })),
  };
}

export function conformanceReport(run: RunResult, product: Product, catalog: readonly CapabilityInfo[], date = new Date()): ConformanceReport {
  const completed = run.outcome === 'completed';
  const discovered = new Set(run.capabilities);
  return {
    apiVersion: 'conformal.dev/v1alpha1',
    kind: 'ConformanceReport',
    date: date.toISOString(),
    implementation: product,
    target: run.implementation,
    harness: run.harness,
    interface: run.interface,
    outcome: run.outcome,
    profiles: (['core', 'extended'] as const).map((p) => profileReport(p, run.results.filter((t) => t.profile === p), completed)),
    supportedFeatures: catalog.map((c) => c.name).filter((n) => discovered.has(n)).sort(),
    unsupportedFeatures: catalog.map((c) => c.name).filter((n) => !discovered.has(n)).sort(),
    leaks: run.leaks,
    warnings: run.warnings,
  };
}
