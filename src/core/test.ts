// The declarative test model: a test is data (id, title, spec reference, requirements, tags)
// plus a body that receives a context. Suites are folders of files exporting these.
import type { Ledger } from './ledger.js';
import type { SharedState } from './shared-state.js';

export type Profile = 'core' | 'extended';

/** Where in the interface's specification the rule under test is written. */
export interface SpecReference {
  /** Section of the spec, e.g. "CreateVolume" or "3.1 Error codes". */
  readonly section: string;
  /** The rule in a few words, e.g. "idempotent: same name and parameters return the same volume". */
  readonly rule: string;
  /** Optional link to the spec text. */
  readonly url?: string;
}

export interface TestDefinition<Env = unknown> {
  /** Stable, dotted, lower-case id; never reused: `csi.controller.create-volume.idempotent`. */
  readonly id: string;
  /** Human title in our own words; unique within the interface. */
  readonly title: string;
  readonly spec: SpecReference;
  /** Capabilities that must all be present, else the test is skipped (reason names the first missing). */
  readonly requires?: readonly string[];
  /** Capabilities of which at least one must be present (e.g. either access type). */
  readonly requiresAny?: readonly string[];
  /**
   * Tags beyond the derived ones. Core tests get `Conformance`; every test gets `profile:<p>`.
   * Use `Feature:X` for optional features, `Serial`, `Slow`, `Disruptive`.
   */
  readonly tags?: readonly string[];
  readonly profile: Profile;
  /** The test must not run alongside others (it observes global state such as ListVolumes). */
  readonly serial?: boolean;
  /**
   * State every test shares (say the cluster's Nodes) that this test changes, or needs nobody to
   * change while it runs. Finer than `serial`: see src/core/shared-state.ts.
   */
  readonly sharedState?: SharedState;
  /** Overrides the run's per-test timeout. */
  readonly timeoutMs?: number;
  /** RPCs / operations the test exercises; feeds coverage tables. */
  readonly operations?: readonly string[];
  readonly run: (ctx: TestContext<Env>) => Promise<void>;
}

export interface TestContext<Env = unknown> {
  /** Interface-specific environment: typed clients, interface options, helpers. */
  readonly env: Env;
  /** Capabilities discovered once for the run. */
  readonly capabilities: ReadonlySet<string>;
  /** Everything the test creates is registered here; drained LIFO after the body, even on failure. */
  readonly ledger: Ledger;
  /** Aborted when the test's deadline passes or the run is interrupted. Pass it to every call and wait. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds at which `signal` aborts. */
  readonly deadline: number;
  readonly test: { readonly id: string; readonly title: string; readonly attempt: number };
  /** Adds a line to the test's log (kept in the report, printed for failures). */
  log(message: string): void;
  /** A name unique to this test and attempt, safe for resource names: `<base>-<id-hash>-<attempt>-<n>`. */
  unique(base: string): string;
  /** Records a numeric measurement; reported as a JUnit <property> (testgrid metric). */
  measure(name: string, value: number): void;
  /** Ends the test as skipped "not supported" with the reason (for optional features found missing at run time). */
  notSupported(reason: string): never;
}

/** Identity helper that keeps test files terse and type-checked. */
export function defineTest<Env>(definition: TestDefinition<Env>): TestDefinition<Env> {
  return definition;
}

/** Tags of a test as they appear in its full name and filters: explicit tags plus derived ones. */
export function tagsOf(test: Pick<TestDefinition, 'tags' | 'profile'>): string[] {
  const tags = new Set(test.tags ?? []);
  if (test.profile === 'core') tags.add('Conformance');
  return [...tags].sort();
}

/** How Kubernetes e2e names start, for triage by owner: the SIG, then the interface ("[sig-storage] [csi]"). */
export function namePrefix(interfaceName: string, sig?: string): string {
  return sig ? `[${sig}] [${interfaceName}]` : `[${interfaceName}]`;
}

/** Kubernetes e2e style full name: "[sig-storage] [csi] <title> [Feature:X] [Conformance]"; labels sorted, at the end. */
export function fullNameOf(interfaceName: string, test: Pick<TestDefinition, 'title' | 'tags' | 'profile'>, sig?: string): string {
  const labels = tagsOf(test).map((tag) => ` [${tag}]`).join('');
  return `${namePrefix(interfaceName, sig)} ${test.title}${labels}`;
}
