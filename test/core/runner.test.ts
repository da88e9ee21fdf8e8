import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { buildCatalog, makeSelector } from '../../src/core/catalog.js';
import { waitFor } from '../../src/core/deadline.js';
import { runCatalog, type RunnerOptions } from '../../src/core/runner.js';
import type { TestDefinition } from '../../src/core/test.js';
import { fakeEnv, fakeTest, type FakeEnv } from '../support/fake-plugin.js';

function options(tests: TestDefinition<FakeEnv>[], overrides: Partial<RunnerOptions<FakeEnv>> = {}): RunnerOptions<FakeEnv> {
  return {
    entries: buildCatalog('fake', tests),
    select: makeSelector({ focus: [], skip: [] }),
    env: fakeEnv(),
    capabilities: new Set(['cap.present']),
    parallel: 4,
    timeoutMs: 2000,
    retries: 0,
    cleanupTimeoutMs: 2000,
    runId: 'run1',
    interrupt: new AbortController().signal,
    ...overrides,
  };
}

describe('runCatalog', () => {
  it('skips a test whose capability is missing before its body runs, naming the capability', async () => {
    let ran = false;
    const [result] = await runCatalog(options([fakeTest({ id: 't.skip', requires: ['cap.present', 'cap.absent'], run: async () => { ran = true; } })]));
    expect(ran).toBe(false);
    expect(result!.status).toBe('skipped');
    expect(result!.reason).toBe('not supported: the target lacks capability cap.absent');
  });

  it('drains the ledger newest first even when the body fails', async () => {
    const env = fakeEnv();
    const undone: string[] = [];
    const test = fakeTest({
      id: 't.fail',
      run: async (ctx) => {
        ctx.ledger.add('first', async () => { undone.push('first'); });
        ctx.ledger.add('second', async () => { undone.push('second'); });
        throw new Error('body broke');
      },
    });
    const [result] = await runCatalog(options([test], { env }));
    expect(result!.status).toBe('failed');
    expect(result!.reason).toBe('body broke');
    expect(undone).toEqual(['second', 'first']);
  });

  it('fails a hung test at its deadline without hanging the run, and still cleans up', async () => {
    let cleaned = false;
    const hung = fakeTest({
      id: 't.hung',
      timeoutMs: 100,
      run: async (ctx) => {
        ctx.ledger.add('object', async () => { cleaned = true; });
        await new Promise(() => {}); // never settles, ignores the signal
      },
    });
    const started = Date.now();
    const [result, other] = await runCatalog(options([hung, fakeTest({ id: 't.ok' })]));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result!.status).toBe('failed');
    expect(result!.attempts[0]!.error?.code).toBe('CONFORMAL_TIMEOUT');
    expect(cleaned).toBe(true);
    expect(other!.status).toBe('passed');
  });

  it('at the deadline, reports what a signal-honouring wait was waiting for, not only that time ran out', async () => {
    const waiting = fakeTest({
      id: 't.waits',
      timeoutMs: 150,
      run: async (ctx) => {
        await waitFor(async () => undefined, { signal: ctx.signal, description: 'container c1 to exit', lastSeen: () => 'state CONTAINER_RUNNING' });
      },
    });
    const [result] = await runCatalog(options([waiting]));
    expect(result!.status).toBe('failed');
    expect(result!.attempts[0]!.error?.code).toBe('CONFORMAL_TIMEOUT');
    expect(result!.reason).toContain('waiting for container c1 to exit (last seen: state CONTAINER_RUNNING)');
  });

  it('a cleanup failure fails an otherwise passing test and names the object', async () => {
    const test = fakeTest({ id: 't.cleanup', run: async (ctx) => { ctx.ledger.add('volume v1', async () => { throw new Error('busy'); }); } });
    const [result] = await runCatalog(options([test]));
    expect(result!.status).toBe('failed');
    expect(result!.reason).toBe('cleanup of volume v1 failed: busy');
  });

  it('a released ledger entry is not undone', async () => {
    let undone = false;
    const test = fakeTest({ id: 't.release', run: async (ctx) => { ctx.ledger.add('x', async () => { undone = true; }).release(); } });
    await runCatalog(options([test]));
    expect(undone).toBe(false);
  });

  it('reports a fail-then-pass as flaky and keeps every attempt', async () => {
    let calls = 0;
    const test = fakeTest({ id: 't.flaky', run: async () => { if (++calls === 1) throw new Error('first time'); } });
    const [result] = await runCatalog(options([test], { retries: 2 }));
    expect(result!.status).toBe('flaky');
    expect(result!.attempts.map((a) => a.status)).toEqual(['failed', 'passed']);
  });

  it('a test failing every attempt stays failed with all attempts kept', async () => {
    const test = fakeTest({ id: 't.broken', run: async () => { throw new Error('always'); } });
    const [result] = await runCatalog(options([test], { retries: 2 }));
    expect(result!.status).toBe('failed');
    expect(result!.attempts).toHaveLength(3);
  });

  it('notSupported ends an extended test as skipped with the reason', async () => {
    const test = fakeTest({ id: 't.unimpl', profile: 'extended', tags: ['Feature:Events'], run: async (ctx) => ctx.notSupported('GetContainerEvents answered UNIMPLEMENTED') });
    const [result] = await runCatalog(options([test]));
    expect(result!.status).toBe('skipped');
    expect(result!.reason).toBe('not supported: GetContainerEvents answered UNIMPLEMENTED');
  });

  it('notSupported fails a core test: a mandatory behaviour answered "not supported"', async () => {
    const test = fakeTest({ id: 't.core-unimpl', run: async (ctx) => ctx.notSupported('ListContainers answered UNIMPLEMENTED') });
    const [result] = await runCatalog(options([test]));
    expect(result!.status).toBe('failed');
    expect(result!.reason).toBe('a mandatory [Conformance] behaviour was answered "not supported": ListContainers answered UNIMPLEMENTED');
    expect(result!.attempts[0]!.error!.code).toBe('CONFORMAL_NOT_SUPPORTED');
  });

  it('explains a capability skip by the kind of what is missing: profile claim, feature, setting, environment', async () => {
    const profiles = [
      { name: 'base', description: '', claimedBy: [] },
      { name: 'svc', description: '', claimedBy: ['svc'] },
    ];
    const capabilityCatalog = [
      { name: 'svc', kind: 'claim' as const, description: 'serves svc' },
      { name: 'fast', kind: 'feature' as const, description: 'goes fast' },
      { name: 'peer', kind: 'setting' as const, flag: '--peer', description: 'another peer is known' },
      { name: 'local', kind: 'environment' as const, description: 'the target runs here' },
    ];
    const tests = [
      fakeTest({ id: 't.claim', requires: ['svc', 'fast'], profile: 'extended', tags: ['Feature:Fast'] }),
      fakeTest({ id: 't.feature', requires: ['fast'], profile: 'extended', tags: ['Feature:Fast'] }),
      fakeTest({ id: 't.setting', requires: ['peer'], profile: 'extended', tags: ['Feature:Peers'] }),
      fakeTest({ id: 't.env', requires: ['local'] }),
    ];
    const results = await runCatalog(options(tests, { capabilities: new Set(), profiles, capabilityCatalog, entries: buildCatalog('fake', tests, profiles) }));
    expect(results.map((r) => r.reason)).toEqual([
      'profile svc not claimed: the target lacks svc',
      'feature Fast not supported: the target lacks fast (goes fast)',
      'needs --peer: peer (another peer is known)',
      'environment lacks local: the target runs here',
    ]);
    expect(results.map((r) => r.conformanceProfile)).toEqual(['svc', 'base', 'base', 'base']);
  });

  it('unique names differ per test and per call, and carry the run id', async () => {
    const names: string[] = [];
    const body = async (ctx: { unique(base: string): string }) => { names.push(ctx.unique('vol'), ctx.unique('vol')); };
    await runCatalog(options([fakeTest({ id: 't.u1', run: body }), fakeTest({ id: 't.u2', run: body })]));
    expect(new Set(names).size).toBe(4);
    for (const name of names) expect(name).toMatch(/^vol-run1-[0-9a-f]{6}-1-\d+$/);
  });

  it('runs parallel-safe tests concurrently and serial tests alone', async () => {
    let running = 0;
    let maxParallel = 0;
    let serialSawOthers = false;
    const body = async () => { running++; maxParallel = Math.max(maxParallel, running); await sleep(30); running--; };
    const tests = [
      ...Array.from({ length: 6 }, (_, i) => fakeTest({ id: `t.p${i}`, run: body })),
      fakeTest({ id: 't.serial', serial: true, run: async () => { serialSawOthers = running > 0; } }),
    ];
    const started = Date.now();
    const results = await runCatalog(options(tests, { parallel: 3 }));
    expect(maxParallel).toBe(3);
    expect(serialSawOthers).toBe(false);
    expect(Date.now() - started).toBeLessThan(6 * 30);
    expect(results.map((r) => r.id)).toEqual(tests.map((t) => t.id)); // catalog order kept
  });

  it('never runs a test that changes a shared state beside one that needs it steady; tests on one side run together', async () => {
    const live = new Set<string>();
    const together = new Map<string, Set<string>>();
    const body = async (ctx: { test: { id: string } }) => {
      const id = ctx.test.id;
      together.set(id, new Set(live));
      for (const other of live) together.get(other)!.add(id);
      live.add(id);
      await sleep(30);
      live.delete(id);
    };
    const changes = { changes: ['nodes'] };
    const steady = { needsSteady: ['nodes'] };
    const tests = [
      fakeTest({ id: 't.steady0', sharedState: steady, run: body }),
      fakeTest({ id: 't.change0', sharedState: changes, run: body }),
      fakeTest({ id: 't.steady1', sharedState: steady, run: body }),
      fakeTest({ id: 't.both', sharedState: { ...changes, ...steady }, run: body }),
      fakeTest({ id: 't.change1', sharedState: changes, run: body }),
      fakeTest({ id: 't.free', run: body }),
      fakeTest({ id: 't.steady2', sharedState: steady, run: body }),
      fakeTest({ id: 't.change2', sharedState: { changes: ['nodes', 'routes'] }, run: body }),
    ];
    const results = await runCatalog(options(tests, { parallel: 4 }));
    expect(results.map((r) => r.status)).toEqual(tests.map(() => 'passed'));
    const side = (id: string) => (id.startsWith('t.change') ? 'change' : id.startsWith('t.steady') ? 'steady' : id.slice(2));
    const pairs = [...together].flatMap(([id, others]) => [...others].map((other) => [side(id), side(other)].sort().join('+')));
    // Clashing pairs never overlapped, and each side still ran with itself.
    expect(pairs.filter((pair) => ['change+steady', 'both+change', 'both+steady'].includes(pair))).toEqual([]);
    expect(pairs).toContain('change+change');
    expect(pairs).toContain('steady+steady');
  });

  it('runs a test where the session places it: in its own environment, and in parallel when placed so although serial', async () => {
    let running = 0;
    let serialSawOthers = false;
    const own = fakeEnv();
    const seen = new Map<string, FakeEnv>();
    const body = async (ctx: { env: FakeEnv; test: { id: string } }) => { seen.set(ctx.test.id, ctx.env); running++; await sleep(30); running--; };
    const tests = [
      fakeTest({ id: 't.shared', run: body }),
      fakeTest({ id: 't.own', serial: true, run: async (ctx) => { serialSawOthers = running > 0; await body(ctx); } }),
    ];
    const shared = fakeEnv();
    await runCatalog(options(tests, { env: shared, placement: (test) => (test.id === 't.own' ? { env: own, serial: false } : { env: shared, serial: test.serial === true }) }));
    expect(seen.get('t.shared')).toBe(shared);
    expect(seen.get('t.own')).toBe(own);
    expect(serialSawOthers).toBe(true);
  });

  it('starts the tests placed first before the others, and reports in catalog order', async () => {
    const started: string[] = [];
    const tests = ['t.a', 't.b', 't.long'].map((id) => fakeTest({ id, run: async () => { started.push(id); } }));
    const env = fakeEnv();
    const results = await runCatalog(options(tests, { parallel: 1, placement: (test) => ({ env, serial: false, first: test.id === 't.long' }) }));
    expect(started).toEqual(['t.long', 't.a', 't.b']);
    expect(results.map((r) => r.id)).toEqual(['t.a', 't.b', 't.long']);
  });

  it('records filtered tests with the reason and does not run them', async () => {
    let ran = false;
    const results = await runCatalog(options([fakeTest({ id: 't.skipme', run: async () => { ran = true; } })], { select: makeSelector({ focus: [], skip: ['skipme'] }) }));
    expect(ran).toBe(false);
    expect(results[0]!.status).toBe('filtered');
  });

  it('an interrupt cancels running tests, reports them not finished (not failed) and starts no new ones', async () => {
    const controller = new AbortController();
    let cleanedUp = false;
    const tests = [
      fakeTest({
        id: 't.long',
        run: async (ctx) => {
          ctx.ledger.add('scratch object', async () => { cleanedUp = true; });
          setTimeout(() => controller.abort(new Error('SIGINT')), 20);
          await sleep(5000, undefined, { signal: ctx.signal });
        },
      }),
      fakeTest({ id: 't.later', serial: true }),
    ];
    const results = await runCatalog(options(tests, { interrupt: controller.signal }));
    expect(results[0]).toMatchObject({ status: 'interrupted', reason: 'not finished: run interrupted' });
    expect(results[0]!.attempts.map((a) => a.status)).toEqual(['interrupted']);
    expect(cleanedUp).toBe(true); // the ledger of a test cut short is still drained
    expect(results[1]!.status).toBe('skipped');
    expect(results[1]!.reason).toMatch(/interrupted/);
  });

  it('a test that failed before the interrupt stays failed', async () => {
    const controller = new AbortController();
    const tests = [
      fakeTest({ id: 't.broken', run: async () => { throw new Error('wrong answer'); } }),
      fakeTest({ id: 't.long', serial: true, run: async (ctx) => { controller.abort(new Error('SIGINT')); await sleep(5000, undefined, { signal: ctx.signal }); } }),
    ];
    const results = await runCatalog(options(tests, { interrupt: controller.signal }));
    expect(results.map((r) => r.status)).toEqual(['failed', 'interrupted']);
  });
});
