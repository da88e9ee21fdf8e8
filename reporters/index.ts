// Writes every report of a run into the report directory, which is laid out as a testgrid build
// folder: artifacts/ holds the JUnit and results.json; the testgrid metadata files sit beside it.
// Each writer is a step under a deadline and the interrupt (report-steps.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunLog } from '../src/core/log.js';
import type { ErrorInfo, RunResult } from '../src/core/results.js';
import { renderJson } from './json.js';
import { renderAbortedJunit, renderJunit } from './junit.js';
import { harnessVersion } from '../src/core/version.js';
import { runReportSteps, type ReportStep, type ReportStepOptions } from './report-steps.js';
import { writeAbortedBuild, writeRunStarted, writeTestgridBuild } from './testgrid/layout.js';

export interface ReportFiles {
  readonly junit: string;
  readonly json: string;
  /** One line per report that could not be written (failed or timed out); empty when all were. */
  readonly failures: readonly string[];
}

/** Deadline per writer and the interrupt that abandons the writer in progress. */
export type WriteOptions = Omit<ReportStepOptions, 'log'>;

export interface ReportOptions extends WriteOptions {
  /** Write artifacts/report.html (default true); without it, marge is never loaded. */
  readonly html?: boolean;
}

/** Called when the run starts (before any test): writers that need the start time hook in here. */
export async function startReports(reportDir: string, info: { interface: RunResult['interface']; startedAt: Date; command: readonly string[] }, log?: Pick<RunLog, 'warn'>, options: WriteOptions = {}): Promise<string[]> {
  const steps: ReportStep[] = [
    { name: 'artifacts/', run: () => mkdir(join(reportDir, 'artifacts'), { recursive: true }) },
    // ---- report writers that run at start (testgrid started.json) are added below this line ----
    { name: 'started.json', run: () => writeRunStarted(reportDir, { startedAt: info.startedAt.toISOString(), harness: { name: 'conformal', version: harnessVersion() }, interface: info.interface }) },
  ];
  return runReportSteps(steps, { ...options, log: log ?? { warn: () => {} } });
}

export async function writeReports(run: RunResult, reportDir: string, log: RunLog, { html = true, ...options }: ReportOptions = {}): Promise<ReportFiles> {
  const artifacts = join(reportDir, 'artifacts');
  const files = { junit: join(artifacts, 'junit_01.xml'), json: join(artifacts, 'results.json') };
  const steps: ReportStep[] = [
    { name: 'artifacts/', run: () => mkdir(artifacts, { recursive: true }) },
    { name: 'artifacts/results.json', run: () => writeFile(files.json, renderJson(run)) },
    { name: 'artifacts/junit_01.xml', run: () => writeFile(files.junit, renderJunit(run)) },
    // ---- further report writers (testgrid layout, HTML) are added below this line ----
    ...(html ? [htmlStep(run, artifacts)] : []),
    // Last: finished.json marks the build complete.
    { name: 'the testgrid build (finished.json)', run: () => writeTestgridBuild(run, reportDir, log.text()) },
  ];
  const failures = await runReportSteps(steps, { ...options, log });
  return { ...files, failures };
}

function htmlStep(run: RunResult, artifacts: string): ReportStep {
  return {
    name: 'artifacts/report.html',
    optional: true, // the HTML page is a convenience; it must not cost the build its finished.json
    run: async () => {
      const { writeHtmlReport } = await import('./html/write-html-report.js'); // lazy: marge is large
      await writeHtmlReport(run, artifacts, 'report');
    },
  };
}

/**
 * The run itself crashed before producing a result: a JUnit holding one failing "harness failure"
 * test (so a JUnit-only reader sees red), and the build closed so testgrid does not show it running for a day.
 */
export async function abortReports(reportDir: string, run: { interface: RunResult['interface']; startedAt: Date }, error: ErrorInfo, log: RunLog, options: WriteOptions = {}): Promise<string[]> {
  const artifacts = join(reportDir, 'artifacts');
  const junit = () => renderAbortedJunit(run.interface, { step: 'run: harness failure', error }, run.startedAt, Date.now() - run.startedAt.getTime());
  const steps: ReportStep[] = [
    { name: 'artifacts/', run: () => mkdir(artifacts, { recursive: true }) },
    { name: 'artifacts/junit_01.xml', run: () => writeFile(join(artifacts, 'junit_01.xml'), junit()) },
    { name: 'the aborted build (finished.json)', run: () => writeAbortedBuild(reportDir, error.message, log.text()) },
  ];
  return runReportSteps(steps, { ...options, log });
}
