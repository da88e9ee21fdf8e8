// One run of a suite: load the catalog, open the session (capabilities discovered once), run the
// selected tests, check for leaks, close, and assemble the RunResult. Errors opening the target
// still produce a complete result, so reports are written in every case.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCatalog, makeSelector, requireSelection } from './catalog.js';
import { deadlineSignal, raceSignal } from './deadline.js';
import { describeError } from './describe-error.js';
import { TargetUnreachableError } from './errors.js';
import type { RunLog } from './log.js';
import type { InterfacePlugin, Session } from './plugin.js';
import { RESULT_SCHEMA_VERSION, summarize, type RunFailure, type RunResult, type TestResult } from './results.js';
import { baseResult, runCatalog } from './runner.js';
import { profileReports } from './profiles.js';
import type { RunSettings } from './settings.js';
import { harnessVersion } from './version.js';
import type { CatalogEntry } from './catalog.js';

export interface RunRequest {
  readonly plugin: InterfacePlugin;
  readonly settings: RunSettings;
  /** The interface's options, already validated with plugin.optionsSchema. */
  readonly options: unknown;
  readonly command: readonly string[];
  readonly log: RunLog;
  readonly interrupt: AbortSignal;
  /** The checked catalog (planRun), when the caller needed it before the run; planned here otherwise. */
  readonly plan?: RunPlan;
  /** Bound for opening the session (connect + capability discovery). */
  readonly openTimeoutMs?: number;
  readonly onStart?: (info: { total: number; selected: number }) => void;
  readonly onTestStart?: (entry: CatalogEntry) => void;
  readonly onTestEnd?: (result: TestResult) => void;
}

export interface RunOutcome {
  readonly result: RunResult;
  /** Set when the run could not proceed (target unreachable, harness failure); the result is still complete. */
  readonly error?: unknown;
}

/** The catalog and the user's selection of it, checked before anything runs or is written. */
export interface RunPlan {
  readonly entries: readonly CatalogEntry[];
  readonly select: ReturnType<typeof makeSelector>;
  readonly selected: number;
}

/** Builds the catalog and applies the filters; a selection of no test is a UsageError naming the filters. */
export async function planRun(plugin: InterfacePlugin, settings: RunSettings): Promise<RunPlan> {
  const entries = buildCatalog(plugin.name, await plugin.loadTests(), plugin.profiles, plugin.sig);
  requireSelection(plugin.name, entries, settings);
  const select = makeSelector(settings);
  return { entries, select, selected: entries.filter((entry) => select(entry).run).length };
}

