// Label filter expressions over test tags, in the style of Ginkgo's --label-filter:
//   Conformance && !Feature:Snapshots
//   (Feature:Block || Feature:Topology), Serial      (a comma means OR)
// Labels match case-insensitively. A tiny recursive-descent parser: no library covers this grammar.
import { UsageError } from './errors.js';

type Node =
  | { kind: 'label'; name: string }
  | { kind: 'not'; operand: Node }
  | { kind: 'and' | 'or'; left: Node; right: Node };

export type LabelPredicate = (tags: readonly string[]) => boolean;

const TOKEN = /\s*(&&|\|\||[!(),]|[^\s&|!(),]+)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let rest = expression;
  while (rest.trim() !== '') {
    TOKEN.lastIndex = 0;
    const match = TOKEN.exec(rest);
    if (!match || match[1] === undefined) throw new UsageError(`--label-filter: cannot read "${rest.trim()}"`, { field: '--label-filter' });
    tokens.push(match[1]);
    rest = rest.slice(match[0].length);
  }
  return tokens;
}

const OPERATORS = new Set(['&&', '||', '!', '(', ')', ',']);

/** The labels an expression names, as written (for "no test has the tag …" hints). */
export function labelsIn(expression: string): string[] {
  return tokenize(expression).filter((token) => !OPERATORS.has(token));
}

export function parseLabelFilter(expression: string): LabelPredicate {
  const tokens = tokenize(expression);
  let position = 0;
  const fail = (what: string): never => {
    throw new UsageError(`--label-filter "${expression}": ${what}`, { field: '--label-filter' });
  };
  const peek = () => tokens[position];
  const parseOr = (): Node => {
    let left = parseAnd();
    while (peek() === '||' || peek() === ',') {
      position++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Node => {
    let left = parseUnary();
    while (peek() === '&&') {
      position++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Node => {
    const token = peek();
    if (token === undefined) return fail('expression ends too early');
    position++;
    if (token === '!') return { kind: 'not', operand: parseUnary() };
    if (token === '(') {
      const inner = parseOr();
      if (peek() !== ')') fail('missing ")"');
      position++;
      return inner;
    }
    if (['&&', '||', ',', ')'].includes(token)) return fail(`unexpected "${token}"`);
    return { kind: 'label', name: token.toLowerCase() };
  };
  if (tokens.length === 0) fail('empty expression');
  const tree = parseOr();
  if (position < tokens.length) fail(`unexpected "${tokens[position]}"`);

  const evaluate = (node: Node, tags: Set<string>): boolean => {
    switch (node.kind) {
      case 'label':
        return tags.has(node.name);
      case 'not':
        return !evaluate(node.operand, tags);
      case 'and':
        return evaluate(node.left, tags) && evaluate(node.right, tags);
      case 'or':
        return evaluate(node.left, tags) || evaluate(node.right, tags);
    }
  };
  return (tags) => evaluate(tree, new Set(tags.map((t) => t.toLowerCase())));
}
