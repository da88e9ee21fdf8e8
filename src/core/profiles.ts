// Gateway API's conformance model, for every interface: a profile's core tests are mandatory for
// anything that claims the profile; optional behaviour is a named feature (extended). This module
// places tests in profiles, states the rules a catalog must follow, explains skips in those terms
// and computes the per-profile ConformanceReport from a RunResult.
import type { CapabilityInfo, ProfileDefinition } from './plugin.js';
import type { RunResult, TestResult } from './results.js';
import type { TestDefinition } from './test.js';

export type ProfileVerdict = 'success' | 'partial' | 'failure';

type Requirements = Pick<TestDefinition, 'requires' | 'requiresAny'>;

const FEATURE_PREFIX = 'Feature:';

export function featureTagsOf(tags: readonly string[] | undefined): string[] {
  return (tags ?? []).filter((tag) => tag.startsWith(FEATURE_PREFIX));
}

const featureNames = (tags: readonly string[] | undefined) => featureTagsOf(tags).map((tag) => tag.slice(FEATURE_PREFIX.length));

/** Every profile whose whole claim is among `requires`, largest claim first. */
function candidateProfiles(requires: readonly string[], profiles: readonly ProfileDefinition[]): ProfileDefinition[] {
  const have = new Set(requires);
  return profiles.filter((p) => p.claimedBy.every((c) => have.has(c))).sort((a, b) => b.claimedBy.length - a.claimedBy.length);
}

/** A test's profile: the one with the largest claim that is a subset of what the test requires. */
export function profileOf(test: Pick<TestDefinition, 'requires'>, profiles: readonly ProfileDefinition[]): ProfileDefinition | undefined {
  return candidateProfiles(test.requires ?? [], profiles)[0];
}

function capabilityIndex(catalog: readonly CapabilityInfo[]): Map<string, CapabilityInfo> {
  return new Map(catalog.map((c) => [c.name, c]));
}

export interface ProfileRuleSubject {
  readonly name: string;
  readonly profiles: readonly ProfileDefinition[];
  readonly capabilityCatalog: readonly CapabilityInfo[];
}

/** Catalog-level rules: profiles are claimed by claim capabilities only, and every claim belongs to a profile. */
function catalogViolations(subject: ProfileRuleSubject, index: Map<string, CapabilityInfo>): string[] {
  const violations: string[] = [];
  const claimed = new Set(subject.profiles.flatMap((p) => p.claimedBy));
  for (const profile of subject.profiles) {
    for (const c of profile.claimedBy) {
      if (index.get(c)?.kind !== 'claim') violations.push(`profile ${profile.name} is claimed by ${c}, which is not a claim capability`);
    }
  }
  for (const info of index.values()) {
    if (info.kind === 'claim' && !claimed.has(info.name)) violations.push(`claim capability ${info.name} claims no profile`);
    if (info.kind === 'setting' && !info.flag) violations.push(`setting ${info.name} names no flag`);
  }
  return violations;
}

/**
 * The rules every interface's catalog follows (a project test runs this over every plugin):
 * a core test requires only the claims of its profile and environment capabilities; a test that
 * needs a feature or a setting is extended; every extended test names its feature with a Feature:X tag.
 */
export function profileRuleViolations(subject: ProfileRuleSubject, tests: readonly Pick<TestDefinition, 'id' | 'requires' | 'requiresAny' | 'profile' | 'tags'>[]): string[] {
  const index = capabilityIndex(subject.capabilityCatalog);
  const violations = catalogViolations(subject, index);
  for (const test of tests) {
    const [profile, rival] = candidateProfiles(test.requires ?? [], subject.profiles);
    if (!profile) {
      violations.push(`${test.id} belongs to no profile`);
      continue;
    }
    if (rival && rival.claimedBy.length === profile.claimedBy.length) violations.push(`${test.id} belongs to both ${profile.name} and ${rival.name}`);
    const features = featureTagsOf(test.tags);
    if (test.profile === 'extended' && features.length === 0) violations.push(`${test.id} is extended but carries no Feature:X tag`);
    for (const name of [...(test.requires ?? []), ...(test.requiresAny ?? [])]) {
      const info = index.get(name);
      if (!info) {
        violations.push(`${test.id} requires ${name}, which is not in the capability catalog`);
        continue;
      }
      // A claim outside the test's profile means the test sits in the wrong profile (core or extended alike).
      if (info.kind === 'claim' && !profile.claimedBy.includes(name)) violations.push(`${test.id} is in profile ${profile.name} but requires ${name}, a claim of another profile`);
      if (test.profile !== 'core') continue;
      if (info.kind === 'feature' || info.kind === 'setting') violations.push(`${test.id} is core but requires the ${info.kind} ${name}: make it extended with a Feature:X tag`);
    }
  }
  return violations;
}

