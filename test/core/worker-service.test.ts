// Services on a worker thread: the in-memory API server answers its clients from there; a worker
// that cannot start rejects with a HarnessError (exit 3) saying why; one that fails later is
// reported once; close ends the thread, whatever the service left running.
import { createServer } from 'node:net';
import { VersionApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, HarnessError } from '../../src/core/errors.js';
import { packagePath } from '../../src/core/paths.js';
import { startWorkerService } from '../../src/core/worker-service.js';
import { startKubeServerInWorker } from '../../src/kube/index.js';

const workers = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
const fake = packagePath('test', 'support', 'fake-worker.mjs');
const startFake = (behaviour: string, onFailure: (error: HarnessError) => void = () => undefined) =>
  startWorkerService<{ url: string }>('kube-server', { behaviour }, 'the fake service', onFailure, fake);

describe('worker services', () => {
  it('serves the in-memory API server from a worker thread, and close ends the thread', async () => {
    const before = workers();
    const server = await startKubeServerInWorker();
    expect(workers()).toBe(before + 1);
    const info = await server.kubeConfig().makeApiClient(VersionApi).getCode();
    expect(info.gitVersion).toMatch(/^v1\./);
    expect(server.kubeconfig).toContain(server.url);
    await server.close();
    expect(workers()).toBe(before);
    const refused = await server.kubeConfig().makeApiClient(VersionApi).getCode().catch((error: unknown) => error);
    expect(String(refused)).toMatch(/ECONNREFUSED/);
  });

  it('rejects with a HarnessError (exit 3) naming the server and the cause when it cannot listen', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const before = workers();
    try {
      const error = await startKubeServerInWorker({ port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HarnessError);
      expect((error as Error).message).toMatch(/^the embedded Kubernetes API server could not start: .*EADDRINUSE/);
      expect(exitCodeFor(error)).toBe(3);
      expect(workers()).toBe(before);
    } finally {
      taken.close();
    }
  });

  it.each([
    ['throws while loading', 'throws-at-start', /^the fake service failed: Error: cannot load the service/],
    ['ends before it is ready', 'ends-before-ready', /^the fake service ended unexpectedly \(thread exit code 7\)/],
    ['says it cannot start', 'fails-to-start', /^the fake service could not start: listen EADDRINUSE/],
  ])('rejects when the worker %s', async (_what, behaviour, message) => {
    const error = await startFake(behaviour).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as Error).message).toMatch(message);
  });

  it('reports a worker that fails once it is running, once', async () => {
    const failures: string[] = [];
    const service = await startFake('throws-after-ready', (error) => failures.push(error.message));
    expect(service.value).toEqual({ url: 'https://127.0.0.1:1' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(failures).toEqual([expect.stringMatching(/^the fake service failed: Error: the service broke/)]);
    await service.close();
    expect(failures).toHaveLength(1);
  });

  it('ends the thread of a service that never answers close, after the grace time', async () => {
    const before = workers();
    const failures: string[] = [];
    const service = await startFake('never-closes', (error) => failures.push(error.message));
    const started = Date.now();
    await service.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(workers()).toBe(before);
    expect(failures).toEqual([]);
  }, 15_000);
});
