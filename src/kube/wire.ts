// The Go shape of built-in objects. kube-apiserver decodes every request body into its Go types
// and writes them out again with Go's JSON rules, so what it stores and answers has the shape of
// those types: unknown fields dropped, empty `omitempty` fields left out, zero values written for
// the other fields, timestamps at their precision, map keys sorted. `goShape` gives a JSON object
// that shape, from the field table in wire-schema.ts (read from the Go types); protobuf.ts decodes
// protobuf bodies with the same table.
import { isDeepStrictEqual } from 'node:util';
import { WIRE_KINDS, WIRE_MESSAGES } from './wire-schema.js';

export type Scalar = 's' | 'b' | 'i32' | 'i64' | 'y';
export type Special = 'Time' | 'MicroTime' | 'Quantity' | 'IntOrString' | 'RawExtension' | 'FieldsV1' | 'ExtraValue';
export type WireType =
  | { kind: 'scalar'; scalar: Scalar }
  | { kind: 'special'; name: Special }
  | { kind: 'message'; name: string }
  | { kind: 'list'; of: WireType }
  | { kind: 'map'; of: WireType };

export interface WireField {
  json: string;
  number: number;
  type: WireType;
  /** A Go pointer: set (even to a zero value) or nil. */
  pointer: boolean;
  omitempty: boolean;
  /** Go 1.24's `omitzero`: left out when it holds its type's zero value (ObjectMeta.creationTimestamp). */
  omitzero: boolean;
  /** An embedded struct whose fields JSON spells at this level (Volume's VolumeSource). */
  inline: boolean;
  /** A named scalar's Go type (v1.ServiceType), as Go's decoding errors name it. */
  goType?: string;
}

export interface WireMessage {
  name: string;
  fields: WireField[];
}

const SPECIALS = new Set<string>(['Time', 'MicroTime', 'Quantity', 'IntOrString', 'RawExtension', 'FieldsV1', 'ExtraValue']);
const SCALARS = new Set<string>(['s', 'b', 'i32', 'i64', 'y']);

function parseType(code: string): WireType {
  if (code.startsWith('[')) return { kind: 'list', of: parseType(code.slice(1, -1)) };
  if (code.startsWith('{')) return { kind: 'map', of: parseType(code.slice(1, -1)) };
  if (SCALARS.has(code)) return { kind: 'scalar', scalar: code as Scalar };
  if (SPECIALS.has(code)) return { kind: 'special', name: code as Special };
  return { kind: 'message', name: code };
}

function parseMessages(table: string): Map<string, WireMessage> {
  const out = new Map<string, WireMessage>();
  for (const line of table.split('\n')) {
    const [name, ...tokens] = line.trim().split(' ');
    if (!name) continue;
    const fields = tokens.map((token): WireField => {
      const [json, number, code, flags = '', goType] = token.split(':') as [string, string, string, string?, string?];
      const field: WireField = { json, number: Number(number), type: parseType(code), pointer: flags.includes('p'), omitempty: flags.includes('o'), omitzero: flags.includes('z'), inline: flags.includes('i') };
      if (goType) field.goType = goType;
      return field;
    });
    out.set(name, { name, fields });
  }
  return out;
}

export const wireMessages = parseMessages(WIRE_MESSAGES);

const kindMessages = new Map(Object.entries(WIRE_KINDS).map(([gvk, name]) => [gvk, wireMessages.get(name)!]));

/** The message of a built-in kind, if the table has it (DeleteOptions is served in every group). */
export function wireMessageOf(apiVersion: string, kind: string): WireMessage | undefined {
  return kindMessages.get(`${apiVersion}/${kind}`) ?? kindMessages.get(`*/${kind}`);
}

/** A body Go could not decode into the type (wrong JSON type, bad quantity or time). */
export class WireDecodeError extends Error {}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What Go's encoding/json names a JSON value in "cannot unmarshal X into ...". */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return `number ${String(value)}`;
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  return 'object';
}

function goTypeName(type: WireType): string {
  switch (type.kind) {
    case 'scalar':
      return { s: 'string', b: 'bool', i32: 'int32', i64: 'int64', y: '[]uint8' }[type.scalar];
    case 'special':
      return { Time: 'v1.Time', MicroTime: 'v1.MicroTime', Quantity: 'resource.Quantity', IntOrString: 'intstr.IntOrString', RawExtension: 'runtime.RawExtension', FieldsV1: 'v1.FieldsV1', ExtraValue: 'v1.ExtraValue' }[type.name];
    case 'message':
      return `v1.${type.name.replace(/^.*\./, '')}`;
    case 'list':
      return `[]${goTypeName(type.of)}`;
    case 'map':
      return `map[string]${goTypeName(type.of)}`;
  }
}

interface Context {
  unknown: string[];
  /** Path to the value being shaped (field names, [index], map keys): unknown fields are reported with it. */
  segments: string[];
  /** The fields being decoded and their messages, outermost first: Go's error texts name the struct, JSON path and type. */
  fields: WireField[];
  messages: WireMessage[];
}

