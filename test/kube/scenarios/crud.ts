// Create/get/update/delete of a ConfigMap and the errors around them.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'crud',
  async run({ client, ns, observe }) {
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one', labels: { app: 'x' } }, data: { a: '1' } };
    const created = await client.request('POST', base, cm);
    observe('create', created, { code: 201, fields: ['kind', 'metadata.name', 'metadata.namespace', 'data', 'metadata.generation'] });
    observe('create again', await client.request('POST', base, cm), { code: 409, fields: ['message', 'details.name', 'details.kind'] });
    const got = await client.request('GET', `${base}/one`);
    observe('get', got, { code: 200, fields: ['data.a', 'metadata.labels'] });
    observe('get missing', await client.request('GET', `${base}/nope`), { code: 404, fields: ['message', 'details'] });
    const stale = { ...got.body, metadata: { ...got.body.metadata, resourceVersion: '1' }, data: { a: '2' } };
    observe('update stale', await client.request('PUT', `${base}/one`, stale), { code: 409, fields: ['message', 'details.name'] });
    const fresh = { ...got.body, data: { a: '3' } };
    const updated = await client.request('PUT', `${base}/one`, fresh);
    observe('update', updated, { code: 200, fields: ['data.a'] });
    const noop = await client.request('PUT', `${base}/one`, updated.body);
    observe('update unchanged keeps resourceVersion', { ...noop, body: { same: noop.body.metadata.resourceVersion === updated.body.metadata.resourceVersion } }, { code: 200, fields: ['same'] });
    observe('rename on update', await client.request('PUT', `${base}/one`, { ...fresh, metadata: { ...fresh.metadata, name: 'two' } }), { code: 400, fields: ['message'] });
    observe('namespace mismatch', await client.request('POST', base, { ...cm, metadata: { name: 'three', namespace: 'default' } }), { code: 400, fields: ['message'] });
    observe('invalid name', await client.request('POST', base, { ...cm, metadata: { name: 'Not_Valid' } }), { code: 422, fields: ['message', 'details.causes[0].field', 'details.causes[0].reason', 'details.kind'] });
    observe('no name', await client.request('POST', base, { ...cm, metadata: {} }), { code: 422, fields: ['message', 'details.causes'] });
    const generated = await client.request('POST', base, { ...cm, metadata: { generateName: 'gen-' } });
    observe('generateName', { ...generated, body: { prefixed: /^gen-[a-z0-9]{5}$/.test(generated.body.metadata.name) } }, { code: 201, fields: ['prefixed'] });
    observe('bad label value', await client.request('POST', base, { ...cm, metadata: { name: 'four', labels: { a: 'no spaces' } } }), { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
    observe('wrong kind', await client.request('POST', base, { ...cm, kind: 'Secret', metadata: { name: 'five' } }), { code: 400, fields: ['reason'] });
    observe('delete', await client.request('DELETE', `${base}/one`), { code: 200, fields: ['kind', 'status', 'details.name', 'details.kind'] });
    observe('delete again', await client.request('DELETE', `${base}/one`), { code: 404, fields: ['message'] });
    observe('unknown resource', await client.request('GET', `/api/v1/namespaces/${ns}/widgets`), { code: 404, fields: ['reason'] });
    observe('missing namespace', await client.request('POST', '/api/v1/namespaces/does-not-exist/configmaps', cm), { code: 404, fields: ['message', 'details'] });
    observe('bad JSON', await client.request('POST', base, '{"apiVersion": "v1",'), { code: 400, fields: ['reason'] });
  },
};
