// The whole `conformal run` pipeline as a function, so `certify` and the nightly script reuse it:
// interrupt handling, console progress, the run itself, and reports written in every case.
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { ExitCode, exitCodeFor, UsageError } from '../core/errors.js';
import { RunLog } from '../core/log.js';
import type { InterfacePlugin } from '../core/plugin.js';
import { runPassed, type RunResult } from '../core/results.js';
import { executeRun, planRun } from '../core/run.js';
import type { RunSettings } from '../core/settings.js';
import { ConsoleReporter, type ConsoleOutput } from '../../reporters/console.js';
import { claimReportDir } from '../../reporters/report-dir.js';
import { describeError } from '../core/describe-error.js';
import { checkReportDir } from './check-report-dir.js';

export interface PipelineRequest {
  readonly plugin: InterfacePlugin;
  readonly settings: RunSettings;
  readonly options: unknown;
  readonly command: readonly string[];
  readonly stdout: ConsoleOutput;
  /** The flag (or variable) the user set the report dir with, for errors about it; --report-dir by default. */
  readonly reportDirFlag?: string;
}

export interface PipelineResult {
  readonly result: RunResult;
  readonly exitCode: number;
  readonly log: RunLog;
  readonly error?: unknown;
}

/** First SIGINT/SIGTERM stops the run gracefully (reports still written); a second one exits at once. */
function trapSignals(controller: AbortController, log: RunLog): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    log.warn(`${signal} received: stopping; running tests are cancelled and their objects removed (send again to exit now)`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export async function runPipeline(request: PipelineRequest): Promise<PipelineResult> {
  const { plugin, settings } = request;
  const log = new RunLog(settings.verbose ? 'verbose' : settings.quiet ? 'quiet' : 'normal');
  const reporter = new ConsoleReporter(request.stdout, log, { quiet: settings.quiet });
  const reportDir = settings.reportDir ? resolve(settings.reportDir) : undefined;
  // Usage errors surface before anything is written: no ABORTED build for a bad flag.
  plugin.validate?.(request.options);
  // An empty selection is a usage error too; anything else that breaks planning is a harness
  // failure, reported below with the build closed.
  const plan = await planRun(plugin, settings).catch((error: unknown) => {
    if (error instanceof UsageError) throw error;
    return undefined;
  });
  const reportDirFlag = request.reportDirFlag ?? '--report-dir';
  if (reportDir) await checkReportDir(reportDir, reportDirFlag);
  if (reportDir) await claimReportDir(reportDir, { replace: settings.replaceReportDir, flag: reportDirFlag });
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal); // each running test's deadline listens on the interrupt
  const untrap = trapSignals(controller, log);
  // Lazy: the report writers (XML, testgrid, HTML) are only loaded when there is a report to write.
  const reports = reportDir ? await import('../../reporters/index.js') : undefined;
  const iface = { name: plugin.name, title: plugin.title, specVersion: plugin.specVersion, sig: plugin.sig };
  const startedAt = new Date();
  try {
    if (reportDir) await reports!.startReports(reportDir, { interface: iface, startedAt, command: request.command }, log, { interrupt: controller.signal });
    const { result, error } = await executeRun({
      plugin,
      settings,
      options: request.options,
      command: request.command,
      log,
      interrupt: controller.signal,
      ...(plan ? { plan } : {}),
      onStart: (info) => reporter.start(plugin.name, info),
      onTestEnd: (test) => reporter.testEnd(test),
    });
    reporter.finish(result, reportDir);
    // A first SIGINT while the reports are written abandons the stuck writer (after an interrupted run, a second one exits).
    const unwritten = reportDir ? (await reports!.writeReports(result, reportDir, log, { interrupt: controller.signal, html: settings.htmlReport })).failures : [];
    const exitCode = error !== undefined ? exitCodeFor(error) : unwritten.length > 0 || result.outcome !== 'completed' ? ExitCode.Harness : runPassed(result) ? ExitCode.Passed : ExitCode.TestsFailed;
    return error === undefined ? { result, exitCode, log } : { result, exitCode, log, error };
  } catch (crash) {
    // executeRun reports target and test failures in its result; reaching here means the harness broke.
    if (reportDir) await reports!.abortReports(reportDir, { interface: iface, startedAt }, describeError(crash), log, { interrupt: controller.signal });
    throw crash;
  } finally {
    untrap();
  }
}
