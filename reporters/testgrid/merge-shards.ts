// Merges the results of a run split with --shard i/n across CI workers. Each shard's results.json
// lists every test, those of other shards as filtered; the merged result takes each test from the
// shard it belongs to (the core's deterministic shardOf), so counts equal those of one unsharded run.
import { UsageError } from '../../src/core/errors.js';
import { shardOf } from '../../src/core/catalog.js';
import { profileReports } from '../../src/core/profiles.js';
import { summarize, type RunResult } from '../../src/core/results.js';

const outcomeRank: Record<RunResult['outcome'], number> = { completed: 0, interrupted: 1, aborted: 2 };

function sameAcross<T>(runs: readonly RunResult[], pick: (run: RunResult) => T, what: string): T {
  const first = pick(runs[0]!);
  const other = runs.find((run) => JSON.stringify(pick(run)) !== JSON.stringify(first));
  if (other) throw new UsageError(`shards disagree on ${what}: ${JSON.stringify(first)} vs ${JSON.stringify(pick(other))}`, { field: 'results' });
  return first;
}

/** Shards sorted by index; every index 1..n present exactly once. */
export function checkShards(runs: readonly RunResult[]): RunResult[] {
  if (runs.length === 0) throw new UsageError('no shard results given', { field: 'results' });
  const unsharded = runs.find((run) => !run.shard);
  if (unsharded) throw new UsageError(`a result was not run with --shard (started ${unsharded.startedAt})`, { field: 'results' });
  const total = sameAcross(runs, (run) => run.shard!.total, 'the shard count');
  sameAcross(runs, (run) => run.interface.name, 'the interface');
  sameAcross(runs, (run) => run.harness.version, 'the harness version');
  const sorted = [...runs].sort((a, b) => a.shard!.index - b.shard!.index);
  const indices = sorted.map((run) => run.shard!.index);
  const expected = Array.from({ length: total }, (_, i) => i + 1);
  if (JSON.stringify(indices) !== JSON.stringify(expected)) {
    throw new UsageError(`shards ${indices.join(', ')} of ${total} given; need each of ${expected.join(', ')} exactly once`, { field: 'results' });
  }
  return sorted;
}

export function mergeShards(runs: readonly RunResult[]): RunResult {
  const shards = checkShards(runs);
  const total = shards[0]!.shard!.total;
  const first = shards[0]!;
  const results = first.results.map((test) => {
    const owner = shards[shardOf(test.id, total) - 1]!;
    const own = owner.results.find((candidate) => candidate.id === test.id);
    if (!own) throw new UsageError(`test ${test.id} is missing from shard ${owner.shard!.index}/${total}`, { field: 'results' });
    return own;
  });
  const startedAt = shards.map((run) => run.startedAt).sort()[0]!;
  const finishedAt = shards.map((run) => run.finishedAt).sort().at(-1)!;
  const { shard: _shard, ...rest } = first;
  const outcome = shards.map((run) => run.outcome).sort((a, b) => outcomeRank[b] - outcomeRank[a])[0]!;
  const capabilities = [...new Set(shards.flatMap((run) => run.capabilities))].sort();
  return {
    ...rest,
    startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
    outcome,
    capabilities,
    results,
    summary: summarize(results),
    // Recomputed over the merged results; a profile report carries its own definition (name, claimedBy).
    ...(first.profiles ? { profiles: profileReports({ results, capabilities, outcome }, first.profiles) } : {}),
    leaks: shards.flatMap((run) => run.leaks),
    warnings: [...new Set(shards.flatMap((run) => run.warnings))],
  };
}
