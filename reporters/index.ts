// Writes every report of a run into the report directory, which is laid out as a testgrid build
// folder: artifacts/ holds the JUnit and results.json; the testgrid metadata files sit beside it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunLog } from '../src/core/log.js';
import type { ErrorInfo, RunResult } from '../src/core/results.js';
import { renderJson } from './json.js';
import { renderAbortedJunit, renderJunit } from './junit.js';
import { harnessVersion } from '../src/core/version.js';
import { writeAbortedBuild, writeRunStarted, writeTestgridBuild } from './testgrid/layout.js';

export interface ReportFiles {
  readonly junit: string;
  readonly json: string;
}

/** Called when the run starts (before any test): writers that need the start time hook in here. */
export async function startReports(reportDir: string, info: { interface: RunResult['interface']; startedAt: Date; command: readonly string[] }): Promise<void> {
  await mkdir(join(reportDir, 'artifacts'), { recursive: true });
  // ---- report writers that run at start (testgrid started.json) are added below this line ----
  await writeRunStarted(reportDir, { startedAt: info.startedAt.toISOString(), harness: { name: 'conformal', version: harnessVersion() }, interface: info.interface });
}

export async function writeReports(run: RunResult, reportDir: string, log: RunLog): Promise<ReportFiles> {
  const artifacts = join(reportDir, 'artifacts');
  await mkdir(artifacts, { recursive: true });
  const files = { junit: join(artifacts, 'junit_01.xml'), json: join(artifacts, 'results.json') };
  await writeFile(files.json, renderJson(run));
  await writeFile(files.junit, renderJunit(run));
  // ---- further report writers (testgrid layout, HTML) are added below this line ----
  try {
    const { writeHtmlReport } = await import('./html/write-html-report.js'); // lazy: marge is large
    await writeHtmlReport(run, artifacts, 'report');
  } catch (error) {
    // The HTML page is a convenience; it must not cost the build its finished.json.
    log.warn(`HTML report not written: ${(error as Error).message}`);
  }
  await writeTestgridBuild(run, reportDir, log.text()); // last: finished.json marks the build complete
  return files;
}

/**
 * The run itself crashed before producing a result: a JUnit holding one failing "harness failure"
 * test (so a JUnit-only reader sees red), and the build closed so testgrid does not show it running for a day.
 */
export async function abortReports(reportDir: string, run: { interface: RunResult['interface']; startedAt: Date }, error: ErrorInfo, log: RunLog): Promise<void> {
  const artifacts = join(reportDir, 'artifacts');
  await mkdir(artifacts, { recursive: true });
  await writeFile(join(artifacts, 'junit_01.xml'), renderAbortedJunit(run.interface, { step: 'run: harness failure', error }, run.startedAt, Date.now() - run.startedAt.getTime()));
  await writeAbortedBuild(reportDir, error.message, log.text());
}
