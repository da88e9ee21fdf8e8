import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CriClient } from '../../../src/interfaces/cri/client.js';
import { imageServiceClient, rpcNames, runtimeServiceClient } from '../../../src/interfaces/cri/proto.js';
import { startReferenceRuntime, type RunningReferenceRuntime } from '../../../src/reference/cri/server.js';
import { grpc } from '../../../src/transport/grpc.js';

describe('reference CRI runtime server', () => {
  let dir: string;
  let server: RunningReferenceRuntime;
  let client: CriClient;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cri-ref-'));
    server = await startReferenceRuntime({ endpoint: `unix://${join(dir, 'cri.sock')}` });
    client = new CriClient({ runtimeEndpoint: server.address });
    await client.connect(5000);
  });
  afterAll(async () => {
    client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the schema has all 43 RPCs: 37 runtime, 6 image', () => {
    const names = rpcNames();
    expect(names.runtime).toHaveLength(37);
    expect(names.image).toHaveLength(6);
    expect(names.runtime).toContain('GetContainerEvents');
  });

  it('answers every RPC with something other than UNIMPLEMENTED', async () => {
    const signal = AbortSignal.timeout(10_000);
    const unimplemented: string[] = [];
    for (const [service, ctor] of [['runtime', runtimeServiceClient()], ['image', imageServiceClient()]] as const) {
      for (const [name, method] of Object.entries(ctor.service)) {
        if (name === 'GetContainerEvents') continue; // an endless stream; covered by the suite
        try {
          if (method.responseStream) await client.collect(service, name, {}, signal);
          else if (service === 'runtime') await client.runtime(name, {}, signal);
          else await client.image(name, {}, signal);
        } catch (error) {
          if ((error as { code?: number }).code === grpc.status.UNIMPLEMENTED) unimplemented.push(name);
        }
      }
    }
    expect(unimplemented).toEqual([]);
  });

  it('reports itself and answers NOT_FOUND for unknown objects', async () => {
    const signal = AbortSignal.timeout(5000);
    const version = await client.runtime<{ runtimeName: string; runtimeApiVersion: string }>('Version', {}, signal);
    expect(version).toMatchObject({ runtimeName: 'conformal-reference', runtimeApiVersion: 'v1' });
    await expect(client.runtime('ContainerStatus', { containerId: 'nope' }, signal)).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(client.runtime('PodSandboxStatus', { podSandboxId: 'nope' }, signal)).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });
});
