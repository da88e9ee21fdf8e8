// Finalizers hold a deleted object with a deletionTimestamp until they are removed.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'finalizers',
  async run({ client, ns, observe, eventually }) {
    const path = `/api/v1/namespaces/${ns}/configmaps/held`;
    const created = await client.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const watch = await client.watch(`/api/v1/namespaces/${ns}/configmaps?watch=true&fieldSelector=metadata.name%3Dheld&resourceVersion=${created.body.metadata.resourceVersion as string}`);
    const deleted = await client.request('DELETE', path);
    observe('delete with finalizer', { ...deleted, body: { ...deleted.body, hasTimestamp: !!deleted.body.metadata?.deletionTimestamp } }, { code: 200, fields: ['kind', 'hasTimestamp', 'metadata.finalizers', 'metadata.deletionGracePeriodSeconds'] });
    const got = await client.request('GET', path);
    observe('still there', { ...got, body: { hasTimestamp: !!got.body.metadata?.deletionTimestamp } }, { code: 200, fields: ['hasTimestamp'] });
    observe('delete again', { ...(await client.request('DELETE', path)), body: {} }, { code: 200, fields: [] });
    observe('no new finalizers while deleting', await client.request('PATCH', path, { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } }, 'application/merge-patch+json'), { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
    observe('remove the finalizer', await client.request('PATCH', path, { metadata: { finalizers: null } }, 'application/merge-patch+json'), { code: 200, fields: ['metadata.name'] });
    observe('gone', await client.request('GET', path), { code: 404, fields: ['reason'] });
    // Removing the last finalizer deletes in place of the write: watchers never see the object
    // without its finalizers, and the DELETED event carries the last stored state. A controller
    // that saw the finalizer-less version would act on an object that is already gone.
    try {
      await eventually('the DELETED event', async () => watch.events.some((e) => e.type === 'DELETED'));
      const seen = watch.events.map((e) => {
        const meta = (e.object as { metadata: { deletionTimestamp?: string; finalizers?: string[] } }).metadata;
        return `${e.type} deleting=${!!meta.deletionTimestamp} finalizers=${JSON.stringify(meta.finalizers ?? [])}`;
      });
      observe('watch through the finalizer removal', { code: 200, headers: {}, body: { seen } }, { code: 200, fields: ['seen'] });
    } finally {
      watch.close();
    }
    await client.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre' } });
    observe('precondition uid', await client.request('DELETE', `/api/v1/namespaces/${ns}/configmaps/pre`, { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } }), { code: 409, fields: ['reason'] });
    observe('bad propagation policy', await client.request('DELETE', `/api/v1/namespaces/${ns}/configmaps/pre`, { propagationPolicy: 'Sideways' }), { code: 422, fields: ['reason'] });
  },
};
