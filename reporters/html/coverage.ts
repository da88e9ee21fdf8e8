// The run's summary (above the test list) and coverage tables (after it): per operation (RPC) and
// per spec rule, counted from the run's own results. Built with xmlbuilder2 so every string (some come from the target) is escaped.
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { RunResult, TestResult, TestStatus } from '../../src/core/results.js';

const statuses: readonly TestStatus[] = ['passed', 'failed', 'flaky', 'skipped', 'filtered', 'interrupted'];

export interface OperationCoverage {
  readonly operation: string;
  readonly counts: Readonly<Record<TestStatus, number>>;
}

export function operationCoverage(results: readonly TestResult[]): OperationCoverage[] {
  const byOperation = new Map<string, Record<TestStatus, number>>();
  for (const result of results) {
    for (const operation of result.operations) {
      const counts = byOperation.get(operation) ?? { passed: 0, failed: 0, flaky: 0, skipped: 0, filtered: 0, interrupted: 0 };
      counts[result.status] += 1;
      byOperation.set(operation, counts);
    }
  }
  return [...byOperation.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([operation, counts]) => ({ operation, counts }));
}

function table(parent: XMLBuilder, caption: string, headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const element = parent.ele('table', { class: 'conformal-table' });
  element.ele('caption').txt(caption);
  const head = element.ele('thead').ele('tr');
  for (const header of headers) head.ele('th', { scope: 'col' }).txt(header);
  const body = element.ele('tbody');
  for (const row of rows) {
    const tr = body.ele('tr');
    row.forEach((cell, index) => (index === 0 ? tr.ele('th', { scope: 'row' }) : tr.ele('td')).txt(cell));
  }
}

/** What the run was and how it ended, shown above the results. */
export function summaryHtml(run: RunResult): string {
  const section = create().ele('section', { class: 'conformal-report conformal-summary', 'aria-labelledby': 'conformal-summary-title' });
  section.ele('h2', { id: 'conformal-summary-title' }).txt(`${run.interface.title} ${run.interface.specVersion}: ${run.implementation.name}${run.implementation.version ? ` ${run.implementation.version}` : ''}`);
  const { summary } = run;
  section
    .ele('p')
    .txt(`Outcome ${run.outcome}; ${summary.total} tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.flaky} flaky, ${summary.skipped} skipped as not supported, ${summary.filtered} filtered. Harness ${run.harness.name} ${run.harness.version}. Failed tests are listed first; coverage tables follow the results.`);
  if (run.leaks.length > 0) section.ele('p').txt(`Leaked objects: ${run.leaks.join(', ')}`);
  for (const warning of run.warnings) section.ele('p').txt(`Warning: ${warning}`);
  return section.end({ headless: true, allowEmptyTags: true });
}

/** The coverage tables, shown after the results. */
export function coverageHtml(run: RunResult): string {
  const section = create().ele('section', { class: 'conformal-report conformal-coverage', 'aria-labelledby': 'conformal-coverage-title' });
  section.ele('h2', { id: 'conformal-coverage-title' }).txt('Coverage');
  table(
    section,
    'Coverage by operation (tests exercising each operation, by result)',
    ['Operation', ...statuses],
    operationCoverage(run.results).map(({ operation, counts }) => [operation, ...statuses.map((s) => String(counts[s]))]),
  );
  table(
    section,
    'Coverage by spec rule',
    ['Section', 'Rule', 'Test', 'Profile', 'Result', 'Reason'],
    [...run.results]
      .sort((a, b) => a.spec.section.localeCompare(b.spec.section) || a.spec.rule.localeCompare(b.spec.rule))
      .map((r) => [r.spec.section, r.spec.rule, r.title, r.profile, r.status, r.reason ?? '']),
  );
  return section.end({ headless: true, allowEmptyTags: true });
}
