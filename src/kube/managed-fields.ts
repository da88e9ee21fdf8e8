// Field ownership for server-side apply: which manager owns which fields, in the FieldsV1 form
// the API server stores in metadata.managedFields. A field set is a Map from an encoded path to
// the JSON of the value there ('' for a list item marker), so "did this value change" is a string
// comparison.
import type { ListStrategy } from './strategic-merge.js';
import type { JsonObject } from './types.js';

type Obj = Record<string, unknown>;
export type ListStrategyOf = (path: string[], field: string) => ListStrategy | undefined;
export type FieldSet = Map<string, string>;

const SEP = '\n';

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A leaf value as a string that is equal exactly when the values are (never '', the list item marker). */
function leaf(v: unknown): string {
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v}${String(v)}`;
  return JSON.stringify(v) ?? 'undefined';
}

/** Paths of `obj` as FieldsV1 elements (f:name, k:{"name":"x"}, v:"x"). Only tracked metadata is included. */
export function fieldsOf(obj: Obj, strategyOf: ListStrategyOf): FieldSet {
  const out: FieldSet = new Map();
  const walk = (value: Obj, prefix: string, names: string[]) => {
    for (const [key, v] of Object.entries(value)) {
      const p = prefix ? `${prefix}${SEP}f:${key}` : `f:${key}`;
      // Label selectors are atomic structs in the built-in types: owned as one field.
      const atomic = isObject(v) && (strategyOf(names, key)?.atomic === true || (key === 'selector' && ('matchLabels' in v || 'matchExpressions' in v)));
      if (isObject(v) && Object.keys(v).length > 0 && !atomic) {
        walk(v, p, [...names, key]);
      } else if (Array.isArray(v) && v.length > 0) {
        const strategy = strategyOf(names, key);
        if (strategy?.mergeKey && v.every(isObject)) {
          for (const item of v as Obj[]) {
            const itemPath = `${p}${SEP}k:${JSON.stringify({ [strategy.mergeKey]: item[strategy.mergeKey] })}`;
            out.set(itemPath, '');
            walk(item, itemPath, [...names, key]);
          }
        } else if (strategy && !strategy.mergeKey) {
          for (const item of v) out.set(`${p}${SEP}v:${JSON.stringify(item)}`, '');
        } else {
          out.set(p, leaf(v));
        }
      } else {
        out.set(p, leaf(v));
      }
    }
  };
  const { metadata, apiVersion: _a, kind: _k, ...rest } = obj;
  walk(rest, '', []);
  if (isObject(metadata)) {
    const tracked: Obj = {};
    for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences']) if (metadata[key] !== undefined) tracked[key] = metadata[key];
    walk(tracked, 'f:metadata', ['metadata']);
  }
  return out;
}

const FIELDS_CACHE_SIZE = 512;
const fieldsCache = new Map<string, JsonObject>();

/**
 * FieldsV1 JSON from a set of paths: leaves are {}, a node owned itself and through children
 * gets ".". Objects written alike share one (frozen) result: a thousand ConfigMaps of one shape
 * cost one conversion.
 */
export function toFieldsV1(paths: Iterable<string>): JsonObject {
  const all = [...paths];
  const key = all.join('\u0000');
  let cached = fieldsCache.get(key);
  if (!cached) {
    cached = deepFreeze(buildFieldsV1(all));
    if (fieldsCache.size >= FIELDS_CACHE_SIZE) fieldsCache.delete(fieldsCache.keys().next().value!);
    fieldsCache.set(key, cached);
  }
  return cached;
}

function deepFreeze(obj: JsonObject): JsonObject {
  for (const child of Object.values(obj)) deepFreeze(child as JsonObject);
  return Object.freeze(obj);
}

function buildFieldsV1(all: string[]): JsonObject {
  const root: JsonObject = {};
  for (const path of all) {
    let node = root;
    for (const element of path.split(SEP)) {
      node[element] ??= {};
      node = node[element] as JsonObject;
    }
  }
  for (const path of all) {
    let node = root;
    for (const element of path.split(SEP)) node = node[element] as JsonObject;
    if (Object.keys(node).length > 0 && !('.' in node)) node['.'] = {};
  }
  return root;
}

export function fromFieldsV1(fields: JsonObject): Set<string> {
  const out = new Set<string>();
  const walk = (node: JsonObject, prefix: string) => {
    for (const [key, child] of Object.entries(node)) {
      if (key === '.') {
        out.add(prefix);
        continue;
      }
      const p = prefix ? `${prefix}${SEP}${key}` : key;
      const c = (child ?? {}) as JsonObject;
      if (Object.keys(c).length === 0) out.add(p);
      else walk(c, p);
    }
  };
  walk(fields, '');
  return out;
}

/** `.spec.containers[name="x"].image` — how conflicts are reported. */
export function describePath(path: string): string {
  return path
    .split(SEP)
    .map((e) => {
      if (e.startsWith('f:')) return `.${e.slice(2)}`;
      if (e.startsWith('k:')) {
        const key = JSON.parse(e.slice(2)) as Obj;
        return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      return `[=${e.slice(2)}]`;
    })
    .join('');
}

/** Removes the field or list item at `path` from `obj` (in place). */
export function removePath(obj: Obj, path: string): void {
  const elements = path.split(SEP);
  let parent: unknown = obj;
  for (let i = 0; i < elements.length - 1; i++) {
    parent = step(parent, elements[i]!);
    if (parent === undefined) return;
  }
  const last = elements[elements.length - 1]!;
  if (last.startsWith('f:') && isObject(parent)) {
    delete parent[last.slice(2)];
    // A map emptied by the removal goes too (an applier's last label takes `labels` with it).
    if (Object.keys(parent).length === 0 && elements.length > 1) removePath(obj, elements.slice(0, -1).join(SEP));
  } else if (Array.isArray(parent)) {
    const index = parent.findIndex((item) => matches(item, last));
    if (index >= 0) parent.splice(index, 1);
  }
}

function matches(item: unknown, element: string): boolean {
  if (element.startsWith('k:')) {
    const key = JSON.parse(element.slice(2)) as Obj;
    return isObject(item) && Object.entries(key).every(([k, v]) => item[k] === v);
  }
  if (element.startsWith('v:')) return JSON.stringify(item) === element.slice(2);
  return false;
}

function step(value: unknown, element: string): unknown {
  if (element.startsWith('f:')) return isObject(value) ? value[element.slice(2)] : undefined;
  if (Array.isArray(value)) return value.find((item) => matches(item, element));
  return undefined;
}