function joinPath(segments: string[]): string {
  let out = '';
  for (const segment of segments) out += segment.startsWith('[') || out === '' ? segment : `.${segment}`;
  return out;
}

function mismatch(value: unknown, type: WireType, ctx: Context): WireDecodeError {
  const integer = type.kind === 'scalar' && (type.scalar === 'i32' || type.scalar === 'i64');
  const kind = typeof value === 'number' && !integer ? 'number' : jsonKind(value);
  const field = ctx.fields[ctx.fields.length - 1];
  const struct = ctx.messages[ctx.messages.length - 1]?.name.replace(/^.*\./, '') ?? '';
  const goPath = ctx.fields.map((f) => f.json).join('.');
  const goType = type.kind === 'scalar' && field?.goType ? field.goType : goTypeName(type);
  return new WireDecodeError(`json: cannot unmarshal ${kind} into Go struct field ${struct}.${goPath} of type ${goType}`);
}

const OMIT = Symbol('omit');

const zeroMessages = new Map<string, Obj>();

/** The JSON Go writes for the zero value of a non-pointer field. */
function zero(type: WireType): unknown {
  switch (type.kind) {
    case 'scalar':
      return type.scalar === 's' ? '' : type.scalar === 'b' ? false : type.scalar === 'y' ? null : 0;
    case 'special':
      return { Time: null, MicroTime: null, Quantity: '0', IntOrString: 0, RawExtension: null, FieldsV1: null, ExtraValue: null }[type.name];
    case 'message': {
      let cached = zeroMessages.get(type.name);
      if (!cached) {
        cached = shapeMessage(undefined, wireMessages.get(type.name)!, { unknown: [], segments: [], fields: [], messages: [] });
        zeroMessages.set(type.name, cached);
      }
      return structuredClone(cached);
    }
    case 'list':
    case 'map':
      return null;
  }
}

/** Go's `omitempty`: false, 0, "", and empty arrays, slices and maps; never a struct. */
function isEmpty(value: unknown, type: WireType): boolean {
  if (type.kind === 'scalar') return value === '' || value === 0 || value === false || value === null;
  if (type.kind === 'list' || type.kind === 'map' || (type.kind === 'special' && type.name === 'ExtraValue')) {
    return value === null || (Array.isArray(value) ? value.length === 0 : isObject(value) && Object.keys(value).length === 0);
  }
  return false;
}

/** Go's `omitzero` test of a shaped non-pointer value: equal to the JSON of the type's zero value. */
function isZero(value: unknown, type: WireType): boolean {
  return isDeepStrictEqual(value, zero(type));
}

/** Go slices, maps, pointers and []byte read JSON null as nil; everything else keeps its zero value. */
function nilable(field: WireField): boolean {
  const t = field.type;
  return field.pointer || t.kind === 'list' || t.kind === 'map' || (t.kind === 'scalar' && t.scalar === 'y') || (t.kind === 'special' && t.name === 'ExtraValue');
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const MICRO_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

/**
 * metav1.Time is read as RFC 3339 (any fraction) and written in seconds; MicroTime is read with
 * exactly six fractional digits and written so; both in UTC. Errors in time.Parse's words.
 */
function shapeTime(value: unknown, micro: boolean, type: WireType, ctx: Context): string {
  if (typeof value !== 'string') throw mismatch(value, type, ctx);
  const m = RFC3339.exec(value);
  const layout = micro ? MICRO_LAYOUT : '2006-01-02T15:04:05Z07:00';
  if (!m) throw new WireDecodeError(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(value)} as "2006"`);
  const [, y, mo, d, h, mi, s, fraction = '', zone] = m as unknown as string[];
  if (micro && fraction.length !== 7) {
    const rest = fraction.length > 7 ? value.slice(20 + 6) : value.slice(19);
    throw new WireDecodeError(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(rest)} as ${fraction.length > 7 ? '"Z07:00"' : '".000000"'}`);
  }
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const base = new Date(ms).toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  return `${base}.${fraction.slice(1).padEnd(6, '0').slice(0, 6)}Z`;
}

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function shapeValue(value: unknown, type: WireType, ctx: Context): unknown {
  switch (type.kind) {
    case 'scalar':
      switch (type.scalar) {
        case 's':
          if (typeof value !== 'string') throw mismatch(value, type, ctx);
          return value;
        case 'b':
          if (typeof value !== 'boolean') throw mismatch(value, type, ctx);
          return value;
        case 'y':
          if (typeof value !== 'string') throw mismatch(value, type, ctx);
          if (!BASE64.test(value)) throw new WireDecodeError(`illegal base64 data at input byte ${Math.max(0, value.search(/[^A-Za-z0-9+/=]/))}`);
          return value;
        default: {
          const max = type.scalar === 'i32' ? 2 ** 31 : 2 ** 63;
          if (typeof value !== 'number' || !Number.isInteger(value) || value >= max || value < -max) throw mismatch(value, type, ctx);
          return value;
        }
      }
    case 'special':
      switch (type.name) {
        case 'Time':
        case 'MicroTime':
          return shapeTime(value, type.name === 'MicroTime', type, ctx);
        case 'Quantity': {
          const text = typeof value === 'number' ? String(value) : value;
          if (typeof text !== 'string' || !QUANTITY.test(text)) throw new WireDecodeError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
          return text;
        }
        case 'IntOrString':
          if (typeof value === 'string') return value;
          if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return value;
          throw mismatch(value, type, ctx);
        case 'ExtraValue':
          if (!Array.isArray(value)) throw mismatch(value, type, ctx);
          return value.map((v) => (v === null ? '' : shapeValue(v, { kind: 'scalar', scalar: 's' }, ctx)));
        case 'RawExtension':
        case 'FieldsV1':
          return value;
      }
      break;
    case 'message': {
      const message = wireMessages.get(type.name)!;
      if (!isObject(value)) throw mismatch(value, type, ctx);
      return shapeMessage(value, message, ctx);
    }
    case 'list': {
      if (!Array.isArray(value)) throw mismatch(value, type, ctx);
      return value.map((item, i) => {
        if (item === null) return zero(type.of);
        ctx.segments.push(`[${i}]`);
        const shaped = shapeValue(item, type.of, ctx);
        ctx.segments.pop();
        return shaped;
      });
    }
    case 'map': {
      if (!isObject(value)) throw mismatch(value, type, ctx);
      const out: Obj = {};
      for (const key of Object.keys(value).sort()) {
        const item = value[key];
        if (item === null) {
          out[key] = zero(type.of);
          continue;
        }
        ctx.segments.push(key);
        out[key] = shapeValue(item, type.of, ctx);
        ctx.segments.pop();
      }
      return out;
    }
  }
  return value;
}

