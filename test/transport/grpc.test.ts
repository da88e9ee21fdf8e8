// conformal builds grpc-js's service definitions itself (servicesDefinition), without the
// descriptors proto-loader also makes: every method must behave exactly as proto-loader's.
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import * as protoLoader from '@grpc/proto-loader';
import Protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/paths.js';
import { grpc, parseProto, PROTO_LOADER_OPTIONS, servicesDefinition } from '../../src/transport/grpc.js';

const PROTOS = ['src/interfaces/csi/proto/csi.proto', 'src/interfaces/cri/proto/api.proto'];

const SCALARS: Record<string, unknown> = {
  string: 'text',
  bool: true,
  bytes: Buffer.from([1, 2, 3]),
  double: 1.5,
  float: 2.5,
  int32: -7,
  sint32: -8,
  sfixed32: -9,
  uint32: 10,
  fixed32: 11,
  int64: -12,
  sint64: -13,
  sfixed64: -14,
  uint64: 15,
  fixed64: 16,
};

/** A value for every field (one member per oneof), messages nested up to `depth`. */
function sample(type: Protobuf.Type, depth = 3): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  const oneofTaken = new Set<string>();
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.partOf) {
      if (oneofTaken.has(field.partOf.name)) continue;
      oneofTaken.add(field.partOf.name);
    }
    let one: unknown;
    if (field.resolvedType instanceof Protobuf.Type) {
      if (depth === 0) continue;
      one = sample(field.resolvedType, depth - 1);
    } else if (field.resolvedType instanceof Protobuf.Enum) {
      one = Object.keys(field.resolvedType.values).at(-1);
    } else {
      one = SCALARS[field.type];
    }
    if (field instanceof Protobuf.MapField) value[field.name] = { key: one };
    else value[field.name] = field.repeated ? [one, one] : one;
  }
  return value;
}

describe.each(PROTOS)('servicesDefinition of %s', (proto) => {
  const file = packagePath(proto);
  const root = parseProto(file);
  const ours = servicesDefinition(root, PROTO_LOADER_OPTIONS);
  const theirs = grpc.loadPackageDefinition(protoLoader.loadSync(file, { ...PROTO_LOADER_OPTIONS, includeDirs: [dirname(file)] }));
  const services = root.nestedArray.length > 0 ? collectServices(root) : [];

  it('has every service of the proto', () => {
    expect(services.length).toBeGreaterThan(1);
  });

  it.each(services.map((s) => s.fullName.slice(1)))('%s: the same methods, paths, streaming flags and client method names', (name) => {
    const [a, b] = [at(ours, name), at(theirs, name)];
    const shape = (ctor: grpc.ServiceClientConstructor) =>
      Object.fromEntries(Object.entries(ctor.service).map(([method, d]) => [method, { path: d.path, requestStream: d.requestStream, responseStream: d.responseStream, originalName: d.originalName }]));
    expect(shape(a)).toEqual(shape(b));
    expect(Object.keys(a.prototype).sort()).toEqual(Object.keys(b.prototype).sort());
  });

  it.each(services.map((s) => s.fullName.slice(1)))('%s: every request and response encodes and decodes as proto-loader does', (name) => {
    const [a, b] = [at(ours, name), at(theirs, name)];
    const service = root.lookupService(name);
    for (const method of service.methodsArray) {
      const [ma, mb] = [a.service[method.name]!, b.service[method.name]!];
      for (const [type, encodeA, encodeB, decodeA, decodeB] of [
        [method.resolvedRequestType!, ma.requestSerialize, mb.requestSerialize, ma.requestDeserialize, mb.requestDeserialize],
        [method.resolvedResponseType!, ma.responseSerialize, mb.responseSerialize, ma.responseDeserialize, mb.responseDeserialize],
      ] as const) {
        const value = sample(type);
        const bytes = encodeA(value);
        expect(bytes, `${method.name} ${type.name}`).toEqual(encodeB(value));
        expect(bytes.length, `${method.name} ${type.name} encodes something`).toBeGreaterThan(type.fieldsArray.length > 0 ? 0 : -1);
        expect(decodeA(bytes), `${method.name} ${type.name}`).toEqual(decodeB(bytes));
        expect(decodeA(Buffer.alloc(0)), `${method.name} ${type.name} defaults`).toEqual(decodeB(Buffer.alloc(0)));
      }
    }
  });

  it('rejects an array the way proto-loader does', () => {
    const [name] = services.map((s) => s.fullName.slice(1));
    const first = Object.values(at(ours, name!).service)[0]!;
    const theirsFirst = Object.values(at(theirs, name!).service)[0]!;
    expect(() => first.requestSerialize([] as never)).toThrow(/got array instead/);
    expect(() => theirsFirst.requestSerialize([] as never)).toThrow(/got array instead/);
  });
});

function collectServices(namespace: Protobuf.NamespaceBase): Protobuf.Service[] {
  return namespace.nestedArray.flatMap((nested) => (nested instanceof Protobuf.Service ? [nested] : nested instanceof Protobuf.Namespace ? collectServices(nested) : []));
}

function at(object: grpc.GrpcObject, dotted: string): grpc.ServiceClientConstructor {
  return dotted.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], object) as grpc.ServiceClientConstructor;
}

describe('the compiled module', () => {
  it('loads both protos when Node imports it as ES modules, without the bundle (bench, scripts, a tsc-only build)', async () => {
    // vitest and esbuild both smooth over how a CommonJS package is imported; plain Node does not.
    const module = packagePath('dist', 'src', 'transport', 'grpc.js');
    const script = `const { loadProto, lookup } = await import(${JSON.stringify(module)});
      for (const [proto, service] of ${JSON.stringify(PROTOS.map((p, i) => [packagePath(p), i === 0 ? 'csi.v1.Controller' : 'runtime.v1.RuntimeService']))})
        console.log(Object.keys(lookup(loadProto(proto), service).service).length);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    expect(stdout.trim().split('\n').map(Number)).toEqual([15, expect.any(Number)]);
    expect(Number(stdout.trim().split('\n')[1])).toBeGreaterThan(20);
  });
});