/** The capabilities a test needs that the target lacks: requires in order, then the requiresAny group as "a or b". */
function missingOf(test: Requirements, capabilities: ReadonlySet<string>): string[][] {
  const missing = (test.requires ?? []).filter((c) => !capabilities.has(c)).map((c) => [c]);
  const any = test.requiresAny ?? [];
  if (any.length > 0 && !any.some((c) => capabilities.has(c))) missing.push([...any]);
  return missing;
}

export interface SkipContext {
  readonly profiles: readonly ProfileDefinition[];
  readonly capabilityCatalog: readonly CapabilityInfo[];
  /** Why the target lacks a claim capability, where the session knows (Session.claimNotes). */
  readonly claimNotes?: ReadonlyMap<string, string>;
}

/**
 * Why a test cannot run on this target, in the terms of the model, or undefined when it can:
 * "profile p not claimed: …", "feature X not supported: …", "needs --flag: …", "environment lacks …".
 */
export function skipReason(test: Requirements & Pick<TestDefinition, 'tags'>, capabilities: ReadonlySet<string>, context: SkipContext): string | undefined {
  const missing = missingOf(test, capabilities);
  if (missing.length === 0) return undefined;
  const index = capabilityIndex(context.capabilityCatalog);
  const kindOf = (group: string[]) => index.get(group[0]!)?.kind;
  // A missing claim explains everything else: the profile itself does not apply.
  const group = missing.find((g) => kindOf(g) === 'claim') ?? missing[0]!;
  const name = group.join(' or ');
  const info = index.get(group[0]!);
  switch (info?.kind) {
    case 'claim': {
      const profile = context.profiles.find((p) => p.claimedBy.includes(group[0]!));
      const note = context.claimNotes?.get(group[0]!);
      return `profile ${profile?.name ?? '?'} not claimed: the target lacks ${name}${note ? ` (${note})` : ''}`;
    }
    case 'feature': {
      const features = featureNames(test.tags);
      return `feature ${features.join(', ') || name} not supported: the target lacks ${name} (${info.description})`;
    }
    case 'setting':
      return `needs ${info.flag ?? 'a setting'}: ${name} (${info.description})`;
    case 'environment':
      return `environment lacks ${name}: ${info.description}`;
    default:
      return `not supported: the target lacks capability ${name}`;
  }
}

// ---- The report: per profile, claimed or not, and core / extended results (Gateway API's ConformanceReport).

export interface ProfileStatistics {
  readonly passed: number;
  readonly failed: number;
  readonly flaky: number;
  readonly skipped: number;
  readonly filtered: number;
}

export interface CoreReport {
  readonly result: ProfileVerdict;
  readonly summary: string;
  readonly statistics: ProfileStatistics;
  readonly failedTests: readonly string[];
  readonly skippedTests: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
}

export interface ExtendedReport {
  readonly result: ProfileVerdict;
  readonly summary: string;
  readonly statistics: ProfileStatistics;
  readonly failedTests: readonly string[];
  /** Features (Feature:X without the prefix) with at least one test that ran. */
  readonly supportedFeatures: readonly string[];
  /** Features whose every selected test was skipped, with the first reason. */
  readonly unsupportedFeatures: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
}

export interface ProfileReport {
  readonly name: string;
  readonly description: string;
  readonly claimedBy: readonly string[];
  readonly claimed: boolean;
  /** Why the profile is not claimed. */
  readonly reason?: string;
  readonly core?: CoreReport;
  readonly extended?: ExtendedReport;
}

function statisticsOf(tests: readonly TestResult[]): ProfileStatistics {
  const count = (status: TestResult['status']) => tests.filter((t) => t.status === status).length;
  return { passed: count('passed'), failed: count('failed'), flaky: count('flaky'), skipped: count('skipped'), filtered: count('filtered') };
}

function describeCounts(s: ProfileStatistics, total: number, completed: boolean): string {
  return (
    `${s.passed + s.flaky} of ${total} passed` +
    (s.failed ? `, ${s.failed} failed` : '') +
    (s.skipped ? `, ${s.skipped} skipped` : '') +
    (s.filtered ? `, ${s.filtered} not selected` : '') +
    (completed ? '' : '; the run did not complete')
  );
}

const ran = (t: TestResult) => t.status === 'passed' || t.status === 'failed' || t.status === 'flaky';

