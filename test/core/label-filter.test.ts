import { describe, expect, it } from 'vitest';
import { parseLabelFilter } from '../../src/core/label-filter.js';
import { UsageError } from '../../src/core/errors.js';

describe('parseLabelFilter', () => {
  const cases: Array<[string, string[], boolean]> = [
    ['Conformance', ['Conformance'], true],
    ['conformance', ['Conformance'], true],
    ['Conformance', ['Feature:Block'], false],
    ['!Feature:Block', ['Conformance'], true],
    ['!Feature:Block', ['Feature:Block'], false],
    ['Conformance && !Feature:Block', ['Conformance', 'Feature:Block'], false],
    ['Conformance && !Feature:Block', ['Conformance'], true],
    ['Feature:A || Feature:B', ['Feature:B'], true],
    ['Feature:A, Feature:B', ['Feature:B'], true],
    ['(Feature:A || Feature:B) && Serial', ['Feature:A'], false],
    ['(Feature:A || Feature:B) && Serial', ['Feature:A', 'Serial'], true],
    ['!(Feature:A || Feature:B)', ['Feature:C'], true],
  ];
  it.each(cases)('%s on %j is %s', (expression, tags, expected) => {
    expect(parseLabelFilter(expression)(tags)).toBe(expected);
  });

  it.each(['', '&&', 'A &&', '(A', 'A)', 'A B'])('rejects %j with a usage error naming --label-filter', (expression) => {
    expect(() => parseLabelFilter(expression)).toThrow(UsageError);
    try {
      parseLabelFilter(expression);
    } catch (error) {
      expect((error as UsageError).field).toBe('--label-filter');
    }
  });
});
