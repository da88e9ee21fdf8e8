// Per-profile results (Gateway API's ConformanceReport) and the rule that a run that showed nothing is not green.
import { describe, expect, it } from 'vitest';
import { coreReport, extendedReport, profileLine, profileReports } from '../../src/core/profiles.js';
import { notGreenReason, runPassed, summarize } from '../../src/core/results.js';
import { sampleTest } from '../reporters/support/sample-run.js';

type Status = 'passed' | 'failed' | 'skipped' | 'filtered' | 'flaky';
const t = (id: string, status: Status, tags: string[] = [], profile: 'core' | 'extended' = 'core') => sampleTest({ id, title: id, status, profile, tags, reason: `${status} because` });
const ext = (id: string, status: Status, ...features: string[]) => t(id, status, features.map((f) => `Feature:${f}`), 'extended');

describe('core result', () => {
  it('success when all passed (flakes pass), partial when some did not run or none passed, failure on a failure or an unfinished run', () => {
    expect(coreReport([t('a', 'passed'), t('b', 'flaky')], true).result).toBe('success');
    expect(coreReport([t('a', 'passed'), t('b', 'skipped')], true)).toMatchObject({ result: 'partial', skippedTests: [{ id: 'b', reason: 'skipped because' }] });
    expect(coreReport([t('a', 'passed'), t('c', 'filtered')], true).result).toBe('partial');
    expect(coreReport([], true).result).toBe('partial');
    expect(coreReport([t('a', 'failed'), t('b', 'skipped')], true)).toMatchObject({ result: 'failure', failedTests: ['a'], statistics: { failed: 1, skipped: 1 } });
    expect(coreReport([t('a', 'passed')], false).result).toBe('failure');
  });
});

describe('extended result', () => {
  it('lists supported and unsupported features; an unsupported feature is not held against the result', () => {
    const report = extendedReport([ext('s1', 'passed', 'Snap'), ext('s2', 'skipped', 'Snap', 'Block'), ext('b1', 'skipped', 'Block'), ext('c1', 'skipped', 'Clone')], true);
    expect(report.supportedFeatures).toEqual(['Snap']);
    expect(report.unsupportedFeatures).toEqual([{ name: 'Block', reason: 'skipped because' }, { name: 'Clone', reason: 'skipped because' }]);
    expect(report.result).toBe('success');
  });

  it('calls no feature unsupported when the run ended before its tests (they were not run, not refused)', () => {
    const notRun = { ...ext('s1', 'skipped', 'Snap'), reason: 'not run: target unreachable: no such socket file' };
    const report = extendedReport([notRun], false);
    expect(report.unsupportedFeatures).toEqual([]);
    expect(report.supportedFeatures).toEqual([]);
    expect(report.result).toBe('failure');
  });

  it('is partial when a test of a supported feature did not run, failure when one failed', () => {
    expect(extendedReport([ext('s1', 'passed', 'Snap'), ext('s2', 'skipped', 'Snap')], true).result).toBe('partial');
    expect(extendedReport([ext('s1', 'failed', 'Snap')], true)).toMatchObject({ result: 'failure', failedTests: ['s1'], supportedFeatures: ['Snap'] });
  });
});

describe('profileReports', () => {
  const profiles = [
    { name: 'node', description: '', claimedBy: [] },
    { name: 'controller', description: '', claimedBy: ['ctrl'] },
  ];
  const results = [
    { ...t('n1', 'passed'), conformanceProfile: 'node' },
    { ...t('c1', 'skipped'), requires: ['ctrl'] }, // written before profiles existed: placed by its requires
  ];

  it('reports a profile as claimed only when the target has its whole claim, and says why not', () => {
    const [node, controller] = profileReports({ results, capabilities: [], outcome: 'completed' }, profiles);
    expect(node).toMatchObject({ claimed: true, core: { result: 'success' } });
    expect(controller).toEqual({ name: 'controller', description: '', claimedBy: ['ctrl'], claimed: false, reason: 'the target lacks ctrl' });
    expect(profileLine(controller!)).toBe('profile controller: not claimed (the target lacks ctrl)');
    expect(profileLine(node!)).toBe('profile node: core success (1 of 1 passed); extended success (0 of 0 passed; 0 of 0 features supported)');
  });

  it('places results by their recorded profile or, for older results, by their requires', () => {
    const [, controller] = profileReports({ results, capabilities: ['ctrl'], outcome: 'completed' }, profiles);
    expect(controller!.core).toMatchObject({ result: 'partial', skippedTests: [{ id: 'c1' }] });
  });
});

describe('a run that showed nothing is not green', () => {
  const run = (statuses: Status[], profiles?: ReturnType<typeof profileReports>) => {
    const results = statuses.map((s, i) => t(`t${i}`, s));
    return { summary: summarize(results), outcome: 'completed' as const, ...(profiles ? { profiles } : {}) };
  };

  it('passes when something passed and nothing failed', () => {
    expect(runPassed(run(['passed', 'skipped']))).toBe(true);
  });

  it('fails when every selected test was skipped', () => {
    expect(notGreenReason(run(['skipped', 'skipped', 'filtered']))).toBe('no selected test passed (2 skipped): nothing was shown to conform');
  });

  it('fails when the target claims no profile', () => {
    const profiles = profileReports({ results: [], capabilities: [], outcome: 'completed' }, [{ name: 'controller', description: '', claimedBy: ['ctrl'] }]);
    expect(notGreenReason(run(['passed'], profiles))).toBe('the target claims no conformance profile (controller: the target lacks ctrl)');
  });
});