/** failure: a core test failed or the run did not complete; partial: some did not run, or none passed; success: all passed. */
export function coreReport(tests: readonly TestResult[], completed: boolean): CoreReport {
  const statistics = statisticsOf(tests);
  const notRun = tests.filter((t) => t.status === 'skipped' || t.status === 'filtered');
  const result: ProfileVerdict =
    statistics.failed > 0 || !completed ? 'failure' : notRun.length > 0 || statistics.passed + statistics.flaky === 0 ? 'partial' : 'success';
  return {
    result,
    summary: describeCounts(statistics, tests.length, completed),
    statistics,
    failedTests: tests.filter((t) => t.status === 'failed').map((t) => t.id),
    skippedTests: notRun.map((t) => ({ id: t.id, reason: t.reason ?? t.status })),
  };
}

/** Extended results count only the features the target supports: an unsupported feature is reported, not held against it. */
export function extendedReport(tests: readonly TestResult[], completed: boolean): ExtendedReport {
  const byFeature = new Map<string, TestResult[]>();
  for (const test of tests) for (const feature of featureNames(test.tags)) byFeature.set(feature, [...(byFeature.get(feature) ?? []), test]);
  const supported = [...byFeature].filter(([, members]) => members.some(ran)).map(([name]) => name).sort();
  // Only a skip decided against the target makes a feature unsupported; "not run" (the run ended first) says nothing of it.
  const skippedForTarget = (t: TestResult) => t.status === 'skipped' && !(t.reason ?? '').startsWith('not run');
  const unsupported = [...byFeature]
    .filter(([name, members]) => !supported.includes(name) && members.some(skippedForTarget))
    .map(([name, members]) => ({ name, reason: members.find(skippedForTarget)!.reason ?? 'skipped' }))
    .sort((a, b) => a.name.localeCompare(b.name));
  // A test not run counts against the result only when every feature it belongs to is supported.
  const missedInSupported = tests.filter((t) => !ran(t) && featureNames(t.tags).every((f) => supported.includes(f)));
  const statistics = statisticsOf(tests);
  const result: ProfileVerdict = statistics.failed > 0 || !completed ? 'failure' : missedInSupported.length > 0 ? 'partial' : 'success';
  return {
    result,
    summary: `${describeCounts(statistics, tests.length, completed)}; ${supported.length} of ${byFeature.size} features supported`,
    statistics,
    failedTests: tests.filter((t) => t.status === 'failed').map((t) => t.id),
    supportedFeatures: supported,
    unsupportedFeatures: unsupported,
  };
}

/** The profile a result belongs to: recorded at run time, or derived for results written before profiles existed. */
function profileNameOf(test: TestResult, profiles: readonly ProfileDefinition[]): string | undefined {
  return test.conformanceProfile ?? profileOf(test, profiles)?.name;
}

export function profileReports(run: Pick<RunResult, 'results' | 'capabilities' | 'outcome'>, profiles: readonly ProfileDefinition[]): ProfileReport[] {
  const completed = run.outcome === 'completed';
  const capabilities = new Set(run.capabilities);
  return profiles.map((profile) => {
    const base = { name: profile.name, description: profile.description, claimedBy: profile.claimedBy };
    const lacking = profile.claimedBy.filter((c) => !capabilities.has(c));
    if (lacking.length > 0) {
      const reason = run.capabilities.length === 0 && !completed ? 'the run did not reach the target' : `the target lacks ${lacking.join(', ')}`;
      return { ...base, claimed: false, reason };
    }
    const members = run.results.filter((t) => profileNameOf(t, profiles) === profile.name);
    return {
      ...base,
      claimed: true,
      core: coreReport(members.filter((t) => t.profile === 'core'), completed),
      extended: extendedReport(members.filter((t) => t.profile === 'extended'), completed),
    };
  });
}

/** One console line per profile: "profile node: core success (45 of 45 passed); extended partial …". */
export function profileLine(report: ProfileReport): string {
  if (!report.claimed) return `profile ${report.name}: not claimed (${report.reason ?? 'not claimed'})`;
  const { core, extended } = report;
  const unsupported = extended!.unsupportedFeatures.map((f) => f.name);
  return (
    `profile ${report.name}: core ${core!.result} (${core!.summary}); extended ${extended!.result} (${extended!.summary})` +
    (extended!.supportedFeatures.length ? `; supported: ${extended!.supportedFeatures.join(', ')}` : '') +
    (unsupported.length ? `; unsupported: ${unsupported.join(', ')}` : '')
  );
}
