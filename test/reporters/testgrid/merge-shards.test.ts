import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../../src/core/catalog.js';
import { UsageError } from '../../../src/core/errors.js';
import { summarize, type RunResult, type TestResult } from '../../../src/core/results.js';
import { mergeShards } from '../../../reporters/testgrid/merge-shards.js';
import { requireTool } from '../../support/real-tools.js';
import { runConformal } from '../support/run-cli.js';
import { sampleRun, sampleTest } from '../support/sample-run.js';

/** The shard `index` of `total` as the core writes it: other shards' tests filtered. */
function shardOfRun(full: RunResult, index: number, total: number, startedAt: string): RunResult {
  const results: TestResult[] = full.results.map((t) =>
    shardOf(t.id, total) === index ? t : { ...t, status: 'filtered', reason: `in another shard than ${index}/${total}`, attempts: [], durationMs: 0 },
  );
  return { ...full, shard: { index, total }, startedAt, results, summary: summarize(results) };
}

describe('mergeShards', () => {
  const full = sampleRun({}, Array.from({ length: 12 }, (_, i) => ({ id: `csi.t${i}`, title: `T${i}`, status: i % 4 === 0 ? 'failed' as const : i % 5 === 0 ? 'skipped' as const : 'passed' as const, reason: 'r' })));
  const shards = [1, 2, 3].map((i) => shardOfRun(full, i, 3, `2026-11-21T12:0${i}:00.000Z`));

  it('gives back the unsharded results and counts, whatever the order of shards', () => {
    const merged = mergeShards([shards[2]!, shards[0]!, shards[1]!]);
    expect(merged.results).toEqual(full.results);
    expect(merged.summary).toEqual(full.summary);
    expect(merged.shard).toBeUndefined();
    expect(merged.startedAt).toBe('2026-11-21T12:01:00.000Z');
  });

  it('keeps the worst outcome', () => {
    const merged = mergeShards([shards[0]!, { ...shards[1]!, outcome: 'interrupted' }, shards[2]!]);
    expect(merged.outcome).toBe('interrupted');
  });

  it.each([
    ['a missing shard', () => [shards[0]!, shards[1]!], 'need each of 1, 2, 3'],
    ['a duplicate shard', () => [shards[0]!, shards[0]!, shards[2]!], 'need each of 1, 2, 3'],
    ['an unsharded result', () => [full], 'not run with --shard'],
    ['another interface', () => [shards[0]!, shards[1]!, { ...shards[2]!, interface: { ...full.interface, name: 'cri' } }], 'disagree on the interface'],
    ['another shard count', () => [shards[0]!, shards[1]!, { ...shards[2]!, shard: { index: 3, total: 4 } }], 'disagree on the shard count'],
  ])('refuses %s', (_what, runs, message) => {
    expect(() => mergeShards(runs())).toThrow(UsageError);
    expect(() => mergeShards(runs())).toThrow(message);
  });

  it('refuses a shard that lacks a test', () => {
    const broken = { ...shards[1]!, results: shards[1]!.results.filter((t) => shardOf(t.id, 3) !== 2).slice(0) };
    const owned = full.results.some((t) => shardOf(t.id, 3) === 2);
    expect(owned).toBe(true);
    expect(() => mergeShards([shards[0]!, broken, shards[2]!])).toThrow(/missing from shard 2\/3/);
  });

  it('passes through a test filtered by the user in every shard', () => {
    const filtered = sampleTest({ id: 'csi.filtered', title: 'F', status: 'filtered', reason: 'not matched by --focus' });
    const withFiltered = sampleRun({ results: [...full.results, filtered] });
    const merged = mergeShards([1, 2].map((i) => shardOfRun(withFiltered, i, 2, withFiltered.startedAt)));
    expect(merged.results.at(-1)).toMatchObject({ status: 'filtered' });
  });
});

const parser = requireTool('CONFORMAL_TESTGRID_JUNIT');

describe('conformal merge over real shards', () => {
  it('two cri shards merge to the same results as one run, and testgrid sees the same rows', async () => {
    const root = await mkdtemp(join(tmpdir(), 'merge-'));
    const fault = ['--reference-fault', 'exec-sync-loses-exit-code', '--quiet'];
    const whole = await runConformal(['run', 'cri', ...fault, '--report-dir', join(root, 'whole')]);
    expect(whole.code, whole.stderr).toBe(1);
    for (const i of [1, 2]) {
      const shard = await runConformal(['run', 'cri', ...fault, '--shard', `${i}/2`, '--report-dir', join(root, `s${i}`)]);
      expect([0, 1], shard.stderr).toContain(shard.code);
    }
    const merge = await runConformal(['merge', join(root, 'job', '7'), join(root, 's1'), join(root, 's2')]);
    expect(merge.code, merge.stderr).toBe(1);
    const read = async (dir: string) => JSON.parse(await readFile(join(dir, 'artifacts', 'results.json'), 'utf8')) as RunResult;
    const [single, merged] = [await read(join(root, 'whole')), await read(join(root, 'job', '7'))];
    expect(merged.summary).toEqual(single.summary);
    expect(merged.results.map((t) => [t.id, t.status])).toEqual(single.results.map((t) => [t.id, t.status]));
    expect((await readdir(join(root, 'job', '7', 'artifacts'))).filter((f) => f.startsWith('junit_')).sort()).toEqual(['junit_01.xml', 'junit_02.xml']);
    expect(JSON.parse(await readFile(join(root, 'job', '7', 'finished.json'), 'utf8'))).toMatchObject({ passed: false, result: 'FAILURE' });
    expect(await readFile(join(root, 'job', 'latest-build.txt'), 'utf8')).toBe('7');
    if (!parser) return;
    const rowsOf = (files: string[]) =>
      new Promise<string[]>((resolve, reject) =>
        execFile(parser, files, { maxBuffer: 1 << 26 }, (error, stdout) => {
          if (error) return reject(error);
          const reports = JSON.parse(stdout) as { rows: { name: string; status: string }[] }[];
          resolve(reports.flatMap((r) => r.rows.map((row) => `${row.name} ${row.status}`)).sort());
        }),
      );
    const mergedRows = await rowsOf(['junit_01.xml', 'junit_02.xml'].map((f) => join(root, 'job', '7', 'artifacts', f)));
    expect(mergedRows).toEqual(await rowsOf([join(root, 'whole', 'artifacts', 'junit_01.xml')]));
  }, 300_000);
});
