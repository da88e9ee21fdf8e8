// Finalizers hold a deleted object with a deletionTimestamp until they are removed.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'finalizers',
  async run({ client, ns, observe }) {
    const path = `/api/v1/namespaces/${ns}/configmaps/held`;
    await client.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const deleted = await client.request('DELETE', path);
    observe('delete with finalizer', { ...deleted, body: { ...deleted.body, hasTimestamp: !!deleted.body.metadata?.deletionTimestamp } }, { code: 200, fields: ['kind', 'hasTimestamp', 'metadata.finalizers', 'metadata.deletionGracePeriodSeconds'] });
    const got = await client.request('GET', path);
    observe('still there', { ...got, body: { hasTimestamp: !!got.body.metadata?.deletionTimestamp } }, { code: 200, fields: ['hasTimestamp'] });
    observe('delete again', { ...(await client.request('DELETE', path)), body: {} }, { code: 200, fields: [] });
    observe('no new finalizers while deleting', await client.request('PATCH', path, { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } }, 'application/merge-patch+json'), { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
    observe('remove the finalizer', await client.request('PATCH', path, { metadata: { finalizers: null } }, 'application/merge-patch+json'), { code: 200, fields: ['metadata.name'] });
    observe('gone', await client.request('GET', path), { code: 404, fields: ['reason'] });
    await client.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre' } });
    observe('precondition uid', await client.request('DELETE', `/api/v1/namespaces/${ns}/configmaps/pre`, { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } }), { code: 409, fields: ['reason'] });
    observe('bad propagation policy', await client.request('DELETE', `/api/v1/namespaces/${ns}/configmaps/pre`, { propagationPolicy: 'Sideways' }), { code: 422, fields: ['reason'] });
  },
};
