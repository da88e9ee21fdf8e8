// The test toolkit against the real reference over gRPC: failure messages lead with the key point,
// everything created lands in the ledger (undone in reverse), and explicit deletes release it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConformanceError } from '../../../src/core/errors.js';
import { Ledger } from '../../../src/core/ledger.js';
import type { Session } from '../../../src/core/plugin.js';
import type { TestContext } from '../../../src/core/test.js';
import type { CsiEnv } from '../../../src/interfaces/csi/env.js';
import { csi, CsiRpcError } from '../../../src/interfaces/csi/kit.js';
import { csiOptionsSchema } from '../../../src/interfaces/csi/options.js';
import { openCsiSession } from '../../../src/interfaces/csi/session.js';

let session: Session<CsiEnv>;
const quiet = { info() {}, warn() {}, debug() {} };

beforeAll(async () => {
  session = await openCsiSession(csiOptionsSchema.parse({}), { signal: new AbortController().signal, log: quiet, workDir: mkdtempSync(`${tmpdir()}/csi-kit-`), runId: 'kit01' });
});
afterAll(() => session.close());

function context(): TestContext<CsiEnv> & { ledger: Ledger } {
  let n = 0;
  return {
    env: session.env,
    capabilities: session.capabilities,
    ledger: new Ledger(),
    signal: new AbortController().signal,
    deadline: Date.now() + 20_000,
    test: { id: 'kit', title: 'kit', attempt: 1 },
    log: () => undefined,
    unique: (base) => `${base}-kit01-${++n}`,
    measure: () => undefined,
    notSupported: (reason) => {
      throw new Error(reason);
    },
  };
}

describe('CsiKit', () => {
  it('expectGrpcError says what was expected and what came, key point first', async () => {
    const k = csi(context());
    await expect(k.expectGrpcError(Promise.resolve({}), 'INVALID_ARGUMENT', 'CreateVolume without name')).rejects.toThrow(
      new ConformanceError('CreateVolume without name: expected INVALID_ARGUMENT, got OK'),
    );
    const wrong = k.expectGrpcError(k.controller.DeleteVolume({ volumeId: '' }), ['NOT_FOUND', 'ABORTED'], 'DeleteVolume without id');
    await expect(wrong).rejects.toThrow(/^DeleteVolume without id: expected NOT_FOUND or ABORTED, got INVALID_ARGUMENT \(/);
    const error = await k.expectGrpcError(k.controller.DeleteVolume({ volumeId: '' }), 'INVALID_ARGUMENT', 'DeleteVolume without id');
    expect(error).toBeInstanceOf(CsiRpcError);
    expect(error.rpc).toBe('DeleteVolume');
  });

  it('puts created objects in the ledger, undoes them in reverse and reports no leaks', async () => {
    const ctx = context();
    const k = csi(ctx);
    const published = await k.publishedVolume();
    await k.createSnapshot(published.volume.volumeId);
    expect(ctx.ledger.pending().some((d) => d.startsWith('volume '))).toBe(true);
    expect(ctx.ledger.pending().some((d) => d.startsWith('node publication'))).toBe(true);
    expect(session.env.created.volumes.has(published.volume.volumeId)).toBe(true);
    expect(await ctx.ledger.drain(ctx.signal)).toEqual([]);
    expect(session.env.created.volumes.size).toBe(0);
    expect(await session.leakCheck!(ctx.signal)).toEqual([]);
  });

  it('releases the ledger entry when the test deletes the object itself, and registers repeats once', async () => {
    const ctx = context();
    const k = csi(ctx);
    const request = k.volumeRequest();
    const volume = await k.createVolume(request);
    await k.createVolume(request);
    expect(ctx.ledger.size).toBe(1);
    await k.controller.DeleteVolume({ volumeId: volume.volumeId });
    expect(ctx.ledger.size).toBe(0);
  });

  it('reports a volume whose cleanup never happened as leaked', async () => {
    const ctx = context();
    const volume = await csi(ctx).createVolume();
    expect(await session.leakCheck!(ctx.signal)).toEqual([`volume ${volume.volumeId}`]);
    await ctx.ledger.drain(ctx.signal);
    expect(await session.leakCheck!(ctx.signal)).toEqual([]);
  });

  it('passes the configured secrets without the test mentioning them', async () => {
    const k = csi(context());
    await k.expectGrpcError(k.controller.CreateVolume(k.volumeRequest({ secrets: {} })), 'UNAUTHENTICATED', 'CreateVolume with empty secrets');
    const volume = await k.createVolume();
    expect(volume.volumeId).not.toBe('');
    await k.controller.DeleteVolume({ volumeId: volume.volumeId });
  });
});

describe('capability discovery', () => {
  it('names the reference capabilities once, with derived ones', () => {
    const caps = session.capabilities;
    for (const name of ['plugin.CONTROLLER_SERVICE', 'controller.CREATE_DELETE_VOLUME', 'node.STAGE_UNSTAGE_VOLUME', 'group.CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT',
      'expansion.ONLINE', 'access-type.mount', 'access-type.block', 'access-mode.SINGLE_NODE_MULTI_WRITER', 'node.topology', 'node.max-volumes', 'config.other-node']) {
      expect(caps.has(name), name).toBe(true);
    }
    expect(session.implementation.embeddedReference).toBe(true);
  });

  it('drops trimmed capabilities, including derived ones and the alpha modes that depend on them', async () => {
    const trimmed = await openCsiSession(
      csiOptionsSchema.parse({ referenceDisable: ['controller.SINGLE_NODE_MULTI_WRITER', 'access-type.block', 'plugin.GROUP_CONTROLLER_SERVICE'] }),
      { signal: new AbortController().signal, log: quiet, workDir: mkdtempSync(`${tmpdir()}/csi-kit-`), runId: 'kit02' },
    );
    try {
      expect(trimmed.capabilities.has('controller.SINGLE_NODE_MULTI_WRITER')).toBe(false);
      expect(trimmed.capabilities.has('access-mode.SINGLE_NODE_SINGLE_WRITER')).toBe(false);
      expect(trimmed.capabilities.has('access-type.block')).toBe(false);
      expect(trimmed.capabilities.has('plugin.GROUP_CONTROLLER_SERVICE')).toBe(false);
      expect(trimmed.capabilities.has('group.CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT')).toBe(false);
      expect(trimmed.capabilities.has('access-mode.MULTI_NODE_MULTI_WRITER')).toBe(true);
    } finally {
      await trimmed.close();
    }
  });
});
