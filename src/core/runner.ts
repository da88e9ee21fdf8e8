// Executes a catalog against an open session: filters, capability skips decided before the body,
// a worker pool for parallel-safe tests then serial ones alone, a deadline per attempt, the ledger
// drained after every attempt, retries (flakes keep every attempt), and interruption.
import { createHash } from 'node:crypto';
import { raceSignal, deadlineSignal } from './deadline.js';
import { describeError } from './describe-error.js';
import { NotSupportedError } from './errors.js';
import { Ledger } from './ledger.js';
import type { CatalogEntry, Decision } from './catalog.js';
import type { CapabilityInfo, ProfileDefinition, TestPlacement } from './plugin.js';
import { skipReason } from './profiles.js';
import { canRunTogether } from './shared-state.js';
import { NOT_FINISHED_REASON, type AttemptResult, type ErrorInfo, type TestResult } from './results.js';
import type { TestContext, TestDefinition } from './test.js';

export interface RunnerOptions<Env> {
  readonly entries: readonly CatalogEntry<Env>[];
  readonly select: (entry: CatalogEntry<Env>) => Decision;
  readonly env: Env;
  /** The session's placement of a test (Session.placement); default: `env` and the test's `serial`. */
  readonly placement?: (test: TestDefinition<Env>) => TestPlacement<Env>;
  readonly capabilities: ReadonlySet<string>;
  /** The interface's profiles and capability kinds, so a skip says which profile, feature, setting or environment is missing. */
  readonly profiles?: readonly ProfileDefinition[];
  readonly capabilityCatalog?: readonly CapabilityInfo[];
  /** Why the target lacks a claim capability, added to the skip reason (Session.claimNotes). */
  readonly claimNotes?: ReadonlyMap<string, string>;
  /** Maximum parallel-safe tests at once. */
  readonly parallel: number;
  readonly timeoutMs: number;
  /** Extra attempts for a failing test. */
  readonly retries: number;
  readonly cleanupTimeoutMs: number;
  /** Run-wide prefix for resource names so the leak check can tell this run's objects apart. */
  readonly runId: string;
  /** Aborted on SIGINT/SIGTERM: no new test starts, running ones are cancelled. */
  readonly interrupt: AbortSignal;
  readonly onTestStart?: (entry: CatalogEntry<Env>) => void;
  readonly onTestEnd?: (result: TestResult) => void;
}

type Body = Pick<TestResult, 'status' | 'reason' | 'durationMs' | 'attempts'>;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

/** The descriptive part of a result, taken from the test's definition. */
export function baseResult<Env>(entry: CatalogEntry<Env>): Omit<TestResult, keyof Body> {
  const { test } = entry;
  return {
    id: test.id,
    name: entry.name,
    title: test.title,
    spec: test.spec,
    profile: test.profile,
    tags: entry.tags,
    requires: [...(test.requires ?? []), ...(test.requiresAny?.length ? [test.requiresAny.join('|')] : [])],
    operations: test.operations ?? [],
    ...(entry.conformanceProfile ? { conformanceProfile: entry.conformanceProfile } : {}),
  };
}

/** How long a body gets, once its deadline has passed, to reject with its own error. */
const OWN_ERROR_GRACE_MS = 250;

/** The body's own rejection if it comes within the grace, else the race's error. */
async function ownError(body: Promise<unknown>, raced: unknown): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => resolve('grace'), OWN_ERROR_GRACE_MS);
  });
  const settled = await Promise.race([body.then(() => 'grace' as const, (error: unknown) => ({ error })), grace]);
  clearTimeout(timer);
  return settled === 'grace' ? raced : settled.error;
}

async function runAttempt<Env>(entry: CatalogEntry<Env>, env: Env, attempt: number, options: RunnerOptions<Env>): Promise<AttemptResult> {
  const { test } = entry;
  const timeoutMs = test.timeoutMs ?? options.timeoutMs;
  const log: string[] = [];
  const measurements: Record<string, number> = {};
  const ledger = new Ledger();
  const deadline = deadlineSignal(timeoutMs, `test ${test.id}`, options.interrupt);
  const startedAt = new Date();
  const started = performance.now();
  let counter = 0;
  const tag = `${options.runId}-${shortHash(test.id)}-${attempt}`;
  const context: TestContext<Env> = {
    env,
    capabilities: options.capabilities,
    ledger,
    signal: deadline.signal,
    deadline: Date.now() + timeoutMs,
    test: { id: test.id, title: test.title, attempt },
    log: (message) => log.push(`${new Date().toISOString()} ${message}`),
    unique: (base) => `${base}-${tag}-${++counter}`,
    measure: (name, value) => {
      measurements[name] = value;
    },
    notSupported: (reason) => {
      throw new NotSupportedError(reason);
    },
  };

  let error: unknown;
  let notSupported: string | undefined;
  const body = Promise.resolve().then(() => test.run(context));
  try {
    await raceSignal(body, deadline.signal, `test ${test.id}`);
  } catch (raced) {
    // At the deadline, a body that honours the signal rejects at once with an error naming what it
    // was waiting for; prefer that to the bare "test did not finish" of the race.
    const thrown = deadline.signal.aborted && !options.interrupt.aborted ? await ownError(body, raced) : raced;
    if (thrown instanceof NotSupportedError) notSupported = thrown.message;
    else error = thrown;
  } finally {
    deadline.dispose();
  }
  // An attempt cut short by the interrupt did not fail: it is reported as not finished.
  const interrupted = error !== undefined && options.interrupt.aborted;

  // Cleanup gets its own deadline: it must run even when the test timed out or the run was interrupted.
  const cleanup = deadlineSignal(options.cleanupTimeoutMs, `cleanup of ${test.id}`);
  const failures = await ledger.drain(cleanup.signal);
  cleanup.dispose();
  const cleanupFailures: ErrorInfo[] = failures.map((f) => {
    const info = describeError(f.error);
    return { ...info, message: `cleanup of ${f.description} failed: ${info.message}` };
  });

  const durationMs = performance.now() - started;
  const common = { attempt, startedAt: startedAt.toISOString(), durationMs, log, ...(Object.keys(measurements).length ? { measurements } : {}) };
  if (interrupted) return { ...common, status: 'interrupted', error: { message: NOT_FINISHED_REASON }, ...(cleanupFailures.length ? { cleanupFailures } : {}) };
  if (error !== undefined) return { ...common, status: 'failed', error: describeError(error), ...(cleanupFailures.length ? { cleanupFailures } : {}) };
  if (cleanupFailures.length > 0) return { ...common, status: 'failed', error: cleanupFailures[0]!, cleanupFailures };
  // A core behaviour is mandatory for its profile: answering "not supported" is a failure, not a skip.
  if (notSupported !== undefined && test.profile === 'core') {
    return { ...common, status: 'failed', error: { message: `a mandatory [Conformance] behaviour was answered "not supported": ${notSupported}`, code: 'CONFORMAL_NOT_SUPPORTED' } };
  }
  if (notSupported !== undefined) return { ...common, status: 'skipped', error: { message: notSupported } };
  return { ...common, status: 'passed' };
}

