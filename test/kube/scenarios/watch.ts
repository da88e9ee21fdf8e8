// Watch: events after a resourceVersion, selector transitions, synthetic ADDED for a fresh watch.
// (sendInitialEvents needs etcd >= 3.4.31 on the real side; Debian's 3.4.23 lacks it, so it is
// tested on the in-memory server only, in watch.test.ts.)
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'watch',
  async run({ client, ns, observe }) {
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    const first = await client.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w0', labels: { watched: 'yes' } } });
    const rv = first.body.metadata.resourceVersion as string;
    const fromRv = await client.watch(`${base}?watch=true&resourceVersion=${rv}`);
    const selected = await client.watch(`${base}?watch=true&resourceVersion=${rv}&labelSelector=watched%3Dyes`);
    const fresh = await client.watch(`${base}?watch=true&labelSelector=watched%3Dyes`);
    await client.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1', labels: { watched: 'yes' } } });
    await client.request('PATCH', `${base}/w1`, { data: { k: 'v' } }, 'application/merge-patch+json');
    await client.request('PATCH', `${base}/w1`, { metadata: { labels: { watched: 'no' } } }, 'application/merge-patch+json');
    await client.request('PATCH', `${base}/w1`, { metadata: { labels: { watched: 'yes' } } }, 'application/merge-patch+json');
    await client.request('DELETE', `${base}/w1`);
    try {
      await fromRv.waitFor(5, 10_000);
      await selected.waitFor(5, 10_000);
      await fresh.waitFor(6, 10_000);
      const summary = (events: { type: string; object: { metadata: { name: string } } }[]) => events.map((e) => `${e.type} ${e.object.metadata.name}`);
      observe('events after a resourceVersion', { code: 200, headers: {}, body: { events: summary(fromRv.events) } }, { code: 200, fields: ['events'] });
      observe('label selector transitions', { code: 200, headers: {}, body: { events: summary(selected.events) } }, { code: 200, fields: ['events'] });
      observe('fresh watch starts with ADDED', { code: 200, headers: {}, body: { events: summary(fresh.events) } }, { code: 200, fields: ['events'] });
      const ordered = fromRv.events.every((e, i, all) => i === 0 || Number(e.object.metadata.resourceVersion) > Number(all[i - 1]!.object.metadata.resourceVersion));
      observe('resourceVersions increase', { code: 200, headers: {}, body: { ordered } }, { code: 200, fields: ['ordered'] });
    } finally {
      fromRv.close();
      selected.close();
      fresh.close();
    }
    const single = await client.watch(`${base}?watch=true&fieldSelector=metadata.name%3Dw0&timeoutSeconds=1`);
    await single.ended;
    observe('timeoutSeconds ends the watch', { code: 200, headers: {}, body: { events: single.events.map((x) => x.type) } }, { code: 200, fields: ['events'] });
  },
};
