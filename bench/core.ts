// Per-test harness overhead: the runner's own cost (deadline, ledger, context, result) measured
// with tests whose bodies do nothing, serial and parallel.
import { buildCatalog, makeSelector } from '../src/core/catalog.js';
import { runCatalog } from '../src/core/runner.js';
import { defineTest } from '../src/core/test.js';
import { figure, heading } from './stats.js';

export async function benchCore(): Promise<void> {
  heading('core: per-test harness overhead (empty test bodies)');
  const count = 5000;
  const tests = Array.from({ length: count }, (_, i) =>
    defineTest<undefined>({
      id: `bench.empty-${i}`,
      title: `empty ${i}`,
      spec: { section: 'bench', rule: 'none' },
      profile: 'core',
      run: async (ctx) => {
        ctx.ledger.add('nothing', async () => {});
      },
    }),
  );
  const entries = buildCatalog('bench', tests);
  for (const parallel of [1, 8]) {
    const started = performance.now();
    await runCatalog({
      entries,
      select: makeSelector({ focus: [], skip: [] }),
      env: undefined,
      capabilities: new Set(),
      parallel,
      timeoutMs: 10_000,
      retries: 0,
      cleanupTimeoutMs: 10_000,
      runId: 'bench',
      interrupt: new AbortController().signal,
    });
    const elapsed = performance.now() - started;
    figure(`overhead per test, parallel ${parallel} (${count} tests)`, (elapsed * 1000) / count, 'µs');
  }
}
