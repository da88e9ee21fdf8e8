// Event assertions: events about one object, aggregated counts, and a wait that names what came.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadlineSignal } from '../../src/core/deadline.js';
import { Ledger } from '../../src/core/ledger.js';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';
import { eventNamespace, watchEvents } from '../../src/kube-kit/events.js';

describe('watchEvents', () => {
  let server: KubeServer;
  let kc: KubeConfig;
  let core: CoreV1Api;
  beforeAll(async () => {
    server = await startKubeServer();
    kc = server.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
  });
  afterAll(async () => server?.close());

  const record = (name: string, node: string, reason: string, count = 1) =>
    core.createNamespacedEvent({
      namespace: 'default',
      body: { metadata: { name }, involvedObject: { kind: 'Node', name: node }, reason, type: 'Normal', message: reason, count, source: { component: 'test' } },
    });

  it('sees only events about its object, counts repeats, and waits for a reason', async () => {
    expect(eventNamespace({ kind: 'Node', name: 'n1' })).toBe('default');
    const ledger = new Ledger();
    const log = await watchEvents(kc, { kind: 'Node', name: 'n1' }, ledger);
    await record('e-other', 'n2', 'Synced');
    const waited = log.waitFor({ reason: 'Synced', type: 'Normal' }, AbortSignal.timeout(5000), 'node n1');
    await record('e1', 'n1', 'Synced');
    expect((await waited).metadata?.name).toBe('e1');
    await core.patchNamespacedEvent({ name: 'e1', namespace: 'default', body: [{ op: 'replace', path: '/count', value: 3 }] });
    expect(await log.waitForCount({ reason: 'Synced' }, 3, AbortSignal.timeout(5000), 'node n1')).toBe(3);
    expect(log.reasons()).toEqual(['Synced']);
    await ledger.drain(AbortSignal.timeout(1000));
  });

  it('says which events did arrive when the awaited one does not', async () => {
    const ledger = new Ledger();
    const log = await watchEvents(kc, { kind: 'Node', name: 'n3' }, ledger);
    await record('e3', 'n3', 'Starting');
    await log.waitForCount({ reason: 'Starting' }, 1, AbortSignal.timeout(5000), 'node n3');
    const deadline = deadlineSignal(150, 'wait');
    const error = await log.waitFor({ reason: 'Synced' }, deadline.signal, 'node n3').catch((e: unknown) => e);
    deadline.dispose();
    expect((error as Error).message).toMatch(/event Synced about node n3; last seen: Normal Starting from test: Starting/);
    await ledger.drain(AbortSignal.timeout(1000));
  });
});
