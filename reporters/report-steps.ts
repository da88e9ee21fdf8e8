// Runs the report writers one after another, each under a deadline and the interrupt: a write
// that hangs (a stuck filesystem) or fails is reported and abandoned, and the next writer still runs.
import { deadlineSignal, raceSignal } from '../src/core/deadline.js';
import { describeError } from '../src/core/describe-error.js';
import type { Logger } from '../src/core/plugin.js';

export interface ReportStep {
  /** What the step writes, for messages: "artifacts/junit_01.xml". */
  readonly name: string;
  /** A convenience (the HTML page): its failure is a warning, not a failed report. */
  readonly optional?: boolean;
  run(): Promise<unknown>;
}

export interface ReportStepOptions {
  readonly log: Pick<Logger, 'warn'>;
  /** Deadline of each step. */
  readonly timeoutMs?: number;
  /** Abandons the step in progress (SIGINT while writing); later steps still get their own deadline. */
  readonly interrupt?: AbortSignal | undefined;
}

export const REPORT_STEP_TIMEOUT_MS = 60_000;

/** Runs every step; returns one line per required step that was not written. */
export async function runReportSteps(steps: readonly ReportStep[], options: ReportStepOptions): Promise<string[]> {
  const failures: string[] = [];
  for (const step of steps) {
    const interrupt = options.interrupt?.aborted ? undefined : options.interrupt;
    const deadline = deadlineSignal(options.timeoutMs ?? REPORT_STEP_TIMEOUT_MS, `writing ${step.name}`, interrupt);
    try {
      await raceSignal(step.run(), deadline.signal, `writing ${step.name}`);
    } catch (error) {
      const line = `${step.name} not written: ${describeError(error).message}`;
      options.log.warn(line);
      if (!step.optional) failures.push(line);
    } finally {
      deadline.dispose();
    }
  }
  return failures;
}