export async function executeRun(request: RunRequest): Promise<RunOutcome> {
  const { plugin, settings, log } = request;
  const startedAt = new Date();
  const { entries, select, selected } = request.plan ?? (await planRun(plugin, settings));
  request.onStart?.({ total: entries.length, selected });
  // Every running test's deadline, and the session's waits, listen on the interrupt: more than Node's default 10.
  setMaxListeners(1000, request.interrupt);

  const runId = randomBytes(3).toString('hex');
  const workDir = await mkdtemp(join(tmpdir(), `conformal-${plugin.name}-`));
  const warnings: string[] = [];
  let session: Session<unknown> | undefined;
  let error: unknown;
  let results: TestResult[] = [];
  let leaks: string[] = [];
  let failure: RunFailure | undefined;

  try {
    const open = deadlineSignal(request.openTimeoutMs ?? 60_000, `connecting to the ${plugin.name} target`, request.interrupt);
    try {
      session = await raceSignal(plugin.open(request.options, { signal: open.signal, log, workDir, runId }), open.signal, `opening the ${plugin.name} target`);
    } finally {
      open.dispose();
    }
    log.info(`target: ${session.implementation.name} ${session.implementation.version ?? ''} at ${session.implementation.endpoint ?? '?'}`.trim());
    log.debug(`capabilities: ${[...session.capabilities].sort().join(', ')}`);
    results = await runCatalog({
      entries,
      select,
      env: session.env,
      ...(session.placement ? { placement: session.placement.bind(session) } : {}),
      capabilities: session.capabilities,
      ...(session.claimNotes ? { claimNotes: session.claimNotes } : {}),
      profiles: plugin.profiles,
      capabilityCatalog: plugin.capabilityCatalog,
      parallel: settings.parallel,
      timeoutMs: settings.timeout,
      retries: settings.retries,
      cleanupTimeoutMs: settings.cleanupTimeout,
      runId,
      interrupt: request.interrupt,
      ...(request.onTestStart ? { onTestStart: request.onTestStart } : {}),
      ...(request.onTestEnd ? { onTestEnd: request.onTestEnd } : {}),
    });
    // Read after the tests too: a session may record deviations it only notices while tests run.
    warnings.push(...new Set(session.warnings ?? []));
    if (session.leakCheck && !request.interrupt.aborted) {
      const leakDeadline = deadlineSignal(30_000, 'leak check');
      try {
        leaks = await raceSignal(session.leakCheck(leakDeadline.signal), leakDeadline.signal, 'leak check');
      } catch (leakError) {
        warnings.push(`leak check failed: ${describeError(leakError).message}`);
      } finally {
        leakDeadline.dispose();
      }
    }
  } catch (thrown) {
    error = thrown;
    const why = request.interrupt.aborted
      ? `interrupted: ${describeError(request.interrupt.reason).message}`
      : thrown instanceof TargetUnreachableError
        ? `target unreachable: ${thrown.message}`
        : `harness failure: ${describeError(thrown).message}`;
    log.warn(why);
    results = notRun(entries, select, why);
    failure = { step: failedStep(thrown, session !== undefined, request.interrupt), error: describeError(request.interrupt.aborted ? request.interrupt.reason : thrown) };
  } finally {
    await session?.close().catch((closeError: unknown) => warnings.push(`closing the session failed: ${describeError(closeError).message}`));
    await rm(workDir, { recursive: true, force: true });
  }

  for (const leak of leaks) log.warn(`leaked by this run: ${leak}`);
  const finishedAt = new Date();
  const outcome = request.interrupt.aborted ? 'interrupted' : error !== undefined ? 'aborted' : 'completed';
  if (outcome === 'interrupted' && failure === undefined) failure = { step: 'run: interrupted', error: describeError(request.interrupt.reason) };
  const capabilities = session ? [...session.capabilities].sort() : [];
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    harness: { name: 'conformal', version: harnessVersion() },
    interface: { name: plugin.name, title: plugin.title, specVersion: plugin.specVersion, sig: plugin.sig },
    implementation: session?.implementation ?? { name: 'unknown' },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    command: request.command,
    outcome,
    capabilities,
    ...(settings.shard ? { shard: settings.shard } : {}),
    summary: summarize(results),
    profiles: profileReports({ results, capabilities, outcome }, plugin.profiles ?? []),
    results,
    leaks,
    warnings,
    ...(failure ? { failure } : {}),
  };
  return error === undefined ? { result } : { result, error };
}

/** The step that ended the run early, as a stable test name: the JUnit shows it as one failing test. */
function failedStep(thrown: unknown, opened: boolean, interrupt: AbortSignal): string {
  if (interrupt.aborted) return opened ? 'run: interrupted' : 'setup: interrupted';
  if (thrown instanceof TargetUnreachableError) return 'setup: reach the target';
  return opened ? 'run: harness failure' : 'setup: open the target';
}

/** Results for a run that never reached its tests: filtered ones stay filtered, the rest are not run. */
function notRun(entries: readonly CatalogEntry[], select: ReturnType<typeof makeSelector>, why: string): TestResult[] {
  return entries.map((entry) => {
    const decision = select(entry);
    return {
      ...baseResult(entry),
      status: decision.run ? 'skipped' : 'filtered',
      reason: decision.run ? `not run: ${why}` : decision.reason,
      durationMs: 0,
      attempts: [],
    };
  });
}

