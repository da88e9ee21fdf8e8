// Owner references and namespaces: background, orphan and foreground deletion, and a namespace
// emptied before it goes. Controllers do this work, on their own schedule, so every outcome is
// awaited. On the real side kube-controller-manager runs its garbage collector and namespace
// controller (test/kube/differential.test.ts).
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'gc',
  controllers: true,
  async run({ client, ns, observe, eventually }) {
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    const make = async (name: string, owner?: { metadata: { name: string; uid: string } }, block = false) => {
      const metadata: Record<string, unknown> = { name };
      if (owner) metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid, ...(block ? { blockOwnerDeletion: true } : {}) }];
      const r = await client.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata });
      if (r.code !== 201) throw new Error(`create ${name}: ${r.code} ${JSON.stringify(r.body)}`);
      return r.body as { metadata: { name: string; uid: string } };
    };
    const gone = (path: string) => async () => (await client.request('GET', path)).code === 404;
    const slow = 90_000;

    const owner = await make('bg-owner');
    await make('bg-dep', owner);
    observe('background delete', { ...(await client.request('DELETE', `${base}/bg-owner`, { propagationPolicy: 'Background' })), body: {} }, { code: 200, fields: [] });
    await eventually('background dependent collected', gone(`${base}/bg-dep`), slow);
    observe('background dependent', await client.request('GET', `${base}/bg-dep`), { code: 404, fields: ['reason'] });

    const orphanOwner = await make('or-owner');
    await make('or-dep', orphanOwner);
    observe('orphan delete', await client.request('DELETE', `${base}/or-owner`, { propagationPolicy: 'Orphan' }), { code: 200, fields: ['kind', 'metadata.finalizers'] });
    await eventually('orphaning owner removed', gone(`${base}/or-owner`), slow);
    observe('orphaned dependent', await client.request('GET', `${base}/or-dep`), { code: 200, fields: ['metadata.ownerReferences'] });

    const fgOwner = await make('fg-owner');
    await make('fg-dep', fgOwner, true);
    observe('foreground delete', await client.request('DELETE', `${base}/fg-owner`, { propagationPolicy: 'Foreground' }), { code: 200, fields: ['kind', 'metadata.finalizers'] });
    await eventually('foreground owner removed', gone(`${base}/fg-owner`), slow);
    observe('foreground dependent', await client.request('GET', `${base}/fg-dep`), { code: 404, fields: ['reason'] });

    // A dependent with a second, live owner stays; only the reference to the deleted owner goes.
    const [first, second] = [await make('two-owner-a'), await make('two-owner-b')];
    const shared = await client.request('POST', base, {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'two-owner-dep', ownerReferences: [first, second].map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid })) },
    });
    if (shared.code !== 201) throw new Error(`create two-owner-dep: ${shared.code} ${JSON.stringify(shared.body)}`);
    await client.request('DELETE', `${base}/two-owner-a`, { propagationPolicy: 'Background' });
    const ownersLeft = async () => ((await client.request('GET', `${base}/two-owner-dep`)).body as { metadata?: { ownerReferences?: unknown[] } }).metadata?.ownerReferences?.length === 1;
    await eventually('reference to the deleted owner removed', ownersLeft, slow);
    observe('dependent of a deleted and a live owner', await client.request('GET', `${base}/two-owner-dep`), { code: 200, fields: ['metadata.ownerReferences[0].name'] });

    const child = `${ns}-gone`;
    await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: child } });
    await client.request('POST', `/api/v1/namespaces/${child}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inside' } });
    observe('namespace delete', await client.request('DELETE', `/api/v1/namespaces/${child}`), { code: 200, fields: ['status.phase'] });
    await eventually('namespace finalized', gone(`/api/v1/namespaces/${child}`), slow);
    observe('content of a deleted namespace', await client.request('GET', `/api/v1/namespaces/${child}/configmaps/inside`), { code: 404, fields: ['reason'] });
  },
};
