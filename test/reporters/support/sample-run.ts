// Builds RunResult values for reporter tests: a small but complete run with every status, so each
// reporter is exercised on passed, failed, skipped, filtered and flaky tests.
import { profileReports } from '../../../src/core/profiles.js';
import { RESULT_SCHEMA_VERSION, summarize, type AttemptStatus, type RunResult, type TestResult } from '../../../src/core/results.js';
import { fullNameOf, tagsOf, type Profile } from '../../../src/core/test.js';

interface TestSpec {
  readonly id: string;
  readonly title: string;
  readonly status: TestResult['status'];
  readonly profile?: Profile;
  readonly tags?: string[];
  readonly reason?: string;
  readonly operations?: string[];
  readonly requires?: string[];
  readonly section?: string;
  readonly rule?: string;
}

export function sampleTest(spec: TestSpec, interfaceName = 'csi'): TestResult {
  const profile = spec.profile ?? 'core';
  const at = '2026-11-21T12:00:00.000Z';
  const attempt = (status: AttemptStatus, n: number) => ({
    attempt: n,
    status,
    startedAt: at,
    durationMs: 120,
    log: [`attempt ${n}`],
    ...(status === 'failed' ? { error: { message: spec.reason ?? 'failed', code: 'CONFORMAL_ASSERTION', detail: 'stack' } } : {}),
  });
  const attempts =
    spec.status === 'filtered'
      ? []
      : spec.status === 'flaky'
        ? [attempt('failed', 1), attempt('passed', 2)]
        : [attempt(spec.status === 'skipped' ? 'skipped' : spec.status, 1)];
  return {
    id: spec.id,
    name: fullNameOf(interfaceName, { title: spec.title, tags: spec.tags ?? [], profile }),
    title: spec.title,
    spec: { section: spec.section ?? 'CreateVolume', rule: spec.rule ?? `rule of ${spec.title}` },
    profile,
    tags: tagsOf({ tags: spec.tags ?? [], profile }),
    requires: spec.requires ?? [],
    operations: spec.operations ?? ['CreateVolume'],
    status: spec.status,
    ...(spec.reason !== undefined ? { reason: spec.reason } : {}),
    durationMs: attempts.length * 120,
    attempts,
  };
}

export const defaultTests: TestSpec[] = [
  { id: 'csi.identity.info', title: 'GetPluginInfo returns a name', status: 'passed', operations: ['GetPluginInfo'], section: 'GetPluginInfo' },
  { id: 'csi.controller.create.idempotent', title: 'CreateVolume is idempotent', status: 'failed', reason: 'CreateVolume: expected the same volume id, got a new one' },
  { id: 'csi.controller.snapshot', title: 'CreateSnapshot makes a snapshot', status: 'skipped', profile: 'extended', tags: ['Feature:Snapshot'], reason: 'not supported: capability CREATE_DELETE_SNAPSHOT missing', requires: ['CREATE_DELETE_SNAPSHOT'], operations: ['CreateSnapshot'], section: 'CreateSnapshot' },
  { id: 'csi.controller.list', title: 'ListVolumes pages', status: 'filtered', profile: 'extended', reason: 'filtered: --skip ListVolumes', operations: ['ListVolumes'], section: 'ListVolumes' },
  { id: 'csi.node.publish', title: 'NodePublishVolume mounts', status: 'flaky', operations: ['NodePublishVolume'], section: 'NodePublishVolume' },
];

/** Two profiles: one every target claims, one the sample target does not (it lacks CREATE_DELETE_SNAPSHOT). */
export const SAMPLE_PROFILES = [
  { name: 'node', description: 'every driver', claimedBy: [] },
  { name: 'snapshots', description: 'drivers with snapshots', claimedBy: ['CREATE_DELETE_SNAPSHOT'] },
];

export function sampleRun(overrides: Partial<RunResult> = {}, tests: TestSpec[] = defaultTests): RunResult {
  const results = overrides.results ?? tests.map((t) => sampleTest(t));
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    harness: { name: 'conformal', version: '0.1.0' },
    interface: { name: 'csi', title: 'Container Storage Interface', specVersion: '1.12.0' },
    implementation: { name: 'hostpath.csi.example.com', version: 'v1.2.3', endpoint: 'unix:///run/csi.sock' },
    startedAt: '2026-11-21T12:00:00.000Z',
    finishedAt: '2026-11-21T12:01:30.000Z',
    durationMs: 90_000,
    command: ['conformal', 'run', 'csi', '--endpoint', 'unix:///run/csi.sock'],
    outcome: 'completed',
    capabilities: ['CREATE_DELETE_VOLUME'],
    leaks: [],
    warnings: [],
    ...overrides,
    results,
    summary: overrides.summary ?? summarize(results),
    profiles: overrides.profiles ?? profileReports({ results, capabilities: overrides.capabilities ?? ['CREATE_DELETE_VOLUME'], outcome: overrides.outcome ?? 'completed' }, SAMPLE_PROFILES),
  };
}
