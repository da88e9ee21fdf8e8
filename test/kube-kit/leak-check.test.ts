// The leak check names this run's objects still present, and only those.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';
import { findLeaks } from '../../src/kube-kit/leak-check.js';
import { runLabels } from '../../src/kube-kit/run-labels.js';

describe('findLeaks', () => {
  let server: KubeServer;
  beforeAll(async () => {
    server = await startKubeServer();
  });
  afterAll(async () => server?.close());

  it("lists objects carrying the run's label, not another run's nor ones being deleted", async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'leak-a', labels: runLabels('run1', 'some.test') } } });
    await core.createNamespace({ body: { metadata: { name: 'other-run', labels: runLabels('run2') } } });
    await core.createNamespacedConfigMap({ namespace: 'leak-a', body: { metadata: { name: 'kept', labels: runLabels('run1') } } });
    await core.createNamespacedConfigMap({ namespace: 'leak-a', body: { metadata: { name: 'going', labels: runLabels('run1'), finalizers: ['example.com/hold'] } } });
    await core.deleteNamespacedConfigMap({ namespace: 'leak-a', name: 'going' });
    const leaks = await findLeaks(server.kubeConfig(), 'run1', [{ apiVersion: 'v1', kind: 'Namespace' }, { apiVersion: 'v1', kind: 'ConfigMap' }], AbortSignal.timeout(5000));
    expect(leaks).toEqual(['Namespace leak-a', 'ConfigMap leak-a/kept']);
  });
});
