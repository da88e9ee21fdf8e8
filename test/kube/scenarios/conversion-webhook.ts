// CRD conversion webhooks: a custom resource served in two versions whose fields differ (v1
// spec.size, v2 spec.replicas), converted by a ConversionReview webhook on loopback whatever version
// a client reads, writes, patches or watches in; conversion failures; the CRD's conversion rules.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { servingCertificate } from '../../../src/kube/tls.js';
import type { Scenario } from './scenario.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** v1 <-> v2 by renaming spec.size / spec.replicas; an object labelled fail=yes cannot be converted. */
function convert(object: Obj, desired: string): Obj {
  const out = structuredClone(object);
  const spec = out.spec ?? {};
  if (desired.endsWith('/v2') && 'size' in spec) {
    spec.replicas = spec.size;
    delete spec.size;
  } else if (desired.endsWith('/v1') && 'replicas' in spec) {
    spec.size = spec.replicas;
    delete spec.replicas;
  }
  out.apiVersion = desired;
  return out;
}

async function startWebhook(): Promise<{ url: string; caBundle: string; reviews: Obj[]; close(): Promise<void> }> {
  const { cert, key } = await servingCertificate();
  const reviews: Obj[] = [];
  const server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Obj;
      reviews.push(review);
      const { uid, desiredAPIVersion, objects } = review.request as { uid: string; desiredAPIVersion: string; objects: Obj[] };
      const failing = objects.some((o) => o.metadata?.labels?.fail === 'yes');
      const response = failing
        ? { uid, result: { status: 'Failure', message: 'refusing to convert' } }
        : { uid, result: { status: 'Success' }, convertedObjects: objects.map((o) => convert(o, desiredAPIVersion)) };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'ConversionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/convert`,
    caBundle: Buffer.from(cert).toString('base64'),
    reviews,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function version(name: string, storage: boolean, field: string): Obj {
  return {
    name, served: true, storage,
    subresources: { status: {} },
    schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { [field]: { type: 'integer' } } }, status: { type: 'object', properties: { ready: { type: 'boolean' } } } } } },
  };
}

