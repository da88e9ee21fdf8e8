// The JSON descriptors the build writes (scripts/compile-protos.mjs) load the same services and
// messages as parsing the .proto text, and a JSON older than its .proto is never used.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/paths.js';
import { PRECOMPILED_PROTO_FORMAT, PROTO_LOADER_OPTIONS, precompiledProtoPath, readPrecompiledProto } from '../../src/transport/grpc.js';

const PROTOS = ['src/interfaces/csi/proto/csi.proto', 'src/interfaces/cri/proto/api.proto'];

/** Everything of a package definition but its functions; the file descriptors (the same in every entry) once, as bytes. */
function comparable(definition: protoLoader.PackageDefinition): unknown {
  const files = (Object.values(definition).find((entry) => 'fileDescriptorProtos' in entry) as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
  const entries = JSON.stringify(definition, (key, value: unknown) => (key === 'fileDescriptorProtos' ? '[files]' : typeof value === 'function' ? `[function ${(value as { name: string }).name}]` : value));
  return { files: files.map((file) => Buffer.from(file).toString('base64')), entries: JSON.parse(entries) as unknown };
}

describe('precompiled proto descriptors', () => {
  it.each(PROTOS)('%s: the build wrote a current one, and it defines exactly what the .proto text does', (proto) => {
    const file = packagePath(proto);
    const json = readPrecompiledProto(file);
    expect(json, 'npm run build writes dist/proto').toBeDefined();
    const fromText = protoLoader.loadSync(file, { ...PROTO_LOADER_OPTIONS, includeDirs: [dirname(file)] });
    const fromJson = protoLoader.fromJSON(json!, PROTO_LOADER_OPTIONS);
    expect(Object.keys(fromJson).sort()).toEqual(Object.keys(fromText).sort());
    expect(comparable(fromJson)).toEqual(comparable(fromText));
  });

  it('a request encodes to the same bytes either way', () => {
    const file = packagePath(PROTOS[0]!);
    const fromText = protoLoader.loadSync(file, { ...PROTO_LOADER_OPTIONS, includeDirs: [dirname(file)] });
    const fromJson = protoLoader.fromJSON(readPrecompiledProto(file)!, PROTO_LOADER_OPTIONS);
    const method = (definition: protoLoader.PackageDefinition) => (definition['csi.v1.Controller'] as protoLoader.ServiceDefinition).CreateVolume!;
    const request = { name: 'v', capacityRange: { requiredBytes: 1 << 30 }, volumeCapabilities: [{ mount: { fsType: 'ext4' }, accessMode: { mode: 'SINGLE_NODE_WRITER' } }], secrets: { k: 'v' } };
    const bytes = method(fromJson).requestSerialize(request);
    expect(bytes).toEqual(method(fromText).requestSerialize(request));
    expect(method(fromJson).requestDeserialize(bytes)).toEqual(method(fromText).requestDeserialize(bytes));
  });

  describe('staleness', () => {
    const dir = packagePath('dist', `precompiled-proto-test-${process.pid}`);
    const proto = join(dir, 'x.proto');
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(dirname(precompiledProtoPath(proto)!), { recursive: true, force: true });
    });

    it('is used only while every source has the digest it was built from', () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(proto, 'syntax = "proto3";\npackage x;\nmessage A { string a = 1; }\n');
      const out = precompiledProtoPath(proto)!;
      mkdirSync(dirname(out), { recursive: true });
      const sourceKey = proto.slice(packagePath().length + 1);
      const digest = createHash('sha256').update(readFileSync(proto)).digest('hex');
      const write = (sources: Record<string, string>, format = PRECOMPILED_PROTO_FORMAT) => writeFileSync(out, JSON.stringify({ format, sources, root: { nested: {} } }));
      write({ [sourceKey]: digest });
      expect(readPrecompiledProto(proto)).toEqual({ nested: {} });
      writeFileSync(proto, 'syntax = "proto3";\npackage x;\nmessage A { string a = 1; string b = 2; }\n'); // edited, not rebuilt
      expect(readPrecompiledProto(proto)).toBeUndefined();
      write({ [sourceKey]: createHash('sha256').update(readFileSync(proto)).digest('hex') }, PRECOMPILED_PROTO_FORMAT + 1);
      expect(readPrecompiledProto(proto)).toBeUndefined();
      rmSync(out);
      expect(readPrecompiledProto(proto)).toBeUndefined();
    });

    it('files outside the package have none', () => {
      expect(precompiledProtoPath('/etc/x.proto')).toBeUndefined();
      expect(readPrecompiledProto('/etc/x.proto')).toBeUndefined();
    });
  });
});
