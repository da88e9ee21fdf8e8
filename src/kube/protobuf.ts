// Protobuf request bodies, as client-go's typed clients send them for every built-in kind
// (and kubectl's generator commands): the "k8s\0" envelope around a runtime.Unknown whose raw
// bytes are the object. Message types are built from the field table in wire-schema.ts (read
// from the Go types, field numbers as published); the decoded object then takes the Go shape
// (wire.ts), so a protobuf body and the same object in JSON are stored alike.
import protobuf from 'protobufjs';
import { badRequest, unsupportedBody } from './status.js';
import { wireMessageOf, wireMessages, type WireMessage, type WireType } from './wire.js';

type Obj = Record<string, unknown>;

const root = new protobuf.Root();

function add(name: string, fields: [string, number, string, ('repeated' | undefined)?][]): void {
  const type = new protobuf.Type(name);
  for (const [field, id, fieldType, rule] of fields) type.add(new protobuf.Field(field, id, fieldType, rule));
  root.add(type);
}

// The wire forms of apimachinery's own types (k8s.io/apimachinery generated.proto).
add('TypeMeta', [['apiVersion', 1, 'string'], ['kind', 2, 'string']]);
add('Unknown', [['typeMeta', 1, 'TypeMeta'], ['raw', 2, 'bytes'], ['contentEncoding', 3, 'string'], ['contentType', 4, 'string']]);
add('Time', [['seconds', 1, 'int64'], ['nanos', 2, 'int32']]);
add('MicroTime', [['seconds', 1, 'int64'], ['nanos', 2, 'int32']]);
add('Quantity', [['string', 1, 'string']]);
add('IntOrString', [['type', 1, 'int64'], ['intVal', 2, 'int32'], ['strVal', 3, 'string']]);
add('RawExtension', [['raw', 1, 'bytes']]);
add('FieldsV1', [['raw', 1, 'bytes']]);
add('ExtraValue', [['items', 1, 'string', 'repeated']]);

const SCALAR_TYPES: Record<string, string> = { s: 'string', b: 'bool', i32: 'int32', i64: 'int64', y: 'bytes' };
const pbName = (name: string) => name.replace('.', '_');

function typeName(type: WireType): string {
  if (type.kind === 'scalar') return SCALAR_TYPES[type.scalar]!;
  if (type.kind === 'special') return type.name;
  if (type.kind === 'message') return pbName(type.name);
  throw new Error('nested lists and maps have no protobuf form');
}

for (const message of wireMessages.values()) {
  const type = new protobuf.Type(pbName(message.name));
  for (const field of message.fields) {
    if (field.type.kind === 'list') type.add(new protobuf.Field(field.json, field.number, typeName(field.type.of), 'repeated'));
    else if (field.type.kind === 'map') type.add(new protobuf.MapField(field.json, field.number, 'string', typeName(field.type.of)));
    else type.add(new protobuf.Field(field.json, field.number, typeName(field.type)));
  }
  root.add(type);
}
root.resolveAll();

const unknownType = root.lookupType('Unknown');
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const two = (n: number) => String(n).padStart(2, '0');

/** A protobuf Timestamp as Go's JSON writes metav1.Time (seconds) or MicroTime (microseconds); no fields at all is the zero time. */
function timestamp(value: Obj, micro: boolean): string | null {
  if (value.seconds === undefined && value.nanos === undefined) return null;
  const seconds = Number(value.seconds ?? 0);
  const date = new Date(seconds * 1000);
  const base = `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(Number(value.nanos ?? 0) / 1000)).padStart(6, '0')}Z`;
}

/** Decoded wrapper messages into their JSON forms, inline structs spelled at their parent's level. */
function jsonOf(value: unknown, type: WireType): unknown {
  switch (type.kind) {
    case 'list':
      return (value as unknown[]).map((item) => jsonOf(item, type.of));
    case 'map':
      return Object.fromEntries(Object.entries(value as Obj).map(([k, item]) => [k, jsonOf(item, type.of)]));
    case 'message':
      return messageJson(value as Obj, wireMessages.get(type.name)!);
    case 'scalar':
      return value;
    case 'special': {
      const obj = value as Obj;
      switch (type.name) {
        case 'Time':
        case 'MicroTime':
          return timestamp(obj, type.name === 'MicroTime');
        case 'Quantity':
          return obj.string ?? '0';
        case 'IntOrString':
          return Number(obj.type ?? 0) === 1 ? (obj.strVal ?? '') : (obj.intVal ?? 0);
        case 'ExtraValue':
          return obj.items ?? [];
        case 'RawExtension':
        case 'FieldsV1': {
          if (obj.raw === undefined) return null;
          const text = Buffer.from(obj.raw as string, 'base64').toString('utf8');
          try {
            return JSON.parse(text);
          } catch {
            throw badRequest(`protobuf ${type.name} does not hold JSON`);
          }
        }
      }
    }
  }
}

function messageJson(value: Obj, message: WireMessage): Obj {
  const out: Obj = {};
  for (const field of message.fields) {
    const v = value[field.json];
    if (v === undefined) continue;
    const converted = jsonOf(v, field.type);
    if (field.inline && converted !== null && typeof converted === 'object') Object.assign(out, converted);
    else out[field.json] = converted;
  }
  return out;
}

/**
 * Decodes a protobuf request body into the object's JSON form (before the Go shape is applied,
 * which api.ts does for every body), or throws 415/400.
 */
export function decodeProtobufObject(body: Buffer, contentType: string): Obj {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body without the "k8s\\0" envelope');
  let envelope: Obj;
  try {
    envelope = unknownType.toObject(unknownType.decode(body.subarray(4)), { bytes: Buffer }) as Obj;
  } catch (error) {
    throw badRequest(`protobuf body could not be decoded: ${(error as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const message = wireMessageOf(typeMeta.apiVersion ?? '', typeMeta.kind ?? '');
  if (!message) throw unsupportedBody(`${contentType} (${typeMeta.apiVersion} ${typeMeta.kind})`);
  const type = root.lookupType(pbName(message.name));
  let decoded: Obj;
  try {
    decoded = type.toObject(type.decode((envelope.raw as Buffer | undefined) ?? Buffer.alloc(0)), { longs: Number, bytes: String }) as Obj;
  } catch (error) {
    throw badRequest(`protobuf ${typeMeta.kind} could not be decoded: ${(error as Error).message}`);
  }
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...messageJson(decoded, message) };
}