async function runEntry<Env>(entry: CatalogEntry<Env>, env: Env, options: RunnerOptions<Env>): Promise<Body> {
  const attempts: AttemptResult[] = [];
  for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
    if (options.interrupt.aborted) break;
    const result = await runAttempt(entry, env, attempt, options);
    attempts.push(result);
    if (result.status !== 'failed') break;
  }
  const durationMs = attempts.reduce((sum, a) => sum + a.durationMs, 0);
  const last = attempts.at(-1);
  if (!last) return { status: 'skipped', reason: 'not run: the run was interrupted', durationMs: 0, attempts };
  if (last.status === 'interrupted') return { status: 'interrupted', reason: NOT_FINISHED_REASON, durationMs, attempts };
  if (last.status === 'skipped') return { status: 'skipped', reason: `not supported: ${last.error?.message ?? ''}`, durationMs, attempts };
  if (last.status === 'passed') return { status: attempts.length > 1 ? 'flaky' : 'passed', durationMs, attempts };
  return { status: 'failed', reason: last.error?.message ?? 'failed', durationMs, attempts };
}

/** Runs every entry; results come back in catalog order. */
export async function runCatalog<Env>(options: RunnerOptions<Env>): Promise<TestResult[]> {
  const results = new Map<string, TestResult>();
  const parallel: Array<{ entry: CatalogEntry<Env>; env: Env }> = [];
  const serial: Array<{ entry: CatalogEntry<Env>; env: Env }> = [];
  const first: Array<{ entry: CatalogEntry<Env>; env: Env }> = [];

  const finish = (entry: CatalogEntry<Env>, body: Body) => {
    const result: TestResult = { ...baseResult(entry), ...body };
    results.set(entry.test.id, result);
    options.onTestEnd?.(result);
  };

  for (const entry of options.entries) {
    const decision = options.select(entry);
    if (!decision.run) {
      finish(entry, { status: 'filtered', reason: decision.reason, durationMs: 0, attempts: [] });
      continue;
    }
    const reason = skipReason(entry.test, options.capabilities, { profiles: options.profiles ?? [], capabilityCatalog: options.capabilityCatalog ?? [], ...(options.claimNotes ? { claimNotes: options.claimNotes } : {}) });
    if (reason) {
      finish(entry, { status: 'skipped', reason, durationMs: 0, attempts: [] });
      continue;
    }
    const placement = options.placement?.(entry.test) ?? { env: options.env, serial: entry.test.serial === true };
    (placement.serial ? serial : placement.first ? first : parallel).push({ entry, env: placement.env });
  }
  parallel.unshift(...first);

  const execute = async ({ entry, env }: { entry: CatalogEntry<Env>; env: Env }) => {
    options.onTestStart?.(entry);
    finish(entry, await runEntry(entry, env, options));
  };

  // A worker takes the first waiting test that may run beside every running one, else waits for one to end.
  const waiting = [...parallel];
  const running = new Set<TestDefinition<Env>>();
  let wake = () => {};
  let ended = new Promise<void>((resolve) => (wake = resolve));
  const worker = async () => {
    while (waiting.length) {
      const index = waiting.findIndex(({ entry }) => [...running].every((other) => canRunTogether(entry.test.sharedState, other.sharedState)));
      if (index < 0) {
        await ended;
        continue;
      }
      const [placed] = waiting.splice(index, 1);
      running.add(placed!.entry.test);
      try {
        await execute(placed!);
      } finally {
        running.delete(placed!.entry.test);
        const wakeWaiting = wake;
        ended = new Promise<void>((resolve) => (wake = resolve));
        wakeWaiting();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, parallel.length)) }, worker));
  for (const placed of serial) await execute(placed);

  return options.entries.map((entry) => results.get(entry.test.id)!);
}
