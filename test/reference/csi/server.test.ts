// The reference driver served over a unix socket and TCP with the repo's csi.proto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpc, loadProto, lookup, serverStream, unary } from '../../../src/transport/grpc.js';
import { CSI_PROTO_PATH, startCsiReference, type CsiReferenceServer } from '../../../src/reference/csi/server.js';
import { mountCap, MiB, status } from './helpers.js';

const root = loadProto(CSI_PROTO_PATH);
const client = (service: string, address: string) =>
  new (lookup<grpc.ServiceClientConstructor>(root, `csi.v1.${service}`))(address, grpc.credentials.createInsecure());
const signal = new AbortController().signal;

describe('startCsiReference over a unix socket', () => {
  let dir: string;
  let server: CsiReferenceServer;
  const clients: grpc.Client[] = [];
  const open = (service: string) => {
    const c = client(service, server.address);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csi-ref-test-'));
    server = await startCsiReference({ endpoint: `unix://${join(dir, 'csi.sock')}` });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers Identity and reports all 32 RPCs served', async () => {
    const identity = open('Identity');
    const info = await unary<object, { name: string; vendorVersion: string }>(identity, 'GetPluginInfo', {}, signal);
    expect(info.name).toBe('reference.csi.conformal.dev');
    const caps = await unary<object, { capabilities: Array<{ service?: { type: string }; type: string }> }>(identity, 'GetPluginCapabilities', {}, signal);
    expect(caps.capabilities.filter((c) => c.type === 'service').map((c) => c.service!.type).sort()).toEqual([
      'CONTROLLER_SERVICE',
      'GROUP_CONTROLLER_SERVICE',
      'SNAPSHOT_METADATA_SERVICE',
      'VOLUME_ACCESSIBILITY_CONSTRAINTS',
    ]);
    expect(await unary(identity, 'Probe', {}, signal)).toEqual({ ready: { value: true } });
  });

  it('carries gRPC status codes and messages over the wire', async () => {
    const controller = open('Controller');
    const error = await unary(controller, 'CreateVolume', { volumeCapabilities: [mountCap()] }, signal).catch((e: unknown) => e as grpc.ServiceError);
    expect((error as grpc.ServiceError).code).toBe(status.INVALID_ARGUMENT);
    expect((error as grpc.ServiceError).details).toContain('name');
  });

  it('streams snapshot metadata in pages of max_results', async () => {
    const controller = open('Controller');
    const volume = await unary<object, { volume: { volumeId: string } }>(controller, 'CreateVolume', { name: 'meta', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 256 * MiB } }, signal);
    const snap = await unary<object, { snapshot: { snapshotId: string } }>(controller, 'CreateSnapshot', { name: 'meta-snap', sourceVolumeId: volume.volume.volumeId }, signal);
    const metadata = open('SnapshotMetadata');
    const messages = await serverStream<object, { blockMetadataType: string; volumeCapacityBytes: number; blockMetadata: Array<{ byteOffset: number; sizeBytes: number }> }>(
      metadata,
      'GetMetadataAllocated',
      { snapshotId: snap.snapshot.snapshotId, maxResults: 3 },
      signal,
    );
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.blockMetadataType).toBe('FIXED_LENGTH');
      expect(m.volumeCapacityBytes).toBe(256 * MiB);
      expect(m.blockMetadata.length).toBeLessThanOrEqual(3);
    }
    const missing = await serverStream(metadata, 'GetMetadataAllocated', { snapshotId: 'nope' }, signal).catch((e: unknown) => e as grpc.ServiceError);
    expect((missing as grpc.ServiceError).code).toBe(status.NOT_FOUND);
  });

  it('keeps CreateVolume idempotent under 16 concurrent clients', async () => {
    const clients = Array.from({ length: 16 }, () => open('Controller'));
    const request = { name: 'raced', volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 4 * MiB } };
    const answers = await Promise.all(clients.map((c) => unary<object, { volume: { volumeId: string } }>(c, 'CreateVolume', request, signal)));
    expect(new Set(answers.map((a) => a.volume.volumeId)).size).toBe(1);
    expect([...server.driver.state.volumes.values()].filter((v) => v.name === 'raced')).toHaveLength(1);
  });

  it('removes its socket on close', async () => {
    const other = await startCsiReference({ endpoint: `unix://${join(dir, 'other.sock')}` });
    expect(existsSync(join(dir, 'other.sock'))).toBe(true);
    await other.close();
    await other.close();
    expect(existsSync(join(dir, 'other.sock'))).toBe(false);
  });
});

describe('startCsiReference defaults', () => {
  it('picks a temp socket when no endpoint is given and serves TCP on loopback', async () => {
    const auto = await startCsiReference();
    expect(auto.address).toMatch(/^unix:\/\/.*conformal-csi-.*\/csi\.sock$/);
    await auto.close();
    expect(existsSync(auto.address.slice('unix://'.length))).toBe(false);
    const tcp = await startCsiReference({ endpoint: '127.0.0.1:0' });
    expect(tcp.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const node = client('Node', tcp.address);
    expect(await unary<object, { nodeId: string }>(node, 'NodeGetInfo', {}, signal)).toMatchObject({ nodeId: 'conformal-node-1', maxVolumesPerNode: 32 });
    node.close();
    await tcp.close();
  });
});
