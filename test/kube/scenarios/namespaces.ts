// Namespace lifecycle: Active, Terminating on delete, no new content while terminating.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'namespaces',
  async run({ client, ns, observe }) {
    const name = `${ns}-child`;
    const created = await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    observe('create', created, { code: 201, fields: ['status.phase', 'spec.finalizers', 'metadata.labels'] });
    observe('invalid name', await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }), { code: 422, fields: ['details.causes[0].field'] });
    // A finalizer on content keeps the namespace Terminating on both servers.
    await client.request('POST', `/api/v1/namespaces/${name}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    observe('delete', await client.request('DELETE', `/api/v1/namespaces/${name}`), { code: 200, fields: ['kind', 'status.phase'] });
    observe('create inside terminating namespace', await client.request('POST', `/api/v1/namespaces/${name}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } }), {
      code: 403,
      fields: ['reason', 'message', 'details.causes[0].reason'],
    });
    observe('cluster-scoped get', await client.request('GET', `/api/v1/namespaces/${name}`), { code: 200, fields: ['status.phase'] });
    await client.request('PATCH', `/api/v1/namespaces/${name}/configmaps/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
  },
};
