// The kit's waits on the in-memory API server: list-then-watch, history, deletion, resuming after
// the server expired the watch's resourceVersion, and deadline errors that say what was awaited.
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadlineSignal } from '../../src/core/deadline.js';
import { Ledger } from '../../src/core/ledger.js';
import { ConformanceError } from '../../src/core/errors.js';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';
import { observe } from '../../src/kube-kit/observe.js';
import type { ResourceRef } from '../../src/kube-kit/resource.js';

const configMaps = (namespace: string): ResourceRef => ({ apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespace });

describe('ResourceObserver', () => {
  let server: KubeServer;
  let kc: KubeConfig;
  let core: CoreV1Api;
  beforeAll(async () => {
    server = await startKubeServer({ watchHistory: 3 });
    kc = server.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'obs' } } });
  });
  afterAll(async () => server?.close());

  it('sees objects listed before it started and changes after, in order', async () => {
    await core.createNamespacedConfigMap({ namespace: 'obs', body: { metadata: { name: 'before' }, data: { v: '1' } } });
    const ledger = new Ledger();
    const observer = await observe<V1ConfigMap>(kc, configMaps('obs'), ledger);
    expect(observer.get('before')?.data).toEqual({ v: '1' });
    const signal = AbortSignal.timeout(5000);
    const waited = observer.object('after', (c) => c.data?.v === '2', 'configmap after at v=2', signal);
    await core.createNamespacedConfigMap({ namespace: 'obs', body: { metadata: { name: 'after' }, data: { v: '1' } } });
    await core.replaceNamespacedConfigMap({ name: 'after', namespace: 'obs', body: { metadata: { name: 'after' }, data: { v: '2' } } });
    expect((await waited).data).toEqual({ v: '2' });
    expect(observer.history('after').map((e) => [e.phase, e.object.data?.v])).toEqual([['ADDED', '1'], ['MODIFIED', '2']]);
    const gone = observer.gone('after', 'configmap after deleted', signal);
    await core.deleteNamespacedConfigMap({ name: 'after', namespace: 'obs' });
    await gone;
    expect(observer.history('after').at(-1)?.phase).toBe('DELETED');
    await ledger.drain(signal);
  });

  it('fails a wait at its deadline with what it waited for and the last state seen', async () => {
    const ledger = new Ledger();
    const observer = await observe<V1ConfigMap>(kc, configMaps('obs'), ledger, { fieldSelector: 'metadata.name=before' });
    const deadline = deadlineSignal(200, 'the test wait');
    const error = await observer.object('before', (c) => c.data?.v === 'never', 'configmap before at v=never', deadline.signal, (c) => `v=${c?.data?.v}`).catch((e: unknown) => e);
    deadline.dispose();
    expect(error).toBeInstanceOf(ConformanceError);
    expect((error as Error).message).toMatch(/timed out after 200 ms waiting for configmap before at v=never; last seen: v=1/);
    await ledger.drain(AbortSignal.timeout(1000));
  });

  it('resumes from its last resourceVersion when the server ends its watch, missing nothing', async () => {
    const ledger = new Ledger();
    await core.createNamespace({ body: { metadata: { name: 'obs-resume' } } });
    const observer = await observe<V1ConfigMap>(kc, configMaps('obs-resume'), ledger, { watchTimeoutSeconds: 1 });
    const signal = AbortSignal.timeout(10_000);
    // Changes spread over more than one watch lifetime.
    for (let i = 0; i < 4; i++) {
      await core.createNamespacedConfigMap({ namespace: 'obs-resume', body: { metadata: { name: `c${i}` } } });
      await observer.object(`c${i}`, () => true, `c${i}`, signal);
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(observer.events.map((e) => `${e.phase} ${e.object.metadata?.name}`)).toEqual(['ADDED c0', 'ADDED c1', 'ADDED c2', 'ADDED c3']);
    await ledger.drain(signal);
  });
});
