// @kubernetes/client-node 1.4 (a client no one here wrote) against startKubeServer(): typed and
// custom-object APIs, generic KubernetesObjectApi (discovery), Watch, and informers (ListWatch)
// including the relist after a 410 Expired watch.
import { readFileSync } from 'node:fs';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  loadYaml,
  makeInformer,
  Watch,
  type KubeConfig,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';

async function eventually(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('@kubernetes/client-node against the in-memory server', () => {
  let server: KubeServer;
  let kc: KubeConfig;
  let core: CoreV1Api;

  beforeAll(async () => {
    server = await startKubeServer({ watchHistory: 5 });
    kc = server.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'cn' } } });
  });
  afterAll(async () => server?.close());

  it('creates, reads and reports 404/409 as ApiException with a Status body', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'a' }, data: { k: 'v' } } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await core.readNamespacedConfigMap({ namespace: 'cn', name: 'a' })).data).toEqual({ k: 'v' });
    const missing = await core.readNamespacedConfigMap({ namespace: 'cn', name: 'nope' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiException);
    expect((missing as ApiException<string>).code).toBe(404);
    expect(JSON.parse((missing as ApiException<string>).body).reason).toBe('NotFound');
    const dup = await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'a' } } }).catch((e: unknown) => e);
    expect((dup as ApiException<string>).code).toBe(409);
  });

  it('serves custom resources through CustomObjectsApi and the generic object API', async () => {
    // client-node's own loadYaml maps `default` to its typed model's `_default`; plain YAML would lose it.
    const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(new URL('./fixtures/crontab-crd.yaml', import.meta.url), 'utf8'));
    const extensions = kc.makeApiClient(ApiextensionsV1Api);
    await extensions.createCustomResourceDefinition({ body: crd });
    const generic = KubernetesObjectApi.makeApiClient(kc);
    const crds = await extensions.listCustomResourceDefinition();
    expect(crds.items.map((c) => c.metadata?.name)).toContain('crontabs.stable.example.com');
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({ group: 'stable.example.com', version: 'v1', namespace: 'cn', plural: 'crontabs', body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c' }, spec: { cronSpec: '* * * * *' } } });
    const got = (await custom.getNamespacedCustomObject({ group: 'stable.example.com', version: 'v1', namespace: 'cn', plural: 'crontabs', name: 'c' })) as { spec: { replicas: number } };
    expect(got.spec.replicas).toBe(1);
    const listed = await generic.list('stable.example.com/v1', 'CronTab', 'cn');
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(['c']);
    const invalid = await custom
      .createNamespacedCustomObject({ group: 'stable.example.com', version: 'v1', namespace: 'cn', plural: 'crontabs', body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'd' }, spec: { cronSpec: '* * * * *', replicas: 0 } } })
      .catch((e: unknown) => e);
    expect((invalid as ApiException<string>).code).toBe(422);
    expect(JSON.parse((invalid as ApiException<string>).body).details.causes[0].field).toBe('spec.replicas');
  });

  it('streams watch events to Watch', async () => {
    const seen: string[] = [];
    const list = await core.listNamespacedConfigMap({ namespace: 'cn' });
    const controller = await new Watch(kc).watch('/api/v1/namespaces/cn/configmaps', { resourceVersion: list.metadata?.resourceVersion }, (type, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`), () => undefined);
    try {
      await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'w' } } });
      await core.deleteNamespacedConfigMap({ namespace: 'cn', name: 'w' });
      await eventually('two events', () => seen.length >= 2);
      expect(seen).toEqual(['ADDED w', 'DELETED w']);
    } finally {
      controller.abort();
    }
  });

  it('keeps an informer in sync, relisting after its watch expires', async () => {
    const informer = makeInformer(kc, '/api/v1/namespaces/cn/configmaps', () => core.listNamespacedConfigMap({ namespace: 'cn' }));
    const adds: string[] = [];
    const deletes: string[] = [];
    informer.on('add', (o) => adds.push(o.metadata!.name!));
    informer.on('delete', (o) => deletes.push(o.metadata!.name!));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'i1' } } });
      await eventually('the informer sees i1', () => informer.get('i1', 'cn') !== undefined);
      await informer.stop();
      // While stopped, more changes than the watch history keeps: resuming gets 410 and relists.
      for (let i = 0; i < 8; i++) await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: `bulk-${i}` } } });
      await core.deleteNamespacedConfigMap({ namespace: 'cn', name: 'i1' });
      await informer.start();
      await eventually('the informer catches up', () => informer.list('cn').length === 9 && informer.get('i1', 'cn') === undefined);
      expect(adds).toContain('bulk-7');
      expect(deletes).toContain('i1');
    } finally {
      await informer.stop();
    }
  });
});
