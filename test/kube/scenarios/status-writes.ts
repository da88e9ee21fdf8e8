// Writes to status subresources: metadata changes are kept (the service controller adds its
// load-balancer-cleanup finalizer with a strategic merge patch on services/status), except what
// a type protects (pod owner references, deployment labels); the spec never changes there.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'status-writes',
  async run({ client, ns, observe }) {
    const services = `/api/v1/namespaces/${ns}/services`;
    await client.request('POST', services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', labels: { a: '1' } }, spec: { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ port: 80 }] } });
    const cleanup = { metadata: { finalizers: ['service.kubernetes.io/load-balancer-cleanup'] }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } };
    observe('finalizer and ingress through services/status (strategic merge)', await client.request('PATCH', `${services}/lb/status`, cleanup, 'application/strategic-merge-patch+json'), {
      code: 200,
      fields: ['metadata.finalizers', 'metadata.labels', 'status.loadBalancer.ingress', 'spec.type'],
    });
    const got = await client.request('GET', `${services}/lb`);
    const put = { ...got.body, metadata: { ...got.body.metadata, labels: { a: '2', b: '3' }, annotations: { note: 'x' } }, spec: { ...got.body.spec, type: 'NodePort' }, status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } } };
    observe('labels and annotations through services/status (update), spec ignored', await client.request('PUT', `${services}/lb/status`, put), {
      code: 200,
      fields: ['metadata.labels', 'metadata.annotations', 'metadata.finalizers', 'spec.type', 'status.loadBalancer.ingress'],
    });
    observe('finalizer removed through services/status (merge patch)', await client.request('PATCH', `${services}/lb/status`, { metadata: { finalizers: null } }, 'application/merge-patch+json'), {
      code: 200,
      fields: ['metadata.finalizers'],
    });
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '6b1f8c6e-0000-4000-8000-000000000001' };
    const pods = `/api/v1/namespaces/${ns}/pods`;
    await client.request('POST', pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    observe('pods/status keeps owner references, takes labels', await client.request('PATCH', `${pods}/p/status`, { metadata: { labels: { l: 'v' }, ownerReferences: [owner] }, status: { phase: 'Running' } }, 'application/merge-patch+json'), {
      code: 200,
      fields: ['metadata.labels', 'metadata.ownerReferences', 'status.phase', 'status.qosClass'],
    });
    const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const template = { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } };
    await client.request('POST', deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { keep: 'me' } }, spec: { selector: { matchLabels: { app: 'd' } }, template } });
    observe('deployments/status keeps labels, takes annotations', await client.request('PATCH', `${deployments}/d/status`, { metadata: { labels: { keep: 'no' }, annotations: { a: 'b' } }, status: { replicas: 1 } }, 'application/merge-patch+json'), {
      code: 200,
      fields: ['metadata.labels', 'metadata.annotations', 'metadata.generation', 'status.replicas'],
    });
    const node = `${ns}-node`;
    await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node } });
    observe('nodes/status takes labels and finalizers', await client.request('PATCH', `/api/v1/nodes/${node}/status`, { metadata: { labels: { zone: 'z1' }, finalizers: ['example.com/hold'] }, spec: { providerID: 'ignored://x' } }, 'application/merge-patch+json'), {
      code: 200,
      fields: ['metadata.labels', 'metadata.finalizers', 'spec.providerID'],
    });
    await client.request('PATCH', `/api/v1/nodes/${node}`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await client.request('DELETE', `/api/v1/nodes/${node}`);
    const namespace = `/api/v1/namespaces/${ns}`;
    observe('namespaces/status takes annotations', await client.request('PATCH', `${namespace}/status`, { metadata: { annotations: { n: 'v' } } }, 'application/merge-patch+json'), {
      code: 200,
      fields: ['metadata.annotations', 'status.phase'],
    });
  },
};
