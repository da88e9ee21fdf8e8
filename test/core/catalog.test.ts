import { describe, expect, it } from 'vitest';
import { buildCatalog, makeSelector, parseShard, requireSelection, shardOf } from '../../src/core/catalog.js';
import { HarnessError, UsageError } from '../../src/core/errors.js';
import { fakeTest, type FakeEnv } from '../support/fake-plugin.js';

const tests = [
  fakeTest({ id: 'a.one', title: 'first thing' }),
  fakeTest({ id: 'a.two', title: 'second thing', profile: 'extended', tags: ['Feature:Two'] }),
  fakeTest({ id: 'b.three', title: 'third thing', tags: ['Serial'] }),
];

describe('buildCatalog', () => {
  it('names tests Kubernetes-style with sorted tags at the end', () => {
    const names = buildCatalog('x', tests).map((e) => e.name);
    expect(names).toEqual(['[x] first thing [Conformance]', '[x] second thing [Feature:Two]', '[x] third thing [Conformance] [Serial]']);
  });

  it('starts every name with the owning SIG when the interface has one, as Kubernetes e2e does; ids stay', () => {
    const entries = buildCatalog('csi', tests, [], 'sig-storage');
    expect(entries.map((e) => e.name)).toEqual(['[sig-storage] [csi] first thing [Conformance]', '[sig-storage] [csi] second thing [Feature:Two]', '[sig-storage] [csi] third thing [Conformance] [Serial]']);
    expect(entries.map((e) => e.test.id)).toEqual(['a.one', 'a.two', 'b.three']);
  });

  it('rejects duplicate ids, duplicate names and malformed ids', () => {
    expect(() => buildCatalog('x', [tests[0]!, tests[0]!])).toThrow(HarnessError);
    expect(() => buildCatalog('x', [tests[0]!, fakeTest({ id: 'a.other', title: 'first thing' })])).toThrow(/duplicate test name/);
    expect(() => buildCatalog('x', [fakeTest({ id: 'Bad Id' })])).toThrow(/not dotted/);
  });
});

describe('makeSelector', () => {
  const entries = buildCatalog('x', tests);
  const run = (selection: Parameters<typeof makeSelector>[0]) => entries.filter((e) => makeSelector<FakeEnv>(selection)(e).run).map((e) => e.test.id);

  it('focus and skip match the full name or the id, several ORed', () => {
    expect(run({ focus: ['first', 'b\\.'], skip: [] })).toEqual(['a.one', 'b.three']);
    expect(run({ focus: [], skip: ['second', 'third'] })).toEqual(['a.one']);
  });

  it('label filter selects on tags including the derived Conformance tag', () => {
    expect(run({ focus: [], skip: [], labelFilter: 'Conformance && !Serial' })).toEqual(['a.one']);
  });

  it('says which filter dropped a test', () => {
    const decision = makeSelector<FakeEnv>({ focus: [], skip: ['one'] })(entries[0]!);
    expect(decision).toEqual({ run: false, reason: 'matched by --skip one' });
  });

  it('rejects a bad regular expression naming the flag', () => {
    expect(() => makeSelector({ focus: ['('], skip: [] })).toThrow(/--focus "\(" is not a valid regular expression/);
  });
});

describe('shards', () => {
  it('partition the catalog: every test in exactly one shard, stable across calls', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `t.test-${i}`);
    for (const total of [1, 2, 3, 7]) {
      const counts = new Array<number>(total).fill(0);
      for (const id of ids) {
        const shard = shardOf(id, total);
        expect(shard).toBe(shardOf(id, total));
        counts[shard - 1]!++;
      }
      expect(counts.reduce((a, b) => a + b, 0)).toBe(ids.length);
      expect(Math.min(...counts)).toBeGreaterThan(0);
    }
  });

  it('parses i/n and rejects nonsense naming --shard', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, total: 3 });
    // An indexed Job's 0-based index plus one.
    expect(parseShard('0+1/3')).toEqual({ index: 1, total: 3 });
    expect(parseShard('2+1/3')).toEqual({ index: 3, total: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1-2', '3+1/3', '0+0/3', '+1/3', '0+1+1/3']) expect(() => parseShard(bad)).toThrow(UsageError);
  });
});

describe('requireSelection', () => {
  const entries = buildCatalog('x', tests);
  const usageError = (selection: Parameters<typeof requireSelection>[2]) => {
    try {
      requireSelection('x', entries, selection);
    } catch (error) {
      return error as UsageError;
    }
    return undefined;
  };

  it('accepts a selection of at least one test', () => {
    expect(usageError({ focus: ['first'], skip: [] })).toBeUndefined();
    expect(usageError({ focus: [], skip: [] })).toBeUndefined();
  });

  it('names the label filter that matches nothing and the nearest existing tag', () => {
    const error = usageError({ focus: [], skip: [], labelFilter: 'Feature:Tow' });
    expect(error).toBeInstanceOf(UsageError);
    expect(error!.field).toBe('--label-filter');
    expect(error!.message).toBe('no test selected: --label-filter "Feature:Tow" selects none of the 3 x tests; no test has the tag Feature:Tow (did you mean Feature:Two?)');
  });

  it('offers no tag when none is close, and names filters that only together select nothing', () => {
    expect(usageError({ focus: [], skip: [], labelFilter: 'Nothing:Alike' })!.message).toMatch(/no test has the tag Nothing:Alike$/);
    const error = usageError({ focus: ['first'], skip: [], labelFilter: 'Feature:Two' });
    expect(error!.field).toBe('--focus');
    expect(error!.message).toBe('no test selected: --focus "first" and --label-filter "Feature:Two" together select none of the 3 x tests (alone: --focus 1, --label-filter 1)');
  });

  it('names --skip and --shard when they empty the selection', () => {
    expect(usageError({ focus: [], skip: ['.'] })!.field).toBe('--skip');
    const otherShard = { index: shardOf('a.one', 2) === 1 ? 2 : 1, total: 2 };
    expect(usageError({ focus: ['first'], skip: [], shard: otherShard })!.message).toMatch(/^no test selected: .*--shard "\d\/2"/);
  });
});
