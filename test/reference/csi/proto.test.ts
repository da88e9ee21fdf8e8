// The hand-written csi.proto must load through the shared transport and describe exactly the
// v1.12.0 surface: 5 services, 32 RPCs, the two server-streaming SnapshotMetadata calls.
import { describe, expect, it } from 'vitest';
import { loadProto, lookup, grpc } from '../../../src/transport/grpc.js';
import { packagePath } from '../../../src/core/paths.js';

const root = loadProto(packagePath('src/interfaces/csi/proto/csi.proto'));

type Service = grpc.ServiceClientConstructor;
const methods = (name: string) => (lookup<Service>(root, `csi.v1.${name}`)).service;

describe('csi.proto', () => {
  it('declares the 32 RPCs of CSI v1.12.0 in 5 services', () => {
    const counts = Object.fromEntries(
      ['Identity', 'Controller', 'GroupController', 'SnapshotMetadata', 'Node'].map((s) => [s, Object.keys(methods(s)).length]),
    );
    expect(counts).toEqual({ Identity: 3, Controller: 15, GroupController: 4, SnapshotMetadata: 2, Node: 8 });
  });

  it('makes only the SnapshotMetadata RPCs server-streaming', () => {
    const streaming = ['Identity', 'Controller', 'GroupController', 'SnapshotMetadata', 'Node'].flatMap((s) =>
      Object.entries(methods(s)).filter(([, m]) => m.responseStream || m.requestStream).map(([n]) => `${s}.${n}`),
    );
    expect(streaming).toEqual(['SnapshotMetadata.GetMetadataAllocated', 'SnapshotMetadata.GetMetadataDelta']);
  });

  it('encodes fields with the spec numbers (round trip through the wire format)', () => {
    const create = methods('Controller').CreateVolume!;
    const bytes = create.requestSerialize({ name: 'v', mutableParameters: { k: 'x' }, secrets: { s: 'y' } });
    // name is field 1 (tag 0x0a), secrets field 5 (0x2a), mutable_parameters field 8 (0x42).
    expect([...bytes].filter((b) => b === 0x0a || b === 0x2a || b === 0x42).length).toBeGreaterThanOrEqual(3);
    expect(bytes[0]).toBe(0x0a);
    const decoded = create.requestDeserialize(bytes) as Record<string, unknown>;
    expect(decoded).toMatchObject({ name: 'v', mutableParameters: { k: 'x' }, secrets: { s: 'y' } });
  });

  it('decodes enums as names and int64 as numbers', () => {
    const info = methods('Node').NodeGetInfo!;
    const bytes = info.responseSerialize({ nodeId: 'n', maxVolumesPerNode: 7 });
    expect(info.responseDeserialize(bytes)).toMatchObject({ nodeId: 'n', maxVolumesPerNode: 7 });
    const caps = methods('Controller').ControllerGetCapabilities!;
    const capBytes = caps.responseSerialize({ capabilities: [{ rpc: { type: 'GET_SNAPSHOT' } }] });
    // GET_SNAPSHOT = 15: capabilities(1) { rpc(1) { type(1) = 15 } }
    expect([...capBytes]).toEqual([0x0a, 0x04, 0x0a, 0x02, 0x08, 15]);
    expect(caps.responseDeserialize(capBytes)).toMatchObject({ capabilities: [{ rpc: { type: 'GET_SNAPSHOT' }, type: 'rpc' }] });
  });
});
