// Label and field selectors, limit and continue.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'lists',
  async run({ client, ns, observe }) {
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    for (let i = 0; i < 7; i++) {
      await client.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `item-${i}`, labels: { index: String(i), parity: i % 2 === 0 ? 'even' : 'odd' } } });
    }
    const names = (r: { body: { items?: { metadata: { name: string } }[] } }) => (r.body.items ?? []).map((i) => i.metadata.name);
    const list = async (query: string) => {
      const r = await client.request('GET', `${base}?${query}`);
      return { ...r, body: { ...r.body, names: names(r) } };
    };
    observe('all', await list(''), { code: 200, fields: ['kind', 'apiVersion', 'names'] });
    observe('equality', await list('labelSelector=parity%3Deven'), { code: 200, fields: ['names'] });
    observe('inequality', await list('labelSelector=parity!%3Deven'), { code: 200, fields: ['names'] });
    observe('set', await list('labelSelector=index%20in%20(1,3,5),parity'), { code: 200, fields: ['names'] });
    observe('notin and absence', await list('labelSelector=index%20notin%20(0,1),!missing'), { code: 200, fields: ['names'] });
    observe('field selector', await list('fieldSelector=metadata.name%3Ditem-4'), { code: 200, fields: ['names'] });
    observe('field selector negated', await list('fieldSelector=metadata.name!%3Ditem-4,metadata.namespace%3D' + ns), { code: 200, fields: ['names'] });
    observe('bad label selector', await list('labelSelector=a%20in%20b'), { code: 400, fields: ['reason'] });
    const first = await list('limit=3');
    observe('first page', first, { code: 200, fields: ['names', 'metadata.remainingItemCount'] });
    // Changes after the first page must not show in later pages: they come from the first page's revision.
    await client.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'item-45' } });
    await client.request('DELETE', `${base}/item-4`);
    await client.request('PATCH', `${base}/item-5`, { data: { changed: 'yes' } }, 'application/merge-patch+json');
    const second = await list(`limit=3&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    observe('second page is a snapshot', { ...second, body: { ...second.body, item5: second.body.items?.find((i: { metadata: { name: string } }) => i.metadata.name === 'item-5')?.data ?? null, sameRv: second.body.metadata.resourceVersion === first.body.metadata.resourceVersion } }, {
      code: 200,
      fields: ['names', 'metadata.remainingItemCount', 'item5', 'sameRv'],
    });
    const exact = await list(`resourceVersion=${first.body.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    observe('list at an exact resourceVersion', { ...exact, body: { ...exact.body, atRequested: exact.body.metadata?.resourceVersion === first.body.metadata.resourceVersion } }, { code: 200, fields: ['names', 'atRequested'] });
    observe('list now', await list(''), { code: 200, fields: ['names'] });
    const third = await list(`limit=3&continue=${encodeURIComponent(second.body.metadata.continue)}`);
    observe('last page', { ...third, body: { ...third.body, hasContinue: !!third.body.metadata.continue } }, { code: 200, fields: ['names', 'hasContinue'] });
    observe('garbage continue token', await list('limit=3&continue=garbage'), { code: 400, fields: ['reason'] });
    const cluster = await client.request('GET', `/api/v1/configmaps?labelSelector=parity%3Dodd`);
    observe('across namespaces', { ...cluster, body: { names: names(cluster).sort() } }, { code: 200, fields: ['names'] });
    observe('delete collection', { ...(await client.request('DELETE', `${base}?labelSelector=parity%3Dodd`)), body: {} }, { code: 200, fields: [] });
    observe('after delete collection', await list(''), { code: 200, fields: ['names'] });
  },
};
