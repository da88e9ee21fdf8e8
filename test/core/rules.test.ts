import { describe, expect, it } from 'vitest';
import { checkLedger, ledgerMarkdown, type RuleLedger } from '../../src/core/rules.js';
import { interfaceNames, loadInterface } from '../../src/interfaces/registry.js';

/** Interfaces whose spec text has been read into a ledger; every interface joins as its ledger lands. */
const LEDGER_REQUIRED: readonly string[] = ['cloud', 'cni', 'cri', 'csi'];

const ledger = (rules: RuleLedger['rules']): RuleLedger => ({ source: 'SPEC.md', rules });
const ids = new Set(['t.one', 't.two']);

describe('checkLedger', () => {
  it('accepts a rule with tests and a rule with a reason', () => {
    expect(checkLedger(ledger([
      { id: 'r.a', section: 'ADD', text: 'The plugin MUST output a result.', level: 'MUST', tests: ['t.one'] },
      { id: 'r.b', section: 'ADD', text: 'The runtime MUST NOT call ADD twice.', level: 'MUST NOT', untestedBecause: 'binds the runtime, which is the harness' },
    ]), ids)).toEqual([]);
  });

  it('names a rule with neither tests nor a reason, one with both, an unknown test and a duplicate id', () => {
    const problems = checkLedger(ledger([
      { id: 'r.none', section: 'ADD', text: 'x MUST y', level: 'MUST' },
      { id: 'r.both', section: 'ADD', text: 'x MUST y', level: 'MUST', tests: ['t.one'], untestedBecause: 'because' },
      { id: 'r.ghost', section: 'ADD', text: 'x MUST y', level: 'MUST', tests: ['t.gone'] },
      { id: 'r.ghost', section: 'DEL', text: 'x MUST y', level: 'MUST', tests: ['t.two'] },
      { id: 'Bad Id', section: 'DEL', text: ' ', level: 'MUST', tests: ['t.two'] },
    ]), ids);
    expect(problems).toEqual([
      { rule: 'r.none', problem: 'neither tests nor a reason why none can check it' },
      { rule: 'r.both', problem: 'both tests and a reason: say which' },
      { rule: 'r.ghost', problem: 'names test t.gone, which the catalog does not have' },
      { rule: 'r.ghost', problem: 'duplicate rule id' },
      { rule: 'Bad Id', problem: 'id is not dotted lower-case' },
      { rule: 'Bad Id', problem: 'no spec text quoted' },
    ]);
  });

  it('renders one table row per rule with its tests or its reason', () => {
    const lines = ledgerMarkdown(ledger([
      { id: 'r.a', section: 'ADD', text: 'a | b', level: 'MUST', tests: ['t.one', 't.two'] },
      { id: 'r.b', section: 'DEL', text: 'c', level: 'SHOULD', untestedBecause: 'not observable' },
    ]));
    expect(lines).toContain('| `r.a` | ADD | MUST | a \\| b | `t.one`<br>`t.two` |');
    expect(lines).toContain('| `r.b` | DEL | SHOULD | c | untested: not observable |');
  });
});

describe.each(interfaceNames())('the %s rule ledger', (name) => {
  it('exists when required, and every rule has tests from the catalog or a reason', async () => {
    const plugin = await loadInterface(name);
    if (!plugin.loadRules) {
      expect(LEDGER_REQUIRED, `${name} must have a rule ledger`).not.toContain(name);
      return;
    }
    const testIds = new Set((await plugin.loadTests()).map((t) => t.id));
    expect(checkLedger(await plugin.loadRules(), testIds)).toEqual([]);
  });
});
