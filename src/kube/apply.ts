// Server-side apply and field-manager bookkeeping on ordinary writes. Simplified from
// structured-merge-diff: ownership is tracked per leaf field and per keyed list item; lists
// without a merge key are atomic. See docs/kube/differences.md for what is not modelled.
import { describePath, fieldsOf, fromFieldsV1, removePath, toFieldsV1, type FieldSet, type ListStrategyOf } from './managed-fields.js';
import { KubeApiError, type StatusCause } from './status.js';
import type { KubeObject, ManagedFieldsEntry } from './types.js';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

let stampedSecond = -1;
let stamp = '';

/** The current time as metav1.Time writes it (seconds); formatted once per second, not per write. */
export function nowTimestamp(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== stampedSecond) {
    stampedSecond = second;
    stamp = new Date(second * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  }
  return stamp;
}

interface Owner {
  entry: ManagedFieldsEntry;
  paths: Set<string>;
}

function owners(obj: KubeObject | undefined): Owner[] {
  return (obj?.metadata.managedFields ?? []).map((entry) => ({ entry: { ...entry }, paths: fromFieldsV1(entry.fieldsV1) }));
}

function sameSlot(entry: ManagedFieldsEntry, manager: string, operation: string, subresource: string | undefined): boolean {
  return entry.manager === manager && entry.operation === operation && (entry.subresource ?? '') === (subresource ?? '');
}

function writeBack(obj: KubeObject, list: Owner[]): void {
  const entries = list
    .filter((o) => o.paths.size > 0)
    .map((o) => ({ ...o.entry, fieldsV1: toFieldsV1(o.paths) }));
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

function slot(list: Owner[], manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): Owner {
  let owner = list.find((o) => sameSlot(o.entry, manager, operation, subresource));
  if (!owner) {
    const entry: ManagedFieldsEntry = { manager, operation, apiVersion, time: nowTimestamp(), fieldsType: 'FieldsV1', fieldsV1: {} };
    if (subresource) entry.subresource = subresource;
    owner = { entry, paths: new Set() };
    list.push(owner);
  }
  owner.entry.apiVersion = apiVersion;
  owner.entry.time = nowTimestamp();
  return owner;
}

const fieldSets = new WeakMap<KubeObject, FieldSet>();

/** Field sets of objects that are never changed (stored ones, zero values) are made once. */
function fieldsOfCached(obj: KubeObject, strategyOf: ListStrategyOf): FieldSet {
  let fields = fieldSets.get(obj);
  if (!fields) fieldSets.set(obj, (fields = fieldsOf(obj, strategyOf)));
  return fields;
}

/** After create/update/patch: `manager` takes the fields it changed; fields that are gone lose their owners. */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
  apiVersion: string,
  strategyOf: ListStrategyOf,
  subresource?: string,
): void {
  const oldFields: FieldSet = before ? fieldsOfCached(before, strategyOf) : new Map();
  const newFields = fieldsOf(after, strategyOf);
  const changed = [...newFields].filter(([p, v]) => oldFields.get(p) !== v).map(([p]) => p);
  const list = owners(before);
  for (const o of list) for (const p of [...o.paths]) if (!newFields.has(p)) o.paths.delete(p);
  if (changed.length > 0) {
    for (const o of list) for (const p of changed) o.paths.delete(p);
    const mine = slot(list, manager, 'Update', apiVersion, subresource);
    for (const p of changed) mine.paths.add(p);
  }
  writeBack(after, list);
}

/** Merges an applied configuration into `live`: maps recursively, keyed lists by key, sets as union, the rest replaced. */
function mergeApplied(live: Obj, config: Obj, strategyOf: ListStrategyOf, names: string[]): Obj {
  const out: Obj = { ...live };
  for (const [key, value] of Object.entries(config)) {
    const current = out[key];
    if (isObject(value) && isObject(current) && strategyOf(names, key)?.atomic !== true) {
      out[key] = mergeApplied(current, value, strategyOf, [...names, key]);
    } else if (Array.isArray(value) && Array.isArray(current)) {
      const strategy = strategyOf(names, key);
      if (strategy?.mergeKey) {
        const mk = strategy.mergeKey;
        const merged = [...current];
        for (const item of value) {
          const index = merged.findIndex((m) => isObject(m) && isObject(item) && m[mk] === item[mk]);
          if (index >= 0 && isObject(item)) merged[index] = mergeApplied(merged[index] as Obj, item, strategyOf, [...names, key]);
          else merged.push(item);
        }
        out[key] = merged;
      } else if (strategy) {
        out[key] = [...current, ...value.filter((v) => !current.includes(v))];
      } else {
        out[key] = value;
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}

export interface ApplyRequest {
  live: KubeObject | undefined;
  config: KubeObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  strategyOf: ListStrategyOf;
  subresource?: string;
}

/** Returns the object after applying `config` as `manager`, or throws a 409 listing the conflicts. */
export function serverSideApply(request: ApplyRequest): KubeObject {
  const { live, config, manager, force, apiVersion, strategyOf, subresource } = request;
  const configFields = fieldsOf(config, strategyOf);
  const list = owners(live);
  if (!live) {
    const created = structuredClone(config);
    const mine = slot(list, manager, 'Apply', apiVersion, subresource);
    for (const p of configFields.keys()) mine.paths.add(p);
    writeBack(created, list);
    return created;
  }
  const liveFields = fieldsOf(live, strategyOf);
  const conflicts: { owner: Owner; path: string }[] = [];
  for (const [p, v] of configFields) {
    if (v === '' || !liveFields.has(p) || liveFields.get(p) === v) continue;
    for (const o of list) {
      if (sameSlot(o.entry, manager, 'Apply', subresource)) continue;
      if (o.paths.has(p)) conflicts.push({ owner: o, path: p });
    }
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const { owner, path } of conflicts) owner.paths.delete(path);

  const mine = slot(list, manager, 'Apply', apiVersion, subresource);
  const previous = new Set(mine.paths);
  let merged = structuredClone(live) as Obj;
  // Fields this manager applied before and no longer applies are removed unless someone else owns them.
  const dropped = [...previous].filter((p) => !configFields.has(p) && !list.some((o) => o !== mine && o.paths.has(p)));
  dropped.sort((a, b) => b.length - a.length);
  for (const p of dropped) removePath(merged, p);
  const { metadata: configMeta, ...configRest } = config as Obj;
  merged = mergeApplied(merged, configRest, strategyOf, []);
  if (isObject(configMeta)) {
    const tracked: Obj = {};
    for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences']) if (configMeta[key] !== undefined) tracked[key] = configMeta[key];
    merged.metadata = mergeApplied(merged.metadata as Obj, tracked, strategyOf, ['metadata']);
  }
  mine.paths = new Set(configFields.keys());
  const result = merged as KubeObject;
  const resultFields = fieldsOf(result, strategyOf);
  for (const o of list) for (const p of [...o.paths]) if (!resultFields.has(p)) o.paths.delete(p);
  writeBack(result, list);
  return result;
}

function conflictError(conflicts: { owner: Owner; path: string }[]): KubeApiError {
  const causes: StatusCause[] = conflicts.map(({ owner, path }) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${owner.entry.manager}" using ${owner.entry.apiVersion}`,
    field: describePath(path),
  }));
  const n = conflicts.length;
  const first = causes[0]!;
  const message =
    n === 1
      ? `Apply failed with 1 conflict: ${first.message}: ${first.field}`
      : `Apply failed with ${n} conflicts: ${causes.map((c) => `${c.message}: ${c.field}`).join('\n')}`;
  return new KubeApiError(409, 'Conflict', message, { causes });
}
