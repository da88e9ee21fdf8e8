// Connection diagnostics against real local servers: a missing socket file, a closed port, a
// server sending garbage, one that stays silent, and a real gRPC server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetUnreachableError } from '../../src/core/errors.js';
import { probeEndpoint } from '../../src/transport/connect-probe.js';
import { bindServer, grpc, shutdownServer, waitForReady } from '../../src/transport/grpc.js';
import { LocalServers } from '../support/local-servers.js';

const work = mkdtempSync(join(tmpdir(), 'conformal-probe-'));
const servers = new LocalServers();

let garbagePort = 0;
let silentPort = 0;
beforeAll(async () => {
  garbagePort = await servers.listen((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'));
  silentPort = await servers.listen(() => {});
});
afterAll(() => {
  servers.close();
  rmSync(work, { recursive: true, force: true });
});

describe('probeEndpoint', () => {
  it('a missing socket file, at once', async () => {
    const path = join(work, 'nobody.sock');
    expect(await probeEndpoint({ socketPath: path }, 5000)).toEqual({ ok: false, reason: `no such socket file: ${path}` });
  });

  it('a path that is not a socket', async () => {
    const path = join(work, 'plain-file');
    writeFileSync(path, '');
    expect(await probeEndpoint({ socketPath: path }, 5000)).toEqual({ ok: false, reason: `${path} is not a socket` });
  });

  it('a closed TCP port: connection refused', async () => {
    expect(await probeEndpoint({ host: '127.0.0.1', port: await servers.closedPort() }, 5000)).toEqual({ ok: false, reason: 'connection refused (nothing listens there)' });
  });

  it('a server that answers something other than HTTP/2: not speaking gRPC, with what it said', async () => {
    const started = Date.now();
    expect(await probeEndpoint({ host: '127.0.0.1', port: garbagePort }, 5000)).toEqual({ ok: false, reason: 'not speaking gRPC (HTTP/2): it answered "SSH-2.0-OpenSSH_9.2\\r\\n"' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a server that accepts and never answers: no answer within the timeout', async () => {
    expect(await probeEndpoint({ host: '127.0.0.1', port: silentPort }, 300)).toEqual({ ok: false, reason: 'no answer within 0.3 s (the connection was accepted, but nothing came back)' });
  });

  it('a gRPC server passes', async () => {
    const server = new grpc.Server();
    const address = await bindServer(server, `unix://${join(work, 'grpc.sock')}`);
    try {
      expect(await probeEndpoint({ socketPath: join(work, 'grpc.sock') }, 5000)).toEqual({ ok: true });
      const client = new grpc.Client(address, grpc.credentials.createInsecure());
      await waitForReady(client, address, 5000);
      client.close();
    } finally {
      await shutdownServer(server);
    }
  });
});

describe('waitForReady', () => {
  it('names the endpoint as the user wrote it, never as dns:///…', async () => {
    const endpoint = `tcp://127.0.0.1:${garbagePort}`;
    const client = new grpc.Client(`dns:///127.0.0.1:${garbagePort}`, grpc.credentials.createInsecure());
    const error = await waitForReady(client, endpoint, 5000).then(() => undefined, (thrown: unknown) => thrown);
    client.close();
    expect(error).toBeInstanceOf(TargetUnreachableError);
    expect((error as Error).message).toBe(`cannot connect to ${endpoint}: not speaking gRPC (HTTP/2): it answered "SSH-2.0-OpenSSH_9.2\\r\\n"`);
    expect((error as Error).message).not.toContain('dns:');
  });
});