export const scenario: Scenario = {
  name: 'conversion-webhook',
  async run({ client, ns, observe, eventually }) {
    const webhook = await startWebhook();
    try {
      const group = `${ns}.conv.example.com`;
      const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
      const conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: webhook.url, caBundle: webhook.caBundle } } };
      const definition = (name: string, conv: Obj) => ({
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${name}.${group}` },
        spec: { group, scope: 'Namespaced', names: { plural: name, kind: 'Widget' }, versions: [version('v1', true, 'size'), version('v2', false, 'replicas')], conversion: conv },
      });
      observe('Webhook strategy without webhook', await client.request('POST', crdPath, definition('nowebhooks', { strategy: 'Webhook' })), { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
      observe('unknown review version', await client.request('POST', crdPath, definition('badreviews', { ...conversion, webhook: { ...conversion.webhook, conversionReviewVersions: ['v9'] } })), { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
      observe('create CRD', await client.request('POST', crdPath, definition('widgets', conversion)), { code: 201, fields: ['spec.conversion.strategy'] });
      const v1 = `/apis/${group}/v1/namespaces/${ns}/widgets`;
      const v2 = `/apis/${group}/v2/namespaces/${ns}/widgets`;
      await eventually('both versions are served', async () => (await client.request('GET', v1)).code === 200 && (await client.request('GET', v2)).code === 200);

      const created = await client.request('POST', v2, { apiVersion: `${group}/v2`, kind: 'Widget', metadata: { name: 'w1', labels: { a: 'b' } }, spec: { replicas: 3 } });
      observe('create in v2', created, { code: 201, fields: ['apiVersion', 'spec', 'metadata.labels', 'metadata.generation'] });
      observe('read in v1', await client.request('GET', `${v1}/w1`), { code: 200, fields: ['apiVersion', 'spec', 'metadata.labels'] });
      const listed = await client.request('GET', v2);
      observe('list in v2', { ...listed, body: { apiVersion: listed.body.apiVersion, items: listed.body.items?.map((i: Obj) => ({ apiVersion: i.apiVersion, spec: i.spec })) } }, { code: 200, fields: ['apiVersion', 'items'] });
      observe('merge patch in v2', await client.request('PATCH', `${v2}/w1`, { spec: { replicas: 5 } }, 'application/merge-patch+json'), { code: 200, fields: ['apiVersion', 'spec', 'metadata.generation'] });
      const now = await client.request('GET', `${v1}/w1`);
      observe('patched, read in v1', now, { code: 200, fields: ['spec'] });
      const watch = await client.watch(`${v2}?watch=true&resourceVersion=${now.body.metadata.resourceVersion}`);
      try {
        observe('update in v1', await client.request('PUT', `${v1}/w1`, { ...now.body, spec: { size: 7 } }), { code: 200, fields: ['apiVersion', 'spec'] });
        const inV2 = await client.request('GET', `${v2}/w1`);
        observe('status write in v2', await client.request('PUT', `${v2}/w1/status`, { ...inV2.body, status: { ready: true } }), { code: 200, fields: ['apiVersion', 'spec', 'status'] });
        await watch.waitFor(2, 10_000);
        const events = watch.events.filter((e) => e.type !== 'BOOKMARK').map((e) => ({ type: e.type, apiVersion: e.object.apiVersion, spec: e.object.spec, status: e.object.status }));
        observe('watch in v2', { code: 200, headers: {}, body: { events } }, { code: 200, fields: ['events'] });
      } finally {
        watch.close();
      }
      observe('apply in v2', await client.request('PATCH', `${v2}/w2?fieldManager=scenario`, { apiVersion: `${group}/v2`, kind: 'Widget', metadata: { name: 'w2' }, spec: { replicas: 2 } }, 'application/apply-patch+yaml'), { code: 201, fields: ['apiVersion', 'spec'] });
      observe('applied, read in v1', await client.request('GET', `${v1}/w2`), { code: 200, fields: ['apiVersion', 'spec'] });

      const bad = await client.request('POST', v1, { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'bad', labels: { fail: 'yes' } }, spec: { size: 1 } });
      observe('stored version needs no webhook', bad, { code: 201, fields: ['spec'] });
      // The read fails as a storage error naming the object's revision: each server's own resourceVersion.
      const read = await client.request('GET', `${v2}/bad`);
      const revision = `revision=${String(bad.body.metadata?.resourceVersion)}:`;
      const body = JSON.parse(JSON.stringify(read.body).replaceAll(revision, 'revision=<its resourceVersion>:'));
      observe('failing conversion on read', { ...read, body }, { code: 500, fields: ['reason', 'message', 'kind', 'details'] });
      observe('failing conversion on write', await client.request('POST', v2, { apiVersion: `${group}/v2`, kind: 'Widget', metadata: { name: 'bad2', labels: { fail: 'yes' } }, spec: { replicas: 1 } }), { code: 500, fields: ['reason', 'message', 'kind'] });
      observe('delete in v2', await client.request('DELETE', `${v2}/w1`), { code: 200, fields: ['apiVersion', 'kind', 'status', 'details.name', 'details.kind'] });
      observe('delete in v1 (stored version)', await client.request('DELETE', `${v1}/w2`), { code: 200, fields: ['apiVersion', 'kind', 'status', 'details.name'] });
      const reviews = webhook.reviews;
      observe('reviews', { code: 200, headers: {}, body: { sent: reviews.length > 0, v1: reviews.every((r) => r.apiVersion === 'apiextensions.k8s.io/v1' && typeof r.request?.uid === 'string') } }, { code: 200, fields: ['sent', 'v1'] });
      await client.request('DELETE', `${crdPath}/widgets.${group}`);
    } finally {
      await webhook.close();
    }
  },
};