function shapeField(input: Obj, field: WireField, ctx: Context): unknown {
  const raw = input[field.json];
  if (raw === undefined || raw === null) {
    if (nilable(field)) return field.omitempty || field.omitzero ? OMIT : null;
    if ((field.type.kind === 'scalar' && field.omitempty) || field.omitzero) return OMIT;
    return zero(field.type);
  }
  const shaped = shapeValue(raw, field.type, ctx);
  if (!field.pointer && field.omitempty && isEmpty(shaped, field.type)) return OMIT;
  if (!field.pointer && field.omitzero && isZero(shaped, field.type)) return OMIT;
  return shaped;
}

/** A field as a message reads it: the field and the struct it belongs to (an inline struct's own). */
interface Member {
  field: WireField;
  owner: WireMessage;
}

interface Plan {
  /** Every JSON name the message knows, inline structs' included. */
  members: Map<string, Member>;
  /** Fields Go writes even when absent (non-omitempty fields, structs): their zero values. */
  alwaysWritten: Member[];
}

const plans = new Map<WireMessage, Plan>();

function planOf(message: WireMessage): Plan {
  let plan = plans.get(message);
  if (plan) return plan;
  plan = { members: new Map(), alwaysWritten: [] };
  for (const field of message.fields) {
    if (field.inline && field.type.kind === 'message') {
      const inner = planOf(wireMessages.get(field.type.name)!);
      for (const [name, member] of inner.members) plan.members.set(name, member);
      plan.alwaysWritten.push(...inner.alwaysWritten);
      continue;
    }
    const member = { field, owner: message };
    plan.members.set(field.json, member);
    if (shapeField({}, field, { unknown: [], segments: [], fields: [], messages: [] }) !== OMIT) plan.alwaysWritten.push(member);
  }
  plans.set(message, plan);
  return plan;
}

/**
 * The fields the input has, shaped, then the zero values of the fields Go always writes: work in
 * proportion to what the body holds rather than to everything its type could hold.
 */
function shapeMessage(input: Obj | undefined, message: WireMessage, ctx: Context): Obj {
  const plan = planOf(message);
  const out: Obj = {};
  if (input) {
    for (const key of Object.keys(input)) {
      const member = plan.members.get(key);
      if (!member) {
        ctx.unknown.push(joinPath([...ctx.segments, key]));
        continue;
      }
      ctx.fields.push(member.field);
      ctx.messages.push(member.owner);
      ctx.segments.push(key);
      const shaped = shapeField(input, member.field, ctx);
      ctx.segments.pop();
      ctx.messages.pop();
      ctx.fields.pop();
      if (shaped !== OMIT) out[key] = shaped;
    }
  }
  for (const { field } of plan.alwaysWritten) {
    if (input === undefined || !(field.json in input)) out[field.json] = shapeField(EMPTY, field, ctx);
  }
  return out;
}

const EMPTY: Obj = {};

export interface Shaped {
  object: Obj;
  /** Field paths Go would not know (`spec.ports[0].x`), for warnings or a strict-decoding error. */
  unknown: string[];
}

/**
 * The object as kube-apiserver would store it after decoding into the Go type: apiVersion and
 * kind first, then the fields of the message. Throws WireDecodeError where Go's decoder fails.
 */
export function goShape(obj: Obj, message: WireMessage): Shaped {
  const ctx: Context = { unknown: [], segments: [], fields: [], messages: [] };
  const { apiVersion, kind, ...rest } = obj;
  const body = shapeMessage(rest, message, ctx);
  return { object: { apiVersion, kind, ...body }, unknown: ctx.unknown };
}
