// Metadata-only requests, as client-go's metadata client and controller-runtime's metadata
// informers make them: PartialObjectMetadata for an object (get, patch, watch events and
// bookmarks), PartialObjectMetadataList for a list, 406 where the form does not fit.
import type { Scenario } from './scenario.js';

// The JSON part of the Accept headers client-go's metadata client sends (it puts protobuf first,
// which kube-apiserver would answer in; the Go client test, kube-probe.test.ts, sends them whole).
const ONE = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

export const scenario: Scenario = {
  name: 'metadata-only',
  async run({ client, ns, observe }) {
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const created = await client.request('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm1', labels: { a: 'b' }, annotations: { n: 'v' } }, data: { k: 'v' } });
    await client.request('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm2' }, data: { k: 'v' } });
    const accept = (value: string) => ({ Accept: value });
    const fields = ['kind', 'apiVersion', 'metadata.name', 'metadata.labels', 'metadata.annotations', 'data', 'metadata.uid'];
    const got = await client.request('GET', `${cms}/m1`, undefined, 'application/json', accept(ONE));
    observe('get', { ...got, body: { ...got.body, uidKept: got.body.metadata?.uid === created.body.metadata.uid } }, { code: 200, fields: [...fields.filter((f) => f !== 'metadata.uid'), 'uidKept'] });
    const listed = await client.request('GET', `${cms}?limit=1`, undefined, 'application/json', accept(LIST));
    observe('list', { ...listed, body: { ...listed.body, items: listed.body.items?.map((i: { kind: string; apiVersion: string; metadata: { name: string }; data?: unknown }) => ({ kind: i.kind, apiVersion: i.apiVersion, name: i.metadata.name, data: i.data })), hasContinue: !!listed.body.metadata?.continue } }, {
      code: 200,
      fields: ['kind', 'apiVersion', 'items', 'hasContinue', 'metadata.remainingItemCount'],
    });
    observe('v1beta1', await client.request('GET', `${cms}/m1`, undefined, 'application/json', accept('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1')), { code: 200, fields: ['kind', 'apiVersion'] });
    observe('PartialObjectMetadata for a list', await client.request('GET', cms, undefined, 'application/json', accept(ONE)), { code: 406, fields: ['message', 'reason'] });
    observe('PartialObjectMetadataList for an object', await client.request('GET', `${cms}/m1`, undefined, 'application/json', accept(LIST)), { code: 406, fields: ['message', 'reason'] });
    observe('PartialObjectMetadataList for a deployment object', await client.request('GET', `${deployments}/none`, undefined, 'application/json', accept(LIST)), { code: 404, fields: ['reason'] });
    observe('missing object', await client.request('GET', `${cms}/none`, undefined, 'application/json', accept(ONE)), { code: 404, fields: ['reason', 'kind'] });
    observe('unknown form', await client.request('GET', `${cms}/m1`, undefined, 'application/json', accept('application/json;as=Foo;g=meta.k8s.io;v=v1')), { code: 406, fields: ['message'] });
    const patched = await client.request('PATCH', `${cms}/m1`, { metadata: { labels: { c: 'd' } } }, 'application/merge-patch+json', accept(ONE));
    observe('patch answers with metadata', patched, { code: 200, fields: ['kind', 'apiVersion', 'metadata.labels', 'data'] });
    const rv = patched.body.metadata.resourceVersion as string;
    const watch = await client.watch(`${cms}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`, ONE);
    try {
      await client.request('PATCH', `${cms}/m1`, { data: { k: 'w' } }, 'application/merge-patch+json');
      await client.request('DELETE', `${cms}/m2`);
      await watch.waitFor(2, 10_000);
      const events = watch.events.filter((e) => e.type !== 'BOOKMARK').map((e) => ({ type: e.type, kind: e.object.kind, apiVersion: e.object.apiVersion, name: e.object.metadata?.name, data: e.object.data }));
      observe('watch events', { code: 200, headers: {}, body: { events } }, { code: 200, fields: ['events'] });
    } finally {
      watch.close();
    }
    observe('delete answers with a Status', await client.request('DELETE', `${cms}/m1`, undefined, 'application/json', accept(ONE)), { code: 200, fields: ['kind', 'status'] });
    observe('table still served', await client.request('GET', cms, undefined, 'application/json', accept('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')), { code: 200, fields: ['kind', 'apiVersion'] });
  },
};
