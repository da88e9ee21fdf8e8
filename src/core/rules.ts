// The rule ledger of an interface: every normative sentence (MUST, SHOULD, REQUIRED …) of its spec
// text, each with the ids of the tests that check it or the reason none can. Counting tests does
// not show which rules go unchecked; this ledger does. It is data kept beside the suite
// (suites/<iface>/rules/*.ts), generated into docs/coverage/<iface>.md, and a project test fails
// when a rule has neither tests nor a reason, or names a test the catalog does not have.

/** The RFC 2119 keyword the sentence uses (the strongest one when it has several). */
export type RuleLevel = 'MUST' | 'MUST NOT' | 'REQUIRED' | 'SHALL' | 'SHALL NOT' | 'SHOULD' | 'SHOULD NOT' | 'RECOMMENDED' | 'MAY' | 'OPTIONAL';

export interface SpecRule {
  /** Stable, dotted, lower-case id, unique within the interface: `cni.add.result-on-stdout`. */
  readonly id: string;
  /** Where the sentence is: the spec section (CNI SPEC.md heading, CSI RPC section, cri-api message/field). */
  readonly section: string;
  /** The normative sentence, quoted from the spec text as written (trimmed to the sentence). */
  readonly text: string;
  readonly level: RuleLevel;
  /** Ids of the catalog tests that check this rule. */
  readonly tests?: readonly string[];
  /** Why no test checks it (e.g. it binds the runtime, not the plugin; it is not observable from outside). */
  readonly untestedBecause?: string;
}

export interface RuleLedger {
  /** The spec text the rules are quoted from, with its version: "CNI SPEC.md v1.1.0". */
  readonly source: string;
  readonly url?: string;
  readonly rules: readonly SpecRule[];
}

export interface LedgerProblem {
  readonly rule: string;
  readonly problem: string;
}

const ID_PATTERN = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Every way a ledger can be wrong against its catalog; empty when it is complete. */
export function checkLedger(ledger: RuleLedger, testIds: ReadonlySet<string>): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  const seen = new Set<string>();
  for (const rule of ledger.rules) {
    if (!ID_PATTERN.test(rule.id)) problems.push({ rule: rule.id, problem: 'id is not dotted lower-case' });
    if (seen.has(rule.id)) problems.push({ rule: rule.id, problem: 'duplicate rule id' });
    seen.add(rule.id);
    if (rule.text.trim() === '') problems.push({ rule: rule.id, problem: 'no spec text quoted' });
    const tests = rule.tests ?? [];
    const reason = rule.untestedBecause?.trim() ?? '';
    if (tests.length === 0 && reason === '') problems.push({ rule: rule.id, problem: 'neither tests nor a reason why none can check it' });
    if (tests.length > 0 && reason !== '') problems.push({ rule: rule.id, problem: 'both tests and a reason: say which' });
    for (const id of tests) if (!testIds.has(id)) problems.push({ rule: rule.id, problem: `names test ${id}, which the catalog does not have` });
  }
  return problems;
}

/** Counts for the coverage page's headline. */
export function ledgerSummary(ledger: RuleLedger): { rules: number; tested: number; untested: number } {
  const tested = ledger.rules.filter((r) => (r.tests ?? []).length > 0).length;
  return { rules: ledger.rules.length, tested, untested: ledger.rules.length - tested };
}

/** The "Rules" section of docs/coverage/<iface>.md: one row per rule, its tests or the reason. */
export function ledgerMarkdown(ledger: RuleLedger): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  const { rules, tested, untested } = ledgerSummary(ledger);
  const lines = [
    '## Rules of the spec',
    '',
    `Every normative sentence of ${ledger.url ? `[${ledger.source}](${ledger.url})` : ledger.source}, with the tests that check it or the reason none can: ${rules} rules, ${tested} checked by tests, ${untested} with a reason.`,
    '',
    '| rule | section | level | text | checked by |',
    '|---|---|---|---|---|',
  ];
  for (const rule of ledger.rules) {
    const checked = (rule.tests ?? []).length > 0 ? rule.tests!.map((id) => `\`${id}\``).join('<br>') : `untested: ${cell(rule.untestedBecause ?? '')}`;
    lines.push(`| \`${rule.id}\` | ${cell(rule.section)} | ${rule.level} | ${cell(rule.text)} | ${checked} |`);
  }
  return lines;
}
