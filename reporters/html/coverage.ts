// The run's summary (above the test list) and coverage tables (after it): per operation (RPC) and
// per spec rule, counted from the run's own results. Built by reporters/xml.ts so every string (some come from the target) is escaped.
import type { RunResult, TestResult, TestStatus } from '../../src/core/results.js';
import { attrs, htmlFragment, textElement, type XmlElement } from '../xml.js';

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

function table(caption: string, headers: readonly string[], rows: readonly (readonly string[])[]): XmlElement {
  return {
    ...attrs({ class: 'conformal-table' }),
    caption: textElement({}, caption),
    thead: { tr: { th: headers.map((header) => textElement({ scope: 'col' }, header)) } },
    // The first cell of a row is its header; an array keeps the cells in order after it.
    tbody: { tr: rows.map(([first, ...rest]) => ({ th: textElement({ scope: 'row' }, first ?? ''), td: rest.map((cell) => textElement({}, cell)) })) },
  };
}

/** What the run was and how it ended, shown above the results. */
export function summaryHtml(run: RunResult): string {
  const { summary } = run;
  const paragraphs = [
    `Outcome ${run.outcome}; ${summary.total} tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.flaky} flaky, ${summary.skipped} skipped as not supported, ${summary.filtered} filtered. Harness ${run.harness.name} ${run.harness.version}. Failed tests are listed first; coverage tables follow the results.`,
    ...(run.leaks.length > 0 ? [`Leaked objects: ${run.leaks.join(', ')}`] : []),
    ...run.warnings.map((warning) => `Warning: ${warning}`),
  ];
  return htmlFragment('section', {
    ...attrs({ class: 'conformal-report conformal-summary', 'aria-labelledby': 'conformal-summary-title' }),
    h2: textElement({ id: 'conformal-summary-title' }, `${run.interface.title} ${run.interface.specVersion}: ${run.implementation.name}${run.implementation.version ? ` ${run.implementation.version}` : ''}`),
    p: paragraphs.map((text) => textElement({}, text)),
  });
}

/** The coverage tables, shown after the results. */
export function coverageHtml(run: RunResult): string {
  return htmlFragment('section', {
    ...attrs({ class: 'conformal-report conformal-coverage', 'aria-labelledby': 'conformal-coverage-title' }),
    h2: textElement({ id: 'conformal-coverage-title' }, 'Coverage'),
    table: [
      table(
        'Coverage by operation (tests exercising each operation, by result)',
        ['Operation', ...statuses],
        operationCoverage(run.results).map(({ operation, counts }) => [operation, ...statuses.map((s) => String(counts[s]))]),
      ),
      table(
        'Coverage by spec rule',
        ['Section', 'Rule', 'Test', 'Profile', 'Result', 'Reason'],
        [...run.results]
          .sort((a, b) => a.spec.section.localeCompare(b.spec.section) || a.spec.rule.localeCompare(b.spec.rule))
          .map((r) => [r.spec.section, r.spec.rule, r.title, r.profile, r.status, r.reason ?? '']),
      ),
    ],
  });
}
