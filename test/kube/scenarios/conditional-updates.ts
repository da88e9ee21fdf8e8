// Updates without a resourceVersion: most built-in kinds take them (the last writer wins), but a
// Lease must name the version it replaces — leader election and node heartbeats rely on it — and
// so must a custom resource.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'conditional-updates',
  async run({ client, ns, observe }) {
    const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    await client.request('POST', leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'a' } });
    await client.request('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: '1' } });
    observe('lease: update without resourceVersion', await client.request('PUT', `${leases}/l`, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'b' } }), { code: 422, fields: ['reason', 'details.causes[0].field'] });
    const lease = await client.request('GET', `${leases}/l`);
    observe('lease: update with its resourceVersion', await client.request('PUT', `${leases}/l`, { ...lease.body, spec: { holderIdentity: 'b' } }), { code: 200, fields: ['spec.holderIdentity'] });
    observe('lease: merge patch without resourceVersion', await client.request('PATCH', `${leases}/l`, { spec: { holderIdentity: 'c' } }, 'application/merge-patch+json'), { code: 200, fields: ['spec.holderIdentity'] });
    observe('configmap: update without resourceVersion', await client.request('PUT', `${cms}/c`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: '2' } }), { code: 200, fields: ['data.k'] });
  },
};
