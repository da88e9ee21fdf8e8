// Console output: a live progress line on a TTY, one plain line per finished test otherwise
// (CI logs), and a summary with the failures' key points at the end. Every line also goes to the
// build log without colour.
import type { RunLog } from '../src/core/log.js';
import { profileLine } from '../src/core/profiles.js';
import { notGreenReason, type RunResult, type TestResult } from '../src/core/results.js';

export interface ConsoleOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const COLOURS = { passed: 32, failed: 31, skipped: 33, flaky: 35, filtered: 90, interrupted: 33 } as const;
const LABELS = { passed: 'PASS ', failed: 'FAIL ', skipped: 'SKIP ', flaky: 'FLAKY', filtered: 'FILTR', interrupted: 'INTR ' } as const;

export class ConsoleReporter {
  readonly #out: ConsoleOutput;
  readonly #log: RunLog;
  readonly #quiet: boolean;
  readonly #tty: boolean;
  #total = 0;
  #done = 0;
  #failed = 0;
  #progressShown = false;

  constructor(out: ConsoleOutput, log: RunLog, options: { quiet?: boolean } = {}) {
    this.#out = out;
    this.#log = log;
    this.#quiet = options.quiet ?? false;
    this.#tty = Boolean(out.isTTY) && !process.env.CI;
  }

  #colour(code: number, text: string): string {
    return this.#tty ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  #line(text: string): void {
    this.#clearProgress();
    this.#out.write(`${text}\n`);
    this.#log.record(text);
  }

  #clearProgress(): void {
    if (this.#progressShown) this.#out.write('\r\x1b[2K');
    this.#progressShown = false;
  }

  start(interfaceName: string, info: { total: number; selected: number }): void {
    this.#total = info.selected;
    this.#line(`conformal: running ${info.selected} of ${info.total} ${interfaceName} tests`);
  }

  testEnd(result: TestResult): void {
    if (result.status === 'filtered') return;
    this.#done++;
    if (result.status === 'failed') this.#failed++;
    const show = result.status === 'failed' || result.status === 'flaky' || (!this.#quiet && !this.#tty);
    if (show) {
      const time = `${Math.round(result.durationMs)} ms`;
      const why = result.status === 'failed' || result.status === 'skipped' || result.status === 'interrupted' ? ` — ${result.reason ?? ''}` : '';
      this.#line(`${this.#colour(COLOURS[result.status], LABELS[result.status])} ${result.name} (${time})${why}`);
    }
    if (this.#tty && !this.#quiet) {
      this.#out.write(`\r\x1b[2K[${this.#done}/${this.#total}] ${this.#failed} failed`);
      this.#progressShown = true;
    }
  }

  finish(run: RunResult, reportDir?: string): void {
    const s = run.summary;
    const failures = run.results.filter((r) => r.status === 'failed');
    if (failures.length > 0) {
      this.#line('');
      this.#line(this.#colour(COLOURS.failed, `${failures.length} failed:`));
      for (const failure of failures) {
        this.#line(`  ✗ ${failure.name}`);
        this.#line(`      ${failure.id} — ${failure.spec.section}: ${failure.spec.rule}`);
        this.#line(`      ${failure.reason ?? ''}`);
      }
    }
    if (run.failure) this.#line(this.#colour(COLOURS.failed, `conformal ${run.failure.step}: ${run.failure.error.message}`));
    for (const leak of run.leaks) this.#line(`leaked: ${leak}`);
    for (const warning of run.warnings) this.#line(`warning: ${warning}`);
    this.#line('');
    const outcome = run.outcome === 'completed' ? '' : ` (${run.outcome})`;
    this.#line(
      `${run.interface.name} against ${run.implementation.name}${run.implementation.version ? ` ${run.implementation.version}` : ''}: ` +
        `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.flaky} flaky, ${s.filtered} filtered${s.interrupted ? `, ${s.interrupted} not finished` : ''} ` +
        `in ${(run.durationMs / 1000).toFixed(2)} s${outcome}`,
    );
    for (const profile of run.profiles ?? []) this.#line(profileLine(profile));
    // Failures and interruptions already speak for themselves; say why a run with neither is not green.
    const reason = notGreenReason(run);
    if (reason && run.outcome === 'completed' && s.failed === 0) this.#line(`not green: ${reason}`);
    if (reportDir) this.#line(`reports: ${reportDir}`);
  }
}
