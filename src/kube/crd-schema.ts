// Structural schemas of CustomResourceDefinitions: pruning of unknown fields, defaulting, and
// validation (ajv) with errors rendered as apiextensions-apiserver renders them, field paths
// included ("spec.replicas in body must be of type integer").
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ListStrategy } from './strategic-merge.js';
import type { FieldError } from './status.js';
import type { JsonObject } from './types.js';

type Obj = Record<string, unknown>;
type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const ROOT_META = new Set(['apiVersion', 'kind', 'metadata']);

/** Drops fields the schema does not declare, unless x-kubernetes-preserve-unknown-fields says keep them. */
export function prune(value: unknown, schema: Schema | undefined, root = false): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    if (isObject(schema.items)) for (const item of value) prune(item, schema.items);
    return;
  }
  if (!isObject(value)) return;
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : undefined;
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    if ((root || embedded) && ROOT_META.has(key)) continue;
    const sub = properties?.[key] ?? additional;
    // A null where the schema does not say nullable is dropped, as apiextensions does before defaulting.
    if (sub && value[key] === null && sub.nullable !== true) delete value[key];
    else if (sub) prune(value[key], sub);
    else if (!preserve) delete value[key];
  }
}

/** Fills `default` values of absent properties, outermost first. */
export function applyDefaults(value: unknown, schema: Schema | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    if (isObject(schema.items)) for (const item of value) applyDefaults(item, schema.items);
    return;
  }
  if (!isObject(value)) return;
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  for (const [key, sub] of Object.entries(properties)) {
    if (value[key] === undefined && sub.default !== undefined) value[key] = structuredClone(sub.default);
    applyDefaults(value[key], sub);
  }
  if (isObject(schema.additionalProperties)) for (const v of Object.values(value)) applyDefaults(v, schema.additionalProperties as Schema);
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });

/** The schema as ajv sees it: without the root metadata fields, which are validated elsewhere. */
function forAjv(schema: Schema): Schema {
  const copy = structuredClone(schema);
  if (isObject(copy.properties)) for (const key of ROOT_META) delete (copy.properties as Obj)[key];
  return copy;
}

function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cur = root;
  for (const part of instancePath.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function toFieldError(error: ErrorObject, root: unknown): FieldError | undefined {
  const field = fieldPath(error.instancePath);
  const value = valueAt(root, error.instancePath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const full = field ? `${field}.${String(p.missingProperty)}` : String(p.missingProperty);
      return { type: 'FieldValueRequired', field: full, detail: '' };
    }
    case 'type':
      return { type: 'FieldValueTypeInvalid', field, value, detail: `${field} in body must be of type ${String(p.type)}: ${JSON.stringify(typeName(value))}` };
    case 'enum':
      return { type: 'FieldValueNotSupported', field, value, detail: `supported values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'minimum':
      return { type: 'FieldValueInvalid', field, value, detail: `${field} in body should be greater than or equal to ${String(p.limit)}` };
    case 'maximum':
      return { type: 'FieldValueInvalid', field, value, detail: `${field} in body should be less than or equal to ${String(p.limit)}` };
    case 'exclusiveMinimum':
      return { type: 'FieldValueInvalid', field, value, detail: `${field} in body should be greater than ${String(p.limit)}` };
    case 'exclusiveMaximum':
      return { type: 'FieldValueInvalid', field, value, detail: `${field} in body should be less than ${String(p.limit)}` };
    case 'pattern':
      return { type: 'FieldValueInvalid', field, value, detail: `${field} in body should match '${String(p.pattern)}'` };
    case 'minLength':
      return { type: 'FieldValueInvalid', field, value, detail: `${field} in body should be at least ${String(p.limit)} chars long` };
    // apiextensions leaves the value out of a too-long string's message, and gives an array's length for its value.
    case 'maxLength':
      return { type: 'FieldValueTooLong', field, detail: `may not be more than ${String(p.limit)} bytes` };
    case 'minItems':
      return { type: 'FieldValueInvalid', field, value: Array.isArray(value) ? value.length : value, detail: `${field} in body should have at least ${String(p.limit)} items` };
    case 'maxItems':
      return { type: 'FieldValueTooMany', field, value: Array.isArray(value) ? value.length : value, detail: `must have at most ${String(p.limit)} items` };
    // apiextensions reports the number of properties as the value, and maxProperties as "too many items".
    case 'minProperties':
      return { type: 'FieldValueInvalid', field, value: isObject(value) ? Object.keys(value).length : value, detail: `${field} in body should have at least ${String(p.limit)} properties` };
    case 'maxProperties':
      return { type: 'FieldValueTooMany', field, value: isObject(value) ? Object.keys(value).length : value, detail: `must have at most ${String(p.limit)} items` };
    case 'if':
    case 'anyOf':
    case 'oneOf':
      return undefined; // the branch errors say more
    default:
      return { type: 'FieldValueInvalid', field, value, detail: `${field} in body ${error.message ?? 'is invalid'}` };
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export interface CompiledSchema {
  schema: JsonObject;
  /** Prunes, defaults and validates `obj` in place. */
  admit(obj: Obj): FieldError[];
}

export function compileSchema(schema: JsonObject): CompiledSchema {
  const validate: ValidateFunction = ajv.compile(forAjv(schema as Schema));
  return {
    schema,
    admit(obj) {
      prune(obj, schema as Schema, true);
      applyDefaults(obj, schema as Schema);
      if (validate(obj)) return [];
      const errors: FieldError[] = [];
      for (const error of validate.errors ?? []) {
        const fe = toFieldError(error, obj);
        if (fe && !errors.some((e) => e.field === fe.field && e.detail === fe.detail)) errors.push(fe);
      }
      return errors;
    },
  };
}

/** List semantics from x-kubernetes-list-type / x-kubernetes-list-map-keys, for apply and field ownership. */
export function schemaListStrategy(schema: JsonObject | undefined): (path: string[], field: string) => ListStrategy | undefined {
  return (path, field) => {
    let cur: Schema | undefined = schema as Schema | undefined;
    for (const name of [...path, field]) {
      if (!cur) return undefined;
      if (cur.type === 'array' && isObject(cur.items)) cur = cur.items as Schema;
      const props: Obj | undefined = isObject(cur.properties) ? cur.properties : undefined;
      cur = (props?.[name] as Schema | undefined) ?? (isObject(cur.additionalProperties) ? (cur.additionalProperties as Schema) : undefined);
    }
    if (!cur) return undefined;
    if (cur['x-kubernetes-map-type'] === 'atomic') return { atomic: true };
    if (cur['x-kubernetes-list-type'] === 'set') return {};
    if (cur['x-kubernetes-list-type'] === 'map') {
      const keys = cur['x-kubernetes-list-map-keys'];
      if (Array.isArray(keys) && typeof keys[0] === 'string') return { mergeKey: keys[0] };
    }
    return undefined;
  };
}
