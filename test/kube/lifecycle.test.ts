// Semantics the differential run cannot compare (the real kube-apiserver runs without
// kube-controller-manager, so nothing there collects garbage or finalizes namespaces), and watch
// behaviour that needs a small history window: checked on the in-memory server alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawKubeClient } from '../../bench/kube-client.js';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';
import { compareRecords } from './support/run-scenario.js';

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('in-memory server lifecycle semantics', () => {
  let server: KubeServer;
  let client: RawKubeClient;
  const cms = '/api/v1/namespaces/default/configmaps';

  const create = async (name: string, extra: Record<string, unknown> = {}) => {
    const r = await client.request('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra } });
    expect(r.code, JSON.stringify(r.body)).toBe(201);
    return r.body as { metadata: { uid: string; name: string; resourceVersion: string } };
  };
  const ref = (owner: { metadata: { uid: string; name: string } }, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid, ...extra });
  const exists = async (name: string) => (await client.request('GET', `${cms}/${name}`)).code === 200;

  beforeAll(async () => {
    server = await startKubeServer({ watchHistory: 4, bookmarkIntervalMs: 50 });
    client = new RawKubeClient(server);
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it('background deletion collects dependents whose owners are all gone', async () => {
    const owner = await create('bg-owner');
    const other = await create('bg-other');
    await create('bg-dep', { ownerReferences: [ref(owner)] });
    await create('bg-shared', { ownerReferences: [ref(owner), ref(other)] });
    expect((await client.request('DELETE', `${cms}/bg-owner`)).code).toBe(200);
    await eventually('bg-dep collected', async () => !(await exists('bg-dep')));
    const shared = await client.request('GET', `${cms}/bg-shared`);
    expect(shared.code).toBe(200);
    expect(shared.body.metadata.ownerReferences.map((r: { name: string }) => r.name)).toEqual(['bg-other']);
  });

  it('orphan deletion keeps dependents and strips the owner reference', async () => {
    const owner = await create('or-owner');
    await create('or-dep', { ownerReferences: [ref(owner)] });
    const deleted = await client.request('DELETE', `${cms}/or-owner`, { propagationPolicy: 'Orphan' });
    expect(deleted.code).toBe(200);
    await eventually('owner gone', async () => !(await exists('or-owner')));
    const dep = await client.request('GET', `${cms}/or-dep`);
    expect(dep.code).toBe(200);
    expect(dep.body.metadata.ownerReferences).toBeUndefined();
  });

  it('foreground deletion waits for blocking dependents, then removes the owner', async () => {
    const owner = await create('fg-owner');
    await create('fg-dep', { ownerReferences: [ref(owner, { blockOwnerDeletion: true })], finalizers: ['example.com/hold'] });
    const deleted = await client.request('DELETE', `${cms}/fg-owner`, { propagationPolicy: 'Foreground' });
    expect(deleted.body.metadata.finalizers).toContain('foregroundDeletion');
    expect(deleted.body.metadata.deletionTimestamp).toBeTruthy();
    await eventually('dependent marked for deletion', async () => !!(await client.request('GET', `${cms}/fg-dep`)).body.metadata?.deletionTimestamp);
    await new Promise((r) => setTimeout(r, 100));
    expect(await exists('fg-owner')).toBe(true);
    await client.request('PATCH', `${cms}/fg-dep`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await eventually('owner removed after its dependent', async () => !(await exists('fg-owner')) && !(await exists('fg-dep')));
  });

  it('deleting a namespace deletes its content, then the namespace', async () => {
    await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cascade' } });
    await client.request('POST', '/api/v1/namespaces/cascade/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    await client.request('POST', '/api/v1/namespaces/cascade/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const deleted = await client.request('DELETE', '/api/v1/namespaces/cascade');
    expect(deleted.body.status.phase).toBe('Terminating');
    await eventually('content deleted', async () => (await client.request('GET', '/api/v1/namespaces/cascade/configmaps/x')).code === 404);
    expect((await client.request('GET', '/api/v1/namespaces/cascade')).code).toBe(200);
    await client.request('PATCH', '/api/v1/namespaces/cascade/secrets/held', { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await eventually('namespace gone', async () => (await client.request('GET', '/api/v1/namespaces/cascade')).code === 404);
  });

  it('a watch from a resourceVersion older than the history window ends with 410 Expired', async () => {
    const first = await create('w-first');
    for (let i = 0; i < 6; i++) await create(`w-${i}`);
    const stream = await client.watch(`${cms}?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
    await stream.ended;
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0]!.type).toBe('ERROR');
    expect(stream.events[0]!.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('a continue token older than the history window answers 410 Expired', async () => {
    const page = await client.request('GET', `${cms}?limit=1`);
    for (let i = 0; i < 6; i++) await create(`c-${i}`);
    const next = await client.request('GET', `${cms}?limit=1&continue=${encodeURIComponent(page.body.metadata.continue)}`);
    expect(next.code).toBe(410);
    expect(next.body.reason).toBe('Expired');
  });

  it('sends bookmarks and the initial-events-end bookmark when asked', async () => {
    const stream = await client.watch(`${cms}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    try {
      const initial = (await client.request('GET', cms)).body.items.length as number;
      await stream.waitFor(initial + 2, 5000);
      const types = stream.events.map((e) => e.type);
      expect(types.slice(0, initial).every((t) => t === 'ADDED')).toBe(true);
      expect(stream.events[initial]!.object.metadata.annotations['k8s.io/initial-events-end']).toBe('true');
      expect(types[initial + 1]).toBe('BOOKMARK');
    } finally {
      stream.close();
    }
  });

  it('deleting a CRD removes its objects and stops serving the resource', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    };
    expect((await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).code).toBe(201);
    expect((await client.request('POST', '/apis/example.com/v1/widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, anything: { goes: 1 } })).body.anything).toEqual({ goes: 1 });
    const watch = await client.watch('/apis/example.com/v1/widgets?watch=true&resourceVersion=0');
    await client.request('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    await watch.ended;
    expect(watch.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w', 'DELETED w']);
    await eventually('resource no longer served', async () => (await client.request('GET', '/apis/example.com/v1/widgets')).code === 404);
    expect((await client.request('GET', '/apis/example.com/v1')).code).toBe(404);
  });

  it('serves every served version of a CRD from one storage, and only served ones', async () => {
    const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', kind: 'Gadget' },
        versions: [
          { name: 'v1', served: true, storage: true, schema },
          { name: 'v2', served: true, storage: false, schema },
          { name: 'v3alpha1', served: false, storage: false, schema },
        ],
      },
    };
    expect((await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).code).toBe(201);
    const created = await client.request('POST', '/apis/example.com/v1/namespaces/default/gadgets', { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: { size: 1 } });
    expect(created.code).toBe(201);
    const viaV2 = await client.request('GET', '/apis/example.com/v2/namespaces/default/gadgets/g');
    expect(viaV2.body).toMatchObject({ apiVersion: 'example.com/v2', spec: { size: 1 } });
    expect((await client.request('GET', '/apis/example.com/v3alpha1/namespaces/default/gadgets/g')).code).toBe(404);
    const group = await client.request('GET', '/apis/example.com');
    expect(group.body.preferredVersion.version).toBe('v2');
    expect(group.body.versions.map((v: { version: string }) => v.version)).toEqual(['v2', 'v1']);
    const mismatch = await client.request('POST', '/apis/example.com/v2/namespaces/default/gadgets', { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'h' } });
    expect(mismatch.code).toBe(400);
  });

  it('the differential comparison reports a changed code, reason or field', () => {
    const a = [{ label: 'x', code: 200, fields: { 'spec.a': 1 } }];
    expect(compareRecords(a, a)).toEqual([]);
    expect(compareRecords(a, [{ label: 'x', code: 409, reason: 'Conflict', fields: { 'spec.a': 2 } }])).toEqual(['x: code 200 vs 409', 'x: reason undefined vs Conflict', 'x: spec.a = 1 vs 2']);
    expect(compareRecords(a, [])).toHaveLength(1);
  });
});

describe('a watcher that stops reading', () => {
  it('is cut off once its unread backlog passes the limit, while other watchers keep up', async () => {
    const { request } = await import('node:https');
    const server = await startKubeServer({ watchBacklogBytes: 256 * 1024 });
    const client = new RawKubeClient(server);
    try {
      const stalled = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        const req = request(`${server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0`, { headers: { Authorization: `Bearer ${server.token}` }, ca: server.caCert }, resolve);
        req.on('error', reject);
        req.end();
      });
      stalled.pause();
      const reader = await client.watch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0');
      const payload = 'x'.repeat(40_000);
      for (let i = 0; i < 300; i++) {
        const r = await client.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${i}` }, data: { payload } });
        expect(r.code).toBe(201);
      }
      await reader.waitFor(300, 10_000);
      reader.close();
      // Reading now: the stalled stream ends early instead of holding all 300 events (12 MB) for us.
      let received = 0;
      stalled.on('data', (chunk: Buffer) => (received += chunk.length));
      await new Promise<void>((resolve) => {
        stalled.once('close', resolve);
        stalled.once('end', resolve);
        stalled.once('error', () => resolve());
        stalled.resume();
      });
      expect(received).toBeLessThan(300 * 40_000);
    } finally {
      client.close();
      await server.close();
    }
  });
});
