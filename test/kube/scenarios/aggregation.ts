// APIService (apiregistration.k8s.io/v1). `aggregation` runs on both servers: registration, and
// 503 while the Service has no endpoint, 404 once the APIService is gone. `aggregation-proxy`
// reaches a loopback server through an ExternalName Service (Endpoints may not hold loopback
// addresses, and 127.0.0.1 is the only network here): kube-apiserver does that only without
// --enable-aggregator-routing, and the differential's kube-apiserver runs with it, so this one runs
// on the in-memory server only: a group/version served by another HTTPS server, reached through
// the API server, listed in /apis while registered and gone when the APIService is deleted
// (docs/kube/differences.md).
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { servingCertificate } from '../../../src/kube/tls.js';
import type { Scenario } from './scenario.js';

async function startBackend(group: string, ns: string): Promise<{ port: number; close(): void }> {
  const { cert, key } = await servingCertificate();
  const server = createServer({ cert, key }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    const send = (code: number, body: object) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === `/apis/${group}/v1alpha1`) return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/v1alpha1`, resources: [{ name: 'things', singularName: 'thing', namespaced: true, kind: 'Thing', verbs: ['get', 'list'] }] });
    if (path === `/apis/${group}/v1alpha1/namespaces/${ns}/things/one`) return send(200, { kind: 'Thing', apiVersion: `${group}/v1alpha1`, metadata: { name: 'one', namespace: ns }, seenUser: req.headers.authorization ? 'with-credentials' : 'none' });
    return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

export const scenario: Scenario = {
  name: 'aggregation',
  async run({ client, ns, observe, eventually }) {
    const group = `${ns}.unreachable.example.com`;
    const name = `v1alpha1.${group}`;
    observe('Service without endpoints', await client.request('POST', `/api/v1/namespaces/${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nothing' }, spec: { ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } }), { code: 201, fields: [] });
    const apiService = { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name }, spec: { group, version: 'v1alpha1', service: { namespace: ns, name: 'nothing', port: 443 }, insecureSkipTLSVerify: true, groupPriorityMinimum: 1000, versionPriority: 15 } };
    observe('create APIService', await client.request('POST', '/apis/apiregistration.k8s.io/v1/apiservices', apiService), { code: 201, fields: ['kind', 'spec.group', 'spec.version', 'spec.service.name', 'spec.service.port', 'spec.insecureSkipTLSVerify'] });
    observe('read APIService', await client.request('GET', `/apis/apiregistration.k8s.io/v1/apiservices/${name}`), { code: 200, fields: ['spec.service.namespace', 'spec.groupPriorityMinimum', 'spec.versionPriority'] });
    await eventually('the group/version is proxied (and unavailable)', async () => (await client.request('GET', `/apis/${group}/v1alpha1`)).code === 503, 30_000);
    observe('no endpoint: 503', await client.request('GET', `/apis/${group}/v1alpha1`), { code: 503, fields: [] });
    observe('delete APIService', { ...(await client.request('DELETE', `/apis/apiregistration.k8s.io/v1/apiservices/${name}`)), body: {} }, { code: 200, fields: [] });
    await eventually('the group/version is gone with its APIService', async () => (await client.request('GET', `/apis/${group}/v1alpha1`)).code === 404, 30_000);
  },
};

export const proxyScenario: Scenario = {
  name: 'aggregation-proxy',
  inMemoryOnly: 'kube-apiserver with --enable-aggregator-routing refuses ExternalName Services',
  async run({ client, ns, observe, eventually }) {
    const group = `${ns}.aggregated.example.com`;
    const backend = await startBackend(group, ns);
    try {
      observe('backing ExternalName Service', await client.request('POST', `/api/v1/namespaces/${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'things' }, spec: { type: 'ExternalName', externalName: 'localhost' } }), { code: 201, fields: [] });
      const name = `v1alpha1.${group}`;
      const apiService = { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name }, spec: { group, version: 'v1alpha1', service: { namespace: ns, name: 'things', port: backend.port }, insecureSkipTLSVerify: true, groupPriorityMinimum: 1000, versionPriority: 15 } };
      observe('create APIService', await client.request('POST', '/apis/apiregistration.k8s.io/v1/apiservices', apiService), { code: 201, fields: ['spec.group', 'spec.version', 'spec.service.name', 'spec.service.port', 'spec.insecureSkipTLSVerify'] });
      await eventually('the aggregated group/version answers', async () => (await client.request('GET', `/apis/${group}/v1alpha1`)).code === 200, 60_000);
      observe('aggregated discovery document', await client.request('GET', `/apis/${group}/v1alpha1`), { code: 200, fields: ['kind', 'groupVersion', 'resources[0].name', 'resources[0].verbs'] });
      observe('aggregated object, credentials not passed on', await client.request('GET', `/apis/${group}/v1alpha1/namespaces/${ns}/things/one`), { code: 200, fields: ['kind', 'metadata.name', 'seenUser'] });
      observe('aggregated 404 passed through', await client.request('GET', `/apis/${group}/v1alpha1/namespaces/${ns}/things/two`), { code: 404, fields: ['reason'] });
      await eventually('/apis lists the group', async () => ((await client.request('GET', '/apis')).body.groups ?? []).some((g: { name: string }) => g.name === group), 60_000);
      const groups = await client.request('GET', '/apis');
      observe('/apis lists the aggregated group', { ...groups, body: { listed: (groups.body.groups ?? []).filter((g: { name: string }) => g.name === group).map((g: { preferredVersion: unknown }) => g.preferredVersion) } }, { code: 200, fields: ['listed'] });
      observe('delete APIService', { ...(await client.request('DELETE', `/apis/apiregistration.k8s.io/v1/apiservices/${name}`)), body: {} }, { code: 200, fields: [] });
      await eventually('the group/version is gone with its APIService', async () => (await client.request('GET', `/apis/${group}/v1alpha1`)).code === 404, 60_000);
    } finally {
      backend.close();
    }
  },
};
