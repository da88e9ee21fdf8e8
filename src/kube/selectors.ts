// Label and field selectors in the query-string syntax (labels: `a=b,c!=d,e in (f,g),!h,i`;
// fields: `metadata.name=x,status.phase!=Running`).
import { badRequest } from './status.js';
import type { KubeObject } from './types.js';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; values: string[] }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string; values: string[] };

export type Selector = (labels: Record<string, string>) => boolean;

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function parseLabelTerm(term: string): Requirement {
  let m = /^!\s*(\S+)$/.exec(term);
  if (m) return { op: 'notexists', key: m[1]!, values: [] };
  m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
  if (m) {
    const values = m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
    return { op: m[2] as 'in' | 'notin', key: m[1]!, values };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1]!, values: [m[3]!] };
  if (/^[^=!\s()]+$/.test(term)) return { op: 'exists', key: term, values: [] };
  throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
}

export function parseLabelSelector(text: string | null | undefined): Selector | undefined {
  if (!text) return undefined;
  const requirements = splitTerms(text).map(parseLabelTerm);
  for (const r of requirements) {
    if (!LABEL_KEY.test(r.key)) throw badRequest(`unable to parse requirement: invalid label key "${r.key}"`);
    for (const v of r.values) if (!LABEL_VALUE.test(v)) throw badRequest(`unable to parse requirement: invalid label value: "${v}"`);
  }
  return (labels) =>
    requirements.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const value = labels[r.key];
      switch (r.op) {
        case 'eq':
          return has && value === r.values[0];
        case 'neq':
          return !has || value !== r.values[0];
        case 'in':
          return has && r.values.includes(value!);
        case 'notin':
          return !has || !r.values.includes(value!);
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
    });
}

export type FieldSelector = (obj: KubeObject) => boolean;

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[key];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : String(cur);
}

/**
 * Field selectors. The real server accepts only per-type field sets (metadata.name and
 * metadata.namespace everywhere, a few more per built-in, selectableFields for CRDs); this one
 * accepts any dotted path, documented in docs/kube/differences.md.
 */
export function parseFieldSelector(text: string | null | undefined): FieldSelector | undefined {
  if (!text) return undefined;
  const terms = splitTerms(text).map((term) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    return { path: m[1]!, negate: m[2] === '!=', value: m[3]! };
  });
  return (obj) => terms.every((t) => (fieldValue(obj, t.path) === t.value) !== t.negate);
}
