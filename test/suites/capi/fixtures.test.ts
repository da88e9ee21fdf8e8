// A call of the suite that the API server refuses says why: the fixtures' error carries the
// Status message of the response (client-node's ApiException puts only the HTTP code first).
import { ApiException } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger.js';
import { CoreKinds } from '../../../src/interfaces/capi/well-known.js';
import { apiFailure } from '../../../src/kube-kit/objects.js';
import { startKubeServer, type KubeServer } from '../../../src/kube/index.js';
import { startReferenceCapi, type ReferenceCapi } from '../../../src/reference/capi/index.js';
import type { CapiContext } from '../../../suites/capi/define.js';
import { create, patch } from '../../../suites/capi/fixtures.js';

let server: KubeServer;
let capi: ReferenceCapi;
let ctx: CapiContext;
const ledger = new Ledger();

beforeAll(async () => {
  server = await startKubeServer();
  // The reference installs core's CRDs; the Cluster CRD has upstream's spec minProperties: 1.
  capi = await startReferenceCapi({ kubeconfig: server.kubeconfig });
  ctx = { env: { kc: server.kubeConfig(), runId: 'run' }, ledger, test: { id: 'capi.fixtures' }, signal: new AbortController().signal } as unknown as CapiContext;
}, 30_000);
afterAll(async () => {
  await ledger.drain(new AbortController().signal);
  await capi?.close();
  await server?.close();
});

describe('the capi fixtures on a refused call', () => {
  it("a create answered 422 names the object, the code and the API server's message", async () => {
    const error = (await create(ctx, CoreKinds.cluster, 'default', { metadata: { name: 'empty' }, spec: {} }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^creating Cluster default\/empty: HTTP 422: .*spec.*should have at least 1 properties/);
    expect(error.cause).toBeInstanceOf(ApiException);
  });

  it("a patch of an object that is not there says so with the server's message", async () => {
    const error = (await patch(ctx, CoreKinds.cluster, 'default', 'absent', { spec: { paused: true } }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^patching Cluster default\/absent: HTTP 404: .*"absent" not found/);
  });

  it('keeps the code alone when the body is no Status, and passes other errors through', () => {
    expect((apiFailure('reading', new ApiException(502, 'Bad Gateway', '<html>', {})) as Error).message).toBe('reading: HTTP 502');
    const other = new Error('aborted');
    expect(apiFailure('reading', other)).toBe(other);
  });
});
