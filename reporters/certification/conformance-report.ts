// A ConformanceReport-style summary of a certification run (modelled on the Gateway API report):
// who and what was tested, with which harness and spec version, and per conformance profile
// whether the target claims it, the core result (success | partial | failure, with the failed and
// skipped tests) and the extended result with the supported and unsupported features. The
// per-profile results are the run's own (src/core/profiles.ts), so every report agrees.
import type { HarnessOrigin } from '../../src/core/harness-origin.js';
import type { ProfileReport } from '../../src/core/profiles.js';
import type { RunResult } from '../../src/core/results.js';
import type { Product } from './product.js';

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
  readonly profiles: readonly ProfileReport[];
  /** Features supported in any claimed profile (Feature:X without the prefix). */
  readonly supportedFeatures: string[];
  readonly unsupportedFeatures: string[];
  readonly leaks: readonly string[];
  readonly warnings: readonly string[];
}

export function conformanceReport(run: RunResult, product: Product, date = new Date()): ConformanceReport {
  const profiles = run.profiles ?? [];
  const extended = profiles.flatMap((p) => (p.extended ? [p.extended] : []));
  const supported = new Set(extended.flatMap((e) => e.supportedFeatures));
  const unsupported = new Set(extended.flatMap((e) => e.unsupportedFeatures.map((f) => f.name)).filter((f) => !supported.has(f)));
  return {
    apiVersion: 'conformal.dev/v1alpha1',
    kind: 'ConformanceReport',
    date: date.toISOString(),
    implementation: product,
    target: run.implementation,
    harness: run.harness,
    interface: run.interface,
    outcome: run.outcome,
    profiles,
    supportedFeatures: [...supported].sort(),
    unsupportedFeatures: [...unsupported].sort(),
    leaks: run.leaks,
    warnings: run.warnings,
  };
}
