// Strategic merge patch (application/strategic-merge-patch+json) for built-in types. The real
// server reads patchStrategy/patchMergeKey from Go struct tags; we keep the table for the fields
// of the types served here. Supports the directives kubectl emits: null deletes a field,
// `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and ignores
// `$setElementOrder/<field>` (ordering only).

type Obj = Record<string, unknown>;

export interface ListStrategy {
  /** Merge items that agree on this key; absent: merge a list of primitives as a set. */
  mergeKey?: string;
  /** A map owned and replaced as one value (x-kubernetes-map-type: atomic); never a list strategy. */
  atomic?: boolean;
}

/** patchMergeKey by field name; `ports` depends on where it sits. */
export function listStrategy(path: string[], field: string): ListStrategy | undefined {
  const parent = path[path.length - 1];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'secrets':
      return { mergeKey: 'name' };
    case 'volumeMounts':
      return { mergeKey: 'mountPath' };
    case 'volumeDevices':
      return { mergeKey: 'devicePath' };
    case 'conditions':
      return { mergeKey: 'type' };
    case 'addresses':
      return parent === 'status' ? { mergeKey: 'type' } : undefined;
    case 'ownerReferences':
      return { mergeKey: 'uid' };
    case 'hostAliases':
      return { mergeKey: 'ip' };
    case 'topologySpreadConstraints':
      return { mergeKey: 'topologyKey' };
    case 'finalizers':
      return {};
    case 'ports':
      return path.includes('containers') || path.includes('initContainers') ? { mergeKey: 'containerPort' } : { mergeKey: 'port' };
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], strategy: ListStrategy, path: string[]): unknown[] {
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map(stripDirectives);
  }
  // Items named by the patch come first, in patch order; items only on the server follow in their
  // order (what apimachinery's normalizeElementOrder yields without $setElementOrder).
  const key = strategy.mergeKey;
  if (!key) {
    const fromPatch = patch.filter((item, i) => patch.indexOf(item) === i);
    return [...fromPatch, ...original.filter((item) => !fromPatch.includes(item))];
  }
  const sameKey = (a: unknown, b: unknown) => isObject(a) && isObject(b) && a[key] === b[key];
  const result: unknown[] = [];
  for (const item of patch) {
    if (!isObject(item) || item.$patch === 'delete') continue;
    const match = original.find((o) => sameKey(o, item));
    result.push(match ? mergeObject(match as Obj, item, path) : stripDirectives(item));
  }
  for (const item of original) {
    if (!patch.some((p) => sameKey(p, item))) result.push(item);
  }
  return result;
}

function mergeObject(original: Obj, patch: Obj, path: string[]): Obj {
  if (patch.$patch === 'replace') return stripDirectives(patch) as Obj;
  const result: Obj = { ...original };
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(result)) if (!keep.has(k)) delete result[k];
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list) && Array.isArray(value)) result[field] = list.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (isObject(value)) {
      if (value.$patch === 'delete') delete result[key];
      else result[key] = mergeObject(isObject(current) ? current : {}, value, [...path, key]);
      continue;
    }
    if (Array.isArray(value)) {
      const strategy = listStrategy(path, key);
      result[key] = strategy && Array.isArray(current) ? mergeList(current, value, strategy, [...path, key]) : stripDirectives(value);
      continue;
    }
    result[key] = value;
  }
  return result;
}

export function strategicMergePatch<T extends object>(original: T, patch: unknown): T {
  if (!isObject(patch)) throw new TypeError('a strategic merge patch must be a JSON object');
  return mergeObject(original as Obj, patch, []) as T;
}
